#!/bin/sh
# test_cli.sh: efbench's command line as a user meets it: every malformed
# flag is one line and exit 2; an existing file is never overwritten; a run
# writes valid CSV and a sidecar.  (Signals: test_interrupt.sh; a full
# disk: test_disk.sh.)
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
expect_usage_error foreign_timeout_negative --foreign-timeout -1
expect_usage_error foreign_timeout_word --foreign-timeout soon
expect_usage_error foreign_timeout_nan --foreign-timeout nan
expect_usage_error policy_unknown --policy loose
expect_usage_error policy_empty --policy ''
expect_usage_error policy_empty_item --policy sealed,,strict
expect_usage_error policy_named_twice --policy sealed,strict,sealed
expect_usage_error policy_of_no_choice --policy warm
expect_usage_error policy_none --policy none
expect_usage_error runner_unknown --runner fast
expect_usage_error gbench_flag_with_native --runner native --benchmark_out=x.json
expect_usage_error gbench_filter_refused --benchmark_filter=utf8
expect_usage_error gbench_format_refused --benchmark_format=json
expect_usage_error gbench_flag_unknown --benchmark_frobnicate=1
expect_usage_error gbench_value_bad --benchmark_min_warmup_time=soon
expect_usage_error gbench_out_format_csv --benchmark_out=x.csv --benchmark_out_format=csv
expect_usage_error gbench_repetitions_zero --benchmark_repetitions=0
expect_usage_error gbench_min_time_text --benchmark_min_time=soon
expect_usage_error filter_item_no_match --filter ubench/upgrade/1,no_such_benchmark
expect_usage_error filter_second_no_match --filter ubench/upgrade/1 --filter no_such_benchmark
expect_usage_error out_too_long --out "$(printf '%05000d' 0).csv"
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

# The sidecar's policy_mpk names the policies a run measures on mpk:
# sealed by default, the list as given, in its order; the last --policy or
# --foreign-read (its older spelling) counts.  (scripts/mpk-vm checks the
# rows of each.)
policy_case() {
	want=$1; shift
	rm -f pol.csv pol.meta pol.json
	"$EFBENCH" --target host --filter ubench/upgrade/1 --mode unsafe --repetitions 2 \
		--min-time 0.001 --out pol.csv "$@" >/dev/null 2>err.txt
	got=$(sed -n 's/^policy_mpk=//p' pol.meta 2>/dev/null)
	[ "$got" = "$want" ] || echo "efbench $*: policy_mpk='$got', want '$want' ($(tail -n 1 err.txt))"
}
said=$( {
	policy_case sealed
	policy_case sealed,strict --policy sealed,strict
	policy_case strict,sealed --policy strict,sealed
	policy_case strict --foreign-read none
	policy_case foreign-read-host --foreign-read host
	policy_case foreign-read-host --policy sealed --foreign-read host
	policy_case strict,foreign-read-host --foreign-read host --policy strict,foreign-read-host
} )
if [ -z "$said" ] && "$EFBENCH" --help | grep -q -- '--policy LIST'; then
	pass policy_in_sidecar
else
	fail policy_in_sidecar "$said"
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

# --schema: the header line every CSV starts with, alone, exit 0; and
# results/SCHEMA.md's table of the CSV lists exactly those columns, in order.
schema=$("$EFBENCH" --schema 2>err.txt)
rc=$?
documented=$(sed -n '/^## NAME\.csv/,/^## /s/^| `\([a-z_]*\)` |.*/\1/p' "$TOP/results/SCHEMA.md" |
	paste -sd, -)
if [ $rc -eq 0 ] && [ ! -s err.txt ] && [ "$("$EFBENCH" --schema | wc -l)" -eq 1 ] &&
   [ "$schema" = "$(head -n 1 run.csv)" ] && "$EFBENCH" --help | grep -q -- '--schema'; then
	pass schema
else
	fail schema "exit $rc, '$schema', the CSV's header '$(head -n 1 run.csv)': $(cat err.txt)"
fi
if [ -n "$schema" ] && [ "$schema" = "$documented" ]; then
	pass schema_documented
