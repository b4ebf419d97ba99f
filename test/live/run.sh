#!/bin/bash
# test/live/run.sh BUILD_DIR CC TOOL [EMULATOR]
#
# Live patching of running multithreaded programs, against the libraries of
# BUILD_DIR (x86_64 natively, or aarch64 with CC=aarch64-linux-gnu-gcc and
# EMULATOR=qemu-aarch64). TOOL is a native `xsplice` (for bind and ctl).
#   stress     8 threads call f1/f2 while apply A / replace B / revert B
#              cycle 1000 times; every call returns an old or new result;
#              W^X audited inside every rendezvous (XSPLICE_WX_AUDIT)
#   pause      p50/p99 rendezvous pause, 1 function, 8 busy threads
#   churn      the same while threads keep starting and exiting: each
#              rendezvous catches the new ones and counts out the gone ones
#              (a short timeout and few retries: a miss fails the run)
#   parked     a thread inside a function, and one returning into it, make
#              apply back off; XS_E_BUSY when they never leave
#   ctl        examples/live/host driven by `xsplice ctl`: upload, apply,
#              replace, 50 revert/apply cycles, list, unload; bad commands;
#              a foreign uid refused; socket mode 0600; clean exit
set -uo pipefail
build=$(cd "$1" && pwd) cc=$2 tool=$3 emu=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
out=$build/test-live
rm -rf "$out"
mkdir -p "$out"
cycles=${XS_LIVE_CYCLES:-1000}
fails=0
ok() { echo "ok: $*"; }
bad() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
run() { if [ -n "$emu" ]; then "$emu" "$@"; else "$@"; fi; }

libs=("$build/libxsplice-posix.a" "$build/libxsplice.a" -ldl -lpthread)
cflags=(-O2 -Wall -Wextra -Werror -I"$src/include")
set -e
"$cc" "${cflags[@]}" "$here/stress.c" -o "$out/stress" "${libs[@]}"
"$cc" "${cflags[@]}" -fno-omit-frame-pointer "$here/parked.c" -o "$out/parked" "${libs[@]}"
"$cc" "${cflags[@]}" "$src/examples/live/host.c" -o "$out/host" "${libs[@]}"
# payloads: plain `gcc -O2 -c`, then bound to the program's build-id
bind() { # bind SRC IMAGE OUT
	"$cc" -O2 -I"$src/include" -c "$1" -o "$3.raw.o"
	"$tool" bind "$3.raw.o" --image "$2" -o "$3" >"$3.bind.log"
}
for p in a b c; do bind "$here/stress_$p.c" "$out/stress" "$out/stress_$p.o"; done
for p in a b; do bind "$here/parked_$p.c" "$out/parked" "$out/parked_$p.o"; done
for p in v2 v3; do bind "$src/examples/live/price_$p.c" "$out/host" "$out/price_$p.o"; done
"$cc" -O2 -I"$src/include" -c "$src/examples/live/price_v2.c" -o "$out/unbound.o"
set +e
ok "built programs and bound payloads ($cc${emu:+, run under $emu})"

# ---- stress + W^X -------------------------------------------------------------
if XSPLICE_WX_AUDIT=1 run "$out/stress" cycles "$cycles" "$out/stress_a.o" "$out/stress_b.o" \
	>"$out/stress.log" 2>&1; then
	ok "stress: $(grep -h 'rendezvous, pause' "$out/stress.log")"
	ok "stress: $(grep -h 'calls old' "$out/stress.log")"
else
	bad "stress"
	tail -20 "$out/stress.log"
fi
grep -q "W+X mappings seen 0" "$out/stress.log" && ! grep -q "W^X audits 0," "$out/stress.log" ||
	bad "W^X audit did not run or saw a W+X mapping"

# ---- pause ----------------------------------------------------------------------
if run "$out/stress" pause 300 "$out/stress_c.o" >"$out/pause.log" 2>&1; then
	ok "$(grep -h 'pause, 1 function' "$out/pause.log")"
else
	bad "pause"
	tail -20 "$out/pause.log"
fi

# ---- threads coming and going ------------------------------------------------------
if XSPLICE_RENDEZVOUS_TIMEOUT_MS=100 XSPLICE_RETRIES=20 run "$out/stress" churn 200 "$out/stress_c.o" \
	>"$out/churn.log" 2>&1; then
	ok "$(grep -h '^churn:' "$out/churn.log")"
