/* test_stats.c: quantiles and the median's confidence interval against
 * values computed by hand and published tables; the overheads' bootstrap
 * interval against simulated runs of known overhead; the fast ways of
 * computing both against the straightforward ones, and their cost at
 * 100,000 samples (the end-of-run summary's budget). */
#include "check.h"
#include "../../harness/plan.h"
#include "../../harness/stats.h"
#include "../../harness/runner.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int near(double a, double b) { return fabs(a - b) < 1e-9; }
/* to the six decimals the comments give */
static int close_to(double a, double b) { return fabs(a - b) < 1e-6; }

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

/* 1, 2, 3: mean 2, standard deviation 1 (divisor n - 1). */
static void coefficient_of_variation(void)
{
	double v[3] = { 3, 1, 2 }, zero[2] = { 0, 0 };
	ef_stats s;

	CHECK(ef_stats_compute(v, 3, &s) == 0);
	CHECK_MSG(near(s.cv, 0.5), "cv %g", s.cv);
	CHECK(ef_stats_compute(v, 1, &s) == 0 && isnan(s.cv));
	CHECK(ef_stats_compute(zero, 2, &s) == 0 && isnan(s.cv));
}

/* Samples placed as (file, process, round): value.  Numerator, in no
 * particular order:
 *   (0,0,0) 12  (0,0,1) 22  (0,0,2) 9  (0,1,0) 15  (1,0,0) 26  (1,0,2) 8
 *   (1,1,1) 10  and, without a partner, (0,0,3) 50 and (1,0,1) 40;
 *   (0,0,4) 7, whose partner is 0.
 * Denominator:
 *   (0,0,0) 10  (0,0,1) 20  (0,0,2) 10  (0,1,0) 10  (1,0,0) 20  (1,0,2) 10
 *   (1,1,1) 5   (0,0,4) 0   and, without a partner, (0,2,0) 1.
 * Pairs by (file, process): (0,0) 1.2 1.1 0.9, (0,1) 1.5, (1,0) 1.3 0.8,
 * (1,1) 2.0; seven pairs from four processes, so at the level of the
 * processes (EF_PROCESS_LEVEL_MIN 3): medians 1.1, 1.5, 1.05, 2.0, whose
 * median is 1.3; their logarithms have variance 0.090079 (more than the
 * log ratios' within the processes, 0.053797 with 3 degrees of freedom,
 * over the 7/4 rounds a process took: 0.030741), and t at 0.9875 with 3
 * degrees of freedom is 4.177, so the interval is 1.3 exp(+- 4.177 *
 * 0.300131 * sqrt(2/4)) = 1.3 exp(+- 0.886462) = [0.535744, 3.154489].  (1,0,1) 40
 * joined across files with (0,0,1) 20, or across processes with (1,1,1)
 * 5, would make eight pairs. */
