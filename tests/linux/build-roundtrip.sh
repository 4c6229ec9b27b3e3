#!/bin/sh
# A Linux image from a synthetic bzImage, a folder initramfs and a driver
# package: verify accepts it, inspect shows the kind and sections, extract
# gives the command line, the initramfs and the drivers as newc cpio
# archives laid out as the kernel expects, and a rebuild (folder mtimes
# changed) gives the same bytes.
. "$SRC/tests/cli/lib.sh"
MK="$SRC/tests/linux/make-bzimage.py"
LS="$SRC/tests/linux/newc-list.py"
cp "$SRC/oem-profiles/acme-servers.yaml" "$T/p.yaml"
cp -R "$SRC/manifests/example/drivers/cobalt-gpu" "$T/cobalt-gpu"
cp "$SRC/manifests/example/drivers/cobalt-gpu.sig" "$T/cobalt-gpu.sig"
python3 "$MK" "$T/vmlinuz" --release 6.1.0-57-amd64
mkdir -p "$T/ir/bin" "$T/ir/etc"
printf '#!/bin/sh\nexec /bin/agent\n' > "$T/ir/init"
chmod 755 "$T/ir/init"
printf 'agent' > "$T/ir/bin/agent"
chmod 755 "$T/ir/bin/agent"
printf 'x\n' > "$T/ir/etc/hostname"
ln -s ../init "$T/ir/bin/init"
cat > "$T/m.yaml" <<'EOF2'
image: {name: linux-kvm, version: 1.0.0, security_version: 2, build_epoch: 1764201600}
core:
  kind: linux
  path: vmlinuz
  cmdline: "console=ttyS0,115200 panic=-1 nokaslr"
  initramfs: ir/
drivers:
  - {vendor: cobalt-gpu, version: 1.0.0, path: cobalt-gpu}
EOF2
V="--key $T/k.pub.pem --board acme-r750-mb2 --oem acme-servers --rollback 2"
expect 0 "" hv keygen -o "$T/k.pem"
expect 0 "5 sections" hv build -m "$T/m.yaml" -p "$T/p.yaml" --key "$T/k.pem" -o "$T/a.hvi"
expect 0 "verified \(linux-kvm 1.0.0" hv verify $V "$T/a.hvi"
expect 0 '"core_kind":"linux"' hv inspect --json "$T/a.hvi"
# Sorted by type: the SBOM (5) before cmdline (6) and initramfs (7).
expect 0 '"name":"drivers","type":"drivers".*"name":"sbom","type":"sbom".*"name":"cmdline","type":"cmdline","compression":"none".*"unpacked_size":37,.*"name":"initramfs","type":"initramfs","compression":"zstd"' \
    hv inspect --json "$T/a.hvi"
# The core at the 2 MiB boundary less its 5 sectors of setup.
expect 0 '"name":"core","type":"core".*"load_address":2094592,"entry_point":2097664' hv inspect --json "$T/a.hvi"
expect 0 "core kind: +linux" hv inspect "$T/a.hvi"
expect 0 "x/cmdline.txt \(37 bytes\)" hv extract $V -o "$T/x" "$T/a.hvi"
check "core extracted unchanged" cmp -s "$T/x/core.bin" "$T/vmlinuz"
check "cmdline.txt is the manifest's, no NUL or newline" \
    sh -c "printf 'console=ttyS0,115200 panic=-1 nokaslr' | cmp -s - '$T/x/cmdline.txt'"
