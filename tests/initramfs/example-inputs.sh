#!/bin/sh
# The Linux/KVM example's committed half (the rest is fetched): the profile
# oem-profiles/acme-kvm.yaml loads, and admits a package of each of its
# vendors signed with the test-only private key in manifests/linux-kvm-keys/
# exactly as scripts/fetch-linux-example.sh signs (so the committed public
# and private halves match); a package signed with the other vendor's key,
# or unsigned, is refused.
set -u
: "${HVIMAGE:?}" "${SRC:?}"
T=$(mktemp -d /tmp/hvinputs-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
checks=0
check() {
    checks=$((checks + 1))
    if ! eval "$1"; then
        echo "FAIL: $2"
        fails=$((fails + 1))
    fi
}
P=$SRC/oem-profiles/acme-kvm.yaml
K=$SRC/manifests/linux-kvm-keys
for v in linux-kvm amd-kvm; do
    mkdir -p "$T/$v"
    printf 'not really a module of %s\n' "$v" >"$T/$v/x.ko"
    "$HVIMAGE" driver sign --key "$K/$v.pem" --vendor "$v" --version 6.1.0 \
        --license GPL-2.0-only "$T/$v" >/dev/null
    "$HVIMAGE" driver check --profile "$P" --vendor "$v" --version 6.1.0 "$T/$v" >"$T/out" 2>&1
    rc=$?
    check '[ $rc -eq 0 ] && grep -q "^admitted by profile .*acme-kvm.yaml (requires accepted)" "$T/out"' \
        "$v signed with its test key: exit $rc: $(cat "$T/out")"
done
# linux-kvm's package signed with amd-kvm's key.
"$HVIMAGE" driver sign --key "$K/amd-kvm.pem" --vendor linux-kvm --version 6.1.0 \
    "$T/linux-kvm" >/dev/null
"$HVIMAGE" driver check --profile "$P" --vendor linux-kvm --version 6.1.0 "$T/linux-kvm" >"$T/out" 2>&1
rc=$?
check '[ $rc -ne 0 ]' "linux-kvm signed with amd-kvm's key admitted: $(cat "$T/out")"
rm "$T/amd-kvm.sig"
"$HVIMAGE" driver check --profile "$P" --vendor amd-kvm --version 6.1.0 "$T/amd-kvm" >"$T/out" 2>&1
rc=$?
check '[ $rc -ne 0 ]' "unsigned amd-kvm admitted: $(cat "$T/out")"
# A vendor the profile does not list.
mkdir -p "$T/acme-nic"
"$HVIMAGE" driver check --profile "$P" --vendor acme-nic --version 1.0 "$T/acme-nic" >"$T/out" 2>&1
rc=$?
check '[ $rc -ne 0 ]' "acme-nic admitted by acme-kvm: $(cat "$T/out")"
echo "$checks checks, $fails failed"
[ "$fails" -eq 0 ] && [ "$checks" -gt 0 ]
