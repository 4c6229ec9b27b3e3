#!/bin/sh
# Vendor-signed driver packages and acceptance levels (docs/SUPPLY-CHAIN.md):
# each level admitted and reported, every refusal with its message (the
# manifest's line and column), exit code 2 from build and no image written;
# driver check exits 1 on the same refusals. The envelope is taken apart and
# checked with python and the openssl CLI, not with hvimage's own code.
. "$SRC/tests/cli/lib.sh"
CRAFT="python3 $SRC/tests/supply/dsse-craft.py"
PT=application/vnd.in-toto+json

keyid() { hv keygen --alg ecdsa-p256-sha256 -o "$T/$1.pem" | cut -d' ' -f1; }
A=$(keyid acme)      # listed for acme-nic
Z=$(keyid zenith)    # listed for zenith-storage
P=$(keyid partner)   # a partner key
O=$(keyid oem)       # the OEM's countersigning key
X=$(keyid stranger)  # listed nowhere
O2=$(keyid oem2)

# The package: a small tar.gz, its manifest, and a profile derived from the
# bundled acme-servers one with the drivers block replaced.
mkdir -p "$T/src/bin" && printf 'driver\n' > "$T/src/bin/drv.ko"
tar -C "$T/src" -czf "$T/acme-nic-1.0.tar.gz" .
manifest() { # manifest FILE [EXTRA LINE FOR THE DRIVER ENTRY]
    cat > "$1" <<EOM
image: {name: t, version: 1.0.0, security_version: 1, build_epoch: 1}
core: {path: $SRC/manifests/example/monitor.elf, format: elf}
drivers:
  - vendor: acme-nic
    version: 1.0
    path: acme-nic-1.0.tar.gz
${2:-}
EOM
}
manifest "$T/m.yaml"
profile() { # profile FILE MIN [MORE LINES UNDER drivers:]
    sed '/^drivers:/,$d' "$SRC/oem-profiles/acme-servers.yaml" > "$1"
    cat >> "$1" <<EOP
drivers:
  allow_vendors: [acme-nic, zenith-storage]
  min_acceptance: $2
${3:-  vendor_keys:
    acme-nic: [acme.pub.pem]
    zenith-storage: [zenith.pub.pem]
  partner_keys: [partner.pub.pem]
  oem_keys: [oem.pub.pem]}
EOP
}
profile "$T/p.yaml" accepted
hv keygen -o "$T/img.pem" >/dev/null
PKG=$T/acme-nic-1.0.tar.gz SIG=$T/acme-nic-1.0.tar.gz.sig
build() { hv build -m "${M:-$T/m.yaml}" -p "$1" --key "$T/img.pem" -o "$T/out.hvi"; }
vsign() { hv driver sign --key "$T/$1.pem" --vendor "${2:-acme-nic}" --version "${3:-1.0}" "$PKG" -o "${4:-$SIG}"; }
# refused PATTERN PROFILE: build exits 2 with PATTERN and writes nothing.
refused() {
    rm -f "$T/out.hvi"
    expect 2 "$1" build "$2"
    check "no image after: $1" test ! -e "$T/out.hvi"
}
check_lvl() { hv driver check --profile "$1" --vendor acme-nic --version 1.0 "$PKG"; }

# ---- levels --------------------------------------------------------------
# community: unsigned. Refused at accepted, naming the manifest line.
refused "m.yaml:4:5: error: unsigned package acme-nic \($PKG\) is community; profile $T/p.yaml requires accepted \(drivers.min_acceptance\)" "$T/p.yaml"
expect 1 "unsigned package acme-nic .* requires accepted" check_lvl "$T/p.yaml"
profile "$T/pc.yaml" community
expect 0 "built" build "$T/pc.yaml"
expect 0 "acme-nic 1.0: community" check_lvl "$T/pc.yaml"

