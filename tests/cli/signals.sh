#!/bin/sh
# SIGINT, SIGTERM and SIGHUP during a build remove its temporary output and
# exit 128+signal; SIGKILL leaves nothing either where the output is created
# unnamed (O_TMPFILE). Each run builds into a folder of its own and is
# interrupted at a random moment (the seed is printed); afterwards the folder
# must be empty. HV_TEST_NO_TMPFILE=1 runs take the named-temporary path that
# file systems without O_TMPFILE take.
. "$(dirname "$0")/lib.sh"
# A 16 MiB core at level 19: a build of many seconds, so every signal
# lands while sections are written.
for f in /usr/bin/*; do [ -f "$f" ] && cat "$f"; done 2>/dev/null | head -c 16777216 > "$T/core.bin"
cat > "$T/m.yaml" <<EOF2
image: {name: sig, version: 1.0.0, security_version: 1, build_epoch: 1}
core: {path: core.bin, format: raw, load_address: 0x100000, entry_point: 0x100000}
EOF2
cp "$SRC/oem-profiles/orbital-edge.yaml" "$T/p.yaml"
expect 0 "" hv keygen --alg rsa3072-pkcs1-sha256 -o "$T/k.pem"

seed=${HV_SIGNAL_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
echo "seed $seed (HV_SIGNAL_SEED=$seed repeats this run)"
delays=$(awk -v s="$seed" 'BEGIN { srand(s); for (i = 0; i < 30; i++) printf "%.3f\n", rand() * 1.5 }')

interrupted=0
i=0
for d in $delays; do
    i=$((i + 1))
    case $((i % 4)) in
    0) sig=INT num=2 ;;
    1) sig=TERM num=15 ;;
    2) sig=HUP num=1 ;;
    3) sig=KILL num=9 ;;
    esac
    named=""
    [ $((i % 2)) -eq 0 ] && named=1
    # SIGKILL cannot be caught: only the unnamed output survives it.
    [ "$sig" = KILL ] && named=""
    out="$T/o$i"
    mkdir "$out"
    HV_TEST_NO_TMPFILE=$named "$HVIMAGE" build -q -m "$T/m.yaml" -p "$T/p.yaml" \
        --key "$T/k.pem" --threads 1 -o "$out/image.hvi" &
    pid=$!
    # A background job starts with SIGINT ignored (POSIX sh, no job
    # control) until hvimage installs its handlers: a SIGINT in that window
    # is lost and the build completes. So the random delay counts from the
    # moment /proc shows SIGINT caught (its bit, 0x2, in SigCgt).
    n=0
    while [ $n -lt 500 ]; do
        cgt=$(awk '/^SigCgt:/ { print substr($2, length($2)) }' \
            "/proc/$pid/status" 2>/dev/null) || break
        case $cgt in [2367abef]) break ;; "") break ;; esac
        sleep 0.01
        n=$((n + 1))
    done
    sleep "$d"
    kill -s "$sig" "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    mode=${named:+named}
    check "run $i (SIG$sig after ${d}s, ${mode:-unnamed} temporary): exit $rc, wanted $((128 + num))" \
        test "$rc" -eq $((128 + num))
    left=$(ls -A "$out")
    check "run $i (SIG$sig after ${d}s, ${mode:-unnamed} temporary): nothing left, found '$left'" \
        test -z "$left"
    [ "$rc" -eq $((128 + num)) ] && interrupted=$((interrupted + 1))
done
echo "$interrupted of $i builds interrupted"
check "at least 20 builds interrupted" test "$interrupted" -ge 20
finish
