#!/bin/sh
# A real hypervisor through the boot stage (docs/BOOT.md "Linux core",
# docs/LINUX.md): the Linux/KVM example (Debian's kernel and KVM modules,
# fetched by scripts/fetch-kernel.sh, never installed; hvinit as /init) is
# built, assembled into a factory flash and booted under QEMU (TCG,
# -cpu max for SVM) through the stage, which starts Linux by the x86
# 64-bit boot protocol.
#   1. slot A boots: the stage's hand-off lines, the vendor modules load
#      from the drivers section, the KVM guest runs, the agent sees no
#      trial; the flash file is byte for byte unchanged.
#   2. an update to slot B boots on trial, the agent confirms it; only the
#      boot_state region changed; on the host B is good.
#   3. an update to slot A whose health check fails (-cpu max,-svm: no
#      SVM, so kvm_amd refuses to load): the agent does not confirm, A stays
#      on trial with one try fewer.
#   4. a flipped byte in the drivers section, then in the command line: the
#      stage refuses the slot before the jump; Linux never starts.
#   5. a bzImage the stage could not start (relocatable cleared) is refused
#      at build time, and nothing is written.
# About 20 s per Linux boot under TCG on an idle 2-core machine; 3 of them.
. "$(dirname "$0")/lib.sh"
: "${HV_BUILD:?}"
QEMU_TIMEOUT=${LINUX_TIMEOUT:-150}
PROFILE=$SRC/oem-profiles/acme-kvm.yaml
BOARD=acme-kvm-q1
cp -R "$SRC/oem-profiles/keys" "$T/keys" 2>/dev/null

# The example's inputs, made in $T (the source tree is not written).
sh "$SRC/scripts/fetch-linux-example.sh" "$HV_BUILD" "$T/ex" >"$T/fetch.out" 2>&1 ||
    { cat "$T/fetch.out"; die "fetch-linux-example.sh"; }
sed "s#linux-kvm/#$T/ex/#g" "$SRC/manifests/linux-kvm.yaml" >"$T/l1.yaml"
sed -e 's/^  version: 1.0.0/  version: 1.0.1/' \
    -e 's/^  security_version: 1/  security_version: 2/' "$T/l1.yaml" >"$T/l2.yaml"
sed -e 's/^  version: 1.0.0/  version: 1.0.2/' \
    -e 's/^  security_version: 1/  security_version: 3/' "$T/l1.yaml" >"$T/l3.yaml"
grep -q 'version: 1.0.1' "$T/l2.yaml" && grep -q 'version: 1.0.2' "$T/l3.yaml" ||
    die "the manifest's version line changed: update this test"
key dev
for n in 1 2 3; do
    image "$T/l$n.hvi" dev "$T/l$n.yaml" "$PROFILE"
done
flash "$T/f.bin" --key "$T/dev.pub.pem" --rollback 1 --slot-a "$T/l1.hvi"
cp "$T/f.bin" "$T/f0.bin"
QEMU_CPU=max
QEMU_MEM=1G,slots=1,maxmem=2G

# changed A B: the byte ranges where flash files A and B differ, "" if none.
changed() {
    cmp -l "$1" "$2" | awk '{ o = $1 - 1; if (n == 0) f = o; l = o; n++ }
        END { if (n) printf "%d bytes in [%d, %d]\n", n, f, l }'
}

# linux_booted LOG SLOT TRIAL: what every Linux boot of SLOT shows.
linux_booted() {
    expect_log "$1" "^hvstage: slot $2: verified linux-kvm [0-9.]+ .*, a Linux core$"
    expect_log "$1" "^hvstage: slot $2: linux [0-9]+\.[0-9.]+-[0-9]+-amd64, boot protocol 2\.[0-9]+, bzImage [0-9]+ bytes at 0x1[0-9a-f]+ \(setup [0-9]+\)"
    expect_log "$1" "^hvstage: initrd [0-9]+ bytes at 0x[0-9a-f]+ \(initramfs [0-9]+ \+ drivers [0-9]+\)$"
    expect_log "$1" "^hvstage: e820: [0-9]+ entries, flash \[0x100000000, 0x104000000\) reserved$"
    expect_log "$1" "^hvstage: command line: console=ttyS0,115200 .* hvimage\.slot=$2 hvimage\.trial=$3 hvimage\.fallback=0$"
    expect_log "$1" "^hvstage: stage entry to hand-off: [0-9]+ TSC cycles; jumping to the 64-bit entry 0x200200, zero page at 0x10000$"
    # Linux saw the stage's map: the flash reserved, as one range with the
    # BIOS area below 4 GiB.
    expect_log "$1" "BIOS-e820: \[mem 0x[0-9a-f]+-0x0000000103ffffff\] reserved"
    expect_log "$1" "^hvinit: Linux [0-9.]+-[0-9]+-amd64, command line: .* hvimage\.slot=$2 hvimage\.trial=$3 "
    refuse_log "$1" "REFUSED|^hvstage: halted|CPU exception|Kernel panic"
}

modules_and_guest() {
    for m in ccp irqbypass kvm kvm_amd; do
        expect_log "$1" "^hvinit: loaded $m \(lib/modules/[^/]+/updates/hvimage/(linux|amd)-kvm/[a-z_-]+\.ko, from package (linux|amd)-kvm\)$"
    done
    expect_log "$1" "^hvinit: guest says: hello from a KVM guest$"
    expect_log "$1" "^hvinit: guest halted after [0-9]+ exits$"
}

