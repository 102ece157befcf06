#!/bin/sh
# test_report.sh: from results to tables and figures, and the scripts
# around a run: efreport's numbers and its refusal of anything that is not
# an efbench CSV (one line naming file and column, exit 2) or must not be
# pooled (two machines of one name, two builds, a row twice); its warnings
# from the sidecar and for a last row cut short; its output folder and
# write failures; its budget on a million rows; scripts/plots drawing every
# figure from the committed examples; scripts/setup-bench;
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

# The rows below are written in the columns of files from before
# `process` and `cpu_ns`, which the readers still take (as process 0).
HEAD=$("$EFBENCH" --schema | sed 's/,process,cpu_ns$//')
# row HOST TARGET POLICY MODE BENCH PARAM VALUE [UNIT]: repetition $rep (0)
row() { echo "r,$1,\"CPU, model\",$2,$3,$4,w,$5,$6,10,$7,${8:-ns},${rep:-0},ok,"; }

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
expect_error not_efbench "no column 'run_id'" "a,b,c" "1,2,3"
expect_error missing_value_column "no column 'value'" \
	"$(echo "$HEAD" | sed 's/,value,/,/')" "r,h,c,t,p,unsafe,w,b,1,10,ns,0,ok,"
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
# Numbers exactly as efbench writes them: no space, sign or base prefix.
for v in " 5" 0x10 -0 +5 5. .5 1e inf nan; do
	expect_error "value_$(echo "$v" | tr -c 'a-z0-9\n' _)" "column 'value': '$v'" "$HEAD" \
		"$(row h host none unsafe b 1 "$v")"
done
for p in " 5" +5 0x1 18446744073709551616; do
	expect_error "parameter_$(echo "$p" | tr -c 'a-z0-9\n' _)" "column 'parameter': '$p'" "$HEAD" \
		"$(row h host none unsafe b "$p" 5)"
done
expect_error repetition_text "column 'repetition': 'x'" "$HEAD" "r,h,c,host,none,unsafe,w,b,1,10,5,ns,x,ok,"
expect_error column_twice "column 'value' appears twice" "$HEAD,value" "$(row h host none unsafe b 1 5),6"
expect_error duplicated_row "the same row as duplicated_row.csv:2" "$HEAD" \
	"$(row h host none unsafe b 1 5)" "$(row h host none unsafe b 1 6)"
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
		rep=$i
		row a mpk none unsafe b 8 "$i"
		row a mpk strict invoke b 8 $((2 * i))
		row b mpk none unsafe b 8 $((10 * i))
	done
	echo "r,a,c,mpk,none,unsafe,w,b,8,0,,ns,,error,skipped"
	rep=0
} > known.csv
if "$EFREPORT" -o out known.csv 2>err.txt; then
	got=$(awk -F, '$1 == "a" && $7 == "invoke/unsafe" { print $9, $12 }' out/overheads.csv)
	med=$(awk -F, '$7 == "unsafe" { print $1 "=" $9 ":" $10 }' out/summary.csv | sort | tr '\n' ' ')
	ci=$(awk -F, '$1 == "a" && $7 == "invoke" { print ($11 <= 10 && $12 >= 10 && $11 < $12) }' out/summary.csv)
	if [ "$got" = "2 5" ] && [ "$med" = "a=9:5 b=9:50 " ] && [ "$ci" = 1 ] &&
	   grep -q '| w/b/8 | strict | – | 2.00 \[' out/summary.md &&
	   grep -q "1 error rows skipped" err.txt; then
		pass known_numbers
	else
		fail known_numbers "overhead '$got', medians '$med', CI '$ci': $(cat err.txt)"
	fi
else
	fail known_numbers "$(cat err.txt)"
fi

# sidecar FILE.csv KEY=VALUE...: FILE.meta with those lines.
sidecar() {
	f=${1%.csv}.meta; shift
	printf '%s\n' "$@" > "$f"
}

# series FILE HOST CPU [MODES] [UNIT]: 9 samples of w/b/8 in each mode
# (unsafe 1..9, validate and the others 2..18), run r-HOST.
series() {
	{
		echo "$HEAD"
		for i in 1 2 3 4 5 6 7 8 9; do
			for m in ${4:-unsafe validate}; do
				v=$i; [ "$m" = unsafe ] || v=$((2 * i))
				echo "r-$2,$2,$3,host,none,$m,w,b,8,10,$v,${5:-ns},$i,ok,"
			done
		done
	} > "$1"
}

