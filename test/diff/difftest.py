#!/usr/bin/env python3
"""Differential tests: `xsplice link` against GNU ld (x86_64 and aarch64).

For every case in test/diff/cases/ (and every variant a case declares) this
compiles the case to an ET_REL object, gives each SHF_ALLOC section an
address, links the object with GNU ld through a generated linker script that
puts every input section at exactly that address, links it again with
`xsplice link` at the same addresses, and compares the placed bytes.

Relocations whose bytes depend on where a GOT lives (GOT-relative loads and
GOT-base differences) cannot be compared byte for byte, because ld builds its
own GOT: for those the check decodes the instruction or data at the place in
each image and verifies that it reaches a slot holding the right address (or
the symbol itself, when the access was relaxed).  Branches to targets out of
direct reach must go through a stub that the checker emulates.

Case directives are comment lines `// @key value` (C) or `# @key value`
(assembly); see test/diff/README.md.
"""

import argparse
import concurrent.futures
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import elfmini as E  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ARCHES = ("x86_64", "aarch64")
GOT_SYM = "_GLOBAL_OFFSET_TABLE_"

# ---------------------------------------------------------------------------
# compile matrices for C cases (`@matrix c`)

MATRIX = {
    "x86_64": [
        ("gcc-small", "gcc", "-mcmodel=small -fno-pic"),
        ("clang-small", "clang", "-mcmodel=small -fno-pic"),
        ("gcc-O0", "gcc", "-O0 -mcmodel=small -fno-pic"),
        ("gcc-kernel", "gcc", "-mcmodel=kernel -fno-pic -mno-red-zone"),
        ("clang-kernel", "clang", "-mcmodel=kernel -fno-pic -mno-red-zone"),
        ("gcc-large", "gcc", "-mcmodel=large -fno-pic"),
        ("clang-large", "clang", "-mcmodel=large -fno-pic"),
        ("gcc-pie", "gcc", "-fPIE"),
        ("clang-pie", "clang", "-fPIE"),
        ("gcc-pic", "gcc", "-fPIC"),
        ("clang-pic", "clang", "-fPIC"),
        ("gcc-pic-noplt", "gcc", "-fPIC -fno-plt"),
    ],
    "aarch64": [
        ("gcc-tiny", "gcc", "-mcmodel=tiny -fno-pic"),
        ("clang-tiny", "clang", "-mcmodel=tiny -fno-pic"),
        ("gcc-small", "gcc", "-mcmodel=small -fno-pic"),
        ("clang-small", "clang", "-mcmodel=small -fno-pic"),
        ("gcc-O0", "gcc", "-O0 -mcmodel=small -fno-pic"),
        ("gcc-large", "gcc", "-mcmodel=large -fno-pic"),
        ("clang-large", "clang", "-mcmodel=large -fno-pic"),
        ("gcc-pic", "gcc", "-fPIC"),
        ("clang-pic", "clang", "-fPIC"),
    ],
}

C_FLAGS = ["-O2", "-ffunction-sections", "-fdata-sections", "-fno-asynchronous-unwind-tables",
           "-fno-unwind-tables", "-fno-ident"]
GCC_ONLY = ["-fno-merge-constants"]

# types the suite must exercise (checked after every run: a case that stops
# producing one of them is a test bug)
REQUIRED = {
    "x86_64": ["64", "32", "32S", "PC32", "PLT32", "PC64", "16", "PC16", "8", "PC8",
               "GOTPCREL", "GOTPCRELX", "REX_GOTPCRELX", "GOTOFF64", "GOTPC32", "GOTPC64",
               "GOTPCREL64", "SIZE32", "SIZE64"],
    "aarch64": ["ABS64", "ABS32", "ABS16", "PREL64", "PREL32", "PREL16", "CALL26", "JUMP26",
                "CONDBR19", "TSTBR14", "LD_PREL_LO19", "ADR_PREL_LO21", "ADR_PREL_PG_HI21",
                "ADR_PREL_PG_HI21_NC", "ADD_ABS_LO12_NC", "LDST8_ABS_LO12_NC",
                "LDST16_ABS_LO12_NC", "LDST32_ABS_LO12_NC", "LDST64_ABS_LO12_NC",
                "LDST128_ABS_LO12_NC", "MOVW_UABS_G0", "MOVW_UABS_G0_NC", "MOVW_UABS_G1",
                "MOVW_UABS_G1_NC", "MOVW_UABS_G2", "MOVW_UABS_G2_NC", "MOVW_UABS_G3",
                "MOVW_SABS_G0", "MOVW_SABS_G1", "MOVW_SABS_G2", "MOVW_PREL_G0",
                "MOVW_PREL_G0_NC", "MOVW_PREL_G1", "MOVW_PREL_G1_NC", "MOVW_PREL_G2",
                "MOVW_PREL_G2_NC", "MOVW_PREL_G3", "ADR_GOT_PAGE", "LD64_GOT_LO12_NC",
                "LD64_GOTPAGE_LO15"],
}


def tools_for(arch):
    if arch == "x86_64":
        return {"gcc": ["gcc"], "clang": ["clang"], "as": ["gcc"],
                "ld": ["ld", "-m", "elf_x86_64"], "readelf": "readelf"}
    return {"gcc": ["aarch64-linux-gnu-gcc"], "clang": ["clang", "--target=aarch64-linux-gnu"],
            "as": ["aarch64-linux-gnu-gcc"], "ld": ["aarch64-linux-gnu-ld"],
            "readelf": "readelf"}


# ---------------------------------------------------------------------------
# case files

DIRECTIVE = re.compile(r"^\s*(?://|#|;|/\*)\s*@([\w-]+)\s*(.*?)\s*(?:\*/)?\s*$")
LIST_KEYS = ("defsym", "far", "place")


class Case:
    def __init__(self, path, arch, vname, cfg):
        self.path = path
        self.arch = arch
        self.vname = vname
        self.cfg = cfg
        base = os.path.splitext(os.path.basename(path))[0]
        self.id = "%s/%s%s" % (arch, base, "[%s]" % vname if vname else "")


