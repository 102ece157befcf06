/* selfbench.c: the runner's own cost, as a benchmark: an empty loop, so the
 * time per iteration is what the runner adds to any benchmark's iteration
 * (budget: at most 1 ns).  The same loop is listed in validate mode too:
 * one code in two modes, an A/A pair whose ratio should be 1, by which
 * efbench tells a noisy machine (ef_summary_warn_noise). */
#include "bench.h"

#include <stdlib.h>

static uint64_t iterations;

static void *setup(uint64_t param, char *err, size_t errlen)
{
	(void)param, (void)err, (void)errlen;
	iterations = 0;
	return &iterations;
}

static void run(void *ctx, uint64_t iters)
{
	uint64_t *n = ctx;
	for (uint64_t i = 0; i < iters; i++)
		__asm__ volatile("" : : : "memory");
	*n += iters;
}

static uint64_t result(const void *ctx) { return *(const uint64_t *)ctx; }
static void teardown(void *ctx) { (void)ctx; }

static const uint64_t none[] = { 0 };

static const ef_bench benches[] = {
	{ .name = "empty", .param_name = "none", .params = none, .nparams = 1,
	  .setup = setup, .run = run, .result = result, .teardown = teardown },
};

const ef_workload ef_workload_runner_unsafe = {
	"runner", "unsafe", benches, EF_COUNT(benches),
};

const ef_workload ef_workload_runner_validate = {
	"runner", "validate", benches, EF_COUNT(benches),
};
