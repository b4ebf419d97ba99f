#!/bin/bash
# The main job, on a Debian 12 x86_64 machine: build the `xsplice` command,
# then let it link Debian's own libsqlite3.a (all of its objects, combined
# with `ld -r --whole-archive`) and a small driver (examples/sqlite/driver.c)
# into its own running process and call main - no linker, no loader. The
# output is compared with the same objects linked by gcc.
# Installs what is missing (as root, non-interactively). Environment: JOBS.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/deps.sh
. "$root/scripts/deps.sh"

xs_ensure_packages cmake ninja-build gcc libc6-dev binutils pkg-config \
	libelf-dev libcapstone-dev libsqlite3-dev zlib1g-dev

build=$root/build-demo
work=$build/demo
prefix=$build/prefix
multiarch=$(gcc -print-multiarch)
archive=/usr/lib/$multiarch/libsqlite3.a

echo "== building xsplice (tests off) in $build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXS_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "${JOBS:-2}"
cmake --install "$build" --prefix "$prefix" >/dev/null
xsplice=$prefix/bin/xsplice

mkdir -p "$work"
echo "== ld -r --whole-archive $archive -> sqlite3.o"
ld -r --whole-archive "$archive" -o "$work/sqlite3.o"
gcc -std=c11 -O2 -Wall -Wextra -c "$root/examples/sqlite/driver.c" -o "$work/driver.o"

echo "== xsplice run -lm sqlite3.o driver.o"
echo
set +e
"$xsplice" run -lm "$work/sqlite3.o" "$work/driver.o" | tee "$work/xsplice.out"
rc=${PIPESTATUS[0]}
set -e
echo
if [ "$rc" -ne 0 ]; then
	echo "demo: FAIL: xsplice run exited with status $rc" >&2
	exit 1
fi

gcc "$work/driver.o" "$work/sqlite3.o" -lm -o "$work/native"
"$work/native" >"$work/native.out"
if cmp -s "$work/xsplice.out" "$work/native.out"; then
	echo "demo: OK: output identical to the same objects linked by gcc ($(wc -l <"$work/native.out") lines)"
else
	echo "demo: FAIL: output differs from the gcc-linked program:" >&2
	diff "$work/native.out" "$work/xsplice.out" >&2 || true
	exit 1
fi

# --- live begin ---
# The main job, part 2: patch a running multithreaded program with the
# installed libxsplice (examples/live/README.md).
echo
echo "== live patching a running program (examples/live/demo.sh)"
bash "$root/examples/live/demo.sh" "$prefix"
# --- live end ---
