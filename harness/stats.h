/* stats.h: sample statistics for the summary and tests. */
#ifndef EF_STATS_H
#define EF_STATS_H

#include <stddef.h>

typedef struct ef_stats {
	size_t n;
	double median, p5, p95;
	/* 95% confidence interval of the median from order statistics
	 * (distribution-free); NaN when n is too small (n < 6). */
	double ci_lo, ci_hi;
} ef_stats;

/* Quantile q in [0,1] of sorted values, linear interpolation between order
 * statistics (Hyndman & Fan type 7, as R and NumPy by default). */
double ef_quantile_sorted(const double *sorted, size_t n, double q);

/* 1-based ranks (lo, hi) such that [x(lo), x(hi)] covers the median with
 * probability at least `confidence`, as narrow as possible; 0 when no
 * ranks do. */
int ef_median_ci_ranks(size_t n, double confidence, size_t *lo, size_t *hi);

/* Sorts v in place and fills out; returns -1 when n == 0. */
int ef_stats_compute(double *v, size_t n, ef_stats *out);

/* Samples of fewer than this many values get no interval (NaN bounds);
 * as for the median's own interval (ef_median_ci_ranks). */
#define EF_CI_MIN_SAMPLES 6

/* The ratio of medians median(a) / median(b), as an overhead of mode a over
 * mode b, with a 95% percentile-bootstrap confidence interval in [*lo, *hi]:
 * EF_BOOTSTRAP_RESAMPLES resamples of each sample, drawn with replacement
 * from a fixed seed, so one input always gives one interval.  NaN bounds
 * when either sample has fewer than EF_CI_MIN_SAMPLES values. */
#define EF_BOOTSTRAP_RESAMPLES 2000
double ef_ratio_ci(const double *a, size_t na, const double *b, size_t nb,
		   double *lo, double *hi);

/* Mann-Whitney U test, one-sided: the p-value of "b tends to be larger
 * than a" (b stochastically greater), from the normal approximation with
 * the tie correction and a continuity correction; 1 when every value is
 * equal or a sample is empty.  Values need not be sorted. */
double ef_mann_whitney_greater(const double *a, size_t na, const double *b,
			       size_t nb);

#endif
