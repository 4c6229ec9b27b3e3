#!/usr/bin/env python3
"""List a newc cpio archive as the kernel's initramfs unpacker reads it:
"INO MODE NLINK SIZE NAME[ -> TARGET]" per entry, checking every rule of
docs/FORMAT.md "Drivers section" on the way (magic, 4-byte alignment, uid,
gid and device numbers 0, mtime constant, the trailer last and nothing
after it). Exits 1 on any breach."""
import sys

data = open(sys.argv[1], "rb").read()
pos, mtimes, out = 0, set(), []
def fail(why):
    print(f"{sys.argv[1]}: byte {pos}: {why}", file=sys.stderr)
    sys.exit(1)
while True:
    if data[pos:pos + 6] != b"070701":
        fail("no newc magic")
    f = [int(data[pos + 6 + 8 * i:pos + 14 + 8 * i], 16) for i in range(13)]
    ino, mode, uid, gid, nlink, mtime, size = f[:7]
    namesize = f[11]
    name = data[pos + 110:pos + 110 + namesize]
    if not name.endswith(b"\0") or b"\0" in name[:-1]:
        fail("name not NUL-terminated")
    name = name[:-1].decode()
    if uid or gid or any(f[7:11]) or f[12]:
        fail("uid, gid, device numbers or check not 0")
    hdr_end = (pos + 110 + namesize + 3) & ~3
    if any(data[pos + 110 + namesize:hdr_end]):
        fail("name padding not zero")
    body = data[hdr_end:hdr_end + size]
    end = (hdr_end + size + 3) & ~3
    if any(data[hdr_end + size:end]):
        fail("data padding not zero")
    if name == "TRAILER!!!":
        if end != len(data) or len(data) % 4:
            fail("bytes after the trailer or length not a multiple of 4")
        break
    mtimes.add(mtime)
    line = f"{ino} 0{mode:o} {nlink} {size} {name}"
    if mode & 0o170000 == 0o120000:
        line += " -> " + body.decode()
    out.append(line)
    pos = end
if len(mtimes) > 1:
    fail("entries with different mtimes")
for i, line in enumerate(out, 1):
    if not line.startswith(f"{i} "):
        fail("inodes not numbered 1.. in order")
print("\n".join(out))
