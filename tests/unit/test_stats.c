/* test_stats.c: quantiles and the median's confidence interval against
 * values computed by hand and published tables; the overheads' bootstrap
 * interval against simulated runs of known overhead. */
#include "check.h"
#include "../../harness/stats.h"
#include "../../harness/runner.h"

#include <math.h>

static int near(double a, double b) { return fabs(a - b) < 1e-9; }

static void quantiles_of_1_to_10(void)
{
	double v[10] = { 7, 3, 10, 1, 5, 9, 2, 8, 4, 6 };
	ef_stats s;

	CHECK(ef_stats_compute(v, 10, &s) == 0);
	CHECK(s.n == 10);
	CHECK_MSG(near(s.median, 5.5), "median %g", s.median);
	CHECK_MSG(near(s.p5, 1.45), "p5 %g", s.p5);
	CHECK_MSG(near(s.p95, 9.55), "p95 %g", s.p95);
	/* n = 10: ranks 2 and 9 (coverage 97.9%). */
	CHECK_MSG(near(s.ci_lo, 2) && near(s.ci_hi, 9), "ci [%g,%g]", s.ci_lo, s.ci_hi);
}

static void odd_count_median(void)
{
	double v[7] = { 5, 1, 4, 2, 3, 100, -7 };
	ef_stats s;

	CHECK(ef_stats_compute(v, 7, &s) == 0);
	CHECK_MSG(near(s.median, 3), "median %g", s.median);
	CHECK(v[0] == -7 && v[6] == 100);   /* sorted in place */
}

static void single_value(void)
{
	double v[1] = { 42 };
	ef_stats s;

	CHECK(ef_stats_compute(v, 1, &s) == 0);
	CHECK(near(s.median, 42) && near(s.p5, 42) && near(s.p95, 42));
	CHECK(isnan(s.ci_lo) && isnan(s.ci_hi));
	CHECK(ef_stats_compute(v, 0, &s) == -1);
}

/* Order-statistic ranks for a 95% interval, as tabulated (e.g. Conover,
 * Practical Nonparametric Statistics, and the binomial table). */
static void median_ci_ranks(void)
{
	static const struct { unsigned n, lo, hi; } table[] = {
		{ 6, 1, 6 }, { 10, 2, 9 }, { 20, 6, 15 }, { 30, 10, 21 },
		{ 50, 18, 33 }, { 100, 40, 61 },
	};
	size_t lo, hi;

	for (unsigned i = 0; i < sizeof table / sizeof *table; i++) {
		int ok = ef_median_ci_ranks(table[i].n, 0.95, &lo, &hi);
		CHECK_MSG(ok && lo == table[i].lo && hi == table[i].hi,
			  "n=%u: got %d (%zu,%zu), want (%u,%u)", table[i].n,
			  ok, lo, hi, table[i].lo, table[i].hi);
	}
	/* Five samples cannot reach 95%: 1 - 2/32 = 93.75%. */
	CHECK(!ef_median_ci_ranks(5, 0.95, &lo, &hi));
}

static void rng_is_seeded(void)
{
	uint64_t a = 1, b = 1, c = 2;
	uint64_t x = ef_splitmix64(&a), y = ef_splitmix64(&b), z = ef_splitmix64(&c);

	CHECK(x == y);
	CHECK(x != z);
	/* splitmix64's published first output for seed 0. */
	a = 0;
	CHECK_MSG(ef_splitmix64(&a) == 0xe220a8397b1dcdafull, "splitmix64(0)");
}

/* A sample of n values around `center`, each times exp of a normal
 * deviate with standard deviation sigma (Box-Muller), as timings scatter. */
static void lognormal(double *v, size_t n, double center, double sigma, uint64_t *rng)
{
	for (size_t i = 0; i < n; i++) {
		double u1 = ((double)(ef_splitmix64(rng) >> 11) + 1) / 9007199254740993.0;
		double u2 = (double)(ef_splitmix64(rng) >> 11) / 9007199254740992.0;
		v[i] = center * exp(sigma * sqrt(-2 * log(u1)) * cos(2 * M_PI * u2));
	}
}

/* The overhead interval: the ratio of the medians, an interval around it
 * that narrows with more samples and is the same on every call, none for
 * samples too small, and a point for exact counts. */
