/* stats.c: see stats.h. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double ef_quantile_sorted(const double *s, size_t n, double q)
{
	double h = (double)(n - 1) * q;
	size_t i = (size_t)h;

	if (i + 1 >= n)
		return s[n - 1];
	return s[i] + (h - (double)i) * (s[i + 1] - s[i]);
}

int ef_median_ci_ranks(size_t n, double confidence, size_t *lo, size_t *hi)
{
	double tail = (1 - confidence) / 2, cdf = 0;
	double log_all = lgamma((double)n + 1), log_2n = (double)n * log(2.0);
	size_t k = 0;

	/* The interval [x(k), x(n+1-k)] misses the median with probability
	 * 2 P(X <= k-1), X ~ Binomial(n, 1/2); take the largest k whose tail
	 * is small enough.  cdf is P(X <= k), its terms added in order. */
	while (k + 1 <= n / 2) {
		cdf += exp(log_all - lgamma((double)k + 1) - lgamma((double)(n - k) + 1) - log_2n);
		if (cdf > tail)
			break;
		k++;
	}
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

static double coefficient_of_variation(const double *v, size_t n)
{
	double mean = 0, ss = 0;

	if (n < 2)
		return NAN;
	for (size_t i = 0; i < n; i++)
		mean += v[i];
	mean /= (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - mean) * (v[i] - mean);
	return mean ? sqrt(ss / (double)(n - 1)) / mean : NAN;
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
	out->cv = coefficient_of_variation(v, n);
	return 0;
}

enum ef_cell_mark ef_cell_mark_of(double value, double lo, double hi)
{
	if (isnan(lo) || isnan(hi))
		return EF_CELL_FEW;
	return hi - lo > EF_WIDE_INTERVAL * fabs(value) ? EF_CELL_WIDE : EF_CELL_NONE;
}

const char *ef_cell_mark_name(enum ef_cell_mark m)
{
	return m == EF_CELL_FEW ? "few" : m == EF_CELL_WIDE ? "wide" : "";
}

const char *ef_cell_mark_symbol(enum ef_cell_mark m)
{
	return m == EF_CELL_FEW ? "?" : m == EF_CELL_WIDE ? "!" : " ";
}

/* A sample to pair or group, sortable by where it was taken; `order` keeps
 * the caller's order among samples of one place. */
struct placed {
	double v, cpu;
	uint32_t file, process;
	uint64_t round;
	size_t order;
};

static int place_cmp(const struct placed *a, const struct placed *b)
{
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->process != b->process)
		return a->process < b->process ? -1 : 1;
	return (a->round > b->round) - (a->round < b->round);
}

static int by_place(const void *x, const void *y)
{
	const struct placed *a = x, *b = y;
	int c = place_cmp(a, b);

	return c ? c : (a->order > b->order) - (a->order < b->order);
}

/* s by place; samples usually come in that order already (a process's
 * rounds one after another), and then need no sort. */
static struct placed *placed_copy(const ef_sample *s, size_t n)
{
	struct placed *p = malloc((n ? n : 1) * sizeof *p);
	int sorted = 1;

	if (!p)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		p[i] = (struct placed){ s[i].v, s[i].cpu, s[i].file, s[i].process, s[i].round, i };
		if (i && sorted && place_cmp(&p[i - 1], &p[i]) > 0)
			sorted = 0;
	}
	if (!sorted)
		qsort(p, n, sizeof *p, by_place);
	return p;
}

double ef_t9875(unsigned df)
{
	/* Student's t at 0.9875 (two-sided 97.5%) for 1 to 30 degrees of
	 * freedom, from its density integrated numerically; past 30,
	 * 2.2414 + 3.55/df is within 0.002 of it. */
	static const double t[] = {
		25.452, 6.205, 4.177, 3.495, 3.163, 2.969, 2.841, 2.752, 2.685, 2.634,
		2.593, 2.560, 2.533, 2.510, 2.490, 2.473, 2.458, 2.445, 2.433, 2.423,
		2.414, 2.405, 2.398, 2.391, 2.385, 2.379, 2.373, 2.368, 2.364, 2.360,
	};

	if (!df)
		return NAN;
	return df <= sizeof t / sizeof *t ? t[df - 1] : 2.2414 + 3.55 / df;
}

/* The spread of the logarithms of ratio[from..to), one process's paired
 * ratios: their sum of squares about their mean goes to *ss, and the
 * degrees of freedom (to - from - 1) to *df.  0 when a ratio is not
 * positive (no logarithm). */
static int log_spread(const double *ratio, size_t from, size_t to, double *ss, size_t *df)
{
	double mean = 0;

	for (size_t i = from; i < to; i++) {
		if (!(ratio[i] > 0))
			return 0;
		mean += log(ratio[i]);
	}
	mean /= (double)(to - from);
	for (size_t i = from; i < to; i++)
		*ss += (log(ratio[i]) - mean) * (log(ratio[i]) - mean);
	*df += to - from - 1;
	return 1;
}

