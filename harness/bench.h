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

/* The largest parameter a build runs, and why it runs no larger one; no
 * limit while why is NULL. */
typedef struct ef_limit {
	uint64_t max;
	const char *why;
} ef_limit;

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
	/* The parameter this instance was set up with: with param_is_bytes,
	 * the bytes one iteration processes, which a runner that reports
	 * throughput (Google Benchmark's bytes_per_second) needs.  May be
	 * NULL. */
	uint64_t (*param_of)(const void *ctx);
	/* Move the foreign stack by offset bytes (1..4095); may be NULL. */
	void (*stack_offset)(void *ctx, unsigned offset);
	void (*teardown)(void *ctx);
	/* Why this build cannot run the benchmark (the firmware's libsodium
	 * has no entropy source for randombytes); NULL when it can. */
	const char *unavailable;
	/* The PMP firmware's limits: on a board with little memory (its
	 * opentitan, which also takes no buffer over a domain's bytes), and
	 * under emulation, where a larger parameter takes too long (every
	 * board the firmware runs on is QEMU's). */
	ef_limit small_board, emulated;
} ef_bench;

/* Why limit l leaves param out, or NULL. */
static inline const char *ef_limit_over(const ef_limit *l, uint64_t param)
{
	return l->why && param > l->max ? l->why : NULL;
}

typedef struct ef_workload {
	const char *name;
	const char *mode;
	const ef_bench *benches;
	unsigned nbenches;
} ef_workload;

#define EF_COUNT(a) (sizeof(a) / sizeof *(a))

/* splitmix64 (Steele, Lea and Flood, 2014): the pseudo-random numbers of
 * the runner's stack offsets and of the workloads' inputs. */
static inline uint64_t ef_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* n pseudo-random bytes from seed. */
static inline void ef_fill_random(void *p, size_t n, uint64_t seed)
{
	unsigned char *b = (unsigned char *)p;
	for (size_t i = 0; i < n; i += 8) {
		uint64_t z = ef_splitmix64(&seed);
		for (size_t k = 0; k < 8 && i + k < n; k++)
			b[i + k] = (unsigned char)(z >> 8 * k);
	}
}

/* Fold n bytes into a result digest, eight at a time (a multiply-xor
 * hash: equal bytes fold equally; it is no checksum against an adversary,
 * only the comparison of a mode's output with unsafe mode's). */
static inline uint64_t ef_fold_bytes(uint64_t acc, const void *p, size_t n)
{
	const unsigned char *b = (const unsigned char *)p;
	for (size_t i = 0; i < n; i += 8) {
		uint64_t w = 0;
		for (size_t k = 0; k < 8 && i + k < n; k++)
			w |= (uint64_t)b[i + k] << 8 * k;
		acc = (acc ^ w) * 0x100000001b3ull + (acc >> 29);
	}
	return acc ^ n;
}

#endif