# report NAME FILES...: efreport -o out-NAME FILES, its status in rc and
# its stderr in NAME.err.
report() {
	name=$1; shift
	"$EFREPORT" -o "out-$name" "$@" > /dev/null 2> "$name.err"
	rc=$?
}

# refused NAME WANT FILES...: efreport refuses FILES, exit status 2, with
# one line that says WANT.
refused() {
	name=$1 want=$2; shift 2
	report "$name" "$@"
	if [ $rc -eq 2 ] && [ "$(wc -l < "$name.err")" -eq 1 ] && grep -qF -- "$want" "$name.err"; then
		pass "$name"
	else
		fail "$name" "exit $rc: $(cat "$name.err")"
	fi
}

# col FILE WHERE COLUMNS...: the named columns of FILE's rows for which
# the awk condition WHERE (on c["name"]-indexed fields $c[...]) holds.
col() {
	f=$1 where=$2; shift 2
	awk -F, -v want="$*" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		'"$where"' { n = split(want, w, " "); s = ""
			for (i = 1; i <= n; i++) s = s (i > 1 ? " " : "") $c[w[i]]; print s }' "$f"
}

# Paired ratios against the ratio of medians.  w/b/1: a burst of noise
# slows validate from round 5 and unsafe from round 6 (the modes ran in
# the same rounds): unsafe 10 10 10 10 10 30 30 30 30, validate 12 12 12
# 12 36 36 36 36 36.  The paired ratios are 1.2 (8 rounds) and 3.6 (round
# 5): median 1.2; one process, and no agreement interval under 11 pairs
# (stats.h, EF_AGREE_CONFIDENCE): few.  The medians
# are 10 and 36: 3.6.  w/c/1: validate's repetitions 11..19 never share a
# round with unsafe's 1..9: no pairs, the ratio of medians (10 over 5).
# (A CPU model without a comma: col splits at every comma.)
{
	echo "$HEAD"
	for i in 1 2 3 4 5 6 7 8 9; do
		rep=$i
		row h host none unsafe b 1 "$( [ $i -le 5 ] && echo 10 || echo 30)"
		row h host none validate b 1 "$( [ $i -le 4 ] && echo 12 || echo 36)"
		row h host none unsafe c 1 5
		rep=$((i + 10))
		row h host none validate c 1 10
	done
	rep=0
} | sed 's/"CPU, model"/cpu/' > paired.csv
# Its sidecar says the modes were sampled in rounds; a copy whose sidecar
# says --interleave none (or that has none: a file from before rounds)
# does not pair: ratios of medians.
printf 'interleave=modes\nstatus=complete\n' > paired.meta
cp paired.csv apart.csv && printf 'interleave=none\nstatus=complete\n' > apart.meta
cp paired.csv older.csv
for f in apart older; do
	report $f $f.csv
	got=$(col out-$f/overheads.csv 1 benchmark value method pairs)
	if [ $rc -eq 0 ] && [ "$got" = "b 3.6 medians 0
c 2 medians 0" ]; then
		pass "unpaired_$f"
	else
		fail "unpaired_$f" "exit $rc: '$got'"
	fi
done
if report paired paired.csv && [ $rc -eq 0 ]; then
	got=$(col out-paired/overheads.csv 1 benchmark value ci_lo ci_hi method pairs medians_ratio mark measure)
	want="b 1.2   paired 9 3.6 few value
c 2 2 2 medians 0 2  value"
	if [ "$got" = "$want" ] && grep -q '^| w/b/1 | none | 1.20 ? |' out-paired/summary.md &&
	   grep -q '^| w/c/1 | none | 2.00 \[2.00, 2.00\] m |' out-paired/summary.md &&
	   grep -q 'Overheads as paired ratios' out-paired/summary.md; then
		pass paired_ratio_shown
	else
		fail paired_ratio_shown "overheads.csv: '$got'; summary.md: $(grep '^| w/' out-paired/summary.md)"
	fi
else
	fail paired_ratio_shown "$(cat paired.err)"
fi

# Noise columns.  Process 0's unsafe samples 1 2 3, process 1's 6 8 (as in
# tests/unit/test_stats.c): between-process share 215/239 = 0.89958...;
# five samples, no interval: marked few.  Validate's 2 4 6 8 10 12 14 16 18
# in one process: no share; mean 10, standard deviation sqrt(30), cv
# 0.5477...; interval [4, 16] (ranks 2 and 8), wider than 10% of 10.
{
	echo "$("$EFBENCH" --schema)"
	for x in 0:1:1 0:2:2 0:3:3 1:1:6 1:2:8; do
		echo "r,h,c,host,none,unsafe,w,b,1,10,${x##*:},ns,$(echo "$x" | cut -d: -f2),ok,,${x%%:*},"
	done
	for i in 1 2 3 4 5 6 7 8 9; do
		echo "r,h,c,host,none,validate,w,b,1,10,$((2 * i)),ns,$i,ok,,0,"
	done
} > noise.csv
if report noise noise.csv && [ $rc -eq 0 ]; then
	got=$(col out-noise/summary.csv 1 mode n cv between_process mark)
	if echo "$got" | awk 'NR == 1 { ok = $1 == "unsafe" && $2 == 5 && $5 == "few" &&
				   ($4 - 215 / 239) ^ 2 < 1e-14 }
			 NR == 2 { ok = ok && $1 == "validate" && $2 == 9 && ($3 - sqrt(30) / 10) ^ 2 < 1e-14 &&
				   $4 == "wide" && NF == 4 }
			 END { exit !(ok && NR == 2) }' &&
	   grep -q '^| w/b/1 | 3.00 ns cv 72.9% bp 90% ? | 10.0 ns \[4.0, 16.0\] cv 54.8% ! |' out-noise/summary.md; then
		pass noise_columns
	else
		fail noise_columns "summary.csv: '$got'; summary.md: $(grep '^| w/' out-noise/summary.md)"
	fi
