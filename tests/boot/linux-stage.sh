#!/bin/sh
# The stage's Linux hand-off on a synthetic bzImage (docs/BOOT.md "Linux
# core"), in seconds rather than a real kernel's minute:
#   probe  the kernel's 64-bit entry is a probe (assembled here) that checks
#          what the boot protocol promises it: RSI = the zero page at
#          0x10000 holding the setup header ("HdrS"), CS = 0x10, DS = SS =
#          0x18, type_of_loader 0xFF, cmd_line_ptr 0x11000 with the signed
#          line first, an initrd of the initramfs + drivers sizes, an e820
#          map, and interrupts off; it ends QEMU with 0x10 (status 33) if
#          all hold, 0x11 (status 35) if one does not.
#   the stage's own checks on validly signed images (made by craft-section
#   and `hvimage sign`, so the verifier accepts every byte): a kernel
#   whose relocatable flag is cleared, a command line with a tab, and a
#   core moved 2 MiB up in the core window (load address and entry
#   re-signed): each is refused by the stage with its reason, before the
#   jump (status 67, no "jumping to").
. "$(dirname "$0")/lib.sh"
: "${CRAFT_SECTION:?}"
PROFILE=$SRC/oem-profiles/acme-kvm.yaml
BOARD=acme-kvm-q1
QEMU_MEM=1G,slots=1,maxmem=2G
MK=$SRC/tests/linux/make-bzimage.py

# The probe, at the protected-mode part's offset 0x200.
cat >"$T/probe.S" <<'EOF'
    .code64
    cmp     $0x10000, %rsi
    jne     fail
    cmpl    $0x53726448, 0x202(%rsi)        /* "HdrS" */
    jne     fail
    mov     %cs, %eax
    cmp     $0x10, %eax
    jne     fail
    mov     %ds, %eax
    cmp     $0x18, %eax
    jne     fail
    mov     %ss, %eax
    cmp     $0x18, %eax
    jne     fail
    cmpb    $0xFF, 0x210(%rsi)              /* type_of_loader */
    jne     fail
    cmpl    $0x11000, 0x228(%rsi)           /* cmd_line_ptr */
    jne     fail
    cmpl    $0x736e6f63, 0x11000            /* "cons" */
    jne     fail
    cmpl    $INITRD_SIZE, 0x21c(%rsi)       /* ramdisk_size */
    jne     fail
    cmpl    $0, 0x218(%rsi)                 /* ramdisk_image */
    je      fail
    cmpb    $3, 0x1e8(%rsi)                 /* e820_entries */
    jb      fail
    pushfq
    pop     %rax
    test    $0x200, %eax                    /* IF */
    jnz     fail
    mov     $0x10, %al
    out     %al, $0xf4
    hlt
fail:
    mov     $0x11, %al
    out     %al, $0xf4
    hlt
EOF

# A tiny base initramfs (one file) and no drivers: the initrd is the
# initramfs archive, whose size the build reports through inspect.
mkdir -p "$T/initramfs"
printf 'hvimage test\n' >"$T/initramfs/hello"
$PY "$MK" "$T/vmlinuz" --kernel-size 0x10000 || die "make-bzimage"
cat >"$T/l.yaml" <<EOF
image: {name: stage-probe, version: 1.0.0, security_version: 1}
core:
  kind: linux
  path: $T/vmlinuz
  cmdline: "console=ttyS0 panic=-1"
  initramfs: $T/initramfs/
