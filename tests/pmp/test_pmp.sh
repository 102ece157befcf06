#!/bin/sh
# test_pmp.sh: the PMP test firmware on each QEMU board (scripts/pmp-run),
# twice, for scripts/run-tests: the suite's own PASS/FAIL lines, and one
# check that the two runs printed the same instruction counts; then the
# benchmark firmware on virt, twice, the same way.
set -u
cd "$(dirname "$0")/../.." || exit 2

if ! command -v qemu-system-riscv32 >/dev/null 2>&1 ||
   ! ls build/pmp/*/test_pmp.elf >/dev/null 2>&1; then
	echo "SKIP pmp: needs qemu-system-riscv32 and the riscv64-unknown-elf toolchain (make deps; make test builds the firmware)"
	exit 0
fi
a=$(mktemp) b=$(mktemp)
trap 'rm -f "$a" "$b"' EXIT
failed=0

# every_mode BOARD WORKLOAD,BENCHMARK,PARAMETER WHAT: the firmware output in
# $a has the 3 samples of each of the 6 mode and policy pairs.
every_mode() {
	n=$(grep -c "^row,[a-z]*,[a-z]*,$2," "$a")
	if [ "$n" -eq 18 ]; then
		echo "PASS pmp $3 in every mode on $1"
	else
		echo "FAIL pmp $3 on $1: $n samples, want 18"
		failed=1
	fi
}
# skipped BOARD ID WHAT: the firmware output in $a says why it left ID out,
# for the benchmark or its whole workload; any stated reason will do (the
# board's room, or a library source that could not be fetched).
skipped() {
	if why=$(grep -m 1 -e "^skip,$2,." -e "^skip,${2%%/*},." "$a"); then
		echo "PASS pmp $3 skipped on $1, with the reason: ${why#skip,*,}"
	else
		echo "FAIL pmp $3 on $1: no skip line for $2 nor ${2%%/*}"
		failed=1
	fi
}
for board in virt opentitan; do
	fw=build/pmp/$board/test_pmp.elf
	scripts/pmp-run "$board" "$fw" > "$a" 2>&1
	rc=$?
	grep -E '^(PASS|FAIL|SKIP|#) ' "$a"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$a"; then
		echo "FAIL pmp $board: the firmware exited with $rc without saying why:"
		tail -n 5 "$a"
		failed=1
	fi
	grep -q '^FAIL ' "$a" && failed=1
	scripts/pmp-run "$board" "$fw" > "$b" 2>&1
	if grep -q '^# .*instructions' "$a" && cmp -s "$a" "$b"; then
		echo "PASS pmp two runs on $board count the same instructions"
	else
		echo "FAIL pmp two runs on $board count the same instructions:"
		diff "$a" "$b" | head -n 6
		failed=1
	fi
done
# The benchmark firmware on each board: every ubench benchmark in every mode
# (invoke and full warm and cold) equals unsafe mode's result and is
# counted; two runs count the same; HMAC-SHA256 runs through libsodium built
# from Debian's source (its set-up checks the RFC 4231 vectors in every
# mode), or the firmware says why not.  Then efbench --target pmp-BOARD
# turns the firmware's lines into CSV rows.
for board in virt opentitan; do
	fw=build/pmp/$board/bench.elf
	[ -f "$fw" ] || continue
	scripts/pmp-run "$board" "$fw" > "$a" 2>&1
	rc=$?
	missing=""
	for m in unsafe,none validate,none invoke,warm full,warm invoke,cold full,cold; do
		grep -q "^row,$m,ubench,invoke_args,100," "$a" || missing="$missing $m"
	done
	if [ $rc -eq 0 ] && [ -z "$missing" ] && ! grep -q '^error,' "$a"; then
		echo "PASS pmp ubench in every mode on $board equals unsafe and is counted ($(grep -c '^row,' "$a") samples)"
	else
		echo "FAIL pmp ubench on $board: exit $rc, modes missing:${missing:- none}"
		grep '^error,' "$a" | head -n 5
		tail -n 2 "$a"
		failed=1
	fi
	if [ -f build/src/libsodium/.ready ]; then
		every_mode "$board" hmac,hmac_sha256,4096 \
			"hmac_sha256 (libsodium from source, RFC 4231 vectors)"
		every_mode "$board" sodium,generichash,4096 \
			"crypto_generichash (libsodium from source, BLAKE2b vectors)"
		every_mode "$board" sodium,secretbox,64 \
			"crypto_secretbox round trip (libsodium from source)"
		skipped "$board" sodium/randombytes/32 "libsodium's randombytes (no entropy source)"
		# opentitan's SRAM holds no brotli encoder, and without brotli's
		# source neither board has it: the firmware says why.
		if [ "$board" = opentitan ] || [ ! -f build/src/brotli/.ready ]; then
			skipped "$board" brotli/round_trip/1024 "brotli round trip"
		else
			every_mode "$board" brotli,round_trip,1024 \
				"brotli round trip of 1024 bytes (brotli from source)"
			skipped "$board" brotli/round_trip/65536 "brotli's 64 KiB round trip (emulation time)"
		fi
	elif grep -q '^skip,hmac,' "$a"; then
		echo "SKIP pmp hmac_sha256 on $board: $(sed -n 's/^skip,hmac,//p' "$a")"
	else
		echo "FAIL pmp hmac_sha256 on $board: neither samples nor a reason to skip"
		failed=1
	fi
	scripts/pmp-run "$board" "$fw" > "$b" 2>&1
	if cmp -s "$a" "$b"; then
		echo "PASS pmp two benchmark runs on $board count the same instructions"
	else
		echo "FAIL pmp two benchmark runs on $board count the same instructions:"
		diff "$a" "$b" | head -n 6
		failed=1
	fi
	awk -F, -v board="$board" '/^row,(unsafe,none|invoke,warm|invoke,cold),ubench,invoke_args,0,/ && $10 == 0 {
		v[$2 "," $3] = $8 }
		END { printf "# pmp %s: ubench/invoke_args/0 instructions per call: unsafe %s, invoke warm %s, cold %s\n",
		      board, v["unsafe,none"], v["invoke,warm"], v["invoke,cold"] }' "$a"

	[ -x build/efbench ] || continue
	out=$(mktemp -d)
	build/efbench --target "pmp-$board" --out "$out/pmp.csv" > "$out/stdout" 2> "$out/stderr"
	rc=$?
	want=$(awk -F, '/^row,invoke,warm,ubench,invoke_args,0,/ && $10 == 0 { print $8 }' "$a")
	if why=$(python3 - "$out/pmp.csv" "$want" "pmp-$board" 2>&1 <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
seen = {(r['mode'], r['policy']) for r in rows}
need = {('unsafe', 'none'), ('validate', 'none'), ('invoke', 'warm'),
        ('full', 'warm'), ('invoke', 'cold'), ('full', 'cold')}
if need - seen:
    sys.exit('missing %s' % sorted(need - seen))
if any(r['unit'] != 'instructions' or r['target'] != sys.argv[3] or r['status'] != 'ok' for r in rows):
    sys.exit('a row with another unit, target or status')
warm = [float(r['value']) for r in rows if (r['mode'], r['policy']) == ('invoke', 'warm')
        and (r['workload'], r['benchmark'], r['parameter']) == ('ubench', 'invoke_args', '0')]
if abs(warm[0] - float(sys.argv[2])) > 1e-6:
    sys.exit('invoke warm %s, firmware printed %s' % (warm[0], sys.argv[2]))
PY
	) && [ $rc -eq 0 ]; then
		echo "PASS pmp efbench --target pmp-$board writes the firmware's samples"
	else
		echo "FAIL pmp efbench --target pmp-$board: exit $rc: $why $(tail -n 2 "$out/stderr")"
		failed=1
	fi
	# The summary's budgets, from the warm samples alone (the processes
	# hand over cold rows too, which are written, not pooled): the gate,
	# each stacked argument, a callback over the gate.
	unsafe=$(awk -F, '/^row,unsafe,none,ubench,invoke_args,0,/ && $10 == 0 { print $8 }' "$a")
	gate=$(awk -v w="$want" -v u="$unsafe" 'BEGIN { printf "%.1f", w - u }')
	if grep -Eq "^  pmp-$board warm gate over a direct call +$gate instr +budget <= 80 instr +ok$" "$out/stdout" &&
	   grep -Eq "^  pmp-$board stacked argument, beyond unsafe +[0-9.]+ instr +budget <= 6 instr +ok$" "$out/stdout" &&
	   grep -Eq "^  pmp-$board callback over the gate +[0-9.]+ x +budget <= 2 x +ok$" "$out/stdout"; then
		echo "PASS pmp the summary's budgets on $board: warm gate +$gate (80), stacked arguments (6), callback (2x)"
	else
		echo "FAIL pmp the summary's budgets on $board (warm gate +$gate): $(grep -A4 '^budgets' "$out/stdout" | tr '\n' '|')"
		failed=1
	fi
	# The sidecar names the source of every library tree fetch-sources
	# was asked for (a folder or a .missing note in build/src), with no
	# list of its own.
	trees=$(ls build/src | sed -n 's/\.missing$//p; /\./!p' | sort -u)
	keys=$(sed -n 's/^pmp_source_\([^=]*\)=.*/\1/p' "$out/pmp.meta" | sort -u)
	if [ -n "$trees" ] && [ "$trees" = "$keys" ]; then
		echo "PASS pmp the sidecar of pmp-$board names the source of each library:" $trees
	else
		echo "FAIL pmp sidecar of pmp-$board: pmp_source_ keys '$keys', trees in build/src '$trees'"
		failed=1
	fi
	# Exact counts against the committed baseline (scripts/refresh-baselines
	# when a change is meant to cost more).
	base=results/baselines/pmp-$board.csv
	if build/efcompare --brief "$base" "$out/pmp.csv" > "$out/check.md" 2>&1; then
		echo "PASS pmp $board: every count within 0.1% of $base"
	else
		echo "FAIL pmp $board: counts against $base:"
		grep -e regressed -e efcompare "$out/check.md" | head -n 8
		echo "# if the change is meant to cost more: scripts/refresh-baselines"
		failed=1
	fi
	# The knob: the same firmware with PMP_GATE_PAD (8) more instructions
	# in every gate call must be flagged, at invoke_args/0 by those 8.
	if [ "$board" = virt ] && [ -f build/pmp/virt/bench-gatepad.elf ]; then
		EFBENCH_PMP_FIRMWARE=bench-gatepad.elf build/efbench --target pmp-virt \
			--out "$out/knob.csv" > /dev/null 2> "$out/stderr"
		build/efcompare "$base" "$out/knob.csv" > "$out/knob.md" 2>&1
		rc=$?
		line=$(grep -F '| pmp-virt ubench/invoke_args/0 | invoke (warm) |' "$out/knob.md")
		delta=$(echo "$line" | awk -F'|' '{ split($4, b, " "); split($5, c, " "); print c[1] - b[1] }')
		if [ $rc -eq 1 ] && echo "$line" | grep -q regressed && [ "$delta" = 8 ]; then
			echo "PASS pmp a gate 8 instructions longer is flagged ($(grep -c regressed "$out/knob.md") series regressed)"
		else
			echo "FAIL pmp gate knob: exit $rc, invoke_args/0: $line"
			failed=1
		fi
	fi
	rm -rf "$out"
done
exit $failed
