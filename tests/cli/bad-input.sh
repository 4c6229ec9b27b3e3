#!/bin/sh
# Each class of bad input to `hvimage build` gives a message naming the file,
# line and column, exit code 2, and no output file.
. "$(dirname "$0")/lib.sh"
expect 0 "" hv keygen -o "$T/k.pem"
mkdir -p "$T/in"
cp -r "$SRC/manifests/example" "$T/in/example"
P=$SRC/oem-profiles/acme-servers.yaml
good() { cat "$SRC/manifests/example.yaml"; }

# case NAME PATTERN: build $T/in/NAME.yaml, expect exit 2 and PATTERN.
case_m() {
    expect 2 "$2" hv build -m "$T/in/$1.yaml" -p "${3:-$P}" --key "$T/k.pem" -o "$T/out-$1.hvi"
    check "$1: no output file" test ! -e "$T/out-$1.hvi"
    check "$1: no temporary file" sh -c "! ls '$T' | grep -q 'out-$1.hvi.tmp'"
}
printf 'image: [unclosed\n' > "$T/in/syntax.yaml"
case_m syntax "syntax.yaml:[0-9]+:[0-9]+: error"
good | sed 's/^image:/image:\n  colour: blue/' > "$T/in/unknown.yaml"
case_m unknown "unknown.yaml:4:3: error: unknown key 'colour' in 'image'"
good | sed 's/security_version: 3/security_version: three/' > "$T/in/type.yaml"
case_m type "type.yaml:[0-9]+:[0-9]+: error: .*security_version.*unsigned integer"
good | grep -v '^  version:' > "$T/in/missing.yaml"
case_m missing "missing.yaml:[0-9]+:[0-9]+: error: missing required key 'version'"
good | sed 's/name: example-hv/name: "bad name!"/' > "$T/in/value.yaml"
case_m value "value.yaml:[0-9]+:[0-9]+: error: .*name"
good | sed 's#example/monitor.elf#example/no-such-core.bin#' > "$T/in/path.yaml"
case_m path "path.yaml:[0-9]+:[0-9]+: error: .*no-such-core.bin"
printf 'oem_id: x\nboards: [a]\nbogus: 1\n' > "$T/in/prof.yaml"
good > "$T/in/ok.yaml"
case_m ok "prof.yaml:[0-9]+:[0-9]+: error" "$T/in/prof.yaml"
expect 2 "cannot open|No such file" hv build -m "$T/in/ok.yaml" -p "$T/in/nope.yaml" --key "$T/k.pem" -o "$T/o.hvi"
expect 2 "no signing key" hv build -m "$T/in/ok.yaml" -p "$P" -o "$T/o.hvi"
check "no output without a key" test ! -e "$T/o.hvi"
# A driver package with a path that escapes: the archive and entry are named.
mkdir -p "$T/evil/src"
echo x > "$T/evil/src/f"
tar -C "$T/evil/src" --transform 's,^f$,../../escape,' -cf "$T/evil/evil.tar" f
good | sed "s#example/drivers/acme-nic-2.1.0.tar.gz#$T/evil/evil.tar#" > "$T/in/evil.yaml"
# (Unsigned: a profile admitting community packages, so the archive itself
# is what the build refuses.)
sed 's/min_acceptance: accepted/min_acceptance: community/' "$P" > "$T/community.yaml"
case_m evil "evil.tar: entry '\.\./\.\./escape'" "$T/community.yaml"
finish
