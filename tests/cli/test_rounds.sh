#!/bin/sh
# test_rounds.sh: how efbench takes its samples (issue: numbers that hold on
# a noisy machine): the modes of a benchmark measured in rounds, one sample
# of each a round, in an order drawn from --seed (--interleave); the run
# repeated in fresh processes and pooled (--processes); CPU time beside
# wall time.  The CSV's rows are written in the order the samples are
# taken, which is what these tests read.
# Prints PASS/FAIL/SKIP lines for scripts/run-tests.
set -u
SUITE=rounds
. "$(dirname "$0")/common.sh"
EFBENCH=$TOP/build/efbench
SET=ubench/invoke_args/0,ubench/invoke_args/6,runner/empty/0

# run NAME ARGS...: a short run of the set on the host target into NAME.csv,
# in this one process unless ARGS say --processes.
run() {
	name=$1; shift
	"$EFBENCH" --target host --filter "$SET" --repetitions 8 --min-time 0.0005 \
		--processes 1 --out "$name.csv" "$@" >"$name.out" 2>"$name.err"
}
# The order the samples were taken in: benchmark, parameter, mode, round.
order() { awk -F, 'NR > 1 { print $8 "/" $9, $6, $13 }' "$1.csv"; }

for runner in native gbench; do
	if ! "$EFBENCH" --runner $runner --list >/dev/null 2>&1; then
		echo "SKIP $SUITE/${runner}_*: this build has no Google Benchmark"
		continue
	fi
	run "$runner-a" --runner $runner --seed 7
	rc_a=$?
	run "$runner-b" --runner $runner --seed 7
	rc_b=$?
	run "$runner-c" --runner $runner --seed 8
	rc_c=$?
	if [ $rc_a -ne 0 ] || [ $rc_b -ne 0 ] || [ $rc_c -ne 0 ]; then
		fail "${runner}_runs" "exit $rc_a/$rc_b/$rc_c: $(tail -n 2 $runner-a.err)"
		continue
	fi
	# Every round holds one sample of each mode of its benchmark, and the
	# rounds of a benchmark come one after the other.
	bad=$(order "$runner-a" | awk '
		{ key = $1 " " $3; n[key]++; m[key] = m[key] " " $2
		  if (last != "" && $1 != lastb && seen[$1]) split_rounds = 1
		  seen[$1] = 1; lastb = $1; last = $0 }
		END { for (k in n) if (n[k] != 2 || (m[k] != " unsafe validate" && m[k] != " validate unsafe"))
			{ print "round " k ":" m[k]; exit }
		      if (split_rounds) print "a benchmark'"'"'s rounds are not together" }')
	rounds=$(order "$runner-a" | awk '{ print $1, $3 }' | uniq | wc -l)
	if [ -z "$bad" ] && [ "$rounds" -eq 24 ]; then
		pass "${runner}_one_sample_of_each_mode_a_round"
	else
		fail "${runner}_one_sample_of_each_mode_a_round" "${bad:-$rounds runs of rounds, want 24}"
	fi
	# The order within rounds: drawn, not fixed (both orders appear), and
	# the same for the same seed, another for another.
	firsts=$(order "$runner-a" | awk '{ k = $1 " " $3 } k != last { print $2; last = k }' | sort -u | wc -l)
	if [ "$firsts" -eq 2 ]; then
		pass "${runner}_order_is_drawn"
	else
		fail "${runner}_order_is_drawn" "every round starts with the same mode"
	fi
	if order "$runner-a" | cmp -s - "$(order "$runner-b" > "$runner-b.order" && echo "$runner-b.order")" &&
	   ! order "$runner-c" | cmp -s - "$runner-b.order"; then
		pass "${runner}_order_from_seed"
	else
		fail "${runner}_order_from_seed" "seed 7 twice: $(order "$runner-a" | head -n 4 | tr '\n' ' ') / $(head -n 4 "$runner-b.order" | tr '\n' ' '); seed 8: $(order "$runner-c" | head -n 4 | tr '\n' ' ')"
	fi
	# CPU time beside wall time: there, positive, and not more than the
	# wall time (a sample's thread cannot run longer than it lasts; 10%
	# and 2 ns for the clocks' granularity).
	cpu=$(awk -F, 'NR > 1 && ($17 == "" || $17 <= 0 || $17 > $11 * 1.1 + 2) { bad++ } END { print bad + 0 }' "$runner-a.csv")
	if [ "$cpu" -eq 0 ]; then
		pass "${runner}_cpu_time"
	else
		fail "${runner}_cpu_time" "$cpu rows without a CPU time in (0, value]"
	fi
	grep -q '^interleave=modes$' "$runner-a.meta" && grep -q '^processes=1$' "$runner-a.meta" &&
		pass "${runner}_sidecar" || fail "${runner}_sidecar" "$(grep -E '^(interleave|processes)' "$runner-a.meta")"
done

# --interleave all: one round holds every benchmark and mode; none: each
# mode's samples one after another, as before rounds existed.
run all --runner native --interleave all
all=$(order all | awk '{ n[$3]++ } END { for (r in n) if (n[r] != 6) bad++; print bad + 0 }')
spread=$(order all | awk 'NR <= 6 { print $1 }' | sort -u | wc -l)
[ "$all" -eq 0 ] && [ "$spread" -eq 3 ] && [ "$(order all | wc -l)" -eq 48 ] &&
	pass interleave_all || fail interleave_all "$(order all | head -n 6 | tr '\n' ' ')"
run none --runner native --interleave none
runs=$(order none | awk '{ print $1, $2 }' | uniq | wc -l)
[ "$runs" -eq 6 ] && pass interleave_none || fail interleave_none "$runs runs of one mode, want 6"
# Samples not taken side by side do not pair: efbench's summary and
# efreport show ratios of medians for them (m), paired ratios for rounds.
unpaired=$(grep -c '^runner/empty/0 .* m *$' none.out)
paired=$(grep -c '^runner/empty/0 .* m *$' native-a.out)
"$TOP/build/efreport" -o none-report none.csv >/dev/null 2>&1
if [ "$unpaired" -eq 1 ] && [ "$paired" -eq 0 ] &&
   grep -q ',medians,0,' none-report/overheads.csv; then
	pass interleave_none_unpaired
else
	fail interleave_none_unpaired "summary marks m: $unpaired with none, $paired with modes; $(grep runner none-report/overheads.csv)"
fi

# --processes: N fresh processes, pooled; rows say which; the sidecar too.
# The 8 repetitions are spread over them: 3, 3 and 2 rounds of the three
# benchmarks' two modes.
per_process() { awk -F, 'NR > 1 && $14 == "ok" { n[$16]++ } END { for (p in n) printf "%s:%d ", p, n[p] }' "$1" | tr ' ' '\n' | sort | tr '\n' ' '; }
run procs --runner native --processes 3
rc=$?
per=$(per_process procs.csv)
if [ $rc -eq 0 ] && [ "$per" = "0:18 1:18 2:12 " ] && grep -q '^processes=3$' procs.meta &&
   grep -q '^rows=48$' procs.meta && grep -q '^status=complete$' procs.meta &&
   [ "$(grep -c '^efbench: process [123] of 3$' procs.err)" -eq 3 ]; then
	pass processes_pooled
else
	fail processes_pooled "exit $rc, rows per process '$per': $(tail -n 2 procs.err)"
fi
# By default, five processes (fewer where there are fewer repetitions),
# and the overheads are paired ratios of CPU time at the level of the
# processes: efreport's measure column, the summary's c.
"$EFBENCH" --target host --filter "$SET" --repetitions 8 --min-time 0.0005 --runner native \
	--out default.csv >default.out 2>default.err
rc_d=$?
"$EFBENCH" --target host --filter runner/empty/0 --repetitions 3 --min-time 0.0005 --runner native \
	--out three.csv >three.out 2>three.err
rc_t=$?
"$TOP/build/efreport" -o default-report default.csv >/dev/null 2>&1
measures=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ print $c["measure"] }' default-report/overheads.csv | sort -u)
if [ $rc_d -eq 0 ] && [ $rc_t -eq 0 ] && [ "$(per_process default.csv)" = "0:12 1:12 2:12 3:6 4:6 " ] &&
   grep -q '^processes=5$' default.meta && grep -q '^processes=3$' three.meta &&
   [ "$(per_process three.csv)" = "0:2 1:2 2:2 " ] && [ "$measures" = cpu_ns ] &&
   grep -q '^runner/empty/0 .* c *$' default.out; then
	pass processes_by_default
else
	fail processes_by_default "exit $rc_d/$rc_t, rows per process '$(per_process default.csv)' and '$(per_process three.csv)', measures '$measures': $(grep -A2 'overheads' default.out | tail -n 1)"
fi
# The processes' stack offsets differ: not the same samples three times.
same=$(awk -F, 'NR > 1 { v[$16] = v[$16] " " $10 } END { print (v[0] == v[1]) + (v[1] == v[2]) }' procs.csv)
[ "$same" -eq 0 ] && pass processes_differ || fail processes_differ "two processes took the same iteration counts throughout"

# A signal while a process of --processes measures: the run says
# interrupted, keeps the rows written, and leaves no process behind.  (A
# background job of a shell without job control ignores SIGINT, which
# efbench keeps ignored: SIGTERM stands for Ctrl-C here.)
"$EFBENCH" --target host --filter "$SET" --runner native --repetitions 40 --min-time 0.02 \
	--processes 3 --out intr.csv >intr.out 2>intr.err &
pid=$!
i=0
while [ $i -lt 300 ] && ! grep -qs 'process 2 of 3' intr.err; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
kill -TERM $pid
wait $pid
rc=$?
sleep 0.5
left=$(pgrep -f -- '--worker=[0-9]*/3/' | wc -l)
if [ $rc -eq 143 ] && grep -q '^process 2/3 ' intr.err && grep -q '^status=interrupted$' intr.meta && [ "$left" -eq 0 ] &&
   [ "$(($(wc -l < intr.csv) - 1))" = "$(sed -n 's/^rows=//p' intr.meta | tail -n 1)" ]; then
	pass processes_interrupted
else
	fail processes_interrupted "exit $rc, $left processes left, $(grep -E '^(status|rows)=' intr.meta | tr '\n' ' ')"
fi

# A process that dies (killed, as by a crash) ends the run: exit 3, the
# sidecar says failed and which, the rows written so far stay.
"$EFBENCH" --target host --filter "$SET" --runner native --repetitions 40 --min-time 0.02 \
	--processes 3 --out dead.csv >dead.out 2>dead.err &
pid=$!
i=0
while [ $i -lt 300 ] && ! grep -qs '^process 2/3 ' dead.err; do sleep 0.1; i=$((i + 1)); done
pkill -KILL -f -- '--out dead.csv --worker=1/3/'
wait $pid
rc=$?
if [ $rc -eq 3 ] && grep -q '^status=failed$' dead.meta &&
   grep -q '^status_reason=process 1 was killed by signal 9$' dead.meta &&
   [ "$(($(wc -l < dead.csv) - 1))" = "$(sed -n 's/^rows=//p' dead.meta | tail -n 1)" ] &&
   ! grep -q ',2,[^,]*$' dead.csv; then
	pass process_killed
else
	fail process_killed "exit $rc, $(grep -E '^(status|status_reason|rows)=' dead.meta | tr '\n' ' ')"
fi

# Bad values: one line, exit 2, nothing written.
for a in "--interleave sideways" "--processes 0" "--processes many" "--worker 3/2/1" \
	"--repetitions 3 --processes 4"; do
	# shellcheck disable=SC2086
	"$EFBENCH" $a --out bad.csv >bad.out 2>bad.err
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l < bad.err)" -eq 1 ] && [ ! -e bad.csv ]; then
		pass "usage_$(echo "$a" | tr -c 'a-z0-9\n' _)"
	else
		fail "usage_$(echo "$a" | tr -c 'a-z0-9\n' _)" "exit $rc: $(cat bad.err)"
	fi
done
