/* runner.h: the native runner, portable C.  Per benchmark and mode:
 * calibration (which doubles as warm-up) and one more warm-up run at the
 * calibrated count; then rounds, in each one sample of every benchmark and
 * mode measured together, each with the host stack (and, through the
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

/* Called after each sample with its round, iteration count, wall time
 * and CPU time per iteration (ns; cpu NaN where the runner cannot tell). */
typedef void (*ef_sample_fn)(void *arg, unsigned round, uint64_t iters,
			     double ns_per_iter, double cpu_ns_per_iter);

/* One benchmark in one mode, set up and checked, sampled in rounds beside
 * the others measured with it (efbench --interleave). */
typedef struct ef_slot {
	const char *name;         /* the runner's name for it: target/id/mode */
	const ef_bench *b;
	void *ctx;
	uint64_t iters;           /* per sample: set by ef_runner_prepare */
	ef_sample_fn on_sample;
	void *arg;
} ef_slot;

/* Calibrate s->iters so that a sample takes cfg->min_time_ns (the runs
 * doing so warm the benchmark up), then run once more at that count. */
void ef_runner_prepare(ef_slot *s, const ef_runner_config *cfg, uint64_t *rng);

/* One round: one sample of each slot, in the order given, each with the
 * host stack (and, through the benchmark's hook, the foreign stack) moved
 * by 1..4095 bytes drawn from rng; returns how many were taken (fewer only
 * when *cfg->stop was set). */
unsigned ef_runner_round(ef_slot *const *order, unsigned n, unsigned round,
			 const ef_runner_config *cfg, uint64_t *rng);

/* The thread's CPU time, ns; NaN where it cannot be read. */
double ef_runner_cpu_ns(void);

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
