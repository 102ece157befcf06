/* target.c: the proc target, invoke and full through a sandbox process
 * (proc.h) on this machine, with unsafe and validate alongside so that its
 * overheads come from one run; any x86-64 Linux runs it. */
#include "../../harness/clock.h"
#include "../../harness/registry.h"
#include "../ef_modes.h"
#include "ef_lists.h"
#include "proc.h"

#define DECLARE(w) extern const ef_workload ef_workload_##w##_unsafe,          \
	ef_workload_##w##_validate, ef_workload_##w##_invoke_proc,             \
	ef_workload_##w##_full_proc;
#define ENTRIES(w) &ef_workload_##w##_unsafe, &ef_workload_##w##_validate,    \
	&ef_workload_##w##_invoke_proc, &ef_workload_##w##_full_proc,
EF_WORKLOADS(DECLARE)
static const ef_workload *const workloads[] = { EF_WORKLOADS(ENTRIES) };

/* The one policy: a process per domain under a seccomp allowlist. */
static const char *policy(unsigned k) { return k ? NULL : "seccomp"; }

static double timeout_s;

static void configure(const ef_options *o)
{
	timeout_s = o->foreign_timeout_s;
	ef_proc_set_timeout(timeout_s);
}

static void meta(FILE *m, int end, int selected)
{
	if (end || !selected)
		return;
	fprintf(m, "proc_foreign_timeout=%g\n", timeout_s);
	fprintf(m, "proc_sandbox=a process per domain (posix_spawn of efproc-server), "
		"shared memfd channel, futex wake-ups, seccomp allowlist\n");
}

const ef_target ef_target_proc = {
	.name = "proc",
	.modes = 1u << EF_MODE_UNSAFE | 1u << EF_MODE_VALIDATE | 1u << EF_MODE_INVOKE |
		 1u << EF_MODE_FULL,
	.policy = policy, .workloads = workloads, .nworkloads = EF_COUNT(workloads),
	.unavailable = ef_proc_unavailable, .unit = ef_clock_unit,
	/* The sandbox's CPU time is not this thread's. */
	.work_elsewhere = 1,
	/* Half of Sandcrust's published 10.7 µs round trip. */
	.gate_budget_ns = 5000,
	.configure = configure, .meta = meta,
};
