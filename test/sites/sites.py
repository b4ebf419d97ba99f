#!/usr/bin/env python3
"""Independent patch-site computation, compared with `xsplice check-sites`.

    sites.py IMAGE PLAIN_OUT VERBOSE_OUT

IMAGE's sections and symbols come from `readelf -SW` / `readelf -sW` output,
its bytes from the file itself; nothing is shared with the library. The
definitions (issue 5):
  - functions: distinct addresses of STT_FUNC symbols with size > 0 in
    executable sections, aliases once with the largest size;
  - patch point: the address, + 4 after ENDBR64 (x86_64) or BTI / PACIASP /
    PACIBSP (AArch64);
  - padding: bytes from the end up to the first symbol at or after it (any
    type but SECTION / FILE) or the section's end, while they are filler:
    x86_64 NOPs (with prefixes), int3, zero bytes; AArch64 NOP, zero words;
  - room = end + padding - patch point; too small below 5 (x86_64) / 4.
Checks: the plain output lists exactly the too-small functions (room, size,
name) followed by the exact summary line; the -v output has one line per
function with the right room and size.
"""
import re
import struct
import subprocess
import sys
from collections import defaultdict


def readelf(args, path, tool):
    return subprocess.run([tool] + args + [path], check=True, capture_output=True,
                          text=True).stdout


def sections(path, tool):
    out = {}
    machine = None
    for line in readelf(["-hSW"], path, tool).splitlines():
        m = re.match(r"\s*Machine:\s*(.*)", line)
        if m:
            machine = "aarch64" if "AArch64" in m.group(1) else "x86_64"
        m = re.match(r"\s*\[\s*(\d+)\]\s+(\S*)\s+(\S+)\s+([0-9a-f]{16})\s+([0-9a-f]+)\s+"
                     r"([0-9a-f]+)\s+([0-9a-f]+)\s*([A-Za-z]*)\s+\d+\s+\d+\s+\d+$", line)
        if m:
            idx = int(m.group(1))
            out[idx] = dict(name=m.group(2), type=m.group(3), addr=int(m.group(4), 16),
                            off=int(m.group(5), 16), size=int(m.group(6), 16),
                            flags=m.group(8))
    return machine, out


def symbols(path, tool):
    syms = []
    cur_file = None
    in_symtab = False
    for line in readelf(["-sW"], path, tool).splitlines():
        if line.startswith("Symbol table"):
            in_symtab = ".symtab" in line
            cur_file = None
            continue
        if not in_symtab:
            continue
        f = line.split()
        if len(f) < 7 or not f[0].endswith(":"):
            continue
        try:
            value = int(f[1], 16)
            size = int(f[2], 0) if not f[2].startswith("0x") else int(f[2], 16)
        except ValueError:
            continue
        typ, bind, ndx = f[3], f[4], f[6]
        name = f[7] if len(f) > 7 else ""
        if typ == "FILE":
            cur_file = name
            continue
        if ndx == "UND" or typ == "SECTION":
            continue
        syms.append(dict(value=value, size=size, type=typ, bind=bind, ndx=ndx, name=name,
                         file=cur_file if bind == "LOCAL" else None))
    return syms


def x86_filler(b, p, limit):
    """Length of one filler instruction at b[p:limit], 0 if none."""
    c = b[p]
    if c in (0x90, 0xCC, 0x00):
        return 1
    q = p
    while q < limit and b[q] in (0x66, 0x2E):
        q += 1
    if q >= limit:
        return 0
    if q > p and b[q] == 0x90:
        return q + 1 - p
    if q + 2 < limit + 1 and b[q] == 0x0F and q + 1 < limit and b[q + 1] == 0x1F:
        if q + 2 >= limit:
            return 0
        modrm = b[q + 2]
        mod, reg, rm = modrm >> 6, (modrm >> 3) & 7, modrm & 7
        if reg != 0:
            return 0
        n = 3
        if mod != 3 and rm == 4:
            if q + 3 >= limit:
                return 0
            sib = b[q + 3]
            n += 1
            if mod == 0 and (sib & 7) == 5:
                n += 4
        if mod == 0 and rm == 5:
            n += 4
        elif mod == 1:
            n += 1
        elif mod == 2:
            n += 4
        total = q - p + n
        return total if p + total <= limit else 0
    return 0


A64_FILL = {0xD503201F, 0x00000000}
A64_ENTRY = {0xD503241F, 0xD503245F, 0xD503249F, 0xD50324DF, 0xD503233F, 0xD503237F}


