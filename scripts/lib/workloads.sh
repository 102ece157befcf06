# workloads.sh: sourced by the scripts that need what each workload
# declares about itself, read as text (they may run before anything is
# built), from the top folder: the Makefile's WORKLOADS list and each
# workloads/<w>/workload.mk's `<w>_FIELD := value` lines.

# The workloads, in the Makefile's order.
workloads() {
	sed -n 's/^WORKLOADS[ 	]*:=[ 	]*//p' Makefile
}

# workload_field W FIELD: the value of W's FIELD, empty where it has none.
workload_field() {
	sed -n "s/^$1_$2[ 	]*:=[ 	]*//p" "workloads/$1/workload.mk"
}

# workload_filter FIELD: an efbench --filter of every workload's FIELD
# patterns, the whole workload where it declares none, so that a new
# workload is in every such run unless it says otherwise.
workload_filter() {
	for w in $(workloads); do
		f=$(workload_field "$w" "$1")
		echo "${f:-$w}"
	done | tr -s ' \n' ',' | sed 's/,$//'
}
