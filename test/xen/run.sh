#!/usr/bin/env bash
# Xen's livepatch payloads (/work/shared/xen/*/*.livepatch, every one found):
# `xsplice link --just-symbols xen-syms` byte-identical to GNU ld -R xen-syms,
# `inspect` and `check --image xen-syms` on each. See xentest.py.
#
#   test/xen/run.sh BUILD_DIR [XEN_DIR...]
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR [XEN_DIR...]" >&2
  exit 2
fi
build=$1; shift
xs="$build/xsplice"
for t in ld objcopy aarch64-linux-gnu-ld aarch64-linux-gnu-objcopy python3; do
  command -v "$t" >/dev/null 2>&1 || { echo "ERROR: missing $t"; exit 1; }
done
if [ ! -x "$xs" ]; then
  echo "ERROR: $xs not found (build the project first)"
  exit 1
fi
exec python3 "$here/xentest.py" "$xs" "$@"
