#!/usr/bin/env python3
"""Craft and take apart DSSE envelopes of driver packages independently of
hvimage's C code, for tests/supply/vendor-sig.sh.

  dsse-craft.py pae ENVELOPE                 the PAE bytes, to stdout
  dsse-craft.py sig ENVELOPE N               signature N (0-based), raw bytes
  dsse-craft.py payload ENVELOPE             the payload, to stdout
  dsse-craft.py make TYPE PAYLOAD KEY KEYID  a new envelope signed with KEY
                                             (openssl dgst -sha256 -sign)
  dsse-craft.py add ENVELOPE KEY KEYID       another signature by KEY
  dsse-craft.py dup ENVELOPE                 signature 0 repeated
  dsse-craft.py flip ENVELOPE N              signature N with one bit flipped
"""
import base64
import json
import subprocess
import sys


def pae(ptype: bytes, body: bytes) -> bytes:
    return b"DSSEv1 %d %s %d %s" % (len(ptype), ptype, len(body), body)


def sign(key: str, data: bytes) -> bytes:
    return subprocess.run(["openssl", "dgst", "-sha256", "-sign", key],
                          input=data, capture_output=True, check=True).stdout


def load(path):
    with open(path, "rb") as f:
        return json.load(f)


def dump(env):
    sys.stdout.write(json.dumps(env, separators=(",", ":")))


def env_pae(env):
    return pae(env["payloadType"].encode(), base64.b64decode(env["payload"]))


def main(argv):
    cmd = argv[1]
    if cmd == "pae":
        sys.stdout.buffer.write(env_pae(load(argv[2])))
    elif cmd == "sig":
        sys.stdout.buffer.write(
            base64.b64decode(load(argv[2])["signatures"][int(argv[3])]["sig"]))
    elif cmd == "payload":
        sys.stdout.buffer.write(base64.b64decode(load(argv[2])["payload"]))
    elif cmd == "make":
        ptype, payload, key, keyid = argv[2], open(argv[3], "rb").read(), \
            argv[4], argv[5]
        sig = sign(key, pae(ptype.encode(), payload))
        dump({"payload": base64.b64encode(payload).decode(),
              "payloadType": ptype,
              "signatures": [{"keyid": keyid,
                              "sig": base64.b64encode(sig).decode()}]})
    elif cmd == "add":
        env = load(argv[2])
        sig = sign(argv[3], env_pae(env))
        env["signatures"].append({"keyid": argv[4],
                                  "sig": base64.b64encode(sig).decode()})
        dump(env)
    elif cmd == "dup":
        env = load(argv[2])
        env["signatures"].append(dict(env["signatures"][0]))
        dump(env)
    elif cmd == "flip":
        env = load(argv[2])
        n = int(argv[3])
        raw = bytearray(base64.b64decode(env["signatures"][n]["sig"]))
        raw[-1] ^= 1
        env["signatures"][n]["sig"] = base64.b64encode(bytes(raw)).decode()
        dump(env)
    else:
        sys.exit("unknown command " + cmd)


main(sys.argv)