def parse_case(path):
    glob = {"arch": None, "cc": "gcc", "flags": "", "defsym": [], "far": [], "place": [],
            "expect": "match", "layout": "compact", "base": None, "matrix": None, "xsflags": ""}
    variants = []
    with open(path) as f:
        for line in f:
            m = DIRECTIVE.match(line)
            if not m:
                continue
            key, val = m.group(1), m.group(2)
            if key == "variant":
                parts = shlex.split(val)
                v = {"name": parts[0], "defsym": [], "far": [], "place": []}
                for p in parts[1:]:
                    k, _, x = p.partition("=")
                    if k in LIST_KEYS:
                        v[k].append(x)
                    else:
                        v[k] = x
                variants.append(v)
            elif key in LIST_KEYS:
                glob[key].append(val)
            elif key in glob or key.startswith("flags-") or key.startswith("base-"):
                glob[key] = val
            else:
                raise ValueError("%s: unknown directive @%s" % (path, key))
    if glob["arch"] is None:
        raise ValueError("%s: missing @arch" % path)
    arches = ARCHES if glob["arch"] == "both" else (glob["arch"],)
    out = []
    for arch in arches:
        vs = []
        if glob["matrix"] == "c":
            for name, cc, flags in MATRIX[arch]:
                vs.append({"name": name, "cc": cc, "flags": flags, "defsym": [], "far": [],
                           "place": []})
        vs.extend(variants)
        if not vs:
            vs = [{"name": "", "defsym": [], "far": [], "place": []}]
        for v in vs:
            cfg = dict(glob)
            for k in LIST_KEYS:
                cfg[k] = list(glob[k]) + list(v[k])
            for k, x in v.items():
                if k not in LIST_KEYS and k != "name":
                    if k == "flags" and glob["flags"]:
                        x = glob["flags"] + " " + x
                    cfg[k] = x
            cfg["flags"] = cfg["flags"] + " " + glob.get("flags-" + arch, "")
            if "arch" in v and v["arch"] != arch:
                continue
            out.append(Case(path, arch, v["name"], cfg))
    return out


# ---------------------------------------------------------------------------
# helpers

class CaseError(Exception):
    """The case could not be checked (compile error, ld failure, bad case)."""


class Fail(Exception):
    """The tool's result is wrong."""


def run(cmd, cwd, timeout=60, env=None):
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return None, b"", b"timeout after %ds" % timeout
    return p.returncode, p.stdout, p.stderr


def align_up(x, a):
    a = max(a, 1)
    return (x + a - 1) // a * a


def u64(x):
    return x & 0xFFFFFFFFFFFFFFFF


def sext(x, bits):
    x &= (1 << bits) - 1
    return x - (1 << bits) if x >> (bits - 1) else x


def parse_num(s):
    return int(s, 0)


class Rng:
    """Small deterministic generator (xorshift64*): layout depends only on the
    seed and the case id, so a failure is reproducible."""

    def __init__(self, seed):
        self.s = (seed * 0x9E3779B97F4A7C15 + 1) & 0xFFFFFFFFFFFFFFFF or 1

    def next(self):
        s = self.s
        s ^= (s >> 12)
        s ^= (s << 25) & 0xFFFFFFFFFFFFFFFF
        s ^= (s >> 27)
        self.s = s
        return (s * 0x2545F4914F6CDD1D) & 0xFFFFFFFFFFFFFFFF

    def pick(self, seq):
        return seq[self.next() % len(seq)]


def default_base(arch, flags, rng):
    jitter = (rng.next() % 8) * 0x1000
    if arch == "x86_64":
        if "-mcmodel=kernel" in flags:
            return 0xFFFFFFFF81000000 + jitter
        if "-mcmodel=large" in flags:
            return 0x00007E5A40000000 + jitter
        if "-fPIE" in flags or "-fPIC" in flags:
            return 0x0000555555554000 + jitter
        return 0x400000 + jitter
    if "-mcmodel=large" in flags:
        return 0x0000123456780000 + jitter
    if "-fPIC" in flags:
        return 0x0000005500000000 + jitter
    if "-mcmodel=tiny" in flags:
        return 0x400000 + jitter
    return 0x10000000 + jitter


# ---------------------------------------------------------------------------
# one case

