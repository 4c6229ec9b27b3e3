#!/bin/sh
# build --provenance and provenance verify (docs/SUPPLY-CHAIN.md, "Build
# provenance"): the round trip on the example, an independent check of the
# envelope (provenance-check.py: Python's base64, its own PAE, openssl dgst
# -verify, every input's sha256 against its file), reproducibility, and
# every refusal with its message, exit code and nothing written.
. "$(dirname "$0")/lib.sh"
: "${DSSE_TOOL:?}"
cp -r "$SRC/manifests/example.yaml" "$SRC/manifests/example" "$T/"
P="$SRC/oem-profiles/acme-servers.yaml"
RSA_P="$SRC/oem-profiles/orbital-edge.yaml"
CHECK="$SRC/tests/cli/provenance-check.py"
expect 0 "" hv keygen -o "$T/k.pem"
expect 0 "" hv keygen -o "$T/other.pem"
expect 0 "" hv keygen --alg rsa3072-pkcs1-sha256 -o "$T/rsa.pem"
build() { hv build -q -m "$T/example.yaml" -p "$P" --key "$T/k.pem" "$@"; }
verify() { hv provenance verify "$@"; }
# Only the listed names are in $T/out: nothing else was written.
only() { test "$(ls "$T/out" | tr '\n' ' ')" = "$*"; }
mkdir "$T/out"

# Round trip on the example.
expect 0 "" build -o "$T/out/img.hvi" --provenance "$T/out/img.prov"
expect 0 "provenance .*img.prov: OK" verify --pub "$T/k.pub.pem" --image "$T/out/img.hvi" "$T/out/img.prov"
expect 0 "image .*img.hvi: same sha256" verify --pub "$T/k.pub.pem" --image "$T/out/img.hvi" "$T/out/img.prov"
expect 0 "core +example/monitor.elf sha256:$(sha256sum "$T/example/monitor.elf" | cut -d' ' -f1)" \
    verify --pub "$T/k.pub.pem" "$T/out/img.prov"
expect 0 "driver +example/drivers/acme-nic-2.1.0.tar.gz \(acme-nic 2.1.0\)" verify --pub "$T/k.pub.pem" "$T/out/img.prov"
expect 0 "built on +2025-11-27T00:00:00Z" verify --pub "$T/k.pub.pem" "$T/out/img.prov"
expect 0 "image +not checked" verify --pub "$T/k.pub.pem" "$T/out/img.prov"
# The image itself is unaffected: it verifies as any build's.
expect 0 "" hv verify --key "$T/k.pub.pem" --board acme-r750-mb2 --profile "$P" --no-rollback-check "$T/out/img.hvi"
# JSON.
verify --pub "$T/k.pub.pem" --image "$T/out/img.hvi" --json "$T/out/img.prov" > "$T/v.json"
check "--json is one object with the subject and the inputs" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["verified"] is True and j["subject"]["name"] == "img.hvi"
assert j["image"]["matches"] is True
assert [i["role"] for i in j["inputs"]] == ["manifest", "profile", "core"] + ["driver", "driver-signature"] * 3, j["inputs"]
assert j["builder"]["id"] == "urn:hvimage:builder" and j["format_version"] == 2
' "$T/v.json"
# Independently of hvimage's code.
expect 0 "^manifest profile core( driver driver-signature){3}$" python3 "$CHECK" openssl "$T/out/img.prov" "$T/k.pub.pem" "$T/out/img.hvi" "$T"
# The checker can fail: the same provenance against another image.
cp "$T/out/img.hvi" "$T/img-copy.hvi" && printf x >> "$T/img-copy.hvi"
expect 1 "subject sha256 is not the image's" python3 "$CHECK" openssl "$T/out/img.prov" "$T/k.pub.pem" "$T/img-copy.hvi" "$T"

# An extra section and a raw core are inputs too; format version 1.
head -c 4096 /dev/zero > "$T/core.bin"
printf 'calibration\n' > "$T/cal.txt"
cat > "$T/m.yaml" <<EOF2
image: {name: prov, version: 1.0.0, security_version: 1, build_epoch: 86400}
core: {path: core.bin, format: raw, load_address: 0x100000, entry_point: 0x100000}
sections:
  - {name: calibration, path: cal.txt}
