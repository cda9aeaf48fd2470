#!/usr/bin/env python3
"""Makes hostile variants of a good PV kernel image for the builder's refusal tests.

    mkbad.py GOOD_ELF OUT_DIR

Each variant breaks exactly one rule the domain builder enforces.
"""
import os
import struct
import sys


def phdrs(data):
    phoff, = struct.unpack_from("<I", data, 28)
    phentsize, phnum = struct.unpack_from("<HH", data, 42)
    return [(phoff + i * phentsize,) + struct.unpack_from("<8I", data, phoff + i * phentsize)
            for i in range(phnum)]


PT_LOAD, PT_NOTE = 1, 4
PF_X, PF_W = 1, 2


def set_phdr_field(data, off, index, value):
    struct.pack_into("<I", data, off + 4 * index, value)


def main():
    good, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    src = open(good, "rb").read()
    loads = [p for p in phdrs(src) if p[1] == PT_LOAD]
    notes = [p for p in phdrs(src) if p[1] == PT_NOTE]
    variants = {}

    text = loads[0]  # cut the file in the middle of the text segment's bytes
    variants["truncated"] = src[: text[2] + text[5] // 2]
    variants["notelf"] = b"this is not an ELF image\n" * 64

    d = bytearray(src)  # the data segment becomes writable and executable
    data_seg = [p for p in loads if p[7] & PF_W][0]
    set_phdr_field(d, data_seg[0], 6, data_seg[7] | PF_X)
    variants["wx"] = bytes(d)

    d = bytearray(src)  # the text segment is moved onto the hypervisor
    set_phdr_field(d, loads[0][0], 2, 0xF5800000 - 0x1000)
    variants["hvoverlap"] = bytes(d)

    d = bytearray(src)  # every Xen note renamed: the notes are missing
    off, size = notes[0][2], notes[0][5]
    d[off:off + size] = bytes(d[off:off + size]).replace(b"Xen\0", b"Xyz\0")
    variants["nonotes"] = bytes(d)

    d = bytearray(src)  # a note claims a descriptor larger than its segment
    struct.pack_into("<I", d, off + 4, 0x7FFFFFF0)
    variants["badnote"] = bytes(d)

    for name, blob in variants.items():
        with open(os.path.join(out, name + ".elf"), "wb") as f:
            f.write(blob)


if __name__ == "__main__":
    main()
