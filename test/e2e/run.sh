#!/usr/bin/env bash
# End-to-end runs of real Debian static libraries through `xsplice run`.
#
#   test/e2e/run.sh BUILD_X86 [BUILD_A64]
#
# For each library (sqlite: libsqlite3.a, zlib: libz.a, C++: libpugixml.a;
# libc-data: no library, a driver reading libc's stdout/stderr/optind)
# the archive is combined with `ld -r --whole-archive`, a driver of ours is
# compiled with Debian's default flags (-O2), and the same objects are
#   1. linked by gcc/g++ into a program and run, and
#   2. loaded by `BUILD/xsplice run [-l...] OBJ...` ;
# stdout and the exit status must be identical.  With BUILD_A64 the same runs
# happen for arm64 (aarch64-linux-gnu-gcc, /usr/lib/aarch64-linux-gnu/*.a)
# under plain `qemu-aarch64` (no -L: the multiarch libc6:arm64 provides the
# loader).  A missing aarch64 build when BUILD_A64 is given is a failure.
#
# Needs: libsqlite3-dev zlib1g-dev libpugixml-dev (and the :arm64 variants),
# g++, g++-aarch64-linux-gnu, qemu-user.  Missing pieces are FAILs.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 BUILD_X86 [BUILD_A64]" >&2
  exit 2
fi
build_x86="$1"
build_a64="${2:-}"

work="$(mktemp -d /tmp/xsplice-e2e.XXXXXX)"
keep="${XSPLICE_E2E_KEEP:-0}"
cleanup() { [ "$keep" = 1 ] && echo "kept $work" || rm -rf "$work"; }
trap cleanup EXIT

passed=0
failed=0
t_start=$(date +%s)

pass() { echo "PASS  $1${2:+  ($2)}"; passed=$((passed + 1)); }
fail() { echo "FAIL  $1"; shift; for l in "$@"; do echo "      $l"; done; failed=$((failed + 1)); }

