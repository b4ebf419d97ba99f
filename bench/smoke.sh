#!/usr/bin/env bash
# bench/smoke: xsplice-bench --smoke runs and prints only valid JSON lines,
# with a row for each section. No timing is checked.
set -eu
bench="$1" cache="$2"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
"$bench" --smoke --cache "$cache" --json - >"$out" 2>"$out.table" || {
  echo "xsplice-bench --smoke failed:"; cat "$out.table"; rm -f "$out.table"; exit 1; }
rm -f "$out.table"
python3 - "$out" <<'PY'
import json, sys
seen = set()
n = 0
for i, line in enumerate(open(sys.argv[1]), 1):
    try:
        obj = json.loads(line)
    except ValueError as e:
        sys.exit("line %d is not JSON: %s: %r" % (i, e, line))
    if not isinstance(obj, dict) or "bench" not in obj:
        sys.exit("line %d has no 'bench' key" % i)
    seen.add(obj["bench"])
    n += 1
missing = {"link", "symtab", "memory", "patch"} - seen
if missing:
    sys.exit("no rows for: %s" % ", ".join(sorted(missing)))
print("%d JSON lines, sections: %s" % (n, ", ".join(sorted(seen))))
PY