# accepted: signed by the vendor's listed key.
expect 0 "signed by $A" vsign acme
expect 0 "built" build "$T/p.yaml"
expect 0 "acme-nic 1.0: accepted" check_lvl "$T/p.yaml"
expect 0 "signer +$A" check_lvl "$T/p.yaml"
# certified: countersigned by the OEM after checking the vendor signature.
cp "$SIG" "$T/vendor-only.sig"
expect 0 "countersigned by $O" hv driver countersign --key "$T/oem.pem" --vendor-pub "$T/acme.pub.pem" --package "$PKG" "$SIG"
expect 0 "acme-nic 1.0: certified" check_lvl "$T/p.yaml"
expect 0 "countersigner +$O" check_lvl "$T/p.yaml"
profile "$T/pcert.yaml" certified
expect 0 "built" build "$T/pcert.yaml"
cp "$T/vendor-only.sig" "$SIG"
refused "signed package acme-nic .* is accepted, signed by $A; profile .* requires certified" "$T/pcert.yaml"
# countersign refuses a vendor signature that does not check out.
expect 1 "does not verify with any --vendor-pub key" hv driver countersign --key "$T/oem.pem" --vendor-pub "$T/zenith.pub.pem" --package "$PKG" "$SIG" -o "$T/cs.sig"
check "no countersigned envelope" test ! -e "$T/cs.sig"
# partner: signed by a partner key; below accepted, enough for partner.
expect 0 "" vsign partner
refused "signed package acme-nic .* is partner, signed by $P; profile .* requires accepted" "$T/p.yaml"
profile "$T/pp.yaml" partner
expect 0 "built" build "$T/pp.yaml"
expect 0 "acme-nic 1.0: partner" check_lvl "$T/pp.yaml"

# ---- refusals ------------------------------------------------------------
# A key of another vendor, named.
expect 0 "" vsign zenith
refused "m.yaml:4:5: error: .*acme-nic-1.0.tar.gz.sig: signed by key $Z, which profile $T/p.yaml lists for vendor 'zenith-storage' \(line [0-9]+, column [0-9]+\), not for 'acme-nic'" "$T/p.yaml"
expect 1 "lists for vendor 'zenith-storage'" check_lvl "$T/p.yaml"
# A key listed nowhere.
expect 0 "" vsign stranger
refused "m.yaml:4:5: error: .*signed by key $X, which profile .* lists neither for vendor 'acme-nic'" "$T/p.yaml"
# ... but a profile listing no key for the vendor and no partner key has no
# opinion on signers: the statement is checked, the level is community.
profile "$T/pnone.yaml" community "  vendor_keys:
    zenith-storage: [zenith.pub.pem]"
