#!/bin/sh
# hvimage package --cab (issue 12, item 5): the example image's cabinet,
# opened with fwupd's own tools as they run here (fwupdtool get-details
# needs no daemon and no root, only a writable cache folder: HOME and the
# XDG folders point into $T), gcab and jcat-tool; reproducible; every
# refusal with its message, exit code and no output.
. "$SRC/tests/cli/lib.sh"
export HOME="$T/home" XDG_CACHE_HOME="$T/cache" XDG_STATE_HOME="$T/state" \
       XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
mkdir -p "$HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$XDG_CONFIG_HOME" \
         "$XDG_DATA_HOME"
# fwupd's tools are part of the test: missing, they fail it (scripts/deps.sh
# installs them), never skip it.
for tool in fwupdtool gcab jcat-tool xmllint openssl appstreamcli; do
    check "$tool is installed" command -v "$tool"
done
P=$SRC/oem-profiles/acme-servers.yaml
# The example manifest with absolute paths, so variants can live in $T.
sed "s#path: example/#path: $SRC/manifests/example/#" \
    "$SRC/manifests/example.yaml" > "$T/m.yaml"
expect 0 "" hv keygen -o "$T/k.pem"
expect 0 "" hv keygen -o "$T/other.pem"
expect 0 "^built" hv build -m "$T/m.yaml" -p "$P" --key "$T/k.pem" -o "$T/ex.hvi"
# Signing certificates as an OEM's PKI would issue them (libjcat wants the
# key usage): RSA (deterministic signatures) and ECDSA P-256 (randomised).
openssl req -x509 -newkey rsa:3072 -nodes -keyout "$T/rsa.key" \
    -out "$T/rsa.pem" -days 3650 -subj "/O=Acme Servers/CN=Acme firmware" \
    -addext "keyUsage=critical,digitalSignature" 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/ec.key" -out "$T/ec.pem" -days 3650 -subj "/CN=Acme EC" \
    -addext "keyUsage=critical,digitalSignature" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/rsa2.key" \
    -out "$T/rsa2.pem" -days 3650 -subj "/CN=Someone else" \
    -addext "keyUsage=critical,digitalSignature" 2>/dev/null

pkg() { hv package -m "$T/m.yaml" --pub "$T/k.pub.pem" --profile "$P" "$@"; }

# ---- The example cabinet, unsigned and signed -----------------------------
expect 0 "^packaged $T/ex.cab: [0-9]+ bytes, com.acme-servers.example-hv.firmware 1.4.2 for acme-servers \(2 board\(s\)\), Jcat checksums only" \
    pkg --cab "$T/ex.cab" "$T/ex.hvi"
expect 0 "Jcat signed" pkg --cab "$T/rsa.cab" --key "$T/rsa.key" --cert "$T/rsa.pem" "$T/ex.hvi"
expect 0 "Jcat signed" pkg --cab "$T/ec.cab" --key "$T/ec.key" --cert "$T/ec.pem" "$T/ex.hvi"

# gcab: three files in a fixed order, dated with the build epoch.
expect 0 "" gcab -t "$T/ex.cab"
check "gcab lists the three files in order" sh -c \
    "[ \"\$(gcab -t '$T/ex.cab' | tr '\n' ' ')\" = 'firmware.hvi firmware.metainfo.xml firmware.jcat ' ]"
expect 0 "firmware.hvi $(wc -c < "$T/ex.hvi") 2025-11-27 00:00:00" gcab -l "$T/ex.cab"
mkdir "$T/x" "$T/xr" "$T/xe"
(cd "$T/x" && gcab -x "$T/ex.cab") && (cd "$T/xr" && gcab -x "$T/rsa.cab") &&
    (cd "$T/xe" && gcab -x "$T/ec.cab")
