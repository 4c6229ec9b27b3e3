#!/bin/sh
# QEMU killed (SIGKILL) while the boot stage writes the boot state, at
# seeded random instructions inside the write, always comes back to a
# verifiable image (issue 10, item 8; docs/UPDATE.md "QEMU kill runs").
#
# QEMU maps the flash from its file share=on, so a kill leaves in the file
# exactly the stores the stage made before it. To land inside the writes,
# not just anywhere in the boot, QEMU starts stopped with its gdb stub, and
# gdb (kill-gdb.py) breaks on the stage's only flash writers, bs_program and
# bs_erase (boot/stage/bootstate.c), picks one of the write's operations,
# runs to a seeded random byte store in it (a watchpoint), steps a random
# number of instructions further, and kills QEMU there. Four writes, each
# from a flash prepared for it:
#   record append  a trial boot's tries decrement (B on trial, 1 try)
#   erase+append   the same with both log blocks full, so the stage erases
#                  the older block before it appends
#   mark-bad       B on trial with no tries left: the stage marks it bad
#                  and boots A
#   floor raise    B confirmed (by its monitor, on a clean trial boot): the
#                  stage raises the lab counter from 0 to B's signed
#                  min_security_version, 580 (73 bytes of thermometer code)
# A calibration boot per write lists its flash operations (kind, offset,
# length, instructions) and gives the state after the complete write; a
# clean chain of boots from there gives the state the device must end in.
# After each kill:
#   - the flash holds the old or the new record (and a counter between the
#     old and the new value); the record being written does not read
#     committed unless it is complete (bstool check); the counter code has
#     no gap;
#   - boots without a kill until a boot writes nothing: each boots a
#     verified image (the monitor's banner; B's crash switch may then
#     crash it), at a security version not below the floor the flash held,
#     the floor never decreases and never rises without a confirmed slot;
#     the device ends in the clean chain's state.
# HV_KILL_SEED (printed) repeats a run; HV_KILL_COUNT kills (default 60),
# spread over the four writes.
. "$(dirname "$0")/lib.sh"
: "${BSTOOL:?}" "${STAGE_ELF:?}"
GDB=${GDB:-gdb}
if ! command -v "$GDB" >/dev/null 2>&1; then
    echo "FAIL: gdb not found (apt-get install gdb)"
    exit 1
