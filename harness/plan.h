/* plan.h: what one efbench run measures.  A group is one benchmark id on
 * one target under one runtime policy, with its variant per mode and, once
 * run, its statistics.  A benchmark measured under several policies
 * (--policy) has a group for each, one after another: the first measures
 * unsafe (and validate) mode, whose rows have no policy, and every one of
 * them its isolating modes, so that each policy's overheads pair with the
 * same unsafe samples. */
#ifndef EF_PLAN_H
#define EF_PLAN_H

#include "bench.h"
#include "registry.h"
#include "stats.h"
#include "../runtimes/ef_modes.h"

#include <stdio.h>

enum ef_outcome { EF_NOT_RUN, EF_RAN, EF_FAILED };

typedef struct ef_group {
	const ef_target *target;
	unsigned policy;        /* of its isolating modes: target->policy(policy) */
	unsigned sibling;       /* its place among its benchmark's groups, from 0 */
	const char *workload;
	const ef_bench *bench[EF_MODE_COUNT];   /* NULL: not in this mode */
	uint64_t param;
	char id[160];                           /* workload/bench/param */
	enum ef_outcome outcome[EF_MODE_COUNT];
	ef_stats stats[EF_MODE_COUNT];
	double *samples[EF_MODE_COUNT];         /* stats.n values, sorted */
	/* the same samples in the order taken, each with its process and
	 * round (file 0): what pairs them across modes */
	ef_sample *raw[EF_MODE_COUNT];
	size_t nraw[EF_MODE_COUNT];
} ef_group;

/* Every benchmark of the targets in target_mask, as groups, under the
 * policies named (npolicies of them, each a policy of --policy; none: each
 * target's default; ef_target_policies); the selected modes are those in
 * mode_mask.  Returns the count, or -1 with err set. */
int ef_plan_build(unsigned target_mask, unsigned mode_mask, const char *filter,
		  const char *const *policies, unsigned npolicies,
		  ef_group **out, char *err, size_t errlen);

/* Does the run measure mode m of g?  It has the mode, m is selected
 * (mode_mask), and a mode without policy only in its benchmark's first
 * group. */
int ef_group_measures(const ef_group *g, unsigned m, unsigned mode_mask);
/* The group whose samples of mode m g's overheads take: g's benchmark's
 * first group for a mode without policy, else g. */
const ef_group *ef_group_of_mode(const ef_group *g, unsigned m);
/* The policy g's rows of mode m record: none for a mode without policy. */
const char *ef_group_policy(const ef_group *g, unsigned m);

/* Free what ef_plan_build returned and the samples a run kept in it. */
void ef_plan_free(ef_group *g, unsigned n);

/* Print the summary table of a finished or interrupted run. */
void ef_summary_print(FILE *out, const ef_group *g, unsigned n, int icount);

/* After a run: was the machine too noisy for its numbers?  One line
 * "efbench: warning: ..." to out per reason, and their count (0: none):
 *   - the A/A pair, runner/empty/0 in validate and unsafe mode (one code):
 *     the interval of its paired ratio (ef_paired_ratios) reaches beyond 1 +-
 *     EF_AA_TOLERANCE (a bias or a spread that large between identical
 *     code is what the run's other ratios may carry too);
 *   - more than EF_WIDE_CELLS_SHARE of the medians marked wide (stats.h).
 * Both thresholds are from four runs of `efbench --target host` on the
 * shared 2-core development machine: with no load of ours, 58% and 72% of
 * the medians wide, the A/A interval [0.951, 1.043] (one run had the
 * pair); with a busy loop on each core, 88% and 96% wide, the A/A
 * intervals [0.896, 1.012] and [0.667, 1.092] (95% confidence intervals
 * then, of one process). */
#define EF_AA_TOLERANCE 0.05
#define EF_WIDE_CELLS_SHARE 0.8
int ef_summary_warn_noise(FILE *out, const ef_group *g, unsigned n);

#endif
