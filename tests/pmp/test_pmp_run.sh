#!/bin/sh
# test_pmp_run.sh: scripts/pmp-run's time limit is QEMU's CPU time, which
# a loaded machine does not stretch: a firmware held up for longer than the
# limit in wall-clock time (here: QEMU starts 4 s late, as on a machine
# busy elsewhere) still finishes, and one that computes past the limit is
# stopped with status 124 and a line saying so.
# Prints PASS/FAIL/SKIP lines for scripts/run-tests.
set -u
cd "$(dirname "$0")/../.." || exit 2

if ! command -v qemu-system-riscv32 >/dev/null 2>&1 || [ ! -f build/pmp/virt/test_pmp.elf ] ||
   [ ! -f build/pmp/virt/bench.elf ]; then
	echo "SKIP pmp-run: needs qemu-system-riscv32 and the firmware (make deps; make)"
	exit 0
fi
tmp=$(mktemp -d /tmp/efbench-pmp-run-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
real=$(command -v qemu-system-riscv32)
printf '#!/bin/sh\nsleep 4\nexec %s "$@"\n' "$real" > "$tmp/bin/qemu-system-riscv32"
chmod +x "$tmp/bin/qemu-system-riscv32"

PATH=$tmp/bin:$PATH EFBENCH_PMP_TIMEOUT=2 scripts/pmp-run virt build/pmp/virt/test_pmp.elf \
	> "$tmp/out" 2> "$tmp/err"
rc=$?
if [ $rc -eq 0 ] && grep -q '^PASS ' "$tmp/out" && ! grep -q '^FAIL ' "$tmp/out"; then
	echo "PASS pmp-run: a run held up past its limit in wall-clock time, not in CPU time, finishes"
else
	echo "FAIL pmp-run: held-up run: exit $rc: $(tail -n 1 "$tmp/err")"
fi

start=$(date +%s)
EFBENCH_PMP_TIMEOUT=1 scripts/pmp-run virt build/pmp/virt/bench.elf > "$tmp/out" 2> "$tmp/err"
rc=$?
took=$(($(date +%s) - start))
if [ $rc -eq 124 ] && [ $took -le 10 ] &&
   grep -q 'ran past its time limit (EFBENCH_PMP_TIMEOUT=1 s of CPU time)' "$tmp/err"; then
	echo "PASS pmp-run: a firmware past its CPU-time limit is stopped (status 124, ${took}s)"
else
	echo "FAIL pmp-run: CPU-time limit: exit $rc after ${took}s: $(tail -n 1 "$tmp/err")"
fi

EFBENCH_PMP_TIMEOUT=soon scripts/pmp-run virt build/pmp/virt/test_pmp.elf > /dev/null 2> "$tmp/err"
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ]; then
	echo "PASS pmp-run: a bad EFBENCH_PMP_TIMEOUT is one line and status 2"
else
	echo "FAIL pmp-run: EFBENCH_PMP_TIMEOUT=soon: exit $rc: $(cat "$tmp/err")"
fi