class Runner:
    def __init__(self, args):
        self.args = args
        self.xsplice = args.xsplice
        self.seed = args.seed

    def check(self, case, workdir):
        """Returns (status, details, reloc-type counter)."""
        cfg = case.cfg
        arch = case.arch
        t = tools_for(arch)
        src = os.path.abspath(case.path)
        obj = os.path.join(workdir, "case.o")
        flags = shlex.split(cfg["flags"])
        if src.endswith((".s", ".S")):
            cmd = t["as"] + ["-c"] + flags + [src, "-o", obj]
        else:
            cc = cfg["cc"]
            cmd = t[cc] + ["-c"] + C_FLAGS + (GCC_ONLY if cc == "gcc" else []) + flags
            if not any(f in flags for f in ("-fPIC", "-fPIE", "-fpic", "-fpie")):
                cmd.append("-fno-pic")
            cmd += [src, "-o", obj]
        rc, _o, err = run(cmd, workdir)
        if rc != 0:
            raise CaseError("compile failed: %s\n%s" % (" ".join(cmd), err.decode()[-2000:]))
        elf = E.Elf(obj)
        want_machine = E.EM_X86_64 if arch == "x86_64" else E.EM_AARCH64
        if elf.machine != want_machine:
            raise CaseError("object has e_machine %d" % elf.machine)
        counts = {}
        for _sec, rl in elf.relocs:
            if not (_sec.flags & E.SHF_ALLOC) or skip_section(_sec):
                continue
            for r in rl:
                n = E.reloc_name(elf.machine, r.type)
                counts[n] = counts.get(n, 0) + 1

        rng = Rng(zlib.crc32(case.id.encode()) ^ self.seed)
        plan = self.layout(case, elf, rng)
        expect = cfg["expect"].split()

        if expect[0] == "refuse":
            if self.args.self_check:
                return "PASS", ["(refuse case: tool side only)"], counts
            st, det = self.check_refuse(case, elf, plan, workdir, expect)
            return st, det, counts

        # ---- GNU ld
        ld_out = os.path.join(workdir, "ld.out")
        ld_defs = dict(plan["undef"])
        ld_defs.update(plan["near_far"])
        script = self.ld_script(plan)
        with open(os.path.join(workdir, "case.ld"), "w") as f:
            f.write(script)
        ldcmd = t["ld"] + ["-static", "--no-relax", "-T", "case.ld", "-e", "0", "--build-id=none",
                           "-z", "norelro", "--no-warn-rwx-segments", "-z", "noexecstack",
                           "-o", "ld.out", "case.o"]
        for s, v in sorted(ld_defs.items()):
            ldcmd += ["--defsym", "%s=0x%x" % (s, v)]
        with open(os.path.join(workdir, "ld.cmd"), "w") as f:
            f.write(" ".join(shlex.quote(c) for c in ldcmd) + "\n")
        rc, _o, lderr = run(ldcmd, workdir)
        if expect[0] == "error":
            if rc == 0:
                raise CaseError("expect error, but GNU ld accepted the link")
            lds = lderr.decode(errors="replace")
            for w in expect[1:]:
                if w not in lds:
                    raise CaseError("GNU ld rejects the link, but not for %s:\n%s" % (w, lds[-1500:]))
            if self.args.self_check:
                return "PASS", ["ld rejects: " + lderr.decode().strip().splitlines()[-1][:160]], counts
            st, det = self.check_error(case, elf, plan, workdir, expect)
            return st, det, counts
        if rc != 0:
            raise CaseError("ld failed: %s" % lderr.decode()[-2000:])
        lde = E.Elf(ld_out)
        ld_img = self.ld_sections(lde, plan)
        ld_flat = FlatImage.from_elf(lde)
        # our own decoders must accept ld's image (validates the checker)
        problems = self.semantic(arch, elf, plan, ld_flat, ld_defs, is_ld=True)
        if problems:
            raise CaseError("checker rejects GNU ld's own output:\n" + "\n".join(problems))
        if self.args.self_check:
            return "PASS", [], counts

        # ---- xsplice
        img_path = os.path.join(workdir, "image.bin")
        map_path = os.path.join(workdir, "image.map")
        xs = shlex.split(self.xsplice) + ["link", "--arch", arch, "--base", "0x%x" % plan["base"]]
        for s in plan["placed"]:
            xs += ["--section-start", "%s=0x%x" % (s.name, plan["addr"][s.name])]
        tool_defs = dict(plan["undef"])
        tool_defs.update(plan["far"])
        for s, v in sorted(tool_defs.items()):
            xs += ["--defsym", "%s=0x%x" % (s, v)]
        xs += shlex.split(cfg.get("xsflags", ""))
        xs += ["-o", img_path, "--map", map_path, obj]
        with open(os.path.join(workdir, "tool.cmd"), "w") as f:
            f.write(" ".join(shlex.quote(c) for c in xs) + "\n")
        rc, _o, terr = run(xs, workdir, timeout=30)
        if rc is None or rc >= 128 or rc < 0 or b"Traceback" in terr or b"Sanitizer" in terr:
            raise Fail("xsplice crashed (status %s): %s" % (rc, terr.decode()[-800:]))
        if rc != 0:
            raise Fail("xsplice link failed (status %d): %s" % (rc, terr.decode().strip()[-800:]))
        with open(img_path, "rb") as f:
            img = FlatImage(plan["base"], f.read())
        tmap = read_map(map_path)
        details = self.compare(case, elf, plan, ld_img, img, tmap, tool_defs)
        return ("FAIL" if details else "PASS"), details, counts

    # ---------------------------------------------------------------- layout
    def layout(self, case, elf, rng):
        cfg = case.cfg
        arch = case.arch
        names = {}
        for s in elf.sections:
            if s.flags & E.SHF_ALLOC:
                if s.flags & E.SHF_TLS and cfg["expect"].split()[0] != "refuse":
                    raise CaseError("SHF_TLS section %s in a comparison case" % s.name)
                if s.name in names and s.size:
                    raise CaseError("duplicate section name %s" % s.name)
                names[s.name] = s
        for y in elf.symbols:
            if y.shndx == E.SHN_COMMON:
                raise CaseError("common symbol %s (use -fno-common)" % y.name)
        base = parse_num(cfg["base"]) if cfg.get("base") else default_base(arch, cfg["flags"], rng)
        placed = [s for s in elf.sections
                  if s.flags & E.SHF_ALLOC and s.size and not skip_section(s)]
        addr = {}
        pinned = {}
        for p in cfg["place"]:
            n, _, ex = p.partition("=")
            pinned[n] = ex
        # order: text, rodata, data, bss; a little shuffling inside each class
        def klass(s):
            if s.flags & E.SHF_EXECINSTR:
                return 0
            if s.type == E.SHT_NOBITS:
                return 3
            return 2 if s.flags & E.SHF_WRITE else 1
        auto = [s for s in placed if s.name not in pinned]
        keyed = [(klass(s), rng.next() % 4 if cfg["layout"] != "tight" else 0, s.index, s)
                 for s in auto]
        keyed.sort(key=lambda k: k[:3])
        cur = base
        layout = cfg["layout"]
        for _k, _r, _i, s in keyed:
            a = max(s.align, 1)
            if layout == "tight":
                gap = 0
            elif layout == "far":
                gap = rng.pick([0x10, 0x1230, 0x100000, 0x2345670 & ~0xF, 0x801000])
            elif layout == "pages":
                gap = rng.pick([0x10, 0xFF0, 0x1000, 0x3008])
            else:
                gap = rng.pick([0, 0, 0x8, 0x10, 0x40, 0x230])
            cur = align_up(cur + (gap if cur != base else 0), a)
            addr[s.name] = cur
            cur += s.size
        end = cur
        symaddr = {}

        def sym_value(name):
            return symaddr[name]

        env = {"base": base}
        # pinned sections: expressions of base and numbers only
        for n, ex in pinned.items():
            if n not in names:
                raise CaseError("@place names unknown section %s" % n)
            addr[n] = eval_expr(ex, env, {})
            end = max(end, addr[n] + names[n].size)
        spans = sorted((addr[s.name], addr[s.name] + s.size, s.name) for s in placed)
        for (a0, a1, n0), (b0, _b1, n1) in zip(spans, spans[1:]):
            if b0 < a1:
                raise CaseError("sections %s and %s overlap" % (n0, n1))
        for y in elf.symbols:
            if y.name and y.shndx not in (E.SHN_UNDEF, E.SHN_ABS, E.SHN_COMMON) \
                    and y.shndx < len(elf.sections) and y.type != E.STT_SECTION:
                sn = elf.sections[y.shndx].name
                if sn in addr:
                    symaddr[y.name] = addr[sn] + y.value
        got_at = align_up(end + 0x40, 0x1000)
        nxt = got_at + 0x2000
        undef = {}
        weak_undef = set()
        explicit = {}
        for d in cfg["defsym"]:
            n, _, ex = d.partition("=")
            explicit[n] = ex
        far = {}
        for d in cfg["far"]:
            n, _, ex = d.partition("=")
            far[n] = ex
        for y in elf.symbols:
            if y.shndx != E.SHN_UNDEF or not y.name or y.name == GOT_SYM:
                continue
            if y.name in explicit or y.name in far or y.name in undef:
                continue
            if y.bind == E.STB_WEAK:
                weak_undef.add(y.name)
                continue
            undef[y.name] = nxt
            nxt += 0x40
        sect_env = dict(addr)
        sect_env["base"] = base
        sect_env["end"] = end
        for n, ex in explicit.items():
            undef[n] = u64(eval_expr(ex, sect_env, symaddr))
        farv = {}
        near = {}
        for n, ex in far.items():
            farv[n] = u64(eval_expr(ex, sect_env, symaddr))
            near[n] = nxt
            nxt += 0x40
        return {"base": base, "placed": placed, "addr": addr, "end": end, "got_at": got_at,
                "undef": undef, "far": farv, "near_far": near, "symaddr": symaddr,
                "weak_undef": weak_undef, "sections": names}

    def ld_script(self, plan):
        lines = ["SECTIONS {"]
        for s in sorted(plan["placed"], key=lambda s: plan["addr"][s.name]):
            lines.append("  %s 0x%x : { KEEP(*(%s)) }" % (s.name, plan["addr"][s.name], s.name))
        lines.append("  .got 0x%x : { *(.got) *(.igot) }" % plan["got_at"])
        lines.append("  .got.plt : { *(.got.plt) *(.igot.plt) }")
        lines.append("  /DISCARD/ : { *(.eh_frame*) *(.note*) *(.comment) *(.llvm_addrsig) }")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def ld_sections(self, lde, plan):
        out = {}
        for s in plan["placed"]:
            o = lde.section(s.name)
            if o is None:
                raise CaseError("ld output has no section %s" % s.name)
            if o.addr != plan["addr"][s.name]:
                raise CaseError("ld put %s at %#x, not %#x" % (s.name, o.addr, plan["addr"][s.name]))
            if o.size != s.size:
                raise CaseError("ld changed the size of %s (%#x -> %#x): merged or relaxed"
                                % (s.name, s.size, o.size))
            out[s.name] = o.data if o.type != E.SHT_NOBITS else bytes(o.size)
        return out

    # ---------------------------------------------------------------- checks
    def check_error(self, case, elf, plan, workdir, expect):
        rc, terr = self.run_tool_for_error(case, plan, workdir, elf)
        return judge_error(rc, terr, expect[1:])

    def check_refuse(self, case, elf, plan, workdir, expect):
        rc, terr = self.run_tool_for_error(case, plan, workdir, elf)
        return judge_error(rc, terr, expect[1:])

    def run_tool_for_error(self, case, plan, workdir, elf):
        xs = shlex.split(self.xsplice) + ["link", "--arch", case.arch, "--base",
                                          "0x%x" % plan["base"]]
        for s in plan["placed"]:
            xs += ["--section-start", "%s=0x%x" % (s.name, plan["addr"][s.name])]
        defs = dict(plan["undef"])
        defs.update(plan["far"])
        for s, v in sorted(defs.items()):
            xs += ["--defsym", "%s=0x%x" % (s, v)]
        xs += ["-o", os.path.join(workdir, "image.bin"), os.path.join(workdir, "case.o")]
        with open(os.path.join(workdir, "tool.cmd"), "w") as f:
            f.write(" ".join(shlex.quote(c) for c in xs) + "\n")
        rc, _o, err = run(xs, workdir, timeout=30)
        return rc, err.decode(errors="replace")

    def compare(self, case, elf, plan, ld_img, img, tmap, tool_defs):
        arch = case.arch
        details = []
        placed_spans = [(plan["addr"][s.name], plan["addr"][s.name] + s.size) for s in plan["placed"]]
        # addresses excluded from the byte comparison: GOT-dependent places
        # (checked semantically) and far-branch sites (checked by emulation)
        mask = set()
        relocs_at = []
        for sec, rl in elf.relocs:
            if sec.name not in plan["addr"]:
                continue
            sa = plan["addr"][sec.name]
            for r in rl:
                w = E.reloc_width(elf.machine, r.type)
                relocs_at.append((sa + r.offset, w, r))
                if got_dependent(arch, r):
                    lo = 3 if arch == "x86_64" and E.X86_RELOCS.get(r.type) in (
                        "GOTPCRELX", "REX_GOTPCRELX") else 0
                    mask.update(range(sa + r.offset - lo, sa + r.offset + w))
                elif r.sym.name in plan["far"] and is_branch(arch, elf, sec, r):
                    mask.update(range(sa + r.offset, sa + r.offset + w))
        for s in sorted(plan["placed"], key=lambda s: plan["addr"][s.name]):
            a = plan["addr"][s.name]
            want = ld_img[s.name]
            got = img.read(a, s.size, zero_fill=(s.type == E.SHT_NOBITS))
            if got is None:
                details.append("image too short: %s at %#x+%#x lies past the image end %#x"
                               % (s.name, a, s.size, img.base + len(img.data)))
                continue
            for i in range(s.size):
                if want[i] != got[i] and (a + i) not in mask:
                    details.append("first difference at %#x (%s+%#x): ld %02x, xsplice %02x"
                                   % (a + i, s.name, i, want[i], got[i]))
                    for pa, w, r in relocs_at:
                        if pa - 8 < a + i < pa + w + 8 and r.section.name == s.name:
                            details.append(describe_reloc(elf, r, pa, w, want, got, a, plan))
                    break
            if len(details) > 12:
                break
        # gaps between placed sections must be zero, except where the tool's
        # map says it put something (GOT, stubs, unplaced sections)
        if not details:
            other = [(e[0], e[0] + e[1]) for e in tmap if e[3] not in plan["addr"]]
            spans = sorted(placed_spans)
            for (a0, a1), (b0, _b1) in zip(spans, spans[1:]):
                for x in range(a1, b0):
                    if any(o0 <= x < o1 for o0, o1 in other):
                        continue
                    b = img.byte(x)
                    if b:
                        details.append("gap byte at %#x is %02x, not zero" % (x, b))
                        break
        # GOT-dependent places and far branches
        details += self.semantic(arch, elf, plan, img, tool_defs, is_ld=False,
                                 placed_spans=placed_spans)
        return details

    def semantic(self, arch, elf, plan, img, defs, is_ld, placed_spans=None):
        problems = []
        resolve = make_resolver(plan, defs)
        got_bases = []
        adrp_got = {}  # (section, reg) -> list of (addr, page, sym)
        for sec, rl in elf.relocs:
            if sec.name not in plan["addr"]:
                continue
            sa = plan["addr"][sec.name]
            for r in rl:
                if not got_dependent(arch, r):
                    continue
                P = sa + r.offset
                name = E.reloc_name(elf.machine, r.type)
                try:
                    if arch == "x86_64":
                        gb = check_x86_got(img, r, P, resolve, name)
                    else:
                        gb = check_a64_got(img, r, P, resolve, name, sec, sa, rl, elf)
                    if gb is not None:
                        got_bases.append((gb, name, P))
                except Fail as e:
                    problems.append("%s at %#x (%s+%#x) against %s: %s"
                                    % (name, P, sec.name, r.offset, r.sym.name or "?", e))
        if got_bases:
            first = got_bases[0][0]
            for gb, name, P in got_bases:
                if gb != first:
                    problems.append("GOT base disagrees: %s at %#x implies %#x, %s at %#x implies %#x"
                                    % (got_bases[0][1], got_bases[0][2], first, name, P, gb))
                    break
        if not is_ld and plan["far"]:
            for sec, rl in elf.relocs:
                if sec.name not in plan["addr"]:
                    continue
                sa = plan["addr"][sec.name]
                for r in rl:
                    if r.sym.name not in plan["far"] or not is_branch(arch, elf, sec, r):
                        continue
                    P = sa + r.offset
                    try:
                        follow_far(arch, img, r, P, plan["far"][r.sym.name], placed_spans, sec)
                    except Fail as e:
                        problems.append("far branch %s at %#x (%s+%#x) to %s=%#x: %s"
                                        % (E.reloc_name(elf.machine, r.type), P, sec.name, r.offset,
                                           r.sym.name, plan["far"][r.sym.name], e))
        return problems


