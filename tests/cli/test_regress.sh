#!/bin/sh
# test_regress.sh: the regression check (scripts/check-regress, i.e.
# build/efcompare) on results whose answer is known: no change, a 10%
# slowdown, a significant but small one, a baseline from another machine
# (only its ratios judged), instruction counts within and beyond the
# tolerance; its one-line refusals; and this build's host-side instruction
# counts (callgrind) against the committed baseline.
# Prints PASS/FAIL/SKIP lines for scripts/run-tests.
set -u
SUITE=regress
. "$(dirname "$0")/common.sh"
CHECK=$TOP/scripts/check-regress

# gen FILE HOST UNSAFE_SCALE VALIDATE_SCALE [UNIT]: 20 samples per mode of
# one benchmark around 100 ns (unsafe) and 120 ns (validate), 1% scatter
# from a fixed seed, each mode's times scaled.
gen() {
	python3 - "$@" <<'PY'
import random, sys, zlib
path, host, su, sv = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
unit = sys.argv[5] if len(sys.argv) > 5 else "ns"
rnd = random.Random(zlib.crc32(path.encode()))
with open(path, "w") as f:
    f.write("run_id,host,cpu_model,target,policy,mode,workload,benchmark,parameter,"
            "iterations,value,unit,repetition,status,message\n")
    for mode, center, scale in (("unsafe", 100, su), ("validate", 120, sv)):
        for i in range(20):
            v = center * scale * (1 if unit != "ns" else rnd.gauss(1, 0.01))
            f.write("r,%s,c,host,none,%s,w,b,8,1000,%.6f,%s,%d,ok,\n" % (host, mode, v, unit, i))
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

# Overheads pair series of one unit only: no ratio of ns over instructions.
sed 's/,validate,\(.*\),ns,/,validate,\1,instructions,/' base.csv > mixed.csv
sed 's/,validate,\(.*\),ns,/,validate,\1,instructions,/' slow.csv > mixedslow.csv
"$CHECK" mixed.csv mixedslow.csv > out.md 2> err.txt
[ $? -eq 1 ] && ! grep -q 'validate/unsafe' out.md && pass no_ratio_across_units ||
	fail no_ratio_across_units "$(grep validate out.md) $(cat err.txt)"

# Refusals: one line, exit 2.
bad=""
for args in "base.csv" "--alpha 2 base.csv same.csv" "--min-effect x base.csv same.csv" \
	"--tolerance -1 base.csv same.csv" "--frobnicate base.csv same.csv" "base.csv nosuch.csv" \
	"base.csv ibase.csv" "base.csv same.csv third.csv" \
	"--alpha 0.1 --alpha 0.2 base.csv same.csv"; do
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
			pass "callgrind_counts_match_baseline ($(grep -c ',ok,$' now.csv) series)"
		else
			fail callgrind_counts_match_baseline "exit $rc: $(grep -e regressed -e efcompare out.md | head -n 5 | tr '\n' ' ')"
			echo "# if the change is meant to cost more: scripts/refresh-baselines (see README)"
		fi
	else
		fail callgrind_counts_match_baseline "$(tail -n 1 err.txt)"
	fi
else
	echo "SKIP regress/callgrind_counts_match_baseline: valgrind or build/efsetup missing"
fi
