#!/bin/bash
# completion/hvimage.bash offers every command and exactly the long options
# of each command's getopt table, and each option it offers is one the
# binary knows; values complete where they are a closed set.
#
#   completion.sh SRC HVIMAGE
set -u
src=$1 hv=$2
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
. "$src/completion/hvimage.bash" || { echo "FAIL: cannot load"; exit 1; }
complete -p hvimage >/dev/null || fail "no completion registered for hvimage"

# The words offered for the command line "$@" (cursor on the last word).
offered() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMPREPLY=()
    _hvimage
    printf '%s\n' "${COMPREPLY[@]}" | sort -u | tr '\n' ' '
}

# Commands: the ones hvimage --help lists.
want=$("$hv" --help | awk '/^  [a-z]+ / {print $1}' | sort -u | tr '\n' ' ')
[ -n "$want" ] || fail "hvimage --help lists no command"
got=$(offered hvimage "" | sed 's/--help //')
[ "$got" = "$want" ] || fail "commands: offered '$got', hvimage --help lists '$want'"
[ "$(offered hvimage ver)" = "verify " ] || fail "'ver' does not complete to verify"

# Options: per source file, the union over its commands equals the union of
# its getopt tables.
for f in "$src"/mkimage/cli/cmd_*.c; do
    cmds=$(sed -n 's/^int cmd_\([a-z]*\)(.*/\1/p' "$f")
    [ -n "$cmds" ] || continue
    table=$(grep -oE '\{"[a-z0-9-]+", *(required|no|optional)_argument' "$f" |
        sed -E 's/^\{"([^"]+)".*/--\1/' | sort -u | tr '\n' ' ')
    union=""
    for c in $cmds; do
        opts=$(offered hvimage "$c" --)
        [ -n "$opts" ] || fail "$c: no option offered"
        union="$union $opts"
        for o in $opts; do
            err=$("$hv" "$c" "$o" 2>&1 >/dev/null </dev/null)
            case $err in
            *unrecognized*|*unrecognised*|*"invalid option"*)
                fail "$c: offers $o, which hvimage $c does not know: $err" ;;
            esac
        done
    done
    union=$(printf '%s\n' $union | sort -u | tr '\n' ' ')
    # A command parsing with cli_verify_parse (sbom) has cmd_verify.c's
    # table: it offers a part of it (not --json, which it refuses).
    if [ -z "$table" ] && grep -q 'cli_verify_parse(' "$f"; then
        shared=$(grep -oE '\{"[a-z0-9-]+", *(required|no|optional)_argument' \
            "$src/mkimage/cli/cmd_verify.c" | sed -E 's/^\{"([^"]+)".*/--\1/' |
            sort -u | tr '\n' ' ')
        for o in $union; do
            case " $shared " in
            *" $o "*) ;;
            *) fail "$(basename "$f") ($cmds): offers $o, not in cmd_verify.c's table" ;;
            esac
        done
        continue
    fi
    [ "$union" = "$table" ] ||
        fail "$(basename "$f") ($cmds): completion offers '$union', the getopt tables have '$table'"
done

[ "$(offered hvimage assemble --sl)" = "--slot-a --slot-b " ] ||
    fail "assemble --sl: $(offered hvimage assemble --sl)"
# Values: the algorithms keygen --help names, a or b for --active.
algs=$(offered hvimage keygen --alg "")
for a in $algs; do
    "$hv" keygen --help | grep -qw -- "$a" || fail "keygen --alg offers $a, not in keygen --help"
done
[ "$(echo $algs | wc -w)" -eq 4 ] || fail "keygen --alg offers '$algs'"
[ "$(offered hvimage assemble --active "")" = "a b " ] || fail "--active values"
# Files after a file option and for the IMAGE operand.
d=$(mktemp -d) && trap 'rm -rf "$d"' EXIT
touch "$d/image.hvi"
[ "$(offered hvimage verify --key "$d/ima")" = "$d/image.hvi " ] || fail "--key does not complete files"
[ "$(offered hvimage inspect "$d/ima")" = "$d/image.hvi " ] || fail "IMAGE does not complete files"

echo "completion: $fails failure(s)"
[ "$fails" -eq 0 ]
