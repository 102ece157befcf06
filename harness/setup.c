/* setup.c: efsetup, one process that does what a program using an
 * encapsulated library does once: load it, set up its domain, make one
 * call, tear down.  scripts/setup-bench times it with hyperfine per target
 * and mode; the harness's own runners cannot, since they measure inside
 * one process.
 *   efsetup TARGET MODE ID           the set-up and one call of benchmark ID
 *   efsetup --check TARGET MODE ID   the same, then the result compared with
 *                                    unsafe mode's; prints host, CPU and the
 *                                    rows' policy, tab-separated
 *   efsetup --meta RUN_ID            the sidecar's opening lines
 *   efsetup --count K TARGET MODE ID the set-up, one untimed iteration, then
 *                                    K iterations in ef_runner_run_lowered,
 *                                    which scripts/count-host has callgrind
 *                                    count (--toggle-collect)
 * Exit status: 0 done, 1 the set-up, call or check failed, 2 bad usage or a
 * target this machine cannot run. */
#include "meta.h"
#include "plan.h"
#include "runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage_error(const char *fmt, const char *arg)
{
	fputs("efsetup: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const ef_target *t;
	const ef_bench *b;
	ef_group *g;
	char err[256] = "";
	int check = 0, mode = -1, n;
	unsigned long long count = 0;
	void *ctx;
	uint64_t got, want;

	if (argc == 3 && !strcmp(argv[1], "--meta")) {
		ef_host_facts f;
		ef_host_facts_read(&f);
		ef_meta_begin(stdout, argv[2], &f, argc, argv);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--check"))
		check = 1, argv++, argc--;
	else if (argc > 2 && !strcmp(argv[1], "--count")) {
		char *end;
		count = strtoull(argv[2], &end, 10);
		if (*end || !count)
			return usage_error("--count: '%s' is not a positive count", argv[2]);
		argv += 2, argc -= 2;
	}
	if (argc != 4)
		return usage_error("usage: efsetup [--check | --count K] TARGET MODE ID%s", "");
	t = ef_target_find(argv[1]);
	if (!t)
		return usage_error("unknown target '%s'", argv[1]);
	if (t->board)
		return usage_error("%s: a firmware target has no process to start", t->name);
	if (t->unavailable && t->unavailable())
		return usage_error("%s", t->unavailable());
	for (unsigned m = 0; m < EF_MODE_COUNT; m++)
		if (!strcmp(argv[2], ef_mode_name(m)))
			mode = (int)m;
	if (mode < 0 || !(ef_target_modes(t) >> mode & 1))
		return usage_error("mode '%s' is not one of the target's", argv[2]);
	n = ef_plan_build(ef_target_bit(t), 1u << mode, argv[3], NULL, 0, &g, err, sizeof err);
	if (n <= 0 || strcmp(g[0].id, argv[3]) || !g[0].bench[mode])
		return usage_error("no benchmark '%s' in that mode (see efbench --list)", argv[3]);
	b = g[0].bench[mode];
	/* The target's default policy, which efbench measures unless told */
	if (t->use_policy)
		t->use_policy(g[0].policy);
	ctx = b->setup(g[0].param, err, sizeof err);
	if (!ctx) {
		fprintf(stderr, "efsetup: %s: set-up failed: %s\n", argv[3], err);
		return 1;
	}
	b->run(ctx, 1);
	if (count)
		ef_runner_run_lowered(b, ctx, count, 64);
	got = b->result(ctx);
	if (b->fault && b->fault(ctx, err, sizeof err)) {
		fprintf(stderr, "efsetup: %s: the call failed: %s\n", argv[3], err);
		return 1;
	}
	b->teardown(ctx);
	if (check) {
		ef_host_facts f;
		if (ef_bench_digest(g[0].bench[EF_MODE_UNSAFE], g[0].param, 1, &want,
				    err, sizeof err)) {
			fprintf(stderr, "efsetup: %s: unsafe mode failed: %s\n", argv[3], err);
			return 1;
		}
		if (got != want) {
			fprintf(stderr, "efsetup: %s: the result in %s mode differs from "
				"unsafe mode's\n", argv[3], argv[2]);
			return 1;
		}
		ef_host_facts_read(&f);
		printf("%s\t%s\t%s\n", f.host, f.cpu_model, ef_group_policy(&g[0], (unsigned)mode));
	}
	ef_plan_free(g, (unsigned)n);
	return 0;
}
