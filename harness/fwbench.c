/* fwbench.c: the PMP firmware's benchmark driver, the firmware's main().
 * Every benchmark of every workload built in (those of the Makefile's
 * WORKLOADS whose library sources were fetched) in every mode, invoke and full
 * once warm and once cold: its digest is compared with unsafe mode's
 * first, then it is timed in instructions (minstret; exact under QEMU
 * -icount).  One UART line per sample, error or left-out benchmark, in
 * fwline.h's format, which efbench reads (firmware.c).
 *
 * The exit status is the number of error lines. */
#include "ef_fw_lists.h"
#include "fwline.h"
#include "runner.h"
#include "../runtimes/pmp/pmp.h"

#include <stdio.h>
#include <string.h>

/* The workloads built in, each in unsafe, validate, invoke and full
 * (ef_fw_lists.h, from the Makefile's WORKLOADS). */
#define DECLARE(w) extern const ef_workload ef_workload_##w##_unsafe, \
	ef_workload_##w##_validate, ef_workload_##w##_invoke_pmp, ef_workload_##w##_full_pmp;
EF_FW_WORKLOADS(DECLARE)
#define MODES(w) { &ef_workload_##w##_unsafe, &ef_workload_##w##_validate, \
		   &ef_workload_##w##_invoke_pmp, &ef_workload_##w##_full_pmp },
static const ef_workload *const workloads[][4] = { EF_FW_WORKLOADS(MODES) };

#define REPETITIONS 3
#define CHECK_ITERS 2

static unsigned errors;

static void error(const char *mode, const char *policy, const char *w,
		  const ef_bench *b, uint64_t param, const char *msg)
{
	printf(EF_FW_ERROR_FORMAT, mode, policy, w, b->name,
	       (unsigned long)param, msg);
	errors++;
}

/* Counts are exact, so a sample needs only enough iterations to average
 * the loop around the call: up to 32, fewer for iterations that cost more
 * than 100,000 instructions (the first, warm-up iteration tells). */
static uint64_t iterations(uint64_t first)
{
	uint64_t n = first ? 3000000 / first : 32;
	return n < 1 ? 1 : n > 32 ? 32 : n;
}

/* The instructions run(ctx, iters) takes.  Out of line, so that the few
 * around the call that a count includes (the counter's reads, the call's
 * set-up) do not change with how the compiler allocates registers in the
 * rest of the driver: inlined, an unrelated change to the driver moved
 * every count by 4 instructions (a spill of the start count). */
static __attribute__((noinline)) uint64_t instructions(const ef_bench *b, void *ctx,
						       uint64_t iters)
{
	uint64_t t0 = ef_pmp_instret();
	b->run(ctx, iters);
	return ef_pmp_instret() - t0;
}

static void measure(const ef_workload *w, const ef_bench *b, const ef_bench *ref,
		    uint64_t param, const char *policy)
{
	char err[160] = "";
	uint64_t want, got, iters;
	void *ctx;

	if (ef_bench_digest(ref, param, CHECK_ITERS, &want, err, sizeof err) ||
	    ef_bench_digest(b, param, CHECK_ITERS, &got, err, sizeof err)) {
		error(w->mode, policy, w->name, b, param, err);
		return;
	}
	if (got != want) {
		error(w->mode, policy, w->name, b, param, "result differs from unsafe mode");
		return;
	}
	ctx = b->setup(param, err, sizeof err);
	if (!ctx) {
		error(w->mode, policy, w->name, b, param, err);
		return;
	}
	/* warm: first-call paths, PMP entries */
	iters = iterations(instructions(b, ctx, 1));
	for (unsigned rep = 0; rep < REPETITIONS; rep++) {
		uint64_t t = instructions(b, ctx, iters);
		printf(EF_FW_ROW_FORMAT,
		       w->mode, policy, w->name, b->name, (unsigned long)param,
		       (unsigned long)iters, (unsigned long)(t / iters),
		       (unsigned long)(t % iters * 1000 / iters), rep);
	}
	b->teardown(ctx);
}

/* Why this firmware leaves a benchmark's parameter out, or NULL. */
static const char *left_out(const ef_bench *b, uint64_t param)
{
	if (b->unavailable)
		return b->unavailable;
#ifdef EF_PMP_MAX_BYTES
	if (b->param_is_bytes && param > EF_PMP_MAX_BYTES)
		return "more than the bytes a domain holds on this board";
	if (ef_limit_over(&b->small_board, param))
		return b->small_board.why;
#endif
	return ef_limit_over(&b->emulated, param);
}

static void run_workload(const ef_workload *w, const ef_workload *ref,
			 const char *policy)
{
	for (unsigned i = 0; i < w->nbenches; i++) {
		const ef_bench *b = &w->benches[i], *rb = NULL;
		for (unsigned j = 0; j < ref->nbenches; j++)
			if (!strcmp(ref->benches[j].name, b->name))
				rb = &ref->benches[j];
		for (unsigned p = 0; p < b->nparams; p++) {
			const char *why = left_out(b, b->params[p]);
			if (why) {
				if (w == ref)   /* once, not per mode */
					printf(EF_FW_SKIP_PARAM_FORMAT, w->name, b->name,
					       (unsigned long)b->params[p], why);
				continue;
			}
			if (!rb)
				error(w->mode, policy, w->name, b, b->params[p],
				      "no unsafe variant");
			else
				measure(w, b, rb, b->params[p], policy);
		}
	}
}

int main(void)
{
	static const char *const policy[4] = { "none", "none", "warm", "warm" };

	printf("# efbench pmp firmware on %s\n", ef_board_name);
#define SKIPPED(w, why) printf(EF_FW_SKIP_FORMAT, #w, why);
	EF_FW_SKIPPED(SKIPPED)
	for (unsigned w = 0; w < EF_COUNT(workloads); w++) {
		ef_pmp_set_cold(0);
		for (unsigned m = 0; m < 4; m++)
			run_workload(workloads[w][m], workloads[w][0], policy[m]);
		ef_pmp_set_cold(1);
		for (unsigned m = 2; m < 4; m++)
			run_workload(workloads[w][m], workloads[w][0], "cold");
		ef_pmp_set_cold(0);
	}
	printf("# done: %u errors\n", errors);
	return (int)errors;
}
