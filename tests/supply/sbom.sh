#!/bin/sh
# The SBOM section end to end: `hvimage sbom` on the bundled example gives a
# document valid against the vendored CycloneDX 1.5 schema whose every
# digest matches the inputs (sbom-check.py, independent of the C code);
# rebuilding the same inputs elsewhere gives the same bytes; `inspect` lists
# the packages; and every refusal exits with its code, its message and no
# output: a tampered or foreign image, a version 1 image (no SBOM), and
# validly signed images whose SBOM section is not the document the builder
# writes (crafted by craft-section, signed with `hvimage sign`).
. "$SRC/tests/cli/lib.sh"
: "${CRAFT_SECTION:?}" "${PY_DEBIAN:?}"
SCHEMA=$SRC/tests/vectors/cyclonedx
P=$SRC/oem-profiles/acme-servers.yaml
expect 0 "" hv keygen --alg ecdsa-p384-sha384 -o "$T/k.pem"
# RSA signatures are deterministic: two builds can be compared whole.
sed 's/algorithms: \[ecdsa-p384-sha384\]/algorithms: [ecdsa-p384-sha384, rsa3072-pkcs1-sha256]/' \
    "$SRC/oem-profiles/acme-servers.yaml" > "$T/acme-rsa.yaml"
expect 0 "" hv keygen --alg rsa3072-pkcs1-sha256 -o "$T/rsa.pem"
expect 0 "" hv keygen --alg ecdsa-p384-sha384 -o "$T/other.pem"
expect 0 "" hv build -q -m "$SRC/manifests/example.yaml" -p "$P" \
    --key "$T/k.pem" -o "$T/e.hvi"
X="--key $T/k.pub.pem --board acme-r750-mb2 --profile $P --rollback 3"

# 1. Valid, and every digest is the input's.
expect 0 "" hv sbom $X -o "$T/sbom.json" "$T/e.hvi"
expect 0 "0 failed" "$PY_DEBIAN" "$SRC/tests/supply/sbom-check.py" "$SCHEMA" \
    "$T/sbom.json" "$SRC/manifests/example.yaml"
# Levels and signers as the example's signatures make them: acme-nic
# countersigned by the OEM (certified), the others signed by their vendors
# (accepted); key ids computed here with the openssl CLI from the profile's
# public keys, licences as the signatures declare them.
kid() { openssl pkey -pubin -in "$SRC/oem-profiles/keys/$1.pub.pem" -outform DER |
    sha256sum | cut -c1-64; }
