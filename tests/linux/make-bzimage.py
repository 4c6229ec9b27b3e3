#!/usr/bin/env python3
"""Write a synthetic bzImage: a setup header with the fields the boot
stage's checks read (boot/linux_header.c), then filler bytes. No kernel is
needed to test the builder's refusals; each option breaks one thing.

make-bzimage.py OUT [--setup-sects N] [--kernel-size N] [--protocol 0xVVVV]
    [--no-boot-flag] [--no-hdrs] [--no-64bit] [--not-relocatable]
    [--syssize-beyond] [--release TEXT | --no-release] [--cmdline-size N]
    [--alignment N]
"""
import argparse
import struct

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--setup-sects", type=int, default=4)
ap.add_argument("--kernel-size", type=lambda v: int(v, 0), default=64 * 1024)
ap.add_argument("--protocol", type=lambda v: int(v, 0), default=0x020F)
ap.add_argument("--no-boot-flag", action="store_true")
ap.add_argument("--no-hdrs", action="store_true")
ap.add_argument("--no-64bit", action="store_true")
ap.add_argument("--not-relocatable", action="store_true")
ap.add_argument("--syssize-beyond", action="store_true")
ap.add_argument("--release", default="6.1.0-test-amd64")
ap.add_argument("--no-release", action="store_true")
ap.add_argument("--cmdline-size", type=lambda v: int(v, 0), default=2047)
ap.add_argument("--alignment", type=lambda v: int(v, 0), default=0x200000)
a = ap.parse_args()

# setup_sects 0 means 4 (the boot protocol's rule for old kernels).
sects = a.setup_sects if a.setup_sects else 4
setup = bytearray((sects + 1) * 512)
struct.pack_into("<B", setup, 0x1F1, a.setup_sects)
syssize = (a.kernel_size + 15) // 16
if a.syssize_beyond:
    syssize = a.kernel_size // 16 + 4096
struct.pack_into("<I", setup, 0x1F4, syssize)
if not a.no_boot_flag:
    struct.pack_into("<H", setup, 0x1FE, 0xAA55)
setup[0x200] = 0xEB                    # jmp short: the header ends at
setup[0x201] = 0x66                    # 0x202 + 0x66 = 0x268
if not a.no_hdrs:
    setup[0x202:0x206] = b"HdrS"
struct.pack_into("<H", setup, 0x206, a.protocol)
if not a.no_release:
    text = (a.release + " (builder@hvimage) #1 SMP synthetic\0").encode()
    at = 0x400
    setup[at:at + len(text)] = text
    struct.pack_into("<H", setup, 0x20E, at - 0x200)
setup[0x211] = 0x01                    # LOADED_HIGH
struct.pack_into("<I", setup, 0x22C, 0x7FFFFFFF)   # initrd_addr_max
struct.pack_into("<I", setup, 0x230, a.alignment)  # kernel_alignment
setup[0x234] = 0 if a.not_relocatable else 1
struct.pack_into("<H", setup, 0x236, 0 if a.no_64bit else 0x3)
struct.pack_into("<I", setup, 0x238, a.cmdline_size)
struct.pack_into("<Q", setup, 0x258, 0x1000000)    # pref_address
struct.pack_into("<I", setup, 0x260, a.kernel_size * 2)  # init_size

with open(a.out, "wb") as f:
    f.write(setup)
    # Filler that is not all zeros, so compression has something to do.
    block = bytes((i * 7 + 3) & 0xFF for i in range(4096))
    left = a.kernel_size
    while left > 0:
        n = min(left, len(block))
        f.write(block[:n])
        left -= n
