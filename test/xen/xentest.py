#!/usr/bin/env python3
"""Xen's own livepatch payloads through `xsplice link`, `inspect` and `check`.

    xentest.py XSPLICE [DIR...]     (default: every directory of
                                     /work/shared/xen holding a xen-syms)

For every *.livepatch next to a xen-syms (found by glob, so payloads of the
same build that this file never saw are run the same way):

1. link: every non-empty SHF_ALLOC section gets an address after the image's
   end (text, read-only, writable; alignment kept); GNU ld (`ld -R xen-syms`,
   `aarch64-linux-gnu-ld -R xen-syms`) links the payload with a script that
   puts each section at its address, and `xsplice link --just-symbols
   xen-syms --section-start ...` does the same; every placed section must be
   at the same address with the same size and the same bytes.
2. inspect: exit 0 and the .livepatch.* sections decoded without error.
3. check --image xen-syms, with --after the payloads it stacks on (found by
   matching its .livepatch.depends to their .note.gnu.build-id): exit 0; or
   exit 1 only for reasons that are properties of the image (a branch into
   the site, a site too small, a jump out of reach) - then every reason is
   printed; any other reason, or any other exit status (a crash), fails.
"""
import glob
import os
import struct
import subprocess
import sys
import tempfile

SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 1, 2, 4
SHT_NOBITS, SHT_NOTE = 8, 7


class Elf:
    def __init__(self, path):
        raw = open(path, "rb").read()
        self.raw = raw
        assert raw[:4] == b"\x7fELF" and raw[4] == 2 and raw[5] == 1, path
        self.machine = struct.unpack_from("<H", raw, 18)[0]
        shoff = struct.unpack_from("<Q", raw, 0x28)[0]
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", raw, 0x3A)
        self.secs = []
        for i in range(shnum):
            nm, typ, flags, addr, off, size, link, info, align, es = struct.unpack_from(
                "<IIQQQQIIQQ", raw, shoff + i * shentsize)
            self.secs.append(dict(idx=i, nm=nm, type=typ, flags=flags, addr=addr, off=off,
                                  size=size, align=max(align, 1)))
        st = self.secs[shstrndx]
        for s in self.secs:
            n = raw[st["off"] + s["nm"]:]
            s["name"] = n[:n.index(b"\0")].decode()
            s["data"] = b"" if s["type"] == SHT_NOBITS else raw[s["off"]:s["off"] + s["size"]]

    def section(self, name):
        return next((s for s in self.secs if s["name"] == name), None)

    def note_id(self, name):
        s = self.section(name)
        if s is None or len(s["data"]) < 16:
            return None
        namesz, descsz, typ = struct.unpack_from("<III", s["data"], 0)
        o = 12 + ((namesz + 3) & ~3)
        return s["data"][o:o + descsz].hex()


def align_up(x, a):
    return (x + a - 1) // a * a


def run(cmd, cwd=None):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def layout(obj, base):
    placed = [s for s in obj.secs if s["flags"] & SHF_ALLOC and s["size"] > 0]
    names = [s["name"] for s in placed]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise RuntimeError("several sections named %s: cannot pin them by name" % sorted(dup))

    def kind(s):
        return 0 if s["flags"] & SHF_EXECINSTR else 2 if s["flags"] & SHF_WRITE else 1
    cur = base
    plan = []
    for k in range(3):
        for s in placed:
            if kind(s) == k:
                cur = align_up(cur, s["align"])
                plan.append((s, cur))
                cur += s["size"]
                cur += 0x10  # small gaps: a section that leaks into the next shows
    return plan


LEGIT = ("branch into site:", "too-small site:", "out of reach:")


