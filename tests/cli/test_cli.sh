#!/bin/sh
# test_cli.sh: efbench's command line as a user meets it: every malformed
# flag is one line and exit 2; an existing file is never overwritten; a run
# writes valid CSV and a sidecar; Ctrl-C keeps every finished row.
# Prints PASS/FAIL lines for scripts/run-tests.
set -u
EFBENCH=${EFBENCH:-$(pwd)/build/efbench}
SUITE=cli
. "$(dirname "$0")/common.sh"

# A CSV is valid when every record has the header's field count and the file
# ends with a newline (no partial row).  Prints the number of data rows.
csv_rows() {
	python3 - "$1" <<'PY'
import csv, sys
data = open(sys.argv[1], newline='').read()
if not data.endswith('\n'):
    sys.exit('no newline at end: partial row')
rows = list(csv.reader(data.splitlines(keepends=True)))
bad = [i for i, r in enumerate(rows) if len(r) != len(rows[0])]
if bad:
    sys.exit('row %d has %d fields, header %d' % (bad[0], len(rows[bad[0]]), len(rows[0])))
print(len(rows) - 1)
PY
}

# expect_usage_error NAME ARGS...: exit 2, one line on stderr naming the
# problem, nothing on stdout, no file created.
expect_usage_error() {
	name=$1; shift
	"$EFBENCH" "$@" >out.txt 2>err.txt
	rc=$?
	lines=$(wc -l <err.txt)
	if [ $rc -ne 2 ]; then
		fail "$name" "exit $rc, want 2 ($(head -c 200 err.txt))"
	elif [ "$lines" -ne 1 ] || ! grep -q '^efbench: ' err.txt; then
		fail "$name" "want one 'efbench: ' line on stderr, got $lines: $(head -c 200 err.txt)"
	elif [ -s out.txt ]; then
		fail "$name" "wrote to stdout"
	elif ls results 2>/dev/null | grep -q .; then
		fail "$name" "created results/"
	else
		pass "$name"
	fi
}

expect_usage_error unknown_flag --frobnicate
expect_usage_error positional_argument extra
expect_usage_error missing_value --repetitions
expect_usage_error repetitions_zero --repetitions 0
expect_usage_error repetitions_negative --repetitions -3
expect_usage_error repetitions_text --repetitions many
expect_usage_error repetitions_float --repetitions 2.5
expect_usage_error repetitions_huge --repetitions 100001
expect_usage_error min_time_zero --min-time 0
expect_usage_error min_time_negative --min-time -1
expect_usage_error min_time_text --min-time soon
expect_usage_error min_time_nan --min-time nan
expect_usage_error min_time_inf --min-time inf
expect_usage_error min_time_trailing --min-time 1s
expect_usage_error seed_negative --seed -1
expect_usage_error seed_overflow --seed 18446744073709551616
expect_usage_error seed_text --seed abc
expect_usage_error mode_unknown --mode fast
expect_usage_error mode_empty --mode ''
expect_usage_error mode_empty_item --mode unsafe,,validate
expect_usage_error mode_trailing_comma --mode unsafe,
expect_usage_error mode_without_runtime --target host --mode invoke
expect_usage_error target_unknown --target tpu
expect_usage_error target_empty --target ''
expect_usage_error filter_no_match --filter no_such_benchmark
expect_usage_error filter_empty --filter ''
expect_usage_error out_empty --out ''
expect_usage_error out_no_directory --out no/such/dir/run.csv
expect_usage_error clock_unknown --clock sundial
expect_usage_error foreign_read_unknown --foreign-read everything
expect_usage_error foreign_read_empty --foreign-read=
expect_usage_error runner_unknown --runner fast
expect_usage_error gbench_flag_with_native --runner native --benchmark_out=x.json
expect_usage_error gbench_filter_refused --benchmark_filter=utf8
expect_usage_error gbench_format_refused --benchmark_format=json
expect_usage_error gbench_flag_unknown --benchmark_frobnicate=1
expect_usage_error gbench_value_bad --benchmark_min_warmup_time=soon
expect_usage_error gbench_out_format_csv --benchmark_out=x.csv --benchmark_out_format=csv
expect_usage_error gbench_repetitions_zero --benchmark_repetitions=0
expect_usage_error gbench_min_time_text --benchmark_min_time=soon
# Without protection keys the mpk target says why it cannot run, and a run
# of everything goes on without it.
if "$EFBENCH" --target mpk --list >/dev/null 2>err.txt; then
	pass mpk_available_here
else
	if grep -q "mpk is unavailable here: .*protection keys\|mpk is unavailable here: .*pkey_alloc" err.txt; then
		pass mpk_unavailable_reason
	else
		fail mpk_unavailable_reason "$(head -c 200 err.txt)"
	fi
	"$EFBENCH" --filter runner/empty --repetitions 2 --min-time 0.001 --out skip.csv >/dev/null 2>err.txt
	rc=$?
	if [ $rc -eq 0 ] && grep -q "skipping target mpk: " err.txt; then
		pass mpk_skipped_others_run
	else
		fail mpk_skipped_others_run "exit $rc: $(head -c 200 err.txt)"
	fi
fi

# --help: usage on stdout, exit 0.
if "$EFBENCH" --help >out.txt 2>err.txt && grep -q -- '--min-time' out.txt && [ ! -s err.txt ]; then
	pass help
else
	fail help "exit or text wrong"
fi

