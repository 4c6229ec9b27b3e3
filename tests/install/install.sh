#!/bin/sh
# `meson install` into a DESTDIR puts exactly the expected files in place,
# and they work from there: the installed hvimage builds the installed
# example, a program compiled outside the build tree against the installed
# hvboot.pc verifies it with hv_verify and refuses a tampered copy, one
# built against hvupdate.pc reads an assembled flash's device,
# `assemble` finds the installed boot stage by itself, and every man page
# renders without a warning.
#
#   install.sh SRC BUILD   (environment from tests/install/meson.build)
set -u
src=$1 build=$2
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

T=$(mktemp -d "${TMPDIR:-/tmp}/hv-install.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
D=$T/dest

# An installation folder option: relative to the prefix, or absolute.
under() {
    case $1 in
    /*) echo "$D$1" ;;
    *) echo "$D$HV_PREFIX/$1" ;;
    esac
}
bindir=$(under "$HV_BINDIR")
libdir=$(under "$HV_LIBDIR")
incdir=$(under "$HV_INCLUDEDIR")
datadir=$(under "$HV_DATADIR")
mandir=$(under "$HV_MANDIR")
share=$datadir/hvimage

if ! meson install -C "$build" --destdir "$D" --no-rebuild --quiet \
        >"$T/install.log" 2>&1; then
    cat "$T/install.log"
    echo "FAIL: meson install"
    exit 1
fi

# ---- the file list --------------------------------------------------------
{
    echo "$bindir/hvimage"
    echo "$libdir/libhvboot.a"
    echo "$libdir/pkgconfig/hvboot.pc"
    echo "$libdir/libhvupdate.a"
    echo "$libdir/pkgconfig/hvupdate.pc"
    echo "$incdir/hvimage/hvupdate.h"
    echo "$incdir/hvimage/diag.h"
    for h in "$src"/boot/include/*.h; do
        echo "$incdir/hvimage/${h##*/}"
    done
    for h in "$src"/include/hvimage/*.h; do
        echo "$incdir/hvimage/${h##*/}"
    done
    [ "$HV_STAGE" = yes ] && echo "$share/hvstage.bin"
    (cd "$src" && find oem-profiles manifests/example manifests/example.yaml \
        -type f) | sed "s#^oem-profiles/#$share/oem-profiles/#;
                         s#^manifests/#$share/manifests/#"
    echo "$mandir/man1/hvimage.1"
    for p in manifest profile image; do
        echo "$mandir/man5/hvimage-$p.5"
    done
    echo "$datadir/bash-completion/completions/hvimage"
} | sort >"$T/want"
find "$D" \( -type f -o -type l \) | sort >"$T/got"
if diff -u "$T/want" "$T/got" >"$T/diff"; then
    ok "$(wc -l <"$T/got") files installed, as expected"
else
    fail "installed files differ from the expected list (- expected, + installed):"
    sed "s#$D##g" "$T/diff"
fi
[ -x "$bindir/hvimage" ] || fail "hvimage is not executable"

# ---- the installed headers compile on their own ----------------------------
export PKG_CONFIG_PATH="$libdir/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$D"
cflags=$(pkg-config --cflags hvboot) || fail "pkg-config --cflags hvboot"
libs=$(pkg-config --static --libs hvboot) || fail "pkg-config --static --libs hvboot"
echo "pkg-config: $cflags $libs"
case " $cflags $libs " in
*"$src"*|*"$build"*) fail "pkg-config points into the source or build tree" ;;
esac
for h in "$incdir"/hvimage/*.h; do
    printf '#include <hvimage/%s>\n' "${h##*/}" >"$T/h.c"
    "$HV_CC" -std=c11 -Wall -Wextra -Werror -pedantic -fsyntax-only \
        $cflags "$T/h.c" 2>"$T/h.err" ||
        fail "installed hvimage/${h##*/} does not compile alone: $(cat "$T/h.err")"
done

# ---- the example program, outside the build tree ---------------------------
san=""
[ "${HV_SANITIZE:-none}" != none ] && san="-fsanitize=$HV_SANITIZE"
mkdir "$T/agent"
cp "$src/tests/install/verify-example.c" "$T/agent/"
# shellcheck disable=SC2086
if ! (cd "$T/agent" && "$HV_CC" -std=c11 -Wall -Wextra -Werror $san \
        $cflags -o verify-example verify-example.c $libs) 2>"$T/cc.err"; then
    fail "verify-example does not build against the installed hvboot.pc: $(cat "$T/cc.err")"
