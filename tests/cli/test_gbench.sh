#!/bin/sh
# test_gbench.sh: Google Benchmark's own output beside efbench's: its JSON
# written beside the CSV by default (NAME.json), valid and holding one run
# per sample row, after Ctrl-C and with --processes too; bytes_per_second
# for a benchmark that processes bytes; its warnings on stderr and in the
# sidecar; NAME.json never overwritten; a disk that fills up leaves valid
# JSON that the sidecar calls incomplete.
# Prints PASS/FAIL/SKIP lines for scripts/run-tests.
set -u
SUITE=gbench
. "$(dirname "$0")/common.sh"
EFBENCH=${EFBENCH:-$TOP/build/efbench}
RUN="--target host --min-time 0.002"

if ! "$EFBENCH" --help | grep -q 'gbench: Google Benchmark'; then
	echo "SKIP gbench/all: this build has no Google Benchmark"
	exit 0
fi

# matches NAME [some]: NAME.json is valid JSON whose runs are the CSV's
# sample rows, one each (some: some of them, at least one): the same
# target/workload/benchmark/parameter/mode, iteration count, and process
# and round (its label).  Prints how many.
matches() {
	python3 - "$@" <<'PY'
import collections, csv, json, sys
name = sys.argv[1]
try:
    doc = json.load(open(name + ".json"))
except (OSError, ValueError) as e:
    sys.exit("%s.json: %s" % (name, e))
runs = sorted((b["run_name"].split("/iterations:")[0], b["iterations"], b["label"])
              for b in doc["benchmarks"])
rows = sorted(("/".join((r["target"], r["workload"], r["benchmark"], r["parameter"],
                         r["mode"])), int(r["iterations"]),
               "process %s, round %s" % (r["process"], r["repetition"]))
              for r in csv.DictReader(open(name + ".csv")) if r["status"] == "ok")
if len(sys.argv) > 2 and runs and not collections.Counter(runs) - collections.Counter(rows):
    print("%d of %d" % (len(runs), len(rows)))
    sys.exit(0)
if not runs or runs != rows:
    sys.exit("%d runs in the JSON, %d sample rows; first differences: %s" % (
        len(runs), len(rows), [x for x in zip(runs, rows) if x[0] != x[1]][:2]))
print(len(runs))
PY
}

# key NAME.meta KEY: the last value of KEY in the sidecar.
key() {
	sed -n "s/^$2=//p" "$1" | tail -n 1
}

# The JSON beside the CSV, one run per row; the sidecar names it.
"$EFBENCH" $RUN --filter ubench/validate_utf8_ascii/1024,ubench/upgrade/1,hmac \
	--repetitions 3 --out run.csv >out.txt 2>err.txt
rc=$?
if n=$(matches run 2>&1) && [ $rc -eq 0 ] && [ "$(key run.meta gbench_json)" = run.json ] &&
   [ "$(key run.meta gbench_json_status)" = complete ]; then
	pass "json_beside_csv ($n runs)"
else
	fail json_beside_csv "exit $rc: $n; $(grep gbench_json run.meta | tr '\n' ' ')"
fi

# bytes_per_second where the parameter is the bytes an iteration processes
# (hmac's 4096-byte message, 1024 bytes validated), and only there:
# bytes_per_second x time per iteration = the parameter.
if why=$(python3 - <<'PY'
import json, sys
for b in json.load(open("run.json"))["benchmarks"]:
    name = b["run_name"]
    want = 4096 if "/hmac_sha256/4096/" in name else 1024 if "/validate_utf8_ascii/1024/" in name else None
    got = b.get("bytes_per_second")
    if want is None and got is not None:
        sys.exit("%s: bytes_per_second %s, and no bytes" % (name, got))
    if want is not None and (got is None or abs(got * b["real_time"] / 1e9 / want - 1) > 0.01):
        sys.exit("%s: bytes_per_second %s at %s ns, want %d bytes each" % (
            name, got, b["real_time"], want))
PY
); then
	pass bytes_per_second
else
	fail bytes_per_second "$why"
fi

# --processes 2: the workers' runs reach the one file, each labelled with
# its process (4 repetitions: two rounds each).
"$EFBENCH" $RUN --filter hmac --repetitions 4 --processes 2 --out procs.csv \
	>out.txt 2>err.txt
rc=$?
if n=$(matches procs 2>&1) && [ $rc -eq 0 ] && grep -q '"label": "process 1, round 1"' procs.json; then
	pass "processes_in_one_json ($n runs)"
else
	fail processes_in_one_json "exit $rc: $n: $(tail -n 1 err.txt)"
fi

# stop_after SIGNAL NAME: a long run into NAME.csv, sent SIGNAL after 2 s;
# its exit status in rc.
stop_after() {
	"$EFBENCH" $RUN --filter ubench/upgrade,hmac --repetitions 200 --min-time 0.01 \
		--out "$2.csv" >/dev/null 2>err.txt &
	pid=$!
	sleep 2
	kill "-$1" $pid
	wait $pid
	rc=$?
}

# Ctrl-C (SIGTERM here: sh starts a background job with SIGINT ignored):
# the JSON is valid and holds what was measured, as the CSV does.
stop_after TERM stopped
if n=$(matches stopped 2>&1) && [ $rc -eq 143 ] &&
   [ "$(key stopped.meta status)" = interrupted ] &&
   [ "$(key stopped.meta gbench_json_status)" = complete ]; then
	pass "json_after_a_signal ($n runs)"