else
	fail noise_columns "$(cat noise.err)"
fi

# An older efreport's tables (fewer columns at the end) are replaced.
mkdir -p out-old
echo "host,target,policy,workload,benchmark,parameter,ratio,unit,value,ci_lo,ci_hi,difference,cpu_model" \
	> out-old/overheads.csv
if report old paired.csv && [ $rc -eq 0 ] && grep -q ',method,pairs,' out-old/overheads.csv; then
	pass replaces_older_tables
else
	fail replaces_older_tables "exit $rc: $(cat old.err)"
fi

# Two machines under one host name (two CPU models, or two machine ids
# in the sidecars: a campaign's nodes named alike) are kept apart, the
# later file's rows under host h/2, one warning that says why; a
# later file of the same machine joins its name, whatever its targets.
series a.csv h "CPU A"
series b.csv h "CPU B"
sed -n '2,$s/,host,none,/,sfi,none,/p' b.csv >> b.csv
series d.csv h "CPU B"
sed -i 's/^r-h,/r-h3,/' d.csv
report apart a.csv b.csv d.csv
got=$(awk -F, '$7 == "unsafe" { printf "%s|%s|%s|%s ", $1, $2, $15, $9 }' out-apart/summary.csv 2>/dev/null)
if [ $rc -eq 0 ] && [ "$got" = "h|host|CPU A|9 h/2|host|CPU B|18 h/2|sfi|CPU B|9 " ] &&
   [ "$(grep -c "b.csv: host 'h' has cpu_model 'CPU B' here, 'CPU A' in a.csv: two machines with one host name, kept apart: this file's rows as host 'h/2'" apart.err)" = 1 ] &&
   [ "$(grep -c 'kept apart' apart.err)" = 1 ]; then
	pass two_machines_one_name_kept_apart
else
	fail two_machines_one_name_kept_apart "exit $rc: $got: $(cat apart.err)"
fi
series c.csv h "CPU A"
series e.csv h "CPU A"
sed -i 's/^r-h,/r-h4,/' e.csv
sidecar a.csv run_id=r-h machine_id=one status=complete rows=18
sidecar c.csv run_id=r-h machine_id=two2345678 status=complete rows=18
sidecar e.csv run_id=r-h4 machine_id=two2345678 status=complete rows=18
report apart_ids a.csv c.csv e.csv
got=$(awk -F, '$7 == "unsafe" { printf "%s|%s ", $1, $9 }' out-apart_ids/summary.csv 2>/dev/null)
if [ $rc -eq 0 ] && [ "$got" = "h|9 h/2|18 " ] &&
   grep -q "c.csv: host 'h' is machine_id two2345678 here, one in a.csv: two machines with one host name, kept apart: this file's rows as host 'h/2'" apart_ids.err; then
	pass two_machine_ids_one_name_kept_apart
else
	fail two_machine_ids_one_name_kept_apart "exit $rc: $got: $(cat apart_ids.err)"
fi
# One file is one run of one machine: two CPU models for one host in it
# are refused, naming the line.
{ cat a.csv; sed -n '2,$s/^r-h,h,CPU A,host,/r-h,h,CPU B,host,/p' a.csv | sed 's/,ok,$/,ok,/'; } > mixed.csv
sed -i '20,$s/,\([0-9]\),ok,$/,1\1,ok,/' mixed.csv
refused two_machines_one_file "mixed.csv:20: host 'h' (target host) has cpu_model 'CPU B' here, 'CPU A' in mixed.csv" mixed.csv
sidecar a.csv run_id=r-h git_commit=aaa status=complete rows=18
sidecar c.csv run_id=r-h git_commit=bbb status=complete rows=18
refused two_builds_not_pooled \
	"c.csv:2: w/b/8 (host h, target host) was built from git_commit bbb here, aaa in a.csv" a.csv c.csv
refused same_file_twice "a.csv:2: the same row as a.csv:2 (run r-h, w/b/8 unsafe" a.csv a.csv
# Runs of one machine and build pool (repetitions of the process), but
# not silently: one warning names both runs.
sidecar c.csv run_id=r-h2 git_commit=aaa status=complete rows=18
sed 's/^r-h,/r-h2,/' c.csv > c2.csv && mv c2.csv c.csv
report pooled a.csv c.csv
if [ $rc -eq 0 ] && awk -F, '$7 == "unsafe" && $9 == 18 { ok = 1 } END { exit !ok }' out-pooled/summary.csv &&
   [ "$(grep -c "host 'h' (target host): rows of run 'r-h2' pooled with those of run 'r-h'" pooled.err)" = 1 ]; then
	pass runs_of_one_machine_pooled
else
	fail runs_of_one_machine_pooled "exit $rc: $(cat pooled.err)"
fi

# The sidecar: a run that did not finish, or a CSV that is not what it
# says, is a warning (and the report is written); a complete one is silent.
series s.csv s c
for case in "complete:" "interrupted:its run was interrupted (SIGTERM)" \
	"running:its run did not finish (status running" "none:its run did not finish (no status" \
	"failed:its run failed (disk full: No space left on device)" \
	"rows:18 data rows, where s.meta says rows=20" "missing:no sidecar s.meta"; do
	st=${case%%:*} want=${case#*:}
	rm -f s.meta
	case $st in
	none) sidecar s.csv run_id=r-s ;;
	rows) sidecar s.csv run_id=r-s status=complete rows=20 ;;
	missing) ;;
	*) sidecar s.csv run_id=r-s "status=$st" status_reason=SIGTERM rows=18
	   [ "$st" = failed ] && sidecar s.csv run_id=r-s status=running \
		"status_reason=disk full: No space left on device" status=failed ;;
	esac
	report "status_$st" s.csv
	warnings=$(grep -c 'warning' "status_$st.err")
	if [ $rc -ne 0 ]; then
		fail "sidecar_$st" "exit $rc: $(cat "status_$st.err")"
	elif [ -z "$want" ] && [ "$warnings" -eq 0 ]; then
		pass "sidecar_$st"
	elif [ -n "$want" ] && [ "$warnings" -eq 1 ] && grep -qF "efreport: warning: s.csv: $want" "status_$st.err"; then
		pass "sidecar_$st"
	else
		fail "sidecar_$st" "want a warning '$want': $(cat "status_$st.err")"
	fi
