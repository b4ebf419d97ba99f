#!/bin/bash
# SPDX-License-Identifier: MIT
# build.sh [OUT_DIR]: the bare-metal AArch64 EL2 example image and its payload,
# with the cross toolchain directly (not through CMake: the main build is
# unaffected). Outputs in OUT_DIR (default build-baremetal/):
#   image.elf   the linked image (pass 2), image.bin its raw binary for -kernel
#   payload.o   the live patch, bound to image.elf's build-id
#
# The core is compiled from the same sources (libxsplice/*.c arch/*/*.c) with
# the flags of the freestanding library build (-std=c11 -ffreestanding
# -fno-stack-protector -fno-strict-aliasing -mno-outline-atomics) plus what an
# EL2 image needs: -mstrict-align (CPU 0 runs C before its MMU is on, when
# every data access is Device memory) and -fno-pie (a fixed-address image).
#
# Two link passes, as Xen embeds its own symbol table: pass 1 links with an
# empty fixed-size .xsyms section; its symbol table (symelf.py: section
# headers, .symtab, .strtab) goes into .xsyms of pass 2. The section
# has the same size in both passes, so every address is the same, which the
# script checks (nm of both passes). The build-id of pass 2 is then written
# into the payload's .livepatch.xen_depends (XSPLICE_HOST_BUILD_ID).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/build-baremetal}
mkdir -p "$out/obj"
out=$(cd "$out" && pwd)

cross=${CROSS:-aarch64-linux-gnu-}
CC=${cross}gcc LD=${cross}ld OBJCOPY=${cross}objcopy NM=${cross}nm READELF=${cross}readelf
for t in "$CC" "$LD" "$OBJCOPY" "$NM" "$READELF"; do
	command -v "$t" >/dev/null || { echo "build.sh: $t not found" >&2; exit 1; }
done

base=(-O2 -ffreestanding -nostdlib -fno-stack-protector -fno-strict-aliasing
	-mno-outline-atomics -mstrict-align -fno-pie -fno-pic -Wall -Wextra -Werror
	-I"$root/include")
core_flags=(-std=c11 "${base[@]}" -I"$root/libxsplice")
# Glue and image: no FP/SIMD registers (the IRQ path saves only x0-x30) and
# frame records for the glue's return-address walk.
img_flags=(-std=c11 "${base[@]}" -mgeneral-regs-only -fno-omit-frame-pointer
	-I"$root/glue/baremetal" -I"$here")
# The payload: what a patch author writes, `gcc -O2 -c`, freestanding; PIE as
# Debian's gcc defaults (host data through the GOT, which the core builds).
payload_flags=(-O2 -ffreestanding -fno-stack-protector -mno-outline-atomics -mstrict-align
	-mgeneral-regs-only -Wall -Wextra -Werror -I"$root/include")

objs=()
compile() { # compile SRC FLAGS...
	local src=$1 o
	shift
	o="$out/obj/$(basename "$(dirname "$src")")_$(basename "${src%.*}").o"
	"$CC" "$@" -c "$src" -o "$o"
	objs+=("$o")
}

shopt -s nullglob
for s in "$root"/libxsplice/*.c "$root"/arch/*/*.c; do
	compile "$s" "${core_flags[@]}"
done
for s in "$root"/glue/baremetal/*.c "$here"/main.c "$here"/platform.c "$here"/mmu.c; do
	compile "$s" "${img_flags[@]}"
done
compile "$here/boot.S" -I"$here"

link() { # link PASS XSYMS_BLOB
	local pass=$1 blob=$2
	printf '\t.section .xsyms, "a"\n\t.incbin "%s"\n' "$blob" >"$out/obj/xsyms$pass.S"
	"$CC" -c "$out/obj/xsyms$pass.S" -o "$out/obj/xsyms$pass.o"
	"$LD" -nostdlib -static --build-id=sha1 -T "$here/image.ld" -Map "$out/image$pass.map" \
		-o "$out/image$pass.elf" "${objs[@]}" "$out/obj/xsyms$pass.o"
}

: >"$out/obj/empty.bin"
link 1 "$out/obj/empty.bin"
python3 "$here/symelf.py" "$out/image1.elf" "$out/obj/syms.elf"
link 2 "$out/obj/syms.elf"
if ! cmp -s <("$NM" -n "$out/image1.elf") <("$NM" -n "$out/image2.elf"); then
	echo "build.sh: the two link passes disagree on symbol addresses" >&2
	diff <("$NM" -n "$out/image1.elf") <("$NM" -n "$out/image2.elf") | head >&2
	exit 1
fi
mv "$out/image2.elf" "$out/image.elf"
mv "$out/image2.map" "$out/image.map"
rm -f "$out/image1.elf" "$out/image1.map"
"$OBJCOPY" -O binary "$out/image.elf" "$out/image.bin"

# No C library in the image: nothing undefined, no libc/libgcc symbol names.
if "$NM" -u "$out/image.elf" | grep -q .; then
	echo "build.sh: undefined symbols in the image:" >&2
	"$NM" -u "$out/image.elf" >&2
	exit 1
fi

bid=$("$READELF" -n "$out/image.elf" | awk '/Build ID:/ { print $3 }')
[ -n "$bid" ] || { echo "build.sh: image has no build-id" >&2; exit 1; }
"$CC" "${payload_flags[@]}" -DBM_HOST_BUILD_ID="\"$bid\"" -c "$here/payload.c" \
	-o "$out/payload.o"
echo "$bid" >"$out/build-id"
echo "build.sh: $out/image.bin ($(stat -c %s "$out/image.bin") bytes, build-id $bid)," \
	"$out/payload.o ($(stat -c %s "$out/payload.o") bytes)"