check "the cabinet holds the image unchanged" cmp -s "$T/x/firmware.hvi" "$T/ex.hvi"
expect 0 "" xmllint --noout "$T/x/firmware.metainfo.xml"
# AppStream's own validator (LVFS's checksum tags are an extension it
# notes as unknown, not an error).
expect 0 "Validation was successful" appstreamcli validate --no-net "$T/x/firmware.metainfo.xml"

# The metainfo's fields, against the image, the manifest and fwupd's GUID
# rule (UUIDv5 in the DNS namespace, as Python's uuid5 computes it).
expect 0 "metainfo ok" python3 - "$T/x/firmware.metainfo.xml" "$T/ex.hvi" <<'PY'
import hashlib, sys, uuid, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
img = open(sys.argv[2], "rb").read()
def t(path): return root.find(path).text
assert root.tag == "component" and root.get("type") == "firmware", root.tag
assert t("id") == "com.acme-servers.example-hv.firmware"
assert t("name") == "example-hv"
assert t("summary") == "Hypervisor image for Acme R7x0 servers"
assert t("developer_name") == "Acme Servers"
assert t("metadata_license") == "CC0-1.0"
assert t("project_license") == "LicenseRef-proprietary"
want = sorted(str(uuid.uuid5(uuid.NAMESPACE_DNS,
                             "HVIMAGE\\OEM_acme-servers&BOARD_" + b))
              for b in ("acme-r750-mb2", "acme-r760-mb1"))
fw = root.findall("provides/firmware")
assert all(f.get("type") == "flashed" for f in fw)
assert sorted(f.text for f in fw) == want, [f.text for f in fw]
rel = root.findall("releases/release")
assert len(rel) == 1
rel = rel[0]
assert rel.get("version") == "1.4.2" and rel.get("date") == "2025-11-27"
assert rel.get("urgency") == "medium"
sums = {c.get("type"): c for c in rel.findall("checksum")}
assert sums["sha1"].text == hashlib.sha1(img).hexdigest()
assert sums["sha256"].text == hashlib.sha256(img).hexdigest()
for c in sums.values():
    assert c.get("filename") == "firmware.hvi" and c.get("target") == "content"
paras = [p.text for p in rel.findall("description/p")]
assert len(paras) == 2 and paras[1].startswith("Security version 3"), paras
req = root.find("requires/id")
assert req.text == "org.freedesktop.fwupd" and req.get("compare") == "ge"
custom = {v.get("key"): v.text for v in root.findall("custom/value")}
assert custom["LVFS::VersionFormat"] == "triplet"
assert custom["hvimage::OemId"] == "acme-servers"
assert custom["hvimage::SecurityVersion"] == "3"
print("metainfo ok")
PY

# fwupdtool reads the cabinet as fwupd would install it: the release, the
# GUIDs, and it checks the image against the metainfo's checksums.
fw_details() { fwupdtool get-details "$1" 2>&1 | grep -v -e 'Loading' -e 'Decompressing' -e 'Idle'; }
fw_out=$(fw_details "$T/ex.cab")
for pat in "New version: +1\.4\.2" "Summary: +Hypervisor image for Acme R7x0 servers" \
           "Vendor: +Acme Servers" "Urgency: +Medium" \
           "GUIDs: +(0c1f5702-d149-5f1a-acb3-069fe38e6eb7|685fa29d-9db0-5303-a953-33aadcb738d8)" \
           "Security version 3: devices that booted it refuse older images"; do
    check "fwupdtool get-details shows /$pat/" sh -c "printf '%s\n' \"\$1\" | grep -Eq -- \"\$2\"" _ "$fw_out" "$pat"
done
expect 0 "New version: +1\.4\.2" fw_details "$T/rsa.cab"
# The same cabinet with another image inside: fwupd refuses it by the
# metainfo's checksum (so the checksums above are the ones fwupd checks).
mkdir "$T/t"
cp "$T/x/firmware.metainfo.xml" "$T/x/firmware.jcat" "$T/t/"
cp "$T/ex.hvi" "$T/t/firmware.hvi"
printf 'X' | dd of="$T/t/firmware.hvi" bs=1 seek=1000 conv=notrunc 2>/dev/null
(cd "$T/t" && gcab -c -z "$T/t.cab" firmware.hvi firmware.metainfo.xml firmware.jcat)
expect 1 "checksum invalid" fwupdtool get-details "$T/t.cab"

