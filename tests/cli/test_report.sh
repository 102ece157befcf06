#!/bin/sh
# test_report.sh: from results to tables and figures, and the scripts
# around a run: efreport's numbers and its refusal of anything that is not
# an efbench CSV (one line naming file and column, exit 2); scripts/plots
# drawing every figure from the committed examples; scripts/setup-bench;
# scripts/node-setup applying and restoring settings on a fake /sys.
# Prints PASS/FAIL/SKIP lines for scripts/run-tests.
set -u
SUITE=report
. "$(dirname "$0")/common.sh"
EFREPORT=$TOP/build/efreport
EFBENCH=$TOP/build/efbench

# usage_errors NAME SCRIPT ARGS...: each ARGS (split on spaces) is refused
# with exit 2 and one line.
usage_errors() {
	name=$1 script=$2; shift 2
	for args in "$@"; do
		# shellcheck disable=SC2086
		"$script" $args >/dev/null 2>err.txt
		if [ $? -ne 2 ] || [ "$(wc -l < err.txt)" -ne 1 ]; then
			fail "$name" "'$args': $(cat err.txt)"
			return
		fi
	done
	pass "$name"
}

HEAD=run_id,host,cpu_model,target,policy,mode,workload,benchmark,parameter,iterations,value,unit,repetition,status,message
# row HOST TARGET POLICY MODE BENCH PARAM VALUE [UNIT]
row() { echo "r,$1,\"CPU, model\",$2,$3,$4,w,$5,$6,10,$7,${8:-ns},0,ok,"; }

# expect_error NAME WHAT-THE-LINE-MUST-SAY FILE-CONTENT...: the file is
# refused with one line naming it (and WHAT), exit 2, nothing written.
expect_error() {
	name=$1 want=$2; shift 2
	if [ "$*" = "" ]; then : > "$name.csv"; else printf '%s\n' "$@" > "$name.csv"; fi
	rm -rf out
	"$EFREPORT" -o out "$name.csv" >stdout.txt 2>err.txt
	rc=$?
	if [ $rc -ne 2 ]; then
		fail "$name" "exit $rc, want 2: $(head -c 200 err.txt)"
	elif [ "$(wc -l < err.txt)" -ne 1 ] || ! grep -q "^efreport: $name.csv" err.txt ||
	     ! grep -q -- "$want" err.txt; then
		fail "$name" "want one line naming $name.csv and '$want', got: $(head -c 300 err.txt)"
	elif [ -e out ]; then
		fail "$name" "wrote output"
	else
		pass "$name"
	fi
}

expect_error empty_file "empty file" ""
expect_error not_efbench "no column 'host'" "a,b,c" "1,2,3"
expect_error missing_value_column "no column 'value'" \
	"run_id,host,cpu_model,target,policy,mode,workload,benchmark,parameter,unit,status" "r,h,c,t,p,unsafe,w,b,1,ns,ok"
expect_error field_count "3 fields, the header has 15" "$HEAD" "a,b,c"
expect_error value_text "column 'value': 'fast'" "$HEAD" "$(row h host none unsafe b 1 fast)"
expect_error value_negative "column 'value': '-3'" "$HEAD" "$(row h host none unsafe b 1 -3)"
expect_error mode_unknown "column 'mode': 'turbo'" "$HEAD" "$(row h host none turbo b 1 5)"
expect_error parameter_negative "column 'parameter': '-1'" "$HEAD" "$(row h host none unsafe b -1 5)"
expect_error unit_unknown "column 'unit': 'ms'" "$HEAD" "$(row h host none unsafe b 1 5 ms)"
expect_error unit_changes "column 'unit': 'instructions'" "$HEAD" "$(row h host none unsafe b 1 5)" \
	"$(row h host none unsafe b 1 5 instructions)"
expect_error quote_open "malformed CSV" "$HEAD" 'r,h,"CPU,host,none,unsafe,w,b,1,10,5,ns,0,ok,'
expect_error status_unknown "column 'status': 'maybe'" "$HEAD" "r,h,c,host,none,unsafe,w,b,1,10,5,ns,0,maybe,"
expect_error no_ok_rows "no sample with status ok" "$HEAD" "r,h,c,host,none,unsafe,w,b,1,0,,ns,,error,why"
"$EFREPORT" -o out no-such.csv 2>err.txt
if [ $? -eq 2 ] && grep -q "^efreport: no-such.csv: cannot open" err.txt; then
	pass missing_file
else
	fail missing_file "$(cat err.txt)"
