# load.sh: sourced by the scripts that measure under a competing load
# (ratio-trials): a busy loop on every online CPU, as another job on a
# shared node would be, stopped on exit whatever ends the script.
#   load_start      start one busy loop per CPU (their pids in LOAD_PIDS)
#   load_stop       kill them (also on EXIT, INT, TERM, HUP once started)
LOAD_PIDS=""
load_start() {
	n=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
	i=0
	while [ "$i" -lt "$n" ]; do
		sh -c 'while :; do :; done' &
		LOAD_PIDS="$LOAD_PIDS $!"
		i=$((i + 1))
	done
	trap 'load_stop' EXIT
	trap 'load_stop; exit 130' INT
	trap 'load_stop; exit 143' TERM
	trap 'load_stop; exit 129' HUP
}
load_stop() {
	# shellcheck disable=SC2086
	[ -n "$LOAD_PIDS" ] && kill $LOAD_PIDS 2>/dev/null
	LOAD_PIDS=""
}
