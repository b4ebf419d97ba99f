#!/bin/bash
# SPDX-License-Identifier: MIT
# test/baremetal/run.sh [OUT_DIR]
# Builds the bare-metal AArch64 EL2 example (examples/baremetal/build.sh),
# boots it on 4 CPUs under qemu-system-aarch64 (bounded by `timeout 60`) and
# checks its log: every CPU online, load/apply/revert/apply through the SGI
# rendezvous, the original bytes restored, no W+X mapping, and the final PASS.
# Missing tools (qemu-system-arm, the cross toolchain) are installed through
# scripts/deps.sh, never skipped.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-$root/build-baremetal}
# shellcheck source=scripts/deps.sh
. "$root/scripts/deps.sh"
mapfile -t pkgs < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$root/test/baremetal/packages.txt")
xs_ensure_packages "${pkgs[@]}" || { echo "FAIL: cannot install ${pkgs[*]}"; exit 1; }
for t in qemu-system-aarch64 aarch64-linux-gnu-gcc aarch64-linux-gnu-ld timeout; do
	command -v "$t" >/dev/null || { echo "FAIL: $t not found after installation"; exit 1; }
done

bash "$root/examples/baremetal/build.sh" "$out" || { echo "FAIL: build"; exit 1; }

# The machine of issue 8. -nic none: the default NIC needs an option ROM
# (efi-virtio.rom) that Debian installs only with the recommended packages.
# The payload is not part of the image (it is bound to the image's build-id,
# which covers every byte of the image): qemu's generic loader puts the ELF
# file at 0x4c000000 and its size at 0x4bfff000, where the image looks.
size=$(stat -c %s "$out/payload.o")
log=$out/boot.log
t0=$(date +%s%N)
timeout 60 qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu cortex-a57 \
	-smp 4 -m 256M -nographic -nic none -kernel "$out/image.bin" \
	-device loader,file="$out/payload.o",addr=0x4c000000,force-raw=on \
	-device loader,addr=0x4bfff000,data="$size",data-len=4 \
	</dev/null 2>&1 | tr -d '\r' >"$log"
rc=${PIPESTATUS[0]}
t1=$(date +%s%N)
cat "$log"
echo "qemu exit status $rc after $(((t1 - t0) / 1000000)) ms"

fail=0
need() { # need REGEX WHAT: the log must hold a line matching REGEX
	if ! grep -Eq -- "$1" "$log"; then
		echo "FAIL: $2"
		fail=1
	fi
}
[ "$rc" -eq 0 ] || { echo "FAIL: qemu did not power off by itself (status $rc; 124 = timeout)"; fail=1; }
need '^4 CPUs online' "all 4 CPUs online"
need '^  load -> XS_E_BUILD_ID_MISMATCH' "a payload bound to another build-id is refused"
need '^  load -> XS_OK' "payload loaded"
need '^  apply: ok' "apply"
need '^  revert: ok' "revert"
need '^  apply again: ok' "apply again"
need '^  original bytes restored exactly: yes' "revert restores the original bytes"
[ "$(grep -c '^  rendezvous #[0-9]*: 3 CPUs held' "$log")" -ge 3 ] ||
	{ echo "FAIL: three rendezvous holding 3 CPUs each"; fail=1; }
if grep -q 'writable+executable' "$log" && grep 'writable+executable' "$log" | grep -qv ' 0 writable+executable'; then
	echo "FAIL: a W+X mapping"
	fail=1
fi
if grep -q 'CHECK FAILED\|FATAL' "$log"; then
	echo "FAIL: the image reported failed checks"
	fail=1
fi
need '^PASS$' "the image's PASS line"
[ $fail -eq 0 ] && echo "baremetal: PASS" || echo "baremetal: FAIL"
exit $fail
