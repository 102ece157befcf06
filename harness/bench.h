/* bench.h: what a benchmark gives the harness.
 *
 * A benchmark owns its loop, as in lmbench: run(ctx, iters) executes `iters`
 * iterations and the runner times the whole call.  One benchmark exists once
 * per mode (its workload is compiled once per mode); the harness pairs them
 * by workload, name and parameter.
 */
#ifndef EF_BENCH_H
#define EF_BENCH_H

#include <stddef.h>
#include <stdint.h>

typedef struct ef_bench {
	const char *name;              /* e.g. "invoke_args" */
	const char *param_name;        /* what the parameter counts */
	const uint64_t *params;
	unsigned nparams;
	int param_is_bytes;            /* parameter = bytes per iteration */
	/* Prepare one run; NULL with a message in err on failure. */
	void *(*setup)(uint64_t param, char *err, size_t errlen);
	void (*run)(void *ctx, uint64_t iters);
	/* A digest of everything run() computed since setup: equal in every
	 * mode for the same iterations, or the mode computes something else. */
	uint64_t (*result)(const void *ctx);
	/* NULL while every foreign call since setup worked; else why one
	 * failed (foreign code faulted, a call was refused), written to buf.
	 * May be NULL. */
	const char *(*fault)(const void *ctx, char *buf, size_t len);
	/* Move the foreign stack by offset bytes (1..4095); may be NULL. */
	void (*stack_offset)(void *ctx, unsigned offset);
	void (*teardown)(void *ctx);
} ef_bench;

typedef struct ef_workload {
	const char *name;
	const char *mode;
	const ef_bench *benches;
	unsigned nbenches;
} ef_workload;

#define EF_COUNT(a) (sizeof(a) / sizeof *(a))

#endif