static void paired_ratios_by_hand(void)
{
	static const ef_sample num[] = {
		{ 26, 1, 0, 0, NAN }, { 12, 0, 0, 0, NAN }, { 50, 0, 0, 3, NAN }, { 22, 0, 0, 1, NAN },
		{ 8, 1, 0, 2, NAN }, { 9, 0, 0, 2, NAN }, { 40, 1, 0, 1, NAN }, { 15, 0, 1, 0, NAN },
		{ 7, 0, 0, 4, NAN }, { 10, 1, 1, 1, NAN },
	};
	static const ef_sample den[] = {
		{ 10, 0, 1, 0, NAN }, { 1, 0, 2, 0, NAN }, { 5, 1, 1, 1, NAN }, { 10, 0, 0, 0, NAN },
		{ 20, 1, 0, 0, NAN }, { 0, 0, 0, 4, NAN }, { 20, 0, 0, 1, NAN }, { 10, 1, 0, 2, NAN },
		{ 10, 0, 0, 2, NAN },
	};
	ef_sample copy[EF_COUNT(num)];
	ef_paired p;

	memcpy(copy, num, sizeof num);
	CHECK(ef_paired_ratios(copy, EF_COUNT(num), den, EF_COUNT(den), &p) == 0);
	CHECK_MSG(p.st.n == 7 && p.processes == 4 && !p.cpu, "%zu pairs, %zu processes",
		  p.st.n, p.processes);
	CHECK_MSG(close_to(p.st.median, 1.3), "ratio %g", p.st.median);
	CHECK_MSG(close_to(p.st.ci_lo, 0.535744) && close_to(p.st.ci_hi, 3.154489), "[%g, %g]",
		  p.st.ci_lo, p.st.ci_hi);
	CHECK(!memcmp(copy, num, sizeof num));
	/* Swapped: the reciprocals and (0,0,4) 0/7 = 0; process medians
	 * (0 1/1.2 1/1.1 1/0.9 ->) 0.871212, 1/1.5, (1/1.3 + 1/0.8)/2 =
	 * 1.009615, 1/2: median (1/1.5 + 0.871212)/2 = 0.768939, and a
	 * ratio of 0 has no logarithm: no interval. */
	CHECK(ef_paired_ratios(den, EF_COUNT(den), num, EF_COUNT(num), &p) == 0);
	CHECK_MSG(p.st.n == 8 && close_to(p.st.median, 0.768939) && isnan(p.st.ci_lo) &&
		  isnan(p.st.ci_hi),
		  "%zu pairs, %g [%g, %g]", p.st.n, p.st.median, p.st.ci_lo, p.st.ci_hi);
	/* The first five of num and seven of den: (1,0,0) 1.3, (0,0,0) 1.2,
	 * (0,0,1) 1.1; two processes, so pooled: three pairs, no interval. */
	CHECK(ef_paired_ratios(num, 5, den, 7, &p) == 0);
	CHECK_MSG(p.st.n == 3 && p.processes == 2 && near(p.st.median, 1.2) &&
		  isnan(p.st.ci_lo) && isnan(p.st.ci_hi), "%zu pairs, median %g [%g, %g]",
		  p.st.n, p.st.median, p.st.ci_lo, p.st.ci_hi);
	/* Nothing in common: no pairs, and NaN. */
	CHECK(ef_paired_ratios(num + 2, 1, den, EF_COUNT(den), &p) == 0);
	CHECK(p.st.n == 0 && isnan(p.st.median) && isnan(p.st.ci_lo));
	CHECK(ef_paired_ratios(num, 0, den, 0, &p) == 0 && p.st.n == 0);
}

/* Two samples of one place pair in the order given: (0,0,0) 4 and 8 over
 * (0,0,0) 2 and 1 are 4/2 and 8/1, median 5; 4/1 and 8/2 would be 4. */
static void paired_ratios_same_place(void)
{
	static const ef_sample num[] = { { 4, 0, 0, 0, NAN }, { 8, 0, 0, 0, NAN } };
	static const ef_sample den[] = { { 2, 0, 0, 0, NAN }, { 1, 0, 0, 0, NAN } };
	ef_paired p;

	CHECK(ef_paired_ratios(num, 2, den, 2, &p) == 0);
	CHECK_MSG(p.st.n == 2 && near(p.st.median, 5), "%zu pairs, median %g", p.st.n,
		  p.st.median);
}

/* Six processes of three rounds, the denominators 1: the ratios are the
 * numerators.  Process medians 1.1, 1.0, 1.2, 0.9, 1.3, 1.05: median
 * 1.075; the logarithms' variance, 0.017138, is less than the log ratios'
 * within the processes over the 3 rounds each took, 0.018919, which
 * counts: t(5) = 3.163, the interval 1.075 exp(+- 3.163 sqrt(0.018919)
 * sqrt(2/6)) = [0.836222, 1.381960].  Five (drop the last): 1.1, the
 * variances 0.021120 and 0.022703, t(4) = 3.495: [0.788403, 1.534748].
 * Two (the first): pooled, the six ratios 0.9 1.0 1.0 1.1 1.2 1.3, median
 * 1.05, and no interval under 11 pairs. */
