#!/usr/bin/env python3
"""Cross-check DSSE envelopes (signing/dsse.c) against the openssl CLI.

usage: test-dsse-openssl.py DSSE_TOOL OPENSSL

Nothing here uses hvimage's code to read an envelope: the JSON is parsed with
Python's json, base64 decoded with Python's strict decoder, the PAE built
here from the DSSE protocol, and each signature checked with
`openssl dgst -verify` (DER ECDSA, SHA-256 for P-256 and RSA-3072, SHA-384
for P-384). Key ids are checked against `openssl pkey -outform DER | sha256`.
The other way round, `openssl dgst -sign` over a PAE built here is added with
hv_dsse_add_external and counted by hv_dsse_verify; a signature over the bare
payload is refused.
"""
import base64
import hashlib
import json
import os
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


def run(*args):
    return subprocess.run(args, capture_output=True)


def ossl(*args):
    r = run(OPENSSL, *args)
    if r.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)}: {r.stderr.decode()}")
    return r.stdout


def pae(ptype, body):
    t = ptype.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)


def b64(s):
    return base64.b64decode(s.encode(), validate=True)


with tempfile.TemporaryDirectory() as tmp:
    def p(name):
        return os.path.join(tmp, name)

    keys = {"p256": ("sha256", ["genpkey", "-algorithm", "EC", "-pkeyopt",
                                "ec_paramgen_curve:P-256"]),
            "p384": ("sha384", ["genpkey", "-algorithm", "EC", "-pkeyopt",
                                "ec_paramgen_curve:P-384"]),
            "rsa": ("sha256", ["genpkey", "-algorithm", "RSA", "-pkeyopt",
                               "rsa_keygen_bits:3072"])}
    keyids = {}
    for name, (_, gen) in keys.items():
        ossl(*gen, "-out", p(name + ".pem"))
        ossl("pkey", "-in", p(name + ".pem"), "-pubout", "-out",
             p(name + ".pub"))
        der = ossl("pkey", "-pubin", "-in", p(name + ".pub"), "-outform",
                   "DER")
        keyids[hashlib.sha256(der).hexdigest()] = name

    ptype = "application/vnd.in-toto+json"
    body = b'{"_type":"https://in-toto.io/Statement/v1","x":"\xc3\xa9"}'
    open(p("payload"), "wb").write(body)
    r = run(TOOL, "sign", p("env.json"), ptype, p("payload"),
            *[p(n + ".pem") for n in keys])
    check(r.returncode == 0, f"dsse-tool sign: {r.stderr.decode()}")

    raw = open(p("env.json"), "rb").read()
    env = json.loads(raw)
    check(list(env) == ["payload", "payloadType", "signatures"],
          f"key order {list(env)}")
    check(b" " not in raw and b"\n" not in raw, "no whitespace")
    check(env["payloadType"] == ptype, "payloadType")
    check(b64(env["payload"]) == body, "payload bytes")
    check(len(env["signatures"]) == 3, "three signatures")
    pae_bytes = pae(env["payloadType"], b64(env["payload"]))
    open(p("pae.bin"), "wb").write(pae_bytes)
    seen = set()
    for s in env["signatures"]:
        check(list(s) == ["keyid", "sig"], f"signature keys {list(s)}")
        name = keyids.get(s["keyid"])
        check(name is not None, f"keyid {s['keyid']} is a key's SPKI sha256")
        if name is None:
            continue
        seen.add(name)
        open(p("sig.der"), "wb").write(b64(s["sig"]))
        md = keys[name][0]
        r = run(OPENSSL, "dgst", "-" + md, "-verify", p(name + ".pub"),
                "-signature", p("sig.der"), p("pae.bin"))
        check(r.returncode == 0 and b"Verified OK" in r.stdout,
              f"openssl dgst -{md} -verify, {name}: {r.stdout!r} "
              f"{r.stderr!r}")
        # And not over the bare payload: the PAE is what is signed.
        r = run(OPENSSL, "dgst", "-" + md, "-verify", p(name + ".pub"),
                "-signature", p("sig.der"), p("payload"))
        check(r.returncode != 0, f"{name}: signature is over the PAE only")
    check(seen == set(keys), f"signed by {sorted(seen)}")

    # The detached flow: openssl signs the PAE of an unsigned envelope.
    r = run(TOOL, "sign", p("unsigned.json"), ptype, p("payload"))
    check(r.returncode == 0, f"dsse-tool sign (no keys): {r.stderr.decode()}")
    cur = p("unsigned.json")
    for i, name in enumerate(["p256", "p384", "rsa"]):
        md = keys[name][0]
        ossl("dgst", "-" + md, "-sign", p(name + ".pem"), "-out",
             p(name + ".sig"), p("pae.bin"))
        out = p(f"ext{i}.json")
        r = run(TOOL, "add", out, cur, p(name + ".pub"), p(name + ".sig"))
        check(r.returncode == 0, f"add {name}: {r.stderr.decode()}")
        cur = out
    r = run(TOOL, "verify", cur, *[p(n + ".pub") for n in keys])
    check(r.returncode == 0 and r.stdout.decode().split() ==
          ["3", "1", "1", "1"], f"verify: {r.stdout!r} {r.stderr!r}")
    # Tampering with the payload inside the JSON: nothing counts.
    env = json.loads(open(cur, "rb").read())
    env["payload"] = base64.b64encode(body + b" ").decode()
    open(p("tampered.json"), "w").write(json.dumps(env))
    r = run(TOOL, "verify", p("tampered.json"),
            *[p(n + ".pub") for n in keys])
    check(r.returncode == 0 and r.stdout.decode().split() ==
          ["0", "0", "0", "0"], f"tampered: {r.stdout!r} {r.stderr!r}")

    # openssl over the payload alone (no PAE) is refused, nothing written.
    ossl("dgst", "-sha256", "-sign", p("p256.pem"), "-out", p("bare.sig"),
         p("payload"))
    r = run(TOOL, "add", p("bare.json"), p("unsigned.json"), p("p256.pub"),
            p("bare.sig"))
    check(r.returncode == 1 and b"does not verify" in r.stderr,
          f"bare signature: {r.stderr!r}")
    check(not os.path.exists(p("bare.json")), "nothing written")

print(f"{checks} checks, {failures} failed", file=sys.stderr)
sys.exit(1 if failures or not checks else 0)