else
	fail schema_documented "results/SCHEMA.md lists '$documented', efbench --schema '$schema'"
fi
# The columns' order is written once (harness/csv.h): no source, script or
# test holds another copy of it, i.e. four columns in a row, as a CSV line
# (a,b,c,d) or C strings ("a", "b", "c", "d").  The fuzz corpus is data.
pattern=$(echo "$schema" | awk -F, -v s='(,|", *")' '{
	for (i = 1; i + 3 <= NF; i++)
		printf "%s%s", (i > 1 ? "|" : ""), $i s $(i + 1) s $(i + 2) s $(i + 3)
}')
copies="(efbench --schema printed nothing)"
[ -z "$schema" ] ||
	copies=$(cd "$TOP" && grep -rlE "$pattern" harness scripts plots tests --exclude-dir=corpus)
if [ -z "$copies" ]; then
	pass schema_written_once
else
	fail schema_written_once "the columns' order is copied in: $(echo $copies)"
fi

# Default output: results/<host>-<UTC time>-<pid>.csv and .meta; three
# runs started in the same second each get their own files and run id.
for i in 1 2 3; do
	"$EFBENCH" --target host --filter ubench/upgrade/8 --mode validate --repetitions 2 \
		--min-time 0.001 >out$i.txt 2>err$i.txt &
