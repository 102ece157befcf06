/* target.c: the mpk target, invoke and full through protection keys on this
 * CPU, with unsafe alongside so that its overheads come from one run on one
 * machine.  Its own suite (build/tests/test_mpk) must pass here first. */
#include "../../harness/clock.h"
#include "../../harness/registry.h"
#include "../ef_modes.h"
#include "ef_lists.h"
#include "mpk.h"

#define DECLARE(w) extern const ef_workload ef_workload_##w##_unsafe, \
	ef_workload_##w##_invoke_mpk, ef_workload_##w##_full_mpk;
#define ENTRIES(w) &ef_workload_##w##_unsafe, &ef_workload_##w##_invoke_mpk, \
	&ef_workload_##w##_full_mpk,
EF_WORKLOADS(DECLARE)
static const ef_workload *const workloads[] = { EF_WORKLOADS(ENTRIES) };

/* What --policy can choose, the default first: sealed, since a hostile
 * library is what the runtime must stop; strict to show what sealing
 * costs. */
static const ef_mpk_policy policies[] = { EF_MPK_SEALED, EF_MPK_STRICT, EF_MPK_HOST_READ };

static const char *policy(unsigned k)
{
	return k < EF_COUNT(policies) ? ef_mpk_policy_name(policies[k]) : NULL;
}

/* The gate round trip's budgets (docs/design.md), in instructions beyond
 * a direct call under QEMU -icount: strict 50, sealed 70. */
static double gate_budget_icount(unsigned k)
{
	return k >= EF_COUNT(policies) ? 0 : policies[k] == EF_MPK_STRICT ? 50
		: policies[k] == EF_MPK_SEALED ? 70 : 0;
}

static void use_policy(unsigned k)
{
	ef_mpk_set_policy(policies[k]);
}

static int strict_scan;

/* Sealed, the default policy, needs a process that binds at load; where
 * the exec fails, sealed sets are refused with the reason. */
static void process_start(char **argv)
{
	ef_mpk_bind_now(argv);
}

static double foreign_timeout;

static void configure(const ef_options *o)
{
	foreign_timeout = o->foreign_timeout_s;
	if (!ef_mpk_unavailable())
		ef_mpk_set_foreign_timeout(foreign_timeout);
	ef_mpk_set_strict_scan(o->strict_scan);
	strict_scan = o->strict_scan;
}

/* When the run ends: what the load-time scan found in each library set the
 * runtime loaded (wrpkru and xrstor byte sequences, with object+offset and
 * address), and which of them the sealed policy rewrote to trap. */
static void meta(FILE *m, int end, int selected)
{
	const ef_mpk_scan_hit *h;
	const char *set;
	unsigned n;

	(void)selected;
	if (!end)
		return;
	fprintf(m, "mpk_strict_scan=%s\n", strict_scan ? "on" : "off");
	fprintf(m, "mpk_foreign_timeout=%g\n", foreign_timeout);
	if (!ef_mpk_unavailable())
		fprintf(m, "mpk_altstacks=%s\n", ef_mpk_altstacks_closed()
			? "closed to domains" : "writable by domains");
	for (unsigned i = 0; (h = ef_mpk_scan_of(i, &set, &n)); i++) {
		fprintf(m, "mpk_scan_%s=%u\n", set, n);
		for (unsigned k = 0; k < n && k < EF_MPK_SCAN_KEPT; k++)
			fprintf(m, "mpk_scan_%s_%u=%s at %s (%#lx)\n", set, k,
				h[k].insn, h[k].where, (unsigned long)h[k].addr);
		for (unsigned k = 0; k < n && k < EF_MPK_SCAN_KEPT; k++)
			if (h[k].neutralized)
				fprintf(m, "mpk_neutralized_%s_%u=%s at %s (%#lx)\n", set,
					k, h[k].insn, h[k].where, (unsigned long)h[k].addr);
	}
}

const ef_target ef_target_mpk = {
	.name = "mpk",
	.modes = 1u << EF_MODE_UNSAFE | 1u << EF_MODE_INVOKE | 1u << EF_MODE_FULL,
	.policy = policy, .use_policy = use_policy,
	.gate_budget_icount = gate_budget_icount,
	.workloads = workloads, .nworkloads = EF_COUNT(workloads),
	.unavailable = ef_mpk_unavailable, .unit = ef_clock_unit,
	.selftest = "tests/test_mpk", .selftest_policy = "EFBENCH_MPK_POLICY",
	.configure = configure, .process_start = process_start, .sigaction = ef_mpk_sigaction, .meta = meta,
};