# jcat-tool: the items and their checksums; the PKCS#7 signatures verify
# against their own certificate only.
expect 0 "ID: +firmware.hvi" jcat-tool info "$T/x/firmware.jcat"
expect 0 "Data: +$(sha256sum < "$T/ex.hvi" | cut -c1-64)" jcat-tool info "$T/x/firmware.jcat"
expect 0 "ID: +firmware.metainfo.xml" jcat-tool info "$T/x/firmware.jcat"
expect 0 "firmware.hvi:.*PASSED sha256: OK" sh -c "cd '$T/x' && jcat-tool verify firmware.jcat | tr '\n' ' '"
expect 0 "PASSED pkcs7: [^ ]*Acme firmware.*firmware.metainfo.xml:.*PASSED pkcs7" \
    sh -c "cd '$T/xr' && jcat-tool verify --public-key '$T/rsa.pem' firmware.jcat | tr '\n' ' '"
expect 0 "PASSED pkcs7: CN=Acme EC" \
    sh -c "cd '$T/xe' && jcat-tool verify --public-key '$T/ec.pem' firmware.jcat"
expect 1 "FAILED pkcs7" sh -c "cd '$T/xr' && jcat-tool verify --public-key '$T/ec.pem' firmware.jcat"
# A checksum the files do not match fails jcat-tool too.
cp "$T/x/firmware.hvi" "$T/x/firmware.metainfo.xml" "$T/t/" 2>/dev/null
printf 'X' | dd of="$T/t/firmware.hvi" bs=1 seek=1000 conv=notrunc 2>/dev/null
expect 1 "FAILED sha256" sh -c "cd '$T/t' && jcat-tool verify firmware.jcat"

# ---- Reproducible ---------------------------------------------------------
# Same image and manifest, another time zone and a later time: the same
# bytes; with ECDSA only the signatures differ.
sleep 1
TZ=Pacific/Kiritimati pkg --cab "$T/ex2.cab" "$T/ex.hvi" > /dev/null
check "unsigned cabinet is byte-identical" cmp -s "$T/ex.cab" "$T/ex2.cab"
TZ=America/Adak pkg --cab "$T/rsa2.cab" --key "$T/rsa.key" --cert "$T/rsa.pem" "$T/ex.hvi" > /dev/null
check "RSA-signed cabinet is byte-identical" cmp -s "$T/rsa.cab" "$T/rsa2.cab"
pkg --cab "$T/ec2.cab" --key "$T/ec.key" --cert "$T/ec.pem" "$T/ex.hvi" > /dev/null
mkdir "$T/xe2" && (cd "$T/xe2" && gcab -x "$T/ec2.cab")
check "ECDSA: same image" cmp -s "$T/xe/firmware.hvi" "$T/xe2/firmware.hvi"
check "ECDSA: same metainfo" cmp -s "$T/xe/firmware.metainfo.xml" "$T/xe2/firmware.metainfo.xml"
expect 0 "same but signatures" python3 - "$T/xe/firmware.jcat" "$T/xe2/firmware.jcat" <<'PY'
import gzip, json, sys
def load(p):
    j = json.loads(gzip.open(p).read())
    for item in j["Items"]:
        for b in item["Blobs"]:
            if b["Kind"] == 3:  # PKCS#7: ECDSA draws a fresh nonce
                b["Data"] = "signature"
    return j
assert load(sys.argv[1]) == load(sys.argv[2])
print("same but signatures")
PY

