#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Error-contract test of the `xsplice` command (docs/errors.md).

Builds every input at test time (gcc, as, aarch64-linux-gnu-as/-gcc), corrupts
copies with the ELF patcher below, and checks each run of `xsplice`:

  * exit status 1 for an error, 2 for a usage error (0 for the baselines);
  * stderr starts with "xsplice: error:" and contains every expected string
    (the status message of docs/errors.md and the detail: section, symbol,
    relocation type, value, range ...);
  * no run ends by a signal or hangs (10 s timeout).

Then --mutations random mutations (seeded: --seed) of a few valid objects go
through `inspect`, `link` (x86_64 and aarch64 objects) and `run` (x86_64):
exit 0 or 1, "xsplice: error:" on failure, no signal, no hang.
"""
import argparse
import concurrent.futures
import os
import random
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import status_table  # noqa: E402

TIMEOUT = 10
EM_X86_64, EM_AARCH64 = 62, 183

# ---------------------------------------------------------------- ELF patcher

EHDR = {  # field: (offset, struct format)
    "e_type": (16, "<H"), "e_machine": (18, "<H"), "e_version": (20, "<I"),
    "e_entry": (24, "<Q"), "e_phoff": (32, "<Q"), "e_shoff": (40, "<Q"),
    "e_flags": (48, "<I"), "e_ehsize": (52, "<H"), "e_phentsize": (54, "<H"),
    "e_phnum": (56, "<H"), "e_shentsize": (58, "<H"), "e_shnum": (60, "<H"),
    "e_shstrndx": (62, "<H"),
}
SHDR = {
    "sh_name": (0, "<I"), "sh_type": (4, "<I"), "sh_flags": (8, "<Q"), "sh_addr": (16, "<Q"),
    "sh_offset": (24, "<Q"), "sh_size": (32, "<Q"), "sh_link": (40, "<I"), "sh_info": (44, "<I"),
    "sh_addralign": (48, "<Q"), "sh_entsize": (56, "<Q"),
}
SYM = {"st_name": (0, "<I"), "st_info": (4, "<B"), "st_other": (5, "<B"),
       "st_shndx": (6, "<H"), "st_value": (8, "<Q"), "st_size": (16, "<Q")}
RELA = {"r_offset": (0, "<Q"), "r_info": (8, "<Q"), "r_addend": (16, "<q")}
SHT_SYMTAB, SHT_RELA, SHT_GROUP = 2, 4, 17


class Elf:
    """A little-endian ELF64 relocatable object as a mutable byte array."""

    def __init__(self, data):
        self.b = bytearray(data)

    def get(self, off, fmt):
        return struct.unpack_from(fmt, self.b, off)[0]

    def put(self, off, fmt, v):
        size = struct.calcsize(fmt)
        if fmt[-1] in "bhiq":
            v = ((v + (1 << (8 * size - 1))) % (1 << (8 * size))) - (1 << (8 * size - 1))
        else:
            v %= 1 << (8 * size)
        struct.pack_into(fmt, self.b, off, v)

    # header / sections
    def eh(self, f, v=None):
        off, fmt = EHDR[f]
        return self.get(off, fmt) if v is None else self.put(off, fmt, v)

    @property
    def shnum(self):
        return self.eh("e_shnum")

    def shdr_off(self, i):
        return self.eh("e_shoff") + 64 * i

    def sh(self, i, f, v=None):
        off, fmt = SHDR[f]
        return (self.get(self.shdr_off(i) + off, fmt) if v is None
                else self.put(self.shdr_off(i) + off, fmt, v))

    def sec_name(self, i):
        shstr = self.eh("e_shstrndx")
        o = self.sh(shstr, "sh_offset") + self.sh(i, "sh_name")
        return bytes(self.b[o:self.b.index(0, o)]).decode()

    def sec(self, name):
        for i in range(1, self.shnum):
            if self.sec_name(i) == name:
                return i
        raise KeyError("no section %s" % name)

    def secs_of_type(self, t):
        return [i for i in range(1, self.shnum) if self.sh(i, "sh_type") == t]

    # symbols
    @property
    def symtab(self):
        return self.secs_of_type(SHT_SYMTAB)[0]

    def nsyms(self):
        return self.sh(self.symtab, "sh_size") // 24

    def sym_off(self, k):
        return self.sh(self.symtab, "sh_offset") + 24 * k

    def sym_f(self, k, f, v=None):
        off, fmt = SYM[f]
        return (self.get(self.sym_off(k) + off, fmt) if v is None
                else self.put(self.sym_off(k) + off, fmt, v))

    def sym_name(self, k):
        st = self.sh(self.symtab, "sh_link")
        o = self.sh(st, "sh_offset") + self.sym_f(k, "st_name")
        return bytes(self.b[o:self.b.index(0, o)]).decode()

    def sym(self, name):
        for k in range(1, self.nsyms()):
            if self.sym_name(k) == name:
                return k
        raise KeyError("no symbol %s" % name)

    # relocations
    def rela_off(self, sec, j):
        return self.sh(sec, "sh_offset") + 24 * j

    def rela_f(self, sec, j, f, v=None):
        off, fmt = RELA[f]
        return (self.get(self.rela_off(sec, j) + off, fmt) if v is None
                else self.put(self.rela_off(sec, j) + off, fmt, v))

    def set_rela_sym(self, sec, j, s):
        info = self.rela_f(sec, j, "r_info")
        self.rela_f(sec, j, "r_info", (s << 32) | (info & 0xffffffff))

    def set_rela_type(self, sec, j, t):
        info = self.rela_f(sec, j, "r_info")
        self.rela_f(sec, j, "r_info", (info & ~0xffffffff) | t)

    def rela_sym(self, sec, j):
        return self.rela_f(sec, j, "r_info") >> 32

    def rela_type(self, sec, j):
        return self.rela_f(sec, j, "r_info") & 0xffffffff

# ------------------------------------------------------------------ sources

SOURCES = {
    # x86_64 ---------------------------------------------------------------
    "x86.c": r"""
extern int ext(int);
int g = 5;
static int s;
int f(int x) { s += x; return ext(x) + g + s; }
""",
    "main.c": r"""
#include <stdio.h>
int dup(void) { return 1; }
int main(void) { printf("hello %d\n", dup()); return 0; }
""",
    "dup.c": "int dup(void) { return 2; }\n",
    "common.c": "int cvar;\nint get(void) { return cvar; }\n",
    "tlsie.c": "extern __thread int tvar;\nint get(void) { return tvar; }\n",
    "tlsle.c": "__thread int tvar;\nint get(void) { return tvar; }\n",
    "ifunc.c": r"""