EOF
key dev
image "$T/l0.hvi" dev "$T/l.yaml" "$PROFILE"
sections "$T/l0.hvi"
size=$(hv inspect --json "$T/l0.hvi" | $PY -c 'import json,sys
for s in json.load(sys.stdin)["metadata"]["sections"]:
    if s["name"] == "initramfs": print(s["unpacked_size"])') || die "initramfs size"
[ -n "$size" ] || die "no initramfs section"
cc -c -x assembler-with-cpp -DINITRD_SIZE="$size" -o "$T/probe.o" "$T/probe.S" &&
    objcopy -O binary -j .text "$T/probe.o" "$T/probe.bin" || die "assemble the probe"
# The probe replaces the kernel's bytes at its 64-bit entry (setup 4 + 1
# sectors, then 0x200): same size, so same placement.
dd if="$T/probe.bin" of="$T/vmlinuz" bs=1 seek=$((5 * 512 + 0x200)) conv=notrunc \
    status=none || die "place the probe"
image "$T/l.hvi" dev "$T/l.yaml" "$PROFILE"

# ---- the probe: what the kernel is handed -----------------------------------
flash "$T/f.bin" --key "$T/dev.pub.pem" --rollback 1 --slot-a "$T/l.hvi"
boot "$T/f.bin" "$T/probe.log"
expect_status 33
expect_log "$T/probe.log" "^hvstage: slot A: linux 6\.1\.0-test-amd64, boot protocol 2\.15, bzImage [0-9]+ bytes at 0x1ff600 \(setup 2560\)"
expect_log "$T/probe.log" "^hvstage: initrd $size bytes at 0x[0-9a-f]+ \(initramfs $size \+ drivers 0\)$"
expect_log "$T/probe.log" "^hvstage: command line: console=ttyS0 panic=-1 hvimage\.slot=A hvimage\.trial=0 hvimage\.fallback=0$"
expect_log "$T/probe.log" "^hvstage: stage entry to hand-off: [0-9]+ TSC cycles; jumping to the 64-bit entry 0x200200, zero page at 0x10000$"
refuse_log "$T/probe.log" "REFUSED|CPU exception|not jumping"

# signed FILE KIND CONTENT: a validly signed copy of l.hvi whose section
# KIND (core or cmdline) holds CONTENT.
signed() {
    "$CRAFT_SECTION" "$T/l.hvi" "$2" "$3" "$1" >/dev/null || die "craft $1"
    hv sign --key "$T/dev.pem" "$1" >/dev/null || die "sign $1"
}

# stage_refuses IMAGE REASON: the stage verifies IMAGE and then refuses to
# start it for REASON.
stage_refuses() {
    flash "$T/r.bin" --key "$T/dev.pub.pem" --rollback 1 --allow-rejected \
        --slot-a "$1"
    boot "$T/r.bin" "$T/r.log"
    expect_status 67
    expect_log "$T/r.log" "^hvstage: slot A: verified stage-probe 1\.0\.0 .*, a Linux core$"
    expect_log "$T/r.log" "$2"
    expect_log "$T/r.log" "^hvstage: halted: the verified core cannot be started as it is"
    refuse_log "$T/r.log" "jumping to|CPU exception"
}

cp "$T/vmlinuz" "$T/noreloc"
patch "$T/noreloc" $((0x234)) 00
signed "$T/noreloc.hvi" core "$T/noreloc"
stage_refuses "$T/noreloc.hvi" "^hvstage: slot A: linux: the kernel is not relocatable \[not_relocatable\]$"

printf 'console=\tttyS0' >"$T/tab.txt"
signed "$T/tab.hvi" cmdline "$T/tab.txt"
stage_refuses "$T/tab.hvi" "^hvstage: slot A: linux: the command line is missing, too long for this kernel or not printable text; not jumping$"

# The core 2 MiB up: still in the core window, so the verifier places it
# there; not where the boot protocol puts this kernel. (Crafted unsigned,
# moved, then signed.)
"$CRAFT_SECTION" "$T/l.hvi" core "$T/vmlinuz" "$T/moved.hvi" >/dev/null ||
    die "craft moved"
entry=$((HV_HEADER_SIZE + HV_META_FIXED_SIZE))
patch "$T/moved.hvi" $((entry + HV_SEC_OFF_LOAD_ADDRESS)) "$(le "$(hex $((0x1ff600 + 0x200000)))" 8)"
patch "$T/moved.hvi" $((entry + HV_SEC_OFF_ENTRY_POINT)) "$(le "$(hex $((0x200200 + 0x200000)))" 8)"
hv sign --key "$T/dev.pem" "$T/moved.hvi" >/dev/null || die "sign moved"
stage_refuses "$T/moved.hvi" "^hvstage: slot A: linux: the core's load address or entry is not where the boot protocol puts this kernel; not jumping$"
finish