expect 0 "built" build "$T/pnone.yaml"
expect 0 "signer +not listed in the profile" check_lvl "$T/pnone.yaml"
# A signature over other bytes.
expect 0 "" vsign acme
cp "$PKG" "$T/pkg.orig"
printf 'x' >> "$PKG"
refused "m.yaml:4:5: error: .*acme-nic-1.0.tar.gz.sig: the signature is over other bytes: the statement is for sha256 [0-9a-f]{64}, package .* has sha256 [0-9a-f]{64}" "$T/p.yaml"
refused "signature is over other bytes" "$T/pnone.yaml"
cp "$T/pkg.orig" "$PKG"
# The statement's vendor or version differs from the manifest's.
expect 0 "" vsign acme zenith-storage
refused "m.yaml:4:5: error: .*the statement's vendor is 'zenith-storage', the manifest's 'acme-nic'" "$T/p.yaml"
expect 0 "" vsign acme acme-nic 1.1
refused "m.yaml:4:5: error: .*the statement's version is '1.1', the manifest's '1.0'" "$T/p.yaml"
# A signature that does not verify (one bit of it flipped).
expect 0 "" vsign acme
$CRAFT flip "$SIG" 0 > "$T/flip.sig" && cp "$T/flip.sig" "$SIG"
refused "m.yaml:4:5: error: .*signature 1, by key $A \(a key of vendor 'acme-nic', $T/p.yaml:[0-9]+:[0-9]+\), does not verify" "$T/p.yaml"
# A countersignature that does not verify is refused too, not skipped.
expect 0 "" vsign acme
$CRAFT add "$SIG" "$T/oem.pem" "$O" > "$T/two.sig"
$CRAFT flip "$T/two.sig" 1 > "$SIG"
refused "signature 2, by key $O \(an OEM key" "$T/p.yaml"
# Wrong payloadType, _type, predicateType (validly signed by the vendor).
expect 0 "" vsign acme
$CRAFT payload "$SIG" > "$T/stmt.json"
$CRAFT make text/plain "$T/stmt.json" "$T/acme.pem" "$A" > "$SIG"
refused "payloadType is 'text/plain', expected 'application/vnd.in-toto\+json'" "$T/p.yaml"
sed 's|https://in-toto.io/Statement/v1|https://in-toto.io/Statement/v0.1|' "$T/stmt.json" > "$T/s2.json"
$CRAFT make $PT "$T/s2.json" "$T/acme.pem" "$A" > "$SIG"
refused "statement _type is 'https://in-toto.io/Statement/v0.1', expected 'https://in-toto.io/Statement/v1'" "$T/p.yaml"
sed 's|urn:hvimage:driver-package:v1|https://slsa.dev/provenance/v1|' "$T/stmt.json" > "$T/s3.json"
$CRAFT make $PT "$T/s3.json" "$T/acme.pem" "$A" > "$SIG"
refused "statement predicateType is 'https://slsa.dev/provenance/v1', expected 'urn:hvimage:driver-package:v1'" "$T/p.yaml"
# Not canonical (a space added), or with an unknown key: refused.
sed 's|{"_type"|{ "_type"|' "$T/stmt.json" > "$T/s4.json"
$CRAFT make $PT "$T/s4.json" "$T/acme.pem" "$A" > "$SIG"
refused "the statement is not in canonical form" "$T/p.yaml"
# Malformed and oversized envelopes.
printf '{"payload":' > "$SIG"
refused "m.yaml:4:5: error: .*acme-nic-1.0.tar.gz.sig" "$T/p.yaml"
expect 1 "acme-nic-1.0.tar.gz.sig" check_lvl "$T/p.yaml"
python3 -c "import sys; sys.stdout.write('{\"payload\":\"' + 'A' * 70000 + '\"}')" > "$SIG"
refused "m.yaml:4:5: error: .*(64 KiB|65536|too large|larger)" "$T/p.yaml"
# At the ceiling (HV_MAX_PACKAGE_SIG_SIZE: a valid envelope padded with
# whitespace to 65536 bytes) admitted; one byte more refused.
expect 0 "" vsign acme
python3 -c "import sys; d=open(sys.argv[1]).read(); open(sys.argv[1],'w').write(d + ' ' * (65536 - len(d)))" "$SIG"
check "envelope padded to 65536 bytes" test "$(wc -c < "$SIG")" -eq 65536
expect 0 "acme-nic 1.0: accepted" check_lvl "$T/p.yaml"
printf ' ' >> "$SIG"
refused "m.yaml:4:5: error: .*acme-nic-1.0.tar.gz.sig" "$T/p.yaml"
rm -f "$SIG"
# A signature file named in the manifest but missing.
manifest "$T/m-sig.yaml" "    signature: nope.sig"
M=$T/m-sig.yaml refused "m-sig.yaml:7:16: error: 'drivers\[0\].signature' refers to '$T/nope.sig', which does not exist" "$T/p.yaml"
# ... and one named explicitly is used instead of PATH.sig.
expect 0 "" vsign acme acme-nic 1.0 "$T/elsewhere.sig"
manifest "$T/m-sig.yaml" "    signature: elsewhere.sig"
M=$T/m-sig.yaml expect 0 "built" build "$T/p.yaml"

# PATH.sig that is not a file; an envelope without signatures.
mkdir "$SIG"
refused "m.yaml:4:5: error: signature $SIG of package $PKG is not a regular file" "$T/p.yaml"
rmdir "$SIG"
expect 0 "" vsign acme
python3 -c "import json,sys; e=json.load(open(sys.argv[1])); e['signatures']=[]; json.dump(e, open(sys.argv[1],'w'), separators=(',',':'))" "$SIG"
refused "m.yaml:4:5: error: .*acme-nic-1.0.tar.gz.sig: the envelope holds no signature" "$T/p.yaml"
# A signature path longer than a report keeps (HV_PACKAGE_SIG_PATH_MAX).
long=$T/$(printf 'd%.0s' $(seq 1 200))/$(printf 'e%.0s' $(seq 1 200))/$(printf 'f%.0s' $(seq 1 200))/$(printf 'g%.0s' $(seq 1 200))/$(printf 'h%.0s' $(seq 1 200))
mkdir -p "$long"
expect 0 "" vsign acme acme-nic 1.0 "$long/s.sig"
manifest "$T/m-long.yaml" "    signature: $long/s.sig"
M=$T/m-long.yaml refused "m-long.yaml:4:5: error: signature path .* is longer than 1023 bytes" "$T/p.yaml"
# countersign checks the statement against --package first.
expect 0 "" vsign acme
expect 1 "the statement is not about $T/pkg.orig2 \(other sha256\)" sh -c "cp '$PKG' '$T/pkg.orig2' && printf y >> '$T/pkg.orig2' && '$HVIMAGE' driver countersign --key '$T/oem.pem' --vendor-pub '$T/acme.pub.pem' --package '$T/pkg.orig2' '$SIG' -o '$T/cs2.sig'"
check "no envelope from a countersign of other bytes" test ! -e "$T/cs2.sig"

