/* stats.h: sample statistics for the summary, the report tools and tests. */
#ifndef EF_STATS_H
#define EF_STATS_H

#include "bench.h"

#include <stddef.h>
#include <stdint.h>

typedef struct ef_stats {
	size_t n;
	double median, p5, p95;
	/* 95% confidence interval of the median from order statistics
	 * (distribution-free); NaN when n is too small (n < 6). */
	double ci_lo, ci_hi;
	/* coefficient of variation: the standard deviation (divisor n - 1)
	 * over the mean; NaN under 2 values or with a mean of 0 */
	double cv;
} ef_stats;

/* One sample as taken: its value, and what pairs it with the samples of
 * the benchmark's other modes taken side by side (the same file, process
 * and round: efbench measures the modes of a benchmark in rounds, one
 * sample of each mode a round, the CSV's repetition column); cpu is the
 * CPU time the sample took, in v's unit (the row's cpu_ns), 0 or NaN
 * where none was measured. */
typedef struct ef_sample {
	double v;
	uint32_t file, process;
	uint64_t round;
	double cpu;
} ef_sample;

/* A round that no sample of another mode shares, for samples that were
 * not taken side by side (efbench --interleave none; files from before
 * rounds, whose sidecar has no interleave=): with the sample's own place
 * below it, so that none pair and their overheads are ratios of medians. */
#define EF_ROUND_ALONE (1ull << 63)

/* Quantile q in [0,1] of sorted values, linear interpolation between order
 * statistics (Hyndman & Fan type 7, as R and NumPy by default). */
double ef_quantile_sorted(const double *sorted, size_t n, double q);

/* 1-based ranks (lo, hi) such that [x(lo), x(hi)] covers the median with
 * probability at least `confidence`, as narrow as possible; 0 when no
 * ranks do.  O(n): one pass over the binomial distribution's terms. */
int ef_median_ci_ranks(size_t n, double confidence, size_t *lo, size_t *hi);

/* Sorts v in place and fills out; returns -1 when n == 0. */
int ef_stats_compute(double *v, size_t n, ef_stats *out);

/* Samples of fewer than this many values get no interval (NaN bounds);
 * as for the median's own interval (ef_median_ci_ranks). */
#define EF_CI_MIN_SAMPLES 6

/* How the summaries mark a cell (a median, or an overhead, with its 95%
 * interval), so that a noisy number does not pass for a firm one: FEW when
 * it has no interval (n under EF_CI_MIN_SAMPLES), WIDE when its interval
 * spans more than EF_WIDE_INTERVAL of its value: wider than 10%, a ratio
 * quoted to two digits is not settled.  Measured on the shared 2-core
 * development machine (`efbench --target host`, 20 samples a cell), 58%
 * and 72% of the medians were wider than that with no load of ours, 88%
 * and 96% with a busy loop on each core; at 20%, 44% and 32% against 58%
 * and 58% told the two apart less well. */
#define EF_WIDE_INTERVAL 0.10
enum ef_cell_mark { EF_CELL_NONE, EF_CELL_FEW, EF_CELL_WIDE };
enum ef_cell_mark ef_cell_mark_of(double value, double lo, double hi);
/* "", "few", "wide": the reports' mark column. */
const char *ef_cell_mark_name(enum ef_cell_mark m);
/* " ", "?", "!": the tables' mark after a cell. */
const char *ef_cell_mark_symbol(enum ef_cell_mark m);

/* Paired ratios are taken at the level of the processes from this many
 * processes on (see ef_paired_ratios). */
#define EF_PROCESS_LEVEL_MIN 3
/* erf(2.2414): the confidence of an order-statistics interval of one
 * run's median that holds another run's median of as many samples 97.5%
 * of the time.  The difference of two runs' medians has sqrt(2) times the
 * error of one, so the interval reaches sqrt(2) * 2.2414 = 3.17 standard
 * errors: 2 Phi(3.17) - 1 = 0.998475. */
#define EF_AGREE_CONFIDENCE 0.998475

/* Student's t at 0.9875 (a two-sided 97.5% interval) with df degrees of
 * freedom (NaN for 0). */
double ef_t9875(unsigned df);

typedef struct ef_paired {
	ef_stats st;       /* the ratio (median), its interval (ci_lo, ci_hi), st.n pairs */
	int cpu;           /* 1: the ratios are of CPU time (each sample's cpu), 0: of v */
	size_t processes;  /* how many processes the pairs came from */
} ef_paired;

