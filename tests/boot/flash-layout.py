#!/usr/bin/env python3
"""Check an assembled flash byte for byte against docs/BOOT.md, with an
independent implementation (Python's zlib CRC-32, struct):

  flash-layout.py FLASH LAYOUT.json STAGE.bin SLOT_A.hvi [SLOT_B.hvi]

Every byte is accounted for: the stage (with its trust area provisioned),
the boot-state record copy 0, the slot images, and 0xFF everywhere else.
Offsets and sizes come from include/hvimage/flash.h through the generated
constants file $HV_CONST; the checks themselves are written independently.
"""
import json
import os
import struct
import sys
import zlib

K = {}
for line in open(os.environ["HV_CONST"], encoding="ascii"):
    name, value = line.strip().split("=", 1)
    K[name] = int(value)
TRUST_SIZE = K["HV_TRUST_AREA_SIZE"]
FIXED = K["HV_TRUST_FIXED_SIZE"]
KEYREC = K["HV_KEYREC_SIZE"]
STATE_RECORD = K["HV_BOOT_STATE_RECORD_SIZE"]
STAGE_HDR = K["HV_STAGE_HDR_OFFSET"]
TEXT = K["HV_BOARD_ID_SIZE"]


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
    if got[:4] != b"\x02\xb0\xad\x1b" or got[STAGE_HDR:STAGE_HDR + 8] != b"HVSTAGE\x1a":
        fail("boot_stage does not start with the multiboot and stage headers")
    (load, toff, tsize) = struct.unpack_from("<III", got, STAGE_HDR + K["HV_STAGE_OFF_LOAD_SIZE"])
    if load != len(stage) or tsize != TRUST_SIZE:
        fail("stage header does not match the stage file")
    if got[:toff] != stage[:toff] or got[toff + tsize:len(stage)] != stage[toff + tsize:]:
        fail("stage bytes outside the trust area differ from the stage file")
    if not erased(got[len(stage):]):
        fail("boot_stage region not erased after the stage")
    t = got[toff:toff + tsize]
    if t[:8] != b"HVTRUST\x1a":
        fail("trust area magic")
    version, size, count, min_sigs, rollback = struct.unpack_from("<IIIIQ", t, K["HV_TRUST_OFF_VERSION"])
    if version != K["HV_TRUST_VERSION"] or size != FIXED + count * KEYREC:
        fail("trust area version or size")
    CRC = K["HV_TRUST_OFF_CRC32"]
    crc = zlib.crc32(t[:CRC] + bytes(4) + t[FIXED:size])
    if crc != struct.unpack_from("<I", t, CRC)[0]:
        fail("trust area CRC-32")
    if any(t[size:]) or any(t[K["HV_TRUST_OFF_RESERVED"]:CRC]):
        fail("trust area reserved or trailing bytes not zero")
    text = lambda b: b.rstrip(b"\0").decode()
    if text(t[K["HV_TRUST_OFF_BOARD_ID"]:K["HV_TRUST_OFF_BOARD_ID"] + TEXT]) != lay["board"] or \
            text(t[K["HV_TRUST_OFF_OEM_ID"]:K["HV_TRUST_OFF_OEM_ID"] + TEXT]) != lay["oem_id"]:
        fail("trust area board or OEM id")
    if rollback != lay["rollback_counter"] or min_sigs != lay["min_signatures"]:
        fail("trust area rollback counter or min_signatures")
    fsize, eb = struct.unpack_from("<QQ", t, K["HV_TRUST_OFF_FLASH_SIZE"])
    if fsize != lay["size"] or eb != lay["erase_block"]:
        fail("trust area flash size or erase block")
    for i, name in enumerate(["boot_stage", "boot_state", "slot_a", "slot_b"]):
        off, sz = struct.unpack_from("<QQ", t, K["HV_TRUST_OFF_BOOT_STAGE"] + 2 * K["HV_REGION_OFF_SIZE"] * i)
        if (off, sz) != (regs[name]["offset"], regs[name]["size"]):
            fail(f"trust area region {name}")
    ids = [t[FIXED + i * KEYREC:FIXED + i * KEYREC + K["HV_KEY_ID_SIZE"]].hex() for i in range(count)]
    if ids != sorted(ids) or ids != [k["key_id"] for k in lay["keys"]]:
        fail("trust area key ids not sorted or not the layout's")

    # Boot state: one v2 record (docs/UPDATE.md) at the start of the
    # region, everything after it erased. Decoded here from the documented
    # layout, independently of the C code.
    st = regs["boot_state"]
    s = flash[st["offset"]:st["offset"] + st["size"]]
    rec = s[:STATE_RECORD]
    if rec[:8] != b"HVBSTAT2" or zlib.crc32(rec[:K["HV_BST2_OFF_CRC32"]]) != struct.unpack_from("<I", rec, K["HV_BST2_OFF_CRC32"])[0]:
        fail("boot-state record magic or CRC-32")
    ver, seq, active = struct.unpack_from("<III", rec, K["HV_BST2_OFF_VERSION"])
    if (ver, seq, active) != (K["HV_BOOT_STATE_V2"], 1, "ab".index(lay["active_slot"])):
        fail("boot-state record version, sequence or active slot")
    # Both slots UNKNOWN, no tries, reserved zero, commit word committed.
    unknown = K["HV_SLOT_STATE_UNKNOWN"]
    states = K["HV_BST2_OFF_SLOT_STATE"]
    if rec[states:states + 4] != bytes([unknown, unknown, 0, 0]) or \
            any(rec[K["HV_BST2_OFF_RESERVED"]:K["HV_BST2_OFF_CRC32"]]) or \
            struct.unpack_from("<I", rec, K["HV_BST2_OFF_COMMIT"])[0] != K["HV_BST2_COMMITTED"]:
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