# ---- XML escaping, explicit GUIDs, limits at their value ------------------
# Every text goes through the XML escaper: markup in the manifest comes
# back as text. A summary of exactly 120 bytes is accepted.
long120=$(printf '%0120d' 0 | tr 0 s)
python3 - "$T/m.yaml" "$T/esc.yaml" "$long120" <<'PY'
import sys
src, dst, s120 = sys.argv[1:]
text = open(src).read()
text = text.replace("developer_name: Acme Servers",
                    "developer_name: \"Acme <b>&amp; Sons' \\\"Servers\\\"\"")
text = text.replace("summary: Hypervisor image for Acme R7x0 servers",
                    "summary: " + s120)
text = text.replace("  urgency: medium\n",
                    "  guids:\n    - 2082b5e0-7a64-478a-b1b2-e3404fab6dad\n")
text = text.replace("    Security version 3", "    </p></description><script>x</script> & ]]>")
open(dst, "w").write(text)
PY
expect 0 "^packaged" hv package -m "$T/esc.yaml" --pub "$T/k.pub.pem" --oem acme-servers --cab "$T/esc.cab" "$T/ex.hvi"
mkdir "$T/xs" && (cd "$T/xs" && gcab -x "$T/esc.cab")
expect 0 "" xmllint --noout "$T/xs/firmware.metainfo.xml"
expect 0 "escaped ok" python3 - "$T/xs/firmware.metainfo.xml" "$long120" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.find("developer_name").text == "Acme <b>&amp; Sons' \"Servers\""
assert root.find("summary").text == sys.argv[2]
assert [f.text for f in root.findall("provides/firmware")] == \
    ["2082b5e0-7a64-478a-b1b2-e3404fab6dad"]
paras = [p.text for p in root.findall("releases/release/description/p")]
assert paras[1].startswith("</p></description><script>x</script> & ]]>"), paras
assert root.find("releases/release").get("urgency") is None
print("escaped ok")
PY
expect 0 "GUID: +2082b5e0-7a64-478a-b1b2-e3404fab6dad" fw_details "$T/esc.cab"

# ---- Refusals: message, exit code, no cabinet -----------------------------
# refuse CODE PATTERN NAME ARGS...: package into $T/NAME.cab.
refuse() {
    code=$1 pattern=$2 name=$3
    shift 3
    expect "$code" "$pattern" hv package --cab "$T/$name.cab" "$@"
    check "$name: no cabinet written" test ! -e "$T/$name.cab"
    check "$name: no temporary file left" sh -c "! ls '$T' | grep -q '$name.cab.tmp'"
}
std() { printf '%s\n' -m "$T/m.yaml" --pub "$T/k.pub.pem" --profile "$P"; }

# An image that does not verify: one byte changed in a section, a key
# that did not sign it, another OEM.
cp "$T/ex.hvi" "$T/bad.hvi"
size=$(wc -c < "$T/bad.hvi")
# Every bit flipped: a constant written over it may equal the byte.
last=$(od -An -tu1 -j $((size - 1)) -N1 "$T/bad.hvi" | tr -d ' ')
printf "\\$(printf %o $((last ^ 255)))" | dd of="$T/bad.hvi" bs=1 seek=$((size - 1)) conv=notrunc 2>/dev/null
refuse 1 "hvimage package: $T/bad.hvi: rejected at byte offset [0-9]+ in section" tampered \
    -m "$T/m.yaml" --pub "$T/k.pub.pem" --profile "$P" "$T/bad.hvi"
refuse 1 "$T/ex.hvi: rejected.*untrusted" untrusted \
    -m "$T/m.yaml" --pub "$T/other.pub.pem" --any-oem "$T/ex.hvi"
refuse 1 "image is for another OEM" wrong-oem \
    -m "$T/m.yaml" --pub "$T/k.pub.pem" --oem zenith-cloud "$T/ex.hvi"

