#!/bin/sh
# test_fuzz.sh: the fuzz targets run briefly from their seed corpora, each
# EFBENCH_FUZZ_SECONDS (15) with a fixed seed, in-process under
# AddressSanitizer and UBSan: tests/fuzz/fuzz_results.c (the CSV and
# sidecar readers, efreport's tables, efcompare's judgement) and
# tests/fuzz/fuzz_utf8.c (every UTF-8 validator against the scalar DFA).
# A crash's input is kept in build/fuzz/ (crash-*); `make fuzz` and
# `make fuzz-utf8` run longer.  Prints PASS/FAIL/SKIP lines for
# scripts/run-tests.
set -u
SUITE=fuzz
. "$(dirname "$0")/common.sh"

# fuzz NAME PROGRAM CORPUS WHAT [OPTION...]: one target's run.
fuzz() {
	name=$1 f=$TOP/build/fuzz/$2 seeds=$TOP/tests/fuzz/$3 what=$4
	shift 4
	if [ ! -x "$f" ]; then
		echo "SKIP fuzz/$name: build/fuzz/$2 is not built (clang with libFuzzer: make deps)"
		return
	fi
	mkdir "$name"
	"$f" -max_total_time="${EFBENCH_FUZZ_SECONDS:-15}" -seed=1 "$@" \
		-artifact_prefix="$TOP/build/fuzz/" "$name" "$seeds" > "$name.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$name.log")
	if [ $rc -eq 0 ] && [ -n "$runs" ]; then
		pass "$name ($runs inputs, $what)"
	else
		fail "$name" "exit $rc: $(grep -m 1 -e 'ERROR' -e 'runtime error' -e 'disagrees' -e 'the scalar DFA' "$name.log"); input: $(grep -o 'Test unit written to .*' "$name.log")"
	fi
}

fuzz results_readers fuzz_results corpus "no crash, leak or undefined behaviour" \
	-dict="$TOP/tests/fuzz/results.dict"
fuzz utf8_validators fuzz_utf8 corpus_utf8 \
	"every implementation agrees with the scalar DFA; no crash or undefined behaviour"