check "drivers not unpacked for a Linux core" test ! -e "$T/x/drivers"
# The initramfs archive: entries at the root, folders first, modes, owner.
python3 "$LS" "$T/x/initramfs.cpio" > "$T/ir.list"
cat > "$T/ir.want" <<'EOF2'
1 040755 2 0 bin
2 0100755 1 5 bin/agent
3 0120777 1 7 bin/init -> ../init
4 040755 2 0 etc
5 0100644 1 2 etc/hostname
6 0100755 1 26 init
EOF2
check "initramfs.cpio lists as expected" cmp -s "$T/ir.list" "$T/ir.want"
[ -s "$T/ir.list" ] && ! cmp -s "$T/ir.list" "$T/ir.want" && diff "$T/ir.want" "$T/ir.list"
P=lib/modules/6.1.0-57-amd64/updates/hvimage
python3 "$LS" "$T/x/drivers.cpio" > "$T/drv.list"
cat > "$T/drv.want" <<EOF2
1 040755 2 0 lib
2 040755 2 0 lib/modules
3 040755 2 0 lib/modules/6.1.0-57-amd64
4 040755 2 0 lib/modules/6.1.0-57-amd64/updates
5 040755 2 0 $P
6 0100644 1 17 $P/drivers.idx
7 040755 2 0 $P/cobalt-gpu
8 0100644 1 216 $P/cobalt-gpu/README
9 0100755 1 134 $P/cobalt-gpu/cobalt-setup.sh
10 040755 2 0 $P/cobalt-gpu/firmware
11 0100644 1 768 $P/cobalt-gpu/firmware/cobalt-gpu.bin
EOF2
check "drivers.cpio lists as expected" cmp -s "$T/drv.list" "$T/drv.want"
[ -s "$T/drv.list" ] && ! cmp -s "$T/drv.list" "$T/drv.want" && diff "$T/drv.want" "$T/drv.list"
# GNU cpio reads both, and unpacks what was packed.
if command -v cpio >/dev/null 2>&1; then
    check "GNU cpio lists the drivers archive" sh -c \
        "cpio -it --quiet < '$T/x/drivers.cpio' | grep -qx '$P/cobalt-gpu/firmware/cobalt-gpu.bin'"
    mkdir "$T/u"
    check "GNU cpio unpacks the initramfs" sh -c \
        "cd '$T/u' && cpio -id --quiet < '$T/x/initramfs.cpio' && cmp -s init '$T/ir/init' && [ \"\$(readlink bin/init)\" = ../init ]"
else
    check "GNU cpio is installed (scripts/deps.sh)" false
fi
# The SBOM names the kernel, the command line, the initramfs and each
# driver file by its cpio path.
initramfs_sha=$(sha256sum "$T/x/initramfs.cpio" | cut -d' ' -f1)
cat > "$T/sbom-check.py" <<'EOF2'
import json, sys
doc = json.load(open(sys.argv[1]))
want_ir_sha, prefix = sys.argv[2], sys.argv[3]
comps = {c["bom-ref"]: c for c in doc["components"]}
def props(c):
    return {p["name"]: p["value"] for p in c.get("properties", [])}
core = comps["core"]
assert core["type"] == "operating-system", core["type"]
assert core["version"] == "6.1.0-57-amd64", core.get("version")
p = props(core)
assert p["hvimage:core_kind"] == "linux" and p["hvimage:boot_protocol"] == "2.15", p
assert p["hvimage:kernel_release"] == "6.1.0-57-amd64", p
assert props(comps["cmdline"])["hvimage:cmdline"] == "console=ttyS0,115200 panic=-1 nokaslr"
ir = comps["initramfs"]
assert ir["hashes"][0]["content"] == want_ir_sha, ir["hashes"]
assert props(ir)["hvimage:source"] == "folder" and props(ir)["hvimage:entries"] == "6", props(ir)
assert [f["name"] for f in ir["components"]] == ["bin/agent", "bin/init", "etc/hostname", "init"], ir["components"]
drv = comps["driver:cobalt-gpu"]
names = [f["name"] for f in drv["components"]]
assert prefix + "/cobalt-gpu/firmware/cobalt-gpu.bin" in names, names
assert all(n.startswith(prefix + "/cobalt-gpu/") for n in names), names
assert props(drv)["hvimage:entries"] == "4", props(drv)
EOF2
check "the SBOM lists the kernel, cmdline, initramfs and driver cpio paths" \
    python3 "$T/sbom-check.py" "$T/x/sbom.json" "$initramfs_sha" "$P"
