/* target.c: the host target, what runs without protection hardware:
 * unsafe, and validate through the mock runtime (every check, no
 * isolation), timed on this machine.  The harness's own runner benchmark
 * (runner/empty, harness/selfbench.c) runs here too, in both modes: one
 * loop twice, the A/A pair of ef_summary_warn_noise. */
#include "../../harness/clock.h"
#include "../../harness/registry.h"
#include "../ef_modes.h"
#include "ef_lists.h"

#define DECLARE(w) extern const ef_workload ef_workload_##w##_unsafe, ef_workload_##w##_validate;
#define ENTRIES(w) &ef_workload_##w##_unsafe, &ef_workload_##w##_validate,
EF_WORKLOADS(DECLARE)
DECLARE(runner)
static const ef_workload *const workloads[] = {
	ENTRIES(runner)
	EF_WORKLOADS(ENTRIES)
};

static const char *policy(unsigned k) { return k ? NULL : "none"; }

const ef_target ef_target_host = {
	.name = "host", .modes = 1u << EF_MODE_UNSAFE | 1u << EF_MODE_VALIDATE,
	.policy = policy, .workloads = workloads, .nworkloads = EF_COUNT(workloads),
	.unit = ef_clock_unit,
};