else
	bad "churn"
	tail -20 "$out/churn.log"
fi

# ---- consistency -------------------------------------------------------------------
if run "$out/parked" "$out/parked_a.o" "$out/parked_b.o" >"$out/parked.log" 2>&1; then
	ok "parked: $(grep -c '^parked: P_' "$out/parked.log") scenarios"
	sed 's/^/    /' "$out/parked.log"
else
	bad "parked"
	cat "$out/parked.log"
fi

# ---- ctl end to end ----------------------------------------------------------------
sock=$out/host.sock
$emu "$out/host" "$sock" --threads 6 --seconds 600 >"$out/host.log" 2>&1 &
hpid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
ctl() { "$tool" ctl "$sock" "$@"; }
expect_fail() { # expect_fail PATTERN ARGS... : exit 1 and "xsplice: error: ...PATTERN"
	local want=1 pat o rc
	if [ "$1" = --usage ]; then # a usage error: exit 2 (docs/errors.md, the CLI rule)
		want=2
		shift
	fi
	pat=$1
	shift
	o=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq $want ] && grep -q "^xsplice: error: .*$pat" <<<"$o"; then
		ok "refused: ${*:2}: $o"
	else
		bad "expected failure ($pat) from: $* (rc $rc): $o"
	fi
}
if [ ! -S "$sock" ]; then
	bad "host did not create its socket"
else
	[ "$(stat -c %a "$sock")" = 600 ] && ok "socket mode 0600" || bad "socket mode $(stat -c %a "$sock")"
	ctl upload v2 "$out/price_v2.o" && ctl upload v3 "$out/price_v3.o" || bad "upload"
	expect_fail "xen_depends" ctl upload raw "$out/unbound.o"
	ctl upload anyhost "$out/unbound.o" --any-host && ctl unload anyhost || bad "upload --any-host"
	ctl apply v2 || bad "apply v2"
	sleep 1.2
	ctl replace v3 || bad "replace v3"
	sleep 1.2
	ctl list | tee "$out/list.txt"
	grep -Eq '^v3 +applied +2 ' "$out/list.txt" && grep -Eq '^v2 +loaded +1 ' "$out/list.txt" ||
		bad "list does not show v3 applied, v2 loaded"
	ctl revert v3 || bad "revert v3"
	n=0
	for i in $(seq 50); do
		ctl apply v2 >/dev/null && ctl revert v2 >/dev/null && n=$((n + 1))
	done
	[ $n = 50 ] && ok "50 apply/revert cycles" || bad "only $n of 50 apply/revert cycles"
	ctl apply v2 || bad "final apply"
	sleep 1.2
	# bad commands and states
	expect_fail --usage "unknown command" ctl frob v2
	expect_fail "no payload named" ctl apply nosuch
	expect_fail "is applied" ctl unload v2
	expect_fail "it is loaded" ctl revert v3
	expect_fail "already loaded" ctl upload v2 "$out/price_v2.o"
	expect_fail "" ctl upload junk "$0"
	expect_fail --usage "takes NAME" ctl apply
	# a foreign uid: the 0600 socket keeps it out; with the mode opened, SO_PEERCRED does
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
		cp "$tool" "$out/xsplice-nobody" && chmod 755 "$out/xsplice-nobody" "$out"
		as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$out/xsplice-nobody" ctl "$sock" "$@"; }
		expect_fail "Permission denied" as_nobody list
		chmod 666 "$sock"
		expect_fail "permission denied: peer uid 65534" as_nobody apply v3
		chmod 600 "$sock"
	else
		echo "skip: foreign uid (needs root and setpriv)"
	fi
	ctl revert v2 && ctl unload v2 && ctl unload v3 || bad "final revert/unload"
	ctl list
fi
kill -TERM $hpid 2>/dev/null
wait $hpid
hrc=$?
sed 's/^/    /' "$out/host.log" | tail -8
if [ $hrc = 0 ] && grep -q "exit, 0 bad results" "$out/host.log"; then
	ok "host exited cleanly, no bad result"
else
	bad "host exit status $hrc"
fi
grep -Eq 'v2=[1-9]' "$out/host.log" && grep -Eq 'v3=[1-9]' "$out/host.log" ||
	bad "the host never ran the patched versions"

[ $fails = 0 ] && echo "live: PASS" || echo "live: FAIL ($fails)"
[ $fails = 0 ]
