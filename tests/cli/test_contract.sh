#!/bin/sh
# test_contract.sh: the runtime contract (runtimes/runtime.h).  A workload
# compiled for a runtime whose contract.h lacks one hook must fail to build
# with a message naming the hook and the file that should define it; with
# every hook it builds.  The runtime under test is the mock one's contract
# less one hook, in a folder of its own on the include path.
# Prints PASS/FAIL lines for scripts/run-tests.
set -u
SUITE=contract
. "$(dirname "$0")/common.sh"

CC=${CC:-cc}
hooks=$(sed -n 's/^#ifndef \(EF_RT_[A-Z_]*\)$/\1/p' "$TOP/runtimes/runtime.h")
[ -n "$hooks" ] || { fail hooks "no hook found in runtimes/runtime.h"; exit 0; }

# build HOOK: the ubench workload in full mode against runtime 'lacking',
# which is mock's contract without HOOK (none: all of it).
build() {
	mkdir -p inc/lacking
	{ echo "#include \"$TOP/runtimes/mock/contract.h\""; echo "#undef $1"; } > inc/lacking/contract.h
	$CC -std=gnu11 -Iinc -DEF_MODE=EF_MODE_FULL -DEF_RUNTIME=lacking \
		-c "$TOP/workloads/ubench/host.c" -o host.o 2> err.txt
}

if build NONE; then
	pass "a runtime with every hook builds"
else
	fail "a runtime with every hook builds" "$(head -n 3 err.txt)"
fi
for h in $hooks; do
	if build "$h"; then
		fail "without $h" "it built"
	elif grep -q "runtimes/lacking/contract.h does not define $h" err.txt; then
		pass "without $h the build stops naming it"
	else
		fail "without $h" "no message naming it: $(grep error err.txt | head -n 2)"
	fi
done
