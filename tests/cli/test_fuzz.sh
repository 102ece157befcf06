#!/bin/sh
# test_fuzz.sh: the fuzz target of the code that reads results
# (tests/fuzz/fuzz_results.c: the CSV and sidecar readers, efreport's
# tables, efcompare's judgement, in-process under AddressSanitizer and
# UBSan) run briefly from the seed corpus: EFBENCH_FUZZ_SECONDS (15), a
# fixed seed.  A crash's input is kept in build/fuzz/ (crash-*); `make fuzz`
# runs longer.  Prints PASS/FAIL/SKIP lines for scripts/run-tests.
set -u
SUITE=fuzz
. "$(dirname "$0")/common.sh"
F=$TOP/build/fuzz/fuzz_results
if [ ! -x "$F" ]; then
	echo "SKIP fuzz/results_readers: build/fuzz/fuzz_results is not built (clang with libFuzzer: make deps)"
	exit 0
fi
mkdir corpus
"$F" -max_total_time="${EFBENCH_FUZZ_SECONDS:-15}" -seed=1 -dict="$TOP/tests/fuzz/results.dict" \
	-artifact_prefix="$TOP/build/fuzz/" corpus "$TOP/tests/fuzz/corpus" > log.txt 2>&1
rc=$?
runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' log.txt)
if [ $rc -eq 0 ] && [ -n "$runs" ]; then
	pass "results_readers ($runs inputs, no crash, leak or undefined behaviour)"
else
	fail results_readers "exit $rc: $(grep -m 1 -e 'ERROR' -e 'runtime error' log.txt); input: $(grep -o 'Test unit written to .*' log.txt)"
fi
