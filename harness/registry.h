/* registry.h: the targets this efbench build can run and the workloads each
 * runs.  A target lists one ef_workload per (workload, mode) it has. */
#ifndef EF_REGISTRY_H
#define EF_REGISTRY_H

#include "bench.h"

typedef struct ef_target {
	const char *name;
	/* The runtime policy written to each row (not unsafe mode's). */
	const char *(*policy)(void);
	const ef_workload *const *workloads;
	unsigned nworkloads;
	/* Why the target cannot run here, or NULL. */
	const char *(*unavailable)(void);
	const char *unit;           /* of its samples: "ns" or "instructions" */
	/* The CPU its samples come from, when not this machine's. */
	const char *cpu_model;
	/* Non-NULL: the samples come from the PMP benchmark firmware on this
	 * QEMU board (harness/firmware.h), which runs the same workload
	 * sources; the workloads above then only name the benchmarks. */
	const char *board;
	/* Non-NULL: the target's own test suite (a path in the build folder,
	 * run with no arguments, printing PASS/FAIL/SKIP lines), which must
	 * pass on this machine before efbench writes a row of the target: its
	 * runtime has been tested where its hardware is emulated, and must
	 * prove itself where it is real. */
	const char *selftest;
} ef_target;

extern const ef_target ef_targets[];
extern const unsigned ef_ntargets;

const ef_target *ef_target_find(const char *name);
/* The workload `name` compiled for `mode` on target t, or NULL. */
const ef_workload *ef_target_workload(const ef_target *t, const char *name,
				      const char *mode);
/* The benchmark `name` of workload w, or NULL. */
const ef_bench *ef_workload_bench(const ef_workload *w, const char *name);
/* Bit (1 << EF_MODE_x) for each mode t has any workload in. */
unsigned ef_target_modes(const ef_target *t);
/* "unsafe", "validate", ... for an EF_MODE_x value. */
const char *ef_mode_name(unsigned mode);

#endif
