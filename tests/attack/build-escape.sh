#!/bin/sh
# `hvimage build` with hostile driver packages: each is refused with the
# archive and the entry named, exit 2, no output and no temporary file, and
# nothing at all is written outside the build's output: the scratch tree,
# the canary paths in /tmp and /etc/passwd are compared before and after.
# A package with setuid bits builds, with the bits normalised away.
. "$SRC/tests/cli/lib.sh"
S=$(mktemp -d /tmp/hvatk-snap-XXXXXX)
trap 'rm -rf "$T" "$S"' EXIT
W=$T/work
mkdir -p "$W/src" "$T/out"
expect 0 "" hv keygen --alg ecdsa-p256-sha256 -o "$W/k.pem"
head -c 4096 /dev/urandom > "$W/core.bin"
cat > "$W/profile.yaml" <<'P'
oem_id: atk-oem
boards: [b1]
flash:
  size: 16MiB
  erase_block: 4KiB
  boot_stage: {offset: 0, size: 1MiB}
  boot_state: {offset: 1MiB, size: 8KiB}
  slot_a: {offset: 2MiB, size: 7MiB}
  slot_b: {offset: 9MiB, size: 7MiB}
image:
  section_alignment: 16
  compression_level: 3
  digest: sha256
  signature_slots: 1
keys:
  algorithms: [ecdsa-p256-sha256]
drivers:
  allow_vendors: [evil]
P
manifest() {
    cat <<M
image: {name: atk, version: 1.0, security_version: 1}
core: {path: core.bin, format: raw, load_address: 0x100000, entry_point: 0x100000}
drivers:
  - {vendor: evil, version: 1.0, path: $1}
M
}
canaries="/tmp/hvattack-build-abs /tmp/hvattack-build-link /tmp/hvattack-escape"
snapshot() {
    find "$T" -printf '%y %m %s %p %l\n' | sort
    sha256sum /etc/passwd
    for c in $canaries; do [ -e "$c" ] && echo "EXISTS $c"; done
    ls -d "$T/../hvattack-"* 2>/dev/null
}

# refuse NAME PACKAGE PATTERN
refuse() {
    manifest "$2" > "$W/$1.yaml"
    snapshot > "$S/before"
    expect 2 "$3" hv build -q -m "$W/$1.yaml" -p "$W/profile.yaml" \
        --key "$W/k.pem" -o "$T/out/$1.hvi"
    snapshot > "$S/after"
    check "$1: nothing written anywhere (no output, no temporary file)" \
        cmp -s "$S/before" "$S/after"
    cmp -s "$S/before" "$S/after" || diff "$S/before" "$S/after"
}

echo x > "$W/src/f"
# path traversal
tar -C "$W/src" --transform 's,^f$,../../hvattack-escape,' -cf "$W/dotdot.tar" f
refuse dotdot "$W/dotdot.tar" "dotdot.tar: entry '\.\./\.\./hvattack-escape': '\.\.' path component"
# absolute path
tar -C "$W/src" -P --transform 's,^f$,/tmp/hvattack-build-abs,' -cf "$W/abs.tar" f
refuse absolute "$W/abs.tar" "abs.tar: entry '/tmp/hvattack-build-abs': absolute path"
# a symlink out, then a file written through it
mkdir -p "$W/sl"
ln -s /tmp "$W/sl/out"
tar -C "$W/sl" -cf "$W/symlink.tar" out
tar -C "$W/src" --transform 's,^f$,out/hvattack-build-link,' -rf "$W/symlink.tar" f
refuse symlink-out "$W/symlink.tar" "symlink.tar: entry 'out': symlink target is absolute"
# relative symlink climbing out
rm "$W/sl/out"
ln -s ../../../.. "$W/sl/up"
tar -C "$W/sl" -cf "$W/symlink-up.tar" up
refuse symlink-up "$W/symlink-up.tar" "symlink-up.tar: entry 'up': symlink target leaves"
# a hardlink to a file outside (only its target names it)
mkdir -p "$W/hl"
echo y > "$W/hl/a"
ln "$W/hl/a" "$W/hl/b"
tar -C "$W/hl" -P --transform 's,^a$,/etc/passwd,RSh' -cf "$W/hardlink.tar" a b
refuse hardlink "$W/hardlink.tar" "hardlink.tar: entry 'b': "
# a device node
tar -C / -cf "$W/dev.tar" dev/null
refuse device "$W/dev.tar" "dev.tar: entry 'dev/null': "
# a folder package holding a FIFO
mkdir -p "$W/fifo"
mkfifo "$W/fifo/pipe"
refuse fifo "$W/fifo" "fifo: entry 'pipe': "
# a zip with ../ (written by Python's zipfile: the zip tool strips it)
python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); z.writestr('../../hvattack-escape','x'); z.close()" "$W/dotdot.zip"
refuse zip-dotdot "$W/dotdot.zip" "dotdot.zip: entry '\.\./\.\./hvattack-escape'"
# a duplicate name
tar -C "$W/src" -cf "$W/dup.tar" f
tar -C "$W/src" -rf "$W/dup.tar" f
refuse duplicate "$W/dup.tar" "dup.tar: entry 'f': "

# setuid and setgid bits: built, and the archive in the image has 0755
mkdir -p "$W/suid"
printf '#!/bin/sh\n' > "$W/suid/tool"
chmod 6755 "$W/suid/tool"
manifest "$W/suid" > "$W/suid.yaml"
expect 0 "" hv build -q -m "$W/suid.yaml" -p "$W/profile.yaml" --key "$W/k.pem" -o "$T/out/suid.hvi"
expect 0 "" hv extract --key "$W/k.pub.pem" --board b1 --oem atk-oem --no-rollback-check -o "$T/out/suid" "$T/out/suid.hvi"
check "setuid file normalised in the drivers archive" \
    sh -c "tar -tvf '$T/out/suid/drivers.tar' | grep -q '^-rwxr-xr-x .* evil/tool\$'"
check "and extracted without special bits" \
    test "$(stat -c %a "$T/out/suid/drivers/evil/tool")" = 755
finish