fi

# Known samples: unsafe 1..9 (median 5), invoke 2..18 (median 10) under
# two policies, on two hosts; each host keeps its own rows.
{
	echo "$HEAD"
	for i in 1 2 3 4 5 6 7 8 9; do
		row a mpk none unsafe b 8 "$i"
		row a mpk strict invoke b 8 $((2 * i))
		row b mpk none unsafe b 8 $((10 * i))
	done
	echo "r,a,c,mpk,none,unsafe,w,b,8,0,,ns,,error,skipped"
} > known.csv
if "$EFREPORT" -o out known.csv 2>err.txt; then
	got=$(awk -F, '$1 == "a" && $7 == "invoke/unsafe" { print $9, $12 }' out/overheads.csv)
	med=$(awk -F, '$7 == "unsafe" { print $1 "=" $9 ":" $10 }' out/summary.csv | sort | tr '\n' ' ')
	ci=$(awk -F, '$1 == "a" && $7 == "invoke" { print ($11 <= 10 && $12 >= 10 && $11 < $12) }' out/summary.csv)
	if [ "$got" = "2 5" ] && [ "$med" = "a=9:5 b=9:50 " ] && [ "$ci" = 1 ] &&
	   grep -q '| w/b/8 | strict | – | 2.000 \[' out/summary.md &&
	   grep -q "1 error rows skipped" err.txt; then
		pass known_numbers
	else
		fail known_numbers "overhead '$got', medians '$med', CI '$ci': $(cat err.txt)"
	fi
else
	fail known_numbers "$(cat err.txt)"
fi