for v in acme-nic:certified zenith-storage:accepted cobalt-gpu:accepted; do
    vendor=${v%%:*} level=${v#*:}
    check "$vendor: $level, signed by its key$([ "$level" = certified ] && echo ', countersigned by the OEM')" \
        "$PY_DEBIAN" - "$T/sbom.json" "$vendor" "$level" "$(kid "$vendor")" \
        "$(kid acme-servers-oem)" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
c = [c for c in b["components"] if c.get("bom-ref") == "driver:" + sys.argv[2]][0]
p = {x["name"]: x["value"] for x in c["properties"]}
ok = (p["hvimage:acceptance"] == sys.argv[3] and p["hvimage:signer"] == sys.argv[4]
      and p.get("hvimage:countersigner") == (sys.argv[5] if sys.argv[3] == "certified" else None))
sys.exit(0 if ok else 1)
PY
done
# stdout carries exactly the document, nothing else.
hv sbom $X "$T/e.hvi" > "$T/stdout.json" 2> "$T/stderr"
check "stdout is the document" cmp -s "$T/stdout.json" "$T/sbom.json"
check "nothing on stderr" test ! -s "$T/stderr"
# The check is a real one: a wrong digest or a schema violation fails it.
sed 's/"device-driver"/"driver"/' "$T/sbom.json" > "$T/bad-schema.json"
expect 1 "CycloneDX 1.5 schema" "$PY_DEBIAN" "$SRC/tests/supply/sbom-check.py" \
    "$SCHEMA" "$T/bad-schema.json" "$SRC/manifests/example.yaml"
"$PY_DEBIAN" - "$T/sbom.json" "$T/bad-digest.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
d = [c for c in b["components"] if c["type"] == "device-driver"][0]
d["components"][0]["hashes"][0]["content"] = "0" * 64
json.dump(b, open(sys.argv[2], "w"))
PY
expect 1 "every file with its digest" "$PY_DEBIAN" \
    "$SRC/tests/supply/sbom-check.py" "$SCHEMA" "$T/bad-digest.json" \
    "$SRC/manifests/example.yaml"

# 2. Reproducible: a copy of the inputs elsewhere, other mtimes, another
# working folder and another signing key give the same document (the
# whole image's reproducibility is cli-reproducible's).
cp -r "$SRC/manifests" "$T/copy"
find "$T/copy" -exec touch -d '2001-02-03 04:05:06' {} +
(cd "$T/copy" && "$HVIMAGE" build -q -m example.yaml -p "$P" \
    --key "$T/other.pem" -o "$T/r2.hvi") || echo "FAIL: build of the copy"
Y="--board acme-r750-mb2 --any-oem --no-rollback-check"
expect 0 "" hv sbom --key "$T/other.pub.pem" $Y -o "$T/r2.json" "$T/r2.hvi"
check "same inputs, same SBOM" cmp -s "$T/r2.json" "$T/sbom.json"
# A changed input changes the SBOM: a boot configuration value. (A changed
# byte in a signed package is refused before anything is built.)
sed -i 's/log_level: info/log_level: debug/' "$T/copy/example.yaml"
(cd "$T/copy" && "$HVIMAGE" build -q -m example.yaml -p "$P" \
    --key "$T/other.pem" -o "$T/r3.hvi") || echo "FAIL: build of the changed copy"
expect 0 "" hv sbom --key "$T/other.pub.pem" $Y -o "$T/r3.json" "$T/r3.hvi"
check "the changed value is in the SBOM" grep -q '"value": "debug"' "$T/r3.json"
f=$(find "$T/copy/example/drivers/cobalt-gpu" -type f | sort | head -1)
printf x >> "$f"
expect 2 "cobalt-gpu" sh -c "cd '$T/copy' && '$HVIMAGE' build -q -m example.yaml \
    -p '$P' --key '$T/other.pem' -o '$T/r4.hvi'"
check "a changed boot configuration changes the SBOM" \
    sh -c "! cmp -s '$T/r3.json' '$T/r2.json'"

# The SBOM is written after the core, once the input digests are in (they
# are hashed beside zstd): the overlapped build (level 19, a second thread
# compressing the later sections beside the core) and the serial one give
# the same image, and its digests, extras included, are the files'.
cp -r "$SRC/manifests" "$T/c2"
# A 6 MiB raw core: large enough that level 9 compresses beside it.
for f in /usr/bin/*; do [ -f "$f" ] && cat "$f"; done 2>/dev/null |
    head -c 6291456 > "$T/c2/core.bin"
head -c 300000 /dev/urandom > "$T/c2/calibration.bin"
printf 'x' > "$T/c2/stored.bin"
sed -e 's|^  path: example/monitor.elf.*|  path: core.bin|' \
    -e 's|^  format: elf.*|  format: raw\n  load_address: 0x100000\n  entry_point: 0x100000|' \
    "$SRC/manifests/example.yaml" > "$T/c2/m.yaml"
printf '%s\n' 'sections:' '  - {name: calibration, path: calibration.bin}' \
    '  - {name: raw, path: stored.bin, compress: false}' >> "$T/c2/m.yaml"
sed -i 's/compression_level: 19/compression_level: 9/' "$T/acme-rsa.yaml"
expect 0 "beside the core" hv build -m "$T/c2/m.yaml" -p "$T/acme-rsa.yaml" --key "$T/rsa.pem" \
    --threads 2 -o "$T/o2.hvi"
expect 0 "" hv build -q -m "$T/c2/m.yaml" -p "$T/acme-rsa.yaml" --key "$T/rsa.pem" \
    --threads 1 -o "$T/o1.hvi"
check "overlapped and serial builds are identical" cmp -s "$T/o1.hvi" "$T/o2.hvi"
expect 0 "" hv sbom --key "$T/rsa.pub.pem" $Y -o "$T/o2.json" "$T/o2.hvi"
expect 0 "0 failed" "$PY_DEBIAN" "$SRC/tests/supply/sbom-check.py" "$SCHEMA" \
    "$T/o2.json" "$T/c2/m.yaml"

# 3. inspect lists the packages (text and JSON), saying it is unverified.
expect 0 "acme-nic +2\.1\.0 +[0-9]+ entries +certified +signer $(kid acme-nic | cut -c1-16)" \
    hv inspect "$T/e.hvi"
expect 0 "drivers \(from the sbom section, NOT verified\)" hv inspect "$T/e.hvi"
hv inspect --json "$T/e.hvi" > "$T/inspect.json"
check "inspect --json lists the packages as the SBOM does" "$PY_DEBIAN" -c "
import json, sys
i = json.load(open('$T/inspect.json'))
b = json.load(open('$T/sbom.json'))
want = [(c['name'], c['version'],
         int([p['value'] for p in c['properties'] if p['name'] == 'hvimage:entries'][0]))
        for c in b['components'] if c['type'] == 'device-driver']
got = [(d['vendor'], d['version'], d['entries']) for d in i['drivers']]
sys.exit(0 if got == want and len(got) == 3 else 1)"

# 4. Refusals: exit code, message, nothing written.
nothing() { test ! -e "$T/out.json" && test -z "$(ls "$T"/out.json.tmp-* 2>/dev/null)"; }
refused() { # CODE PATTERN ARGS...
    code=$1 pat=$2
    shift 2
    expect "$code" "$pat" hv sbom "$@" -o "$T/out.json"
    check "nothing written after: $pat" nothing
}
refused 1 "signature|untrusted" --key "$T/other.pub.pem" \
    --board acme-r750-mb2 --profile "$P" --rollback 3 "$T/e.hvi"
# A flipped byte inside the stored SBOM section.
off=$(hv inspect --json "$T/e.hvi" | "$PY_DEBIAN" -c "
import json, sys
s = [s for s in json.load(sys.stdin)['metadata']['sections'] if s['name'] == 'sbom'][0]
print(s['data_offset'] + 10)")
cp "$T/e.hvi" "$T/flip.hvi"
printf '\377' | dd of="$T/flip.hvi" bs=1 seek="$off" conv=notrunc 2>/dev/null
refused 1 "rejected at byte offset [0-9]+ in section 'sbom'" $X "$T/flip.hvi"
expect 0 "" hv build -q --format-version 1 -m "$SRC/manifests/example.yaml" \
    -p "$P" --key "$T/k.pem" -o "$T/v1.hvi"
refused 1 "has no sbom section" $X "$T/v1.hvi"
refused 2 "no --json" --json $X "$T/e.hvi"
expect 2 "is the input|refusing|same file" hv sbom $X -o "$T/e.hvi" "$T/e.hvi"
check "the image given as -o is intact" hv verify $X "$T/e.hvi"

# extract writes the SBOM as sbom.json: an extra section of that name (or
# any other output's) would overwrite it, so such an image is refused.
printf 'x' > "$T/x.bin"
cp "$SRC/manifests/example/monitor.elf" "$T/monitor.elf"
for name in sbom.json core.bin drivers.tar; do
    cat > "$T/clash.yaml" <<EOF2
image: {name: clash, version: 1.0.0, security_version: 3, build_epoch: 1}
core: {path: monitor.elf}
sections:
  - {name: $name, path: x.bin}
EOF2
    expect 0 "" hv build -q -m "$T/clash.yaml" -p "$P" --key "$T/k.pem" -o "$T/clash.hvi"
    expect 1 "section '$name': its name clashes with an output of extract" \
        hv extract $X -o "$T/clash-out" "$T/clash.hvi"
    check "extract of $name left nothing" test ! -e "$T/clash-out"
done
rm -rf "$T/x"
expect 0 "sbom.json" hv extract $X -o "$T/x" "$T/e.hvi"
check "extract writes the SBOM as sbom.json" cmp -s "$T/x/sbom.json" "$T/sbom.json"

# Signed images with a hand-made SBOM section.
crafted() { # NAME FILE: sign a copy of e.hvi whose SBOM is FILE
    "$CRAFT_SECTION" "$T/e.hvi" sbom "$2" "$T/$1.hvi" &&
        hv sign --key "$T/k.pem" "$T/$1.hvi" > /dev/null ||
        echo "FAIL: cannot craft $1"
}
printf '{"bomFormat": "CycloneDX", "specVersion": "1.5",' > "$T/trunc.json"
crafted trunc "$T/trunc.json"
refused 1 "section 'sbom': not valid JSON at byte 48: the document ends early" \
    $X "$T/trunc.hvi"
printf '{"a": 1} x' > "$T/trail.json"
crafted trail "$T/trail.json"
refused 1 "section 'sbom': not valid JSON at byte 9" $X "$T/trail.hvi"
printf '{"a": "\377"}' > "$T/utf8.json"
crafted utf8 "$T/utf8.json"
refused 1 "section 'sbom': not valid JSON at byte" $X "$T/utf8.hvi"
printf '{"bomFormat": "SPDX"}' > "$T/spdx.json"
crafted spdx "$T/spdx.json"
refused 1 "section 'sbom': not a CycloneDX 1.5 document" $X "$T/spdx.hvi"
sed 's/"version": "1.4.2"/"version": "9.9.9"/' "$T/sbom.json" > "$T/ver.json"
crafted ver "$T/ver.json"
refused 1 "metadata.component.version is '9.9.9' but the image's signed metadata says '1.4.2'" \
    $X "$T/ver.hvi"
sed 's/"value": "certified"/"value": "vendor-approved"/' "$T/sbom.json" > "$T/lvl.json"
crafted lvl "$T/lvl.json"
refused 1 "hvimage:acceptance must be" $X "$T/lvl.hvi"
"$PY_DEBIAN" -c "print('[' * 40 + ']' * 40)" > "$T/deep.json"
crafted deep "$T/deep.json"
refused 1 "section 'sbom': not valid JSON at byte 16" $X "$T/deep.hvi"
# The unchanged document crafted the same way is accepted: the refusals
# above are the document's, not the crafting's.
crafted same "$T/sbom.json"
expect 0 "" hv sbom $X -o "$T/same.json" "$T/same.hvi"
check "a crafted copy of the real SBOM prints unchanged" cmp -s "$T/same.json" "$T/sbom.json"
finish
