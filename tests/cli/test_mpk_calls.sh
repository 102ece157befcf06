#!/bin/sh
# test_mpk_calls.sh: the C files of the mpk runtime (runtimes/mpk/) use one
# another without a cycle, so each can be read knowing only the files below
# it (runtimes/mpk/internal.h lists them in that order).  The graph comes
# from the built objects: a file uses another when it has an undefined
# symbol the other defines (nm).  gate.S's own references are left out: it
# is below every C file, and enters C only at the callback and fault
# entries.  Prints the graph as a note and PASS/FAIL/SKIP lines for
# scripts/run-tests.
set -u
SUITE=mpk_calls
. "$(dirname "$0")/common.sh"

obj=$TOP/build/obj/runtimes/mpk
# The objects of the sources there now (a stale object of a removed
# source does not count); heap.c and stub.c become shared objects instead.
: > objects
for src in "$TOP"/runtimes/mpk/*.c "$TOP"/runtimes/mpk/*.S; do
	name=$(basename "$src")
	[ -f "$obj/${name%.*}.o" ] && echo "${name%.*} ${name##*.} $obj/${name%.*}.o" >> objects
done
if [ ! -s objects ]; then
	echo "SKIP mpk_calls/acyclic: no objects in build/obj/runtimes/mpk (not x86-64, or no make all)"
	exit 0
fi

python3 - objects <<'PY'
import subprocess, sys

objects = [line.split() for line in open(sys.argv[1])]
defined, undefined = {}, {}
for name, kind, path in objects:
    undefined[name] = set()
    for line in subprocess.run(['nm', '-P', path], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        sym, typ = line.split()[:2]
        if typ == 'U':
            undefined[name].add(sym)
        elif typ.isupper():
            defined[sym] = name
uses = {name: sorted({defined[s] for s in undefined[name] if s in defined} - {name})
        for name, _, _ in objects}
assembly = {name for name, kind, _ in objects if kind == 'S'}
print('# mpk_calls: ' + '; '.join(
    '%s -> %s%s' % (n, ' '.join(u) or '(none)', ' (not counted)' if n in assembly else '')
    for n, u in sorted(uses.items())))
for n in assembly:
    uses[n] = []

# Depth-first search; a file met again while still open closes a cycle.
state, path = {}, []
def visit(n):
    state[n] = 'open'
    path.append(n)
    for m in uses[n]:
        if state.get(m) == 'open':
            return path[path.index(m):] + [m]
        if m not in state:
            cycle = visit(m)
            if cycle:
                return cycle
    path.pop()
    state[n] = 'done'
    return None
for n in sorted(uses):
    cycle = n not in state and visit(n)
    if cycle:
        print('FAIL mpk_calls/acyclic: %s' % ' -> '.join(cycle))
        sys.exit(0)
print('PASS mpk_calls/acyclic (%d objects)' % len(uses))
PY