/* The agreement interval (stats.h) of k >= EF_PROCESS_LEVEL_MIN processes:
 * m[0..k) their median paired ratios, sorted, out->median already their
 * median; n the paired ratios in all, `within` the variance of their
 * logarithms inside a process (NaN: unknown).  The interval is
 * out->median exp(+- t sd sqrt(2/k)), t = ef_t9875(k - 1), the sqrt(2)
 * for the other run's own error.  sd^2 is the variance of the processes'
 * log median ratios, or within / (n/k) where that is more: a process's
 * ratio varies at least by its rounds' noise over the n/k rounds it took,
 * and five processes that happen to agree closely do not make their
 * rounds agree (the variance components of a one-way analysis, the one
 * between processes truncated at 0).  The median, not the mean, so that
 * one process that a burst of load slowed in one mode does not carry the
 * ratio. */
static void process_level(const double *m, size_t k, size_t n, double within, ef_stats *out)
{
	double mean = 0, var = 0, half;

	for (size_t i = 0; i < k; i++)
		mean += log(m[i]);
	mean /= (double)k;
	for (size_t i = 0; i < k; i++)
		var += (log(m[i]) - mean) * (log(m[i]) - mean);
	var /= (double)(k - 1);
	if (within * (double)k / (double)n > var)
		var = within * (double)k / (double)n;
	half = ef_t9875((unsigned)(k - 1)) * sqrt(var) * sqrt(2.0 / (double)k);
	out->ci_lo = out->median * exp(-half);
	out->ci_hi = out->median * exp(half);
}

int ef_paired_ratios(const ef_sample *num, size_t nnum, const ef_sample *den, size_t nden,
		     ef_paired *out)
{
	struct placed *a = placed_copy(num, nnum), *b = placed_copy(den, nden);
	size_t most = nnum < nden ? nnum : nden;
	/* pair[k]: the k-th pair's samples, a's index then b's */
	size_t (*pair)[2] = malloc((most ? most : 1) * sizeof *pair);
	double *ratio = malloc((most ? most : 1) * sizeof *ratio);
	size_t *starts = malloc((most ? most : 1) * sizeof *starts);
	size_t i = 0, j = 0, npairs = 0, n = 0, processes = 0;
	uint32_t last_file = 0, last_process = 0;
	int rc = -1, cpu = 1;

	*out = (ef_paired){ { 0, NAN, NAN, NAN, NAN, NAN, NAN }, 0, 0 };
	if (!a || !b || !pair || !ratio || !starts)
		goto out;
	/* Both sorted by place: a merge, the k-th sample of a place on one
	 * side with the k-th of the same place on the other. */
	while (i < nnum && j < nden) {
		int c = place_cmp(&a[i], &b[j]);
		if (!c) {
			pair[npairs][0] = i++, pair[npairs++][1] = j++;
		} else if (c < 0) {
			i++;
		} else {
			j++;
		}
	}
	for (size_t k = 0; k < npairs; k++)
		if (!(a[pair[k][0]].cpu > 0) || !(b[pair[k][1]].cpu > 0))
			cpu = 0;
	for (size_t k = 0; k < npairs; k++) {
		const struct placed *x = &a[pair[k][0]], *y = &b[pair[k][1]];
		double over = cpu ? y->cpu : y->v;
		if (over == 0)
			continue;
		/* A new process starts a new run of ratios. */
		if (!n || x->file != last_file || x->process != last_process)
			starts[processes++] = n;
		last_file = x->file, last_process = x->process;
		ratio[n++] = (cpu ? x->cpu : x->v) / over;
	}
	out->cpu = cpu && n;
	out->processes = processes;
	if (processes >= EF_PROCESS_LEVEL_MIN) {
		/* Each process's median paired ratio, then theirs; and how the
		 * log ratios vary inside the processes. */
		double ss = 0;
		size_t df = 0;
		int positive = 1;
		for (size_t k = 0; k < processes; k++) {
			size_t from = starts[k], to = k + 1 < processes ? starts[k + 1] : n;
			ef_stats one;
			positive &= log_spread(ratio, from, to, &ss, &df);
			ef_stats_compute(ratio + from, to - from, &one);
			ratio[k] = one.median;
		}
		ef_stats_compute(ratio, processes, &out->st);
		if (positive)
			process_level(ratio, processes, n, df ? ss / (double)df : NAN, &out->st);
		else
			out->st.ci_lo = out->st.ci_hi = NAN;
		out->st.n = n;
	} else if (n) {
		size_t lo, hi;
		ef_stats_compute(ratio, n, &out->st);
		if (ef_median_ci_ranks(n, EF_AGREE_CONFIDENCE, &lo, &hi)) {
			out->st.ci_lo = ratio[lo - 1];
			out->st.ci_hi = ratio[hi - 1];
		} else {
			out->st.ci_lo = out->st.ci_hi = NAN;
		}
	}
	rc = 0;
out:
	free(starts);
	free(ratio);
	free(pair);
	free(b);
	free(a);
	return rc;
}