def judge_error(rc, terr, want):
    if rc is None or rc >= 128 or rc < 0 or "Traceback" in terr or "Sanitizer" in terr:
        return "FAIL", ["xsplice crashed (status %s): %s" % (rc, terr[-600:])]
    msgs = []
    if rc != 1:
        msgs.append("exit status %d, want 1" % rc)
    if "xsplice: error:" not in terr:
        msgs.append("no 'xsplice: error:' on stderr")
    for w in want:
        if w not in terr:
            msgs.append("stderr does not name %s" % w)
    if msgs:
        msgs.append("stderr: " + terr.strip()[-600:])
        return "FAIL", msgs
    return "PASS", ["rejected: " + terr.strip().splitlines()[-1][:200] if terr.strip() else ""]


def skip_section(s):
    n = s.name
    return n.startswith(".eh_frame") or n.startswith(".note") or n == ".comment"


def eval_expr(ex, env, syms):
    total = 0
    toks = re.split(r"\s*([+-])\s*", ex.strip())
    sign = 1
    if toks and toks[0] == "":
        toks = toks[1:]
    for t in toks:
        if t == "+":
            continue
        if t == "-":
            sign = -sign
            continue
        if re.match(r"^(0x[0-9a-fA-F]+|\d+)$", t):
            v = int(t, 0)
        elif t in env:
            v = env[t]
        elif t in syms:
            v = syms[t]
        else:
            raise CaseError("cannot evaluate %r in %r" % (t, ex))
        total += sign * v
        sign = 1
    return total


