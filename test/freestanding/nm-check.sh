#!/bin/bash
# nm-check.sh NM ARCHIVE
# The core's undefined symbols (those no member of the archive defines) must
# be a subset of what a freestanding C compiler may call on its own.
set -euo pipefail
nm_tool=$1 archive=$2
allowed="memcpy memmove memset memcmp"

[ -s "$archive" ] || { echo "FAIL: no archive $archive"; exit 1; }
defined=$("$nm_tool" --defined-only "$archive" | awk 'NF==3 {print $3}' | sort -u)
undefined=$("$nm_tool" -u "$archive" | awk '$1=="U" || $1=="w" {print $2}' | sort -u)
extra=$(comm -23 <(echo "$undefined") <(echo "$defined") |
	grep -vxF -f <(tr ' ' '\n' <<<"$allowed") || true)
if [ -n "$extra" ]; then
	echo "FAIL: $archive needs symbols a freestanding host does not provide:"
	for s in $extra; do
		echo "  $s  (referenced by: $("$nm_tool" -A -u "$archive" |
			awk -v s="$s" '$NF==s {n=split($1, a, ":"); print a[n-1]}' |
			sort -u | tr '\n' ' '))"
	done
	exit 1
fi
echo "ok: $archive: undefined = {$(comm -23 <(echo "$undefined") <(echo "$defined") | tr '\n' ' ')}"