static int impl(void) { return 0; }
static void *pick(void) { return (void *)impl; }
int chosen(void) __attribute__((ifunc("pick")));
int main(void) { return chosen(); }
""",
    "nomain.c": "int not_main(void) { return 0; }\n",
    "undef.c": "int no_such_function_xyz(void);\nint main(void) { return no_such_function_xyz(); }\n",
    "ok.c": "int main(void) { return 0; }\n",
    "ovf.s": "\t.data\n\t.globl d\nd:\t.long sym\n",
    # a COMDAT group kept in the first object, discarded in the second, where
    # .data refers to a local label inside it (a section-symbol relocation)
    "comdat1.s": """
\t.section .text.inl,"axG",@progbits,inl,comdat
\t.globl inl
\t.type inl,@function
inl:\tret
\t.text
\t.globl main
\t.type main,@function
main:\txorl %eax, %eax
\tret
""",
    "comdat2.s": """
\t.section .text.inl,"axG",@progbits,inl,comdat
\t.globl inl
\t.type inl,@function
inl:\tnop
inside:\tret
\t.data
\t.quad inside
""",
    "i386.s": "\t.text\nf:\tret\n",
    # aarch64 --------------------------------------------------------------
    "a64_ldst.s": "\t.text\n\t.globl f\nf:\tadrp x1, target\n\tldr x0, [x1, #:lo12:target]\n\tret\n",
    "a64_call26.s": "\t.text\n\t.globl f\nf:\tadd x0, x0, #1\n\t.reloc f, R_AARCH64_CALL26, target\n\tret\n",
    "a64_gotadd.s": "\t.text\n\t.globl f\nf:\t.reloc ., R_AARCH64_ADR_GOT_PAGE, target+8\n\tadrp x0, 0\n\tret\n",
    "a64_be.s": "\t.text\nf:\tret\n",
    "a64_tls.c": "extern __thread int tvar;\nint get(void) { return tvar; }\n",
    # mutation seeds: libraries whose functions are never called by `run`
    # (fzmain.c's main returns 0), so a mutated object that links cleanly
    # exits 0. No names like main/.init_array/.ctors in their string tables.
    "fz_lib.c": r"""
#include <string.h>
#include <stdio.h>
struct node { struct node *next; const char *name; int v; };
static struct node n2 = { 0, "two", 2 };
struct node n1 = { &n2, "one", 1 };
const char *const table[] = { "alpha", "beta", "gamma", "delta" };
static char buf[64];
int counter;
static int helper(int x) { return x * 3 + counter; }
int pick(int k) {
	switch (k) {
	case 0: return helper(1); case 1: return helper(7); case 2: return 11;
	case 3: return helper(k) + 5; case 4: return 99; default: return -1;
	}
}
const char *name_of(int i) { return table[i & 3]; }
int copy(const char *s) { memcpy(buf, s, strlen(s) & 63); return puts(buf); }
int walk(void) { int t = 0; for (struct node *p = &n1; p; p = p->next) t += p->v; return t; }
""",
    "fz_asm.s": r"""
	.text
	.globl	fa
	.type	fa,@function
fa:	movq	gv@GOTPCREL(%rip), %rax
	movl	(%rax), %eax
	call	puts@PLT
	leaq	lv(%rip), %rdx
	movabsq	$gv, %rcx
	movl	$gv, %esi
	jmp	fb
	.size	fa, .-fa
	.section .text.fb,"axG",@progbits,fb,comdat
	.weak	fb
	.type	fb,@function
fb:	ret
	.data
	.globl	gv
gv:	.long	1
lv:	.quad	fa
	.long	lv - .
	.quad	fb + 8
	.section .rodata
	.long	gv
""",
    "fzmain.c": "int main(void) { return 0; }\n",
}

# (output, source, compiler argv prefix)
BUILD = [
    ("x86.o", "x86.c", ["gcc", "-O1", "-fno-common", "-c"]),
    ("main.o", "main.c", ["gcc", "-O1", "-c"]),
    ("dup.o", "dup.c", ["gcc", "-O1", "-c"]),
    ("common.o", "common.c", ["gcc", "-O1", "-fcommon", "-c"]),
    ("tlsie.o", "tlsie.c", ["gcc", "-O1", "-c"]),
    ("tlsle.o", "tlsle.c", ["gcc", "-O1", "-c"]),
    ("ifunc.o", "ifunc.c", ["gcc", "-O1", "-c"]),
    ("nomain.o", "nomain.c", ["gcc", "-O1", "-c"]),
    ("undef.o", "undef.c", ["gcc", "-O1", "-c"]),
    ("ok.o", "ok.c", ["gcc", "-O1", "-c"]),
    ("prog", "ok.c", ["gcc"]),  # a linked executable (ET_DYN or ET_EXEC)
    ("ovf.o", "ovf.s", ["as"]),
    ("comdat1.o", "comdat1.s", ["as"]),
    ("comdat2.o", "comdat2.s", ["as"]),
    ("i386.o", "i386.s", ["as", "--32"]),
    ("a64_ldst.o", "a64_ldst.s", ["aarch64-linux-gnu-as"]),
    ("a64_call26.o", "a64_call26.s", ["aarch64-linux-gnu-as"]),
    ("a64_gotadd.o", "a64_gotadd.s", ["aarch64-linux-gnu-as"]),
    ("a64_be.o", "a64_be.s", ["aarch64-linux-gnu-as", "-EB"]),
    ("a64_tls.o", "a64_tls.c", ["aarch64-linux-gnu-gcc", "-O1", "-c"]),
    ("fz_lib.o", "fz_lib.c", ["gcc", "-O1", "-fno-common", "-c"]),
    ("fz_lib_pic.o", "fz_lib.c", ["gcc", "-O2", "-fPIC", "-fno-common", "-c"]),
    ("fz_asm.o", "fz_asm.s", ["as"]),
    ("fz_a64.o", "fz_lib.c", ["aarch64-linux-gnu-gcc", "-O1", "-fno-common", "-c"]),
    ("fzmain.o", "fzmain.c", ["gcc", "-O1", "-c"]),
]


def build_inputs(d):
    def one(item):
        out, src, cc = item
        p = subprocess.run(cc + [os.path.join(d, src), "-o", os.path.join(d, out)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        return out, p.returncode, p.stdout.decode(errors="replace")

    for name, text in SOURCES.items():
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
    errs = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
        for out, rc, msg in ex.map(one, BUILD):
            if rc != 0:
                errs.append("building %s failed:\n%s" % (out, msg))
    return errs

# -------------------------------------------------------------------- runner


def run_xs(xs, args, cwd, timeout=TIMEOUT, prefix=(), stdout_to=None):
    """(rc, stdout, stderr); rc None on a timeout. stdout_to: a path for stdout."""
    out = open(stdout_to, "wb") if stdout_to else subprocess.PIPE
    try:
        p = subprocess.run(list(prefix) + [xs] + list(args), cwd=cwd, stdin=subprocess.DEVNULL,
                           stdout=out, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or b"", e.stderr or b""
    finally:
        if stdout_to:
            out.close()
    return p.returncode, p.stdout or b"", p.stderr


def describe_rc(rc):
    if rc is None:
        return "hang (no exit within %d s)" % TIMEOUT
    if rc < 0:
        return "killed by signal %d" % -rc
    return "exit %d" % rc


class Case:
    """One bad input: how to make it, how to run xsplice on it, what to expect."""

    def __init__(self, name, args, rc=1, want=(), make=None, cls=None, prefix=(), setup=None,
                 want_stdout=None, stdout_to=None):
        self.name, self.args, self.rc, self.want = name, args, rc, list(want)
        self.make, self.cls, self.prefix, self.setup = make, cls, prefix, setup
        self.want_stdout, self.stdout_to = want_stdout, stdout_to


def patched(src, fn):
    """make= helper: copy src, apply fn(Elf) and write it to the case's file."""
    def make(d, out):
        e = Elf(open(os.path.join(d, src), "rb").read())
        fn(e)
        with open(os.path.join(d, out), "wb") as f:
            f.write(e.b)
    return make