expect 0 "" hv sbom $V "$T/a.hvi"
# Valid CycloneDX 1.5 (the vendored schema; Debian's python3 has jsonschema).
check "the Linux image's SBOM is valid against the CycloneDX 1.5 schema" \
    /usr/bin/python3 - "$SRC/tests/vectors/cyclonedx" "$T/x/sbom.json" <<'EOF2'
import json, os, sys
import jsonschema
d, path = sys.argv[1], sys.argv[2]
store = {}
for n in os.listdir(d):
    if n.endswith(".schema.json"):
        s = json.load(open(os.path.join(d, n)))
        store[s["$id"]] = s
        store["http://cyclonedx.org/schema/" + n] = s
bom = store["http://cyclonedx.org/schema/bom-1.5.schema.json"]
errors = list(jsonschema.Draft7Validator(
    bom, resolver=jsonschema.RefResolver.from_schema(bom, store=store),
    format_checker=jsonschema.FormatChecker()).iter_errors(json.load(open(path))))
for e in errors[:5]:
    print("schema:", "/".join(map(str, e.absolute_path)), e.message)
sys.exit(1 if errors else 0)
EOF2
# The build provenance names the initramfs by the digest of what the
# section holds (the folder's archive), beside the kernel file's.
expect 0 "" hv build -m "$T/m.yaml" -p "$T/p.yaml" --key "$T/k.pem" -o "$T/pv.hvi" --provenance "$T/pv.json"
check "the provenance names the kernel and the initramfs archive" python3 -c "
import base64, hashlib, json, sys
env = json.load(open('$T/pv.json'))
st = json.loads(base64.b64decode(env['payload']))
deps = {d['annotations']['role']: d for d in st['predicate']['buildDefinition']['resolvedDependencies']}
core = hashlib.sha256(open('$T/vmlinuz', 'rb').read()).hexdigest()
ok = deps['core']['digest']['sha256'] == core and deps['initramfs']['digest']['sha256'] == '$initramfs_sha' and deps['initramfs']['name'] == 'ir/'
sys.exit(not ok)"
# Reproducible: folder mtimes changed, the same bytes (unsigned: ECDSA
# signatures differ by their nonce).
expect 0 "" hv build --unsigned -m "$T/m.yaml" -p "$T/p.yaml" -o "$T/u1.hvi"
touch -d '2001-01-01' "$T/ir" "$T/ir/init" "$T/ir/etc" "$T/cobalt-gpu/README"
expect 0 "" hv build --unsigned -m "$T/m.yaml" -p "$T/p.yaml" -o "$T/u2.hvi"
check "two builds are byte-identical" cmp -s "$T/u1.hvi" "$T/u2.hvi"
# A file initramfs is taken as it is.
sed 's|initramfs: ir/|initramfs: x/initramfs.cpio|' "$T/m.yaml" > "$T/m2.yaml"
expect 0 "" hv build -m "$T/m2.yaml" -p "$T/p.yaml" --key "$T/k.pem" -o "$T/c.hvi"
expect 0 "" hv extract $V -o "$T/y" "$T/c.hvi"
check "a file initramfs is stored as it is" cmp -s "$T/y/initramfs.cpio" "$T/x/initramfs.cpio"
check "a file initramfs: the SBOM says so, with the file's digest" python3 -c "
import json, sys
c = [c for c in json.load(open('$T/y/sbom.json'))['components'] if c['bom-ref'] == 'initramfs'][0]
p = {p['name']: p['value'] for p in c['properties']}
sys.exit(not (p['hvimage:source'] == 'file' and 'components' not in c and c['hashes'][0]['content'] == '$initramfs_sha'))"
finish