done
wait
made=$(ls results/*.csv 2>/dev/null | wc -l)
ids=$(cat results/*.meta 2>/dev/null | grep '^run_id=' | sort -u | wc -l)
if [ "$made" -eq 3 ] && [ "$(ls results/*.meta | wc -l)" -eq 3 ] && [ "$ids" -eq 3 ] &&
   [ "$(ls results | grep -Ec "^$(hostname)-[0-9]{8}T[0-9]{6}Z-[0-9]+\.csv$")" -eq 3 ] &&
   ! grep -l . err1.txt err2.txt err3.txt | xargs grep -l 'exists' >/dev/null 2>&1; then
	pass default_output_three_at_once
else
	fail default_output_three_at_once "$made CSVs, $ids run ids: $(ls results 2>&1 | tr '\n' ' ') $(cat err1.txt err2.txt err3.txt | grep -v '^\[' | head -n 2)"
fi
rm -rf results

# Where results/ cannot be made, the message names it, not --out.
touch results
"$EFBENCH" --target host --filter ubench/upgrade/8 --repetitions 2 --min-time 0.001 >/dev/null 2>err.txt
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l < err.txt)" -eq 1 ] && grep -q '^efbench: results' err.txt &&
   ! grep -q -- '--out:' err.txt; then
	pass no_results_folder
else
	fail no_results_folder "exit $rc: $(cat err.txt)"
fi
rm -f results

# --filter given twice: both count.
n=$("$EFBENCH" --list --target host --filter ubench/upgrade/1 --filter ubench/upgrade/8 | wc -l)
[ "$n" -eq 2 ] && pass filter_twice || fail filter_twice "$n benchmarks listed, want 2"

# A long --out is used whole, never cut (1,500 bytes of folders).
long=$(python3 -c 'print("/".join(["d" * 99] * 15))')
mkdir -p "$long"
"$EFBENCH" --target host --filter ubench/upgrade/1 --mode unsafe --repetitions 2 \
	--min-time 0.001 --out "$long/long.csv" >/dev/null 2>err.txt
rc=$?
if [ $rc -eq 0 ] && [ -s "$long/long.csv" ] && [ -s "$long/long.meta" ]; then
	pass long_out_path
else
	fail long_out_path "exit $rc: $(tail -n 1 err.txt)"
fi

# --benchmark_out never overwrites: an existing file (here a results CSV)
# is refused before anything is written, and so is a run refused for its
# --out after it: the JSON file it names is not created.
printf 'precious\n' > keep.json
"$EFBENCH" --target host --filter ubench/upgrade/1 --out bo.csv --benchmark_out=keep.json \
	>/dev/null 2>err.txt
rc1=$?
"$EFBENCH" --target host --filter ubench/upgrade/1 --out run.csv --benchmark_out=run.csv \
	>/dev/null 2>err2.txt
rc2=$?
"$EFBENCH" --target host --filter ubench/upgrade/1 --out run.csv --benchmark_out=new.json \
	>/dev/null 2>err3.txt
rc3=$?
if [ $rc1 -eq 2 ] && [ "$(cat keep.json)" = precious ] && [ ! -e bo.csv ] &&
   [ $rc2 -eq 2 ] && cmp -s run.csv before.csv && [ $rc3 -eq 2 ] && [ ! -e new.json ] &&
   grep -q 'keep.json exists' err.txt; then
	pass gbench_out_never_overwrites
else
	fail gbench_out_never_overwrites "exits $rc1 $rc2 $rc3, keep.json starts '$(head -c 20 keep.json)': $(head -n 1 err.txt) $(head -n 1 err2.txt) $(head -n 1 err3.txt)"
fi

# --min-time below a microsecond is taken as given, not rounded to 0: the
# sidecar says it, and the samples are a few iterations long.
"$EFBENCH" --target host --filter ubench/upgrade/1 --mode unsafe --repetitions 3 \
	--min-time 4e-7 --out tiny.csv >/dev/null 2>err.txt
if grep -q '^min_time_s=3.9999999999999998e-07$' tiny.meta &&
   [ "$(awk -F, 'NR > 1 && $10 >= 1 && $10 < 10000' tiny.csv | wc -l)" -eq 3 ]; then
	pass tiny_min_time
else
	fail tiny_min_time "$(grep -e min_time tiny.meta) $(cut -d, -f10 tiny.csv | tr '\n' ' ') $(tail -n 1 err.txt)"
fi

# A target's missing command: installed but off PATH is said so.
if [ -x /usr/bin/qemu-system-riscv32 ]; then
	PATH=/nonexistent "$EFBENCH" --target pmp-virt --list >/dev/null 2>err.txt
	if grep -q 'qemu-system-riscv32 is installed in /usr/bin, which is not on PATH' err.txt; then
		pass off_path_not_missing
	else
		fail off_path_not_missing "$(cat err.txt)"
	fi
fi

# make all builds the mpk suite and test_modes, which efbench and
# scripts/mpk-vm (--results too) need.
if [ "$(uname -m)" = x86_64 ]; then
	if make -n -C "$TOP" all BUILD="$tmp/b" 2>/dev/null | grep -q "$tmp/b/tests/test_mpk " &&
	   make -n -C "$TOP" all BUILD="$tmp/b" 2>/dev/null | grep -q "$tmp/b/tests/test_modes "; then
		pass make_all_builds_the_mpk_suite
	else
		fail make_all_builds_the_mpk_suite "make -n all builds no tests/test_mpk or test_modes"
	fi
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

# The proc target: every workload in all four modes, its rows without CPU
# time (the calls' work runs in the sandbox process), and its budget line.
if "$EFBENCH" --list | grep -q '^proc '; then
	"$EFBENCH" --target proc --filter ubench/invoke_args/0,hmac/hmac_sha256/4096,sodium/generichash/64,brotli/round_trip/8 \
		--repetitions 2 --min-time 0.001 --out proc.csv >out.txt 2>err.txt
	rc=$?
	got=$(python3 - proc.csv <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r['status'] == 'ok']
cells = sorted({(r['workload'], r['mode']) for r in rows})
print(len(cells), sum(1 for r in rows if r['cpu_ns']), sum(1 for r in csv.DictReader(open(sys.argv[1])) if r['status'] != 'ok'))
PY
)
	if [ $rc -eq 0 ] && [ "$got" = "16 0 0" ] &&
	   grep -Eq '^  proc empty call over a direct call +[0-9.]+ ns +budget <= 5000 ns +(ok|OVER BUDGET|undecided)' out.txt; then
		pass proc_target
	else
		fail proc_target "exit $rc; (workload, mode) cells, rows with CPU time, error rows: $got; $(grep 'proc empty' out.txt) $(tail -n 1 err.txt)"
	fi
else
	echo "SKIP $SUITE/proc_target: this build has no proc target"
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
