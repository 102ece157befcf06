#!/bin/sh
# test_regress.sh: the regression check (scripts/check-regress, i.e.
# build/efcompare) on results whose answer is known: no change, a 10%
# slowdown, a significant but small one, a baseline from another machine
# (only its ratios judged), a baseline of two machines in either row order,
# instruction counts within and beyond the tolerance, a candidate missing
# series or with only error rows for them; its one-line refusals and exit
# statuses; `make check-regress`; and this build's host-side instruction
# counts (callgrind) against the committed baseline.
# Prints PASS/FAIL/SKIP lines for scripts/run-tests.
set -u
SUITE=regress
. "$(dirname "$0")/common.sh"
CHECK=$TOP/scripts/check-regress

# gen FILE HOST UNSAFE_SCALE VALIDATE_SCALE [UNIT]: 20 samples per mode of
# one benchmark around 100 ns (unsafe) and 120 ns (validate), 1% scatter
# from a fixed seed, each mode's times scaled; CPU model $CPU (c).
gen() {
	CPU=${CPU:-c} HEAD=$("$TOP/build/efbench" --schema | sed 's/,process,cpu_ns$//') python3 - "$@" <<'PY'
import os, random, sys, zlib
path, host, su, sv = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
unit = sys.argv[5] if len(sys.argv) > 5 else "ns"
cpu = os.environ["CPU"]
rnd = random.Random(zlib.crc32(path.encode()))
with open(path, "w") as f:
    f.write(os.environ["HEAD"] + "\n")
    for mode, center, scale in (("unsafe", 100, su), ("validate", 120, sv)):
        for i in range(20):
            v = center * scale * (1 if unit != "ns" else rnd.gauss(1, 0.01))
            f.write("r,%s,%s,host,none,%s,w,b,8,1000,%.6f,%s,%d,ok,\n" % (host, cpu, mode, v, unit, i))
PY
}

# expect NAME WANT_EXIT WANT_TEXT BASELINE CANDIDATE [OPTIONS...]
expect() {
	name=$1 want=$2 text=$3 a=$4 b=$5; shift 5
	"$CHECK" "$@" "$a" "$b" > out.md 2> err.txt
	rc=$?
	if [ $rc -eq "$want" ] && grep -q -- "$text" out.md; then
		pass "$name"
	else
		fail "$name" "exit $rc (want $want), '$text' $(grep -c -- "$text" out.md) times: $(grep '^|' out.md | tail -n 4 | tr '\n' ' ') $(cat err.txt)"
	fi
}

gen base.csv m1 1 1
gen same.csv m1 1 1
gen slow.csv m1 1 1.10
gen small.csv m1 1 1.03
gen fast.csv m1 1 0.90
gen other.csv m2 2 2
gen otherslow.csv m2 2 2.2
expect no_change 0 '\*\*0 regressed\*\*' base.csv same.csv
expect slowdown_10_percent 1 '| host w/b/8 | validate | .* | \*\*regressed\*\* |' base.csv slow.csv
expect slowdown_ratio_too 1 '| host w/b/8 | validate/unsafe | .* | \*\*regressed\*\* |' base.csv slow.csv
expect below_min_effect 0 '| host w/b/8 | validate | .* | +[234]\.[0-9]*% | [0-9.e-]* | same |' base.csv small.csv
expect min_effect_option 1 '| host w/b/8 | validate | .* | \*\*regressed\*\* |' base.csv small.csv --min-effect 0.02
expect faster_is_no_failure 0 '| host w/b/8 | validate | .* | faster |' base.csv fast.csv
expect other_machine_raw 0 'other machine: not judged' base.csv other.csv
expect other_machine_ratio 1 '| host w/b/8 | validate/unsafe | .* | \*\*regressed\*\* |' base.csv otherslow.csv
gen ibase.csv m1 1 1 instructions
gen itiny.csv m1 1 1.0005 instructions
gen imore.csv m1 1 1.01 instructions
expect counts_within_tolerance 0 '\*\*0 regressed\*\*' ibase.csv itiny.csv
expect counts_beyond_tolerance 1 '| host w/b/8 | validate | 120 instructions (min) | 121.2 instructions (min) | +1.00% | – | \*\*regressed\*\* |' ibase.csv imore.csv
expect counts_exact_option 1 '\*\*regressed\*\*' ibase.csv itiny.csv --tolerance 0

# A baseline of two machines: the candidate's own is judged, whichever
# comes first in the file.  The whole build 50% slower keeps the ratios.
gen m2.csv m2 2 2
gen slowall.csv m1 1.5 1.5
{ cat base.csv; tail -n +2 m2.csv; } > base12.csv
{ cat m2.csv; tail -n +2 base.csv; } > base21.csv
expect own_machine_first 1 '| host w/b/8 | validate | [0-9.]* ns | [0-9.]* ns | +5[0-9.]*% | [0-9.e-]* | \*\*regressed\*\* |' base12.csv slowall.csv
expect own_machine_second 1 '| host w/b/8 | validate | [0-9.]* ns | [0-9.]* ns | +5[0-9.]*% | [0-9.e-]* | \*\*regressed\*\* |' base21.csv slowall.csv
# A candidate on a machine the baseline lacks: its ratios judged against
# each machine the baseline has, its times against none.
gen m3slow.csv m3 1 1.5
expect other_machines_each_m1 1 '| host w/b/8 | validate/unsafe | [^|]* on m1 | [^|]* | +[0-9.]*% | – | \*\*regressed\*\* |' base12.csv m3slow.csv
expect other_machines_each_m2 1 '| host w/b/8 | validate/unsafe | [^|]* on m2 | [^|]* | +[0-9.]*% | – | \*\*regressed\*\* |' base21.csv m3slow.csv
expect other_machines_times 1 '| host w/b/8 | validate | [^|]* ns on m2 | [^|]* | [^|]* | – | other machine: not judged |' base12.csv m3slow.csv
# One host name, another CPU: another machine, its times not judged.
CPU=other gen cpuslow.csv m1 1.5 1.5
expect other_cpu_same_name 0 '| host w/b/8 | validate | [^|]* ns on m1 | [^|]* | [^|]* | – | other machine: not judged |' base.csv cpuslow.csv

