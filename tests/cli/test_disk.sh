#!/bin/sh
# test_disk.sh: results that cannot be written are never cut mid-row and
# never pass for complete: a file-size limit (RLIMIT_FSIZE) reached while
# rows are written, a disk that fills up (a small tmpfs, where this machine
# lets a test mount one), and a sidecar whose last lines cannot be written.
# Each must end with exit status 3, a CSV of whole rows, and a sidecar that
# says why (or a message that it could not).
# Prints PASS/FAIL/SKIP lines for scripts/run-tests.
set -u
SUITE=disk
. "$(dirname "$0")/common.sh"
EFBENCH=${EFBENCH:-$TOP/build/efbench}
RUN="--runner native --target host --filter ubench --repetitions 20 --min-time 0.001"

# limited BYTES CMD...: CMD with its files limited to BYTES.
limited() {
	python3 -c 'import os, resource, sys
n = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (n, n))
os.execv(sys.argv[2], sys.argv[2:])' "$@"
}

# whole_rows CSV META REASON: the CSV holds whole rows, as many as the
# sidecar says, and the sidecar says failed for REASON.  Prints why not.
whole_rows() {
	python3 - "$@" <<'PY'
import csv, sys
data = open(sys.argv[1], newline="").read()
meta = {}
for line in open(sys.argv[2]):
    k, _, v = line.rstrip("\n").partition("=")
    meta[k] = v
rows = list(csv.reader(data.splitlines(keepends=True)))
if not data.endswith("\n") or any(len(r) != len(rows[0]) for r in rows):
    sys.exit("a partial row in the CSV")
if meta.get("status") != "failed" or sys.argv[3] not in meta.get("status_reason", ""):
    sys.exit("sidecar status %s (%s)" % (meta.get("status"), meta.get("status_reason")))
if meta.get("rows") != str(len(rows) - 1) or meta.get("exit_status") != "3":
    sys.exit("sidecar rows=%s exit_status=%s, CSV rows %d" % (meta.get("rows"),
             meta.get("exit_status"), len(rows) - 1))
print(len(rows) - 1)
PY
}

# The file-size limit: 8 KiB holds the sidecar, not every row.
# shellcheck disable=SC2086
limited 8192 "$EFBENCH" $RUN --out fsize.csv >/dev/null 2>err.txt
rc=$?
if n=$(whole_rows fsize.csv fsize.meta "File too large" 2>&1) && [ $rc -eq 3 ] &&
   grep -q "cannot write fsize.csv: File too large" err.txt; then
	pass "file_size_limit ($n whole rows kept)"
else
	fail file_size_limit "exit $rc: $n: $(tail -n 1 err.txt)"
fi

# A disk that fills up: a tmpfs of 32 KiB in a mount namespace of its own.
if command -v unshare >/dev/null 2>&1 &&
   unshare -m sh -c "mkdir -p '$tmp/full' && mount -t tmpfs -o size=32k efbench-test '$tmp/full'" 2>/dev/null; then
	# shellcheck disable=SC2086
	unshare -m sh -c "mount -t tmpfs -o size=32k efbench-test '$tmp/full' && cd '$tmp/full' &&
		'$EFBENCH' $RUN --out r.csv >/dev/null 2>'$tmp/err.txt'; echo \$? > '$tmp/rc';
		cp r.csv r.meta '$tmp/'"
	rc=$(cat rc 2>/dev/null)
	if n=$(whole_rows r.csv r.meta "No space left on device" 2>&1) && [ "$rc" = 3 ]; then
		pass "disk_full ($n whole rows kept, the sidecar says why)"
	else
		fail disk_full "exit $rc: $n: $(tail -n 1 err.txt 2>&1)"
	fi
else
	echo "SKIP disk/disk_full: this machine does not let a test mount a tmpfs (unshare -m)"
fi

# The sidecar's last lines do not fit: a limit between the size of its
# opening lines and its whole size, above the CSV's.
"$EFBENCH" --target host --filter ubench/upgrade/1 --mode unsafe --repetitions 2 \
	--min-time 0.001 --out sized.csv >/dev/null 2>&1
head=$(sed -n '1,/^status=running$/p' sized.meta | wc -c)
whole=$(wc -c < sized.meta)
limit=$(((head + whole) / 2))
if [ "$(wc -c < sized.csv)" -ge "$limit" ]; then
	fail sidecar_unwritable "the CSV ($(wc -c < sized.csv) bytes) is not smaller than the limit $limit"
else
	limited "$limit" "$EFBENCH" --target host --filter ubench/upgrade/1 --mode unsafe \
		--repetitions 2 --min-time 0.001 --out side.csv >/dev/null 2>err.txt
	rc=$?
	if [ $rc -eq 3 ] && grep -q "^efbench: cannot write the sidecar side.meta: File too large" err.txt &&
	   grep -q '^status=running$' side.meta; then
		pass sidecar_unwritable
	else
		fail sidecar_unwritable "exit $rc (limit $limit): $(tail -n 1 err.txt)"
	fi
fi
