#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""symelf.py IN.elf OUT.elf: a compact ELF holding only IN's symbol table.

The image embeds its own symbols (like Xen's symbol table) as an ELF file the
core's xs_symtab_add_elf reads: the ELF header, every section header (so
symbols keep their section index and SHF_EXECINSTR), allocated sections as
SHT_NOBITS without bytes, and .symtab, .strtab, .shstrtab. No program headers.
"""
import struct
import sys

SHT_NOBITS = 8
KEEP = (2, 3)  # SHT_SYMTAB, SHT_STRTAB


def main(src, dst):
    data = open(src, "rb").read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit("symelf.py: %s is not a little-endian ELF64 file" % src)
    eh = list(struct.unpack_from("<16sHHIQQQIHHHHHH", data, 0))
    shoff, shentsize, shnum = eh[6], eh[11], eh[12]
    shdrs = [list(struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize))
             for i in range(shnum)]
    out = bytearray(64)
    for sh in shdrs[1:]:
        if sh[1] in KEEP:
            align = max(sh[8], 1)
            out += b"\0" * (-len(out) % align)
            off, size = sh[4], sh[5]
            sh[4] = len(out)
            out += data[off:off + size]
        else:
            sh[1] = SHT_NOBITS
            sh[4] = 0
    out += b"\0" * (-len(out) % 8)
    eh[4] = 0               # e_phoff
    eh[6] = len(out)        # e_shoff
    eh[10] = 0              # e_phnum
    for sh in shdrs:
        out += struct.pack("<IIQQQQIIQQ", *sh)
    struct.pack_into("<16sHHIQQQIHHHHHH", out, 0, *eh)
    open(dst, "wb").write(out)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