# ---- thresholds: a key counts once ----------------------------------------
# The same signature twice is no countersignature.
expect 0 "" vsign acme
$CRAFT dup "$SIG" > "$T/dup.sig" && cp "$T/dup.sig" "$SIG"
expect 0 "acme-nic 1.0: accepted" check_lvl "$T/p.yaml"
refused "is accepted, signed by $A; profile .* requires certified" "$T/pcert.yaml"
# A second signature by the vendor's own key is no countersignature, even
# when the profile lists that key as an OEM key too, in another encoding
# (compressed point): one key id.
openssl ec -pubin -in "$T/acme.pub.pem" -conv_form compressed -out "$T/acme-c.pub.pem" 2>/dev/null
check "compressed and uncompressed PEM differ" sh -c "! cmp -s '$T/acme.pub.pem' '$T/acme-c.pub.pem'"
profile "$T/pself.yaml" certified "  vendor_keys:
    acme-nic: [acme.pub.pem, acme-c.pub.pem]
  oem_keys: [acme-c.pub.pem, oem.pub.pem]"
expect 0 "" vsign acme
$CRAFT add "$SIG" "$T/acme.pem" "$A" > "$T/self.sig" && cp "$T/self.sig" "$SIG"
refused "is accepted, signed by $A; profile .* requires certified" "$T/pself.yaml"
expect 2 "key $A has already signed this envelope" hv driver countersign --key "$T/acme.pem" --vendor-pub "$T/acme.pub.pem" --package "$PKG" "$SIG" -o "$T/cs.sig"
check "no envelope from a self-countersignature" test ! -e "$T/cs.sig"
# Two OEM keys: still certified, one countersigner.
expect 0 "" vsign acme
expect 0 "" hv driver countersign --key "$T/oem.pem" --vendor-pub "$T/acme-c.pub.pem" --package "$PKG" "$SIG"
expect 0 "certified" check_lvl "$T/pself.yaml"
# A key listed for two vendors is refused at its second place.
profile "$T/ptwo.yaml" accepted "  vendor_keys:
    acme-nic: [acme.pub.pem]
    zenith-storage: [acme-c.pub.pem]"
refused "ptwo.yaml:[0-9]+:[0-9]+: error: key $A is listed for vendor '(zenith-storage|acme-nic)' and, at line [0-9]+, column [0-9]+, for vendor '(acme-nic|zenith-storage)': a vendor key must name one vendor" "$T/ptwo.yaml"

# ---- the envelope, checked without hvimage ----------------------------------
expect 0 "" vsign acme
expect 0 "bytes to be signed" hv driver tbs --envelope "$SIG" -o "$T/pae.bin"
$CRAFT pae "$SIG" > "$T/pae.py"
check "driver tbs writes the PAE python computes" cmp "$T/pae.bin" "$T/pae.py"
$CRAFT sig "$SIG" 0 > "$T/sig0.der"
expect 0 "Verified OK" openssl dgst -sha256 -verify "$T/acme.pub.pem" -signature "$T/sig0.der" "$T/pae.py"
expect 1 "Verification failure" openssl dgst -sha256 -verify "$T/zenith.pub.pem" -signature "$T/sig0.der" "$T/pae.py"
$CRAFT payload "$SIG" > "$T/stmt.json"
pkgsha=$(sha256sum "$PKG" | cut -c1-64)
check "statement is the canonical one for the package" test "$(cat "$T/stmt.json")" = \
  "{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicate\":{\"vendor\":\"acme-nic\",\"version\":\"1.0\"},\"predicateType\":\"urn:hvimage:driver-package:v1\",\"subject\":[{\"digest\":{\"sha256\":\"$pkgsha\"},\"name\":\"acme-nic-1.0.tar.gz\"}]}"

