#!/bin/sh
# hvimage extract on validly signed images whose drivers archive chains
# symlinks through earlier (or later) links of the same archive, which a
# per-link lexical check misses; the output folder rules (fresh folder
# renamed into place, a refusal leaves nothing, a non-empty folder refused
# before any work); refused content exits 1.
#
# The archives are written with Python's tarfile, put into a copy of a
# real image by craft-section (the builder's own encoder) and signed with
# `hvimage sign`: the signer vouches for bytes, not for what they do.
. "$(dirname "$0")/lib.sh"
: "${CRAFT_SECTION:?}"
expect 0 "" hv keygen -o "$T/k.pem"
expect 0 "" hv build -q -m "$SRC/manifests/example.yaml" \
    -p "$SRC/oem-profiles/acme-servers.yaml" --key "$T/k.pem" -o "$T/base.hvi"
X="--key $T/k.pub.pem --board acme-r750-mb2 --oem acme-servers --rollback 3"
mkdir "$T/w"

# mktar OUT ENTRY...: f:NAME (a file), d:NAME (a folder), l:NAME:TARGET.
mktar() {
    python3 - "$@" <<'PY'
import io, sys, tarfile
out = sys.argv[1]
with tarfile.open(out, "w", format=tarfile.USTAR_FORMAT) as t:
    for spec in sys.argv[2:]:
        kind, name, *rest = spec.split(":", 2)
        i = tarfile.TarInfo(name)
        i.mtime = 1
        if kind == "f":
            data = b"payload\n"
            i.size = len(data)
            i.mode = 0o644
            t.addfile(i, io.BytesIO(data))
            continue
        if kind == "d":
            i.type, i.mode = tarfile.DIRTYPE, 0o755
        else:
            i.type, i.mode, i.linkname = tarfile.SYMTYPE, 0o777, rest[0]
        t.addfile(i)
PY
}

# image NAME ENTRY...: a signed image NAME.hvi holding that archive.
image() {
    n=$1
    shift
    mktar "$T/$n.tar" "$@"
    "$CRAFT_SECTION" "$T/base.hvi" drivers "$T/$n.tar" "$T/$n.hvi" &&
        hv sign --key "$T/k.pem" "$T/$n.hvi" > /dev/null ||
        { echo "FAIL: cannot craft $n"; fails=$((fails + 1)); }
}

# Nothing may be left by a refusal: no output, no temporary folder.
left_nothing() {
    test ! -e "$T/w/$1" && test -z "$(ls -d "$T/w/$1".tmp-* 2>/dev/null)"
}

# refused NAME PATTERN: exit 1, the message matches, nothing left.
refused() {
    expect 1 "$2" hv extract $X -o "$T/w/$1" "$T/$1.hvi"
    check "$1: a refusal leaves nothing" left_nothing "$1"
    check "$1: nothing written beside the scratch folder" \
        test -z "$(ls -d "$T"/../hvx-* 2>/dev/null)"
}

# A chain through an earlier link: "up -> ." puts x/../up at the top, so
# x/y -> ../up/.. climbs out, though lexically it stays at the top.
image chain-up d:x l:up:. l:x/y:../up/..
refused chain-up "entry 'x/y': symlink target leaves the folder \('\.\.' above the folder\): '\.\./up/\.\.'"
image chain-dot l:l1:. l:l2:l1/..
refused chain-dot "entry 'l2': symlink target leaves the folder"
# The brief's examples: a link created through an earlier link.
image through-dot l:a:. l:a/b:../..
refused through-dot "entry 'a/b': its path passes through a symlink or a file \(never followed\): 'a'"
image through-sub d:sub d:sub/deep l:d:sub l:d/x:../../etc
refused through-sub "entry 'd/x': its path passes through a symlink"
# A file written through a link that stays inside is refused too: no
# symlink is ever followed while creating entries.
image write-through d:sub l:d:sub f:d/file
refused write-through "entry 'd/file': its path passes through a symlink"
# A later link redirects an earlier one: e -> d/.. is inside while d does
# not exist, and leaves once d -> . is made; the final check sees it.
image late-link l:e:d/.. l:d:.
refused late-link "entry 'e': symlink target leaves the folder through later entries"
# A link that ends up at the top and climbs: two hops.
image two-hops d:a d:a/b l:a/b/top:../.. l:a/b/up:top/..
refused two-hops "entry 'a/b/up': symlink target leaves the folder"
image absolute-via-link l:m:/etc l:n:m
refused absolute-via-link "entry 'm': symlink target leaves the folder \(an absolute symlink\)"
image loop l:a:b l:b:a
refused loop "more than 40 links in a row"
image duplicate f:twice f:twice
refused duplicate "entry 'twice': already exists"
image file-then-dir f:node d:node
refused file-then-dir "entry 'node/': already exists"
image control-bytes "f:esc$(printf '\033')[31mred"
expect 0 "" hv extract $X -o "$T/w/control-bytes" "$T/control-bytes.hvi"
image control-link "l:esc$(printf '\033')x:../../$(printf '\033')[2J"
expect 1 "entry 'esc\\\\x1bx': symlink target leaves the folder \(.*\): '\.\./\.\./\\\\x1b\[2J'" \
    hv extract $X -o "$T/w/control-link" "$T/control-link.hvi"
check "control bytes never reach the terminal raw" \
    sh -c "! hv extract $X -o '$T/w/control-link2' '$T/control-link.hvi' 2>&1 | grep -q \"$(printf '\033')\""