def main():
    image, plain_path, verbose_path = sys.argv[1:4]
    tool = "readelf"
    raw = open(image, "rb").read()
    machine, secs = sections(image, tool)
    syms = symbols(image, tool)
    by_addr = defaultdict(list)
    for s in syms:
        idx = int(s["ndx"]) if s["ndx"].isdigit() else None
        if (s["type"] == "FUNC" and s["size"] > 0 and idx is not None and idx in secs
                and "X" in secs[idx]["flags"]):
            by_addr[s["value"]].append(s)
    addrs = sorted(set(s["value"] for s in syms))
    import bisect

    def fmt(s):
        return "%s#%s" % (s["file"], s["name"]) if s["file"] else s["name"]

    funcs = {}
    for addr, al in by_addr.items():
        size = max(s["size"] for s in al)
        sec = secs[int(al[0]["ndx"])]
        end = addr + size
        sec_end = sec["addr"] + sec["size"]
        data = raw[sec["off"]:sec["off"] + sec["size"]] if sec["type"] != "NOBITS" else b""
        o = addr - sec["addr"]
        pp = addr
        if machine == "x86_64":
            if data[o:o + 4] == b"\xf3\x0f\x1e\xfa" and size >= 4:
                pp += 4
        elif len(data) >= o + 4 and struct.unpack_from("<I", data, o)[0] in A64_ENTRY and size >= 4:
            pp += 4
        pad = 0
        if data and end < sec_end:
            k = bisect.bisect_left(addrs, end)
            limit = min(sec_end, addrs[k]) if k < len(addrs) else sec_end
            p, lim = end - sec["addr"], limit - sec["addr"]
            while p < lim:
                if machine == "x86_64":
                    n = x86_filler(data, p, lim)
                else:
                    n = 4 if p + 4 <= lim and struct.unpack_from("<I", data, p)[0] in A64_FILL else 0
                if not n:
                    break
                p += n
                pad += n
        room = end + pad - pp
        funcs[addr] = dict(size=size, room=room, names={fmt(s) for s in al}, pad=pad)

    minroom = 5 if machine == "x86_64" else 4
    small = {a: f for a, f in funcs.items() if f["room"] < minroom}
    problems = []
    want_summary = "%d functions, %d cannot be patched in place" % (len(funcs), len(small))

    plain = open(plain_path).read().splitlines()
    if not plain or plain[-1] != want_summary:
        problems.append("plain: last line %r, expected %r" % (plain[-1] if plain else "", want_summary))
    lines = plain[:-1]
    if len(lines) != len(small):
        problems.append("plain: %d function lines, expected %d" % (len(lines), len(small)))
    left = dict(small)
    for ln in lines:
        f = ln.split()
        room, size, name = int(f[0]), int(f[1]), f[2]
        hit = [a for a, fn in left.items() if name in fn["names"] and fn["room"] == room
               and fn["size"] == size]
        if not hit:
            problems.append("plain: unexpected line %r" % ln)
        else:
            del left[hit[0]]
    for a, fn in left.items():
        problems.append("plain: missing %#x room %d size %d %s" % (a, fn["room"], fn["size"],
                                                                 sorted(fn["names"])))
    verbose = open(verbose_path).read().splitlines()
    if not verbose or verbose[-1] != want_summary:
        problems.append("verbose: bad last line %r" % (verbose[-1] if verbose else ""))
    left = dict(funcs)
    by_name = defaultdict(list)
    for a, fn in funcs.items():
        for n in fn["names"]:
            by_name[n].append(a)
    for ln in verbose[:-1]:
        f = ln.split()
        room, size, name = int(f[0]), int(f[1]), f[2]
        hit = [a for a in by_name.get(name, []) if a in left and left[a]["room"] == room
               and left[a]["size"] == size]
        if not hit:
            cand = [(hex(a), funcs[a]["room"], funcs[a]["size"]) for a in by_name.get(name, [])]
            problems.append("verbose: %r does not match (independent: %s)" % (ln, cand))
        else:
            del left[hit[0]]
    for a, fn in list(left.items())[:20]:
        problems.append("verbose: no line for %#x %s" % (a, sorted(fn["names"])))
    padded = sum(1 for f in funcs.values() if f["pad"])
    print("  %s: %s [%s; %d with padding]" % (image, want_summary, machine, padded))
    for p in problems[:40]:
        print("  MISMATCH " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
