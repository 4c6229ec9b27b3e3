# gdb's Python half of tests/boot/kill.sh: stops the boot stage inside its
# flash writes and kills QEMU there (SIGKILL), so the flash file keeps
# exactly the stores done up to that instruction (QEMU maps it share=on).
#
#   gdb -batch -nx -x kill-gdb.py hvstage.elf   with, in the environment,
#     KILL_SOCK   QEMU's gdb socket (QEMU started with -S, so nothing has
#                 run yet); KILL_PIDFILE  QEMU's -pidfile
#     KILL_MODE   calibrate: print every flash operation of this boot as
#                   "op N program|erase OFFSET LENGTH INSNS", INSNS the
#                   instructions from its entry to its return (programs;
#                   erases are not stepped), and kill QEMU when the stage
#                   hands off or halts, so the file holds the stage's
#                   writes and nothing the monitor does;
#                 kill: stop at the entry of operation KILL_OP (1-based),
#                   run until its KILL_STEP-th byte is stored, then
#                   `stepi KILL_SUB` more; print "killed ..." with how many
#                   of the operation's bytes had changed, and kill QEMU.
# Reaching the KILL_STEP-th store: an access watchpoint on that byte. The
# loops (bs_program, bs_erase) touch each byte through a volatile pointer:
# bs_program reads it then stores old AND new, bs_erase only stores, so
# the store is the 2nd or the 1st stop. `stepi` from the entry would do
# too, but one gdb round trip per instruction (5 to 6 per byte, 330000
# through a 64 KiB erase) takes seconds on a loaded machine where the
# watchpoint takes two stops; the instant inside a byte is still random to
# the instruction (KILL_SUB).
# Breakpoints are on instruction addresses (bs_program and bs_erase in
# boot/stage/bootstate.c, the stage's only flash writers), not on the lines
# gdb would pick after their prologue.
import os
import signal
import time

import gdb

FLASH_BASE = 0x100000000


def run(cmd):
    return gdb.execute(cmd, to_string=True)


def reg(name):
    return int(gdb.parse_and_eval("$" + name)) & 0xFFFFFFFFFFFFFFFF


def addr(sym):
    return int(gdb.parse_and_eval("&" + sym)) & 0xFFFFFFFFFFFFFFFF


def mem(at, n):
    return bytes(gdb.selected_inferior().read_memory(at, n))


def kill_qemu(why):
    with open(os.environ["KILL_PIDFILE"]) as f:
        pid = int(f.read().split()[0])
    print(why, flush=True)
    os.kill(pid, signal.SIGKILL)


def connect():
    # QEMU creates the socket when it starts; this side may be first.
    deadline = time.time() + 20
    while True:
        try:
            run("target remote " + os.environ["KILL_SOCK"])
            return
        except gdb.error:
            if time.time() > deadline:
                raise
            time.sleep(0.05)


def at_operation():
    """At a breakpoint: the operation at $pc, as (kind, offset, length,
    expected bytes after it, bytes before it)."""
    pc = reg("pc")
    if pc == addr("bs_program"):
        off, src, n = reg("rsi"), reg("rdx"), reg("rcx")
        old = mem(FLASH_BASE + off, n)
        new = bytes(a & b for a, b in zip(old, mem(src, n)))
        return "program", off, n, new, old
    # bs_erase(user, off): the length is the erase block, t->erase_block.
    off = reg("rsi")
    n = int(os.environ["KILL_ERASE_BLOCK"])
    return "erase", off, n, b"\xff" * n, mem(FLASH_BASE + off, n)


def steps_to_return():
    """stepi from a function's entry through its ret; the count."""
    sp, ret = reg("sp"), int.from_bytes(mem(reg("sp"), 8), "little")
    n = 0
    while not (reg("pc") == ret and reg("sp") == sp + 8):
        run("stepi")
        n += 1
        if n > 100000:
            raise gdb.GdbError("no return from the flash operation")
    return n


def main():
    run("set pagination off")
    run("set confirm off")
    connect()
    mode = os.environ["KILL_MODE"]
    writers = {addr("bs_program"), addr("bs_erase")}
    for w in writers:
        run("break *%#x" % w)
    if mode == "calibrate":
        for sym in ("stage_handoff", "stage_halt"):
            run("break *%#x" % addr(sym))
    want = int(os.environ.get("KILL_OP", "0"))
    count = 0
    while True:
        run("continue")
        if reg("pc") not in writers:
            # The hand-off or a halt: the stage wrote all it writes.
            kill_qemu("end after %d operations" % count)
            return
        count += 1
        kind, off, n, new, old = at_operation()
        if mode == "calibrate":
            insns = steps_to_return() if kind == "program" else 0
            print("op %d %s %d %d %d" % (count, kind, off, n, insns),
                  flush=True)
            continue
        if count == want:
            break
    run("delete")
    step, sub = int(os.environ["KILL_STEP"]), int(os.environ["KILL_SUB"])
    if step:
        run("awatch *(unsigned char *)%#x" % (FLASH_BASE + off + step - 1))
        for _ in range(2 if kind == "program" else 1):
            run("continue")
        run("delete")
    if sub:
        run("stepi %d" % sub)
    now = mem(FLASH_BASE + off, n)
    todo = sum(1 for a, b in zip(old, new) if a != b)
    done = sum(1 for a, b, c in zip(old, new, now) if a != b and c == b)
    kill_qemu("killed op %d %s %d bytes at +%#x: %d of %d changing bytes "
              "written, pc %#x" % (count, kind, n, off, done, todo,
                                   reg("pc")))


try:
    main()
except Exception as e:  # noqa: BLE001 - any failure is the test's failure
    print("kill-gdb: error: %s" % e, flush=True)
    try:
        kill_qemu("killed QEMU after the error")
    except Exception:  # noqa: BLE001
        pass
