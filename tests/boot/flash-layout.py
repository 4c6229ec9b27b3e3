#!/usr/bin/env python3
"""Check an assembled flash byte for byte against docs/BOOT.md, with an
independent implementation (Python's zlib CRC-32, struct):

  flash-layout.py FLASH LAYOUT.json STAGE.bin SLOT_A.hvi [SLOT_B.hvi]

Every byte is accounted for: the stage (with its trust area provisioned),
the boot-state record copy 0, the slot images, and 0xFF everywhere else.
"""
import json
import struct
import sys
import zlib

TRUST_SIZE = 8192
FIXED = 256
KEYREC = 560
STATE_RECORD = 64


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def erased(b):
    return b.count(0xFF) == len(b)


def main():
    flash = open(sys.argv[1], "rb").read()
    lay = json.load(open(sys.argv[2]))
    stage = open(sys.argv[3], "rb").read()
    images = [open(p, "rb").read() for p in sys.argv[4:6]]
    images += [None] * (2 - len(images))
    regs = lay["regions"]
    if len(flash) != lay["size"]:
        fail(f"flash is {len(flash)} bytes, layout says {lay['size']}")

    covered = bytearray(len(flash))
    for r in regs.values():
        covered[r["offset"]:r["offset"] + r["size"]] = b"\1" * r["size"]
    for i in range(0, len(flash), 4096):
        if not covered[i] and not erased(flash[i:i + 4096]):
            fail(f"byte offset {i}: outside every region but not erased")

    # Stage and trust area.
    bs = regs["boot_stage"]
    got = flash[bs["offset"]:bs["offset"] + bs["size"]]
    if got[:4] != b"\x02\xb0\xad\x1b" or got[32:40] != b"HVSTAGE\x1a":
        fail("boot_stage does not start with the multiboot and stage headers")
    (load, toff, tsize) = struct.unpack_from("<III", got, 32 + 12)
    if load != len(stage) or tsize != TRUST_SIZE:
        fail("stage header does not match the stage file")
    if got[:toff] != stage[:toff] or got[toff + tsize:len(stage)] != stage[toff + tsize:]:
        fail("stage bytes outside the trust area differ from the stage file")
    if not erased(got[len(stage):]):
        fail("boot_stage region not erased after the stage")
    t = got[toff:toff + tsize]
    if t[:8] != b"HVTRUST\x1a":
        fail("trust area magic")
    version, size, count, min_sigs, rollback = struct.unpack_from("<IIIIQ", t, 8)
    if version != 1 or size != FIXED + count * KEYREC:
        fail("trust area version or size")
    crc = zlib.crc32(t[:252] + bytes(4) + t[FIXED:size])
    if crc != struct.unpack_from("<I", t, 252)[0]:
        fail("trust area CRC-32")
    if any(t[size:]) or any(t[176:252]):
        fail("trust area reserved or trailing bytes not zero")
    text = lambda b: b.rstrip(b"\0").decode()
    if text(t[32:64]) != lay["board"] or text(t[64:96]) != lay["oem_id"]:
        fail("trust area board or OEM id")
    if rollback != lay["rollback_counter"] or min_sigs != lay["min_signatures"]:
        fail("trust area rollback counter or min_signatures")
    fsize, eb = struct.unpack_from("<QQ", t, 96)
    if fsize != lay["size"] or eb != lay["erase_block"]:
        fail("trust area flash size or erase block")
    for i, name in enumerate(["boot_stage", "boot_state", "slot_a", "slot_b"]):
        off, sz = struct.unpack_from("<QQ", t, 112 + 16 * i)
        if (off, sz) != (regs[name]["offset"], regs[name]["size"]):
            fail(f"trust area region {name}")
    ids = [t[FIXED + i * KEYREC:FIXED + i * KEYREC + 32].hex() for i in range(count)]
    if ids != sorted(ids) or ids != [k["key_id"] for k in lay["keys"]]:
        fail("trust area key ids not sorted or not the layout's")

    # Boot state: one v2 record (docs/UPDATE.md) at the start of the
    # region, everything after it erased. Decoded here from the documented
    # layout, independently of the C code.
    st = regs["boot_state"]
    s = flash[st["offset"]:st["offset"] + st["size"]]
    rec = s[:STATE_RECORD]
    if rec[:8] != b"HVBSTAT2" or zlib.crc32(rec[:56]) != struct.unpack_from("<I", rec, 56)[0]:
        fail("boot-state record magic or CRC-32")
    ver, seq, active = struct.unpack_from("<III", rec, 8)
    if (ver, seq, active) != (2, 1, "ab".index(lay["active_slot"])):
        fail("boot-state record version, sequence or active slot")
    # Both slots UNKNOWN (4), no tries, reserved zero, commit word 0.
    if rec[20:24] != bytes([4, 4, 0, 0]) or any(rec[24:56]) or any(rec[60:64]):
        fail("boot-state record slot states, reserved bytes or commit word")
    if not erased(s[STATE_RECORD:]):
        fail("boot_state region not erased after the record")

    # Slots.
    for name, img in zip(["slot_a", "slot_b"], images):
        r = regs[name]
        s = flash[r["offset"]:r["offset"] + r["size"]]
        n = len(img) if img else 0
        if img and s[:n] != img:
            fail(f"{name} does not hold its image")
        if not erased(s[n:]):
            fail(f"{name} not erased after its image")
    print("flash layout ok:", sys.argv[1])


main()
