#!/usr/bin/env bash
# `xsplice check` and `xsplice bind` on payloads written in C with
# <xsplice/payload.h> (gcc -O2 -c) against a program built now (gcc -O2;
# Debian's gcc links it with a build-id):
#   - the plain payload is refused for its missing .livepatch.xen_depends,
#     `bind` fixes it, `check` then accepts it (and the core still reads it);
#   - one refusal per reason, each its own message and the only reason:
#     wrong build-id, missing symbol, too-small site, wrong expected bytes,
#     branch into site, undefined symbol; a payload expecting the right bytes
#     is accepted; bind refuses to bind a payload with a real defect.
#
#   test/sites/check.sh BUILD_DIR
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
xs="$(cd "$1" && pwd)/xsplice"
[ -x "$xs" ] || { echo "ERROR: $xs not found (build the project first)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; fail=$((fail + 1)); }

gcc -O2 -o host "$here/src/host.c" || { echo "FAIL: host does not build"; exit 1; }
id=$(readelf -n host | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p' | head -1)
[ -n "$id" ] || { echo "FAIL: host has no build-id (gcc without --build-id?)"; exit 1; }
cflags=(-O2 -c -I "$root/include")

# run_check NAME: check PAYLOAD; sets rc, out, err
run_check() {
  out=$("$xs" check "$@" 2>"$work/err"); rc=$?; err=$(cat "$work/err")
}

# ---- the plain payload: refused, bound, accepted
gcc "${cflags[@]}" -o good.o "$here/src/patch_good.c"
run_check good.o --image host
if [ $rc -eq 1 ] && grep -q "no .livepatch.xen_depends" <<<"$err"; then
  ok "check refuses the unbound payload: $(grep -o 'no .livepatch.xen_depends[^(]*' <<<"$err" | head -1)"
else
  bad "check on the unbound payload: exit $rc" "$err"
fi
cp good.o good-orig.o
if bout=$("$xs" bind good.o --image host -o bound.o 2>&1); then
  ok "bind: $(tail -1 <<<"$bout")"
else
  bad "bind failed" "$bout"
fi
run_check bound.o --image host
if [ $rc -eq 0 ] && grep -q "result: ok" <<<"$out" && [ -z "$err" ]; then
  ok "check accepts the bound payload ($(grep -E '^ +0 ' <<<"$out" | awk '{print $2, "jump", $9}'))"
else
  bad "check on the bound payload: exit $rc" "$out$err"
fi
# what bind wrote, read by readelf (not by the library)
xd=$(readelf -x .livepatch.xen_depends bound.o | awk '/^  0x/{for(i=2;i<=5;i++) if ($i ~ /^[0-9a-f]+$/) s=s $i} END{print s}')
want="040000001400000003000000474e5500$id"
if [ "${xd:0:${#want}}" = "$want" ] && readelf -SW bound.o | grep -q '\.livepatch\.depends'; then
  ok "bound payload: .livepatch.xen_depends is a GNU build-id note of $id; .livepatch.depends added"
else
  bad "bound payload notes" "xen_depends $xd, want $want"
fi
sizes=$(readelf -x .livepatch.funcs bound.o | awk '/^  0x00000010/{print $4, $5}')
if [ "$sizes" != "00000000 00000000" ] && [ -n "$sizes" ]; then
  ok "bound payload: new_size/old_size filled ($sizes)"
else
  bad "sizes not filled: '$sizes'"
fi
# every section but .livepatch.funcs (sizes) and .shstrtab (grown) keeps its bytes
if python3 - good-orig.o bound.o <<'PY'
import struct, sys
def secs(p):
    raw = open(p, "rb").read()
    shoff = struct.unpack_from("<Q", raw, 0x28)[0]
    n, strndx = struct.unpack_from("<HH", raw, 0x3c)
    hs = [struct.unpack_from("<IIQQQQIIQQ", raw, shoff + i * 64) for i in range(n)]
    st = hs[strndx]
    out = []
    for h in hs:
        nm = raw[st[4] + h[0]:].split(b"\0")[0].decode()
        out.append((nm, h[1], h[2], h[4] if h[1] != 8 else None, raw[h[4]:h[4] + h[5]] if h[1] != 8 else h[5]))
    return out
a, b = secs(sys.argv[1]), secs(sys.argv[2])
bad = [x[0] for x, y in zip(a, b) if x != y and x[0] not in (".livepatch.funcs", ".shstrtab")]
extra = [y[0] for y in b[len(a):]]
print("     sections kept: %d, changed: %s, added: %s" % (len(a) - len(bad), bad, extra))
sys.exit(1 if bad or sorted(extra) != [".livepatch.depends", ".livepatch.xen_depends"] else 0)
PY
then ok "bind keeps every other section at its offset with its bytes"; else bad "bind changed other sections"; fi
if "$xs" inspect bound.o | grep -q "xen_depends  *$id"; then
  ok "inspect decodes the bound payload's dependency"
else
  bad "inspect on the bound payload"
fi
"$xs" bind good-orig.o --image host >/dev/null 2>&1 &&
  run_check good-orig.o --image host && [ $rc -eq 0 ] && ok "bind in place" || bad "bind in place"

# ---- one refusal per reason
expect_refusal() { # CASE PREFIX WHAT
  local c=$1 prefix=$2 what=$3
  if ! gcc "${cflags[@]}" -DCASE="$c" -DHOST_ID="\"$id\"" -o "bad$c.o" "$here/src/patch_bad.c" 2>cc.err; then
    bad "$what: payload does not build" "$(cat cc.err)"; return
  fi
  run_check "bad$c.o" --image host
  local n
  n=$(grep -c "^xsplice: error: bad$c.o: " <<<"$err")
  if [ $rc -eq 1 ] && [ "$n" -eq 1 ] && grep -q "^xsplice: error: bad$c.o: $prefix" <<<"$err"; then
    ok "$what: ${err#xsplice: error: }"
  else
    bad "$what: exit $rc, $n reasons, want one starting '$prefix'" "$err"
  fi
  if "$xs" bind "bad$c.o" --image host -o "bound$c.o" >/dev/null 2>&1 || [ -e "bound$c.o" ]; then
    bad "$what: bind accepted it"
  fi
}
expect_refusal 1 "wrong build-id" "wrong build-id"
expect_refusal 2 "missing symbol" "missing symbol"
expect_refusal 3 "too-small site" "too-small site"
expect_refusal 4 "wrong expected bytes" "wrong expected bytes"
expect_refusal 5 "branch into site" "branch into site"
expect_refusal 6 "undefined symbol" "undefined symbol"

# the right expected bytes (read from the image by python) are accepted
exp=$(python3 - host <<'PY'
import re, subprocess, sys
img = sys.argv[1]
sym = [l.split() for l in subprocess.run(["readelf", "-sW", img], capture_output=True, text=True).stdout.splitlines()]
addr = next(int(f[1], 16) for f in sym if len(f) > 7 and f[7] == "compute" and f[3] == "FUNC")
for l in subprocess.run(["readelf", "-SW", img], capture_output=True, text=True).stdout.splitlines():
    m = re.match(r"\s*\[\s*\d+\]\s+\.text\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", l)
    if m:
        off = int(m.group(2), 16) + addr - int(m.group(1), 16)
data = open(img, "rb").read()[off:off + 4]
print("".join("\\x%02x" % b for b in data))
PY
)
if gcc "${cflags[@]}" -DCASE=7 -DHOST_ID="\"$id\"" -DEXPECT="\"$exp\"" -DEXPECT_LEN=4 -o ok7.o "$here/src/patch_bad.c"; then
  run_check ok7.o --image host
  [ $rc -eq 0 ] && ok "right expected bytes ($exp) accepted" || bad "right expected bytes refused" "$err"
else
  bad "case 7 does not build"
fi
# a far load address: only the 14-byte far form reaches; compute (5 bytes)
# takes it with its padding. old_size 5 (bound for the near jump) is refused
# there; bound for that address, old_size covers the padding and it passes.
run_check bound.o --image host --at 0x7f0000000000
if [ $rc -eq 1 ] && grep -q "old_size of compute is 5, smaller than the 14 bytes" <<<"$err"; then
  ok "--at 0x7f0000000000: old_size 5 refused for the 14-byte far jump"
else
  bad "--at far, near-bound payload" "$out$err"
fi
gcc "${cflags[@]}" -o far.o "$here/src/patch_good.c"
"$xs" bind far.o --image host --at 0x7f0000000000 >/dev/null 2>&1
run_check far.o --image host --at 0x7f0000000000
if [ $rc -eq 0 ] && grep -q "jmp-abs/14" <<<"$out"; then
  ok "--at 0x7f0000000000: bound there, jmp-abs/14 fits function + padding"
else
  bad "--at far" "$out$err"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
