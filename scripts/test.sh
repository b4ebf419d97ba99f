#!/bin/bash
# Build libxsplice and run every test, on a Debian 12 x86_64 machine.
# Installs what is missing (as root, non-interactively), then:
#   x86_64   cmake --preset default; build; ctest (unit, freestanding, install)
#   asan     cmake --preset asan;    build; unit tests under ASan+UBSan
#   aarch64  cmake --preset aarch64; build; ctest under qemu-aarch64
#   diff     test/diff/run.sh build-default
#   e2e      test/e2e/run.sh build-default build-aarch64
#   errors   test/errors/run.sh build-default (error contract, docs/errors.md)
#   xen, sites, check-bind   test/xen/run.sh, test/sites/run.sh, test/sites/check.sh
#   fuzz     fuzz/smoke.sh build-asan build-fuzz, if present
# Every stage runs even after a failure (the build keeps going past a broken
# target and ctest still runs); the exit status is 0 only if all passed.
# Environment: JOBS (default 2).
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/deps.sh
. "$root/scripts/deps.sh"
jobs=${JOBS:-2}
b_x86=$root/build-default
b_asan=$root/build-asan
b_fuzz=$root/build-fuzz
b_a64=$root/build-aarch64
cmake_opts=(-DXS_REQUIRE_CROSS=ON -DXS_REQUIRE_TEST_DEPS=ON)

names=()
results=()
times=()
failed=0
t_start=$(date +%s)

# stage NAME CMD...: run, time and record one step.
stage() {
	local name=$1 t0 rc
	shift
	printf '\n==== %s: %s\n' "$name" "$*"
	t0=$(date +%s)
	"$@"
	rc=$?
	names+=("$name")
	times+=($(($(date +%s) - t0)))
	if [ $rc -eq 0 ]; then
		results+=(PASS)
	else
		results+=("FAIL ($rc)")
		failed=1
	fi
	return $rc
}

# A step that cannot run because an earlier one failed counts as failed.
blocked() {
	names+=("$1")
	times+=(0)
	results+=("FAIL (not run: $2)")
	failed=1
}

summary() {
	local i total=$(($(date +%s) - t_start))
	printf '\n==== summary\n'
	for i in "${!names[@]}"; do
		printf '  %-22s %6ss  %s\n' "${names[$i]}" "${times[$i]}" "${results[$i]}"
	done
	printf '  %-22s %6ss  %s\n' total "$total" "$([ $failed = 0 ] && echo PASS || echo FAIL)"
}

packages=(
	cmake ninja-build make gcc g++ clang binutils pkg-config file python3
	libc6-dev libstdc++-12-dev libelf-dev libcmocka-dev libcapstone-dev
	libsqlite3-dev zlib1g-dev libclang-rt-14-dev llvm afl++
	gcc-aarch64-linux-gnu g++-aarch64-linux-gnu binutils-aarch64-linux-gnu
	libc6-dev-arm64-cross qemu-user
	libc6:arm64 libelf-dev:arm64 libcapstone-dev:arm64 libcmocka-dev:arm64
	libsqlite3-dev:arm64 zlib1g-dev:arm64 libstdc++-12-dev:arm64
	libpugixml-dev libpugixml-dev:arm64
)
mapfile -t extra < <(xs_extra_packages "$root" | sort -u)
if ! stage deps xs_ensure_packages "${packages[@]}" "${extra[@]}"; then
	summary
	exit 1
fi

# preset NAME: configure, build (keep going past errors), test one preset.
# ctest runs whenever configuration succeeded, so one broken target does not
# hide the results of the others (its own tests then fail as "Not Run").
preset() {
	local p=$1
	if stage "$p configure" cmake --preset "$p" "${cmake_opts[@]}"; then
		stage "$p build" cmake --build --preset "$p" -j "$jobs" -- -k 0
		stage "$p ctest" ctest --preset "$p" -j "$jobs"
	else
		blocked "$p build" "configure failed"
		blocked "$p ctest" "configure failed"
	fi
}

preset default
preset asan
preset aarch64

# The differential and end-to-end suites (test/diff, test/e2e) use the tools
# built above.
for suite in diff e2e; do
	[ -e "test/$suite/run.sh" ] || continue
	if [ ! -x "$b_x86/xsplice" ]; then
		blocked "$suite" "no x86_64 xsplice built"
	elif [ "$suite" = diff ]; then
		stage diff bash test/diff/run.sh "$b_x86"
	else
		stage e2e bash test/e2e/run.sh "$b_x86" "$b_a64"
	fi
done

# --- errors: the CLI's error contract (test/errors/run.sh, docs/errors.md) ---
if [ -e test/errors/run.sh ]; then
	if [ -x "$b_x86/xsplice" ]; then
		stage errors bash test/errors/run.sh "$b_x86"
	else
		blocked errors "no x86_64 xsplice built"
	fi
fi
# --- errors end ---

# --- xen + sites: Xen payloads vs GNU ld, check-sites, check/bind (issue 5) ---
# test/xen/run.sh      every /work/shared/xen/*/*.livepatch: link = ld -R, inspect, check
# test/sites/run.sh    check-sites vs an independent computation (xen-syms, -O2/-Os/...)
# test/sites/check.sh  check/bind on payloads written with <xsplice/payload.h>
for t in xen:test/xen/run.sh sites:test/sites/run.sh check-bind:test/sites/check.sh; do
	[ -e "${t#*:}" ] || continue
	if [ -x "$b_x86/xsplice" ]; then
		stage "${t%%:*}" bash "${t#*:}" "$b_x86"
	else
		blocked "${t%%:*}" "no x86_64 xsplice built"
	fi
done
# --- xen + sites end ---

# --- live: patching running programs (test/live/run.sh, issue 6) ---
# 8-thread stress of apply/replace/revert x1000 with a W^X audit, the
# rendezvous pause, threads parked in a site, `xsplice ctl` end to end:
# x86_64 natively, aarch64 under qemu-aarch64 (the x86_64 xsplice binds and
# drives both).
if [ -e test/live/run.sh ]; then
	if [ ! -x "$b_x86/xsplice" ]; then
		blocked live-x86_64 "no x86_64 xsplice built"
		blocked live-aarch64 "no x86_64 xsplice built"
	else
		stage live-x86_64 bash test/live/run.sh "$b_x86" gcc "$b_x86/xsplice"
		if [ -e "$b_a64/libxsplice-posix.a" ]; then
			stage live-aarch64 bash test/live/run.sh "$b_a64" aarch64-linux-gnu-gcc \
				"$b_x86/xsplice" qemu-aarch64
		else
			blocked live-aarch64 "no aarch64 build"
		fi
	fi
fi
# --- live end ---

# --- baremetal ---
# The freestanding AArch64 EL2 image of issue 8 (examples/baremetal): built
# with the cross toolchain, booted on 4 CPUs under qemu-system-aarch64, it
# live-patches itself and must print PASS (test/baremetal/run.sh). Its
# packages (qemu-system-arm, ...) are in test/baremetal/packages.txt, which
# the deps stage above installs; run.sh installs them too when run alone.
if [ -e test/baremetal/run.sh ]; then
	stage baremetal bash test/baremetal/run.sh "$root/build-baremetal"
fi
# --- baremetal end ---

# Fuzzing smoke runs (libFuzzer needs its own clang build), when fuzz/ has them.
# Replays the corpora through the asan build, then a clang libFuzzer build.
if [ -e fuzz/smoke.sh ]; then
	stage fuzz-smoke bash fuzz/smoke.sh "$b_asan" "$b_fuzz"
fi

summary
exit $failed
