#!/bin/sh
# test_pmp_lists.sh: the PMP firmware's workload list (build/pmp/
# ef_fw_lists.h, runtimes/pmp/runtime.mk) comes from the Makefile's
# WORKLOADS: a workload whose library source tree is missing is left out
# with the reason fetch-sources gave (any text, as a valid C string), one
# whose tree is ready is in, and the file is rewritten only when that
# changes.  Made in a scratch build folder (BUILD=), so build/ is not
# touched.  Prints PASS/FAIL/SKIP lines for scripts/run-tests.
set -u
SUITE=pmp-lists
cd "$(dirname "$0")/../.." || exit 2
if ! command -v riscv64-unknown-elf-gcc >/dev/null 2>&1; then
	echo "SKIP pmp-lists: needs the riscv64-unknown-elf toolchain (make deps)"
	exit 0
fi
tmp=$(mktemp -d /tmp/efbench-pmp-lists-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
h=$tmp/b/pmp/ef_fw_lists.h
lists() { make -s --no-print-directory BUILD="$tmp/b" "$h" >/dev/null 2>"$tmp/err"; }
# The workloads of WORKLOADS and the library tree each needs, if any.
make -s --no-print-directory -p -n BUILD="$tmp/b" "$h" 2>/dev/null |
	sed -n 's/^\([a-z0-9]*\)_PMP_LIB := \(.*\)/\1 \2/p' | sort -u > "$tmp/libs"
workloads=$(sed -n 's/^WORKLOADS := //p' Makefile)

# Every tree missing, one with a reason that needs escaping in C.
mkdir -p "$tmp/b/src"
why='cannot fetch "it" \ offline'"'"'s'
for t in $(cut -d' ' -f2 "$tmp/libs" | sort -u); do
	printf '%s\n' "$why" > "$tmp/b/src/$t.missing"
done
lists
cat > "$tmp/t.c" <<'C'
#include <stdio.h>
#include "ef_fw_lists.h"
#define IN(w) printf("in %s\n", #w);
#define OUT(w, why) printf("out %s %s\n", #w, why);
int main(void) { EF_FW_WORKLOADS(IN) EF_FW_SKIPPED(OUT) return 0; }
C
want=$(for w in $workloads; do
	t=$(sed -n "s/^$w //p" "$tmp/libs")
	if [ -n "$t" ]; then echo "out $w $t's source is missing: $why"; else echo "in $w"; fi
done | sort)
if cc -I"$tmp/b/pmp" -o "$tmp/t" "$tmp/t.c" 2>"$tmp/cc" && [ "$("$tmp/t" | sort)" = "$want" ] &&
   [ -s "$tmp/libs" ]; then
	echo "PASS pmp-lists: each workload of WORKLOADS is in, or out with its tree's reason"
else
	echo "FAIL pmp-lists: missing trees: $(cat "$tmp/err" "$tmp/cc") got: $("$tmp/t" 2>&1 | tr '\n' ';') want: $(echo "$want" | tr '\n' ';')"
fi

# Unchanged: not rewritten; a tree made ready: its workloads are in.
touch -d '2000-01-01' "$h"
lists
t=$(head -n 1 "$tmp/libs" | cut -d' ' -f2)
old=$(find "$h" ! -newermt '2001-01-01')
mkdir -p "$tmp/b/src/$t" && touch "$tmp/b/src/$t/.ready"
lists
w=$(head -n 1 "$tmp/libs" | cut -d' ' -f1)
if [ -n "$old" ] && grep -q "EF_FW_WORKLOADS(X).* X($w)" "$h" && ! grep -q "X($w," "$h"; then
	echo "PASS pmp-lists: rewritten only when it changes ($w in once $t is ready)"
else
	echo "FAIL pmp-lists: unchanged list rewritten (${old:-yes}) or $w not in with $t ready: $(cat "$h")"
fi