# The figures from the committed examples: every script draws a PDF and a
# PNG, and the tables list every example's host.
if command -v gnuplot >/dev/null 2>&1; then
	if "$TOP/scripts/plots" -o "$tmp/fig" "$TOP"/results/examples/*.csv >out.txt 2>err.txt; then
		bad=""
		for gp in "$TOP"/plots/*.gp; do
			n=$(basename "$gp" .gp)
			[ "$n" = common ] && continue
			head -c 4 "fig/$n.pdf" 2>/dev/null | grep -q '%PDF' || bad="$bad $n.pdf"
			head -c 4 "fig/$n.png" 2>/dev/null | grep -q 'PNG' || bad="$bad $n.png"
		done
		hosts=$(grep -c '^## ' fig/summary.md)
		if [ -z "$bad" ] && [ "$hosts" -ge 4 ]; then
			pass figures_from_examples
		else
			fail figures_from_examples "missing or not drawn:$bad; $hosts sections"
		fi
	else
		fail figures_from_examples "$(tail -n 3 err.txt)"
	fi
	printf 'a,b\n1,2\n' > notours.csv
	"$TOP/scripts/plots" -o "$tmp/fig2" notours.csv >/dev/null 2>err.txt
	if [ $? -eq 2 ] && [ "$(wc -l < err.txt)" -eq 1 ] && grep -q "notours.csv: no column 'host'" err.txt; then
		pass plots_refuse_other_csv
	else
		fail plots_refuse_other_csv "$(cat err.txt)"
	fi
else
	echo "SKIP report/figures_from_examples: gnuplot is not installed (make deps)"
fi

# Process set-up timed by hyperfine: rows in efbench's schema, every mode
# checked against unsafe first; efreport reads them.
if command -v hyperfine >/dev/null 2>&1; then
	if "$TOP/scripts/setup-bench" --runs 3 --warmup 1 --out setup.csv >out.txt 2>err.txt; then
		ok=$(grep -c ',setup,.*,ns,[0-9]*,ok,$' setup.csv)
		modes=$(awk -F, 'NR > 1 && $4 == "host" { print $6 }' setup.csv | sort -u | tr '\n' ' ')
		if [ "$ok" -ge 18 ] && [ "$modes" = "unsafe validate " ] &&
		   grep -q '^runner=hyperfine ' setup.meta && "$EFREPORT" -o sout setup.csv 2>/dev/null; then
			pass setup_bench
		else
			fail setup_bench "$ok ok rows, host modes '$modes'"
		fi
	else
		fail setup_bench "$(tail -n 2 err.txt)"
	fi
	usage_errors setup_bench_usage "$TOP/scripts/setup-bench" "--runs 0" "--runs many" "--frobnicate" "--out setup.csv"
else
	echo "SKIP report/setup_bench: hyperfine is not installed (make deps)"
fi

# node-setup on a fake /sys and /proc: applied, recorded in a run's
# sidecar, refused twice, and every value restored.
R=$tmp/root
cpu=$R/sys/devices/system/cpu
mkdir -p "$cpu/cpu0/cpufreq" "$cpu/cpu1/cpufreq" "$cpu/smt" "$cpu/cpufreq" "$R/proc/sys/kernel" \
	"$R/sys/fs/cgroup/system.slice" "$R/sys/fs/cgroup/user.slice"
echo powersave > "$cpu/cpu0/cpufreq/scaling_governor"
echo schedutil > "$cpu/cpu1/cpufreq/scaling_governor"
echo 1 > "$cpu/cpufreq/boost"; echo on > "$cpu/smt/control"; echo 0-3 > "$cpu/online"
echo 2 > "$R/proc/sys/kernel/randomize_va_space"
echo "cpuset cpu" > "$R/sys/fs/cgroup/cgroup.subtree_control"
echo 0-3 > "$R/sys/fs/cgroup/system.slice/cpuset.cpus"
echo 0-3 > "$R/sys/fs/cgroup/user.slice/cpuset.cpus"
before=$(cd "$R" && find . -type f | sort | xargs cat | md5sum)
export EFBENCH_NODE_ROOT=$R EFBENCH_NODE_STATE=$tmp/node-state
if "$TOP/scripts/node-setup" --shield 2-3 2>err.txt &&
   [ "$(cat "$cpu/cpu1/cpufreq/scaling_governor" "$cpu/cpufreq/boost" "$cpu/smt/control" \
	"$R/proc/sys/kernel/randomize_va_space" "$R/sys/fs/cgroup/user.slice/cpuset.cpus" \
	"$R/sys/fs/cgroup/efbench/cpuset.cpus" | tr '\n' ' ')" = "performance 0 off 0 0,1 2-3 " ]; then
	"$EFBENCH" --target host --filter runner --repetitions 2 --min-time 0.001 --out ns.csv >/dev/null 2>&1
	if grep -q '^node_setup=applied .*governor=performance(2 cpus) turbo=off smt=off aslr=0 shield=2-3$' ns.meta; then
		pass node_setup_recorded
	else
		fail node_setup_recorded "$(grep node_setup ns.meta)"
	fi
	"$TOP/scripts/node-setup" >/dev/null 2>err.txt
	[ $? -eq 2 ] && grep -q 'already applied' err.txt && pass node_setup_once ||
		fail node_setup_once "$(cat err.txt)"
	rm -f "$R/sys/fs/cgroup/efbench/cpuset.cpus"   # a real cgroup's files go with rmdir
	"$TOP/scripts/node-setup" --restore 2>err.txt
	after=$(cd "$R" && find . -type f | sort | xargs cat | md5sum)
	if [ "$before" = "$after" ] && [ ! -e "$EFBENCH_NODE_STATE" ] && [ ! -d "$R/sys/fs/cgroup/efbench" ]; then
		pass node_setup_restore
	else
		fail node_setup_restore "settings differ after --restore: $(cat err.txt)"
	fi
	# A setting that cannot be put back (its file is gone) is reported,
	# exit 1, and stays in the state file for the next --restore; the
	# others are put back.
	"$TOP/scripts/node-setup" 2>err.txt
	rm -rf "$cpu/smt"
	"$TOP/scripts/node-setup" --restore 2>err.txt
	rc=$?
	left=$(grep -v '^# summary' "$EFBENCH_NODE_STATE" 2>/dev/null | cut -f1)
	if [ $rc -eq 1 ] && [ "$left" = "$cpu/smt/control" ] && grep -q "cannot restore $cpu/smt/control" err.txt &&
	   [ "$(cat "$cpu/cpu0/cpufreq/scaling_governor")" = powersave ]; then
		mkdir -p "$cpu/smt"
		"$TOP/scripts/node-setup" --restore 2>err.txt
		rc=$?
		if [ $rc -eq 0 ] && [ ! -e "$EFBENCH_NODE_STATE" ] && [ "$(cat "$cpu/smt/control")" = on ]; then
			pass node_setup_restore_failure_kept
		else
			fail node_setup_restore_failure_kept "second --restore: exit $rc: $(cat err.txt)"
		fi
	else
		fail node_setup_restore_failure_kept "exit $rc, left in the state file: '$left': $(cat err.txt)"
	fi
else
	fail node_setup_apply "$(cat err.txt)"
fi
usage_errors node_setup_usage "$TOP/scripts/node-setup" "--restore" "--shield 9-12" "--shield x" "--bogus"