# ---- 1. slot A, not a trial ------------------------------------------------
boot "$T/f.bin" "$T/a.log"
expect_status 33
linux_booted "$T/a.log" A 0
modules_and_guest "$T/a.log"
expect_log "$T/a.log" "^hvinit: agent: not a trial$"
expect_log "$T/a.log" "^hvinit: done: modules 6, guest ok, agent: not a trial$"
checks=$((checks + 1))
d=$(changed "$T/f0.bin" "$T/f.bin")
[ -z "$d" ] || { echo "FAIL: the flash changed on a boot with nothing to confirm: $d"; fails=$((fails + 1)); }

# ---- 2. update to B, trial, confirmed by the agent ----------------------------
hv update --flash "$T/f.bin" install --activate "$T/l2.hvi" >"$T/install.out" ||
    die "update install"
cp "$T/f.bin" "$T/f1.bin"
boot "$T/f.bin" "$T/b.log"
expect_status 33
linux_booted "$T/b.log" B 1
modules_and_guest "$T/b.log"
expect_log "$T/b.log" "^hvinit: boot state: active slot B, .*slot B trial"
expect_log "$T/b.log" "^hvinit: confirmed slot B$"
expect_log "$T/b.log" "^hvinit: done: modules 6, guest ok, agent: confirmed slot B$"
# Only the boot_state region changed: the stage's trial record and the
# agent's confirm record.
checks=$((checks + 1))
first=$(cmp -l "$T/f1.bin" "$T/f.bin" | awk 'NR == 1 { print $1 - 1 }')
last=$(cmp -l "$T/f1.bin" "$T/f.bin" | awk '{ l = $1 - 1 } END { print l }')
if [ -z "$first" ] || [ "$first" -lt "$region_boot_state_offset" ] ||
    [ "$last" -ge $((region_boot_state_offset + region_boot_state_size)) ]; then
    echo "FAIL: the boot changed the flash outside boot_state: $(changed "$T/f1.bin" "$T/f.bin")"
    fails=$((fails + 1))
fi
hv update --flash "$T/f.bin" status --json >"$T/status.json" || die "status"
checks=$((checks + 1))
st=$(json "$T/status.json" 'j["slots"]["B"]["state"]')
[ "$st" = good ] || { echo "FAIL: slot B is '$st' after the agent's confirm"; fails=$((fails + 1)); }

# ---- 3. a trial whose health check fails is not confirmed -------------------
hv update --flash "$T/f.bin" install --activate "$T/l3.hvi" >"$T/install3.out" ||
    die "update install 3"
hv update --flash "$T/f.bin" status --json >"$T/status3a.json" || die "status"
tries=$(json "$T/status3a.json" 'j["slots"]["A"]["tries"]')
QEMU_CPU=max,-svm
boot "$T/f.bin" "$T/c.log"
QEMU_CPU=max
expect_status 35
linux_booted "$T/c.log" A 1
expect_log "$T/c.log" "^hvinit: .*kvm_amd"
refuse_log "$T/c.log" "^hvinit: guest says"
refuse_log "$T/c.log" "^hvinit: confirmed"
expect_log "$T/c.log" "^hvinit: done: .*agent: health check failed, not confirmed$"
hv update --flash "$T/f.bin" status --json >"$T/status3.json" || die "status"
checks=$((checks + 1))
st=$(json "$T/status3.json" 'j["slots"]["A"]["state"] + " " + str(j["slots"]["A"]["tries"])')
[ "$st" = "trial $((tries - 1))" ] ||
    { echo "FAIL: slot A is '$st' after a failed health check, wanted 'trial $((tries - 1))'"; fails=$((fails + 1)); }

# ---- 4. tampered drivers or command line: refused before the jump ---------------
sections "$T/l1.hvi"
for s in drivers cmdline; do
    cp "$T/f0.bin" "$T/t-$s.bin"
    eval "at=\$sec_${s}_data"
    flip "$T/t-$s.bin" $((region_slot_a_offset + at))
    boot "$T/t-$s.bin" "$T/t-$s.log"
    refused "$T/t-$s.log"
    expect_log "$T/t-$s.log" "^hvstage: slot A REFUSED: .* in section '$s'$"
    refuse_log "$T/t-$s.log" "Linux version|hvinit|a Linux core"
done

# ---- 5. a bzImage the stage cannot start is refused at build time ---------------
cp "$T/ex/vmlinuz" "$T/bad-vmlinuz"
patch "$T/bad-vmlinuz" $((0x234)) 00
sed "s#$T/ex/vmlinuz#$T/bad-vmlinuz#" "$T/l1.yaml" >"$T/bad.yaml"
checks=$((checks + 1))
hv build -m "$T/bad.yaml" -p "$PROFILE" --key "$T/dev.pem" -o "$T/bad.hvi" \
    >"$T/bad.out" 2>&1
rc=$?
if [ "$rc" -ne 2 ] || ! grep -q "not relocatable" "$T/bad.out" || [ -e "$T/bad.hvi" ]; then
    echo "FAIL: an unstartable bzImage: exit $rc, output:"
    cat "$T/bad.out"
    fails=$((fails + 1))
fi
finish
