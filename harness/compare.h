/* compare.h: the regression check behind efcompare: a candidate's series
 * judged against a baseline's (results.h, both finished), as a Markdown
 * report.  efcompare.c is the command around it. */
#ifndef EF_COMPARE_H
#define EF_COMPARE_H

#include "results.h"

#include <stdio.h>

typedef struct ef_compare_options {
	double alpha;        /* wall clock: Mann-Whitney U p-value below which a change counts */
	double min_effect;   /* wall clock and ratios: the smallest slowdown that counts */
	double min_ns;       /* wall clock: the same in ns */
	double tolerance;    /* counts: the growth allowed */
	int brief;           /* list only what changed */
} ef_compare_options;

#define EF_COMPARE_DEFAULTS { 0.01, 0.07, 1.0, 0.001, 0 }

/* The outcomes, which are efcompare's exit statuses. */
enum {
	EF_COMPARE_PASSED = 0,       /* every baseline series there, none regressed */
	EF_COMPARE_REGRESSED = 1,    /* every baseline series there, one or more regressed */
	EF_COMPARE_BAD_INPUT = 2,    /* bad usage, or input that cannot be read or compared */
	EF_COMPARE_INCOMPLETE = 3,   /* a baseline series missing from the candidate, or
					only error rows there: a failed or killed run */
};

/* Judge cand against base, print the report to out and return the
 * outcome; EF_COMPARE_BAD_INPUT with one line in err (series that cannot
 * be compared: their units differ; a baseline without samples). */
int ef_compare(const ef_results *base, const ef_results *cand, const char *base_name,
	       const char *cand_name, const ef_compare_options *o, FILE *out, char *err,
	       size_t errlen);

/* A/B runs (scripts/ab-run): the base and the candidate run in alternating
 * processes on one machine, base[i] and cand[i] (each one process's file,
 * finished) one after the other.  Wall clock is judged by paired ratios:
 * per series and pair, the candidate's fastest sample over the base's;
 * regressed when the median of the npairs ratios is more than min_effect
 * over 1, the 95% distribution-free interval of that median
 * (ef_median_ci_ranks) lies above 1, and that change, times the median of
 * the base's fastest samples, is more than min_ns.  Counts: the smallest
 * sample of all the candidate's files against the base's, as ef_compare
 * does.  Overheads are not judged.  The same outcomes as ef_compare;
 * EF_COMPARE_BAD_INPUT with one line in err also for fewer than
 * EF_AB_MIN_PAIRS pairs, base files that do not hold the same series, and
 * a pair from two machines. */
#define EF_AB_MIN_PAIRS EF_CI_MIN_SAMPLES
int ef_compare_ab(const ef_results *base, const ef_results *cand, size_t npairs,
		  char *const *base_names, char *const *cand_names,
		  const ef_compare_options *o, FILE *out, char *err, size_t errlen);

#endif
