#!/bin/sh
# test_reference.sh: reference mode on target host (workloads/ubench/
# reference.c): Rust's std::str::from_utf8 measured beside ubench's UTF-8
# validation, on the same inputs, in the same rounds; its rows in the CSV,
# its compiler in the sidecar, the budget lines of efbench's summary that
# compare with it, and efreport's tables.
# Prints PASS/FAIL/SKIP lines for scripts/run-tests.
set -u
SUITE=reference
. "$(dirname "$0")/common.sh"
EFBENCH=$TOP/build/efbench
EFREPORT=$TOP/build/efreport

# Without Debian's rustc the build has no reference mode; with it, it must.
if ! "$EFBENCH" --target host --mode reference --list >/dev/null 2>&1; then
	if [ -x /usr/bin/rustc ]; then
		fail has_reference_mode "/usr/bin/rustc is here, but efbench has no reference mode"
	else
		echo "SKIP $SUITE/*: no /usr/bin/rustc, so no reference mode (make deps installs it)"
	fi
	exit 0
fi

"$EFBENCH" --target host --filter 'ubench/validate_utf8_*' --repetitions 3 --min-time 0.01 \
	--out ref.csv >out.txt 2>err.txt
rc=$?
if [ $rc -ne 0 ]; then
	fail run "exit $rc: $(tail -n 2 err.txt)"
	exit 0
fi

# Every kind of text at every size has its reference rows, all ok, and each
# was taken in a round (process and repetition) that validate mode shares.
bad=$(python3 - ref.csv <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
sizes = ["1", "64", "1024", "8192", "1048576"]
kinds = ["ascii", "prose", "mixed"]
rounds = {}
for r in rows:
    if r["status"] != "ok":
        print("error row:", r["benchmark"], r["parameter"], r["mode"], r["message"]); sys.exit()
    key = (r["benchmark"], r["parameter"], r["mode"])
    rounds.setdefault(key, set()).add((r["process"], r["repetition"]))
for k in kinds:
    for n in sizes:
        b = "validate_utf8_" + k
        ref = rounds.get((b, n, "reference"), set())
        if len(ref) < 3:
            print("%s/%s: %d reference rows" % (b, n, len(ref))); sys.exit()
        if not ref <= rounds.get((b, n, "validate"), set()):
            print("%s/%s: reference rounds validate mode has not" % (b, n)); sys.exit()
if any(r["mode"] == "reference" and r["target"] != "host" for r in rows):
    print("a reference row of another target")
PY
)
if [ -z "$bad" ]; then
	pass rows_for_each_size_and_kind
else
	fail rows_for_each_size_and_kind "$bad"
fi

# The sidecar names the compiler (Debian's, not another on PATH).
want=$(/usr/bin/rustc --version 2>/dev/null)
if [ -n "$want" ] && grep -qxF "rustc=$want" ref.meta; then
	pass sidecar_names_rustc
else
	fail sidecar_names_rustc "want rustc=$want, the sidecar has: $(grep '^rustc=' ref.meta)"
fi

# The budget lines: ef_valid_utf8's throughput over from_utf8's at 1 MiB,
# for each kind of text, with a verdict.
n=0
for k in ASCII prose mixed; do
	grep -Eq "^  UTF-8 1 MiB $k over Rust's from_utf8 +[0-9]+\.[0-9]+ x +budget >= 1\.5 x +(ok|OVER BUDGET|undecided \(noisy: interval \[[0-9.]+, [0-9.]+\]\)) \([0-9.]+ over [0-9.]+ GB/s\)$" out.txt &&
		n=$((n + 1))
done
if [ $n -eq 3 ]; then
	pass summary_ratio_lines
else
	fail summary_ratio_lines "$n of 3 lines: $(grep -A8 '^budgets' out.txt | tr '\n' '|')"
fi

# efreport: a summary.csv row per reference series, no overhead of it, and
# a reference column in summary.md, whose overheads have one line per
# benchmark (none from its reference series).
"$EFREPORT" -o rep ref.csv >rep.out 2>rep.err
rc=$?
series=$(awk -F, '$7 == "reference" && $2 == "host" { n++ } END { print n + 0 }' rep/summary.csv 2>/dev/null)
lines=$(sed -n '/^Overheads/,$p' rep/summary.md | grep -c '^| ubench/validate_utf8_prose/64 |')
if [ $rc -eq 0 ] && [ "$series" -eq 15 ] && ! grep -q reference rep/overheads.csv &&
   grep -q '^| benchmark |.* reference |' rep/summary.md && [ "$lines" -eq 1 ]; then
	pass efreport_tables
else
	fail efreport_tables "exit $rc, $series reference series in summary.csv, $lines overheads lines of one benchmark: $(tail -n 1 rep.err)"
fi

# Without a Rust compiler: make says what is left out, and efbench runs
# without reference rows, says so once on stderr and in the sidecar, and
# exits 0.  A copy of the checkout built with RUSTC pointing nowhere.
mkdir norust
(cd "$TOP" && git ls-files -co --exclude-standard | grep -v '^build/' | tar -cf - -T -) |
	tar -xf - -C norust
make -C norust -j2 RUSTC="$tmp/no-rustc" build/efbench ubench-reference-missing \
	>norust-make.txt 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	fail without_rustc "make exit $rc: $(tail -n 2 norust-make.txt)"
	exit 0
fi
norust/build/efbench --target host --filter 'ubench/validate_utf8_*/64,ubench/invoke_args/0' \
	--repetitions 3 --min-time 0.001 --out norust.csv >norust.out 2>norust.err
rc=$?
said=$(grep -c "no reference rows for 3 benchmarks of target host: this build found no Rust compiler" norust.err)
modes=$(awk -F, 'NR > 1 { print $6 }' norust.csv | sort -u | tr '\n' ' ')
if [ $rc -eq 0 ] && [ "$said" -eq 1 ] && [ "$modes" = "unsafe validate " ] &&
   grep -q "^make: no $tmp/no-rustc (Debian's rustc" norust-make.txt &&
   grep -q '^rustc=none: the build found no Rust compiler' norust.meta; then
	pass without_rustc
else
	fail without_rustc "exit $rc, said $said times, modes '$modes': $(grep -v '^\[' norust.err | tail -n 1)"
fi
