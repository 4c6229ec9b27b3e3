#!/usr/bin/env python3
"""Edit an image in place the way an attacker or a broken tool would, for the
CLI tests. Offsets come from include/hvimage/ through $HV_CONST.

  image-edit.py zstd-corrupt IMAGE SECTION   break the zstd frame of section
      SECTION (its magic) and write the digest of the broken bytes into the
      metadata (format version 2: into the chunk table, and the table's
      digest into the metadata), so only decompression can tell (the image
      must be unsigned: the metadata changes)
  image-edit.py junk-slot IMAGE SLOT         flip a byte of the signature in
      filled slot SLOT (its key id and sig_len stay)
  image-edit.py bad-sig-len IMAGE SLOT N     make filled slot SLOT hold N
      signature bytes (the bytes after them zero)
"""
import hashlib
import os
import struct
import sys

K = {}
for line in open(os.environ["HV_CONST"], encoding="ascii"):
    name, value = line.strip().split("=", 1)
    K[name] = int(value)


def u32(b, off):
    return struct.unpack_from("<I", b, off)[0]


def u64(b, off):
    return struct.unpack_from("<Q", b, off)[0]


def main():
    op, path = sys.argv[1], sys.argv[2]
    img = bytearray(open(path, "rb").read())
    meta = u32(img, K["HV_HDR_OFF_METADATA_SIZE"])
    tbs_len = K["HV_HEADER_SIZE"] + meta
    m = K["HV_HEADER_SIZE"]
    if op == "zstd-corrupt":
        i = int(sys.argv[3])
        e = m + K["HV_META_FIXED_SIZE"] + i * K["HV_SECTION_ENTRY_SIZE"]
        if u32(img, e + K["HV_SEC_OFF_COMPRESSION"]) != 1:
            sys.exit(f"section {i} is not zstd")
        off = u64(img, e + K["HV_SEC_OFF_OFFSET"])
        size = u64(img, e + K["HV_SEC_OFF_STORED_SIZE"])
        unpacked = u64(img, e + K["HV_SEC_OFF_UNPACKED_SIZE"])
        alg = u32(img, m + K["HV_META_OFF_DIGEST_ALG"])
        h = hashlib.sha384 if alg == K["HV_DIGEST_SHA384"] else hashlib.sha256
        at = e + K["HV_SEC_OFF_DIGEST"]
        version = u32(img, K["HV_HDR_OFF_FORMAT_VERSION"])
        if version == K["HV_FORMAT_VERSION_1"]:
            img[off] ^= 0xFF  # the frame magic: no decoder takes this frame
            d = h(bytes(img[off:off + size])).digest()
            img[at:at + len(d)] = d
        else:
            # format.h hv_stored_bound / hv_chunk_entries, zstd.
            log2 = u32(img, m + K["HV_META_OFF_CHUNK_LOG2"])
            chunk = 1 << log2
            dsize = h().digest_size
            bound = unpacked + (unpacked >> 7) + 4096
            table = ((bound + chunk - 1) >> log2) * dsize
            data = off + table
            img[data] ^= 0xFF
            d = h(bytes(img[data:data + min(size, chunk)])).digest()
            img[off:off + dsize] = d
            d = h(bytes(img[off:off + table])).digest()
            img[at:at + len(d)] = d
    elif op in ("junk-slot", "bad-sig-len"):
        s = tbs_len + int(sys.argv[3]) * K["HV_SIG_SLOT_SIZE"]
        if op == "junk-slot":
            img[s + K["HV_SIG_OFF_SIG"] + 5] ^= 0x01
        else:
            n = int(sys.argv[4])
            struct.pack_into("<I", img, s + K["HV_SIG_OFF_SIG_LEN"], n)
            sig = s + K["HV_SIG_OFF_SIG"]
            img[sig + n:sig + K["HV_SIG_MAX_SIZE"]] = bytes(K["HV_SIG_MAX_SIZE"] - n)
    else:
        sys.exit(f"unknown operation {op}")
    open(path, "wb").write(img)


main()