done
printf 'run_id=r-s\nthis line has no equals sign\n' > s.meta
refused sidecar_malformed "s.meta:2: not a key=value line" s.csv
rm -f s.meta

# A last row cut short (a run killed mid-write, a full disk) is dropped
# with a warning naming it; the rows before it count.  "1" cut from "18".
series cut.csv h c
sidecar cut.csv run_id=r-h status=interrupted status_reason=SIGKILL rows=18
printf 'r-h,h,c,host,none,validate,w,b,8,10,1' >> cut.csv
report cut_row cut.csv
if [ $rc -eq 0 ] && grep -q "warning: cut.csv:20: the last row is cut short (no line end): dropped" cut_row.err &&
   awk -F, '$7 == "validate" && $9 == 9 { ok = 1 } END { exit !ok }' out-cut_row/summary.csv; then
	pass cut_last_row_dropped
else
	fail cut_last_row_dropped "exit $rc: $(cat cut_row.err) $(grep validate out-cut_row/summary.csv)"
fi
printf '\nr-h,h,c,host,none,validate,w,b,8,10,5,ns,0,ok,\n' >> cut.csv
refused cut_row_in_the_middle_refused "cut.csv:20: 11 fields, the header has 15" cut.csv

# A run stopped before its header was written: with a sidecar that says
# so, a warning and nothing read from it; without one, a refusal.
: > early.csv
sidecar early.csv run_id=r-e status=interrupted status_reason=SIGINT
report early early.csv known.csv
if [ $rc -eq 0 ] && grep -q "warning: early.csv: no complete header line: its run wrote no rows" early.err; then
	pass interrupted_before_header