# An over-long metainfo field, named with file:line:col.
sed "s/summary: .*/summary: s$long120/" "$T/m.yaml" > "$T/long.yaml"
line=$(grep -n '^  summary:' "$T/long.yaml" | cut -d: -f1)
refuse 2 "^hvimage package: $T/long.yaml:$line:12: error: 'release.summary' is 121 bytes, longer than the limit of 120$" \
    long -m "$T/long.yaml" --pub "$T/k.pub.pem" --profile "$P" "$T/ex.hvi"
# Notes at the limit and one past it; GUIDs likewise.
python3 - "$T/m.yaml" "$T" <<'PY'
import sys
text = open(sys.argv[1]).read()
head, _, rest = text.partition("  notes: |")
tail = rest[rest.index("\ncore:"):]
for name, n in (("notes", 2049), ("notes-max", 2048)):
    open(f"{sys.argv[2]}/{name}.yaml", "w").write(
        head + "  notes: \"" + "n" * n + "\"\n" + tail)
guid = "2082b5e0-7a64-478a-b1b2-e3404fab%04x"
for name, n in (("guids", 33), ("guids-max", 32)):
    open(f"{sys.argv[2]}/{name}.yaml", "w").write(text.replace(
        "  urgency: medium\n", "  guids:\n" + "".join(
            "    - " + guid % i + "\n" for i in range(n))))
PY
expect 0 "^packaged" hv package --cab "$T/notes-max.cab" -m "$T/notes-max.yaml" --pub "$T/k.pub.pem" --profile "$P" "$T/ex.hvi"
expect 0 "^packaged" hv package --cab "$T/guids-max.cab" -m "$T/guids-max.yaml" --pub "$T/k.pub.pem" --profile "$P" "$T/ex.hvi"
refuse 2 "guids.yaml:[0-9]+:5: error: 'release.guids' must list 1 to 32 GUIDs, found 33" \
    guids -m "$T/guids.yaml" --pub "$T/k.pub.pem" --profile "$P" "$T/ex.hvi"
line=$(grep -n '^  notes:' "$T/notes.yaml" | cut -d: -f1)
refuse 2 "$T/notes.yaml:$line:10: error: 'release.notes' is 2049 bytes, longer than the limit of 2048" \
    notes -m "$T/notes.yaml" --pub "$T/k.pub.pem" --profile "$P" "$T/ex.hvi"
# Bad component ids, a bad GUID, a bad urgency, a control character.
for id in acme com.acme 'com..acme.fw' 'com.1acme.fw' 'com.acme.fw.' 'com.acme/x.fw' 'com.ac me.fw'; do
    sed "s|id: com.acme-servers.example-hv.firmware|id: '$id'|" "$T/m.yaml" > "$T/id.yaml"
    line=$(grep -n '^  id:' "$T/id.yaml" | cut -d: -f1)
    refuse 2 "$T/id.yaml:$line:7: error: 'release.id' must be a reverse-DNS component id" \
        id -m "$T/id.yaml" --pub "$T/k.pub.pem" --profile "$P" "$T/ex.hvi"
done
sed "s/urgency: medium/guids: [2082B5E0-7A64-478A-B1B2-E3404FAB6DAD]/" "$T/m.yaml" > "$T/guid.yaml"
refuse 2 "guid.yaml:[0-9]+:[0-9]+: error: 'release.guids\[0\]' must be a GUID in lower case" \
    guid -m "$T/guid.yaml" --pub "$T/k.pub.pem" --profile "$P" "$T/ex.hvi"
sed "s/urgency: medium/urgency: urgent/" "$T/m.yaml" > "$T/urg.yaml"
refuse 2 "urg.yaml:[0-9]+:[0-9]+: error: 'release.urgency' must be one of low, medium, high, critical" \
    urg -m "$T/urg.yaml" --pub "$T/k.pub.pem" --profile "$P" "$T/ex.hvi"
sed 's/summary: .*/summary: "tab\there"/' "$T/m.yaml" > "$T/ctl.yaml"
refuse 2 "ctl.yaml:[0-9]+:[0-9]+: error: 'release.summary' must not contain control characters" \
    ctl -m "$T/ctl.yaml" --pub "$T/k.pub.pem" --profile "$P" "$T/ex.hvi"