fi
seed=${HV_KILL_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
count=${HV_KILL_COUNT:-60}
echo "kill.sh: seed $seed, $count kills (HV_KILL_SEED=$seed to repeat)"

# rnd N: $r = a seeded pseudo-random number in [0, N]. A 31-bit LCG in
# shell arithmetic, so the sequence is the same in any POSIX shell.
rng=$((seed % 2147483648))
rnd() {
    rng=$(((rng * 1103515245 + 12345) % 2147483648))
    r=$(((rng / 256) % ($1 + 1)))
}

fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

key dev
image "$T/a.hvi" dev
sed -e "s#path: example/#path: $SRC/manifests/example/#" "$MANIFEST" >"$T/base.yaml"
# B that crashes on each trial boot (security version 5, allowing 4).
sed -e 's/^  version: .*/  version: 1.4.3/' \
    -e 's/^  security_version: .*/  security_version: 5\n  min_security_version: 4/' \
    "$T/base.yaml" >"$T/crash.yaml"
printf '  monitor.crash: 1\n' >>"$T/crash.yaml"
image "$T/crash.hvi" dev "$T/crash.yaml"
# B that confirms itself and retires everything below 580.
sed -e 's/^  version: .*/  version: 1.5.0/' \
    -e 's/^  security_version: .*/  security_version: 600\n  min_security_version: 580/' \
    "$T/base.yaml" >"$T/good.yaml"
image "$T/good.hvi" dev "$T/good.yaml"
flash "$T/crash.bin" --key "$T/dev.pub.pem" --rollback 3 --slot-a "$T/a.hvi" \
    --slot-b "$T/crash.hvi"
flash "$T/good.bin" --key "$T/dev.pub.pem" --rollback 3 --slot-a "$T/a.hvi" \
    --slot-b "$T/good.hvi"
base_floor=3

bs() {
    "$BSTOOL" "$1" "$region_boot_state_offset" "$region_boot_state_size" \
        "$erase_block" "$2" ${3:+"$3"} ${4:+"$4"}
}

# state FLASH: $st (bstool status: "active X A=.. B=.. counter N sequence
# S"), $st_rec (all but the counter), $st_ctr (the lab counter) and
# $st_floor (the floor the stage computes from it).
state() {
    st=$(bs "$1" status) || st=""
    # shellcheck disable=SC2086
    set -- $st
    if [ $# -ne 8 ] || [ "$5" != counter ]; then
        fail "bstool cannot read the boot state: '$st'"
        st_rec="?" st_ctr=0 st_floor=$base_floor
        return
    fi
    st_rec="$1 $2 $3 $4 $7 $8" st_ctr=$6 st_floor=$6
    [ "$st_floor" -ge "$base_floor" ] || st_floor=$base_floor
}

# region FLASH OUT: the boot_state region's bytes.
region() {
    dd if="$1" of="$2" bs=4096 skip=$((region_boot_state_offset / 4096)) \
        count=$((region_boot_state_size / 4096)) status=none ||
        die "boot_state region of $1"
}

# restore FLASH FROM: FROM's boot_state region into FLASH. The kill boots
# reuse one flash file: copying the 64 MiB flash each time took longer than
# the boots, and only this region can change (the stage and the monitor map
# nothing else writable; write_class checks the rest at the end).
restore() {
    dd if="$2" of="$1" bs=4096 skip=$((region_boot_state_offset / 4096)) \
        seek=$((region_boot_state_offset / 4096)) \
        count=$((region_boot_state_size / 4096)) conv=notrunc status=none ||
        die "restore the boot_state region of $1"
}

# gdb_boot FLASH LOG MODE [OP STEP SUB]: boot FLASH with QEMU stopped at
# its first instruction and kill-gdb.py in charge; its lines are in
# LOG.gdb ("op ...", "killed ...", "end ...").
gdb_boot() {
    rm -f "$T/gdb.sock" "$T/qemu.pid"
    KILL_SOCK=$T/gdb.sock KILL_PIDFILE=$T/qemu.pid KILL_MODE=$3 \
        KILL_OP=${4:-0} KILL_STEP=${5:-0} KILL_SUB=${6:-0} \
        KILL_ERASE_BLOCK=$erase_block \
        "$GDB" -batch -nx -x "$SRC/tests/boot/kill-gdb.py" "$STAGE_ELF" \
        >"$2.gdbout" 2>&1 &
    gdb_pid=$!
    QEMU_EXTRA="-S -gdb unix:$T/gdb.sock,server=on,wait=off -pidfile $T/qemu.pid" \
        boot "$1" "$2"
    wait "$gdb_pid"
    grep -E '^(op|killed|end|kill-gdb)' "$2.gdbout" >"$2.gdb"
    if grep -q '^kill-gdb: error' "$2.gdb" || [ "$status" -ne 137 ]; then
        fail "the gdb-driven boot of $1 did not end in a kill (QEMU status $status)"
        cat "$2.gdb"
        tail -5 "$2.gdbout"
        return 1
    fi
    # Killed inside the stage: the monitor never ran.
    if grep -q hvmonitor "$2"; then
        fail "QEMU was killed after the monitor started"
        show_log "$2"
    fi
    return 0
}

# settle FLASH CAP TAG: boot FLASH without a kill until a boot writes
# nothing (at most 5 boots), checking each. CAP: the highest the counter
# may reach. Sets $first (slot of the first boot), $last (of the last),
# $nboots.
settle() {
    first="" last="" nboots=0
    while :; do
        nboots=$((nboots + 1))
        if [ "$nboots" -gt 5 ]; then
            fail "$3: still writing after 5 boots"
            return
        fi
        state "$1"
        ctr_before=$st_ctr floor_before=$st_floor
        region "$1" "$T/region.before"
        boot "$1" "$T/settle.log"
        # From the monitor's banner: the slot, its security version and
        # the floor the stage verified it against.
        # shellcheck disable=SC2046
        set -- "$1" "$2" "$3" $(sed -n \
            -e 's/^hvmonitor: booted .* from slot \([AB]\).*/\1/p' \
            -e 's/^hvmonitor: security version \([0-9]*\), rollback counter \([0-9]*\),.*/\1 \2/p' \
            "$T/settle.log")
        if [ $# -ne 6 ]; then
            fail "$3: boot $nboots of the chain booted no image"
            show_log "$T/settle.log"
            return
        fi
        slot=$4 sv=$5 sf=$6
        set -- "$1" "$2" "$3"
        [ -n "$first" ] || first=$slot
        last=$slot
        # Exit 33: the monitor ran; 67 only from B's crash switch.
        if [ "$status" -ne 33 ] && ! { [ "$status" -eq 67 ] &&
            grep -q '^hvmonitor: monitor.crash=1: crashing' "$T/settle.log"; }; then
            fail "$3: boot $nboots ended with status $status"
            show_log "$T/settle.log"
        fi
        # Nothing below the floor the flash held boots.
        if [ "$sv" -lt "$sf" ] || [ "$sf" -lt "$floor_before" ]; then
            fail "$3: booted security version $sv at floor $sf, the flash's floor was $floor_before"
            show_log "$T/settle.log"
        fi
        state "$1"
        if [ "$st_ctr" -lt "$ctr_before" ]; then
            fail "$3: the counter went down from $ctr_before to $st_ctr"
        fi
        if [ "$st_ctr" -gt "$2" ]; then
            fail "$3: the counter rose to $st_ctr, above $2 (no confirmed slot allows it)"
        fi
        bs "$1" check >"$T/check.out" ||
            fail "$3: after boot $nboots: $(cat "$T/check.out")"
        region "$1" "$T/region.after"
        cmp -s "$T/region.before" "$T/region.after" && return
    done
}

# write_class NAME PRE CAP SHAPE KILLS: calibrate the write from the flash
# PRE, then kill inside it KILLS times. SHAPE: the operation kinds the
# write must consist of, e.g. "program program" (a regular expression over
# the kinds joined by spaces). CAP: the highest value the counter may take.
write_class() {
    name=$1 pre=$2 cap=$3 shape=$4 kills=$5
    state "$pre"
    pre_rec=$st_rec pre_ctr=$st_ctr
    cp "$pre" "$T/post.bin"
    gdb_boot "$T/post.bin" "$T/cal.log" calibrate || return
    ops=$(grep -c '^op ' "$T/cal.log.gdb")
    kinds=$(sed -n 's/^op [0-9]* \([a-z]*\) .*/\1/p' "$T/cal.log.gdb" | tr '\n' ' ')
    if ! echo "$kinds" | grep -Eq "^($shape) $"; then
        fail "$name: the stage's write is '$kinds', expected '$shape'"
        cat "$T/cal.log.gdb"
        return
    fi
    state "$T/post.bin"
    post_rec=$st_rec post_ctr=$st_ctr
    # The record the write appends: its 60-byte body's offset.
    rec_at=$(sed -n 's/^op [0-9]* program \([0-9]*\) 60 .*/\1/p' "$T/cal.log.gdb")
    # Where a clean chain from the complete write ends.
    cp "$T/post.bin" "$T/ref.bin"
    settle "$T/ref.bin" "$cap" "$name (clean)"
    state "$T/ref.bin"
    want_end="$st_rec counter $st_ctr, slot $last"
    echo "$name: $(sed -e 's/^op [0-9]* erase \([0-9]*\) \([0-9]*\) .*/erase \2 B at +\1/' \
        -e 's/^op [0-9]* program \([0-9]*\) \([0-9]*\) \([0-9]*\)/program \2 B at +\1 (\3 insns)/' "$T/cal.log.gdb" |
        grep -v '^end' | tr '\n' ';' | sed 's/;$//; s/;/, /g')"
    echo "  before: $pre_rec counter $pre_ctr; after: $post_rec counter $post_ctr; settles in: $want_end"

    mid=0 edge=0 old=0 new=0 between=0 firsta=0 firstb=0 k=0 made=0
    fails_before=$fails
    cp "$pre" "$T/k.bin"
    while [ "$k" -lt "$kills" ]; do
        k=$((k + 1))
        rnd $((ops - 1))
        op=$((r + 1))
        line=$(sed -n "${op}p" "$T/cal.log.gdb")
        # shellcheck disable=SC2086
        set -- $line
        opkind=$3 oplen=$5
        # Which byte store to stop after (0: at the entry), then how many
        # instructions further, short of the next store: bs_program's loop
        # takes 6 per byte, bs_erase's 5 (a step past the next store would
        # still be a kill inside the write; gdb reports what was written).
        rnd "$oplen"
        step=$r
        if [ "$opkind" = erase ]; then rnd 4; else rnd 5; fi
        sub=$r
        tag="$name kill $k (op $op $opkind, step $step, then $sub)"
        restore "$T/k.bin" "$pre"
        gdb_boot "$T/k.bin" "$T/kill.log" kill "$op" "$step" "$sub" || continue
        made=$((made + 1))
        killed=$(grep '^killed' "$T/kill.log.gdb")
        done_b=$(echo "$killed" | sed -n 's/.*: \([0-9]*\) of \([0-9]*\) changing.*/\1/p')
        todo_b=$(echo "$killed" | sed -n 's/.*: \([0-9]*\) of \([0-9]*\) changing.*/\2/p')
        if [ -z "$done_b" ]; then
            fail "$tag: gdb did not say where it killed"
            continue
        fi
        if [ "$done_b" -gt 0 ] && [ "$done_b" -lt "$todo_b" ]; then
            mid=$((mid + 1))
            eval "mid_$opkind=\$((\${mid_$opkind:-0} + 1))"
        else
            edge=$((edge + 1))
        fi
        # Right after the kill: the old or the new record, the counter
        # between the old and the new value, the invariants on flash.
        state "$T/k.bin"
        if [ "$st_rec $st_ctr" = "$pre_rec $pre_ctr" ]; then
            old=$((old + 1))
        elif [ "$st_rec $st_ctr" = "$post_rec $post_ctr" ]; then
            new=$((new + 1))
        elif [ "$pre_rec" = "$post_rec" ] && [ "$st_rec" = "$pre_rec" ] &&
            [ "$st_ctr" -gt "$pre_ctr" ] && [ "$st_ctr" -lt "$post_ctr" ]; then
            between=$((between + 1))
        else
            fail "$tag: the boot state reads '$st', neither before nor after the write"
        fi
        if ! bs "$T/k.bin" check ${rec_at:+"$rec_at"} >"$T/check.out"; then
            fail "$tag ($killed): $(cat "$T/check.out")"
        fi
        settle "$T/k.bin" "$cap" "$tag"
        state "$T/k.bin"
        if [ "$st_rec counter $st_ctr, slot $last" != "$want_end" ]; then
            fail "$tag: ended in '$st_rec counter $st_ctr, slot $last', a clean chain in '$want_end'"
        fi
        case $first in
        A) firsta=$((firsta + 1)) ;;
        B) firstb=$((firstb + 1)) ;;
        esac
        checks=$((checks + 1))
    done
    # Nothing outside the boot_state region changed in any of the boots.
    restore "$T/k.bin" "$pre"
    cmp -s "$pre" "$T/k.bin" ||
        fail "$name: the boots changed the flash outside the boot_state region"
    detail=""
    [ -n "${mid_erase:-}" ] && detail="$mid_erase mid-erase, "
    [ -n "${mid_program:-}" ] && detail="$detail$mid_program mid-program, "
    unset mid_erase mid_program
    ctr_note=""
    [ "$post_ctr" -ne "$pre_ctr" ] && ctr_note=", counter part-raised $between"
    verdict="all recovered"
    [ "$fails" -eq "$fails_before" ] ||
        verdict="$((fails - fails_before)) FAILED CHECKS"
    echo "$name: $made kills, ${detail}$edge at an operation boundary; record after the kill: old $old, new $new$ctr_note; $verdict: first boot A $firsta, B $firstb; clean chain ends in $want_end"
    total=$((total + made))
}

