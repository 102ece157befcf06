/* test_plan.c: the plan of a run that measures several runtime policies
 * (efbench --policy): a group per benchmark and policy, one after another,
 * unsafe mode measured in the first alone, and every policy's overheads,
 * in efbench's summary, over that one unsafe mode. */
#include "check.h"
#include "../../harness/plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const both[] = { "sealed", "strict" };

/* The mpk target, or NULL with the test skipped. */
static const ef_target *mpk(void)
{
	const ef_target *t = ef_target_find("mpk");

	if (!t)
		ef_check_skip("this build has no mpk target");
	return t;
}

static int plan(const ef_target *t, const char *filter, const char *const *policies,
		unsigned n, ef_group **g)
{
	char err[256] = "";
	int k = ef_plan_build(ef_target_bit(t), ~0u, filter, policies, n, g, err, sizeof err);

	CHECK_MSG(k > 0, "ef_plan_build: %s", err);
	return k;
}

static void a_group_per_policy(void)
{
	const ef_target *t = mpk();
	ef_group *g;
	int n;

	if (!t)
		return;
	n = plan(t, "ubench/invoke_args/0,ubench/invoke_args/6", both, 2, &g);
	CHECK_MSG(n == 4, "%d groups, want 2 benchmarks x 2 policies", n);
	for (int i = 0; i < n && n == 4; i++) {
		const ef_group *x = &g[i];
		CHECK_MSG(x->sibling == (unsigned)i % 2, "group %d: sibling %u", i, x->sibling);
		CHECK_MSG(!strcmp(ef_group_policy(x, EF_MODE_INVOKE), both[i % 2]) &&
			  !strcmp(ef_group_policy(x, EF_MODE_FULL), both[i % 2]),
			  "group %d: policy %s", i, ef_group_policy(x, EF_MODE_INVOKE));
		CHECK(!strcmp(ef_group_policy(x, EF_MODE_UNSAFE), "none"));
		CHECK(!strcmp(x->id, g[i - i % 2].id));
		/* unsafe measured once, in the first; the isolating modes in each */
		CHECK_MSG(ef_group_measures(x, EF_MODE_UNSAFE, ~0u) == !(i % 2),
			  "group %d measures unsafe: %d", i, ef_group_measures(x, EF_MODE_UNSAFE, ~0u));
		CHECK(ef_group_measures(x, EF_MODE_INVOKE, ~0u) &&
		      ef_group_measures(x, EF_MODE_FULL, ~0u));
		CHECK(!ef_group_measures(x, EF_MODE_INVOKE, 1u << EF_MODE_UNSAFE));
		CHECK(ef_group_of_mode(x, EF_MODE_UNSAFE) == &g[i - i % 2]);
		CHECK(ef_group_of_mode(x, EF_MODE_INVOKE) == x);
		/* the unsafe variant names the benchmark in every group's rows */
		CHECK(x->bench[EF_MODE_UNSAFE]);
	}
	ef_plan_free(g, (unsigned)n);
}

/* No --policy: the target's default, sealed; one named: that one. */
static void default_and_one_policy(void)
{
	const ef_target *t = mpk();
	const char *const strict[] = { "strict" };
	ef_group *g;
	int n;

	if (!t)
		return;
	n = plan(t, "ubench/invoke_args/0", NULL, 0, &g);
	CHECK_MSG(n == 1 && !strcmp(ef_group_policy(g, EF_MODE_INVOKE), "sealed"),
		  "%d groups, policy %s", n, n > 0 ? ef_group_policy(g, EF_MODE_INVOKE) : "-");
	ef_plan_free(g, (unsigned)n);
	n = plan(t, "ubench/invoke_args/0", strict, 1, &g);
	CHECK_MSG(n == 1 && !strcmp(ef_group_policy(g, EF_MODE_INVOKE), "strict") &&
		  ef_group_measures(g, EF_MODE_UNSAFE, ~0u), "%d groups", n);
	ef_plan_free(g, (unsigned)n);
}

/* A target with no choice keeps one group per benchmark whatever
 * --policy says. */
static void no_choice_one_group(void)
{
	const ef_target *t = ef_target_find("host");
	ef_group *g;
	int n;

	if (!t) {
		ef_check_skip("this build has no host target");
		return;
	}
	n = plan(t, "ubench/invoke_args/0", both, 2, &g);
	CHECK_MSG(n == 1 && !g[0].sibling, "%d groups", n);
	ef_plan_free(g, (unsigned)n);
}

