/* gbench.h: the Google Benchmark runner, a C interface to a C++ shim
 * (gbench.cc).  efbench calibrates and warms up (ef_runner_prepare); each
 * round registers its benchmarks in the round's order with that fixed
 * iteration count and one repetition, and Google Benchmark times them; the
 * benchmark still owns its loop: one run(ctx, n) per sample, never one C++
 * crossing per iteration.  Each sample reaches
 * the same callback as the native runner's, so both write the same rows. */
#ifndef EF_GBENCH_H
#define EF_GBENCH_H

#ifdef __cplusplus
extern "C" {
#endif

#include "runner.h"

/* Google Benchmark's version, as pkg-config reported it at build time. */
const char *ef_gbench_version(void);

/* Hand Google Benchmark its flags once, before the first measurement: the
 * --benchmark_* flags the user gave, which it parses (the later wins).
 * --benchmark_out and --benchmark_out_format are the shim's: one file for
 * the whole run (--benchmark_out= with no name: none).  -1 with a one-line
 * message for a flag Google Benchmark did not take, or a --benchmark_out
 * file that exists.  Creates no file. */
int ef_gbench_init(char *const *flags, unsigned nflags, char *err, size_t errlen);
/* The flags Google Benchmark was handed, as one line. */
const char *ef_gbench_flags(void);
/* Where its file goes: --benchmark_out, else beside the CSV (NAME.json,
 * or NAME.txt for --benchmark_out_format=console); -1 with a message when
 * that is the CSV or the sidecar, or exists.  Creates no file. */
int ef_gbench_choose_out(const char *csv, const char *sidecar, char *err, size_t errlen);
/* Say Google Benchmark's warnings on stderr, and create the file, if any,
 * where none exists, holding its context: valid JSON from the start; -1
 * with a message when it cannot be created. */
int ef_gbench_open_out(char *err, size_t errlen);

/* One round, each slot registered under its name; as ef_runner_round. */
unsigned ef_gbench_round(ef_slot *const *order, unsigned n, unsigned round,
			 const ef_runner_config *cfg, uint64_t *rng);

/* Close the file, if any; -1 when a write to it failed (it then holds
 * the rounds before that write, still valid). */
int ef_gbench_finish(void);

#ifdef __cplusplus
}
#endif

#endif
