# need.sh: sourced by the scripts.  need CMD PROG: return when CMD is on
# PATH; otherwise one line saying whether it is missing or only off PATH,
# and exit 2.  why_missing CMD: print that reason and return 1 instead.
why_missing() {
	command -v "$1" >/dev/null 2>&1 && return 0
	for d in /usr/local/bin /usr/bin /bin /usr/local/sbin /usr/sbin; do
		if [ -x "$d/$1" ]; then
			echo "$1 is installed in $d, which is not on PATH"
			return 1
		fi
	done
	echo "$1 is not installed (make deps installs it)"
	return 1
}
need() {
	why=$(why_missing "$1") || { echo "$2: $why" >&2; exit 2; }
}
