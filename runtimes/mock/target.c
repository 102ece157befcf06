/* target.c: the host target, what runs without protection hardware:
 * unsafe, and validate through the mock runtime (every check, no
 * isolation), timed on this machine; and reference mode, where the build
 * has a workload's reference (the Makefile's REFERENCES: ubench's UTF-8
 * benchmarks beside Rust's from_utf8).  The harness's own runner benchmark
 * (runner/empty, harness/selfbench.c) runs here too, in both modes: one
 * loop twice, the A/A pair of ef_summary_warn_noise. */
#include "../../harness/clock.h"
#include "../../harness/registry.h"
#include "../ef_modes.h"
#include "ef_lists.h"

#define DECLARE(w) extern const ef_workload ef_workload_##w##_unsafe, ef_workload_##w##_validate;
#define ENTRIES(w) &ef_workload_##w##_unsafe, &ef_workload_##w##_validate,
#define DECLARE_REFERENCE(w) extern const ef_workload ef_workload_##w##_reference;
#define REFERENCE(w) &ef_workload_##w##_reference,
#define ONE(w) + 1
EF_WORKLOADS(DECLARE)
DECLARE(runner)
EF_REFERENCES(DECLARE_REFERENCE)
static const ef_workload *const workloads[] = {
	ENTRIES(runner)
	EF_WORKLOADS(ENTRIES)
	EF_REFERENCES(REFERENCE)
};

static const char *policy(unsigned k) { return k ? NULL : "none"; }

const ef_target ef_target_host = {
	.name = "host", .modes = 1u << EF_MODE_UNSAFE | 1u << EF_MODE_VALIDATE |
		((0 EF_REFERENCES(ONE)) ? 1u << EF_MODE_REFERENCE : 0),
	.policy = policy, .workloads = workloads, .nworkloads = EF_COUNT(workloads),
	.unit = ef_clock_unit,
};
