#!/bin/sh
# test_workload_facts.sh: what a workload declares in its folder reaches
# the scripts that once listed workloads themselves.  A workload "zlib" is
# added to a copy of the list: scripts/install-deps must install its
# <w>_DEBS (dpkg-query, apt-get and sudo are stand-ins on PATH, and the
# script runs on a copy of the tree), the mpk VM's filters must take it in
# whole or as it says, and the library figure must draw its bars.
# Prints PASS/FAIL/SKIP lines for scripts/run-tests.
set -u
SUITE=workload_facts
. "$(dirname "$0")/common.sh"

mkdir -p repo/scripts/lib bin
cp "$TOP/scripts/install-deps" repo/scripts/
cp "$TOP/scripts/lib/workloads.sh" "$TOP/scripts/lib/distro.sh" repo/scripts/lib/ 2>/dev/null
for f in "$TOP"/workloads/*/workload.mk; do
	w=$(basename "$(dirname "$f")")
	mkdir -p "repo/workloads/$w"
	cp "$f" "repo/workloads/$w/"
done
sed -n 's/^WORKLOADS[ 	]*:=[ 	]*\(.*\)/WORKLOADS := \1 zlib/p' "$TOP/Makefile" > repo/Makefile
mkdir -p repo/workloads/zlib
printf 'zlib_LDLIBS := -lz\nzlib_DEBS := zlib1g-dev\n' > repo/workloads/zlib/workload.mk

# Nothing is installed; apt-get records what it was asked for.
printf '#!/bin/sh\nexit 1\n' > bin/dpkg-query
printf '#!/bin/sh\necho "$*" >> %s/apt.txt\n' "$tmp" > bin/apt-get
printf '#!/bin/sh\nexec "$@"\n' > bin/sudo
chmod +x bin/*
(cd / && PATH=$tmp/bin:$PATH sh "$tmp/repo/scripts/install-deps") > out.txt 2>&1
rc=$?
asked=$(grep '^install ' apt.txt 2>/dev/null | head -n 1)
case " $asked " in
*" zlib1g-dev "*" "*|*" zlib1g-dev ")
	n=$(echo "$asked" | tr ' ' '\n' | grep -c '^libsodium-dev$')
	if [ $rc -eq 0 ] && [ "$n" = 1 ] && echo "$asked" | grep -q ' libbrotli-dev '; then
		pass install_deps_reads_workloads
	else
		fail install_deps_reads_workloads "exit $rc, libsodium-dev $n times: $asked"
	fi ;;
*) fail install_deps_reads_workloads "exit $rc, apt-get install '$asked': $(tail -n 1 out.txt)" ;;
esac

# The mpk VM's filters: zlib whole while it declares none, then as it says.
filters() { (cd repo && . scripts/lib/workloads.sh && workload_filter "$1") 2>&1; }
smoke=$(filters SMOKE)
echo 'zlib_SMOKE := zlib/inflate/64 zlib/deflate' >> repo/workloads/zlib/workload.mk
smoke2=$(filters SMOKE)
case "$smoke|$smoke2" in
ubench,*,zlib"|"ubench,*,zlib/inflate/64,zlib/deflate)
	pass mpk_vm_filters_from_workloads ;;
*) fail mpk_vm_filters_from_workloads "'$smoke', then '$smoke2'" ;;
esac

# The library figure: a workload the results hold beside hmac, sodium and
# brotli gets bars (the figure changes), ubench and setup none.
if ! command -v gnuplot >/dev/null 2>&1; then
	echo "SKIP workload_facts/library_figure_from_results: gnuplot is not installed (make deps)"
elif [ ! -x "$TOP/build/efreport" ]; then
	fail library_figure_from_results "build/efreport is missing: run make all first"
else
	cp "$TOP/results/examples/dev-host.csv" a.csv
	python3 - <<'PY'
import csv
rows = list(csv.reader(open("a.csv")))
w = rows[0].index("workload")
extra = [r[:w] + ["zlib"] + r[w + 1:] for r in rows[1:] if r[w] == "hmac"]
with open("b.csv", "w", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows(rows + extra)
PY
	for x in a b; do
		cp "$TOP/results/examples/dev-host.meta" $x.meta
		"$TOP/build/efreport" -o "$tmp/$x" $x.csv >/dev/null 2>&1
		(cd "$TOP" && gnuplot -e "dir='$tmp/$x'; term='png'" plots/library_overhead.gp) 2>/dev/null
	done
	if [ -s a/library_overhead.png ] && [ -s b/library_overhead.png ] &&
	   ! cmp -s a/library_overhead.png b/library_overhead.png; then
		pass library_figure_from_results
	else
		fail library_figure_from_results "the figure did not change with zlib's rows: $(ls a b 2>&1 | tr '\n' ' ')"
	fi
fi
