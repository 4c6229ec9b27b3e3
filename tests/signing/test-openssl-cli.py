#!/usr/bin/env python3
"""Cross-check signing/ against the openssl CLI.

usage: test-openssl-cli.py HVSIG_TOOL OPENSSL

- key id == `openssl pkey -pubin -in PUB -outform DER | sha256sum`, from the
  public and from the private PEM, for P-256, P-384 and RSA-3072;
- a compressed-point PEM (`openssl ec -conv_form compressed`) gives the same
  record AND the same key id as the uncompressed one: hvimage defines the key
  id over the canonical SPKI (named curve, uncompressed point) rebuilt from
  the record, so one key has one id however a file spells it. That id is
  therefore NOT the hash of the compressed file's own DER, which is asserted;
- keygen's files are what openssl expects (PKCS#8 0600, SPKI 0644);
- `openssl dgst -sign` output (DER) imports, and hvimage's raw signatures
  verify with `openssl dgst -verify` after conversion to DER here.
"""
import hashlib
import os
import stat
import subprocess
import sys
import tempfile

TOOL, OPENSSL = sys.argv[1], sys.argv[2]
failures = 0
checks = 0


def check(cond, what):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print(f"CHECK failed: {what}", file=sys.stderr)


def run(*args, input=None):
    return subprocess.run(args, input=input, capture_output=True)


def ossl(*args, input=None):
    r = run(OPENSSL, *args, input=input)
    if r.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)}: {r.stderr.decode()}")
    return r.stdout


def tool(*args):
    """Returns (alg, key id hex, record hex) or raises."""
    r = run(TOOL, *args)
    if r.returncode != 0:
        raise RuntimeError(f"hvsig-tool {' '.join(args)}: {r.stderr.decode()}")
    return tuple(r.stdout.decode().split())


def spki_sha256(pub_pem):
    der = ossl("pkey", "-pubin", "-in", pub_pem, "-outform", "DER")
    return hashlib.sha256(der).hexdigest(), der


def der_integer(b):
    b = b.lstrip(b"\0") or b"\0"
    if b[0] & 0x80:
        b = b"\0" + b
    return bytes([0x02, len(b)]) + b


def raw_to_der(raw):
    half = len(raw) // 2
    body = der_integer(raw[:half]) + der_integer(raw[half:])
    assert len(body) < 128
    return bytes([0x30, len(body)]) + body


KEYS = [
    # name, genpkey options, HV_SIG_*, dgst option
    ("p256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], 1,
     "-sha256"),
    ("p384", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], 2,
     "-sha384"),
    ("rsa3072", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"], 3,
     "-sha256"),
]

with tempfile.TemporaryDirectory(prefix="hv-signing-cli-") as d:
    def p(name):
        return os.path.join(d, name)

    tbs = p("tbs.bin")
    with open(tbs, "wb") as f:
        f.write(bytes(range(256)) * 3)

    for name, gen, alg, dgst in KEYS:
        priv, pub = p(name + ".pem"), p(name + ".pub.pem")
        ossl("genpkey", *gen, "-out", priv)
        ossl("pkey", "-in", priv, "-pubout", "-out", pub)
        want, _ = spki_sha256(pub)

        a_pub = tool("pub", pub)
        a_priv = tool("priv", priv)
        check(a_pub[0] == str(alg), f"{name}: algorithm {a_pub[0]}")
        check(a_pub[1] == want, f"{name}: key id {a_pub[1]} != {want}")
        check(a_priv == a_pub, f"{name}: private and public records differ")

        # openssl's DER signature imports; the result verifies with openssl.
        sig_der = p(name + ".sig.der")
        ossl("dgst", dgst, "-sign", priv, "-out", sig_der, tbs)
        imported = p(name + ".imported")
        r = run(TOOL, "import", pub, tbs, sig_der, imported)
        check(r.returncode == 0, f"{name}: import: {r.stderr.decode()}")

        # hvimage's own signature verifies with openssl.
        raw = p(name + ".sig.raw")
        r = run(TOOL, "sign", priv, tbs, raw)
        check(r.returncode == 0, f"{name}: sign: {r.stderr.decode()}")
        for sig_file in (raw, imported):
            with open(sig_file, "rb") as f:
                sig = f.read()
            if alg in (1, 2):
                check(len(sig) == (64 if alg == 1 else 96),
                      f"{name}: raw length {len(sig)}")
                sig = raw_to_der(sig)
            else:
                check(len(sig) == 384, f"{name}: RSA length {len(sig)}")
            with open(p("check.sig"), "wb") as f:
                f.write(sig)
            r = run(OPENSSL, "dgst", dgst, "-verify", pub, "-signature",
                    p("check.sig"), tbs)
            check(r.returncode == 0 and b"Verified OK" in r.stdout,
                  f"{name}: openssl rejects {os.path.basename(sig_file)}")

    # Compressed points: same record, same (canonical) key id.
    for name in ("p256", "p384"):
        priv, pub = p(name + ".pem"), p(name + ".pub.pem")
        pubc, privc = p(name + ".c.pub.pem"), p(name + ".c.pem")
        ossl("ec", "-in", priv, "-pubout", "-conv_form", "compressed",
             "-out", pubc)
        ossl("ec", "-in", priv, "-conv_form", "compressed", "-out", privc)
        want, der_u = spki_sha256(pub)
        got_c, der_c = spki_sha256(pubc)
        # The files really differ (compressed point: 0x02/0x03 || X).
        check(der_c != der_u and len(der_c) < len(der_u),
              f"{name}: openssl did not write a compressed point")
        base = tool("pub", pub)
        check(tool("pub", pubc) == base,
              f"{name}: compressed public PEM gives another record or id")
        check(tool("priv", privc) == base,
              f"{name}: compressed private PEM gives another record or id")
        check(base[1] == want and base[1] != got_c,
              f"{name}: key id is not the canonical (uncompressed) SPKI hash")
        check(base[2].startswith("04") and
              len(base[2]) == 2 * (65 if name == "p256" else 97),
              f"{name}: record is not 0x04 || X || Y")

    # Keygen output as openssl sees it.
    priv, pub = p("gen.pem"), p("gen.pub.pem")
    rec = tool("keygen", "1", priv, pub)
    check(stat.S_IMODE(os.stat(priv).st_mode) == 0o600, "keygen priv mode")
    check(stat.S_IMODE(os.stat(pub).st_mode) == 0o644, "keygen pub mode")
    with open(priv) as f:
        check(f.readline() == "-----BEGIN PRIVATE KEY-----\n",
              "keygen priv is not PKCS#8 PEM")
    with open(pub) as f:
        check(f.readline() == "-----BEGIN PUBLIC KEY-----\n",
              "keygen pub is not SPKI PEM")
    check(run(OPENSSL, "pkey", "-in", priv, "-check", "-noout").returncode == 0,
          "openssl pkey -check rejects the keygen private key")
    check(rec[1] == spki_sha256(pub)[0], "keygen key id != openssl SPKI hash")
    check(tool("priv", priv) == rec, "keygen record != loaded record")
    # ... and it refuses to run again over the same private key.
    r = run(TOOL, "keygen", "1", priv, p("other.pub.pem"))
    check(r.returncode != 0 and b"refusing to overwrite" in r.stderr,
          "keygen overwrote a private key")
    check(not os.path.exists(p("other.pub.pem")), "keygen left a file behind")

print(f"{checks} checks, {failures} failed", file=sys.stderr)
sys.exit(1 if failures or not checks else 0)
