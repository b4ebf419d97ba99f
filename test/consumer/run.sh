#!/bin/bash
# run.sh BUILD_DIR OUT_DIR CC [TOOLCHAIN_FILE] [EMULATOR]
# Install BUILD_DIR into a fresh prefix, check the layout, then build and run
# the consumer twice: with find_package(xsplice) and with pkg-config.
set -euo pipefail
build=$1 out=$2 cc=$3 toolchain=${4:-} emu=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
prefix=$out/prefix

run() { if [ -n "$emu" ]; then $emu "$@"; else "$@"; fi; }

rm -rf "$out"
mkdir -p "$out"
cmake --install "$build" --prefix "$prefix" >"$out/install.log"

for f in bin/xsplice lib/libxsplice.a lib/libxsplice-posix.a \
	lib/pkgconfig/xsplice.pc lib/pkgconfig/xsplice-posix.pc \
	lib/cmake/xsplice/xspliceConfig.cmake lib/cmake/xsplice/xspliceConfigVersion.cmake \
	lib/cmake/xsplice/xspliceTargets.cmake; do
	[ -e "$prefix/$f" ] || { echo "FAIL: install lacks $f"; exit 1; }
done
# Public headers only, exactly include/xsplice/*.h.
diff <(cd "$src/include" && find . -type f | sort) <(cd "$prefix/include" && find . -type f | sort) ||
	{ echo "FAIL: installed headers differ from include/"; exit 1; }
run "$prefix/bin/xsplice" --version >/dev/null || { echo "FAIL: installed xsplice --version"; exit 1; }

# find_package
args=(-S "$here" -B "$out/cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release
	-DCMAKE_C_COMPILER="$cc")
[ -z "$toolchain" ] || args+=(-DCMAKE_TOOLCHAIN_FILE="$toolchain")
cmake "${args[@]}" >"$out/configure.log" || { cat "$out/configure.log"; exit 1; }
cmake --build "$out/cmake" >"$out/build.log" || { cat "$out/build.log"; exit 1; }
run "$out/cmake/consumer_core"
run "$out/cmake/consumer_posix"

# pkg-config, against the installed tree only
export PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig PKG_CONFIG_PATH= PKG_CONFIG_SYSROOT_DIR=
[ "$(pkg-config --modversion xsplice)" = "$(pkg-config --modversion xsplice-posix)" ]
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Werror "$here/core.c" -o "$out/pc_core" $(pkg-config --cflags --libs xsplice)
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Werror "$here/posix.c" -o "$out/pc_posix" $(pkg-config --cflags --libs xsplice-posix)
run "$out/pc_core"
run "$out/pc_posix"
echo "ok: install layout, find_package and pkg-config consumers"
