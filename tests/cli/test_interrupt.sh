#!/bin/sh
# test_interrupt.sh: a run ended by a signal at any moment keeps a valid CSV
# and a sidecar that says how it ended.
#   soak: 20 runs of each runner (Google Benchmark, native), each ended by
#   SIGINT, SIGTERM, SIGHUP or SIGKILL in turn at a random moment (seeded;
#   a quarter of them in the first 80 ms, while efbench starts up): the
#   exit status is 128 + the signal (or 0 for a run that finished first),
#   no run aborts (but one the signal ends before main, when no program has
#   its handlers, which must have written nothing), every CSV parses with whole rows only, the sidecar's
#   status is interrupted (with the signal) or, after SIGKILL, running, its
#   row count is the CSV's, and efreport takes the file, with a warning
#   exactly when the run did not complete;
#   then Ctrl-C during the PMP firmware, a second Ctrl-C during a long
#   sample, and a closed stdout.
# Prints PASS/FAIL/SKIP lines for scripts/run-tests.
set -u
SUITE=interrupt
. "$(dirname "$0")/common.sh"
EFBENCH=${EFBENCH:-$TOP/build/efbench}

"$EFBENCH" --target host --filter ubench/upgrade/1 --repetitions 6 --min-time 0.001 \
	--out ref.csv >/dev/null 2>&1 || fail reference_run "exit $?"

python3 - "$EFBENCH" "$TOP/build/efreport" <<'PY'
import csv, os, random, signal, subprocess, sys, time

efbench, efreport = sys.argv[1], sys.argv[2]
rnd = random.Random(15)
sigs = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGKILL]
header = subprocess.run([efbench, "--schema"], check=True, capture_output=True,
                        text=True).stdout.rstrip("\n").split(",")

def meta_of(path):
    keys = {}
    try:
        for line in open(path):
            k, _, v = line.rstrip("\n").partition("=")
            keys[k] = v          # the last value of a key wins
    except FileNotFoundError:
        return None
    return keys

