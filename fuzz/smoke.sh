#!/bin/bash
# fuzz/smoke.sh BUILD_DIR_REPLAY BUILD_DIR_FUZZ [SECONDS]
#
# The fuzz part of the test suite:
#   1. replays every corpus (fuzz/corpus/TARGET, regress-* files included)
#      through the replay drivers of BUILD_DIR_REPLAY - a build of the project
#      configured with -DXS_FUZZ=ON and ASan+UBSan in CMAKE_C_FLAGS; the
#      fuzz-replay target is built first;
#   2. runs each libFuzzer target for SECONDS (default 20) from
#      BUILD_DIR_FUZZ, a clang build (configured standalone from fuzz/ when
#      it has no CMakeCache.txt). Skipped with a note when clang is missing.
# Any crash, sanitizer report or failed replay fails the script.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
[ $# -ge 2 ] || { echo "usage: fuzz/smoke.sh BUILD_DIR_REPLAY BUILD_DIR_FUZZ [SECONDS]" >&2; exit 2; }
replay_dir=$1 fuzz_dir=$2 secs=${3:-20}
targets=$(cd "$here/targets" && ls *.c | sed 's/\.c$//')
fail=0

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

echo "== fuzz smoke: replay corpora ($replay_dir)"
if ! cmake --build "$replay_dir" --target fuzz-replay -- -j"$(nproc)" >/dev/null; then
  echo "FAIL: building fuzz-replay in $replay_dir (configured with -DXS_FUZZ=ON?)"
  exit 1
fi
for t in $targets; do
  bin=$(find "$replay_dir" -type f -name "fuzz_${t}_replay" -perm -u+x | head -1)
  if [ -z "$bin" ]; then
    echo "FAIL replay $t: not built (missing dependency?)"; fail=1
    continue
  fi
  if out=$("$bin" "$here/corpus/$t" 2>&1); then
    echo "ok   replay $t: $(echo "$out" | tail -1)"
  else
    echo "FAIL replay $t"; echo "$out" | tail -40; fail=1
  fi
done

echo "== fuzz smoke: libFuzzer, ${secs}s per target ($fuzz_dir)"
if ! command -v "${CC_FUZZ:-clang}" >/dev/null; then
  echo "FAIL libFuzzer: clang not found (a skipped fuzz step is a failure)"
  exit 1
fi
if [ ! -f "$fuzz_dir/CMakeCache.txt" ]; then
  gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
  cmake -S "$here" -B "$fuzz_dir" "${gen[@]}" -DCMAKE_C_COMPILER="${CC_FUZZ:-clang}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || { echo "FAIL: configuring $fuzz_dir"; exit 1; }
fi
if ! cmake --build "$fuzz_dir" --target fuzz-libfuzzer -- -j"$(nproc)" >/dev/null; then
  echo "FAIL: building the libFuzzer targets in $fuzz_dir"; exit 1
fi
for t in $targets; do
  bin=$(find "$fuzz_dir" -type f -name "fuzz_${t}_libfuzzer" -perm -u+x | head -1)
  [ -n "$bin" ] || { echo "FAIL fuzz $t: not built"; fail=1; continue; }
  work=$(mktemp -d)
  cp "$here/corpus/$t"/* "$work"/ 2>/dev/null
  case $t in howto) maxlen=128 ;; cli_symbols) maxlen=131072 ;; *) maxlen=65536 ;; esac
  log=$work.log
  if "$bin" -max_total_time="$secs" -max_len=$maxlen -dict="$here/elf.dict" \
       -artifact_prefix="$work.crash-" -print_final_stats=1 -rss_limit_mb=4096 -timeout=25 \
       "$work" >"$log" 2>&1; then
    execs=$(grep -o 'number_of_executed_units: *[0-9]*' "$log" | awk '{print $2}')
    echo "ok   fuzz $t: ${execs:-?} executions"
  else
    echo "FAIL fuzz $t (crash input: $(ls "$work".crash-* 2>/dev/null | head -1))"
    grep -E 'ERROR|SUMMARY|xs_fuzz:|runtime error' "$log" | head -20
    fail=1
  fi
  rm -rf "$work" "$log"
done
exit $fail