# ---- the detached flow -------------------------------------------------------
rm -f "$SIG"
expect 0 "" hv driver tbs --vendor acme-nic --version 1.0 --license "GPL-2.0-only OR MIT" "$PKG" -o "$T/d.pae"
openssl dgst -sha256 -sign "$T/acme.pem" -out "$T/d.sig" "$T/d.pae"
expect 2 "" hv driver attach --pub "$T/zenith.pub.pem" --signature "$T/d.sig" --vendor acme-nic --version 1.0 --license "GPL-2.0-only OR MIT" "$PKG"
check "no envelope after a refused attach" test ! -e "$SIG"
expect 0 "signature attached" hv driver attach --pub "$T/acme.pub.pem" --signature "$T/d.sig" --vendor acme-nic --version 1.0 --license "GPL-2.0-only OR MIT" "$PKG"
expect 0 "license +GPL-2.0-only OR MIT" check_lvl "$T/p.yaml"
# An offline countersignature over the same PAE.
expect 0 "" hv driver tbs --envelope "$SIG" -o "$T/c.pae"
check "countersignature covers the same bytes" cmp "$T/c.pae" "$T/d.pae"
openssl dgst -sha256 -sign "$T/oem.pem" -out "$T/c.sig" "$T/c.pae"
expect 2 "--envelope needs --vendor-pub" hv driver attach --pub "$T/oem.pub.pem" --signature "$T/c.sig" --envelope "$SIG"
cp "$SIG" "$T/before.sig"
expect 1 "does not verify with any --vendor-pub key" hv driver attach --pub "$T/oem.pub.pem" --signature "$T/c.sig" --envelope "$SIG" --vendor-pub "$T/zenith.pub.pem"
check "a refused countersignature leaves the envelope as it was" cmp "$SIG" "$T/before.sig"
expect 0 "" hv driver attach --pub "$T/oem.pub.pem" --signature "$T/c.sig" --envelope "$SIG" --vendor-pub "$T/acme.pub.pem"
expect 0 "certified" check_lvl "$T/p.yaml"

# ---- usage -----------------------------------------------------------------
expect 2 "--license must be an SPDX expression" hv driver sign --key "$T/acme.pem" --vendor acme-nic --version 1.0 --license 'GPL;rm' "$PKG" -o "$T/u.sig"
expect 2 "--vendor must be" hv driver sign --key "$T/acme.pem" --vendor 'a b' --version 1.0 "$PKG" -o "$T/u.sig"
expect 2 "refusing to overwrite an input" hv driver sign --key "$T/acme.pem" --vendor acme-nic --version 1.0 "$PKG" -o "$T/acme.pem"
expect 2 "unknown subcommand" hv driver frobnicate
check "nothing written by refused signs" test ! -e "$T/u.sig"

# ---- folder packages: the digest does not depend on mtimes or order --------
mkdir -p "$T/f1/sub" "$T/f2/sub"
for f in a b c; do printf '%s\n' "$f" > "$T/f1/sub/$f"; done
for f in c b a; do printf '%s\n' "$f" > "$T/f2/sub/$f"; done
touch -d @1 "$T/f1/sub/a" && touch -d @999999 "$T/f2/sub/b"
d1=$(hv driver sign --key "$T/acme.pem" --vendor acme-nic --version 1.0 "$T/f1" | grep -o 'sha256 [0-9a-f]*')
d2=$(hv driver sign --key "$T/acme.pem" --vendor acme-nic --version 1.0 "$T/f2" | grep -o 'sha256 [0-9a-f]*')
check "folder digests equal across mtimes and creation order ($d1)" test -n "$d1" -a "$d1" = "$d2"
check "folder signature beside the folder" test -s "$T/f1.sig"
printf 'd\n' > "$T/f2/sub/d"
d3=$(hv driver sign --key "$T/acme.pem" --vendor acme-nic --version 1.0 "$T/f2" | grep -o 'sha256 [0-9a-f]*')
check "a new file changes the folder digest" test "$d1" != "$d3"
expect 1 "signature is over other bytes" hv driver check --profile "$T/p.yaml" --vendor acme-nic --version 1.0 --signature "$T/f1.sig" "$T/f2"
finish