EOF2
expect 0 "" hv build -q -m "$T/m.yaml" -p "$P" --key "$T/k.pem" --format-version 1 -o "$T/out/m.hvi" --provenance "$T/out/m.prov"
expect 0 "section +cal.txt \(section calibration\)" verify --pub "$T/k.pub.pem" --image "$T/out/m.hvi" "$T/out/m.prov"
expect 0 "format version 1" verify --pub "$T/k.pub.pem" "$T/out/m.prov"
expect 0 "built on +1970-01-02T00:00:00Z" verify --pub "$T/k.pub.pem" "$T/out/m.prov"
expect 0 "^manifest profile core section$" python3 "$CHECK" openssl "$T/out/m.prov" "$T/k.pub.pem" "$T/out/m.hvi" "$T"
# Format version 2: the core and extra digests are the ones the build's SBOM
# thread computed, not read again; they must still be the files'.
expect 0 "" hv build -q -m "$T/m.yaml" -p "$P" --key "$T/k.pem" -o "$T/out/m2.hvi" --provenance "$T/out/m2.prov"
expect 0 "^manifest profile core section$" python3 "$CHECK" openssl "$T/out/m2.prov" "$T/k.pub.pem" "$T/out/m2.hvi" "$T"
rm -f "$T/out/m2.hvi" "$T/out/m2.prov"
# Paths are JSON text escaped as RFC 8785 does (the checker compares with
# Python's compact form): a quote, a backslash, a tab, a control byte and
# a non-ASCII letter in the manifest's name.
odd="$T/m\"q\\$(printf '\t\001')\303\251.yaml"
odd=$(printf "$odd")
cp "$T/m.yaml" "$odd"
expect 0 "" hv build -q -m "$odd" -p "$P" --key "$T/k.pem" -o "$T/out/odd.hvi" --provenance "$T/out/odd.prov"
expect 0 "^manifest profile core section$" python3 "$CHECK" openssl "$T/out/odd.prov" "$T/k.pub.pem" "$T/out/odd.hvi" "$T"
expect 0 'manifest +.*/m"q\\\\x09\\x01' verify --pub "$T/k.pub.pem" "$T/out/odd.prov"
rm -f "$T/out/odd.hvi" "$T/out/odd.prov"
# SOURCE_DATE_EPOCH sets the image's epoch, and the provenance's with it.
expect 0 "" env SOURCE_DATE_EPOCH=172800 "$HVIMAGE" build -q -m "$T/m.yaml" -p "$P" --key "$T/k.pem" -o "$T/out/sde.hvi" --provenance "$T/out/sde.prov"
expect 0 "built on +1970-01-03T00:00:00Z" verify --pub "$T/k.pub.pem" "$T/out/sde.prov"
rm -f "$T/out/m.hvi" "$T/out/m.prov" "$T/out/sde.hvi" "$T/out/sde.prov"

# Reproducible. RSA PKCS#1 v1.5 is deterministic: the whole envelope is
# byte-identical. ECDSA signs with a random nonce: the image's signature
# slot, so the subject digest, differs and nothing else in the statement.
mkdir "$T/r1" "$T/r2"
for d in r1 r2; do
    expect 0 "" hv build -q -m "$T/example.yaml" -p "$RSA_P" --key "$T/rsa.pem" -o "$T/$d/img.hvi" --provenance "$T/$d/img.prov"
done
check "RSA: the same inputs give a byte-identical provenance" cmp -s "$T/r1/img.prov" "$T/r2/img.prov"
check "RSA: and image" cmp -s "$T/r1/img.hvi" "$T/r2/img.hvi"
expect 0 "" build -o "$T/r2/img.hvi" --provenance "$T/r2/img.prov"
check "ECDSA: statements differ in the subject digest only" python3 -c '
import base64, json, sys
a, b = (json.loads(base64.b64decode(json.load(open(p))["payload"])) for p in sys.argv[1:3])
assert a["subject"][0]["digest"] != b["subject"][0]["digest"]
a["subject"][0]["digest"] = b["subject"][0]["digest"] = None
assert a == b
' "$T/out/img.prov" "$T/r2/img.prov"

# A key in a PKCS#11 token (SoftHSM) signs the provenance as it signs the
# image: with the RSA key imported, the very same envelope as the file's.
MODULE=/usr/lib/softhsm/libsofthsm2.so
mkdir "$T/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$T" > "$T/softhsm2.conf"
export SOFTHSM2_CONF="$T/softhsm2.conf"
expect 0 "" softhsm2-util --init-token --free --label prov --pin 1234 --so-pin 5678
expect 0 "imported" softhsm2-util --import "$T/rsa.pem" --token prov --label rsa --id 01 --pin 1234
printf '1234\n' > "$T/pin"
mkdir "$T/r3"
expect 0 "" hv build -q -m "$T/example.yaml" -p "$RSA_P" --key "pkcs11:token=prov;object=rsa?module-path=$MODULE&pin-source=file:$T/pin" -o "$T/r3/img.hvi" --provenance "$T/r3/img.prov"
check "RSA: a token key gives the key file's provenance" cmp -s "$T/r1/img.prov" "$T/r3/img.prov"
expect 0 "" verify --pub "$T/rsa.pub.pem" --image "$T/r3/img.hvi" "$T/r3/img.prov"

