#!/bin/sh
# The profile's drivers keys for vendor signatures: every mistake is named
# with the profile's file, line and column, build exits 2 and writes
# nothing; key lists at their ceiling (HV_MAX_PROFILE_KEYS) load, one past
# it is refused.
. "$SRC/tests/cli/lib.sh"
hv keygen --alg ecdsa-p256-sha256 -o "$T/acme.pem" >/dev/null
hv keygen -o "$T/img.pem" >/dev/null
M=$SRC/manifests/example.yaml
profile() { # profile FILE LINES-UNDER-drivers
    sed '/^drivers:/,$d' "$SRC/oem-profiles/acme-servers.yaml" > "$1"
    printf 'drivers:\n  allow_vendors: [acme-nic, zenith-storage, cobalt-gpu]\n%s\n' "$2" >> "$1"
}
bad() { # bad PATTERN LINES
    profile "$T/p.yaml" "$2"
    rm -f "$T/out.hvi"
    expect 2 "$1" hv build -m "$M" -p "$T/p.yaml" --key "$T/img.pem" -o "$T/out.hvi"
    check "no image after: $1" test ! -e "$T/out.hvi"
}
L=$(( $(sed '/^drivers:/,$d' "$SRC/oem-profiles/acme-servers.yaml" | wc -l) + 3 ))
bad "p.yaml:$L:19: error: 'min_acceptance' must be one of certified, accepted, partner, community, found 'vmware-certified'" \
    "  min_acceptance: vmware-certified"
bad "p.yaml:$L:16: error: 'vendor_keys' must be a map of vendor names" \
    "  vendor_keys: [acme.pub.pem]"
bad "p.yaml:$((L + 1)):5: error: 'vendor_keys' lists keys for vendor 'acme-nix', which 'allow_vendors' does not admit" \
    "  vendor_keys:
    acme-nix: [acme.pub.pem]"
bad "p.yaml:$((L + 1)):15: error: 'vendor_keys.acme-nic' must list at least one public key file" \
    "  vendor_keys:
    acme-nic: []"
bad "p.yaml:$L:14: error: 'oem_keys\[0\]' refers to '$T/nope.pem', which cannot be read" \
    "  oem_keys: [nope.pem]"
bad "p.yaml:$L:32: error: duplicate key file 'acme.pub.pem' \(first at line $L, column 18\)" \
    "  partner_keys: [acme.pub.pem, acme.pub.pem]"
bad "p.yaml:$L:3: error: unknown key 'vendor_key' in 'drivers'" \
    "  vendor_key: {}"
mkdir "$T/adir.pem"
bad "p.yaml:$L:18: error: 'partner_keys\[0\]' refers to '$T/adir.pem', which is not a regular file" \
    "  partner_keys: [adir.pem]"
# A key file that is no public key: named with its place in the profile.
printf 'not a key\n' > "$T/junk.pem"
bad "p.yaml:$L:18: error: $T/junk.pem: no PEM public or private key found" \
    "  partner_keys: [junk.pem]"
# HV_MAX_PROFILE_KEYS (16) keys in a list: loads; 17: refused.
list=""
for i in $(seq 1 17); do
    cp "$SRC/oem-profiles/keys/acme-nic.pub.pem" "$T/k$i.pub.pem"
    [ "$i" -le 16 ] && list="$list${list:+, }k$i.pub.pem"
done
profile "$T/p.yaml" "  vendor_keys:
    acme-nic: [$list]"
expect 0 "built" hv build -m "$M" -p "$T/p.yaml" --unsigned -o "$T/ok.hvi"
bad "p.yaml:$((L + 1)):15: error: 'vendor_keys.acme-nic' lists 17 keys, more than the limit of 16" \
    "  vendor_keys:
    acme-nic: [$list, k17.pub.pem]"
finish