# setup ARCH: sets CC CXX LD LIBDIR RUNNER XS and returns non-zero (after
# recording a FAIL) when something is missing
setup() {
  local arch="$1" build="$2" missing=()
  if [ "$arch" = x86_64 ]; then
    CC=gcc; CXX=g++; LD=ld; LIBDIR=/usr/lib/x86_64-linux-gnu; RUNNER=()
  else
    CC=aarch64-linux-gnu-gcc; CXX=aarch64-linux-gnu-g++; LD=aarch64-linux-gnu-ld
    LIBDIR=/usr/lib/aarch64-linux-gnu; RUNNER=(qemu-aarch64)
    command -v qemu-aarch64 >/dev/null || missing+=(qemu-aarch64)
  fi
  for t in "$CC" "$CXX" "$LD"; do command -v "$t" >/dev/null || missing+=("$t"); done
  if [ ! -x "$build/xsplice" ]; then
    missing+=("$build/xsplice")
  fi
  if [ ${#missing[@]} -ne 0 ]; then
    fail "$arch/setup" "missing: ${missing[*]}"
    return 1
  fi
  XS=("${RUNNER[@]}" "$(cd "$build" && pwd)/xsplice")
  return 0
}

# compare NAME DIR EXPECTED_STATUS: compares native.out/xs.out and statuses
compare() {
  local name="$1" d="$2" want="$3"
  local msgs=()
  if [ "$nrc" != "$want" ]; then
    msgs+=("native program exited $nrc, expected $want; stderr: $(tail -c 400 "$d/native.out.err")")
  fi
  if [ "$xrc" -ge 124 ] && [ "$xrc" != "$want" ]; then
    msgs+=("xsplice run died/timed out: status $xrc")
  fi
  if [ "$xrc" != "$nrc" ]; then
    msgs+=("exit status: native $nrc, xsplice run $xrc")
  fi
  if ! cmp -s "$d/native.out" "$d/xs.out"; then
    msgs+=("stdout differs ($(wc -l <"$d/native.out") vs $(wc -l <"$d/xs.out") lines):")
    while IFS= read -r l; do msgs+=("  $l"); done < <(diff "$d/native.out" "$d/xs.out" | head -15)
  fi
  if [ ! -s "$d/native.out" ]; then
    msgs+=("native program printed nothing")
  fi
  if [ ${#msgs[@]} -ne 0 ]; then
    if [ -s "$d/xs.out.err" ]; then
      msgs+=("xsplice stderr: $(tail -c 600 "$d/xs.out.err" | tr '\n' ' ')")
    fi
    fail "$name" "${msgs[@]}"
  else
    pass "$name" "$(wc -l <"$d/xs.out") lines, status $xrc"
  fi
}

# lib_all ARCHIVE OUT: ld -r --whole-archive
lib_all() {
  if [ "$1" = /dev/null ]; then # no library: an empty relocatable object
    echo 'int xsplice_e2e_empty_unit;' | "$CC" -x c -c - -o "$2" 2>&1
    return
  fi
  if [ ! -f "$1" ]; then
    echo "missing $1"
    return 1
  fi
  "$LD" -r --whole-archive "$1" -o "$2" 2>&1
}

case_c() { # ARCH NAME ARCHIVE DRIVER STATUS LIBS... -- ARGS...
  local arch="$1" name="$2" archive="$3" driver="$4" want="$5"; shift 5
  local libs=() args=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do libs+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  args=("$@")
  local d="$work/$arch-$name"; mkdir -p "$d"
  local err
  if ! err=$(lib_all "$archive" "$d/lib-all.o"); then
    fail "$arch/$name" "ld -r failed: $err"; return
  fi
  if ! err=$("$CC" -O2 -c "$here/$driver" -o "$d/driver.o" 2>&1); then
    fail "$arch/$name" "compile failed: $err"; return
  fi
  if ! err=$("$CC" "$d/driver.o" "$d/lib-all.o" "${libs[@]}" -o "$d/prog" 2>&1); then
    fail "$arch/$name" "native link failed: $err"; return
  fi
  (cd "$d" && run_cmd "$d/native.out" "${RUNNER[@]}" ./prog "${args[@]}"); nrc=$(cat_rc "$d/native.out")
  (cd "$d" && run_cmd "$d/xs.out" "${XS[@]}" run "${libs[@]}" driver.o lib-all.o -- "${args[@]}"); xrc=$(cat_rc "$d/xs.out")
  # argv[0] differs by design (the program path vs the first object); the
  # drivers do not print it.
  compare "$arch/$name" "$d" "$want"
}

case_cxx() { # ARCH
  local arch="$1" name="cxx-pugixml"
  local d="$work/$arch-$name"; mkdir -p "$d"
  local err
  if ! err=$(lib_all "$LIBDIR/libpugixml.a" "$d/lib-all.o"); then
    fail "$arch/$name" "ld -r failed: $err (apt-get install libpugixml-dev${RUNNER:+:arm64})"; return
  fi
  for u in main shapes; do
    if ! err=$("$CXX" -O2 -c "$here/cxx/$u.cpp" -o "$d/$u.o" 2>&1); then
      fail "$arch/$name" "compile $u.cpp failed: $err"; return
    fi
  done
  if ! err=$("$CXX" "$d/main.o" "$d/shapes.o" "$d/lib-all.o" -o "$d/prog" 2>&1); then
    fail "$arch/$name" "native link failed: $err"; return
  fi
  (cd "$d" && run_cmd "$d/native.out" "${RUNNER[@]}" ./prog); nrc=$(cat_rc "$d/native.out")
  (cd "$d" && run_cmd "$d/xs.out" "${XS[@]}" run -lstdc++ -lgcc_s -lm main.o shapes.o lib-all.o); xrc=$(cat_rc "$d/xs.out")
  compare "$arch/$name" "$d" 3
}

# case_far ARCH: the loaded code placed beyond branch reach of libc, so that
# calls out go through stubs/veneers (x86_64 stubs, AArch64 veneers) and
# still run correctly; sqlite runs the same way against its native output.
case_far() {
  local arch="$1" d="$work/$1-far"; mkdir -p "$d"
  local err
  if ! err=$("$CC" -O2 -c "$here/reach_driver.c" -o "$d/reach.o" 2>&1); then
    fail "$arch/far" "compile failed: $err"; return
  fi
  (cd "$d" && run_cmd "$d/xs.out" "${XS[@]}" run --place-far reach.o); xrc=$(cat_rc "$d/xs.out")
  if [ "$xrc" = 0 ] && grep -qx "1 2 8 9" "$d/xs.out" && grep -qx "placement: far" "$d/xs.out"; then
    pass "$arch/far-reach" "stubs to libc and back, status 0"
  else
    fail "$arch/far-reach" "status $xrc" "$(head -c 400 "$d/xs.out") $(tail -c 400 "$d/xs.out.err")"
  fi
  local s="$work/$arch-sqlite"
  if [ -f "$s/driver.o" ] && [ -f "$s/native.out" ]; then
    (cd "$s" && run_cmd "$s/xsfar.out" "${XS[@]}" run --place-far -lm driver.o lib-all.o); xrc=$(cat_rc "$s/xsfar.out")
    if [ "$xrc" = 0 ] && cmp -s "$s/native.out" "$s/xsfar.out"; then
      pass "$arch/sqlite-far" "$(wc -l <"$s/xsfar.out") lines identical through stubs"
    else
      fail "$arch/sqlite-far" "status $xrc; $(diff "$s/native.out" "$s/xsfar.out" | head -5 | tr '\n' ' ') $(tail -c 300 "$s/xsfar.out.err")"
    fi
  else
    fail "$arch/sqlite-far" "the sqlite case did not leave its objects"
  fi
}

# run_cmd OUTFILE CMD...: runs CMD with a timeout (in a subshell, so the
# status goes to OUTFILE.rc)
run_cmd() {
  local out="$1"; shift
  timeout -k 5 300 "$@" >"$out" 2>"$out.err" </dev/null
  echo $? >"$out.rc"
}
cat_rc() { cat "$1.rc" 2>/dev/null || echo 255; }

run_arch() {
  local arch="$1" build="$2"
  setup "$arch" "$build" || return
  case_c "$arch" sqlite "$LIBDIR/libsqlite3.a" sqlite_driver.c 0 -lm
  case_c "$arch" zlib "$LIBDIR/libz.a" zlib_driver.c 42 -- hello-e2e 42
  case_c "$arch" libc-data /dev/null stdio_driver.c 11 -- -v -n loader alpha beta
  case_c "$arch" atomics /dev/null atomics_driver.c 0
  case_c "$arch" unwind /dev/null unwind_driver.c 0
  [ "$arch" = x86_64 ] && case_c "$arch" cpu /dev/null cpu_driver.c 0
  case_cxx "$arch"
  case_far "$arch"
  case_common "$arch"
}

# case_common ARCH: SHN_COMMON symbols (-fcommon) across two objects.
case_common() {
  local arch="$1" d="$work/$1-common"; mkdir -p "$d"
  local err u
  for u in a b; do
    if ! err=$("$CC" -O2 -fcommon -c "$here/common_$u.c" -o "$d/$u.o" 2>&1); then
      fail "$arch/common" "compile failed: $err"; return
    fi
  done
  if ! err=$("$CC" "$d/a.o" "$d/b.o" -o "$d/prog" 2>&1); then
    fail "$arch/common" "native link failed: $err"; return
  fi
  (cd "$d" && run_cmd "$d/native.out" "${RUNNER[@]}" ./prog); nrc=$(cat_rc "$d/native.out")
  (cd "$d" && run_cmd "$d/xs.out" "${XS[@]}" run a.o b.o); xrc=$(cat_rc "$d/xs.out")
  compare "$arch/common" "$d" 0
}

run_arch x86_64 "$build_x86"
if [ -n "$build_a64" ]; then
  run_arch aarch64 "$build_a64"
fi
echo "time: $(( $(date +%s) - t_start ))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