fi
ex=$T/agent/verify-example

hv="$bindir/hvimage"
export SOURCE_DATE_EPOCH=1764201600
"$hv" keygen -o "$T/k.pem" >/dev/null || fail "installed hvimage keygen"
"$hv" keygen --alg ecdsa-p256-sha256 -o "$T/other.pem" >/dev/null ||
    fail "keygen other"
openssl pkey -pubin -in "$T/k.pub.pem" -outform DER -out "$T/k.pub.der" &&
openssl pkey -pubin -in "$T/other.pub.pem" -outform DER -out "$T/other.pub.der" ||
    fail "openssl pkey -outform DER"
"$hv" build -q -m "$share/manifests/example.yaml" \
    -p "$share/oem-profiles/acme-servers.yaml" --key "$T/k.pem" \
    -o "$T/ex.hvi" || fail "installed hvimage cannot build the installed example"

# expect EXIT PATTERN ARGS...: run verify-example, check status and output.
expect() {
    want=$1 pat=$2
    shift 2
    "$ex" "$@" >"$T/out" 2>&1
    got=$?
    if [ "$got" -ne "$want" ] || ! grep -Eq "$pat" "$T/out"; then
        fail "verify-example $* exited $got (want $want), output: $(cat "$T/out")"
    else
        ok "verify-example: $(grep -E "$pat" "$T/out" | head -n 1)"
    fi
}
if [ -x "$ex" ]; then
    expect 0 "^verified: example-hv 1.4.2 for acme-servers, security version 3, 4 sections" \
        "$T/ex.hvi" "$T/k.pub.der" acme-r750-mb2 acme-servers 3
    # The key id the program computes is the one keygen printed.
    id=$("$ex" "$T/ex.hvi" "$T/k.pub.der" acme-r750-mb2 acme-servers 3 |
        sed -n 's/^key //p')
    "$hv" inspect "$T/ex.hvi" | grep -q "$id" ||
        fail "key id $id is not the one in the image's signature block"
    # A flipped byte in the last section (the drivers archive).
    cp "$T/ex.hvi" "$T/tampered.hvi"
    size=$(stat -c %s "$T/ex.hvi")
    printf '\377' | dd of="$T/tampered.hvi" bs=1 seek=$((size - 100)) \
        conv=notrunc 2>/dev/null
    cmp -s "$T/ex.hvi" "$T/tampered.hvi" && fail "tampering changed nothing"
    expect 1 "^rejected: digest_mismatch" \
        "$T/tampered.hvi" "$T/k.pub.der" acme-r750-mb2 acme-servers 3
    # A flipped byte in the signed metadata (the image name).
    cp "$T/ex.hvi" "$T/meta.hvi"
    printf 'X' | dd of="$T/meta.hvi" bs=1 seek=64 conv=notrunc 2>/dev/null
    expect 1 "^rejected: bad_signature" \
        "$T/meta.hvi" "$T/k.pub.der" acme-r750-mb2 acme-servers 3
    # One byte appended.
    cp "$T/ex.hvi" "$T/long.hvi"
    printf '\0' >>"$T/long.hvi"
    expect 1 "^rejected: " \
        "$T/long.hvi" "$T/k.pub.der" acme-r750-mb2 acme-servers 3
    expect 1 "^rejected: untrusted_key" \
        "$T/ex.hvi" "$T/other.pub.der" acme-r750-mb2 acme-servers 3
    expect 1 "^rejected: wrong_board" \
        "$T/ex.hvi" "$T/k.pub.der" acme-r1-mb9 acme-servers 3
    expect 1 "^rejected: wrong_oem" \
        "$T/ex.hvi" "$T/k.pub.der" acme-r750-mb2 zenith-cloud 3
    expect 1 "^rejected: rollback" \
        "$T/ex.hvi" "$T/k.pub.der" acme-r750-mb2 acme-servers 4
    expect 2 "not a DER P-256 or P-384" \
        "$T/ex.hvi" "$T/k.pub.pem" acme-r750-mb2 acme-servers 3
fi