def check(runner, i):
    sig = sigs[i % 4]
    delay = rnd.uniform(0, 0.08) if i % 4 == rnd.randrange(4) else rnd.uniform(0.08, 1.5)
    out = "%s-%d.csv" % (runner, i)
    p = subprocess.Popen([efbench, "--runner", runner, "--target", "host", "--filter",
                          "ubench/invoke_args/0,ubench/upgrade,hmac,brotli/round_trip/64",
                          "--repetitions", "10", "--min-time", "0.01", "--out", out],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    p.send_signal(sig)
    try:
        rc = p.wait(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        return "did not end within 60 s of %s" % sig.name
    what = "%s at %.3f s" % (sig.name, delay)
    meta = meta_of(out[:-4] + ".meta")
    if rc == -sig and not os.path.exists(out) and meta is None:
        # Before main (the loader, the libraries' constructors: a few ms,
        # longer on a loaded machine) no program has its handlers yet; the
        # signal's default ends it, and it must not have written anything.
        return None
    if rc < 0 and rc != -signal.SIGKILL:
        return "%s: died of signal %d (aborted)" % (what, -rc)
    want = -signal.SIGKILL if sig == signal.SIGKILL else 128 + sig
    if rc not in (want, 0):
        return "%s: exit %d, want %d" % (what, rc, want)
    if not os.path.exists(out):
        # A signal before the files were created: nothing written at all.
        return None if meta is None else "%s: a sidecar without its CSV" % what
    data = open(out, newline="").read()
    if not data.endswith("\n"):
        return "%s: the CSV ends in a partial row" % what
    rows = list(csv.reader(data.splitlines(keepends=True)))
    if rows[0] != header or any(len(r) != len(header) for r in rows):
        return "%s: the CSV has a bad header or a row of another length" % what
    if meta is None:
        return "%s: a CSV without its sidecar" % what
    status = meta.get("status")
    if rc == 0:
        ok = status == "complete"
    elif sig == signal.SIGKILL:
        ok = status == "running"
    else:
        ok = status == "interrupted" and meta.get("status_reason") == sig.name
    if not ok:
        return "%s: exit %d, sidecar status %s (%s)" % (what, rc, status,
                                                     meta.get("status_reason"))
    if status != "running" and meta.get("rows") != str(len(rows) - 1):
        return "%s: the sidecar says %s rows, the CSV has %d" % (what, meta.get("rows"),
                                                              len(rows) - 1)
    r = subprocess.run([efreport, "-o", "rep-%s-%d" % (runner, i), "ref.csv", out],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return "%s: efreport refused the file: %s" % (what, r.stderr.strip())
    warned = "warning: %s: its run" % out in r.stderr
    if warned != (status != "complete"):
        return "%s: status %s, and efreport %s" % (what, status,
               "warned: " + r.stderr.strip() if warned else "did not warn")
    return None

bad, ends = [], {}
for runner in ("gbench", "native"):
    for i in range(20):
        why = check(runner, i)
        ends[why is None] = ends.get(why is None, 0) + 1
        if why:
            bad.append("%s run %d: %s" % (runner, i, why))
if bad:
    print("FAIL interrupt/soak_40_runs: %d of 40 went wrong; %s" % (len(bad), "; ".join(bad[:4])))
else:
    print("PASS interrupt/soak_40_runs (2 runners x 20, SIGINT/SIGTERM/SIGHUP/SIGKILL)")
PY

# A signal while the PMP firmware runs under QEMU (about 30 s in all):
# efbench ends QEMU at once and keeps the rows the firmware had printed.
# (SIGTERM here and below: sh starts a background job with SIGINT ignored,
# which efbench leaves ignored, as it leaves nohup's SIGHUP.)
if "$EFBENCH" --list --target pmp-virt >/dev/null 2>&1; then
	"$EFBENCH" --target pmp-virt --out pmp.csv >/dev/null 2>err.txt &
	pid=$!
	sleep 6
	start=$(date +%s)
	kill -TERM $pid
	wait $pid
	rc=$?
	took=$(($(date +%s) - start))
	left=$(pgrep -f "$TOP/build/pmp/virt/bench.elf" | wc -l)
	rows=$(($(wc -l < pmp.csv) - 1))
	if [ $rc -eq 143 ] && [ $took -le 3 ] && [ "$left" -eq 0 ] && [ $rows -gt 0 ] &&
	   grep -q '^status=interrupted$' pmp.meta; then
		pass "pmp_firmware_stopped ($rows rows kept, ended in ${took}s)"
	else
		fail pmp_firmware_stopped "exit $rc after ${took}s, $rows rows, $left QEMU left: $(tail -n 2 err.txt)"
	fi
else
	echo "SKIP interrupt/pmp_firmware_stopped: no pmp-virt target here"
fi

# A second signal ends a run at once, in the middle of a sample of 3 s,
# and the sidecar says so.
"$EFBENCH" --runner native --target host --filter brotli/round_trip/65536 --mode unsafe \
	--repetitions 3 --min-time 3 --out long.csv >/dev/null 2>&1 &
pid=$!
sleep 1.5
kill -TERM $pid
sleep 0.3
start=$(date +%s)
kill -TERM $pid
wait $pid
rc=$?
took=$(($(date +%s) - start))
if [ $rc -eq 143 ] && [ $took -le 1 ] && grep -q '^status_reason=a second signal' long.meta &&
   [ "$(grep '^status=' long.meta | tail -n 1)" = status=interrupted ]; then
	pass second_signal_ends_at_once
else
	fail second_signal_ends_at_once "exit $rc after ${took}s: $(tail -n 3 long.meta)"
fi

# A reader that goes away (efbench | head) does not end the run without a
# status: the results are written, the sidecar says complete.  (The
# summary of every ubench benchmark is larger than a pipe's buffer.)
{ "$EFBENCH" --runner native --target host --filter ubench --repetitions 2 --min-time 0.0005 \
	--out pipe.csv 2>/dev/null; echo $? > pipe.rc; } | head -c 1 >/dev/null
if [ "$(cat pipe.rc)" = 0 ] && grep -q '^status=complete$' pipe.meta; then
	pass closed_stdout
else
	fail closed_stdout "exit $(cat pipe.rc): $(grep '^status' pipe.meta)"
fi

# Under nohup (SIGHUP ignored when efbench starts), the end of the ssh
# session does not end the run.
nohup "$EFBENCH" --runner native --target host --filter ubench/upgrade --repetitions 10 \
	--min-time 0.02 --out nohup.csv >/dev/null 2>&1 &
pid=$!
sleep 0.5
kill -HUP $pid
wait $pid
rc=$?
if [ $rc -eq 0 ] && grep -q '^status=complete$' nohup.meta; then
	pass nohup_survives_sighup
else
	fail nohup_survives_sighup "exit $rc: $(grep '^status' nohup.meta)"
fi

# scripts/setup-bench, a signal while hyperfine times: exit 143, whole
# rows, the sidecar says interrupted.
if command -v hyperfine >/dev/null 2>&1; then
	"$TOP/scripts/setup-bench" --runs 3000 --out setup.csv >/dev/null 2>err.txt &
	pid=$!
	sleep 2
	kill -TERM $pid
	wait $pid
	rc=$?
	if [ $rc -eq 143 ] && [ "$(grep '^status=' setup.meta | tail -n 1)" = status=interrupted ] &&
	   [ "$(sed -n 's/^rows=//p' setup.meta)" = "$(($(wc -l < setup.csv) - 1))" ] &&
	   [ -z "$(tail -c 1 setup.csv)" ]; then
		pass setup_bench_interrupted
	else
		fail setup_bench_interrupted "exit $rc: $(tail -n 3 setup.meta | tr '\n' ' ') $(tail -n 1 err.txt)"
	fi
else
	echo "SKIP interrupt/setup_bench_interrupted: hyperfine is not installed"
fi
