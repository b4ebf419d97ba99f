#!/usr/bin/env bash
# `xsplice check-sites` against an independent computation (sites.py: readelf
# output and the file's raw bytes) on both xen-syms and on programs built now
# with -O2, -Os, -falign-functions=1, -fpatchable-function-entry=5 (and with
# ENDBR64 / BTI+PAC entries), for x86_64 (gcc) and aarch64
# (aarch64-linux-gnu-gcc).
#
#   test/sites/run.sh BUILD_DIR
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
xs="$1/xsplice"
[ -x "$xs" ] || { echo "ERROR: $xs not found (build the project first)"; exit 1; }
for t in gcc aarch64-linux-gnu-gcc readelf python3; do
  command -v "$t" >/dev/null 2>&1 || { echo "ERROR: missing $t"; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0

# one IMAGE [ARCH]: plain and -v output, compared by sites.py
one() {
  local img=$1 arch=${2:-} name=${3:-$1} rc
  local args=()
  [ -n "$arch" ] && args=(--arch "$arch")
  if ! "$xs" check-sites "${args[@]}" "$img" >"$work/plain" 2>"$work/err" ||
     ! "$xs" check-sites "${args[@]}" -v "$img" >"$work/verbose" 2>>"$work/err"; then
    echo "FAIL $name: check-sites failed: $(cat "$work/err")"
    fail=$((fail + 1))
    return
  fi
  python3 "$here/sites.py" "$img" "$work/plain" "$work/verbose" >"$work/out"
  rc=$?
  if [ $rc -eq 0 ]; then
    echo "PASS $name"; pass=$((pass + 1))
  else
    echo "FAIL $name"; fail=$((fail + 1))
  fi
  sed 's/^/     /' "$work/out"
}

# The Xen artifacts live beside the checkout (../shared), or where XS_SHARED says.
shared="${XS_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/../shared}"
nxen=0
for a in "$shared"/xen/*/xen-syms; do
  [ -e "$a" ] || continue
  one "$a"; nxen=$((nxen + 1))
done
if [ "$nxen" -lt 2 ]; then
  echo "FAIL xen-syms: found $nxen images under $shared/xen (need x86_64 and arm64)"
  fail=$((fail + 1))
fi

variants=("-O2" "-Os" "-O2 -falign-functions=1" "-O2 -fpatchable-function-entry=5")
for cc in gcc aarch64-linux-gnu-gcc; do
  arch=x86_64; extra="-O2 -fcf-protection=full"
  if [ "$cc" != gcc ]; then arch=aarch64; extra="-O2 -mbranch-protection=standard"; fi
  k=0
  for flags in "${variants[@]}" "$extra"; do
    k=$((k + 1))
    out="$work/prog-$arch-$k"
    # shellcheck disable=SC2086
    if ! $cc $flags -o "$out" "$here/src/a.c" "$here/src/b.c" 2>"$work/cc.err"; then
      echo "FAIL $cc $flags: does not build: $(head -5 "$work/cc.err")"
      fail=$((fail + 1))
      continue
    fi
    one "$out" "$arch" "$arch $cc $flags"
  done
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
