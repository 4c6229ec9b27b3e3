#!/bin/sh
# The verifier's attack cases on i386 under UBSan: build boot/'s sources and
# the 32-bit runner with `gcc -m32 -fsanitize=undefined`, let attack-verify
# (64-bit, it has the signing keys) write every crafted case to files, and
# replay them. Never skips: a missing 32-bit toolchain or library fails the
# test with the packages to install. Where the kernel cannot run i386
# programs (no IA32 emulation), they run under qemu-i386 (qemu-user).
#
#   m32.sh SRC ATTACK_VERIFY GOLDEN_DIR OUT_DIR BOOT_SOURCES...
set -u
src=$1 av=$2 golden=$3 out=$4
shift 4
cc=${CC32:-gcc}
fail() {
    echo "attack-m32-ubsan: FAILED: $*"
    exit 1
}
rm -rf "$out"
mkdir -p "$out/cases" || fail "cannot create $out"
need="dpkg --add-architecture i386 && apt-get update && apt-get install gcc-multilib libzstd-dev:i386 libbearssl-dev:i386 (and qemu-user where the kernel has no IA32 emulation)"

printf 'int main(void) { return 0; }\n' > "$out/probe.c"
"$cc" -m32 -fsanitize=undefined -o "$out/probe" "$out/probe.c" ||
    fail "gcc -m32 -fsanitize=undefined cannot link a program: $need"
run=""
if ! "$out/probe" 2>/dev/null; then
    command -v qemu-i386 >/dev/null ||
        fail "this kernel does not run i386 programs and qemu-i386 is missing: $need"
    run="qemu-i386"
    $run "$out/probe" || fail "qemu-i386 cannot run an i386 program"
    echo "running i386 programs under qemu-i386 (the kernel has no IA32 emulation)"
fi

libdir=/usr/lib/i386-linux-gnu
[ -e $libdir/libzstd.so ] || [ -e $libdir/libzstd.a ] || fail "no i386 libzstd: $need"
[ -e $libdir/libbearssl.a ] || [ -e $libdir/libbearssl.so ] || fail "no i386 libbearssl: $need"

# boot/'s own sources, as boot/meson.build lists them, and its headers.
bootdir=$(dirname "$1")
"$cc" -m32 -std=c11 -Wall -Wextra -Werror -O1 -g -fno-omit-frame-pointer \
    -fsanitize=undefined -fno-sanitize-recover=all \
    -DZSTD_STATIC_LINKING_ONLY -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
    -I"$bootdir" -I"$src/boot/include" -I"$src/include" -I/usr/include/bearssl \
    -I"$src/tests/attack" \
    "$@" "$src/tests/attack/atk_common.c" "$src/tests/attack/attack-m32-run.c" \
    -L$libdir -l:libbearssl.a -lzstd -o "$out/attack-m32-run" ||
    fail "the 32-bit build of the verifier failed"

"$av" "$golden" --emit "$out/cases" > "$out/emit.log" 2>&1 ||
    { cat "$out/emit.log"; fail "attack-verify --emit failed"; }

UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    $run "$out/attack-m32-run" "$out/cases" "$golden"
rc=$?
[ $rc -eq 0 ] || fail "the 32-bit verifier failed cases (exit $rc)"
echo "attack-m32-ubsan: all cases passed on the i386 verifier under UBSan"
