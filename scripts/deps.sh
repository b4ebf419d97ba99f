# Sourced by scripts/demo.sh and scripts/test.sh (not run by itself).
# xs_ensure_packages PKG...: install what is missing with apt-get, without
# prompting; do nothing (no apt-get update either) when all are present.
# PKG may carry an architecture (libelf-dev:arm64); arm64 is then added to
# dpkg's foreign architectures first.

xs_pkg_installed() {
	local p=$1 st
	case $p in
	*:*) st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) ;;
	*)   # native architecture first; Architecture: all packages have none
	     st=$(dpkg-query -W -f='${db:Status-Status}' "$p:$(dpkg --print-architecture)" 2>/dev/null) ||
	     st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) ;;
	esac
	[ "$st" = installed ]
}

xs_ensure_packages() {
	local missing=() p a need_update=0
	for p in "$@"; do
		xs_pkg_installed "$p" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0

	echo "xsplice: installing missing packages: ${missing[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		echo "xsplice: error: these packages are missing and installing them needs root:" >&2
		echo "  apt-get install ${missing[*]}" >&2
		return 1
	fi
	for p in "${missing[@]}"; do
		case $p in
		*:*)
			a=${p##*:}
			if [ "$a" != "$(dpkg --print-architecture)" ] &&
				! dpkg --print-foreign-architectures | grep -qx "$a"; then
				dpkg --add-architecture "$a"
			fi
			;;
		esac
	done
	export DEBIAN_FRONTEND=noninteractive
	apt-get -q update || return 1
	apt-get -q -y --no-install-recommends \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
		install "${missing[@]}" || return 1
	for p in "${missing[@]}"; do
		xs_pkg_installed "$p" || { echo "xsplice: error: $p still not installed" >&2; return 1; }
	done
}

# Extra packages other parts of the tree declare: one name per line in
# test/*/packages.txt or fuzz/packages.txt ('#' starts a comment).
xs_extra_packages() {
	local root=$1 f
	for f in "$root"/test/*/packages.txt "$root"/fuzz/packages.txt; do
		[ -f "$f" ] && sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$f"
	done
	return 0
}