def make_resolver(plan, defs):
    def resolve(sym):
        if sym.type == E.STT_SECTION:
            for n, a in plan["addr"].items():
                sec = plan["sections"].get(n)
                if sec is not None and sec.index == sym.shndx:
                    return a
            raise Fail("relocation against unplaced section")
        if sym.shndx == E.SHN_UNDEF:
            if sym.name in defs:
                return defs[sym.name]
            if sym.name in plan["weak_undef"]:
                return 0
            raise Fail("no address for %s" % sym.name)
        if sym.shndx == E.SHN_ABS:
            return sym.value
        if sym.name in plan["symaddr"]:
            return plan["symaddr"][sym.name]
        raise Fail("symbol %s in an unplaced section" % sym.name)
    return resolve


def got_dependent(arch, r):
    if r.sym.name == GOT_SYM:
        return True
    if arch == "x86_64":
        return E.X86_RELOCS.get(r.type) in ("GOTPCREL", "GOTPCRELX", "REX_GOTPCRELX",
                                            "GOTPCREL64", "GOTPC32", "GOTPC64", "GOTOFF64")
    return E.A64_RELOCS.get(r.type) in ("ADR_GOT_PAGE", "LD64_GOT_LO12_NC",
                                        "LD64_GOTPAGE_LO15", "GOT_LD_PREL19")


def is_branch(arch, elf, sec, r):
    if arch == "aarch64":
        return E.A64_RELOCS.get(r.type) in ("CALL26", "JUMP26")
    n = E.X86_RELOCS.get(r.type)
    if n == "PLT32":
        return True
    if n != "PC32":
        return False
    d = sec.data
    o = r.offset
    if o >= 1 and d[o - 1] in (0xE8, 0xE9):
        return True
    return o >= 2 and d[o - 2] == 0x0F and 0x80 <= d[o - 1] <= 0x8F


