/* stats.c: see stats.h. */
#include "stats.h"
#include "bench.h"

#include <math.h>
#include <stdlib.h>

double ef_quantile_sorted(const double *s, size_t n, double q)
{
	double h = (double)(n - 1) * q;
	size_t i = (size_t)h;

	if (i + 1 >= n)
		return s[n - 1];
	return s[i] + (h - (double)i) * (s[i + 1] - s[i]);
}

/* P(X <= k) for X ~ Binomial(n, 1/2). */
static double binom_half_cdf(size_t n, size_t k)
{
	double sum = 0;
	for (size_t i = 0; i <= k; i++)
		sum += exp(lgamma((double)n + 1) - lgamma((double)i + 1) -
			   lgamma((double)(n - i) + 1) - (double)n * log(2.0));
	return sum;
}

int ef_median_ci_ranks(size_t n, double confidence, size_t *lo, size_t *hi)
{
	double tail = (1 - confidence) / 2;
	size_t k = 0;

	/* The interval [x(k), x(n+1-k)] misses the median with probability
	 * 2 P(X <= k-1); take the largest k whose tail is small enough. */
	while (k + 1 <= n / 2 && binom_half_cdf(n, k) <= tail)
		k++;
	if (k == 0)
		return 0;
	*lo = k;
	*hi = n + 1 - k;
	return 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int ef_stats_compute(double *v, size_t n, ef_stats *out)
{
	size_t lo, hi;

	if (!n)
		return -1;
	qsort(v, n, sizeof *v, cmp_double);
	out->n = n;
	out->median = ef_quantile_sorted(v, n, 0.5);
	out->p5 = ef_quantile_sorted(v, n, 0.05);
	out->p95 = ef_quantile_sorted(v, n, 0.95);
	if (ef_median_ci_ranks(n, 0.95, &lo, &hi)) {
		out->ci_lo = v[lo - 1];
		out->ci_hi = v[hi - 1];
	} else {
		out->ci_lo = out->ci_hi = NAN;
	}
	return 0;
}

static double median_of(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return ef_quantile_sorted(v, n, 0.5);
}

/* The median of n values drawn with replacement from v, using tmp. */
static double resampled_median(const double *v, size_t n, double *tmp, uint64_t *rng)
{
	for (size_t i = 0; i < n; i++)
		tmp[i] = v[ef_splitmix64(rng) % n];
	return median_of(tmp, n);
}

double ef_ratio_ci(const double *a, size_t na, const double *b, size_t nb,
		   double *lo, double *hi)
{
	size_t big = na > nb ? na : nb;
	double *tmp = malloc((big + EF_BOOTSTRAP_RESAMPLES) * sizeof *tmp);
	double *ratio = tmp ? tmp + big : NULL, r;
	uint64_t rng = 0x5eed;
	unsigned k = 0;

	*lo = *hi = NAN;
	if (!na || !nb || !tmp) {
		free(tmp);
		return NAN;
	}
	for (size_t i = 0; i < na; i++)
		tmp[i] = a[i];
	r = median_of(tmp, na);
	for (size_t i = 0; i < nb; i++)
		tmp[i] = b[i];
	r /= median_of(tmp, nb);
	if (na >= EF_CI_MIN_SAMPLES && nb >= EF_CI_MIN_SAMPLES) {
		for (unsigned i = 0; i < EF_BOOTSTRAP_RESAMPLES; i++) {
			double x = resampled_median(a, na, tmp, &rng);
			double y = resampled_median(b, nb, tmp, &rng);
			if (y != 0)
				ratio[k++] = x / y;
		}
		if (k) {
			qsort(ratio, k, sizeof *ratio, cmp_double);
			*lo = ef_quantile_sorted(ratio, k, 0.025);
			*hi = ef_quantile_sorted(ratio, k, 0.975);
		}
	}
	free(tmp);
	return r;
}

struct ranked {
	double v;
	int in_b;
};

static int by_value(const void *x, const void *y)
{
	double a = ((const struct ranked *)x)->v, b = ((const struct ranked *)y)->v;
	return (a > b) - (a < b);
}

double ef_mann_whitney_greater(const double *a, size_t na, const double *b,
			       size_t nb)
{
	size_t n = na + nb;
	struct ranked *r;
	double rank_sum_b = 0, ties = 0, u, mean, var, z;

	if (!na || !nb || !(r = malloc(n * sizeof *r)))
		return 1;
	for (size_t i = 0; i < na; i++)
		r[i] = (struct ranked){ a[i], 0 };
	for (size_t i = 0; i < nb; i++)
		r[na + i] = (struct ranked){ b[i], 1 };
	qsort(r, n, sizeof *r, by_value);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && r[j].v == r[i].v)
			j++;
		/* ranks i+1 .. j share their mean */
		double t = (double)(j - i), mid = (double)(i + 1 + j) / 2;
		for (size_t k = i; k < j; k++)
			if (r[k].in_b)
				rank_sum_b += mid;
		ties += t * t * t - t;
		i = j;
	}
	free(r);
	u = rank_sum_b - (double)nb * (double)(nb + 1) / 2;
	mean = (double)na * (double)nb / 2;
	var = (double)na * (double)nb / 12 *
	      ((double)(n + 1) - ties / ((double)n * (double)(n - 1)));
	if (var <= 0)
		return 1;
	z = (u - mean - 0.5) / sqrt(var);
	return 0.5 * erfc(z / sqrt(2));
}
