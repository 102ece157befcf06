/* test_stats.c: quantiles and the median's confidence interval against
 * values computed by hand and published tables. */
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
	uint64_t x = ef_rng_next(&a), y = ef_rng_next(&b), z = ef_rng_next(&c);

	CHECK(x == y);
	CHECK(x != z);
	/* splitmix64's published first output for seed 0. */
	a = 0;
	CHECK_MSG(ef_rng_next(&a) == 0xe220a8397b1dcdafull, "splitmix64(0)");
}

static const ef_test tests[] = {
	{ "stats/quantiles_of_1_to_10", quantiles_of_1_to_10 },
	{ "stats/odd_count_median", odd_count_median },
	{ "stats/single_value", single_value },
	{ "stats/median_ci_ranks", median_ci_ranks },
	{ "stats/rng_is_seeded", rng_is_seeded },
};
EF_TEST_MAIN(tests)
