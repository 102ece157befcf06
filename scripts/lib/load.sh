# load.sh: sourced by the scripts that measure under a competing load
# (aa-trials, ratio-trials): a busy loop on every online CPU, as another
# job on a shared node would be.  The script sets the traps that call
# load_stop (on EXIT, and on INT, TERM and HUP with its own words).
#   load_start      start one busy loop per CPU (their pids in LOAD_PIDS)
#   load_stop       kill them
LOAD_PIDS=""
load_start() {
	n=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
	i=0
	while [ "$i" -lt "$n" ]; do
		(trap - INT TERM HUP; while :; do :; done) &
		LOAD_PIDS="$LOAD_PIDS $!"
		i=$((i + 1))
	done
}
load_stop() {
	# shellcheck disable=SC2086
	[ -n "$LOAD_PIDS" ] && kill $LOAD_PIDS 2>/dev/null
	LOAD_PIDS=""
}