class FlatImage:
    def __init__(self, base, data):
        self.base = base
        self.data = data

    @classmethod
    def from_elf(cls, e):
        secs = [s for s in e.sections if s.flags & E.SHF_ALLOC and s.size]
        lo = min(s.addr for s in secs)
        hi = max(s.addr + s.size for s in secs)
        buf = bytearray(hi - lo)
        for s in secs:
            if s.type != E.SHT_NOBITS:
                buf[s.addr - lo:s.addr - lo + s.size] = s.data
        return cls(lo, bytes(buf))

    def read(self, addr, n, zero_fill=False):
        o = addr - self.base
        if o < 0:
            return None
        if o + n > len(self.data):
            if not zero_fill:
                return None
            part = self.data[o:] if o < len(self.data) else b""
            return part + bytes(n - len(part))
        return self.data[o:o + n]

    def byte(self, addr):
        o = addr - self.base
        return self.data[o] if 0 <= o < len(self.data) else 0

    def q(self, addr):
        b = self.read(addr, 8)
        if b is None:
            raise Fail("address %#x is outside the image [%#x, %#x)"
                       % (addr, self.base, self.base + len(self.data)))
        return struct.unpack("<Q", b)[0]

    def d(self, addr):
        b = self.read(addr, 4)
        if b is None:
            raise Fail("address %#x is outside the image" % addr)
        return struct.unpack("<I", b)[0]