static void paired_ratios_by_process(void)
{
	static const double v[6][3] = {
		{ 1.0, 1.1, 1.2 }, { 0.9, 1.0, 1.3 }, { 1.2, 1.2, 1.5 },
		{ 0.8, 0.9, 2.0 }, { 1.3, 1.4, 1.0 }, { 1.05, 1.05, 1.05 },
	};
	ef_sample num[18], den[18];
	ef_paired p;

	for (unsigned k = 0; k < 6; k++)
		for (unsigned r = 0; r < 3; r++) {
			num[3 * k + r] = (ef_sample){ v[k][r], 0, k, r, NAN };
			den[3 * k + r] = (ef_sample){ 1, 0, k, r, NAN };
		}
	CHECK(ef_paired_ratios(num, 18, den, 18, &p) == 0);
	CHECK_MSG(p.st.n == 18 && p.processes == 6 && close_to(p.st.median, 1.075) &&
		  close_to(p.st.ci_lo, 0.836222) && close_to(p.st.ci_hi, 1.381960),
		  "%zu pairs, %g [%g, %g]", p.st.n, p.st.median, p.st.ci_lo, p.st.ci_hi);
	CHECK(ef_paired_ratios(num, 15, den, 15, &p) == 0);
	CHECK_MSG(p.st.n == 15 && close_to(p.st.median, 1.1) &&
		  close_to(p.st.ci_lo, 0.788403) && close_to(p.st.ci_hi, 1.534748),
		  "five processes: %zu pairs, %g [%g, %g]", p.st.n, p.st.median, p.st.ci_lo,
		  p.st.ci_hi);
	CHECK(ef_paired_ratios(num, 6, den, 6, &p) == 0);
	CHECK_MSG(p.st.n == 6 && near(p.st.median, 1.05) && isnan(p.st.ci_lo),
		  "two processes: %zu pairs, %g [%g, %g]", p.st.n, p.st.median, p.st.ci_lo,
		  p.st.ci_hi);
	/* Three processes that agree exactly, each 0.9 1.0 1.1: the medians
	 * do not vary, the rounds do.  Their log ratios' variance within a
	 * process over its 3 rounds, 0.003358533, t(2) = 6.205: the interval
	 * exp(+- 6.205 sqrt(0.003358533) sqrt(2/3)) = [0.745567, 1.341261]. */
	for (unsigned k = 0; k < 3; k++)
		for (unsigned r = 0; r < 3; r++)
			num[3 * k + r].v = 0.9 + 0.1 * r;
	CHECK(ef_paired_ratios(num, 9, den, 9, &p) == 0);
	CHECK_MSG(p.processes == 3 && close_to(p.st.median, 1) && close_to(p.st.ci_lo, 0.745567) &&
		  close_to(p.st.ci_hi, 1.341261), "agreeing processes: %g [%g, %g]", p.st.median,
		  p.st.ci_lo, p.st.ci_hi);
	/* A process whose median ratio is 0: no interval. */
	for (unsigned r = 0; r < 3; r++)
		num[r].v = 0;
	CHECK(ef_paired_ratios(num, 18, den, 18, &p) == 0);
	CHECK_MSG(p.st.n == 18 && isnan(p.st.ci_lo) && isnan(p.st.ci_hi), "[%g, %g]",
		  p.st.ci_lo, p.st.ci_hi);
}

/* One process of 20 rounds: the ratios 1.01 .. 1.20, in rounds 19 .. 0.
 * Pooled: median (1.10 + 1.11) / 2, and the agreement interval's ranks at
 * EF_AGREE_CONFIDENCE, whose tails hold 0.00076 each: P(X <= 2) =
 * 211/2^20 = 0.0002 <= 0.00076 < P(X <= 3) = 1351/2^20, so ranks 3 and
 * 18: [1.03, 1.18] (a 95% confidence interval would be ranks 6 and 15,
 * [1.06, 1.15]). */
static void paired_ratios_agreement_interval(void)
{
	ef_sample num[20], den[20];
	ef_paired p;

	for (unsigned r = 0; r < 20; r++) {
		num[r] = (ef_sample){ 1 + 0.01 * (20 - r), 0, 0, r, NAN };
		den[r] = (ef_sample){ 1, 0, 0, r, NAN };
	}
	CHECK(ef_paired_ratios(num, 20, den, 20, &p) == 0);
	CHECK_MSG(p.st.n == 20 && p.processes == 1 && close_to(p.st.median, 1.105) &&
		  close_to(p.st.ci_lo, 1.03) && close_to(p.st.ci_hi, 1.18), "%g [%g, %g]",
		  p.st.median, p.st.ci_lo, p.st.ci_hi);
}

/* Of CPU time where every pair has it on both sides: values 2 over 1
 * (wall time that others' load doubled), CPU times 1.1 over 1.0: 1.1 (and
 * 12 pairs have an interval, ranks 1 and 12).  One pair without CPU time
 * on one side: every ratio of the values, 2. */