# Random archives of folders and links named from a few letters, with
# targets made of ".", ".." and those letters, shaped to climb back
# through other links (fixed seeds, so reproducible):
# each is refused with nothing left, or every link it made resolves
# (Python's realpath, which follows links as the kernel does) inside.
N_RANDOM=80
mkdir "$T/rand"
python3 - "$T/rand" "$N_RANDOM" <<'PY'
import io, random, sys, tarfile
folder, count = sys.argv[1], int(sys.argv[2])
for seed in range(1, count + 1):
    r = random.Random(seed)
    with tarfile.open("%s/%d.tar" % (folder, seed), "w",
                      format=tarfile.USTAR_FORMAT) as t:
        for name in r.sample(["a", "b", "c", "d", "a/b", "b/c"], r.randint(2, 5)):
            i = tarfile.TarInfo(name)
            i.mtime = 1
            if r.random() < 0.2:
                i.type, i.mode = tarfile.DIRTYPE, 0o755
            else:
                i.type, i.mode = tarfile.SYMTYPE, 0o777
                shape = r.choice([".", "..", "L", "L/..", "L/../..", "../L",
                                  "L/L/..", "L/../L/.."])
                i.linkname = "/".join(r.choice("abcd") if c == "L" else c
                                      for c in shape.split("/"))
            t.addfile(i)
PY
random_kept=0 random_refused=0
for seed in $(seq 1 $N_RANDOM); do
    "$CRAFT_SECTION" "$T/base.hvi" drivers "$T/rand/$seed.tar" "$T/rand/$seed.hvi" &&
        hv sign --key "$T/k.pem" "$T/rand/$seed.hvi" > /dev/null ||
        { echo "FAIL: cannot craft random-$seed"; fails=$((fails + 1)); }
    if hv extract $X -o "$T/w/random-$seed" "$T/rand/$seed.hvi" > "$T/random.out" 2>&1; then
        random_kept=$((random_kept + 1))
    else
        code=$?
        random_refused=$((random_refused + 1))
        check "random-$seed: refused with exit 1 ($(cat "$T/random.out"))" test "$code" -eq 1
        check "random-$seed: a refusal leaves nothing" left_nothing "random-$seed"
    fi
done
outside=$(python3 - "$T/w" <<'PY'
import glob, os, sys
for d in sorted(glob.glob(sys.argv[1] + "/random-*/drivers")):
    root = os.path.realpath(d)
    for base, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(base, n)
            if os.path.islink(p):
                r = os.path.realpath(p)
                if r != root and not r.startswith(root + "/"):
                    print("%s -> %s resolves to %s" % (p, os.readlink(p), r))
PY
)
echo "random archives: $random_kept extracted, $random_refused refused"
[ -z "$outside" ] || echo "$outside"
check "random archives: no link leaves the folder" test -z "$outside"
check "random archives: some extracted, some refused" \
    test "$random_kept" -gt 5 -a "$random_refused" -gt 5

# Controls: links that stay inside, also through other links, are kept.
image inside d:acme d:acme/bin f:acme/bin/run d:acme/lib \
    l:acme/lib/run:../bin/run l:top:acme/bin l:via:top/../lib/run \
    l:dangling:nowhere/x l:self:.
expect 0 "drivers.tar \([0-9]+ bytes\)" hv extract $X -o "$T/w/inside" "$T/inside.hvi"
check "inside: the link through a link is kept" \
    test "$(readlink "$T/w/inside/drivers/via")" = "top/../lib/run"
check "inside: it resolves inside" \
    test "$(realpath "$T/w/inside/drivers/via")" = "$(realpath "$T/w/inside/drivers/acme/bin/run")"
check "inside: no temporary folder left" test -z "$(ls -d "$T/w/inside".tmp-* 2>/dev/null)"
check "inside: the folder has the usual mode" \
    test "$(stat -c %a "$T/w/inside")" = "$(umask 022; mkdir "$T/probe" && stat -c %a "$T/probe")"

# The output folder: an empty one is used; a non-empty one, a file, or a
# symlink is refused (exit 2) before any work, and left as it was.
mkdir "$T/w/empty"
expect 0 "core.bin" hv extract $X -o "$T/w/empty/" "$T/inside.hvi"
check "an empty output folder is filled" test -f "$T/w/empty/drivers/acme/bin/run"
mkdir "$T/w/full" && echo keep > "$T/w/full/mine"
expect 2 "w/full: exists and is not empty" hv extract $X -o "$T/w/full" "$T/inside.hvi"
check "a non-empty folder is left alone" test "$(ls "$T/w/full")" = mine
expect 2 "w/full: exists and is not empty" hv extract $X -o "$T/w/full" "$T/missing.hvi"
echo data > "$T/w/afile"
expect 2 "afile: exists and is not a folder" hv extract $X -o "$T/w/afile" "$T/inside.hvi"
check "a file in the way is left alone" test "$(cat "$T/w/afile")" = data
ln -s empty "$T/w/alink"
expect 2 "alink: exists and is not a folder" hv extract $X -o "$T/w/alink" "$T/inside.hvi"
mkdir "$T/w/dot" && expect 2 "not '\.' or '\.\.'" sh -c "cd '$T/w/dot' && '$HVIMAGE' extract $X -o . '$T/inside.hvi'"
expect 2 "not '\.' or '\.\.'" hv extract $X -o "$T/w/dot/.." "$T/inside.hvi"
expect 2 "cannot create a folder" hv extract $X -o "$T/w/no/such/place" "$T/inside.hvi"
# An image that does not verify leaves nothing either.
expect 1 "wrong_board" hv extract --key "$T/k.pub.pem" --board zenith-z1 --oem acme-servers \
    --rollback 3 -o "$T/w/bad" "$T/inside.hvi"
check "a rejected image leaves nothing" left_nothing bad
check "no temporary folder anywhere" test -z "$(ls -d "$T"/w/*.tmp-* 2>/dev/null)"
finish