# Tampering: a changed statement, payload type or subject keeps the old
# signature and is refused (exit 1).
tamper() { # FIELD: rewrite the envelope in $T/t.prov
    python3 - "$T/out/img.prov" "$T/t.prov" "$1" <<'EOF2'
import base64, json, sys
env = json.load(open(sys.argv[1]))
st = json.loads(base64.b64decode(env["payload"]))
what = sys.argv[3]
if what == "statement":
    st["predicate"]["buildDefinition"]["resolvedDependencies"][2]["digest"]["sha256"] = "0" * 64
elif what == "subject":
    st["subject"][0]["digest"]["sha256"] = "1" * 64
elif what == "type":
    env["payloadType"] = "application/json"
if what != "type":
    env["payload"] = base64.b64encode(json.dumps(st, separators=(",", ":")).encode()).decode()
json.dump(env, open(sys.argv[2], "w"))
EOF2
}
for what in statement subject type; do
    tamper $what
    expect 1 "t.prov: no valid signature by .*k.pub.pem" verify --pub "$T/k.pub.pem" "$T/t.prov"
done
# Wrong key; one of two keys; another image; the same key twice.
expect 1 "no valid signature by .*other.pub.pem" verify --pub "$T/other.pub.pem" "$T/out/img.prov"
expect 1 "no valid signature by .*other.pub.pem" verify --pub "$T/k.pub.pem" --pub "$T/other.pub.pem" "$T/out/img.prov"
expect 1 "img-copy.hvi: the image's sha256 is [0-9a-f]{64}, the provenance's subject has [0-9a-f]{64}: it is the provenance of another image" \
    verify --pub "$T/k.pub.pem" --image "$T/img-copy.hvi" "$T/out/img.prov"
verify --pub "$T/other.pub.pem" --json "$T/out/img.prov" > "$T/r.json"
check "--json on refusal says verified: false and why" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["verified"] is False and "no valid signature" in j["reason"]
' "$T/r.json"
expect 2 "are the same key" verify --pub "$T/k.pub.pem" --pub "$T/k.pem" "$T/out/img.prov"

