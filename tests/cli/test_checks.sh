#!/bin/sh
# test_checks.sh: efbench's check before timing (each mode's result must
# equal unsafe mode's) can fail.  EFBENCH_UBENCH_DIFFER=validate/3 makes
# ubench/invoke_args/3 compute something else in validate mode only
# (workloads/ubench/host.c): efbench must write one error row saying so for
# it in that mode, time nothing of it there, run everything else, and exit
# 1.  The same run without the drill is the control: no error row, exit 0.
# Prints PASS/FAIL lines for scripts/run-tests.
set -u
EFBENCH=${EFBENCH:-$(pwd)/build/efbench}
SUITE=checks
. "$(dirname "$0")/common.sh"

run() {
	"$EFBENCH" --target host --filter ubench/invoke_args/3,ubench/invoke_args/4 \
		--repetitions 2 --processes 1 --min-time 0.001 --out "$1" >out.txt 2>err.txt
}

# rows_of FILE: "mode,parameter,status count" for each mode, parameter and
# status, then each error row's message, one per line.
rows_of() {
	python3 - "$1" <<'PY'
import collections, csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
count = collections.Counter((r['mode'], r['parameter'], r['status']) for r in rows)
for (mode, param, status), n in sorted(count.items()):
    print('%s,%s,%s %d' % (mode, param, status, n))
for r in rows:
    if r['status'] == 'error':
        print('error: %s %s: %s' % (r['mode'], r['parameter'], r['message']))
PY
}

run control.csv
rc=$?
got=$(rows_of control.csv 2>&1)
want='unsafe,3,ok 2
unsafe,4,ok 2
validate,3,ok 2
validate,4,ok 2'
if [ $rc -eq 0 ] && [ "$got" = "$want" ]; then
	pass control_run_has_no_error
else
	fail control_run_has_no_error "exit $rc, rows: $(echo "$got" | tr '\n' ';')"
fi

EFBENCH_UBENCH_DIFFER=validate/3 run differ.csv
rc=$?
got=$(rows_of differ.csv 2>&1)
want='unsafe,3,ok 2
unsafe,4,ok 2
validate,3,error 1
validate,4,ok 2'
if [ $rc -eq 1 ] && [ "$(echo "$got" | grep -v '^error: ')" = "$want" ] &&
   echo "$got" | grep -q "^error: validate 3: result 0x[0-9a-f]* differs from unsafe mode's 0x[0-9a-f]*; not timed$" &&
   grep -q 'invoke_args/3 validate: .*differs from unsafe mode' err.txt; then
	pass differing_mode_not_timed
else
	fail differing_mode_not_timed "exit $rc (want 1), rows: $(echo "$got" | tr '\n' ';')"
fi
