/* runner.h: the native runner, portable C.  Per benchmark: calibration
 * (which doubles as warm-up), one more warm-up run at the calibrated count,
 * then `repetitions` samples, each with the host stack (and, through the
 * benchmark's hook, the foreign stack) moved by 1..4095 bytes drawn from a
 * seeded generator. */
#ifndef EF_RUNNER_H
#define EF_RUNNER_H

#include "bench.h"

#include <signal.h>
#include <stdint.h>

typedef struct ef_runner_config {
	double min_time_ns;       /* each sample runs at least this long */
	unsigned repetitions;     /* samples per benchmark */
	volatile sig_atomic_t *stop;  /* set asynchronously: stop between samples */
} ef_runner_config;

/* Called after each sample with its iteration count and ns per iteration. */
typedef void (*ef_sample_fn)(void *arg, unsigned repetition, uint64_t iters,
			     double ns_per_iter);

/* Measure one prepared benchmark; returns the number of samples taken
 * (fewer than asked only when *stop was set). */
unsigned ef_runner_measure(const ef_bench *b, void *ctx,
			   const ef_runner_config *cfg, uint64_t *rng,
			   ef_sample_fn on_sample, void *arg);

/* For a runner that times the run itself (Google Benchmark): move the
 * foreign stack by a drawn offset and return one for the host stack... */
unsigned ef_runner_draw_offsets(const ef_bench *b, void *ctx, uint64_t *rng);
/* ...then run with the host stack lowered by that many bytes. */
void ef_runner_run_lowered(const ef_bench *b, void *ctx, uint64_t iters,
			   unsigned host_offset);

/* Set up a fresh instance, run `iters` iterations untimed, and return its
 * result digest in *out; -1 with a message in err when set-up fails. */
int ef_bench_digest(const ef_bench *b, uint64_t param, uint64_t iters,
		    uint64_t *out, char *err, size_t errlen);

#endif
