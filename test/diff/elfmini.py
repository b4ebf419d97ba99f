"""Minimal little-endian ELF64 reader for the differential tests (stdlib only).

Reads what the tests need from a relocatable object or a linked image:
section headers, symbols and RELA relocations.  Nothing here is shared with
the library under test on purpose: the tests must not trust its parser.
"""

import struct

SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_RELA, SHT_NOBITS, SHT_REL = 1, 2, 3, 4, 8, 9
SHT_GROUP = 17
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR, SHF_MERGE, SHF_STRINGS, SHF_TLS = 1, 2, 4, 0x10, 0x20, 0x400
SHN_UNDEF, SHN_ABS, SHN_COMMON = 0, 0xFFF1, 0xFFF2
STB_LOCAL, STB_GLOBAL, STB_WEAK = 0, 1, 2
STT_SECTION = 3
EM_X86_64, EM_AARCH64 = 62, 183


class Section:
    __slots__ = ("index", "name", "type", "flags", "addr", "offset", "size",
                 "link", "info", "align", "entsize", "data")

    def __repr__(self):
        return "<Section %s @%#x size %#x>" % (self.name, self.addr, self.size)


class Symbol:
    __slots__ = ("index", "name", "value", "size", "bind", "type", "shndx")


class Reloc:
    __slots__ = ("section", "offset", "type", "sym", "addend")


