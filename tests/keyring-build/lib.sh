# Keys and bundles shared by the keyring-build tests (issue 11). Root keys
# r1..r3 (P-256, root v1: 2 of 3); image keys old (epoch 1) and new
# (epoch 2) for acme-servers on every board, other for zenith-cloud only,
# stranger in no keyring (all P-384, which acme-servers accepts).
. "$SRC/tests/cli/lib.sh"
: "${MKBUNDLE:?}"
M=$SRC/manifests/example.yaml
ACME=$SRC/oem-profiles/acme-servers.yaml
FIELD="python3 $SRC/tests/keyring-build/field.py"
mkb() { "$MKBUNDLE" "$@" || { echo "mkbundle $* failed"; exit 1; }; }
for k in r1 r2 r3 s1 s2; do
    "$HVIMAGE" keygen --alg ecdsa-p256-sha256 -o "$T/$k.pem" >/dev/null || exit 1
done
for k in old new other stranger; do
    "$HVIMAGE" keygen -o "$T/$k.pem" >/dev/null || exit 1
done
ROOTS="$T/r1.pub.pem,$T/r2.pub.pem,$T/r3.pub.pem"
mkb root "$T/root1.hvroot" 1 2 3 "$ROOTS" "$T/r1.pem" "$T/r2.pem"
OLD="$T/old.pub.pem:1:acme-servers"
NEW="$T/new.pub.pem:2:acme-servers"
OTHER="$T/other.pub.pem:2:zenith-cloud"
mkb keyring "$T/ring5.hvkeyring" 5 1 1 2 "$OLD;$NEW;$OTHER" "$T/r2.pem" "$T/r3.pem"
cat "$T/root1.hvroot" "$T/ring5.hvkeyring" > "$T/b5.hvtrust"
# A profile naming the bundle and the roots, its keys relative to $T.
acme_profile() { # OUT [extra YAML lines]
    out=$1
    shift
    cp "$ACME" "$out"
    for line in "$@"; do printf '%s\n' "$line" >> "$out"; done
}
build_b5() { # OUT [more build options]
    out=$1
    shift
    "$HVIMAGE" build -q -m "$M" -p "$ACME" --key "$T/old.pem" \
        --key "$T/new.pem" --trust-block "$T/b5.hvtrust" -o "$out" "$@"
}