double ef_between_process_share(const ef_sample *s, size_t n)
{
	struct placed *p = placed_copy(s, n);
	double mean = 0, ssb = 0, ssw = 0, sum_sq_sizes = 0, msb, msw, n0, s2b;
	size_t k = 0;

	if (!p)
		return NAN;
	for (size_t i = 0; i < n; i++)
		mean += p[i].v;
	mean /= (double)n;
	for (size_t i = 0, j; i < n; i = j) {
		double m = 0, size;
		for (j = i; j < n && p[j].file == p[i].file && p[j].process == p[i].process; j++)
			m += p[j].v;
		size = (double)(j - i);
		m /= size;
		for (size_t l = i; l < j; l++)
			ssw += (p[l].v - m) * (p[l].v - m);
		ssb += size * (m - mean) * (m - mean);
		sum_sq_sizes += size * size;
		k++;
	}
	free(p);
	if (k < 2 || n <= k)
		return NAN;
	msb = ssb / (double)(k - 1);
	msw = ssw / (double)(n - k);
	n0 = ((double)n - sum_sq_sizes / (double)n) / (double)(k - 1);
	s2b = msb > msw ? (msb - msw) / n0 : 0;
	return s2b + msw > 0 ? s2b / (s2b + msw) : NAN;
}

uint64_t ef_boot_seed(uint64_t stream)
{
	uint64_t s = 0x5eed + stream;
	return ef_splitmix64(&s);
}

static int is_sorted(const double *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (v[i - 1] > v[i])
			return 0;
	return 1;
}

/* The median of one resample of sorted[0..n): count how often each index
 * is drawn, then walk the counts to the middle rank(s).  The arithmetic is
 * ef_quantile_sorted's, so the result is the same to the bit. */
static double resample_median(const double *sorted, size_t n, uint64_t *rng, uint32_t *count)
{
	size_t rank = (n - 1) / 2, seen = 0, i = 0;
	double a, b;

	memset(count, 0, n * sizeof *count);
	for (size_t j = 0; j < n; j += 2) {
		size_t first, second;
		ef_resample_pair(rng, n, &first, &second);
		count[first]++;
		if (j + 1 < n)
			count[second]++;
	}
	while (seen + count[i] <= rank)
		seen += count[i++];
	a = sorted[i];
	if (n % 2)
		return a;
	if (seen + count[i] == rank + 1)
		while (!count[++i])
			;
	b = sorted[i];
	return a + ((double)(n - 1) * 0.5 - (double)rank) * (b - a);
}

int ef_boot_compute(ef_boot *b, const double *v, size_t n, uint64_t stream)
{
	uint64_t rng = ef_boot_seed(stream);
	double *copy = NULL;
	uint32_t *count;

	b->have = 0;
	if (n < EF_CI_MIN_SAMPLES || n > UINT32_MAX)
		return 0;
	if (!is_sorted(v, n)) {
		if (!(copy = malloc(n * sizeof *copy)))
			return -1;
		memcpy(copy, v, n * sizeof *copy);
		qsort(copy, n, sizeof *copy, cmp_double);
		v = copy;
	}
	if (!(count = malloc(n * sizeof *count))) {
		free(copy);
		return -1;
	}
	for (unsigned i = 0; i < EF_BOOTSTRAP_RESAMPLES; i++)
		b->median[i] = resample_median(v, n, &rng, count);
	b->have = 1;
	free(count);
	free(copy);
	return 0;
}

/* Reorders v so that v[k] is the value a sort would put there, the ones
 * before it no greater and the ones after no smaller (Hoare's select). */
static void select_kth(double *v, size_t n, size_t k)
{
	long lo = 0, hi = (long)n - 1, want = (long)k;

	while (lo < hi) {
		double pivot = v[lo + (hi - lo) / 2], t;
		long i = lo, j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				t = v[i], v[i] = v[j], v[j] = t;
				i++;
				j--;
			}
		}
		if (want <= j)
			hi = j;
		else if (want >= i)
			lo = i;
		else
			return;
	}
}

/* ef_quantile_sorted(sort(v), n, q) without the sort. */
static double quantile_unsorted(double *v, size_t n, double q)
{
	double h = (double)(n - 1) * q, next;
	size_t i = (size_t)h;

	select_kth(v, n, i);
	if (i + 1 >= n)
		return v[i];
	next = v[i + 1];
	for (size_t j = i + 2; j < n; j++)
		if (v[j] < next)
			next = v[j];
	return v[i] + (h - (double)i) * (next - v[i]);
}

void ef_boot_ratio_ci(const ef_boot *a, const ef_boot *b, double *lo, double *hi)
{
	double ratio[EF_BOOTSTRAP_RESAMPLES];
	size_t k = 0;

	*lo = *hi = NAN;
	if (!a->have || !b->have)
		return;
	for (unsigned i = 0; i < EF_BOOTSTRAP_RESAMPLES; i++)
		if (b->median[i] != 0)
			ratio[k++] = a->median[i] / b->median[i];
	if (!k)
		return;
	*lo = quantile_unsorted(ratio, k, 0.025);
	*hi = quantile_unsorted(ratio, k, 0.975);
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