static void paired_ratios_cpu_time(void)
{
	ef_sample num[12], den[12];
	ef_paired p;

	for (unsigned r = 0; r < 12; r++) {
		num[r] = (ef_sample){ 2, 0, 0, r, 1.1 };
		den[r] = (ef_sample){ 1, 0, 0, r, 1.0 };
	}
	CHECK(ef_paired_ratios(num, 12, den, 12, &p) == 0);
	CHECK_MSG(p.cpu && close_to(p.st.median, 1.1) && close_to(p.st.ci_hi, 1.1), "cpu %d, %g",
		  p.cpu, p.st.median);
	den[7].cpu = NAN;
	CHECK(ef_paired_ratios(num, 12, den, 12, &p) == 0);
	CHECK_MSG(!p.cpu && near(p.st.median, 2), "cpu %d, %g", p.cpu, p.st.median);
	den[7].cpu = 0;
	CHECK(ef_paired_ratios(num, 12, den, 12, &p) == 0);
	CHECK_MSG(!p.cpu && near(p.st.median, 2), "cpu 0: cpu %d, %g", p.cpu, p.st.median);
}

/* Student's t at 0.9875 against published tables: 25.452 (1), 3.163
 * (5), 2.360 (30), 2.299 (60, the approximation past 30), none for 0. */
static void t_quantiles(void)
{
	CHECK(near(ef_t9875(1), 25.452) && near(ef_t9875(5), 3.163) && near(ef_t9875(30), 2.360));
	CHECK_MSG(fabs(ef_t9875(60) - 2.299) < 0.002, "%g", ef_t9875(60));
	CHECK(isnan(ef_t9875(0)));
}

/* Process A (file 0, process 0): 1, 2, 3 (mean 2, squares about it 2);
 * process B: 6, 8 (mean 7, squares 2).  N = 5, mean 4.
 *   SSB = 3 (2-4)^2 + 2 (7-4)^2 = 30, MSB = 30 / 1 = 30
 *   MSW = (2 + 2) / (5 - 2) = 4/3
 *   n0 = (5 - (9 + 4) / 5) / 1 = 2.4
 *   s2b = (30 - 4/3) / 2.4 = 215/18, share = (215/18) / (215/18 + 24/18)
 *       = 215/239. */