# Validly signed envelopes that are not an hvimage provenance (signed with
# dsse-tool, which only wraps signing/dsse.c).
st=$(python3 -c '
import base64, json, sys
print(base64.b64decode(json.load(open(sys.argv[1]))["payload"]).decode())
' "$T/out/img.prov")
signed() { # TYPE STATEMENT: $T/s.prov signed by k.pem
    printf '%s' "$2" > "$T/s.payload"
    "$DSSE_TOOL" sign "$T/s.prov" "$1" "$T/s.payload" "$T/k.pem"
}
signed application/json "$st"
expect 1 "payloadType is \"application/json\", not \"application/vnd.in-toto\+json\"" verify --pub "$T/k.pub.pem" "$T/s.prov"
signed application/vnd.in-toto+json "$(printf '%s' "$st" | sed 's#in-toto.io/Statement/v1#in-toto.io/Statement/v0.1#')"
expect 1 "_type is not \"https://in-toto.io/Statement/v1\"" verify --pub "$T/k.pub.pem" "$T/s.prov"
signed application/vnd.in-toto+json "$(printf '%s' "$st" | sed 's#slsa.dev/provenance/v1#slsa.dev/provenance/v0.2#')"
expect 1 "predicateType is not \"https://slsa.dev/provenance/v1\"" verify --pub "$T/k.pub.pem" "$T/s.prov"
signed application/vnd.in-toto+json "$(printf '%s' "$st" | sed 's#urn:hvimage:build:v1#https://example.com/other#')"
expect 1 "not the provenance of an hvimage build" verify --pub "$T/k.pub.pem" "$T/s.prov"
signed application/vnd.in-toto+json "$(printf '%s' "$st" | sed 's#"sha256":"[0-9a-f]*"#"sha256":"XYZ"#')"
expect 1 "subject needs a name and a sha256 digest" verify --pub "$T/k.pub.pem" "$T/s.prov"
signed application/vnd.in-toto+json "$st trailing"
expect 1 "the statement is not one JSON object" verify --pub "$T/k.pub.pem" "$T/s.prov"

# Bad input (exit 2).
printf '{"payload":' > "$T/bad.prov"
expect 2 "bad.prov: byte offset 11" verify --pub "$T/k.pub.pem" "$T/bad.prov"
expect 2 "missing.prov: cannot open" verify --pub "$T/k.pub.pem" "$T/missing.prov"
expect 2 "--pub is required" verify "$T/out/img.prov"
expect 2 "one FILE" verify --pub "$T/k.pub.pem"
expect 2 "--image given twice" verify --pub "$T/k.pub.pem" --image a --image b "$T/out/img.prov"
expect 2 "missing.hvi: cannot open" verify --pub "$T/k.pub.pem" --image "$T/missing.hvi" "$T/out/img.prov"
expect 2 "the one subcommand is 'verify'" hv provenance check "$T/out/img.prov"
head -c 1048577 /dev/zero > "$T/huge.prov"
expect 2 "huge.prov: larger than the 1048576 bytes" verify --pub "$T/k.pub.pem" "$T/huge.prov"

# build refuses before any work, and writes nothing.
rm -f "$T/out/img.hvi" "$T/out/img.prov"
expect 2 "--provenance and --unsigned exclude each other: the provenance is signed with the build keys" \
    hv build -q -m "$T/example.yaml" -p "$P" --unsigned -o "$T/out/u.hvi" --provenance "$T/out/u.prov"
expect 2 "--provenance needs --key" hv build -q -m "$T/example.yaml" -p "$P" -o "$T/out/u.hvi" --provenance "$T/out/u.prov"
expect 2 "--provenance .*img.hvi is the image --output" build -o "$T/out/img.hvi" --provenance "$T/out/img.hvi"
expect 2 "is the image --output" build -o "$T/out/img.hvi" --provenance "$T/out/./img.hvi"
expect 2 "example.yaml: is the input" build -o "$T/out/img.hvi" --provenance "$T/example.yaml"
expect 2 "holds a private key" build -o "$T/out/img.hvi" --provenance "$T/other.pem"
core_sum=$(sha256sum "$T/example/monitor.elf")
expect 2 "--provenance .*monitor.elf: is \(or is inside\) the input .*monitor.elf named by" build -o "$T/out/img.hvi" --provenance "$T/example/monitor.elf"
expect 2 "is \(or is inside\) the input .*acme-nic-2.1.0.tar.gz" build -o "$T/out/img.hvi" --provenance "$T/example/drivers/../drivers/acme-nic-2.1.0.tar.gz"
expect 2 "is \(or is inside\) the input .*cobalt-gpu named by" build -o "$T/out/img.hvi" --provenance "$T/example/drivers/cobalt-gpu/new.prov"
check "the core is unchanged" test "$(sha256sum "$T/example/monitor.elf")" = "$core_sum"
check "nothing was added to the folder package" test ! -e "$T/example/drivers/cobalt-gpu/new.prov"
expect 2 "folder .*missing: No such file" build -o "$T/out/img.hvi" --provenance "$T/missing/p.prov"
expect 2 "--provenance given twice" build -o "$T/out/img.hvi" --provenance "$T/out/a" --provenance "$T/out/b"
expect 2 "--provenance must be a file" build -o "$T/out/img.hvi" --provenance -
cp "$T/example.yaml" "$T/m$(printf '\377').yaml"
expect 2 "must be UTF-8" hv build -q -m "$T/m$(printf '\377').yaml" -p "$P" --key "$T/k.pem" -o "$T/out/img.hvi" --provenance "$T/out/img.prov"
expect 2 "must be UTF-8" build -o "$T/out/i$(printf '\377').hvi" --provenance "$T/out/img.prov"
# A build that fails writes neither.
printf 'image: {name: x}\n' > "$T/broken.yaml"
expect 2 "broken.yaml" hv build -q -m "$T/broken.yaml" -p "$P" --key "$T/k.pem" -o "$T/out/img.hvi" --provenance "$T/out/img.prov"
check "refusals wrote nothing" only ""

# The provenance cannot be written (a full disk): the image is already in
# place and stays, complete; exit 3 saying so; no provenance, no leftovers.
if [ "$(id -u)" -ne 0 ]; then
    echo "FAIL: this test needs root to mount a small file system"
    exit 1
fi
mkdir "$T/tiny"
mount -t tmpfs -o size=64k tmpfs "$T/tiny" || { echo "FAIL: mount"; exit 1; }
trap 'umount "$T/tiny" 2>/dev/null; rm -rf "$T"' EXIT
head -c 65536 /dev/zero > "$T/tiny/fill" 2>/dev/null
expect 3 "img.hvi was written, its provenance was not: .*tiny/p.prov: .*No space left on device" \
    build -o "$T/out/img.hvi" --provenance "$T/tiny/p.prov"
check "the image is in place" test -s "$T/out/img.hvi"
expect 0 "" hv verify --key "$T/k.pub.pem" --board acme-r750-mb2 --profile "$P" --no-rollback-check "$T/out/img.hvi"
check "no provenance and nothing else on the full disk" test "$(ls -A "$T/tiny")" = fill
expect 3 "its provenance was not: .*No space left on device" \
    env HV_TEST_NO_TMPFILE=1 "$HVIMAGE" build -q -m "$T/example.yaml" -p "$P" --key "$T/k.pem" -o "$T/out/img2.hvi" --provenance "$T/tiny/p.prov"
check "no named temporary left either" test "$(ls -A "$T/tiny")" = fill
finish