else
	fail json_after_a_signal "exit $rc: $n"
fi

# SIGKILL: no closing words, and still valid JSON, holding every round
# but perhaps the last.
stop_after KILL killed
if n=$(matches killed some 2>&1) && [ $rc -eq 137 ]; then
	pass "json_after_sigkill ($n runs)"
else
	fail json_after_sigkill "exit $rc: $n"
fi

# NAME.json exists: refused before anything is written, and it is kept.
printf 'precious\n' > taken.json
"$EFBENCH" $RUN --filter hmac --repetitions 2 --out taken.csv >out.txt 2>err.txt
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l < err.txt)" -eq 1 ] && grep -q '^efbench: .*taken.json exists' err.txt &&
   [ ! -e taken.csv ] && [ ! -e taken.meta ] && [ "$(cat taken.json)" = precious ]; then
	pass json_never_overwritten
else
	fail json_never_overwritten "exit $rc: $(head -n 2 err.txt)"
fi

# --benchmark_out= (no name): no file, and the sidecar says so.
"$EFBENCH" $RUN --filter hmac --repetitions 2 --out off.csv --benchmark_out= >out.txt 2>err.txt
rc=$?
if [ $rc -eq 0 ] && [ ! -e off.json ] && [ "$(key off.meta gbench_json)" = "none (--benchmark_out=)" ]; then
	pass json_turned_off
else
	fail json_turned_off "exit $rc: $(grep gbench_json off.meta)"
fi

# Its warnings: what its context says (a library built for debugging,
# CPU scaling) is on stderr and in the sidecar, and nothing else.
# warned_as NAME ERR: NAME.json's context against NAME.meta and ERR.
warned_as() {
	python3 - "$1" "$2" <<'PY'
import json, sys
name, err = sys.argv[1], sys.argv[2]
ctx = json.load(open(name + ".json"))["context"]
meta = [l.rstrip("\n").partition("=")[2] for l in open(name + ".meta")
        if l.startswith("gbench_warnings=")]
said = [l.split("warns: ", 1)[1].rstrip("\n") for l in open(err)
        if l.startswith("efbench: Google Benchmark warns: ")]
want = []
if ctx.get("cpu_scaling_enabled"):
    want.append("CPU scaling is enabled")
if ctx.get("library_build_type") == "debug":
    want.append("Library was built as DEBUG")
if len(said) != len(want) or any(not s.startswith(w) for s, w in zip(said, want)):
    sys.exit("context wants %s, stderr said %s" % (want, said))
if meta != [" ".join(said) or "none"]:
    sys.exit("the sidecar says %s, stderr %s" % (meta, said))
print(", ".join(want) or "none")
PY
}
if said=$(warned_as run err.txt 2>&1) && "$EFBENCH" $RUN --filter hmac --repetitions 1 \
	--out warn.csv >out.txt 2>err.txt && said=$(warned_as warn err.txt 2>&1); then
	pass "warnings_said ($said)"
else
	fail warnings_said "$said"
fi

# CPU scaling, provoked: a powersave governor on cpu0 (a tmpfs over its
# folder in a mount namespace of its own, where this machine lets a test
# mount one).
cpu0=/sys/devices/system/cpu/cpu0
if command -v unshare >/dev/null 2>&1 && unshare -m sh -c "mount -t tmpfs t $cpu0" 2>/dev/null; then
	unshare -m sh -c "mount -t tmpfs efbench-test $cpu0 && mkdir $cpu0/cpufreq &&
		echo powersave > $cpu0/cpufreq/scaling_governor &&
		'$EFBENCH' $RUN --filter hmac --repetitions 1 --out scaled.csv" >out.txt 2>err.txt
	if said=$(warned_as scaled err.txt 2>&1) && grep -q '^gbench_warnings=CPU scaling is enabled' scaled.meta; then
		pass "cpu_scaling_warned ($said)"
	else
		fail cpu_scaling_warned "$said: $(grep gbench_warnings scaled.meta)"
	fi
else
	echo "SKIP gbench/cpu_scaling_warned: this machine does not let a test mount a tmpfs (unshare -m)"
fi

# A disk that fills up (a tmpfs of 32 KiB): the JSON stays valid, with the
# rounds written before, and the sidecar calls it incomplete.
if command -v unshare >/dev/null 2>&1 &&
   unshare -m sh -c "mkdir -p '$tmp/full' && mount -t tmpfs -o size=32k efbench-test '$tmp/full'" 2>/dev/null; then
	unshare -m sh -c "mount -t tmpfs -o size=32k efbench-test '$tmp/full' && cd '$tmp/full' &&
		'$EFBENCH' $RUN --filter ubench --repetitions 20 --out full.csv >/dev/null 2>'$tmp/err.txt';
		echo \$? > '$tmp/rc'; cp full.json full.meta '$tmp/'"
	rc=$(cat rc 2>/dev/null)
	if python3 -m json.tool full.json >/dev/null 2>json.err && [ "$rc" = 3 ] &&
	   [ "$(key full.meta gbench_json_status)" = "incomplete: No space left on device" ]; then
		pass "disk_full_json_valid ($(grep -c '"run_name"' full.json) runs kept)"
	else
		fail disk_full_json_valid "exit $rc: $(cat json.err) $(grep gbench_json full.meta | tr '\n' ' ')"
	fi
else
	echo "SKIP gbench/disk_full_json_valid: this machine does not let a test mount a tmpfs (unshare -m)"
fi
