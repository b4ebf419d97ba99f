#!/bin/bash
# includes.sh SRC_DIR
# The core (libxsplice/, arch/) may include only the freestanding headers
# stddef.h stdint.h stdbool.h limits.h stdarg.h and the project's own -
# checked through every public header the core pulls in.
set -euo pipefail
src=$(cd "$1" && pwd)
allowed_sys="stddef.h stdint.h stdbool.h limits.h stdarg.h"
fail=0
declare -A seen=()
queue=()
while IFS= read -r f; do queue+=("$f"); done < <(
	find "$src/libxsplice" "$src/arch" -type f \( -name '*.c' -o -name '*.h' \) | sort)
[ ${#queue[@]} -gt 0 ] || { echo "FAIL: no core files"; exit 1; }

i=0
while [ $i -lt ${#queue[@]} ]; do
	f=${queue[$i]}
	i=$((i + 1))
	[ -z "${seen[$f]:-}" ] || continue
	seen[$f]=1
	rel=${f#"$src"/}
	while IFS=: read -r line text; do
		if [[ $text =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\<([^>]+)\> ]]; then
			h=${BASH_REMATCH[1]}
			if [[ " $allowed_sys " == *" $h "* ]]; then
				continue
			elif [[ $h == xsplice/* && -f $src/include/$h ]]; then
				queue+=("$src/include/$h")
				continue
			fi
		elif [[ $text =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]]; then
			h=${BASH_REMATCH[1]}
			found=""
			for d in "$(dirname "$f")" "$src/libxsplice" "$src/include"; do
				if [ -f "$d/$h" ]; then
					found=$(cd "$(dirname "$d/$h")" && pwd)/$(basename "$h")
					break
				fi
			done
			if [ -n "$found" ] && [[ $found == "$src/libxsplice/"* || $found == "$src/arch/"* || $found == "$src/include/xsplice/"* ]]; then
				queue+=("$found")
				continue
			fi
		fi
		echo "FAIL: $rel:$line: $text"
		fail=1
	done < <(grep -nE '^[[:space:]]*#[[:space:]]*include' "$f" || true)
done
[ $fail = 0 ] && echo "ok: ${#seen[@]} core files include only freestanding and project headers"
exit $fail