# --list names benchmarks and honours --filter (glob and substring).
all=$("$EFBENCH" --list | wc -l)
glob=$("$EFBENCH" --list --target host --filter 'ubench/invoke_args/*' | wc -l)
sub=$("$EFBENCH" --list --target host --filter utf8_mixed | wc -l)
if [ "$all" -ge 39 ] && [ "$glob" -eq 12 ] && [ "$sub" -eq 5 ]; then
	pass list_and_filter
else
	fail list_and_filter "all=$all glob=$glob substring=$sub"
fi

# A short run: valid CSV with one row per sample, a complete sidecar.
"$EFBENCH" --target host --filter ubench/upgrade/1,ubench/validate_cstr/64 --repetitions 3 \
	--min-time 0.001 --out run.csv >out.txt 2>err.txt
rc=$?
rows=$(csv_rows run.csv 2>&1)
if [ $rc -eq 0 ] && [ "$rows" = 12 ] && grep -q '^status=complete$' run.meta &&
   grep -q '^seed=1$' run.meta && grep -q 'ubench/upgrade/1' out.txt; then
	pass short_run
else
	fail short_run "exit $rc, rows '$rows', $(tail -n 2 err.txt)"
fi

# The existing file (and its sidecar) are left alone.
cp run.csv before.csv
"$EFBENCH" --filter ubench/upgrade/1 --repetitions 3 --min-time 0.001 \
	--out run.csv >out.txt 2>err.txt
rc=$?
if [ $rc -eq 2 ] && cmp -s run.csv before.csv && grep -q 'refusing to overwrite' err.txt; then
	pass never_overwrites
else
	fail never_overwrites "exit $rc: $(cat err.txt)"
fi

# Default output: results/<host>-<UTC time>.csv and .meta.
"$EFBENCH" --target host --filter ubench/upgrade/8 --mode validate --repetitions 2 \
	--min-time 0.001 >out.txt 2>err.txt
rc=$?
made=$(ls results/*.csv 2>/dev/null | wc -l)
if [ $rc -eq 0 ] && [ "$made" -eq 1 ] && ls results/*.meta >/dev/null 2>&1 &&
   ls results | grep -Eq "^$(hostname)-[0-9]{8}T[0-9]{6}Z\.csv$"; then
	pass default_output
else
	fail default_output "exit $rc, files: $(ls results 2>&1)"
fi

# Google Benchmark, the default runner where the build has it: the same
# rows (one per repetition), its JSON through --benchmark_out for the whole
# run, its names for efbench's settings.
if "$EFBENCH" --help | grep -q 'gbench: Google Benchmark' &&
   "$EFBENCH" --target host --filter ubench/upgrade/1,ubench/callback/8 --out gb.csv \
	--benchmark_repetitions=4 --benchmark_min_time=0.002s --benchmark_out=gb.json \
	>out.txt 2>err.txt; then
	rows=$(csv_rows gb.csv 2>&1)
	runs=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for b in d["benchmarks"] if b["run_type"] == "iteration"))' gb.json 2>&1)
	if [ "$rows" = 16 ] && [ "$runs" = 16 ] && grep -q '^runner=gbench ' gb.meta &&
	   grep -q '^repetitions=4$' gb.meta && grep -q '^clock_source=clock_gettime$' gb.meta; then
		pass gbench_runner
	else
		fail gbench_runner "rows '$rows', JSON runs '$runs', $(grep runner gb.meta)"
	fi
else
	fail gbench_runner "no Google Benchmark in this build, or the run failed: $(tail -n 1 err.txt)"
fi
"$EFBENCH" --runner native --target host --filter ubench/upgrade/1 --repetitions 2 \
	--min-time 0.001 --out native.csv >/dev/null 2>err.txt
if [ "$(csv_rows native.csv 2>&1)" = 4 ] && grep -q '^runner=native$' native.meta &&
   grep -q '^clock_source=tsc$\|^clock_source=clock_gettime$' native.meta; then
	pass native_runner
else
	fail native_runner "$(tail -n 1 err.txt)"
fi

# Ctrl-C: exit 130, every finished row kept, valid CSV, sidecar says so.
# The native runner writes each sample as it is taken; Google Benchmark
# hands over a benchmark's samples after its last repetition.
"$EFBENCH" --runner native --filter ubench/invoke_args --repetitions 1000 --min-time 0.02 \
	--out int.csv >/dev/null 2>err.txt &
pid=$!
n=0
while [ "$(cat int.csv 2>/dev/null | wc -l)" -lt 6 ] && [ $n -lt 200 ]; do
	sleep 0.05; n=$((n + 1))
done
kill -INT $pid
wait $pid
rc=$?
rows=$(csv_rows int.csv 2>&1)
if [ $rc -eq 130 ] && [ "$rows" -ge 5 ] 2>/dev/null && grep -q '^status=interrupted$' int.meta; then
	pass interrupt_keeps_rows
else
	fail interrupt_keeps_rows "exit $rc, rows '$rows'"
fi

# Every benchmark in every mode this machine has: no error row, and the
# summary reports each budget.
"$EFBENCH" --repetitions 2 --min-time 0.001 --out all.csv >out.txt 2>err.txt
rc=$?
errors=$(grep -c ',error,' all.csv)
if [ $rc -eq 0 ] && [ "$errors" -eq 0 ] && [ "$(grep -c 'budget' out.txt)" -ge 5 ]; then
	pass every_benchmark_runs
else
	fail every_benchmark_runs "exit $rc, $errors error rows: $(grep ',error,' all.csv | head -n 2)"
fi