# A candidate without a baseline series, or with only error rows for it
# (a failed or killed run), fails the check: exit status 3.
grep -v ',validate,' same.csv > missing.csv
expect missing_series 3 '| host w/b/8 | validate | [0-9.]* ns | – | – | – | \*\*missing from the candidate\*\* |' base.csv missing.csv
{ cat missing.csv; echo "r,m1,c,host,none,validate,w,b,8,0,,ns,,error,result differs"; } > failed.csv
expect failed_series 3 '| host w/b/8 | validate | .* | \*\*failed in the candidate\*\*: result differs |' base.csv failed.csv
head -n 1 same.csv > killed.csv
expect killed_run 3 '\*\*2 missing from the candidate\*\*' base.csv killed.csv
grep -v ',unsafe,' slow.csv > slowmissing.csv
expect missing_beats_regressed 3 '\*\*1 regressed\*\*.*\*\*1 missing' base.csv slowmissing.csv

# Overheads pair series of one unit only: no ratio of ns over instructions.
sed 's/,validate,\(.*\),ns,/,validate,\1,instructions,/' base.csv > mixed.csv
sed 's/,validate,\(.*\),ns,/,validate,\1,instructions,/' slow.csv > mixedslow.csv
"$CHECK" mixed.csv mixedslow.csv > out.md 2> err.txt
[ $? -eq 1 ] && ! grep -q 'validate/unsafe' out.md && pass no_ratio_across_units ||
	fail no_ratio_across_units "$(grep validate out.md) $(cat err.txt)"

# Every exit status means one thing, and --help says which.
if "$CHECK" --help | grep -q '^  0  every baseline' && "$CHECK" --help | grep -q '^  1  ' &&
   "$CHECK" --help | grep -q '^  2  bad usage' && "$CHECK" --help | grep -q '^  3  the candidate lacks'; then
	pass exit_statuses_documented
else
	fail exit_statuses_documented "$("$CHECK" --help | tail -n 8)"
fi

# make check-regress: paths with spaces and quotes, and a last line naming
# the outcome (make's own status is 2 on any failure).
d="it's a folder"
mkdir "$d"
cp base.csv slow.csv missing.csv "$d/"
bad=""
for c in "slow.csv:2:REGRESSED (scripts/check-regress exit status 1)" \
	 "base.csv:0:passed, nothing regressed (scripts/check-regress exit status 0)" \
	 "missing.csv:2:INCOMPLETE, the candidate lacks baseline series (scripts/check-regress exit status 3)"; do
	cand=${c%%:*} rest=${c#*:}; want_rc=${rest%%:*} want=${rest#*:}
	make -s --no-print-directory -C "$TOP" check-regress BASELINE="$tmp/$d/base.csv" \
		CANDIDATE="$tmp/$d/$cand" > make.out 2> make.err
	rc=$?
	[ $rc -eq "$want_rc" ] && [ "$(tail -n 1 make.out)" = "make check-regress: $want" ] ||
		bad="$bad [$cand: exit $rc, last line '$(tail -n 1 make.out)' $(grep -v warning make.err | head -n 2)]"
done
[ -z "$bad" ] && pass make_check_regress_outcome || fail make_check_regress_outcome "$bad"

# Refusals: one line, exit 2.
bad=""
for args in "base.csv" "--alpha 2 base.csv same.csv" "--min-effect x base.csv same.csv" \
	"--tolerance -1 base.csv same.csv" "--frobnicate base.csv same.csv" "base.csv nosuch.csv" \
	"base.csv ibase.csv" "base.csv same.csv third.csv" "killed.csv base.csv" \
	"base.csv base.csv base.csv" "--alpha 0.1 --alpha 0.2 base.csv same.csv"; do
	# shellcheck disable=SC2086
	"$CHECK" $args >/dev/null 2>err.txt
	if [ $? -ne 2 ] || [ "$(wc -l < err.txt)" -ne 1 ] || ! grep -q '^efcompare: ' err.txt; then
		bad="$bad [$args: $(cat err.txt)]"
	fi
done
[ -z "$bad" ] && pass usage_errors || fail usage_errors "$bad"

# This build's host-side paths, counted by callgrind, against the baseline.
if command -v valgrind >/dev/null 2>&1 && [ -x "$TOP/build/efsetup" ]; then
	if "$TOP/scripts/count-host" --out now.csv 2>err.txt; then
		"$CHECK" --brief "$TOP/results/baselines/callgrind.csv" now.csv > out.md 2>&1
		rc=$?
		if [ $rc -eq 0 ]; then
			pass "callgrind_counts_match_baseline ($(grep -c ',ok,' now.csv) series)"
		else
			fail callgrind_counts_match_baseline "exit $rc: $(grep -e regressed -e efcompare out.md | head -n 5 | tr '\n' ' ')"
			echo "# if the change is meant to cost more: scripts/refresh-baselines (see docs/regressions.md)"
		fi
	else
		fail callgrind_counts_match_baseline "$(tail -n 1 err.txt)"
	fi
else
	echo "SKIP regress/callgrind_counts_match_baseline: valgrind or build/efsetup missing"
fi
