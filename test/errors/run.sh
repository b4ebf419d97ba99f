#!/usr/bin/env bash
# The error contract (docs/errors.md) of the `xsplice` command.
#
#   test/errors/run.sh BUILD_DIR [errtest.py options...]
#
# 1. docs/errors.md documents every status code of include/xsplice/status.h
#    (status_table.py --check);
# 2. each class of bad input - built at test time with gcc / as /
#    aarch64-linux-gnu-as and corrupted with python - is fed to
#    `xsplice inspect | link | run`: exit 1 (2 for usage errors), stderr
#    starting with "xsplice: error:" and naming the expected detail, never a
#    signal;
# 3. seeded random mutations of a few valid objects through inspect, link
#    (x86_64 and aarch64) and run (x86_64): no signal, no hang (10 s), exit 0
#    or 1.  Reproduce one with --seed S --only-mutation N --keep.
#
# Prints one line per case and "N passed, M failed"; exits non-zero on any
# failure.  Options: errtest.py --help.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py="$(command -v python3)"

missing=()
for t in python3 gcc as aarch64-linux-gnu-as aarch64-linux-gnu-gcc; do
  command -v "$t" >/dev/null 2>&1 || missing+=("$t")
done
if [ ${#missing[@]} -ne 0 ]; then
  echo "ERROR: missing tools: ${missing[*]} (apt-get install python3 gcc binutils gcc-aarch64-linux-gnu)"
  echo "0 passed, 1 failed"
  exit 1
fi
if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR [errtest.py options...]" >&2
  exit 2
fi
build="$1"; shift
xs="$build/xsplice"
if [ ! -x "$xs" ]; then
  echo "ERROR: $xs not found or not executable (build the project first)"
  echo "0 passed, 1 failed"
  exit 1
fi
exec "$py" "$here/errtest.py" --xsplice "$(cd "$(dirname "$xs")" && pwd)/xsplice" \
  --root "$here/../.." "$@"