sed "s/^release:/release:\n  colour: blue/" "$T/m.yaml" > "$T/unk.yaml"
refuse 2 "unk.yaml:[0-9]+:3: error: unknown key 'colour' in 'release'" \
    unk -m "$T/unk.yaml" --pub "$T/k.pub.pem" --profile "$P" "$T/ex.hvi"
# No release block; a manifest for another version of the image.
sed '/^release:/,/^core:/{/^core:/!d}' "$T/m.yaml" > "$T/norel.yaml"
check "the variant has no release block but a core" sh -c \
    "! grep -q '^release:' '$T/norel.yaml' && grep -q '^core:' '$T/norel.yaml'"
refuse 2 "$T/norel.yaml: error: no 'release' block" \
    norel -m "$T/norel.yaml" --pub "$T/k.pub.pem" --profile "$P" "$T/ex.hvi"
sed 's/version: 1.4.2/version: 1.4.3/' "$T/m.yaml" > "$T/ver.yaml"
refuse 2 "ver.yaml: error: the manifest describes example-hv 1.4.3, but $T/ex.hvi is example-hv 1.4.2" \
    ver -m "$T/ver.yaml" --pub "$T/k.pub.pem" --profile "$P" "$T/ex.hvi"
# Signing key and certificate that do not belong together; a PKCS#11 key;
# half of the pair.
refuse 2 "rsa2.pem: the signature made with $T/rsa.key does not verify against this certificate" \
    mismatch $(std) --key "$T/rsa.key" --cert "$T/rsa2.pem" "$T/ex.hvi"
refuse 2 "rsa.key, $T/ec.pem: cannot sign firmware.hvi" mismatch-alg \
    $(std) --key "$T/rsa.key" --cert "$T/ec.pem" "$T/ex.hvi"
refuse 2 "not a usable PEM signing certificate" notcert \
    $(std) --key "$T/rsa.key" --cert "$T/k.pub.pem" "$T/ex.hvi"
refuse 2 "PKCS#11 token" p11 \
    $(std) --key 'pkcs11:token=x;object=y' --cert "$T/rsa.pem" "$T/ex.hvi"
refuse 2 "--key and --cert come together" half $(std) --key "$T/rsa.key" "$T/ex.hvi"
refuse 2 "exactly one of --oem" nooem -m "$T/m.yaml" --pub "$T/k.pub.pem" "$T/ex.hvi"
refuse 2 "no trusted key" nokey -m "$T/m.yaml" --any-oem "$T/ex.hvi"
refuse 2 "needs exactly one IMAGE" noimage $(std)
refuse 2 "$T/none.hvi: cannot open" noinput $(std) "$T/none.hvi"
# Past the largest image a cabinet takes (a sparse file: refused by its
# size before a byte is read).
truncate -s $(((1 << 30) + 1)) "$T/big.hvi"
refuse 2 "big.hvi: 1073741825 bytes, more than a cabinet takes \(1073741824\)" big \
    $(std) "$T/big.hvi"
rm -f "$T/big.hvi"
# The output is an input: refused before any work, the input untouched.
cp "$T/ex.hvi" "$T/keep.hvi"
expect 2 "--cab" hv package --cab "$T/ex.hvi" $(std) "$T/ex.hvi"
check "the image is untouched" cmp -s "$T/ex.hvi" "$T/keep.hvi"
expect 2 "--cab" hv package --cab "$T/m.yaml" $(std) "$T/ex.hvi"
expect 2 "--cab" hv package --cab "$T/rsa.key" $(std) --key "$T/rsa.key" --cert "$T/rsa.pem" "$T/ex.hvi"
expect 2 "--cab" hv package --cab "$T" $(std) "$T/ex.hvi"
check "no temporary file left anywhere" sh -c "! ls '$T' | grep -q tmp-"
finish