def test_payload(xs, arch, img, image_elf, payload, by_id, work):
    problems = []
    notes = []
    obj = Elf(payload)
    end = max(s["addr"] + s["size"] for s in image_elf.secs if s["flags"] & SHF_ALLOC)
    base = align_up(end, 0x200000)
    plan = layout(obj, base)
    # ---- GNU ld
    # Output sections get names of their own: ld treats some output names
    # specially (it rewrites an output .eh_frame, merging CIEs), which is an
    # ld optimisation, not relocation. And ld drops every input
    # .note.gnu.build-id in a final link, so that one is renamed first
    # (objcopy --rename-section: the bytes stay).
    script = os.path.join(work, "payload.ld")
    ldin = payload
    if obj.section(".note.gnu.build-id") is not None:
        ldin = os.path.join(work, "payload.o")
        objcopy = "objcopy" if arch == "x86_64" else "aarch64-linux-gnu-objcopy"
        rc, out, err = run([objcopy, "--rename-section",
                            ".note.gnu.build-id=.xs.note.gnu.build-id", payload, ldin])
        if rc != 0:
            return ["objcopy failed: " + err.strip()], notes
    outname = {}
    with open(script, "w") as f:
        f.write("SECTIONS {\n")
        for k, (s, a) in enumerate(plan):
            inname = ".xs.note.gnu.build-id" if s["name"] == ".note.gnu.build-id" else s["name"]
            outname[s["name"]] = ".xs.out.%d" % k
            f.write("  %s %#x : { KEEP(*(%s)) }\n" % (outname[s["name"]], a, inname))
        f.write("}\n")
    ld = ["ld", "-m", "elf_x86_64"] if arch == "x86_64" else ["aarch64-linux-gnu-ld"]
    ldout = os.path.join(work, "ld.out")
    rc, out, err = run(ld + ["-static", "--no-relax", "-T", script, "-e", "0", "--build-id=none",
                             "-o", ldout, ldin, "-R", img])
    if rc != 0:
        return ["GNU ld failed: " + err.strip()[-800:]], notes
    lde = Elf(ldout)
    # ---- xsplice link
    imgout = os.path.join(work, "xs.bin")
    cmd = [xs, "link", "--arch", arch, "--base", hex(base)]
    for s, a in plan:
        cmd += ["--section-start", "%s=%#x" % (s["name"], a)]
    cmd += ["--just-symbols", img, "-o", imgout, payload]
    rc, out, err = run(cmd)
    if rc != 0:
        return ["xsplice link exit %d: %s" % (rc, err.strip())], notes
    flat = open(imgout, "rb").read()
    for s, a in plan:
        o = lde.section(outname[s["name"]])
        if o is None:
            problems.append("ld output has no %s" % s["name"])
            continue
        if o["addr"] != a or o["size"] != s["size"]:
            problems.append("ld put %s at %#x size %#x, asked %#x size %#x" % (
                s["name"], o["addr"], o["size"], a, s["size"]))
            continue
        want = o["data"] if o["type"] != SHT_NOBITS else b"\0" * o["size"]
        got = flat[a - base:a - base + s["size"]]
        if got != want:
            k = next(i for i in range(min(len(got), len(want)) + 1)
                     if i >= len(got) or i >= len(want) or got[i] != want[i])
            problems.append("%s differs from GNU ld at +%#x (ld %s, xsplice %s)" % (
                s["name"], k, want[k:k + 8].hex(), got[k:k + 8].hex()))
    notes.append("link: %d sections identical to GNU ld" % (len(plan) - len(problems)))
    # ---- inspect
    rc, out, err = run([xs, "inspect", payload])
    if rc != 0 or "Livepatch payload:" not in out or "malformed" in out:
        problems.append("inspect exit %d: %s" % (rc, (err or out[-400:]).strip()))
    else:
        nf = out.split("Livepatch payload:")[1].splitlines()[1].strip()
        notes.append("inspect: " + nf)
    # ---- check, with the payloads it stacks on
    after = []
    dep = obj.note_id(".livepatch.depends")
    img_id = image_elf.note_id(".note.gnu.build-id")
    seen = set()
    while dep and dep != img_id and dep in by_id and dep not in seen:
        seen.add(dep)
        after.insert(0, by_id[dep])
        dep = Elf(by_id[dep]).note_id(".livepatch.depends")
    cmd = [xs, "check", payload, "--image", img]
    for a in after:
        cmd += ["--after", a]
    rc, out, err = run(cmd)
    tag = "xsplice: error: %s: " % payload
    reasons = [l[len(tag):] for l in err.splitlines() if l.startswith(tag)]
    via = " (after %s)" % ", ".join(os.path.basename(a) for a in after) if after else ""
    if rc == 0 and not err.strip() and "result: ok" in out:
        notes.append("check: ok" + via)
    elif rc == 1 and reasons and len(reasons) == len(err.splitlines()) and \
            all(r.startswith(LEGIT) for r in reasons):
        notes.append("check: refused%s, legitimately (a property of the image's code):" % via)
        notes += ["  " + r for r in reasons]
    else:
        problems.append("check exit %d%s:\n%s" % (rc, via, err.strip() or out[-600:]))
    return problems, notes


def main():
    xs = os.path.abspath(sys.argv[1])
    shared = os.environ.get("XS_SHARED") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared")
    dirs = sys.argv[2:] or sorted(os.path.dirname(p) for p in glob.glob(os.path.join(shared, "xen", "*", "xen-syms")))
    if len(dirs) < 2:
        print("FAIL: found %d xen-syms under %s/xen (need x86_64 and arm64)" % (len(dirs), shared))
        return 1
    npass = nfail = 0
    for d in dirs:
        img = os.path.join(d, "xen-syms")
        image_elf = Elf(img)
        arch = {62: "x86_64", 183: "aarch64"}[image_elf.machine]
        payloads = sorted(glob.glob(os.path.join(d, "*.livepatch")))
        by_id = {}
        for p in payloads:
            i = Elf(p).note_id(".note.gnu.build-id")
            if i:
                by_id[i] = p
        for p in payloads:
            with tempfile.TemporaryDirectory() as work:
                try:
                    problems, notes = test_payload(xs, arch, img, image_elf, p, by_id, work)
                except Exception as e:  # a broken payload or test is a failure, not a crash
                    problems, notes = ["test error: %r" % e], []
            name = "%s/%s" % (os.path.basename(d), os.path.basename(p))
            print("%s %s" % ("PASS" if not problems else "FAIL", name))
            for n in notes:
                print("     " + n)
            for q in problems:
                print("     PROBLEM " + q)
            npass += not problems
            nfail += bool(problems)
    if npass + nfail == 0:
        print("no payloads found")
        nfail = 1
    print("%d passed, %d failed" % (npass, nfail))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
