#!/usr/bin/env python3
"""Check a provenance file without hvimage's code.

usage: provenance-check.py OPENSSL PROVENANCE PUB.pem IMAGE MANIFEST_DIR

Parses the DSSE envelope with Python's json and strict base64, builds the
PAE from the DSSE protocol, checks every signature with `openssl dgst
-verify` (SHA-384 for P-384 keys, else SHA-256) for the key whose SPKI
SHA-256 is its keyid, then checks the in-toto statement: _type,
predicateType, buildType, the subject's sha256 against IMAGE, and every
resolved dependency's sha256 against the file it names (manifest and
profile as given, the rest relative to MANIFEST_DIR). Prints the
roles of the inputs in order; exits non-zero on any failure.
"""
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile

OPENSSL, PROV, PUB, IMAGE, MDIR = sys.argv[1:6]
errors = []


def fail(what):
    errors.append(what)
    print(f"provenance-check: {what}", file=sys.stderr)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


raw = open(PROV, "rb").read()
env = json.loads(raw)
if list(env) != ["payload", "payloadType", "signatures"]:
    fail(f"envelope keys {list(env)}")
if b" " in raw or b"\n" in raw:
    fail("envelope has whitespace")
payload = base64.b64decode(env["payload"], validate=True)
ptype = env["payloadType"]
if ptype != "application/vnd.in-toto+json":
    fail(f"payloadType {ptype}")
pae = b"DSSEv1 %d %s %d %s" % (len(ptype.encode()), ptype.encode(),
                               len(payload), payload)
der = subprocess.run([OPENSSL, "pkey", "-pubin", "-in", PUB, "-outform",
                      "DER"], capture_output=True, check=True).stdout
keyid = hashlib.sha256(der).hexdigest()
text = subprocess.run([OPENSSL, "pkey", "-pubin", "-in", PUB, "-noout",
                       "-text"], capture_output=True, check=True).stdout
md = "-sha384" if b"secp384r1" in text or b"P-384" in text else "-sha256"
found = False
with tempfile.TemporaryDirectory() as tmp:
    open(os.path.join(tmp, "pae"), "wb").write(pae)
    for s in env["signatures"]:
        if s["keyid"] != keyid:
            continue
        found = True
        open(os.path.join(tmp, "sig"), "wb").write(
            base64.b64decode(s["sig"], validate=True))
        r = subprocess.run([OPENSSL, "dgst", md, "-verify", PUB,
                            "-signature", os.path.join(tmp, "sig"),
                            os.path.join(tmp, "pae")], capture_output=True)
        if r.returncode != 0:
            fail(f"openssl dgst {md} -verify: {r.stdout!r} {r.stderr!r}")
if not found:
    fail(f"no signature with keyid {keyid}")

st = json.loads(payload)
if json.dumps(st, separators=(",", ":"), ensure_ascii=False).encode() != payload:
    fail("statement is not compact JSON in its own key order")
if list(st) != ["_type", "subject", "predicateType", "predicate"]:
    fail(f"statement keys {list(st)}")
if st["_type"] != "https://in-toto.io/Statement/v1":
    fail(f"_type {st['_type']}")
if st["predicateType"] != "https://slsa.dev/provenance/v1":
    fail(f"predicateType {st['predicateType']}")
subj = st["subject"]
if len(subj) != 1 or subj[0]["name"] != os.path.basename(IMAGE):
    fail(f"subject {subj}")
if subj[0]["digest"]["sha256"] != sha256(IMAGE):
    fail("subject sha256 is not the image's")
bd = st["predicate"]["buildDefinition"]
if bd["buildType"] != "urn:hvimage:build:v1":
    fail(f"buildType {bd['buildType']}")
roles = []
for d in bd["resolvedDependencies"]:
    role = d["annotations"]["role"]
    roles.append(role)
    path = d["name"] if role in ("manifest", "profile") else \
        os.path.join(MDIR, d["name"])
    if os.path.isdir(path):
        # A folder package: its digest is the one its vendor signed (the
        # subject of the statement in FOLDER.sig), not a file's.
        with open(path.rstrip("/") + ".sig") as f:
            env = json.load(f)
        signed = json.loads(base64.b64decode(env["payload"]))
        if d["digest"]["sha256"] != signed["subject"][0]["digest"]["sha256"]:
            fail(f"{role} {d['name']}: sha256 differs from the signed one")
    elif d["digest"]["sha256"] != sha256(path):
        fail(f"{role} {d['name']}: sha256 differs from the file's")
rd = st["predicate"]["runDetails"]
if rd["builder"]["version"].get("hvimage") is None:
    fail("builder.version.hvimage missing")
print(" ".join(roles))
sys.exit(1 if errors else 0)