# The four prepared flashes.
cp "$T/crash.bin" "$T/append.bin"
bs "$T/append.bin" install-begin b || die "install-begin"
bs "$T/append.bin" activate b 1 || die "activate"
cp "$T/append.bin" "$T/erase.bin"
bs "$T/erase.bin" fill || die "fill"
cp "$T/append.bin" "$T/markbad.bin"
boot "$T/markbad.bin" "$T/prep-markbad.log"
state "$T/markbad.bin"
[ "$st_rec" = "active B A=unknown B=trial/0 sequence 4" ] ||
    die "mark-bad preparation: $st"

total=0
per=$((count / 4)) extra=$((count % 4))
n1=$((per + (extra > 0))) n2=$((per + (extra > 1))) n3=$((per + (extra > 2)))
write_class "record append" "$T/append.bin" 0 "program program" "$n1"
write_class "erase+append" "$T/erase.bin" 0 "erase program program" "$n2"
write_class "mark-bad" "$T/markbad.bin" 0 "program program" "$n3"

# B confirmed the way a device confirms it: a clean trial boot whose
# monitor passes its health check. The floor has not moved yet.
cp "$T/good.bin" "$T/raise.bin"
bs "$T/raise.bin" install-begin b || die "install-begin"
bs "$T/raise.bin" activate b 1 || die "activate"
boot "$T/raise.bin" "$T/prep-raise.log"
expect_log "$T/prep-raise.log" "^hvmonitor: health check passed; confirmed slot B$"
state "$T/raise.bin"
[ "$st" = "active B A=unknown B=good counter 0 sequence 5" ] ||
    die "floor-raise preparation: $st"
write_class "floor raise" "$T/raise.bin" 580 "program( program)+" "$per"
echo "kill.sh: $total kills (seed $seed)"
[ "$total" -eq "$count" ] || fail "$total kills made, $count asked for"
finish