def read_map(path):
    """`--map` lines: address size kind name (numbers hex, 0x optional)."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) < 3 or p[0].startswith("#"):
                continue
            try:
                a = int(p[0], 16)
                n = int(p[1], 16) if not p[1].isdigit() or p[1].startswith("0x") else int(p[1], 0)
            except ValueError:
                continue
            out.append((a, n, p[2], p[3] if len(p) > 3 else ""))
    return out


def describe_reloc(elf, r, pa, w, want, got, secaddr, plan):
    o = pa - secaddr
    return ("    %s at %#x (%s+%#x) sym %s%+#x: ld %s, xsplice %s"
            % (E.reloc_name(elf.machine, r.type), pa, r.section.name, r.offset,
               r.sym.name or "<sec %d>" % r.sym.shndx, r.addend,
               want[o:o + w].hex(), got[o:o + w].hex()))


# ---------------------------------------------------------------------------
# semantic checks: GOT

def check_x86_got(img, r, P, resolve, name):
    """Returns the GOT base implied by the place, or None."""
    A = r.addend
    if name in ("R_X86_64_GOTPC32", "R_X86_64_GOTPC64") or (
            r.sym.name == GOT_SYM and name in ("R_X86_64_PC32", "R_X86_64_PC64")):
        v = sext(img.d(P), 32) if name.endswith("32") else sext(img.q(P), 64)
        return u64(P + v - A)
    if name == "R_X86_64_GOTOFF64":
        v = sext(img.q(P), 64)
        return u64(resolve(r.sym) + A - v)
    S = resolve(r.sym)
    if name == "R_X86_64_GOTPCREL64":
        slot = u64(P + sext(img.q(P), 64) - A)
        check_slot(img, slot, S)
        return None
    v = sext(img.d(P), 32)
    if name == "R_X86_64_GOTPCREL":
        check_slot(img, u64(P + v - A), S)
        return None
    op, modrm = img.byte(P - 2), img.byte(P - 1)
    if modrm & 0xC7 == 0x05 and op in (0x8B, 0x03, 0x2B, 0x33, 0x23, 0x0B, 0x3B, 0x85) \
            or (op == 0xFF and modrm in (0x15, 0x25)):
        check_slot(img, u64(P + v - A), S)
        return None
    if op == 0x8D and modrm & 0xC7 == 0x05:  # relaxed to lea
        if u64(P + v - A) != S:
            raise Fail("relaxed lea reaches %#x, want %#x" % (u64(P + v - A), S))
        return None
    if op == 0x67 and modrm == 0xE8 or (op == 0x90 and modrm == 0xE8) \
            or (op == 0x2E and modrm == 0xE8):  # relaxed call with a 1-byte prefix
        tgt = u64(P + 4 + v)
        if tgt != S:
            raise Fail("relaxed call reaches %#x, want %#x" % (tgt, S))
        return None
    if op in (0xE8, 0xE9):  # call/jmp rel32 at P-1, nop after
        tgt = u64(P + 3 + sext(img.d(P - 1), 32))
        if tgt != S:
            raise Fail("relaxed branch reaches %#x, want %#x" % (tgt, S))
        return None
    if op in (0xC7, 0x81, 0xF7) and modrm & 0xC0 == 0xC0:  # mov/binop $imm32, %reg
        rex = img.byte(P - 3)
        imm = img.d(P)
        val = u64(sext(imm, 32)) if (rex & 0xF8) == 0x48 else imm
        if val != S:
            raise Fail("relaxed immediate is %#x, want %#x" % (val, S))
        return None
    raise Fail("unrecognised instruction bytes %s at the place"
               % (img.read(P - 3, 7) or b"").hex())


def check_slot(img, slot, S):
    try:
        v = img.q(slot)
    except Fail as e:
        raise Fail("GOT slot %#x: %s" % (slot, e))
    if v != S:
        raise Fail("GOT slot %#x holds %#x, want %#x" % (slot, v, S))


def a64_adrp_target(insn, P):
    if insn & 0x9F000000 != 0x90000000:
        return None
    imm = ((insn >> 29) & 3) | (((insn >> 5) & 0x7FFFF) << 2)
    return u64((P & ~0xFFF) + (sext(imm, 21) << 12))


def check_a64_got(img, r, P, resolve, name, sec, sa, rl, elf):
    A = r.addend
    insn = img.d(P)
    if r.sym.name == GOT_SYM:
        if name in ("R_AARCH64_ADR_PREL_PG_HI21", "R_AARCH64_ADR_PREL_PG_HI21_NC"):
            page = a64_adrp_target(insn, P)
            if page is None:
                raise Fail("not an ADRP: %08x" % insn)
            return None  # the page is checked through LD64_GOTPAGE_LO15
        return None
    S = resolve(r.sym)
    want = u64(S + A)
    if name == "R_AARCH64_ADR_GOT_PAGE":
        if a64_adrp_target(insn, P) is None:
            raise Fail("not an ADRP: %08x" % insn)
        return None
    if name == "R_AARCH64_GOT_LD_PREL19":
        if insn & 0xFF000000 == 0x58000000:
            slot = u64(P + (sext((insn >> 5) & 0x7FFFF, 19) << 2))
            check_slot(img, slot, want)
            return None
        if insn & 0x9F000000 == 0x10000000:  # relaxed to ADR
            imm = ((insn >> 29) & 3) | (((insn >> 5) & 0x7FFFF) << 2)
            if u64(P + sext(imm, 21)) != want:
                raise Fail("relaxed ADR reaches %#x, want %#x" % (u64(P + sext(imm, 21)), want))
            return None
        raise Fail("not an LDR literal: %08x" % insn)
    rn = (insn >> 5) & 31
    # find the ADRP that sets rn: the nearest preceding relocated ADRP with rd == rn
    best = None
    for q in rl:
        qn = E.reloc_name(elf.machine, q.type)
        if q.offset >= r.offset or qn not in ("R_AARCH64_ADR_GOT_PAGE", "R_AARCH64_ADR_PREL_PG_HI21",
                                             "R_AARCH64_ADR_PREL_PG_HI21_NC"):
            continue
        if name == "R_AARCH64_LD64_GOT_LO12_NC" and (q.sym.name != r.sym.name or q.addend != A):
            continue
        if name == "R_AARCH64_LD64_GOTPAGE_LO15" and q.sym.name != GOT_SYM:
            continue
        qi = img.d(sa + q.offset)
        if qi & 31 != rn:
            continue
        if best is None or q.offset > best[0]:
            best = (q.offset, qi)
    if best is None:
        raise Fail("no ADRP setting x%d before the load" % rn)
    page = a64_adrp_target(best[1], sa + best[0])
    if page is None:
        raise Fail("paired instruction is not an ADRP: %08x" % best[1])
    if insn & 0xFFC00000 == 0xF9400000:  # LDR Xt, [Xn, #imm12*8]
        off = ((insn >> 10) & 0xFFF) * 8
        check_slot(img, u64(page + off), want)
        return None
    if insn & 0xFF800000 == 0x91000000 and name == "R_AARCH64_LD64_GOT_LO12_NC":  # relaxed ADD
        tgt = u64(page + ((insn >> 10) & 0xFFF))
        if tgt != want:
            raise Fail("relaxed ADD reaches %#x, want %#x" % (tgt, want))
        return None
    raise Fail("unexpected instruction %08x at the place" % insn)


# ---------------------------------------------------------------------------
# far branches: follow the site to a stub, emulate the stub

def follow_far(arch, img, r, P, S, placed_spans, sec):
    A = r.addend

    def outside_placed(a, n=1):
        return all(not (s0 < a + n and a < s1) for s0, s1 in placed_spans)

    def in_image(a, n=1):
        return img.base <= a and a + n <= img.base + len(img.data)

    if arch == "x86_64":
        target = u64(S + A + 4)
        k = min(2, r.offset)
        orig = sec.data[r.offset - k:r.offset]
        now = img.read(P - k, k)
        if now != orig:
            raise Fail("the site's opcode changed: %s -> %s" % (orig.hex(), (now or b"").hex()))
        pc = u64(P + 4 + sext(img.d(P), 32))
        if pc == target:
            raise Fail("rel32 cannot reach %#x directly" % target)
        r11 = None
        stack = []
        for _ in range(6):
            if not in_image(pc, 1) or not outside_placed(pc):
                raise Fail("stub at %#x is not in the image outside the placed sections" % pc)
            b = img.read(pc, 16, zero_fill=True)
            if b[:4] == b"\xf3\x0f\x1e\xfa":  # endbr64
                pc += 4
                continue
            if b[0] == 0xE9:
                pc = u64(pc + 5 + sext(struct.unpack_from("<I", b, 1)[0], 32))
            elif b[0] == 0xEB:
                pc = u64(pc + 2 + sext(b[1], 8))
            elif b[:2] == b"\xff\x25":
                lit = u64(pc + 6 + sext(struct.unpack_from("<I", b, 2)[0], 32))
                if not in_image(lit, 8) or not outside_placed(lit, 8):
                    raise Fail("stub literal %#x is not in the image outside placed sections" % lit)
                pc = img.q(lit)
            elif b[:2] == b"\x49\xbb":
                r11 = struct.unpack_from("<Q", b, 2)[0]
                pc += 10
                continue
            elif b[:3] == b"\x4c\x8b\x1d":
                lit = u64(pc + 7 + sext(struct.unpack_from("<I", b, 3)[0], 32))
                if not in_image(lit, 8) or not outside_placed(lit, 8):
                    raise Fail("stub literal %#x is not in the image outside placed sections" % lit)
                r11 = img.q(lit)
                pc += 7
                continue
            elif b[:3] == b"\x41\xff\xe3":
                if r11 is None:
                    raise Fail("jmp *%r11 before %r11 was set")
                pc = r11
            elif b[0] == 0x68:
                stack.append(u64(sext(struct.unpack_from("<I", b, 1)[0], 32)))
                pc += 5
                continue
            elif b[:4] == b"\xc7\x44\x24\x04" and stack:
                hi = struct.unpack_from("<I", b, 4)[0]
                stack[-1] = (stack[-1] & 0xFFFFFFFF) | (hi << 32)
                pc += 8
                continue
            elif b[0] == 0xC3 and stack:
                pc = stack.pop()
            else:
                raise Fail("stub at %#x: unknown instruction bytes %s" % (pc, b[:8].hex()))
            if pc == target:
                if stack:
                    raise Fail("stub left the stack unbalanced")
                return
        raise Fail("stub does not reach %#x within 6 instructions" % target)

    # aarch64
    target = u64(S + A)
    insn = img.d(P)
    orig = struct.unpack_from("<I", sec.data, r.offset)[0]
    if insn & 0xFC000000 != orig & 0xFC000000:
        raise Fail("the site's opcode changed: %08x -> %08x" % (orig, insn))
    pc = u64(P + (sext(insn & 0x3FFFFFF, 26) << 2))
    regs = {}
    for _ in range(6):
        if not in_image(pc, 4) or not outside_placed(pc, 4):
            raise Fail("veneer at %#x is not in the image outside the placed sections" % pc)
        i = img.d(pc)
        rd = i & 31
        if i in (0xD503201F, 0xD503245F, 0xD503249F, 0xD50324DF):  # nop, bti
            pc += 4
            continue
        if i & 0xFC000000 == 0x14000000:  # B
            pc = u64(pc + (sext(i & 0x3FFFFFF, 26) << 2))
            if pc == target:
                return
            continue
        if i & 0xFFFFFC1F == 0xD61F0000:  # BR
            rn = (i >> 5) & 31
            if rn not in regs:
                raise Fail("BR x%d before x%d was set" % (rn, rn))
            pc = regs[rn]
            if pc == target:
                return
            continue
        if i & 0x9F000000 in (0x90000000, 0x10000000):  # ADRP / ADR
            imm = sext(((i >> 29) & 3) | (((i >> 5) & 0x7FFFF) << 2), 21)
            v = u64((pc & ~0xFFF) + (imm << 12)) if i & 0x80000000 else u64(pc + imm)
        elif i & 0xFF800000 == 0x91000000:  # ADD Xd, Xn, #imm{, lsl 12}
            rn = (i >> 5) & 31
            if rn not in regs:
                raise Fail("ADD reads x%d before it was set" % rn)
            imm = (i >> 10) & 0xFFF
            if i & (1 << 22):
                imm <<= 12
            v = u64(regs[rn] + imm)
        elif i & 0xFF800000 in (0xD2800000, 0x92800000, 0xF2800000):  # MOVZ/MOVN/MOVK
            hw = (i >> 21) & 3
            imm = ((i >> 5) & 0xFFFF) << (16 * hw)
            kind = i & 0xFF800000
            if kind == 0xD2800000:
                v = imm
            elif kind == 0x92800000:
                v = u64(~imm)
            else:
                if rd not in regs:
                    raise Fail("MOVK into x%d before it was set" % rd)
                v = (regs[rd] & ~(0xFFFF << (16 * hw)) & 0xFFFFFFFFFFFFFFFF) | imm
        elif i & 0xFF000000 == 0x58000000:  # LDR Xt, literal
            lit = u64(pc + (sext((i >> 5) & 0x7FFFF, 19) << 2))
            if not in_image(lit, 8) or not outside_placed(lit, 8):
                raise Fail("veneer literal %#x is not in the image outside placed sections" % lit)
            v = img.q(lit)
        elif i & 0xFFC00000 == 0xF9400000:  # LDR Xt, [Xn, #imm]
            rn = (i >> 5) & 31
            if rn not in regs:
                raise Fail("LDR reads x%d before it was set" % rn)
            lit = u64(regs[rn] + ((i >> 10) & 0xFFF) * 8)
            if not in_image(lit, 8) or not outside_placed(lit, 8):
                raise Fail("veneer literal %#x is not in the image outside placed sections" % lit)
            v = img.q(lit)
        else:
            raise Fail("veneer at %#x: unknown instruction %08x" % (pc, i))
        if rd not in (16, 17):
            raise Fail("veneer writes x%d (only x16/x17 allowed)" % rd)
        regs[rd] = v
        pc += 4
    raise Fail("veneer does not reach %#x within 6 instructions" % target)


# ---------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--xsplice", help="the xsplice command (may include arguments)")
    ap.add_argument("--self-check", action="store_true",
                    help="run only the compiler and GNU ld side")
    ap.add_argument("--arch", choices=ARCHES + ("all",), default="all")
    ap.add_argument("-k", dest="filter", action="append", default=[],
                    help="only cases whose id contains this (repeatable)")
    ap.add_argument("--keep", help="keep each case's work files under this directory")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-j", type=int, default=max(2, os.cpu_count() or 2))
    ap.add_argument("-v", action="store_true", help="print details of passing cases too")
    ap.add_argument("cases", nargs="*", default=[os.path.join(HERE, "cases")])
    args = ap.parse_args()
    if not args.self_check and not args.xsplice:
        ap.error("--xsplice is required unless --self-check")

    files = []
    for c in args.cases:
        if os.path.isdir(c):
            files += [os.path.join(c, f) for f in sorted(os.listdir(c))
                      if f.endswith((".c", ".s", ".S"))]
        else:
            files.append(c)
    cases = []
    for f in files:
        cases += parse_case(f)
    if args.arch != "all":
        cases = [c for c in cases if c.arch == args.arch]
    if args.filter:
        cases = [c for c in cases if any(k in c.id for k in args.filter)]

    runner = Runner(args)
    t0 = time.time()
    results = {}

    def one(case):
        if args.keep:
            wd = os.path.join(args.keep, re.sub(r"[^\w.-]+", "_", case.id))
            shutil.rmtree(wd, ignore_errors=True)
            os.makedirs(wd)
        else:
            wd = tempfile.mkdtemp(prefix="xsdiff.")
        try:
            st, det, counts = runner.check(case, wd)
        except CaseError as e:
            st, det, counts = "ERROR", str(e).splitlines(), {}
        except Fail as e:
            st, det, counts = "FAIL", str(e).splitlines(), {}
        except Exception as e:  # a bug in this script must not look like a pass
            import traceback
            st, det, counts = "ERROR", ["internal: %r" % e] + traceback.format_exc().splitlines()[-6:], {}
        finally:
            if not args.keep:
                shutil.rmtree(wd, ignore_errors=True)
        return case, st, det, counts

    total_counts = {a: {} for a in ARCHES}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.j) as ex:
        for case, st, det, counts in ex.map(one, cases):
            results[case.id] = st
            print("%-5s %s" % (st, case.id), flush=True)
            if st != "PASS" or args.v:
                for d in det[:20]:
                    if d:
                        print("      " + d)
            for n, k in counts.items():
                tc = total_counts[case.arch]
                tc[n] = tc.get(n, 0) + k

    failed = sum(1 for s in results.values() if s != "PASS")
    passed = len(results) - failed
    # coverage of relocation types
    missing = []
    for arch in ARCHES:
        if args.arch not in ("all", arch) or args.filter:
            continue
        prefix = "R_X86_64_" if arch == "x86_64" else "R_AARCH64_"
        seen = total_counts[arch]
        cov = ", ".join("%s:%d" % (n[len(prefix):], seen[n]) for n in sorted(seen))
        print("coverage %s: %s" % (arch, cov))
        for n in REQUIRED[arch]:
            if seen.get(prefix + n, 0) == 0:
                missing.append(prefix + n)
    if missing:
        print("ERROR coverage: no case produced " + ", ".join(missing))
        failed += 1
    print("time: %.1fs%s" % (time.time() - t0, " (self-check: ld side only)" if args.self_check else ""))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
