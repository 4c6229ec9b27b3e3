#!/usr/bin/env python3
"""field.py FILE EXPR SIZE: the little-endian unsigned integer of SIZE bytes
(1, 4 or 8) at offset EXPR of FILE, printed in decimal; or with SIZE 'hex:N'
N bytes as hex. EXPR is an arithmetic expression over integers and the
numeric HV_* constants of include/hvimage/format.h and flash.h (read from
the source tree, $SRC), so the tests name fields as the headers do."""
import os
import re
import sys

consts = {}
for h in ("format.h", "flash.h"):
    path = os.path.join(os.environ["SRC"], "include", "hvimage", h)
    for m in re.finditer(r"#define (HV_\w+) +(0x[0-9A-Fa-f]+|\d+)u?\b",
                         open(path).read()):
        consts[m.group(1)] = int(m.group(2), 0)
path, expr, size = sys.argv[1:4]
if not re.fullmatch(r"[\w\s+*()-]+", expr):
    sys.exit("field.py: bad expression")
off = eval(expr, {"__builtins__": {}}, consts)
data = open(path, "rb").read()
if size.startswith("hex:"):
    n = int(size[4:])
    print(data[off:off + n].hex())
else:
    n = int(size)
    print(int.from_bytes(data[off:off + n], "little"))