else
	fail interrupted_before_header "exit $rc: $(cat early.err)"
fi

# Overheads pair series of one unit only.
{
	echo "$HEAD"
	for i in 1 2 3 4 5 6 7 8 9; do
		echo "r,h,c,host,none,unsafe,w,b,8,10,$i,ns,$i,ok,"
		echo "r,h,c,host,none,validate,w,b,8,10,$((2 * i)),instructions,$i,ok,"
	done
} > units.csv
report units units.csv
if [ $rc -eq 0 ] && [ "$(wc -l < out-units/overheads.csv)" -eq 1 ]; then
	pass no_ratio_across_units
else
	fail no_ratio_across_units "exit $rc: $(cat units.err) $(tail -n +2 out-units/overheads.csv)"
fi

# Names of any length: the Markdown tables hold them whole.
long=$(printf '%0520d' 0 | tr 0 x) longer=$(printf '%05000d' 0 | tr 0 y)
{
	echo "$HEAD"
	for i in 1 2 3 4 5 6 7; do
		for n in "$long" "$longer"; do
			echo "r,h,c,mpk,none,unsafe,$n,$n,8,10,$i,ns,$i,ok,"
			echo "r,h,c,mpk,$n,invoke,$n,$n,8,10,$((2 * i)),ns,$i,ok,"
		done
	done
} > long.csv
report long long.csv
if [ $rc -eq 0 ] && grep -q "^| $longer/$longer/8 | $longer | – | 2.00 \[" out-long/summary.md &&
   grep -q "^| $long/$long/8 | $long | – | 2.00 \[" out-long/summary.md; then
	pass long_names
else
	fail long_names "exit $rc: $(head -c 300 long.err)"
fi

# The output folder: efreport's own files are replaced whole, anything else
# there stops it before it writes; -o given twice is refused.
report rerun known.csv && report rerun known.csv
if [ $rc -eq 0 ] && ! ls -A out-rerun | grep -q '^\.'; then
	pass replaces_its_own_output
else
	fail replaces_its_own_output "exit $rc: $(cat rerun.err) $(ls -A out-rerun)"
fi
mkdir out-foreign && echo precious > out-foreign/overheads.csv
report foreign known.csv
if [ $rc -eq 1 ] && [ "$(cat out-foreign/overheads.csv)" = precious ] && [ "$(ls -A out-foreign)" = overheads.csv ] &&
   grep -q "out-foreign/overheads.csv exists and is not efreport's output" foreign.err; then
	pass never_overwrites_other_files
else
	fail never_overwrites_other_files "exit $rc: $(cat foreign.err) $(ls -A out-foreign)"
fi
"$EFREPORT" -o a -o b known.csv 2> twice.err
[ $? -eq 2 ] && grep -q "^efreport: -o given twice" twice.err && pass output_given_twice ||
	fail output_given_twice "$(cat twice.err)"
