# cpu-limit.sh: sourced by the scripts that run QEMU (pmp-run, mpk-vm).
# Their limit is QEMU's CPU time, which a loaded machine does not stretch,
# with a wall-clock stop at ten times that for a guest that waits on
# nothing.
#   cpu_seconds PROG NAME VALUE   exit 2 with one line unless VALUE is a
#                                 whole number of seconds above 0
#   cpu_limited SECONDS CMD...    run CMD under both limits; timeout
#                                 --foreground keeps it in this process
#                                 group, so a signal to the group reaches it
cpu_seconds() {
	case "$3" in
	''|*[!0-9]*|0) echo "$1: $2: '$3' is not a whole number of seconds" >&2; exit 2 ;;
	esac
}
cpu_limited() {
	(limit=$1 && shift && ulimit -t "$limit" &&
	 exec timeout --foreground "$((limit * 10))" "$@")
}