static void between_process_by_hand(void)
{
	ef_sample s[] = {
		{ 6, 0, 1, 0, NAN }, { 1, 0, 0, 0, NAN }, { 2, 0, 0, 1, NAN }, { 8, 0, 1, 1, NAN }, { 3, 0, 0, 2, NAN },
	};
	double share = ef_between_process_share(s, 5);

	CHECK_MSG(near(share, 215.0 / 239), "share %.12g", share);
	/* B as another file's process 0: still another process. */
	s[0].process = s[3].process = 0;
	s[0].file = s[3].file = 1;
	share = ef_between_process_share(s, 5);
	CHECK_MSG(near(share, 215.0 / 239), "share %.12g", share);
	/* One process: NaN. */
	s[0].file = s[3].file = 0;
	CHECK(isnan(ef_between_process_share(s, 5)));
	/* A and B alike (1 2 3 and 1 3): MSB 0 < MSW, share 0. */
	s[0] = (ef_sample){ 1, 0, 1, 0, NAN };
	s[3] = (ef_sample){ 3, 0, 1, 1, NAN };
	share = ef_between_process_share(s, 5);
	CHECK_MSG(share == 0, "share %g", share);
	/* A constant, B constant and different: all between. */
	for (unsigned i = 0; i < 5; i++)
		s[i].v = s[i].process ? 5 : 1;
	CHECK_MSG(near(ef_between_process_share(s, 5), 1), "share %g",
		  ef_between_process_share(s, 5));
	/* One sample per process: no within-process spread to compare with. */
	CHECK(isnan(ef_between_process_share(s + 2, 2)));
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

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

static double median_of_copy(const double *v, size_t n)
{
	double *c = malloc(n * sizeof *c), m;
	memcpy(c, v, n * sizeof *c);
	qsort(c, n, sizeof *c, cmp_double);
	m = ef_quantile_sorted(c, n, 0.5);
	free(c);
	return m;
}

/* An overhead as the tools compute it: the ratio of the medians, and the
 * interval from each side's resamples (streams as validate over unsafe). */
static double ratio_ci(const double *a, size_t na, const double *b, size_t nb,
		       double *lo, double *hi)
{
	static ef_boot ba, bb;

	*lo = *hi = NAN;
	if (!na || !nb)
		return NAN;
	CHECK(ef_boot_compute(&ba, a, na, EF_MODE_VALIDATE) == 0);
	CHECK(ef_boot_compute(&bb, b, nb, EF_MODE_UNSAFE) == 0);
	ef_boot_ratio_ci(&ba, &bb, lo, hi);
	return median_of_copy(a, na) / median_of_copy(b, nb);
}

/* The overhead interval: the ratio of the medians, an interval around it
 * that narrows with more samples and is the same on every call, none for
 * samples too small, and a point for exact counts. */
static void ratio_ci_basics(void)
{
	double a[9] = { 30, 10, 20, 50, 40, 60, 70, 90, 80 }, b[6] = { 5, 1, 4, 2, 3, 6 };
	double c[6] = { 100, 100, 100, 100, 100, 100 }, d[6] = { 50, 50, 50, 50, 50, 50 };
	double lo, hi, lo2, hi2, r;

	r = ratio_ci(a, 9, b, 6, &lo, &hi);
	CHECK_MSG(near(r, 50 / 3.5), "ratio %g", r);
	CHECK_MSG(lo < r && r < hi && lo > 0, "[%g,%g] around %g", lo, hi, r);
	CHECK(near(ratio_ci(a, 9, b, 6, &lo2, &hi2), r) && lo2 == lo && hi2 == hi);
	/* a is unchanged (the interval works on copies). */
	CHECK(a[0] == 30 && a[8] == 80);
	r = ratio_ci(c, 6, d, 6, &lo, &hi);
	CHECK_MSG(near(r, 2) && near(lo, 2) && near(hi, 2), "%g [%g,%g]", r, lo, hi);
	r = ratio_ci(a, 5, b, 6, &lo, &hi);
	CHECK_MSG(near(r, 30 / 3.5) && isnan(lo) && isnan(hi), "n=5: %g [%g,%g]", r, lo, hi);
	CHECK(isnan(ratio_ci(a, 0, b, 6, &lo, &hi)));
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
		ratio_ci(x, 20, y, 20, &lo, &hi);
		covered += lo <= 1.5 && 1.5 <= hi;
	}
	CHECK_MSG(covered >= trials * 9 / 10, "covered %u of %u", covered, trials);
	for (unsigned k = 0; k < 2; k++)
		for (unsigned t = 0; t < 20; t++) {
			size_t n = k ? 100 : 10;
			lognormal(x, n, 150, 0.1, &rng);
			lognormal(y, n, 100, 0.1, &rng);
			ratio_ci(x, n, y, n, &lo, &hi);
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

/* The old, straightforward median interval: each k's tail summed anew
 * (quadratic in n), as the definition reads. */
static int ranks_by_definition(size_t n, size_t *lo, size_t *hi)
{
	size_t k = 0;

	for (;;) {
		double cdf = 0;
		if (k + 1 > n / 2)
			break;
		for (size_t i = 0; i <= k; i++)
			cdf += exp(lgamma((double)n + 1) - lgamma((double)i + 1) -
				   lgamma((double)(n - i) + 1) - (double)n * log(2.0));
		if (cdf > 0.025)
			break;
		k++;
	}
	if (!k)
		return 0;
	*lo = k;
	*hi = n + 1 - k;
	return 1;
}

/* The one-pass ranks equal the definition's for every n up to 400; at a
 * million samples they sit 1.96 standard deviations (980 ranks) from the
 * middle, and come in milliseconds (the definition takes hours). */
static void ranks_fast_and_exact(void)
{
	size_t lo = 0, hi = 0, lo2 = 0, hi2 = 0;
	clock_t t;
	double s;

	for (size_t n = 1; n <= 400; n++) {
		int a = ef_median_ci_ranks(n, 0.95, &lo, &hi), b = ranks_by_definition(n, &lo2, &hi2);
		CHECK_MSG(a == b && (!a || (lo == lo2 && hi == hi2)),
			  "n=%zu: (%zu,%zu), by definition (%zu,%zu)", n, lo, hi, lo2, hi2);
	}
	t = clock();
	CHECK(ef_median_ci_ranks(1000000, 0.95, &lo, &hi));
	s = (double)(clock() - t) / CLOCKS_PER_SEC;
	CHECK_MSG(lo >= 499018 && lo <= 499022 && hi == 1000001 - lo, "n=1e6: (%zu,%zu)", lo, hi);
	CHECK_MSG(s < 2, "ranks for n=1e6 took %.2f s", s);
}

/* The straightforward bootstrap: draw each resample, sort it, take its
 * median. */
static void boot_by_sorting(const double *v, size_t n, uint64_t stream, double *out)
{
	double *sorted = malloc(n * sizeof *sorted), *tmp = malloc(n * sizeof *tmp);
	uint64_t rng = ef_boot_seed(stream);

	memcpy(sorted, v, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_double);
	for (unsigned r = 0; r < EF_BOOTSTRAP_RESAMPLES; r++) {
		for (size_t i = 0; i < n; i += 2) {
			size_t first, second;
			ef_resample_pair(&rng, n, &first, &second);
			tmp[i] = sorted[first];
			if (i + 1 < n)
				tmp[i + 1] = sorted[second];
		}
		qsort(tmp, n, sizeof *tmp, cmp_double);
		out[r] = ef_quantile_sorted(tmp, n, 0.5);
	}
	free(tmp);
	free(sorted);
}

/* Counting the drawn indices gives every resample's median to the bit,
 * for odd and even sizes, distinct values, ties and one repeated value;
 * and different streams give different resamples. */
static void boot_same_as_sorting(void)
{
	static const size_t sizes[] = { 6, 7, 8, 9, 10, 11, 16, 17, 31, 32, 63, 64, 101 };
	static ef_boot fast, other;
	static double slow[EF_BOOTSTRAP_RESAMPLES];
	double v[101], lo, hi;
	uint64_t rng = 3;

	for (unsigned shape = 0; shape < 3; shape++)
		for (unsigned i = 0; i < EF_COUNT(sizes); i++) {
			size_t n = sizes[i];
			unsigned bad = 0;
			lognormal(v, n, 100, 0.2, &rng);
			for (size_t j = 0; j < n; j++)
				v[j] = shape == 1 ? (double)(j % 3) : shape == 2 ? 7 : v[j];
			CHECK(ef_boot_compute(&fast, v, n, shape + i) == 0 && fast.have);
			boot_by_sorting(v, n, shape + i, slow);
			for (unsigned r = 0; r < EF_BOOTSTRAP_RESAMPLES; r++)
				bad += memcmp(&fast.median[r], &slow[r], sizeof slow[r]) != 0;
			CHECK_MSG(!bad, "shape %u, n=%zu: %u of %u resample medians differ", shape, n,
				  bad, EF_BOOTSTRAP_RESAMPLES);
		}
	lognormal(v, 20, 100, 0.2, &rng);
	CHECK(ef_boot_compute(&fast, v, 20, 0) == 0 && ef_boot_compute(&other, v, 20, 1) == 0);
	CHECK(memcmp(fast.median, other.median, sizeof fast.median) != 0);
	/* The interval's percentiles, selected, equal those of the sorted ratios. */
	for (unsigned r = 0; r < EF_BOOTSTRAP_RESAMPLES; r++)
		slow[r] = fast.median[r] / other.median[r];
	qsort(slow, EF_BOOTSTRAP_RESAMPLES, sizeof *slow, cmp_double);
	ef_boot_ratio_ci(&fast, &other, &lo, &hi);
	CHECK_MSG(lo == ef_quantile_sorted(slow, EF_BOOTSTRAP_RESAMPLES, 0.025) &&
		  hi == ef_quantile_sorted(slow, EF_BOOTSTRAP_RESAMPLES, 0.975),
		  "[%.17g, %.17g]", lo, hi);
	CHECK(ef_boot_compute(&fast, v, EF_CI_MIN_SAMPLES - 1, 0) == 0 && !fast.have);
}

/* The end-of-run summary of one benchmark with 100,000 samples in each of
 * four modes (the mpk target's), from ten processes, with every overhead's
 * paired ratios and each median's between-process share: its budget is 1 s (docs/design.md,
 * "Budgets"), so that the summary does not add minutes to a run; checked
 * with five times that, for a loaded machine.  The time is printed for the record. */
static void summary_of_100k_samples(void)
{
	enum { N = 100000 };
	const ef_target *mpk = ef_target_find("mpk");
	ef_group g;
	uint64_t rng = 11;
	FILE *sink = fopen("/dev/null", "w");
	struct timespec t0, t1;
	double s;

	if (!mpk || !sink) {
		ef_check_skip(!mpk ? "this build has no mpk target" : "no /dev/null");
		if (sink)
			fclose(sink);
		return;
	}
	memset(&g, 0, sizeof g);
	g.target = mpk;
	g.workload = "ubench";
	snprintf(g.id, sizeof g.id, "ubench/invoke_args/0");
	for (unsigned m = 0; m < EF_MODE_COUNT; m++) {
		g.samples[m] = malloc(N * sizeof *g.samples[m]);
		g.raw[m] = malloc(N * sizeof *g.raw[m]);
		lognormal(g.samples[m], N, 100 + 10 * m, 0.05, &rng);
		/* ten processes one after another, as efbench runs them: every
		 * overhead paired */
		for (unsigned i = 0; i < N; i++)
			g.raw[m][i] = (ef_sample){ g.samples[m][i], 0, i / (N / 10), i % (N / 10), NAN };
		g.nraw[m] = N;
		CHECK(ef_stats_compute(g.samples[m], N, &g.stats[m]) == 0);
		g.outcome[m] = EF_RAN;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ef_summary_print(sink, &g, 1, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	printf("# stats: the summary of 4 modes x 100,000 samples took %.2f s (budget 1 s)\n", s);
	CHECK_MSG(s < 5, "the summary took %.2f s", s);
	for (unsigned m = 0; m < EF_MODE_COUNT; m++)
		free(g.samples[m]), free(g.raw[m]);
	fclose(sink);
}

/* A synthetic group of the host target: its samples in unsafe and
 * validate mode, round i of each taken side by side. */
static void synthetic_group(ef_group *g, const char *id, const double *unsafe,
			    const double *validate, unsigned n)
{
	const double *v[EF_MODE_COUNT] = { [EF_MODE_UNSAFE] = unsafe, [EF_MODE_VALIDATE] = validate };

	memset(g, 0, sizeof *g);
	g->target = ef_target_find("host");
	snprintf(g->id, sizeof g->id, "%s", id);
	for (unsigned m = 0; m < EF_MODE_COUNT; m++) {
		if (!v[m])
			continue;
		g->samples[m] = malloc(n * sizeof *g->samples[m]);
		g->raw[m] = malloc(n * sizeof *g->raw[m]);
		for (unsigned i = 0; i < n; i++) {
			g->samples[m][i] = v[m][i];
			g->raw[m][i] = (ef_sample){ v[m][i], 0, 0, i, NAN };
		}
		g->nraw[m] = n;
		ef_stats_compute(g->samples[m], n, &g->stats[m]);
		g->outcome[m] = EF_RAN;
	}
}

static void free_group(ef_group *g)
{
	for (unsigned m = 0; m < EF_MODE_COUNT; m++)
		free(g->samples[m]), free(g->raw[m]);
}

/* ef_summary_warn_noise's warnings (their count, and what they say in
 * said) for groups g. */
static int noise_warnings(const ef_group *g, unsigned n, char *said, size_t len)
{
	FILE *f = fmemopen(said, len, "w");
	int k;

	memset(said, 0, len);
	k = ef_summary_warn_noise(f, g, n);
	fclose(f);
	return k;
}

/* The A/A pair: unsafe's 20 samples drift from 1.0 to 1.95 ns (the
 * machine's noise, which validate's see too, round by round); validate's
 * are unsafe's times a factor per round.  Factors 1 +- 0.01: paired ratios
 * within [0.99, 1.01], no A/A warning, though each mode's median interval
 * is wide (ranks 6 and 15 of 20: 1.25 to 1.7).  Factors 1.10: the paired interval [1.1, 1.1] lies beyond
 * 1 + EF_AA_TOLERANCE: a warning that names the pair.  Factors 0.80 and
 * 1.20 by turns: median 1.0, interval [0.8, 1.2], reaching beyond both
 * sides: a warning. */
static void noise_warning_aa(void)
{
	enum { N = 20 };
	double unsafe[N], validate[N];
	char said[1024];
	ef_group g[2];

	if (!ef_target_find("host")) {
		ef_check_skip("this build has no host target");
		return;
	}
	for (unsigned i = 0; i < N; i++) {
		unsafe[i] = 1.0 + 0.05 * i;
		validate[i] = unsafe[i] * (i % 2 ? 1.01 : 0.99);
	}
	synthetic_group(&g[0], "runner/empty/0", unsafe, validate, N);
	synthetic_group(&g[1], "ubench/upgrade/1", unsafe, unsafe, N);
	CHECK(ef_cell_mark_of(g[0].stats[EF_MODE_UNSAFE].median, g[0].stats[EF_MODE_UNSAFE].ci_lo,
			      g[0].stats[EF_MODE_UNSAFE].ci_hi) == EF_CELL_WIDE);
	/* Four medians, all wide: the other warning, alone. */
	CHECK_MSG(noise_warnings(g, 2, said, sizeof said) == 1 && strstr(said, "4 of 4 medians") &&
		  !strstr(said, "runner/empty/0"), "%s", said);
	free_group(&g[0]);
	for (unsigned i = 0; i < N; i++)
		unsafe[i] = 1.0 + 0.001 * i, validate[i] = unsafe[i] * (i % 2 ? 1.01 : 0.99);
	free_group(&g[1]);
	synthetic_group(&g[0], "runner/empty/0", unsafe, validate, N);
	synthetic_group(&g[1], "ubench/upgrade/1", unsafe, unsafe, N);
	CHECK_MSG(noise_warnings(g, 2, said, sizeof said) == 0, "%s", said);
	free_group(&g[0]);
	for (unsigned i = 0; i < N; i++)
		validate[i] = unsafe[i] * 1.10;
	synthetic_group(&g[0], "runner/empty/0", unsafe, validate, N);
	CHECK_MSG(noise_warnings(g, 2, said, sizeof said) == 1 &&
		  strstr(said, "efbench: warning: the machine was noisy: target host's "
			 "runner/empty/0") && strstr(said, "1.100 [1.100,1.100]"), "%s", said);
	free_group(&g[0]);
	for (unsigned i = 0; i < N; i++)
		validate[i] = unsafe[i] * (i % 2 ? 1.2 : 0.8);
	synthetic_group(&g[0], "runner/empty/0", unsafe, validate, N);
	CHECK_MSG(noise_warnings(g, 2, said, sizeof said) == 1 && strstr(said, "[0.800,1.200]"),
		  "%s", said);
	/* Another benchmark's ratio of 1.2 is no A/A pair. */
	snprintf(g[0].id, sizeof g[0].id, "ubench/upgrade/8");
	CHECK_MSG(noise_warnings(g, 2, said, sizeof said) == 0, "%s", said);
	free_group(&g[0]);
	free_group(&g[1]);
}

/* Wide cells: of five medians, four wide (80%, not more than
 * EF_WIDE_CELLS_SHARE) is no warning; five are. */
static void noise_warning_wide_cells(void)
{
	enum { N = 20 };
	double firm[N], spread[N];
	char said[1024];
	ef_group g[3];

	if (!ef_target_find("host")) {
		ef_check_skip("this build has no host target");
		return;
	}
	for (unsigned i = 0; i < N; i++)
		firm[i] = 100 + 0.01 * i, spread[i] = 100 + 5.0 * i;
	synthetic_group(&g[0], "ubench/upgrade/1", spread, spread, N);
	synthetic_group(&g[1], "ubench/upgrade/8", spread, spread, N);
	synthetic_group(&g[2], "ubench/upgrade/64", firm, NULL, N);
	CHECK_MSG(noise_warnings(g, 3, said, sizeof said) == 0, "%s", said);
	free_group(&g[2]);
	synthetic_group(&g[2], "ubench/upgrade/64", spread, NULL, N);
	CHECK_MSG(noise_warnings(g, 3, said, sizeof said) == 1 && strstr(said, "5 of 5 medians"),
		  "%s", said);
	for (unsigned i = 0; i < 3; i++)
		free_group(&g[i]);
}

static const ef_test tests[] = {
	{ "stats/quantiles_of_1_to_10", quantiles_of_1_to_10 },
	{ "stats/odd_count_median", odd_count_median },
	{ "stats/single_value", single_value },
	{ "stats/coefficient_of_variation", coefficient_of_variation },
	{ "stats/paired_ratios_by_hand", paired_ratios_by_hand },
	{ "stats/paired_ratios_same_place", paired_ratios_same_place },
	{ "stats/paired_ratios_by_process", paired_ratios_by_process },
	{ "stats/paired_ratios_agreement_interval", paired_ratios_agreement_interval },
	{ "stats/paired_ratios_cpu_time", paired_ratios_cpu_time },
	{ "stats/t_quantiles", t_quantiles },
	{ "stats/between_process_by_hand", between_process_by_hand },
	{ "stats/median_ci_ranks", median_ci_ranks },
	{ "stats/rng_is_seeded", rng_is_seeded },
	{ "stats/ratio_ci_basics", ratio_ci_basics },
	{ "stats/ratio_ci_coverage", ratio_ci_coverage },
	{ "stats/mann_whitney", mann_whitney },
	{ "stats/ranks_fast_and_exact", ranks_fast_and_exact },
	{ "stats/boot_same_as_sorting", boot_same_as_sorting },
	{ "stats/summary_of_100k_samples", summary_of_100k_samples },
	{ "stats/noise_warning_aa", noise_warning_aa },
	{ "stats/noise_warning_wide_cells", noise_warning_wide_cells },
};
EF_TEST_MAIN(tests)