static void ratio_ci_basics(void)
{
	double a[9] = { 30, 10, 20, 50, 40, 60, 70, 90, 80 }, b[6] = { 5, 1, 4, 2, 3, 6 };
	double c[6] = { 100, 100, 100, 100, 100, 100 }, d[6] = { 50, 50, 50, 50, 50, 50 };
	double lo, hi, lo2, hi2, r;

	r = ef_ratio_ci(a, 9, b, 6, &lo, &hi);
	CHECK_MSG(near(r, 50 / 3.5), "ratio %g", r);
	CHECK_MSG(lo < r && r < hi && lo > 0, "[%g,%g] around %g", lo, hi, r);
	CHECK(near(ef_ratio_ci(a, 9, b, 6, &lo2, &hi2), r) && lo2 == lo && hi2 == hi);
	/* a is unchanged (the interval works on copies). */
	CHECK(a[0] == 30 && a[8] == 80);
	r = ef_ratio_ci(c, 6, d, 6, &lo, &hi);
	CHECK_MSG(near(r, 2) && near(lo, 2) && near(hi, 2), "%g [%g,%g]", r, lo, hi);
	r = ef_ratio_ci(a, 5, b, 6, &lo, &hi);
	CHECK_MSG(near(r, 30 / 3.5) && isnan(lo) && isnan(hi), "n=5: %g [%g,%g]", r, lo, hi);
	CHECK(isnan(ef_ratio_ci(a, 0, b, 6, &lo, &hi)));
}

/* Coverage: over 200 simulated runs of 20 samples per mode, with a true
 * overhead of 1.5 and 10% scatter, the 95% interval holds 1.5 in at least
 * 90% of them, and it narrows as samples grow from 10 to 100. */
static void ratio_ci_coverage(void)
{
	double x[100], y[100], lo, hi, width[2] = { 0, 0 };
	uint64_t rng = 42;
	unsigned covered = 0, trials = 200;

	for (unsigned t = 0; t < trials; t++) {
		lognormal(x, 20, 150, 0.1, &rng);
		lognormal(y, 20, 100, 0.1, &rng);
		ef_ratio_ci(x, 20, y, 20, &lo, &hi);
		covered += lo <= 1.5 && 1.5 <= hi;
	}
	CHECK_MSG(covered >= trials * 9 / 10, "covered %u of %u", covered, trials);
	for (unsigned k = 0; k < 2; k++)
		for (unsigned t = 0; t < 20; t++) {
			size_t n = k ? 100 : 10;
			lognormal(x, n, 150, 0.1, &rng);
			lognormal(y, n, 100, 0.1, &rng);
			ef_ratio_ci(x, n, y, n, &lo, &hi);
			width[k] += hi - lo;
		}
	CHECK_MSG(width[1] < width[0] / 2, "mean width %g at n=10, %g at n=100",
		  width[0] / 20, width[1] / 20);
}

/* Mann-Whitney U, one-sided: the textbook value for fully separated
 * samples, the other direction, all ties; then, over 1000 simulated pairs
 * of 20 samples with 3% scatter, about 5% below p = 0.05 when nothing
 * changed, and nearly always below 0.01 when b is 10% slower. */
static void mann_whitney(void)
{
	double a[20] = { 1, 2, 3, 4, 5 }, b[20] = { 6, 7, 8, 9, 10 }, p;
	double same[4] = { 3, 3, 3, 3 };
	uint64_t rng = 7;
	unsigned alarms = 0, found = 0;

	/* U = 25, mean 12.5, var 25 * 11 / 12: z = 12 / 4.787 = 2.507. */
	p = ef_mann_whitney_greater(a, 5, b, 5);
	CHECK_MSG(fabs(p - 0.00609) < 2e-5, "p %g", p);
	p = ef_mann_whitney_greater(b, 5, a, 5);
	CHECK_MSG(p > 0.99, "reversed p %g", p);
	CHECK(ef_mann_whitney_greater(same, 4, same, 4) == 1);
	CHECK(ef_mann_whitney_greater(a, 0, b, 5) == 1);
	for (unsigned t = 0; t < 1000; t++) {
		lognormal(a, 20, 100, 0.03, &rng);
		lognormal(b, 20, 100, 0.03, &rng);
		alarms += ef_mann_whitney_greater(a, 20, b, 20) < 0.05;
		lognormal(b, 20, 110, 0.03, &rng);
		found += ef_mann_whitney_greater(a, 20, b, 20) < 0.01;
	}
	CHECK_MSG(alarms >= 30 && alarms <= 70, "%u of 1000 below 0.05 with no change", alarms);
	CHECK_MSG(found >= 990, "a 10%% slowdown found in %u of 1000", found);
}

static const ef_test tests[] = {
	{ "stats/quantiles_of_1_to_10", quantiles_of_1_to_10 },
	{ "stats/odd_count_median", odd_count_median },
	{ "stats/single_value", single_value },
	{ "stats/median_ci_ranks", median_ci_ranks },
	{ "stats/rng_is_seeded", rng_is_seeded },
	{ "stats/ratio_ci_basics", ratio_ci_basics },
	{ "stats/ratio_ci_coverage", ratio_ci_coverage },
	{ "stats/mann_whitney", mann_whitney },
};
EF_TEST_MAIN(tests)