/* The paired ratios of num over den: each sample of num over the sample of
 * den taken side by side with it, the one with the same file, process and
 * round.  Of CPU time where every pair has it on both sides (out->cpu):
 * a CPU-bound call's CPU time does not grow when other jobs take the CPU
 * from it, where its wall time does, by as much as they take; else of v.
 * Where one (file, process, round) holds several samples of a side, they
 * pair in the order given; a sample without a partner is left out, and so
 * is a pair whose denominator is 0 (no ratio).
 *
 * The interval is an agreement interval: where the same ratio from another
 * run like this one lands 97.5% of the time, so that two runs' ratios each
 * lie inside the other's interval 95% of the time.  A 95% confidence
 * interval of the true ratio is narrower than that: two runs' ratios
 * differ by sqrt(2) times one run's error, and each lies inside the
 * other's 95% confidence interval only about 83% of the time.
 *  - Pairs from at least EF_PROCESS_LEVEL_MIN processes (files and their
 *    processes) are taken at the level of the processes, where the largest
 *    noise lies (Kalibera and Jones: the layout and stack offsets of a
 *    process, and what else the machine ran meanwhile, move its ratios
 *    together, which the rounds of one process cannot show): the ratio is
 *    the median of the processes' median paired ratios, the interval
 *    exp(log ratio +- t sd sqrt(2/k)), sd that of the k processes' log
 *    median ratios, or the log ratios' within a process over the square
 *    root of the rounds a process took where that is more, t =
 *    ef_t9875(k - 1); p5, p95 and cv are the processes'.  No interval
 *    where a paired ratio is 0.
 *  - Fewer processes: the median of all paired ratios, with the order-
 *    statistics interval at EF_AGREE_CONFIDENCE (none under 11 pairs).
 *    It cannot see what moves a whole process.
 * out->st.n is the number of pairs (0: none, the rest NaN).  The arrays
 * are not changed; -1 when memory runs out (and no pairs). */
int ef_paired_ratios(const ef_sample *num, size_t nnum, const ef_sample *den, size_t nden,
		     ef_paired *out);

/* How much of the variance of a sample lies between the processes that
 * took it (each file's process is one process): the intraclass correlation
 * ICC(1) of a one-way random-effects analysis of variance.  With k
 * processes, n_i samples and mean m_i in process i, N samples and mean m
 * in all:
 *   MSB = sum_i n_i (m_i - m)^2 / (k - 1)          between processes
 *   MSW = sum_i sum_j (x_ij - m_i)^2 / (N - k)     within a process
 *   n0  = (N - sum_i n_i^2 / N) / (k - 1)          the processes' size
 *   s2b = max(0, (MSB - MSW) / n0)                 between-process variance
 *   share = s2b / (s2b + MSW)
 * 0: the processes' means differ no more than their samples' spread
 * explains; 1: every process is constant and they differ.  Unlike
 * SSB / SST, it does not grow with k when processes do not differ.  NaN
 * under 2 processes, with no sample beyond one per process, when nothing
 * varies, or when memory runs out. */
double ef_between_process_share(const ef_sample *s, size_t n);

/* The overheads' intervals: a 95% percentile bootstrap of the ratio of
 * medians.  Each sample is resampled EF_BOOTSTRAP_RESAMPLES times with
 * replacement, once, and its resamples' medians serve every ratio it is
 * part of; resample i of the numerator goes over resample i of the
 * denominator. */
#define EF_BOOTSTRAP_RESAMPLES 2000
typedef struct ef_boot {
	int have;       /* 0 under EF_CI_MIN_SAMPLES values: no interval */
	double median[EF_BOOTSTRAP_RESAMPLES];
} ef_boot;

/* A resample of n values is n indices into them, sorted, drawn two at a
 * time from one splitmix64 output: its low 32 bits, then its high 32
 * bits, each times n over 2^32 (so n < 2^32); each resample starts on a
 * new output.  Exposed so that a test can redo a resample the
 * straightforward way. */
static inline void ef_resample_pair(uint64_t *rng, size_t n, size_t *first, size_t *second)
{
	uint64_t x = ef_splitmix64(rng);
	*first = (size_t)(((x & 0xffffffffu) * (uint64_t)n) >> 32);
	*second = (size_t)(((x >> 32) * (uint64_t)n) >> 32);
}

/* The resamples of a sample drawn from stream s start from the state
 * ef_splitmix64(0x5eed + s): scrambled, so that streams do not overlap.
 * efbench's tools use the mode as the stream: a series' resamples depend
 * only on its values and its mode, so one input always gives one interval,
 * and the two sides of a ratio are drawn independently. */
uint64_t ef_boot_seed(uint64_t stream);

/* The medians of the resamples of v[0..n) (any order), each the same as
 * sorting the resample and taking its median (ef_quantile_sorted at 0.5),
 * without the sort: the median of a resample of sorted values is the value
 * at the median of its indices, found by counting them (O(n) a resample).
 * No interval (have 0) under EF_CI_MIN_SAMPLES or from 2^32 values on;
 * -1 when memory runs out. */
int ef_boot_compute(ef_boot *b, const double *v, size_t n, uint64_t stream);

/* The 2.5th and 97.5th percentiles of the ratios of a's resample medians
 * over b's (those with a non-zero denominator); NaN unless both have. */
void ef_boot_ratio_ci(const ef_boot *a, const ef_boot *b, double *lo, double *hi);

/* Mann-Whitney U test, one-sided: the p-value of "b tends to be larger
 * than a" (b stochastically greater), from the normal approximation with
 * the tie correction and a continuity correction; 1 when every value is
 * equal or a sample is empty.  Values need not be sorted. */
double ef_mann_whitney_greater(const double *a, size_t na, const double *b,
			       size_t nb);

#endif