# A write that fails (a file size limit: EFBIG) is exit status 1 with the
# reason; nothing half-written is left under the tables' names.
(trap '' XFSZ; ulimit -f 1; exec "$EFREPORT" -o out-full known.csv) 2> full.err
rc=$?
if [ $rc -eq 1 ] && grep -q "^efreport: out-full/.*: cannot write: File too large" full.err &&
   [ ! -e out-full/summary.md ] && [ -z "$(ls -A out-full)" ]; then
	pass write_failure_exit_1
else
	fail write_failure_exit_1 "exit $rc: $(cat full.err) $(ls -A out-full)"
fi

# efbench's summary and efreport take the overheads and how each is
# computed from one place (harness/modes.h): from the samples of one run,
# the same ratios and intervals, to the summary's three decimals.
"$EFBENCH" --target host --filter ubench/upgrade/1,ubench/validate_cstr/64 --repetitions 8 \
	--min-time 0.001 --out agree.csv > agree.txt 2>/dev/null
"$EFREPORT" -o agree agree.csv 2>/dev/null
want=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ printf "%s/%s/%s %.3f [%.3f,%.3f]\n", $c["workload"], $c["benchmark"], $c["parameter"],
		$c["value"], $c["ci_lo"], $c["ci_hi"] }' agree/overheads.csv | sort)