class Elf:
    def __init__(self, path):
        with open(path, "rb") as f:
            self.raw = f.read()
        raw = self.raw
        if raw[:4] != b"\x7fELF" or raw[4] != 2 or raw[5] != 1:
            raise ValueError("%s: not an ELF64 little-endian file" % path)
        (self.e_type, self.machine, _ver, self.entry, _phoff, shoff, _flags,
         _ehsize, _phentsize, _phnum, shentsize, shnum, shstrndx) = struct.unpack_from(
            "<HHIQQQIHHHHHH", raw, 16)
        self.sections = []
        for i in range(shnum):
            s = Section()
            (nm, s.type, s.flags, s.addr, s.offset, s.size, s.link, s.info,
             s.align, s.entsize) = struct.unpack_from("<IIQQQQIIQQ", raw, shoff + i * shentsize)
            s.index = i
            s.name = nm
            s.data = b"" if s.type == SHT_NOBITS else raw[s.offset:s.offset + s.size]
            self.sections.append(s)
        shstr = self.sections[shstrndx].data if shstrndx < shnum else b""
        for s in self.sections:
            s.name = _cstr(shstr, s.name)
        self.symbols = []
        symtab = next((s for s in self.sections if s.type == SHT_SYMTAB), None)
        if symtab is not None:
            strtab = self.sections[symtab.link].data
            for i in range(symtab.size // 24):
                y = Symbol()
                nm, info, _other, y.shndx, y.value, y.size = struct.unpack_from(
                    "<IBBHQQ", symtab.data, i * 24)
                y.index = i
                y.name = _cstr(strtab, nm)
                y.bind = info >> 4
                y.type = info & 15
                self.symbols.append(y)
        self.relocs = []  # list of (target section, [Reloc])
        for s in self.sections:
            if s.type == SHT_REL:
                raise ValueError("SHT_REL sections are not expected here")
            if s.type != SHT_RELA:
                continue
            tgt = self.sections[s.info]
            lst = []
            for i in range(s.size // 24):
                r = Reloc()
                r.offset, info, r.addend = struct.unpack_from("<QQq", s.data, i * 24)
                r.type = info & 0xFFFFFFFF
                r.sym = self.symbols[info >> 32]
                r.section = tgt
                lst.append(r)
            self.relocs.append((tgt, lst))

    def section(self, name):
        for s in self.sections:
            if s.name == name:
                return s
        return None


def _cstr(buf, off):
    end = buf.find(b"\0", off)
    if end < 0:
        end = len(buf)
    return buf[off:end].decode("utf-8", "replace")


X86_RELOCS = {
    0: "NONE", 1: "64", 2: "PC32", 3: "GOT32", 4: "PLT32", 9: "GOTPCREL", 10: "32",
    11: "32S", 12: "16", 13: "PC16", 14: "8", 15: "PC8", 16: "DTPMOD64", 17: "DTPOFF64",
    18: "TPOFF64", 19: "TLSGD", 20: "TLSLD", 21: "DTPOFF32", 22: "GOTTPOFF", 23: "TPOFF32",
    24: "PC64", 25: "GOTOFF64", 26: "GOTPC32", 27: "GOT64", 28: "GOTPCREL64", 29: "GOTPC64",
    30: "GOTPLT64", 31: "PLTOFF64", 32: "SIZE32", 33: "SIZE64", 34: "GOTPC32_TLSDESC",
    35: "TLSDESC_CALL", 36: "TLSDESC", 41: "GOTPCRELX", 42: "REX_GOTPCRELX",
}
A64_RELOCS = {
    0: "NONE", 256: "NONE", 257: "ABS64", 258: "ABS32", 259: "ABS16", 260: "PREL64",
    261: "PREL32", 262: "PREL16", 263: "MOVW_UABS_G0", 264: "MOVW_UABS_G0_NC",
    265: "MOVW_UABS_G1", 266: "MOVW_UABS_G1_NC", 267: "MOVW_UABS_G2",
    268: "MOVW_UABS_G2_NC", 269: "MOVW_UABS_G3", 270: "MOVW_SABS_G0", 271: "MOVW_SABS_G1",
    272: "MOVW_SABS_G2", 273: "LD_PREL_LO19", 274: "ADR_PREL_LO21", 275: "ADR_PREL_PG_HI21",
    276: "ADR_PREL_PG_HI21_NC", 277: "ADD_ABS_LO12_NC", 278: "LDST8_ABS_LO12_NC",
    279: "TSTBR14", 280: "CONDBR19", 282: "JUMP26", 283: "CALL26",
    284: "LDST16_ABS_LO12_NC", 285: "LDST32_ABS_LO12_NC", 286: "LDST64_ABS_LO12_NC",
    287: "MOVW_PREL_G0", 288: "MOVW_PREL_G0_NC", 289: "MOVW_PREL_G1", 290: "MOVW_PREL_G1_NC",
    291: "MOVW_PREL_G2", 292: "MOVW_PREL_G2_NC", 293: "MOVW_PREL_G3",
    299: "LDST128_ABS_LO12_NC", 309: "GOT_LD_PREL19", 311: "ADR_GOT_PAGE",
    312: "LD64_GOT_LO12_NC", 313: "LD64_GOTPAGE_LO15",
    544: "TLSLE_MOVW_TPREL_G2", 545: "TLSLE_MOVW_TPREL_G1", 546: "TLSLE_MOVW_TPREL_G1_NC",
    547: "TLSLE_MOVW_TPREL_G0", 548: "TLSLE_MOVW_TPREL_G0_NC", 549: "TLSLE_ADD_TPREL_HI12",
    550: "TLSLE_ADD_TPREL_LO12", 551: "TLSLE_ADD_TPREL_LO12_NC",
    541: "TLSIE_ADR_GOTTPREL_PAGE21", 542: "TLSIE_LD64_GOTTPREL_LO12_NC",
}


def reloc_name(machine, rtype):
    if machine == EM_X86_64:
        return "R_X86_64_" + X86_RELOCS.get(rtype, "#%d" % rtype)
    return "R_AARCH64_" + A64_RELOCS.get(rtype, "#%d" % rtype)


def reloc_width(machine, rtype):
    """Bytes of the place a relocation writes (for reports and masks)."""
    if machine == EM_X86_64:
        n = X86_RELOCS.get(rtype, "")
        if n in ("64", "PC64", "GOTOFF64", "GOTPC64", "GOTPCREL64", "SIZE64", "GOT64",
                 "DTPOFF64", "TPOFF64", "DTPMOD64", "GOTPLT64", "PLTOFF64"):
            return 8
        if n in ("16", "PC16"):
            return 2
        if n in ("8", "PC8"):
            return 1
        return 4
    n = A64_RELOCS.get(rtype, "")
    if n in ("ABS64", "PREL64"):
        return 8
    if n in ("ABS16", "PREL16"):
        return 2
    return 4