# ---- assemble finds the installed boot stage -------------------------------
if [ "$HV_STAGE" = yes ]; then
    set -- -p "$share/oem-profiles/acme-servers.yaml" --key "$T/k.pub.pem" \
        --board acme-r750-mb2 --rollback 3 --slot-a "$T/ex.hvi"
    "$hv" assemble "$@" --stage "$share/hvstage.bin" -q -o "$T/given.bin" ||
        fail "assemble with --stage"
    if "$hv" assemble "$@" -o "$T/default.bin" >"$T/out" 2>"$T/err" &&
            cmp -s "$T/given.bin" "$T/default.bin" &&
            grep -q "using the installed boot stage $share/hvstage.bin" "$T/err"; then
        ok "assemble without --stage used $share/hvstage.bin"
    else
        fail "assemble without --stage: $(cat "$T/err")"
    fi
    # A copy of the binary with no share/hvimage beside it.
    mkdir -p "$T/bare/bin"
    cp "$hv" "$T/bare/bin/hvimage"
    if [ -f "$HV_PREFIX/$HV_DATADIR/hvimage/hvstage.bin" ]; then
        echo "note: $HV_PREFIX/$HV_DATADIR/hvimage/hvstage.bin exists on this machine; no check of the missing-stage error"
    else
        "$T/bare/bin/hvimage" assemble "$@" -o "$T/none.bin" 2>"$T/err"
        st=$?
        if [ "$st" -eq 2 ] && grep -q "\-\-stage is required" "$T/err" &&
                [ ! -e "$T/none.bin" ]; then
            ok "no installed stage: $(cat "$T/err")"
        else
            fail "no installed stage: exit $st, $(cat "$T/err")"
        fi
    fi
fi

# ---- an update agent against the installed hvupdate.pc ---------------------
ucflags=$(pkg-config --cflags hvupdate) || fail "pkg-config --cflags hvupdate"
ulibs=$(pkg-config --static --libs hvupdate) || fail "pkg-config --static --libs hvupdate"
cp "$src/tests/install/update-example.c" "$T/agent/"
# shellcheck disable=SC2086
if ! (cd "$T/agent" && "$HV_CC" -std=c11 -Wall -Wextra -Werror $san \
        $ucflags -o update-example update-example.c $ulibs) 2>"$T/cc.err"; then
    fail "update-example does not build against the installed hvupdate.pc: $(cat "$T/cc.err")"
elif [ "$HV_STAGE" = yes ]; then
    if "$T/agent/update-example" "$T/given.bin" >"$T/out" 2>&1 &&
            grep -q "^device acme-r750-mb2 acme-servers floor 3 active A$" "$T/out"; then
        ok "update-example: $(cat "$T/out")"
    else
        fail "update-example on an assembled flash: $(cat "$T/out")"
    fi
    "$T/agent/update-example" "$T/ex.hvi" >"$T/out" 2>&1
    st=$?
    if [ "$st" -eq 2 ] && grep -q "not a provisioned hvimage flash" "$T/out"; then
        ok "update-example refuses an image as a flash: $(cat "$T/out")"
    else
        fail "update-example on an image: exit $st, $(cat "$T/out")"
    fi
fi

# ---- man pages render without a warning ------------------------------------
for page in "$mandir"/man1/*.1 "$mandir"/man5/*.5; do
    [ -f "$page" ] || { fail "no man page $page"; continue; }
    LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" >"$T/man.txt" 2>"$T/man.err"
    if [ -s "$T/man.err" ]; then
        fail "${page##*/} renders with warnings: $(cat "$T/man.err")"
    elif ! grep -q "^NAME" "$T/man.txt" || [ "$(wc -l <"$T/man.txt")" -lt 20 ]; then
        fail "${page##*/} renders to almost nothing"
    else
        ok "${page##*/}: $(wc -l <"$T/man.txt") lines"
    fi
done
# hvimage(1) has a section for every command hvimage --help lists.
for c in $("$hv" --help | awk '/^  [a-z]+ / {print $1}'); do
    LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$mandir/man1/hvimage.1" 2>/dev/null |
        grep -q "^   $c\$" || fail "hvimage(1) has no section for '$c'"
done

# ---- the completion loads from where it is installed -----------------------
bash -c ". '$datadir/bash-completion/completions/hvimage' && complete -p hvimage" \
    >/dev/null 2>&1 || fail "the installed completion does not load"

echo "install: $fails failure(s)"
[ "$fails" -eq 0 ]
