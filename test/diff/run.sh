#!/usr/bin/env bash
# Differential tests of `xsplice link` against GNU ld (x86_64 and aarch64).
#
#   test/diff/run.sh BUILD_DIR [difftest.py options...]   # full run
#   test/diff/run.sh --self-check [options...]            # compiler + ld side only
#
# Needs gcc, clang, binutils and the aarch64-linux-gnu cross gcc/binutils.
# Prints one line per case and "N passed, M failed"; exits non-zero on any
# failure.  See test/diff/README.md for the case format.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py="$(command -v python3)"

missing=()
for t in gcc clang ld readelf aarch64-linux-gnu-gcc aarch64-linux-gnu-ld; do
  command -v "$t" >/dev/null 2>&1 || missing+=("$t")
done
if [ ${#missing[@]} -ne 0 ]; then
  echo "ERROR: missing tools: ${missing[*]} (apt-get install gcc clang binutils gcc-aarch64-linux-gnu)"
  echo "0 passed, 1 failed"
  exit 1
fi

if [ $# -ge 1 ] && [ "$1" = "--self-check" ]; then
  shift
  exec "$py" "$here/difftest.py" --self-check "$@"
fi
if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR [options] | $0 --self-check [options]" >&2
  exit 2
fi
build="$1"; shift
xs="$build/xsplice"
if [ ! -x "$xs" ]; then
  echo "ERROR: $xs not found or not executable (build the project first)"
  echo "0 passed, 1 failed"
  exit 1
fi
exec "$py" "$here/difftest.py" --xsplice "$(cd "$(dirname "$xs")" && pwd)/xsplice" "$@"
