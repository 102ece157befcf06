#!/bin/sh
# test_pmp.sh: the PMP test firmware on each QEMU board (scripts/pmp-run),
# twice, for scripts/run-tests: the suite's own PASS/FAIL lines, and one
# check that the two runs printed the same instruction counts.
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
	scripts/pmp-run "$board" "$fw" > "$b" 2>&1
	if grep -q '^# .*instructions' "$a" && cmp -s "$a" "$b"; then
		echo "PASS pmp two runs on $board count the same instructions"
	else
		echo "FAIL pmp two runs on $board count the same instructions:"
		diff "$a" "$b" | head -n 6
		failed=1
	fi
done
grep -q '^FAIL ' "$a" && failed=1
exit $failed
