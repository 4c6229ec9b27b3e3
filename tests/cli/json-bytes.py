#!/usr/bin/env python3
"""Every --json output is valid JSON whatever bytes a path or a board name
holds (control bytes, quotes, backslashes, bytes that are not UTF-8), and
text output never prints a raw control byte. The rule for bytes that are
not UTF-8 (docs/CLI.md): each is U+FFFD in the string, and a KEY_hex field
beside it holds the exact bytes."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HV = os.environb[b"HVIMAGE"]
SRC = os.environ["SRC"]
fails = 0
checks = 0


def check(desc, ok):
    global fails, checks
    checks += 1
    if not ok:
        fails += 1
        print("FAIL:", desc)


def run(*args):
    p = subprocess.run([HV, *args], capture_output=True)
    return p.returncode, p.stdout, p.stderr


def no_raw_controls(desc, data):
    bad = [b for b in data if b < 0x20 and b not in (0x0a,) or b == 0x7f]
    check(desc + ": no raw control byte", not bad)


def as_json(desc, data):
    try:
        return json.loads(data)  # bytes: must be UTF-8
    except ValueError as e:
        check(desc + ": valid JSON (%s): %r" % (e, data[:200]), False)
        return None


def replaced(raw):
    return raw.decode("utf-8", errors="replace")


tmp = tempfile.mkdtemp(prefix="hvjson-")
try:
    t = tmp.encode()
    rc, _, err = run(b"keygen", b"-o", t + b"/k.pem")
    check("keygen: " + err.decode(errors="replace"), rc == 0)
    rc, _, err = run(b"build", b"-q", b"-m", SRC.encode() + b"/manifests/example.yaml",
                     b"-p", SRC.encode() + b"/oem-profiles/acme-servers.yaml",
                     b"--key", t + b"/k.pem", b"-o", t + b"/i.hvi")
    check("build: " + err.decode(errors="replace"), rc == 0)
    # Quotes, backslashes, control bytes, DEL, bytes never in UTF-8, a
    # truncated sequence, valid UTF-8 (the euro sign), a surrogate, overlong
    # forms and a code point past U+10FFFF.
    hostile = (b"q\"b\\s\x01\x1b[2J\x7f\xff\xfe\xc3(\xe2\x82\xac\xed\xa0\x80"
               b"\xc0\xaf\xe0\x80\xaf\xf4\x90\x80\x80")
    path = t + b"/" + hostile + b".hvi"
    shutil.copyfile(t + b"/i.hvi", path)
    key = [b"--key", t + b"/k.pub.pem"]
    checks_ok = [b"--oem", b"acme-servers", b"--rollback", b"3"]

    rc, out, err = run(b"verify", b"--json", *key, b"--board", b"acme-r750-mb2",
                       *checks_ok, path)
    j = as_json("verify --json, hostile path", out)
    check("verify of the hostile path succeeds", rc == 0)
    if j:
        check("image is the path with U+FFFD", j["image"] == replaced(path))
        check("image_hex holds the exact bytes", j.get("image_hex") == path.hex())
        check("board has no _hex twin", "board_hex" not in j)
        check("metadata present", j["metadata"]["oem_id"] == "acme-servers")
    rc, out, err = run(b"verify", *key, b"--board", b"acme-r750-mb2", *checks_ok, path)
    check("verify text succeeds", rc == 0)
    no_raw_controls("verify text, hostile path", out + err)
    check("verify text escapes ESC", b"\\x1b[2J" in out)

    board = b"b\"\\\x02\xff\xc3"
    rc, out, err = run(b"verify", b"--json", *key, b"--board", board, *checks_ok, path)
    j = as_json("verify --json, hostile board", out)
    check("hostile board is refused (exit 1)", rc == 1)
    if j:
        check("board with U+FFFD", j["board"] == replaced(board))
        check("board_hex", j.get("board_hex") == board.hex())
        check("result wrong_board", j["result"] == "wrong_board")
        check("mismatch wanted", j["mismatch"]["wanted"] == replaced(board))
        check("mismatch wanted_hex", j["mismatch"].get("wanted_hex") == board.hex())
        check("mismatch lists the image's boards",
              j["mismatch"]["image"] == ["acme-r750-mb2", "acme-r760-mb1"])
        check("reason is text", "wrong_board" in j["reason"])
    no_raw_controls("verify --json stderr, hostile board", err)
    rc, out, err = run(b"verify", *key, b"--board", board, *checks_ok, path)
    no_raw_controls("verify text, hostile board", out + err)
    check("the board is shown escaped", b"board 'b\"\\\\x02\\xff\\xc3'" in err
          or b"board 'b\"\\\\x02" in err)

    oem = b"o\x1b\xff"
    rc, out, err = run(b"verify", b"--json", *key, b"--board", b"acme-r750-mb2",
                       b"--oem", oem, b"--rollback", b"3", path)
    j = as_json("verify --json, hostile OEM", out)
    check("hostile OEM refused", rc == 1)
    if j:
        check("oem_hex", j.get("oem_hex") == oem.hex())
        check("mismatch image OEM", j["mismatch"]["image"] == "acme-servers")
    no_raw_controls("verify --json stderr, hostile OEM", err)

    rc, out, err = run(b"inspect", b"--json", path)
    j = as_json("inspect --json, hostile path", out)
    check("inspect succeeds", rc == 0)
    if j:
        check("inspect image_hex", j.get("image_hex") == path.hex())
        check("inspect verified is null", j["verified"] is None)
        check("inspect signatures", len(j["signatures"]) == 1)
    rc, out, err = run(b"inspect", path)
    no_raw_controls("inspect text, hostile path", out + err)

    missing = t + b"/gone\x1b\xff.hvi"
    rc, out, err = run(b"verify", b"--json", *key, b"--board", b"acme-r750-mb2",
                       *checks_ok, missing)
    j = as_json("verify --json, missing hostile path", out)
    check("missing file: exit 2", rc == 2)
    if j:
        check("not_run", j["result"] == "not_run")
    no_raw_controls("verify --json stderr, missing hostile path", err)
    rc, out, err = run(b"inspect", missing)
    no_raw_controls("inspect stderr, missing hostile path", err)

    rc, out, err = run(b"verify", *key, b"--board", b"acme-r750-mb2", b"--oem",
                       b"acme-servers", b"--rollback", b"3\x1b[2J", path)
    check("a bad --rollback is a usage error", rc == 2)
    no_raw_controls("usage error quoting --rollback", out + err)
    rc, out, err = run(b"verify", *key, b"--board", b"x\x1b", b"--profile",
                       SRC.encode() + b"/oem-profiles/acme-servers.yaml",
                       b"--rollback", b"3", path)
    check("a board outside the profile is a usage error", rc == 2)
    no_raw_controls("usage error quoting --board", out + err)

    out_dir = t + b"/x\x1b\xff"
    rc, out, err = run(b"extract", *key, b"--board", b"acme-r750-mb2", *checks_ok,
                       b"-o", out_dir, path)
    check("extract to a hostile folder name", rc == 0)
    no_raw_controls("extract text, hostile folder", out + err)
finally:
    shutil.rmtree(tmp)
print("%d checks, %d failed" % (checks, fails))
sys.exit(1 if fails or not checks else 0)
