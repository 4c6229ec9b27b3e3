#!/usr/bin/env python3
"""sign-raw.py IMAGE KEY.pem: sign IMAGE's header and metadata as they are
(ECDSA P-384, SHA-384, with openssl) into signature slot 0, without looking
at the metadata. `hvimage sign` refuses metadata that does not parse; the
tests need validly signed images whose metadata breaks a rule, to see the
verifier refuse them for that rule and not for a signature."""
import hashlib
import os
import struct
import subprocess
import sys

K = dict(l.strip().split("=", 1) for l in open(os.environ["HV_CONST"]))
H = int(K["HV_HEADER_SIZE"])
path, key = sys.argv[1], sys.argv[2]
img = bytearray(open(path, "rb").read())
meta = struct.unpack_from("<I", img, int(K["HV_HDR_OFF_METADATA_SIZE"]))[0]
tbs = bytes(img[:H + meta])
der = subprocess.run(["openssl", "dgst", "-sha384", "-sign", key],
                     input=tbs, capture_output=True, check=True).stdout
spki = subprocess.run(["openssl", "pkey", "-in", key, "-pubout",
                       "-outform", "DER"], capture_output=True,
                      check=True).stdout


def der_ints(sig):
    """r and s of a DER ECDSA-Sig-Value (SEQUENCE of two INTEGERs)."""
    assert sig[0] == 0x30
    pos = 2 if sig[1] < 0x80 else 2 + (sig[1] & 0x7F)
    out = []
    for _ in range(2):
        assert sig[pos] == 0x02
        n = sig[pos + 1]
        out.append(int.from_bytes(sig[pos + 2:pos + 2 + n], "big"))
        pos += 2 + n
    return out


r, s = der_ints(der)
raw = r.to_bytes(48, "big") + s.to_bytes(48, "big")
slot = bytearray(int(K["HV_SIG_SLOT_SIZE"]))
slot[int(K["HV_SIG_OFF_KEY_ID"]):32] = hashlib.sha256(spki).digest()
struct.pack_into("<I", slot, int(K["HV_SIG_OFF_SIG_LEN"]), len(raw))
at = int(K["HV_SIG_OFF_SIG"])
slot[at:at + len(raw)] = raw
img[H + meta:H + meta + len(slot)] = slot
open(path, "wb").write(img)
