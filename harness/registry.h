/* registry.h: the targets this efbench build can run and the workloads each
 * runs.
 *
 * A target is a runtime (runtimes/runtime.h) on a machine, measured one way:
 * host (no isolation: unsafe, and validate through the mock runtime, timed
 * here), mpk (protection keys on this CPU, timed here), pmp-virt and
 * pmp-opentitan (the pmp runtime in a RISC-V firmware under QEMU, counted in
 * instructions).  Each runtime declares its targets in
 * runtimes/<runtime>/target.c; the Makefile's RUNTIMES list registers the
 * runtime, and this registry lists the targets of those it built
 * (EF_TARGETS in the generated ef_lists.h).  A target lists one ef_workload
 * per (workload, mode) it has, from the one workload list (EF_WORKLOADS). */
#ifndef EF_REGISTRY_H
#define EF_REGISTRY_H

#include "bench.h"
#include "modes.h"
#include "options.h"

#include <signal.h>
#include <stdio.h>

typedef struct ef_target {
	const char *name;
	/* Bit (1 << EF_MODE_x) for each mode the target runs. */
	unsigned modes;
	/* The runtime policies its isolating modes can run under, by the
	 * names rows record: the k-th from 0, NULL past the last; the first
	 * is its default.  unsafe and validate rows say none. */
	const char *(*policy)(unsigned k);
	/* With more than one policy: open the domains of benchmarks set up
	 * from now on under policy(k).  efbench calls it before each set-up,
	 * so that one run measures every policy --policy names. */
	void (*use_policy)(unsigned k);
	const ef_workload *const *workloads;
	unsigned nworkloads;
	/* Why the target cannot run here, or NULL. */
	const char *(*unavailable)(void);
	const char *unit;           /* of its samples: "ns" or "instructions" */
	/* Non-zero: foreign calls do their work outside the calling thread
	 * (the proc runtime's sandbox process), so its CPU time misses it:
	 * rows leave CPU time out, and overheads are ratios of wall time. */
	int work_elsewhere;
	/* Non-zero: its gate's budget, ubench/invoke_args/0 (an empty
	 * function) in invoke mode at most this many ns over unsafe mode's
	 * direct call (docs/design.md), which efbench's summary checks. */
	double gate_budget_ns;
	/* Non-NULL: its gate's budget in instructions under policy k
	 * (target->policy(k); 0: none), for runs that count instructions
	 * (--clock icount, QEMU -icount), where ns budgets do not apply. */
	double (*gate_budget_icount)(unsigned k);
	/* The CPU its samples come from, when not this machine's. */
	const char *cpu_model;
	/* Non-NULL: the samples come from the PMP benchmark firmware on this
	 * QEMU board (harness/firmware.h), which runs the same workload
	 * sources; the workloads above (the unsafe builds) then only name
	 * the benchmarks, which run in every mode of `modes`. */
	const char *board;
	/* Non-NULL: the target's own test suite (a path in the build folder,
	 * run with no arguments, printing PASS/FAIL/SKIP lines), which must
	 * pass on this machine before efbench writes a row of the target: its
	 * runtime has been tested where its hardware is emulated, and must
	 * prove itself where it is real. */
	const char *selftest;
	/* With it, for a target with policies to choose: the environment
	 * variable that tells its suite which policy to test (set to the
	 * policy's name); the suite must then pass under every policy the
	 * run measures. */
	const char *selftest_policy;

	/* Hooks of the target's runtime, each optional.  A hook that several
	 * targets share (the same function) is called once. */
	/* The runtime's settings from the command line, before anything runs. */
	void (*configure)(const ef_options *o);
	/* Before anything else, once per process (NULL: nothing): the mpk
	 * target runs the program again where it would bind lazily. */
	void (*process_start)(char **argv);
	/* Install a signal handler that must run whatever code the signal
	 * interrupts, foreign code included (the mpk runtime's entry stub);
	 * as sigaction(2).  One target's hook installs every handler. */
	int (*sigaction)(int sig, const struct sigaction *sa, struct sigaction *old);
	/* The runtime's lines in the run's sidecar: before the first sample
	 * (end = 0) and when the run ends (end = 1: what it found while
	 * running).  selected: whether this run measures the target. */
	void (*meta)(FILE *m, int end, int selected);
} ef_target;

extern const ef_target *const ef_targets[];
extern const unsigned ef_ntargets;

const ef_target *ef_target_find(const char *name);
/* Bit i for t = ef_targets[i], as in ef_options.targets. */
unsigned ef_target_bit(const ef_target *t);
/* The workload `name` compiled for `mode` on target t, or NULL. */
const ef_workload *ef_target_workload(const ef_target *t, const char *name,
				      const char *mode);
/* The benchmark `name` of workload w, or NULL. */
const ef_bench *ef_workload_bench(const ef_workload *w, const char *name);
/* Bit (1 << EF_MODE_x) for each mode t runs. */
unsigned ef_target_modes(const ef_target *t);
/* k where t->policy(k) is `name` and t can choose it (use_policy), or -1. */
int ef_target_policy_index(const ef_target *t, const char *name);
/* The policies t measures when --policy named `names` (n of them): those t
 * can choose, in the order named, else its default alone; into out (at
 * most EF_MAX_POLICIES), returning how many. */
unsigned ef_target_policies(const ef_target *t, const char *const *names, unsigned n,
			    unsigned *out);

#endif
