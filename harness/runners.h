/* runners.h: what times the samples, one entry per runner in one table,
 * chosen by name (--runner): the native runner (runner.h) everywhere and
 * Google Benchmark (gbench.h) where the build has it.  efbench talks to
 * the chosen runner through these hooks alone; every runner hands each
 * sample to the same ef_sample_fn, so all write the same rows. */
#ifndef EF_RUNNERS_H
#define EF_RUNNERS_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#include "options.h"
#include "runner.h"

typedef struct ef_runner {
	const char *name;            /* as --runner names it */
	/* Named but not in this build: the default passes it over, and init
	 * says what is missing. */
	int absent;
	/* It times with a clock of its own, not efbench's (clock.h): it
	 * cannot count instructions (--clock icount). */
	int own_clock;
	/* The --benchmark_* flags are its own: giving one chooses it. */
	int takes_benchmark_flags;
	/* Optional: take the options, before any file is created; -1 with a
	 * one-line message where they do not fit. */
	int (*init)(const ef_options *o, char *err, size_t errlen);
	/* Calibrate and warm up one slot; as ef_runner_prepare. */
	void (*prepare)(ef_slot *s, const ef_runner_config *cfg, uint64_t *rng);
	/* One sample of each slot, in the order given; as ef_runner_round. */
	unsigned (*round)(ef_slot *const *order, unsigned n, unsigned round,
			  const ef_runner_config *cfg, uint64_t *rng);
	/* Its lines of the sidecar's head (runner=...). */
	void (*meta)(FILE *m);
	/* Optional, for a runner with a file of its own beside the CSV and
	 * the sidecar: -1 with a message when it would be one of them... */
	int (*check_file)(const char *csv, const char *sidecar, char *err, size_t errlen);
	/* ...create it, where nothing exists (-1 with a message)... */
	int (*open_file)(char *err, size_t errlen);
	/* ...and close it at the run's end: -1 with a message when writing
	 * it failed. */
	int (*close_file)(char *err, size_t errlen);
	/* Optional: its lines of the sidecar's end (how complete its file
	 * is), written after close_file. */
	void (*meta_end)(FILE *m);
	/* Optional, with --processes: a line a process printed on stdout
	 * beside its rows; 1 when it is the runner's own (what the process
	 * measured, for its file), taken by the parent. */
	int (*worker_line)(const char *line);
} ef_runner;

/* Google Benchmark: gbench.cc where the build has it, else an absent
 * entry that says what is missing. */
extern const ef_runner ef_runner_gbench;

/* Preferred first: the default is the first present one that fits. */
extern const ef_runner *const ef_runners[];
extern const unsigned ef_nrunners;

/* The runner called `name`, or NULL. */
const ef_runner *ef_runner_named(const char *name);

/* The runner the options ask for (--runner; without it the one the
 * --benchmark_* flags belong to, else the first present one that can use
 * the clock asked for), initialized; NULL with a one-line message where
 * the options do not fit it. */
const ef_runner *ef_runner_choose(const ef_options *o, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
