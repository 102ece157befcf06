/* test_modes.c: every benchmark computes in every mode what it computes in
 * unsafe mode (the check efbench makes before timing), under the target's
 * default policy or the one its suite's variable names (scripts/mpk-vm
 * runs it with EFBENCH_MPK_POLICY=sealed and =strict), and a check that
 * fails changes the result. */
#include "check.h"
#include "../../harness/registry.h"
#include "../../harness/runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int digest(const ef_bench *b, uint64_t param, uint64_t iters, uint64_t *out)
{
	char err[256] = "";
	int rc = ef_bench_digest(b, param, iters, out, err, sizeof err);
	CHECK_MSG(rc == 0, "%s/%llu: setup: %s", b->name, (unsigned long long)param, err);
	return rc;
}

/* The policy to compare tg under: the one the variable its suite reads
 * (ef_target.selftest_policy) names, else its default.  One per process:
 * each library set and policy takes a link namespace, and glibc's static
 * TLS holds about eleven (under scripts/mpk-vm the twelfth, brotli's under
 * a third policy, failed to load). */
static unsigned policy_of(const ef_target *tg)
{
	const char *name = tg->selftest_policy ? getenv(tg->selftest_policy) : NULL;
	int k = name ? ef_target_policy_index(tg, name) : 0;

	CHECK_MSG(k >= 0, "%s=%s is no policy of target %s", tg->selftest_policy, name,
		  tg->name);
	return k < 0 ? 0 : (unsigned)k;
}

/* Every benchmark of tg in every mode against unsafe mode, with the
 * domains opened under tg's policy k; returns how many it compared. */
static unsigned compare_target(const ef_target *tg, unsigned k, uint64_t iters)
{
	unsigned compared = 0;

	if (tg->use_policy) {
		tg->use_policy(k);
		printf("# target %s compared under policy %s\n", tg->name, tg->policy(k));
	}
	for (unsigned w = 0; w < tg->nworkloads; w++) {
		const ef_workload *wl = tg->workloads[w];
		const ef_workload *ref = ef_target_workload(tg, wl->name, "unsafe");
		if (wl == ref)
			continue;
		CHECK_MSG(ref, "%s has no unsafe build", wl->name);
		if (!ref)
			continue;
		for (unsigned b = 0; b < wl->nbenches; b++) {
			const ef_bench *mb = &wl->benches[b];
			const ef_bench *rb = ef_workload_bench(ref, mb->name);
			CHECK_MSG(rb, "%s/%s has no unsafe variant", wl->name, mb->name);
			for (unsigned p = 0; rb && p < mb->nparams; p++) {
				uint64_t want, got;
				if (digest(rb, mb->params[p], iters, &want) ||
				    digest(mb, mb->params[p], iters, &got))
					continue;
				CHECK_MSG(want == got, "%s (%s) %s/%s/%llu: %#llx != unsafe %#llx",
					  wl->mode, tg->policy(k), wl->name, mb->name,
					  (unsigned long long)mb->params[p],
					  (unsigned long long)got, (unsigned long long)want);
				compared++;
			}
		}
	}
	return compared;
}

static void every_mode_equals_unsafe(void)
{
	unsigned compared = 0;
	/* Iterations per digest; fewer under emulation (the MPK VM sets it). */
	uint64_t iters = getenv("EFBENCH_TEST_ITERS") ?
		strtoull(getenv("EFBENCH_TEST_ITERS"), NULL, 10) : 37;

	for (unsigned t = 0; t < ef_ntargets; t++) {
		const ef_target *tg = ef_targets[t];
		const char *why = tg->unavailable ? tg->unavailable() : NULL;
		const char *only = getenv("EFBENCH_TEST_TARGET");
		if (only && strcmp(only, tg->name))
			continue;       /* the MPK VM compares its own target only */
		if (tg->board) {
			printf("# target %s: its firmware compares every mode with "
			       "unsafe itself (tests/pmp)\n", tg->name);
			continue;
		}
		if (why) {
			printf("# target %s not compared: %s\n", tg->name, why);
			continue;
		}
		compared += compare_target(tg, policy_of(tg), iters);
	}
	CHECK_MSG(compared >= 37, "only %u comparisons", compared);
}

/* The digest depends on the iteration count, so equal digests are not an
 * accident of a benchmark computing nothing. */
static void digests_depend_on_work(void)
{
	const ef_target *host = ef_target_find("host");
	const ef_workload *wl = host ? ef_target_workload(host, "ubench", "validate") : NULL;

	CHECK(wl);
	for (unsigned b = 0; wl && b < wl->nbenches; b++) {
		uint64_t a, c;
		if (digest(&wl->benches[b], wl->benches[b].params[0], 5, &a) ||
		    digest(&wl->benches[b], wl->benches[b].params[0], 6, &c))
			continue;
		CHECK_MSG(a != c, "%s: 5 and 6 iterations give the same digest",
			  wl->benches[b].name);
	}
}

static const ef_test tests[] = {
	{ "modes/every_mode_equals_unsafe", every_mode_equals_unsafe },
	{ "modes/digests_depend_on_work", digests_depend_on_work },
};
EF_TEST_MAIN(tests)