/* Samples of group x in mode m: n rounds of value v * (1 + round / 100). */
static void samples(ef_group *x, unsigned m, double v, unsigned n)
{
	x->samples[m] = malloc(n * sizeof *x->samples[m]);
	x->raw[m] = malloc(n * sizeof *x->raw[m]);
	for (unsigned i = 0; i < n; i++) {
		x->samples[m][i] = v * (1 + i / 100.0);
		x->raw[m][i] = (ef_sample){ x->samples[m][i], 0, 0, i, NAN };
	}
	x->nraw[m] = n;
	ef_stats_compute(x->samples[m], n, &x->stats[m]);
	x->outcome[m] = EF_RAN;
}

/* The summary of ubench/invoke_args/0 on mpk under sealed and strict, 12
 * rounds of unsafe u, invoke s (sealed) and t (strict), each a round 1%
 * more than the last, into out (icount: a run that counts instructions).
 * 0 where the target or the plan is missing. */
static int summary_of(double u, double s, double t, int icount, char *out, size_t len)
{
	enum { N = 12 };
	const ef_target *m = mpk();
	ef_group *g;
	FILE *f;
	int n;

	if (!m || (n = plan(m, "ubench/invoke_args/0", both, 2, &g)) != 2)
		return 0;
	samples(&g[0], EF_MODE_UNSAFE, u, N);
	samples(&g[0], EF_MODE_INVOKE, s, N);
	samples(&g[1], EF_MODE_INVOKE, t, N);
	f = fmemopen(out, len - 1, "w");
	ef_summary_print(f, g, (unsigned)n, icount);
	fclose(f);
	ef_plan_free(g, (unsigned)n);
	return 1;
}

/* Each policy's line of overheads pairs its invoke with the one unsafe
 * mode: 3.000 and 2.000. */
static void summary_pairs_every_policy_with_unsafe(void)
{
	char out[16384] = "";
	const char *line;

	if (!summary_of(10, 30, 20, 0, out, sizeof out))
		return;
	line = strstr(out, "overheads");
	line = line ? strstr(line, "ubench/invoke_args/0 (sealed)") : NULL;
	CHECK_MSG(line && !strncmp(line + 36, " 3.000 [3.000,3.000]", 20), "%s", out);
	line = line ? strstr(line, "ubench/invoke_args/0 (strict)") : NULL;
	CHECK_MSG(line && !strncmp(line + 36, " 2.000 [2.000,2.000]", 20), "%s", out);
	/* The medians: strict's line leaves unsafe to sealed's, above. */
	line = strstr(out, "ubench/invoke_args/0 (strict)");
	CHECK_MSG(line && strstr(line, "as above") < strstr(line, "\n"), "%s", out);
}

/* A run that counts instructions (--clock icount) checks the mpk gate's
 * budget per policy (strict 50, sealed 70 instructions beyond unsafe),
 * each against the one unsafe mode; a run in ns does not.  Medians:
 * unsafe 10.55, sealed 73.85 (+63.3), strict 64.36 (+53.8). */
static void summary_gate_budget_per_policy_in_instructions(void)
{
	char out[16384] = "", ns[16384] = "";
	const char *line;

	if (!summary_of(10, 70, 61, 1, out, sizeof out) ||
	    !summary_of(10, 70, 61, 0, ns, sizeof ns))
		return;
	line = strstr(out, "  mpk sealed empty call over a direct call ");
	CHECK_MSG(line && strstr(line, "63.3 instr  budget <= 70 instr  ok\n") ==
		  strstr(line, "63.3"), "%s", out);
	line = strstr(out, "  mpk strict empty call over a direct call ");
	CHECK_MSG(line && strstr(line, "53.8 instr  budget <= 50 instr  OVER BUDGET\n") ==
		  strstr(line, "53.8"), "%s", out);
	CHECK_MSG(!strstr(ns, "empty call over a direct call"), "%s", ns);
}

/* The summary's medians in their scale, as efreport's (format.h): 21,100
 * ns is 21.1 µs with its interval, never 2.11e+04. */
static void summary_medians_in_their_scale(void)
{
	char out[16384] = "";
	const char *line;

	if (!summary_of(20000, 60000, 40000, 0, out, sizeof out))
		return;
	line = strstr(out, "ubench/invoke_args/0 (sealed)");
	CHECK_MSG(line && strstr(line, "21.1 µs [") && strstr(line, "21.1 µs [") < strchr(line, '\n'),
		  "%s", out);
	CHECK_MSG(!strstr(out, "e+0"), "%s", out);
}

static const ef_test tests[] = {
	{ "plan_group_per_policy", a_group_per_policy },
	{ "plan_default_and_one_policy", default_and_one_policy },
	{ "plan_no_choice_one_group", no_choice_one_group },
	{ "plan_summary_pairs_every_policy_with_unsafe", summary_pairs_every_policy_with_unsafe },
	{ "plan_summary_gate_budget_per_policy_in_instructions", summary_gate_budget_per_policy_in_instructions },
	{ "plan_summary_medians_in_their_scale", summary_medians_in_their_scale },
};

EF_TEST_MAIN(tests)