got=$(awk '/overheads, paired ratios/ { on = 1; getline; next }
	on && !NF { exit } on { print $1, $2, $3 }' agree.txt | sort)
if [ -n "$want" ] && [ "$(echo "$want" | wc -l)" -eq 2 ] && [ "$got" = "$want" ]; then
	pass summary_overheads_as_efreport
else
	fail summary_overheads_as_efreport "efbench's summary: '$got', efreport: '$want'"
fi

# efreport's budget (docs/design.md): one million rows of 5,000 series in under
# 10 s; checked with three times that, for a loaded machine, and the time
# printed for the record.
if "$TOP/scripts/synth-results" --out big.csv 1000000 5000 2> big.err; then
	start=$(date +%s.%N)
	timeout 300 "$EFREPORT" -o out-big big.csv 2>> big.err
	rc=$?
	secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	echo "# report: efreport on 1,000,000 rows (5,000 series) took $secs s (budget 10 s)"
	if [ $rc -eq 0 ] && [ "$(wc -l < out-big/overheads.csv)" -eq 5001 ] &&
	   awk -v s="$secs" 'BEGIN { exit !(s < 30) }'; then
		pass million_rows_in_budget
	else
		fail million_rows_in_budget "exit $rc after $secs s: $(tail -n 1 big.err)"
	fi
	rm -rf big.csv big.meta out-big
else
	fail million_rows_in_budget "scripts/synth-results: $(cat big.err)"
fi

# The figures from the committed examples, as make figures draws them:
# every script draws a PDF and a PNG at both widths, from the examples of
# this machine, or (machines) from the example campaign; the tables list
# every example's host.
if command -v gnuplot >/dev/null 2>&1; then
	if "$TOP/scripts/plots" -o "$tmp/fig" "$TOP"/results/examples/*.csv >out.txt 2>err.txt &&
	   "$TOP/scripts/plots" -o "$tmp/fig/campaign" "$TOP"/results/examples/campaign/*/bench.csv >out2.txt 2>err2.txt; then
		bad=""
		for gp in "$TOP"/plots/*.gp; do
			n=$(basename "$gp" .gp)
			[ "$n" = common ] && continue
			d=fig
			[ "$n" = machines ] && d=fig/campaign
			head -c 4 "$d/$n.pdf" 2>/dev/null | grep -q '%PDF' || bad="$bad $d/$n.pdf"
			head -c 4 "$d/$n.png" 2>/dev/null | grep -q 'PNG' || bad="$bad $d/$n.png"
			head -c 4 "$d/$n-column.pdf" 2>/dev/null | grep -q '%PDF' || bad="$bad $d/$n-column.pdf"
			head -c 4 "$d/$n-column.png" 2>/dev/null | grep -q 'PNG' || bad="$bad $d/$n-column.png"
		done
		# One machine's examples give no machines figure, and say so.
		[ ! -e fig/machines.png ] && grep -q 'not drawn: .*machines' err.txt || bad="$bad fig/machines.png:drawn"
		# README's copies of the headline figures are what the examples draw
		# (refresh: make figures; cp build/figures/NAME.png docs/figures/,
		# and build/figures/campaign/machines.png).
		for f in "$TOP"/docs/figures/*.png; do
			d=fig
			[ "$(basename "$f")" = machines.png ] && d=fig/campaign
			cmp -s "$f" "$d/$(basename "$f")" || bad="$bad docs/figures/$(basename "$f"):stale"
		done
		hosts=$(grep -c '^## ' fig/summary.md)
		# The isolation figure has a bar for every kind of isolation.
		kinds=$(cd "$TOP" && awk -f plots/query.awk -v q=panels -v bypolicy=1 -v r=full/unsafe \
			-v ids=ubench/invoke_args/0 "$tmp/fig/overheads.csv")
		for k in "|mpk|sealed" "|pmp-virt|warm" "|proc|seccomp" "|sfi|wasm2c"; do
			case "$kinds" in *"$k"*) ;; *) bad="$bad isolation:$k" ;; esac
		done
		if [ -z "$bad" ] && [ "$hosts" -ge 4 ]; then
			pass figures_from_examples
		else
			fail figures_from_examples "missing or not drawn:$bad; $hosts sections"
		fi
	else
		fail figures_from_examples "$(tail -n 3 err.txt err2.txt 2>/dev/null)"
	fi
	printf 'a,b\n1,2\n' > notours.csv
	"$TOP/scripts/plots" -o "$tmp/fig2" notours.csv >/dev/null 2>err.txt
	if [ $? -eq 2 ] && [ "$(wc -l < err.txt)" -eq 1 ] && grep -q "notours.csv: no column 'run_id'" err.txt; then
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
		ok=$(grep -c ',setup,.*,ns,[0-9]*,ok,' setup.csv)
		modes=$(awk -F, 'NR > 1 && $4 == "host" { print $6 }' setup.csv | sort -u | tr '\n' ' ')
		pmodes=$(awk -F, 'NR > 1 && $4 == "proc" && $0 ~ /,ok,/ { print $6 }' setup.csv | sort -u | tr '\n' ' ')
		if [ "$ok" -ge 45 ] && [ "$modes" = "unsafe validate " ] &&
		   [ "$pmodes" = "full invoke unsafe " ] &&
		   grep -q '^runner=hyperfine ' setup.meta && "$EFREPORT" -o sout setup.csv 2>/dev/null; then
			pass setup_bench
		else
			fail setup_bench "$ok ok rows, host modes '$modes', proc modes '$pmodes'"
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
	"$TOP/scripts/node-setup" --restore 2>/dev/null
	rc=$?
	left=$(grep -v '^# summary' "$EFBENCH_NODE_STATE" 2>/dev/null | cut -f1)
	if [ $rc -eq 1 ] && [ "$left" = "$cpu/smt/control" ] && grep -q "cannot restore $cpu/smt/control" err.txt &&
	   [ "$(grep -c 'partly restored' "$EFBENCH_NODE_STATE")" = 1 ] && ! grep -q 'restored) (partly' "$EFBENCH_NODE_STATE" &&
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
	# A setting that cannot be changed (SMT control 'notsupported' in a
	# VM: read, but refuses writes, even root's; /proc/version here) is
	# said and not recorded: --restore then puts the rest back, exit 0.
	rm -f "$cpu/smt/control" && ln -s /proc/version "$cpu/smt/control"
	"$TOP/scripts/node-setup" 2>err.txt
	grep -q "cannot write off to $cpu/smt/control" err.txt && ! grep -q smt "$EFBENCH_NODE_STATE" &&
		"$TOP/scripts/node-setup" --restore 2>err2.txt && [ ! -e "$EFBENCH_NODE_STATE" ] &&
		pass node_setup_unsettable_not_recorded ||
		fail node_setup_unsettable_not_recorded "$(cat err.txt err2.txt)"
	rm -f "$cpu/smt/control" && echo on > "$cpu/smt/control"
else
	fail node_setup_apply "$(cat err.txt)"
fi
usage_errors node_setup_usage "$TOP/scripts/node-setup" "--restore" "--shield 9-12" "--shield x" "--bogus"
