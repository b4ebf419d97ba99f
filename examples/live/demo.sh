#!/bin/bash
# Live patching, shown in the terminal: a program with 8 worker threads
# calling price() and tax() prints once a second which version answered;
# meanwhile `xsplice ctl` uploads two patches, applies v2, replaces it with
# v3 (two functions, one rendezvous), reverts, and prints each rendezvous
# pause. The program is an ordinary `gcc -O2` build that links the POSIX
# glue (pkg-config xsplice-posix) and calls xs_posix_serve(); the patches
# are plain `gcc -O2 -c` objects bound to it with `xsplice bind`.
#
#   examples/live/demo.sh [PREFIX]   PREFIX: an installed libxsplice (bin/xsplice,
#                                    lib/pkgconfig); default: build and install one
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
prefix=${1:-}
if [ -z "$prefix" ]; then
	build=$root/build-live-demo
	prefix=$build/prefix
	echo "== building and installing libxsplice into $prefix"
	cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXS_BUILD_TESTS=OFF \
		-DXS_BENCH=OFF >/dev/null
	cmake --build "$build" -j "${JOBS:-2}" >/dev/null
	cmake --install "$build" --prefix "$prefix" >/dev/null
fi
prefix=$(cd "$prefix" && pwd)
xsplice=$prefix/bin/xsplice
work=$(mktemp -d /tmp/xsplice-live.XXXXXX)
trap '[ -n "${host:-}" ] && { kill "$host" 2>/dev/null || true; wait "$host" 2>/dev/null || true; }; rm -rf "$work" || true' EXIT
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
step "gcc -O2 host.c \$(pkg-config --cflags --libs xsplice-posix)"
gcc -O2 "$here/host.c" -o "$work/host" $(pkg-config --cflags --libs xsplice-posix)
for v in v2 v3; do
	step "gcc -O2 -c price_$v.c; xsplice bind price_$v.o --image host"
	gcc -O2 -I"$prefix/include" -c "$here/price_$v.c" -o "$work/price_$v.raw.o"
	"$xsplice" bind "$work/price_$v.raw.o" --image "$work/host" -o "$work/price_$v.o" |
		grep -E '^ +[0-9]+ |^result'
done

step "start the host: 8 workers"
"$work/host" "$work/sock" --threads 8 &
host=$!
for _ in $(seq 50); do [ -S "$work/sock" ] && break; sleep 0.1; done
ctl() {
	printf '\033[1m$ xsplice ctl SOCK %s\033[0m\n' "$*"
	"$xsplice" ctl "$work/sock" "$@"
}
sleep 2.2
step "upload both patches (linked into the process, nothing applied yet)"
ctl upload v2 "$work/price_v2.o"
ctl upload v3 "$work/price_v3.o"
sleep 2
step "apply v2 while the workers run: price() +20%"
ctl apply v2
sleep 3
step "replace v2 by v3: price() and tax() change together, in one rendezvous"
ctl replace v3
sleep 3
ctl list
step "revert v3: back to the original code"
ctl revert v3
sleep 3
step "unload both"
ctl unload v3
ctl unload v2
ctl list
kill -INT $host
wait $host || { rc=$?; echo "demo: host exited with status $rc" >&2; exit $rc; }