def raw(src, fn):
    """make= helper: the case's file is fn(bytes of src)."""
    def make(d, out):
        with open(os.path.join(d, out), "wb") as f:
            f.write(fn(open(os.path.join(d, src), "rb").read()))
    return make


def first_rela(e, target=".text"):
    return e.sec(".rela" + target)


L86 = ["link", "--arch", "x86_64", "--base", "0x400000", "-o", "out.bin"]
L64 = ["link", "--arch", "aarch64", "--base", "0x400000", "-o", "out.bin"]
I = ["inspect"]


def cases():
    C = []

    def add(*a, **k):
        C.append(Case(*a, **k))

    # baselines: the inputs are good, so the failures below are the corruption's
    add("baseline: inspect x86.o", I + ["x86.o"], rc=0, want_stdout="Relocations in .rela.text")
    add("baseline: link x86.o", L86 + ["--defsym", "ext=0x401000", "x86.o"], rc=0)
    add("baseline: run main.o", ["run", "main.o"], rc=0, want_stdout="hello 1")
    add("baseline: link a64_ldst.o", L64 + ["--defsym", "target=0x401008", "a64_ldst.o"], rc=0)

    # ---- file level
    cls = "empty file"
    add("empty file", I + ["empty.o"], want=["empty.o", "file is empty"], cls=cls,
        make=lambda d, out: open(os.path.join(d, out), "wb").close())
    cls = "truncated file"
    add("truncated inside the ELF header", I + ["trunc40.o"], cls=cls,
        want=["file truncated", "40 bytes, shorter than the 64-byte ELF header"],
        make=raw("x86.o", lambda b: b[:40]))
    add("truncated in the middle", I + ["trunchalf.o"], cls=cls,
        want=["section data outside the file", "past the end of the file"],
        make=raw("x86.o", lambda b: b[:len(b) // 2]))
    add("truncated: last byte missing (link)", L86 + ["trunc1.o"], cls=cls,
        want=["section data outside the file", "past the end of the file"],
        make=raw("x86.o", lambda b: b[:-1]))
    cls = "bad magic"
    add("bad magic", I + ["magic.o"], cls=cls, want=["not an ELF file", "\\177ELF"],
        make=raw("x86.o", lambda b: b[:1] + b"X" + b[2:]))
    add("a text file", I + ["x86.c"], cls=cls, want=["x86.c", "not an ELF file"])
    cls = "wrong class / data / version / type"
    add("32-bit object (as --32)", I + ["i386.o"], cls=cls,
        want=["not a 64-bit ELF file", "ELF class 1 is not ELFCLASS64"])
    add("big-endian object (aarch64 as -EB)", I + ["a64_be.o"], cls=cls,
        want=["not a little-endian ELF file", "ELF data encoding 2"])
    add("EI_VERSION 2", I + ["ver.o"], cls=cls, want=["unsupported ELF version", "EI_VERSION is 2"],
        make=raw("x86.o", lambda b: b[:6] + b"\x02" + b[7:]))
    add("linked executable", I + ["prog"], cls=cls,
        want=["not a relocatable object (ET_REL)", "e_type is"])
    add("e_type ET_CORE", I + ["core.o"], cls=cls, want=["not a relocatable object", "e_type is 4"],
        make=patched("x86.o", lambda e: e.eh("e_type", 4)))
    cls = "wrong machine"
    add("link --arch aarch64 on an x86_64 object", L64 + ["x86.o"], cls=cls,
        want=["unsupported or mismatched machine", "e_machine is 62 (x86_64), expected 183"])
    add("link --arch x86_64 on an aarch64 object", L86 + ["a64_ldst.o"], cls=cls,
        want=["unsupported or mismatched machine", "e_machine is 183 (aarch64), expected 62"])
    add("run an aarch64 object on x86_64", ["run", "a64_ldst.o"], cls=cls,
        want=["a64_ldst.o", "unsupported or mismatched machine", "expected 62"])
    add("e_machine 3 (i386) in an ELF64 object", I + ["em3.o"], cls=cls,
        want=["unsupported or mismatched machine", "e_machine 3 is not supported"],
        make=patched("x86.o", lambda e: e.eh("e_machine", 3)))
    cls = "malformed ELF header"
    add("program headers in ET_REL", I + ["phnum.o"], cls=cls,
        want=["malformed ELF header", "1 program headers"],
        make=patched("x86.o", lambda e: e.eh("e_phnum", 1)))
    add("e_shentsize 40", I + ["shentsize.o"], cls=cls,
        want=["malformed ELF header", "e_shentsize is 40"],
        make=patched("x86.o", lambda e: e.eh("e_shentsize", 40)))
    add("e_shstrndx out of range", I + ["shstrndx.o"], cls=cls,
        want=["section index out of range", "section name string table index 200"],
        make=patched("x86.o", lambda e: e.eh("e_shstrndx", 200)))
    add("absurd section count (extended numbering)", I + ["toomany.o"], cls=cls,
        want=["count exceeds the supported limit", "sections, more than the limit"],
        make=patched("x86.o", lambda e: (e.sh(0, "sh_size", 1 << 30), e.eh("e_shnum", 0))))

    # ---- sections
    cls = "section out of file"
    add("section data past the end of the file", I + ["secout.o"], cls=cls,
        want=["section data outside the file", "(.text)", "past the end of the file"],
        make=patched("x86.o", lambda e: e.sh(e.sec(".text"), "sh_offset", len(e.b) + 0x1000)))
    add("section header table past the end", I + ["shoff.o"], cls=cls,
        want=["section data outside the file", "section header table at"],
        make=patched("x86.o", lambda e: e.eh("e_shoff", len(e.b) - 64)))
    cls = "wrapped offset"
    add("section offset + size wraps", I + ["wrap.o"], cls=cls,
        want=["offset plus size wraps around", "section", "(.text)", "0xffffffffffffff00"],
        make=patched("x86.o", lambda e: (e.sh(e.sec(".text"), "sh_offset", 2**64 - 0x100),
                                         e.sh(e.sec(".text"), "sh_size", 0x200))))
    add("section header table offset wraps", I + ["wrapsh.o"], cls=cls,
        want=["offset plus size wraps around", "section header table offset"],
        make=patched("x86.o", lambda e: e.eh("e_shoff", 2**64 - 8)))
    add("symbol value + size wraps", I + ["wrapsym.o"], cls=cls,
        want=["offset plus size wraps around", "(g)", "value 0x4 plus size 0xffffffffffffffff"],
        make=patched("x86.o", lambda e: (e.sym_f(e.sym("g"), "st_value", 4),
                                         e.sym_f(e.sym("g"), "st_size", 2**64 - 1))))
    cls = "malformed section"
    add("section alignment 3", I + ["align.o"], cls=cls,
        want=["invalid section alignment", "(.text)", "not a power of two"],
        make=patched("x86.o", lambda e: e.sh(e.sec(".text"), "sh_addralign", 3)))
    add("section overlaps the ELF header", I + ["overlap.o"], cls=cls,
        want=["malformed section header", "(.data)", "overlaps the ELF header"],
        make=patched("x86.o", lambda e: e.sh(e.sec(".data"), "sh_offset", 8)))
    add("SHT_REL section", I + ["rel.o"], cls=cls,
        want=["SHT_REL relocations not supported", "(.rela.text)"],
        make=patched("x86.o", lambda e: e.sh(e.sec(".rela.text"), "sh_type", 9)))
    cls = "bad string table / string offset"
    add("string table not NUL-terminated", I + ["strtab.o"], cls=cls,
        want=["string table not NUL-terminated", "(.strtab)"],
        make=patched("x86.o", lambda e: e.put(e.sh(e.sec(".strtab"), "sh_offset")
                                              + e.sh(e.sec(".strtab"), "sh_size") - 1, "<B", 0x41)))
    add("symbol name offset out of range", I + ["stname.o"], cls=cls,
        want=["string offset out of range", "name offset 1048575 is outside the string table"],
        make=patched("x86.o", lambda e: e.sym_f(e.sym("f"), "st_name", 0xfffff)))
    add("section name offset out of range", I + ["shname.o"], cls=cls,
        want=["string offset out of range", "outside the section name table"],
        make=patched("x86.o", lambda e: e.sh(e.sec(".data"), "sh_name", 0x7fffffff)))
    cls = "bad symbol table"
    add("no symbol table, but relocations", I + ["nosymtab.o"], cls=cls,
        want=["no symbol table", "SHT_RELA section needs a symbol table"],
        make=patched("x86.o", lambda e: e.sh(e.symtab, "sh_type", 1)))
    add("two symbol tables", I + ["twosymtab.o"], cls=cls,
        want=["more than one symbol table", "second symbol table"],
        make=patched("x86.o", lambda e: e.sh(e.sec(".comment"), "sh_type", SHT_SYMTAB)))
    add("symbol table entry size 16", I + ["entsize.o"], cls=cls,
        want=["wrong table entry size", "(.symtab)", "sh_entsize is 16"],
        make=patched("x86.o", lambda e: e.sh(e.symtab, "sh_entsize", 16)))
    cls = "bad symbol"
    add("symbol binding 7", I + ["bind.o"], cls=cls,
        want=["malformed symbol", "symbol", "(f)", "unknown binding 7"],
        make=patched("x86.o", lambda e: e.sym_f(e.sym("f"), "st_info",
                                                 (7 << 4) | (e.sym_f(e.sym("f"), "st_info") & 15))))
    add("symbol section index out of range", I + ["shndx.o"], cls=cls,
        want=["section index out of range", "(g)", "section index 1000"],
        make=patched("x86.o", lambda e: e.sym_f(e.sym("g"), "st_shndx", 1000)))
    add("symbol value past its section", I + ["symval.o"], cls=cls,
        want=["symbol value outside its section", "(f)", "past the end of section"],
        make=patched("x86.o", lambda e: e.sym_f(e.sym("f"), "st_value", 0x100000)))
    # A payload / fixed image is linked without a final link that allocates
    # commons: `link` refuses them; `run` (a program loader) allocates them
    # as ld does, and `inspect` shows them.
    add("SHN_COMMON symbol (gcc -fcommon, link)", L86 + ["common.o"], cls="SHN_COMMON",
        want=["common symbol (SHN_COMMON) not supported", "(cvar)", "-fno-common"])
    add("SHN_COMMON symbol: inspect shows it", I + ["common.o"], rc=0)

    # ---- relocation sections and rows
    cls = "bad relocation section"
    add("relocations against a NOBITS section", I + ["relbss.o"], cls=cls,
        want=["malformed relocation section", "(.bss)", "cannot be relocated"],
        make=patched("x86.o", lambda e: e.sh(e.sec(".rela.text"), "sh_info", e.sec(".bss"))))
    add("relocation section linked to a string table", I + ["rellink.o"], cls=cls,
        want=["relocation section refers to the wrong symbol table", "(.rela.text)"],
        make=patched("x86.o", lambda e: e.sh(e.sec(".rela.text"), "sh_link", e.sec(".strtab"))))
    add("relocation entry size 16", I + ["relent.o"], cls=cls,
        want=["wrong table entry size", "(.rela.text)"],
        make=patched("x86.o", lambda e: e.sh(e.sec(".rela.text"), "sh_entsize", 16)))
    cls = "bad symbol index"
    add("relocation symbol index out of range", I + ["relsym.o"], cls=cls,
        want=["symbol index out of range", "(.rela.text)", "relocation 0", "symbol index 1000"],
        make=patched("x86.o", lambda e: e.set_rela_sym(e.sec(".rela.text"), 0, 1000)))
    add("relocation symbol index out of range (link)", L86 + ["relsym.o"], cls=cls,
        want=["symbol index out of range", "relocation 0"])
    cls = "relocation outside its section"
    add("relocation offset past the section", I + ["reloff.o"], cls=cls,
        want=["relocation outside its target section", "R_X86_64_", "past the end of section",
              "(.text)"],
        make=patched("x86.o", lambda e: e.rela_f(e.sec(".rela.text"), 0, "r_offset", 0x100000)))
    cls = "unknown relocation type"
    add("x86_64 relocation type 200", I + ["rtype.o"], cls=cls,
        want=["unknown relocation type", "unknown x86_64 relocation type 200", "(.rela.text)"],
        make=patched("x86.o", lambda e: e.set_rela_type(e.sec(".rela.text"), 0, 200)))
    add("x86_64 relocation type 200 (link)", L86 + ["rtype.o"], cls=cls,
        want=["unknown relocation type", "type 200"])
    add("aarch64 relocation type 5000", L64 + ["a64type.o"], cls=cls,
        want=["unknown relocation type", "unknown aarch64 relocation type 5000"],
        make=patched("a64_ldst.o", lambda e: e.set_rela_type(e.sec(".rela.text"), 0, 5000)))
    cls = "bad section group"
    add("COMDAT group with unknown flags", I + ["grp.o"], cls=cls,
        want=["malformed section group", "(.group)", "unknown group flags 0x5"],
        make=patched("comdat1.o", lambda e: e.put(e.sh(e.secs_of_type(SHT_GROUP)[0], "sh_offset"),
                                                  "<I", 5)))
    add("COMDAT group member out of range", I + ["grpm.o"], cls=cls,
        want=["malformed section group", "out of range"],
        make=patched("comdat1.o", lambda e: e.put(e.sh(e.secs_of_type(SHT_GROUP)[0], "sh_offset")
                                                  + 4, "<I", 999)))

    # ---- link-time refusals
    cls = "TLS"
    add("x86_64 TLS relocation (initial exec)", L86 + ["--defsym", "tvar=0", "tlsie.o"], cls=cls,
        want=["thread-local storage relocation not supported", "R_X86_64_GOTTPOFF", "'tvar'",
              ".text+0x"])
    add("aarch64 TLS relocation", L64 + ["--defsym", "tvar=0", "a64_tls.o"], cls=cls,
        want=["thread-local storage relocation not supported", "R_AARCH64_TLSIE_", "'tvar'"])
    add("TLS section (.tbss)", L86 + ["tlsle.o"], cls=cls,
        want=["not supported", "(.tbss)", "thread-local storage sections"])
    add("TLS section (run)", ["run", "tlsle.o", "ok.o"], cls=cls,
        want=["tlsle.o", "not supported", "(.tbss)", "thread-local storage sections"])
    cls = "relocation refused in this context"
    add("R_X86_64_COPY in an object", L86 + ["--defsym", "ext=0", "copy.o"], cls=cls,
        want=["relocation type not supported in this context", "R_X86_64_COPY"],
        make=patched("x86.o", lambda e: e.set_rela_type(e.sec(".rela.text"), 0, 5)))
    add("aarch64 GOT relocation with an addend",
        L64 + ["--defsym", "target=0x401000", "a64_gotadd.o"], cls=cls,
        want=["relocation type not supported in this context", "R_AARCH64_ADR_GOT_PAGE",
              "'target'", "GOT relocation with a non-zero addend"])
    add("IFUNC definition (run)", ["run", "ifunc.o"], cls=cls,
        want=["ifunc.o", "not supported", "'chosen'", "STT_GNU_IFUNC"])
    cls = "overflow"
    add("R_X86_64_32 overflow", L86 + ["--defsym", "sym=0x123456789", "ovf.o"], cls=cls,
        want=["relocation value out of range", "R_X86_64_32", ".data+0x0", "'sym'",
              "value 4886718345 (0x123456789)", "not in [0, 4294967295]"])
    add("R_X86_64_PC32 overflow (data reference beyond 2 GiB)",
        L86 + ["--defsym", "ext=0x401000", "pcovf.o"], cls=cls,
        want=["relocation value out of range", "R_X86_64_PC32", "'g'", "not in [-2147483648, 2147483647]"],
        make=patched("x86.o", lambda e: e.rela_f(e.sec(".rela.text"), pc32_to(e, "g"), "r_addend",
                                                  2**40)))
    cls = "misaligned"
    add("aarch64 LDST64 to an odd address",
        L64 + ["--defsym", "target=0x401003", "a64_ldst.o"], cls=cls,
        want=["relocation value misaligned", "R_AARCH64_LDST64_ABS_LO12_NC", "'target'",
              ".text+0x4", "value 0x3"])
    cls = "wrong instruction class"
    add("aarch64 CALL26 on an ADD", L64 + ["--defsym", "target=0x401000", "a64_call26.o"],
        cls=cls, want=["instruction at the relocation site is not of the expected class",
                       "R_AARCH64_CALL26", "'target'", "found 0x91000400"])
    cls = "undefined symbol"
    add("undefined symbol (link)", L86 + ["x86.o"], cls=cls,
        want=["x86.o", "undefined symbol", "'ext'"])
    add("undefined symbol (run)", ["run", "undef.o"], cls=cls,
        want=["undefined symbol", "'no_such_function_xyz'"])
    add("no main (run)", ["run", "nomain.o"], cls=cls, want=["undefined symbol", "main"])
    cls = "duplicate symbol"
    add("duplicate strong definition (run)", ["run", "main.o", "dup.o"], cls=cls,
        want=["dup.o", "duplicate symbol definition", "'dup'", "object 0", "object 1"])
    cls = "discarded COMDAT reference"
    add("reference into a discarded COMDAT group (run)", ["run", "comdat1.o", "comdat2.o"],
        cls=cls, want=["comdat2.o", "reference to a discarded section", "R_X86_64_64",
                       ".data+0x0", "'inside'"])
    cls = "missing library"
    add("-l of a library that does not exist", ["run", "-lno_such_library_xyz", "ok.o"], cls=cls,
        want=["not found", "cannot open library -lno_such_library_xyz"])

    # ---- unreadable files
    cls = "unreadable file"
    add("missing file", I + ["does-not-exist.o"], cls=cls,
        want=["does-not-exist.o", "No such file or directory"])
    add("missing file (link)", L86 + ["does-not-exist.o"], cls=cls,
        want=["does-not-exist.o", "No such file or directory"])
    add("missing file (run)", ["run", "ok.o", "does-not-exist.o"], cls=cls,
        want=["does-not-exist.o", "No such file or directory"])
    add("a directory", I + ["."], cls=cls, want=["is a directory"])
    add("a path through a regular file", I + ["x86.o/x"], cls=cls, want=["Not a directory"])
    add("read error (/proc/self/mem: open works, read fails)", I + ["/proc/self/mem"], cls=cls,
        want=["/proc/self/mem", "Input/output error"])
    add("a FIFO whose writer closes at once (empty pipe)", I + ["fifo"], cls=cls,
        want=["fifo", "file is empty"], setup=fifo_writer)
    if os.geteuid() == 0:
        if shutil.which("setpriv"):
            add("permission denied (as nobody, via setpriv)", I + ["noperm.o"], cls=cls,
                want=["noperm.o", "Permission denied"], make=noperm,
                prefix=["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
    else:
        add("permission denied", I + ["noperm.o"], cls=cls,
            want=["noperm.o", "Permission denied"], make=noperm)
    add("output file cannot be created", ["link", "--arch", "x86_64", "--base", "0x400000",
                                          "--defsym", "ext=0", "-o", "no-such-dir/out.bin",
                                          "x86.o"],
        cls=cls, want=["no-such-dir/out.bin", "No such file or directory"])
    if os.path.exists("/dev/full"):
        add("standard output full (inspect > /dev/full)", I + ["x86.o"], cls=cls,
            want=["writing to standard output: No space left on device"], stdout_to="/dev/full")
    add("--just-symbols file missing", L86 + ["--just-symbols", "nothere.elf", "x86.o"],
        cls=cls, want=["--just-symbols", "nothere.elf"])
    add("--just-symbols file is not ELF", L86 + ["--just-symbols", "x86.c", "x86.o"],
        cls=cls, want=["--just-symbols", "x86.c", "not an ELF file"])

    # ---- command line
    cls = "bad command line (usage, exit 2)"
    U = dict(rc=2, cls=cls)
    add("no command", [], want=["no command given"], **U)
    add("unknown command", ["frobnicate"], want=["unknown command 'frobnicate'"], **U)
    add("link: bad --base", ["link", "--base", "xyz", "-o", "o", "x86.o"],
        want=["--base: bad address 'xyz'"], **U)
    add("link: negative --base", ["link", "--base", "-1", "-o", "o", "x86.o"],
        want=["--base: bad address '-1'"], **U)
    add("link: --base beyond 64 bits", ["link", "--base=0x10000000000000000", "-o", "o", "x86.o"],
        want=["--base: bad address '0x10000000000000000'"], **U)
    add("link: --base with trailing junk", ["link", "--base", "0x1000g", "-o", "o", "x86.o"],
        want=["--base: bad address '0x1000g'"], **U)
    add("link: --base without a value", ["link", "-o", "o", "x86.o", "--base"],
        want=["option --base needs a value"], **U)
    add("link: --defsym without '='", L86 + ["--defsym", "ext", "x86.o"],
        want=["--defsym: expected NAME=ADDR, got 'ext'"], **U)
    add("link: --defsym bad address", L86 + ["--defsym", "ext=banana", "x86.o"],
        want=["--defsym: bad address 'banana'"], **U)
    add("link: --defsym without a name", L86 + ["--defsym", "=5", "x86.o"],
        want=["--defsym: expected NAME=ADDR"], **U)
    add("link: --section-start bad address", L86 + ["--section-start", ".text=zz", "x86.o"],
        want=["--section-start: bad address 'zz'"], **U)
    add("link: unknown --arch", ["link", "--arch", "sparc", "--base", "0", "-o", "o", "x86.o"],
        want=["--arch: unknown architecture 'sparc'"], **U)
    add("link: unknown option", L86 + ["--frobnicate", "x86.o"],
        want=["link: unknown option '--frobnicate'"], **U)
    add("link: missing -o", ["link", "--arch", "x86_64", "--base", "0", "x86.o"],
        want=["no output (-o IMAGE)"], **U)
    add("link: missing --base", ["link", "--arch", "x86_64", "-o", "o", "x86.o"],
        want=["no --base ADDR"], **U)
    add("link: no object", L86, want=["link: no input object"], **U)
    add("link: two objects", L86 + ["x86.o", "ok.o"], want=["one object only"], **U)
    add("inspect: no object", ["inspect"], want=["inspect: no input object"], **U)
    add("inspect: unknown option", ["inspect", "--bogus", "x86.o"],
        want=["inspect: unknown option '--bogus'"], **U)
    add("inspect: two objects", ["inspect", "x86.o", "ok.o"], want=["one object only"], **U)
    add("run: no object", ["run"], want=["run: no input objects"], **U)
    add("run: -l without a name", ["run", "ok.o", "-l"], want=["-l needs a library name"], **U)
    add("run: unknown option", ["run", "--bogus", "ok.o"], want=["run: unknown option '--bogus'"],
        **U)
    add("check: no payload", ["check"], want=["check: no payload"], **U)
    add("bind: no payload", ["bind"], want=["bind: no payload"], **U)
    add("check-sites: no image", ["check-sites"], want=["check-sites: no input image"], **U)
    add("ctl: no socket", ["ctl"], want=["ctl: usage"], **U)
    add("ctl: unknown command", ["ctl", "sock", "bogus"], want=["ctl: unknown command 'bogus'"],
        **U)
    cls = "bad command-line value about the object (exit 1)"
    add("link: --section-start of a missing section",
        L86 + ["--defsym", "ext=0", "--section-start", ".nosuch=0x500000", "x86.o"], cls=cls,
        want=["--section-start .nosuch: no such section"])
    add("link: --section-start below --base",
        L86 + ["--defsym", "ext=0", "--section-start", ".text=0x1000", "x86.o"], cls=cls,
        want=["--section-start .text=0x1000 is below --base 0x400000"])
    add("link: --section-start of a non-allocated section",
        L86 + ["--defsym", "ext=0", "--section-start", ".comment=0x500000", "x86.o"], cls=cls,
        want=["--section-start .comment: not an allocated section"])
    add("link: image too large", ["link", "--arch", "x86_64", "--base", "0", "-o", "out.bin",
                                  "--defsym", "ext=0", "--section-start", ".text=0x7fffffff00",
                                  "x86.o"],
        cls=cls, want=["is too large"])
    return [c for c in C if c is not None]


def pc32_to(e, name):
    """Index of the first R_X86_64_PC32 row of .rela.text against symbol name."""
    r = e.sec(".rela.text")
    k = e.sym(name)
    for j in range(e.sh(r, "sh_size") // 24):
        if e.rela_sym(r, j) == k and e.rela_type(r, j) == 2:
            return j
    raise KeyError("no PC32 against %s" % name)


def noperm(d, out):
    p = os.path.join(d, out)
    shutil.copy(os.path.join(d, "x86.o"), p)
    os.chmod(p, 0)


def fifo_writer(d):
    """Make d/fifo and a thread that opens it for writing and closes it at once."""
    p = os.path.join(d, "fifo")
    if not os.path.exists(p):
        os.mkfifo(p)

    def w():
        try:
            fd = os.open(p, os.O_WRONLY)
            os.close(fd)
        except OSError:
            pass
    t = threading.Thread(target=w, daemon=True)
    t.start()


def check_case(c, xs, d):
    if c.make:
        c.make(d, [a for a in c.args if a.endswith(".o")][-1])
    if c.setup:
        c.setup(d)
    rc, out, err = run_xs(xs, c.args, d, prefix=c.prefix, stdout_to=c.stdout_to)
    err = err.decode(errors="replace")
    out = out.decode(errors="replace")
    problems = []
    if rc is None or rc < 0 or rc >= 128:
        problems.append(describe_rc(rc))
    elif rc != c.rc:
        problems.append("exit %d, expected %d" % (rc, c.rc))
    if c.rc != 0:
        if not err.startswith("xsplice: error: "):
            problems.append("stderr does not start with 'xsplice: error: '")
        if err.count("xsplice: error: ") != 1:
            problems.append("%d 'xsplice: error:' lines, expected 1" % err.count("xsplice: error: "))
        for w in c.want:
            if w not in err:
                problems.append("stderr lacks %r" % w)
    if c.want_stdout and c.want_stdout not in out:
        problems.append("stdout lacks %r" % c.want_stdout)
    first = err.split("\n")[0] if err else ""
    return problems, first

# ------------------------------------------------------------------ mutations

INTERESTING = [0, 1, 2, 3, 4, 7, 8, 0x10, 0x3f, 0x40, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000,
               0x7fff, 0x8000, 0xffff, 0x10000, 0xff00, 0xfff1, 0xfff2, 0x7fffffff, 0x80000000,
               0xffffffff, 0x100000000, 1 << 47, 1 << 48, 1 << 62, 1 << 63, 2**64 - 1, 2**64 - 24]


def interesting(rng, old, filesize):
    c = rng.randrange(6)
    if c == 0:
        return rng.choice(INTERESTING)
    if c == 1:
        return old + rng.choice([1, -1, 8, -8, 24, -24, 64, -64])
    if c == 2:
        return rng.choice([filesize, filesize - 1, filesize + 1, filesize - 24, filesize // 2])
    if c == 3:
        return old ^ (1 << rng.randrange(64))
    if c == 4:
        return rng.getrandbits(rng.choice([8, 16, 32, 64]))
    return old * 2


def mutate(data, rng):
    """One random mutation of an ELF64 object (bytes in, bytes out)."""
    e = Elf(data)
    n = len(e.b)
    kind = rng.randrange(10)
    try:
        shnum = e.shnum
        if kind == 0:  # random bytes
            for _ in range(rng.randint(1, 8)):
                e.b[rng.randrange(n)] = rng.randrange(256)
        elif kind == 1:  # truncate
            return bytes(e.b[:rng.randrange(n)])
        elif kind == 2:  # ELF header field
            f = rng.choice(list(EHDR))
            off, fmt = EHDR[f]
            e.put(off, fmt, interesting(rng, e.get(off, fmt), n))
        elif kind in (3, 4):  # section header field
            i = rng.randrange(shnum)
            f = rng.choice(list(SHDR))
            off, fmt = SHDR[f]
            e.put(e.shdr_off(i) + off, fmt, interesting(rng, e.get(e.shdr_off(i) + off, fmt), n))
        elif kind in (5, 6):  # symbol field
            k = rng.randrange(e.nsyms())
            f = rng.choice(list(SYM))
            off, fmt = SYM[f]
            o = e.sym_off(k) + off
            v = e.get(o, fmt)
            if f == "st_info":
                v = rng.choice([(v & 0xf0) | rng.randrange(16), (rng.randrange(16) << 4) | (v & 15)])
            elif f == "st_shndx" and rng.random() < 0.5:
                v = rng.choice([0, 0xfff1, 0xfff2, 0xffff, rng.randrange(shnum + 2)])
            else:
                v = interesting(rng, v, n)
            e.put(o, fmt, v)
        else:  # relocation row
            relas = e.secs_of_type(SHT_RELA)
            if not relas:
                e.b[rng.randrange(n)] ^= 0xff
                return bytes(e.b)
            r = rng.choice(relas)
            cnt = e.sh(r, "sh_size") // 24
            if cnt == 0:
                return bytes(e.b)
            j = rng.randrange(cnt)
            what = rng.randrange(5)
            if what == 0:
                e.set_rela_type(r, j, rng.randrange(0x140) if rng.random() < 0.8
                                else rng.getrandbits(32))
            elif what == 1:
                e.set_rela_sym(r, j, rng.randrange(e.nsyms() + 2))
            elif what == 2:
                e.rela_f(r, j, "r_offset", interesting(rng, e.rela_f(r, j, "r_offset"), n))
            elif what == 3:
                e.rela_f(r, j, "r_addend", interesting(rng, e.rela_f(r, j, "r_addend"), n))
            else:  # retarget: type and symbol from another row
                j2 = rng.randrange(cnt)
                e.rela_f(r, j, "r_info", e.rela_f(r, j2, "r_info"))
    except (struct.error, IndexError, ValueError, ZeroDivisionError, KeyError, OverflowError):
        # an earlier mutation made the patcher's walk impossible: flip a byte
        e.b[rng.randrange(n)] ^= 0x55
    return bytes(e.b)


def undefined_names(path):
    e = Elf(open(path, "rb").read())
    out = []
    for k in range(1, e.nsyms()):
        if e.sym_f(k, "st_shndx") == 0 and (e.sym_f(k, "st_info") >> 4) != 0:
            out.append(e.sym_name(k))
    return out


def memory_limit(mb):
    """Command prefix capping the address space (a shell's ulimit -v: no
    preexec_fn in a threaded parent): a mutated .bss of gigabytes then fails
    to map (exit 1) instead of taking seconds to zero-fill."""
    if not mb:
        return ()
    return ("/bin/sh", "-c", 'ulimit -v %d && exec "$0" "$@"' % (mb << 10))


def is_sanitized(xs):
    """Sanitizer builds reserve terabytes of shadow memory: no RLIMIT_AS for them."""
    with open(xs, "rb") as f:
        return b"__asan_init" in f.read()


def fuzz(xs, d, count, seed, jobs, keep_dir, only=None, limit_mb=1024):
    seeds = [  # (file, arch, runnable)
        ("fz_lib.o", "x86_64", True),
        ("fz_lib_pic.o", "x86_64", True),
        ("fz_asm.o", "x86_64", False),  # R_X86_64_32: link only
        ("fz_a64.o", "aarch64", False),
    ]
    base = {}
    for f, arch, runnable in seeds:
        data = open(os.path.join(d, f), "rb").read()
        defs = []
        for k, name in enumerate(undefined_names(os.path.join(d, f))):
            defs += ["--defsym", "%s=%#x" % (name, 0x500000 + 0x100 * k)]
        base[f] = (data, arch, runnable, defs)
    # the unmutated seeds must pass, or the mutations prove nothing
    fails = []
    for f, (data, arch, runnable, defs) in base.items():
        cmds = [["inspect", f], ["link", "--arch", arch, "--base", "0x400000", "-o",
                                 f + ".bin"] + defs + [f]]
        if runnable:
            cmds.append(["run", f, "fzmain.o"])
        for cmd in cmds:
            rc, _, err = run_xs(xs, cmd, d)
            if rc != 0:
                fails.append("seed %s: xsplice %s: %s %s" % (f, " ".join(cmd), describe_rc(rc),
                                                             err.decode(errors="replace")[:300]))
    if fails:
        return 0, fails, {}

    names = list(base)
    os.makedirs(os.path.join(d, "mut"), exist_ok=True)
    limit = memory_limit(0 if is_sanitized(xs) else limit_mb)

    def one(i):
        rng = random.Random("%d:%d" % (seed, i))
        f = names[i % len(names)]
        data, arch, runnable, defs = base[f]
        m = data
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            m = mutate(m, rng)
        p = os.path.join(d, "mut", "m%05d.o" % i)
        with open(p, "wb") as fh:
            fh.write(m)
        rel = os.path.relpath(p, d)
        cmds = [["inspect", rel],
                ["link", "--arch", arch, "--base", "0x400000", "-o", rel + ".bin"] + defs + [rel]]
        if runnable:
            cmds.append(["run", rel, "fzmain.o"])
        bad = []
        outcome = []
        for cmd in cmds:
            rc, _, err = run_xs(xs, cmd, d, prefix=limit)
            err = err.decode(errors="replace")
            outcome.append(rc)
            if rc is None or rc not in (0, 1):
                bad.append("xsplice %s: %s" % (" ".join(cmd), describe_rc(rc)))
            elif rc == 1 and not err.startswith("xsplice: error: "):
                bad.append("xsplice %s: exit 1 without 'xsplice: error:' (%r)"
                           % (" ".join(cmd), err[:200]))
        if bad and keep_dir:
            os.makedirs(keep_dir, exist_ok=True)
            shutil.copy(p, os.path.join(keep_dir, "seed%d-m%05d-%s" % (seed, i, f)))
        for q in (p, p + ".bin"):
            if os.path.exists(q):
                os.unlink(q)
        return i, f, bad, outcome

    idx = [only] if only is not None else range(count)
    fails = []
    stats = {"inspect ok": 0, "link ok": 0, "run ok": 0, "runs": 0}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        for i, f, bad, outcome in ex.map(one, idx):
            stats["runs"] += len(outcome)
            stats["inspect ok"] += outcome[0] == 0
            stats["link ok"] += outcome[1] == 0
            if len(outcome) > 2:
                stats["run ok"] += outcome[2] == 0
            for b in bad:
                fails.append("mutation %d of %s (reproduce: --seed %d --only-mutation %d): %s"
                             % (i, f, seed, i, b))
    return len(idx), fails, stats

# ---------------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description="xsplice error-contract test")
    ap.add_argument("--xsplice", required=True)
    ap.add_argument("--root", required=True, help="source tree (for status.h and docs)")
    ap.add_argument("--mutations", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--only-mutation", type=int, default=None,
                    help="run one mutation (with --seed) and report it")
    ap.add_argument("--memory-limit", type=int, default=1024, metavar="MB",
                    help="RLIMIT_AS of each mutation run (0: none; never for ASan builds)")
    ap.add_argument("--jobs", type=int, default=max(2, 2 * (os.cpu_count() or 1)))
    ap.add_argument("--keep", action="store_true",
                    help="keep the work directory; failing mutants go to WORK/failures")
    ap.add_argument("-k", dest="filter", default=None, help="only cases whose name contains this")
    a = ap.parse_args()
    xs = os.path.abspath(a.xsplice)
    t0 = time.time()
    passed = failed = 0

    def result(ok, name, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
        print("%s  %s%s" % ("PASS" if ok else "FAIL", name, ("\n      " + detail) if detail else ""),
              flush=True)

    # 1. the documented status table
    codes, errors = status_table.check(os.path.abspath(a.root))
    result(not errors, "docs/errors.md documents all %d status codes of status.h" % len(codes),
           "\n      ".join(errors))

    d = tempfile.mkdtemp(prefix="xs-errors-")
    os.chmod(d, 0o755)  # the permission case runs as nobody
    try:
        errs = build_inputs(d)
        if errs:
            for e in errs:
                result(False, "build inputs", e)
            print("%d passed, %d failed" % (passed, failed))
            return 1

        # 2. one case per class of bad input
        if a.only_mutation is None:
            for c in cases():
                if a.filter and a.filter not in c.name:
                    continue
                try:
                    problems, first = check_case(c, xs, d)
                except Exception as ex:  # a broken case is a failure, not a crash
                    problems, first = ["test error: %r" % ex], ""
                label = "%s: xsplice %s -> exit %d" % (c.name, " ".join(c.args), c.rc)
                result(not problems, label,
                       "; ".join(problems) + ("\n      stderr: " + first if first else "")
                       if problems else "")
            print("cases: %.1f s" % (time.time() - t0), flush=True)

        # 3. mutations
        if a.mutations > 0 and not a.filter:
            t1 = time.time()
            keep = os.path.join(d, "failures") if a.keep else None
            n, fails, stats = fuzz(xs, d, a.mutations, a.seed, a.jobs, keep, a.only_mutation,
                                    a.memory_limit)
            for f in fails[:40]:
                print("      " + f)
            if len(fails) > 40:
                print("      ... and %d more" % (len(fails) - 40))
            result(not fails, "%d mutations (seed %d) through inspect/link/run: no signal, no "
                   "hang, exit 0 or 1 [%s] in %.1f s"
                   % (n, a.seed, ", ".join("%s %d" % kv for kv in stats.items()),
                      time.time() - t1))
    finally:
        if a.keep:
            print("work directory kept: %s" % d)
        else:
            shutil.rmtree(d, ignore_errors=True)
    print("%d passed, %d failed (%.1f s)" % (passed, failed, time.time() - t0))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
