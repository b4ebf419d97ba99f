#!/bin/bash
# build.sh SRC_DIR OUT_DIR REQUIRE_CROSS(0|1)
# Compile every core source (libxsplice/*.c arch/*/*.c) with -ffreestanding
# -nostdlib, the way a hypervisor or kernel would, for x86_64 and aarch64;
# archive each set and check `nm -u` (nm-check.sh). Independent of the CMake
# build's compiler and flags, so it also holds in the sanitizer build.
set -euo pipefail
src=$1 out=$2 require_cross=${3:-0}
here=$(cd "$(dirname "$0")" && pwd)

shopt -s nullglob
sources=("$src"/libxsplice/*.c "$src"/arch/*/*.c)
[ ${#sources[@]} -gt 0 ] || { echo "FAIL: no core sources"; exit 1; }

common=(-std=c11 -O2 -ffreestanding -nostdlib -fno-stack-protector -fno-strict-aliasing
	-Wall -Wextra -Werror -I"$src/include" -I"$src/libxsplice")
fail=0

# variant NAME CC NM FLAGS...
variant() {
	local name=$1 cc=$2 nm=$3
	shift 3
	local dir="$out/$name" objs=() s o
	rm -rf "$dir"
	mkdir -p "$dir"
	for s in "${sources[@]}"; do
		o="$dir/$(basename "$(dirname "$s")")_$(basename "${s%.c}").o"
		if ! "$cc" "${common[@]}" "$@" -c "$s" -o "$o"; then
			echo "FAIL: $name: $cc ${common[*]} $* -c $s"
			fail=1
			return
		fi
		objs+=("$o")
	done
	# One relocatable object: no duplicate definitions across the core.
	if ! "$cc" -nostdlib -r "${objs[@]}" -o "$dir/core.o"; then
		echo "FAIL: $name: cannot combine the core objects (-nostdlib -r)"
		fail=1
		return
	fi
	rm -f "$dir/libxsplice.a"
	ar rcs "$dir/libxsplice.a" "${objs[@]}"
	if ! bash "$here/nm-check.sh" "$nm" "$dir/libxsplice.a"; then
		echo "FAIL: $name"
		fail=1
		return
	fi
	echo "ok: $name: ${#objs[@]} sources with $cc $*"
}

# A user-space-like freestanding build and a kernel-like one (Xen, Linux:
# no red zone, no SIMD registers, kernel code model).
variant x86_64 gcc nm -m64
variant x86_64-kernel gcc nm -m64 -mcmodel=kernel -mno-red-zone -mno-sse -mno-mmx -fno-pic
if command -v clang >/dev/null; then
	variant x86_64-clang clang nm --target=x86_64-linux-gnu
fi

if command -v aarch64-linux-gnu-gcc >/dev/null; then
	a64nm=aarch64-linux-gnu-nm
	command -v "$a64nm" >/dev/null || a64nm=nm
	variant aarch64 aarch64-linux-gnu-gcc "$a64nm" -mno-outline-atomics
	variant aarch64-kernel aarch64-linux-gnu-gcc "$a64nm" -mno-outline-atomics \
		-mgeneral-regs-only -fno-pic
elif [ "$require_cross" = 1 ]; then
	echo "FAIL: aarch64-linux-gnu-gcc not found (XS_REQUIRE_CROSS=ON)"
	fail=1
else
	echo "note: aarch64-linux-gnu-gcc not found; aarch64 freestanding build skipped"
fi
exit $fail
