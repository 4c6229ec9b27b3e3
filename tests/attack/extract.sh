#!/bin/sh
# `hvimage extract` on validly signed images whose content is hostile (made
# and signed by attack-verify, the extract-* rows): a drivers archive with
# "..", absolute paths, symlinks and hardlinks out, device nodes, a FIFO,
# setuid bits; extra sections named like extract's own outputs. Each must be
# refused with exit 1 (or, for setuid bits, normalised), and nothing may be
# written outside the output folder (a refusal leaves no output folder at
# all): the whole scratch tree, /etc/passwd and the
# canary paths in /tmp are compared before and after each run.
. "$SRC/tests/cli/lib.sh"
: "${ATTACK_VERIFY:?}" "${GOLDEN:?}"
C=$T/cases
expect 0 "" "$ATTACK_VERIFY" "$GOLDEN" --emit "$C" --only extract-
KEY="--key $C/key-a.pub.pem --board test-board-2 --oem test-oem --rollback 7"
canaries="/tmp/hvattack-absolute-canary /tmp/hvattack-through-abs-symlink /tmp/hvattack-dotdot"
snapshot() {
    # Everything under $T but the run's own output folder, with types,
    # modes, sizes and link targets; and what an escape could touch.
    find "$T" -path "$1" -prune -o -printf '%y %m %s %p %l\n' | sort
    sha256sum /etc/passwd
    for c in $canaries; do [ -e "$c" ] && echo "EXISTS $c"; done
    find "$T/.." -maxdepth 1 -name 'hvattack-*' 2>/dev/null
}

# run_one NAME EXIT PATTERN (lib.sh's expect uses $want, $pattern, $out:
# the names here are x_*)
S=$(mktemp -d /tmp/hvatk-snap-XXXXXX)
trap 'rm -rf "$T" "$S"' EXIT
run_one() {
    x_name=$1 x_code=$2 x_pat=$3
    x_dir=$T/x/$x_name
    snapshot "$x_dir" > "$S/before"
    expect "$x_code" "$x_pat" hv extract $KEY -o "$x_dir" "$C/$x_name.hvi"
    snapshot "$x_dir" > "$S/after"
    check "$x_name: nothing changed outside the output folder" \
        cmp -s "$S/before" "$S/after"
    cmp -s "$S/before" "$S/after" || diff "$S/before" "$S/after"
    check "$x_name: no device node, FIFO or socket" \
        test -z "$(find "$T/x" \( -type b -o -type c -o -type p -o -type s \) 2>/dev/null)"
    check "$x_name: no setuid, setgid or sticky bit" \
        test -z "$(find "$T/x" -perm /7000 2>/dev/null)"
    # Every symlink left behind resolves inside the output folder.
    for x_l in $(find "$T/x" -type l 2>/dev/null); do
        x_r=$(realpath -m "$x_l")
        case "$x_r" in
        "$T/x/"*) ;;
        *) check "$x_name: symlink $x_l -> $x_r leaves the output" false ;;
        esac
    done
    if [ "$x_code" -ne 0 ]; then
        check "$x_name: a refusal leaves no output folder" test ! -e "$x_dir"
        check "$x_name: and no temporary folder" \
            test -z "$(ls -d "$x_dir".tmp-* 2>/dev/null)"
    fi
    check "$x_name: no hardlink to /etc/passwd" \
        test -z "$(find "$T/x" -samefile /etc/passwd 2>/dev/null)"
    if [ -e "$x_dir/core.bin" ]; then
        check "$x_name: core.bin is the verified core" \
            cmp -s "$x_dir/core.bin" "$C/core-a.bin"
    fi
}

mkdir -p "$T/x"
run_one extract-tar-dotdot 1 "entry '\.\./\.\./hvattack-dotdot': '\.\.' in its path"
run_one extract-tar-absolute 1 "entry '/tmp/hvattack-absolute-canary': absolute path"
run_one extract-tar-symlink-out 1 "entry 'evil': symlink target leaves the folder \('\.\.' above the folder\)"
run_one extract-tar-symlink-absolute 1 "entry 'tmp': symlink target leaves the folder \(an absolute symlink\)"
run_one extract-tar-hardlink-absolute 1 "entry 'passwd': hardlinks are not extracted"
run_one extract-tar-hardlink-dotdot 1 "entry 'victim': hardlinks are not extracted"
run_one extract-tar-device-nodes 1 "entry 'ttyS0': not a file, folder or symlink"
run_one extract-tar-fifo 1 "entry 'pipe': not a file, folder or symlink"
run_one extract-extra-named-core.bin 1 "section 'core.bin': its name clashes"
run_one extract-extra-named-drivers.tar 1 "section 'drivers.tar': its name clashes"
run_one extract-extra-named-dotdot 1 "section '\.\.': its name clashes"
run_one extract-extra-named-dot 1 "section '\.': its name clashes"
# Accepted, normalised: the setuid and setgid bits are gone.
run_one extract-tar-setuid 0 "drivers.tar"
check "setuid file extracted as 0755" \
    test "$(stat -c %a "$T/x/extract-tar-setuid/drivers/suid")" = 755
check "sticky folder extracted as 0755" \
    test "$(stat -c %a "$T/x/extract-tar-setuid/drivers/sticky")" = 755
# Accepted: links that stay inside are kept.
run_one extract-tar-symlinks-inside 0 "drivers.tar"
check "inside link kept" \
    test "$(readlink "$T/x/extract-tar-symlinks-inside/drivers/acme/lib/run")" = "../bin/run"
# Every extract-* case of attack-verify is exercised here.
n_cases=$(ls "$C"/extract-*.hvi | wc -l)
check "all $n_cases extract cases run" test "$n_cases" -eq 14
finish
