/* compare.c: efcompare, the regression check behind `make check-regress`.
 *
 *   efcompare [options] BASELINE.csv CANDIDATE.csv
 *
 * Pairs each series of the candidate (target, policy, workload, benchmark,
 * parameter, mode) with the baseline's, whatever host ran either, and
 * judges:
 *   - wall-clock samples (ns, same host): regressed when a one-sided
 *     Mann-Whitney U test says the candidate is slower (p < --alpha), its
 *     median is more than --min-effect slower, and by more than --min-ns:
 *     between two runs of one build, benchmarks of a few ns move by a
 *     cycle (a 10% step at 3 ns) from process to process, which samples
 *     within one run cannot show; changes that small are left to the
 *     instruction counts.  Samples from another host are shown, not judged;
 *   - instruction or cycle counts (exact under callgrind and on the PMP
 *     boards, near-exact under QEMU -icount, where a timer interrupt inside
 *     a sample adds the kernel's instructions): the smallest sample of each
 *     side, which interrupts can only raise; regressed when it grew by more
 *     than --tolerance;
 *   - overheads (validate/unsafe, invoke/unsafe, full/invoke, full/unsafe):
 *     regressed when the ratio grew by more than --min-effect (counts: by
 *     --tolerance) and, for wall-clock, the candidate's 95% bootstrap
 *     interval lies above the baseline's and the difference of the two
 *     medians grew by more than --min-ns.  Ratios mean something across
 *     machines, so a baseline from another host still guards the gate.
 * Prints a Markdown report and exits 1 when anything regressed, 0 when
 * nothing did, 2 on bad usage or input. */
#include "bench.h"
#include "results.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ALPHA 0.01
#define DEFAULT_MIN_EFFECT 0.07
#define DEFAULT_TOLERANCE 0.001
#define DEFAULT_MIN_NS 1.0

enum verdict { REGRESSED, FASTER, SAME, NOT_JUDGED, NVERDICTS };
static const char *const verdict_names[NVERDICTS] = {
	"**regressed**", "faster", "same", "other machine: not judged",
};

typedef struct finding {
	char what[200], mode[40];
	double base, cand, change, p;   /* p: NaN where no test applies */
	char base_txt[64], cand_txt[64];
	enum verdict v;
} finding;

static finding *found;
static size_t nfound, capfound;
static double alpha = DEFAULT_ALPHA, min_effect = DEFAULT_MIN_EFFECT,
	      tolerance = DEFAULT_TOLERANCE, min_ns = DEFAULT_MIN_NS;

static int counts(const ef_series *s)
{
	return strcmp(s->key[EF_COL_UNIT], "ns") != 0;
}

/* The baseline's series with the candidate's key, on any host. */
static const ef_series *match(const ef_results *base, const ef_series *c)
{
	static const int key[] = { EF_COL_TARGET, EF_COL_POLICY, EF_COL_WORKLOAD,
				   EF_COL_BENCH };
	for (size_t i = 0; i < base->n; i++) {
		const ef_series *b = &base->s[i];
		unsigned k;
		if (b->mode != c->mode || b->param != c->param)
			continue;
		for (k = 0; k < EF_COUNT(key); k++)
			if (strcmp(b->key[key[k]], c->key[key[k]]))
				break;
		if (k == EF_COUNT(key))
			return b;
	}
	return NULL;
}

static finding *add(const ef_series *c, const char *mode)
{
	finding *f;
	if (nfound == capfound)
		found = ef_xrealloc(found, (capfound = capfound ? 2 * capfound : 256) * sizeof *found);
	f = &found[nfound++];
	memset(f, 0, sizeof *f);
	snprintf(f->what, sizeof f->what, "%s %s/%s/%llu", c->key[EF_COL_TARGET],
		 c->key[EF_COL_WORKLOAD], c->key[EF_COL_BENCH], c->param);
	snprintf(f->mode, sizeof f->mode, "%s", mode);
	f->p = NAN;
	return f;
}

static void judge_counts(finding *f)
{
	f->v = f->change > tolerance ? REGRESSED : f->change < -tolerance ? FASTER : SAME;
}

/* One mode's samples, candidate against baseline. */
static void compare_raw(const ef_series *b, const ef_series *c)
{
	char mode[40];
	finding *f;

	ef_series_label(c, ef_mode_names[c->mode], mode, sizeof mode);
	f = add(c, mode);
	f->base = counts(c) ? b->v[0] : b->st.median;   /* v is sorted */
	f->cand = counts(c) ? c->v[0] : c->st.median;
	f->change = f->cand / f->base - 1;
	snprintf(f->base_txt, sizeof f->base_txt, "%.4g %s%s", f->base, b->key[EF_COL_UNIT],
		 counts(c) ? " (min)" : "");
	snprintf(f->cand_txt, sizeof f->cand_txt, "%.4g %s%s", f->cand, c->key[EF_COL_UNIT],
		 counts(c) ? " (min)" : "");
	if (counts(c)) {
		judge_counts(f);
		return;
	}
	if (strcmp(b->key[EF_COL_HOST], c->key[EF_COL_HOST])) {
		f->v = NOT_JUDGED;
		return;
	}
	f->p = ef_mann_whitney_greater(b->v, b->n, c->v, c->n);
	if (f->p < alpha && f->change > min_effect && f->cand - f->base > min_ns)
		f->v = REGRESSED;
	else if (ef_mann_whitney_greater(c->v, c->n, b->v, b->n) < alpha &&
		 f->change < -min_effect && f->base - f->cand > min_ns)
		f->v = FASTER;
	else
		f->v = SAME;
}

static void ratio_text(char *buf, size_t len, const ef_ratio *r)
{
	if (isnan(r->lo))
		snprintf(buf, len, "%.4f", r->value);
	else
		snprintf(buf, len, "%.4f [%.4f, %.4f]", r->value, r->lo, r->hi);
}

/* Each overhead the candidate series is the numerator of. */
static void compare_ratios(const ef_results *base, const ef_results *cand,
			   const ef_series *b, const ef_series *c)
{
	for (unsigned k = 0; k < EF_NOVERHEADS; k++) {
		ef_ratio rb, rc;
		char ratio[24], name[40];
		finding *f;

		if (!ef_overhead_of(cand, c, k, &rc) || !ef_overhead_of(base, b, k, &rb))
			continue;
		if (counts(c)) {
			/* Of the smallest samples, as for the raw counts. */
			rc.value = c->v[0] / ef_results_partner(cand, c, ef_overheads[k].den)->v[0];
			rb.value = b->v[0] / ef_results_partner(base, b, ef_overheads[k].den)->v[0];
			rc.lo = rc.hi = rb.lo = rb.hi = NAN;
		}
		snprintf(ratio, sizeof ratio, "%s/%s", ef_mode_names[ef_overheads[k].num],
			 ef_mode_names[ef_overheads[k].den]);
		ef_series_label(c, ratio, name, sizeof name);
		f = add(c, name);
		f->base = rb.value;
		f->cand = rc.value;
		f->change = rc.value / rb.value - 1;
		ratio_text(f->base_txt, sizeof f->base_txt, &rb);
		ratio_text(f->cand_txt, sizeof f->cand_txt, &rc);
		if (counts(c)) {
			judge_counts(f);
		} else if (f->change > min_effect && (isnan(rc.lo) || isnan(rb.hi) || rc.lo > rb.hi) &&
			   rc.difference - rb.difference > min_ns) {
			f->v = REGRESSED;
		} else if (f->change < -min_effect && (isnan(rc.hi) || isnan(rb.lo) || rc.hi < rb.lo) &&
			   rb.difference - rc.difference > min_ns) {
			f->v = FASTER;
		} else {
			f->v = SAME;
		}
	}
}

static int by_verdict(const void *x, const void *y)
{
	const finding *a = x, *b = y;
	if (a->v != b->v)
		return (int)a->v - (int)b->v;
	return (b->change > a->change) - (b->change < a->change);
}

static double number_arg(const char *flag, const char *s, double lo, double hi)
{
	char *end;
	double v = s ? strtod(s, &end) : NAN;
	if (!s || !*s || *end || !(v > lo) || !(v < hi))
		ef_results_die("%s: '%s' is not a number in (%g, %g)", flag, s ? s : "", lo, hi);
	return v;
}

static void usage(void)
{
	printf("usage: efcompare [options] BASELINE.csv CANDIDATE.csv\n"
	       "Compare two efbench result files benchmark by benchmark; print a Markdown\n"
	       "report; exit 1 when anything regressed.\n"
	       "  --alpha P        wall clock: Mann-Whitney U p-value below which a change\n"
	       "                   counts (default %g)\n"
	       "  --min-effect F   wall clock and overhead ratios: the smallest slowdown\n"
	       "                   that counts, as a fraction (default %g: %g%%)\n"
	       "  --min-ns N       wall clock: the smallest slowdown that counts, in ns\n"
	       "                   (default %g); smaller ones are the counts' to catch\n"
	       "  --tolerance F    instruction and cycle counts: the growth allowed, as a\n"
	       "                   fraction (default %g: %g%%)\n"
	       "  --brief          list only what changed\n"
	       "Exit status: 0 nothing regressed, 1 something did, 2 bad usage or input.\n",
	       DEFAULT_ALPHA, DEFAULT_MIN_EFFECT, DEFAULT_MIN_EFFECT * 100, DEFAULT_MIN_NS,
	       DEFAULT_TOLERANCE, DEFAULT_TOLERANCE * 100);
}

int main(int argc, char **argv)
{
	static ef_results base, cand;
	const char *files[2];
	int nfiles = 0, brief = 0;
	size_t count[NVERDICTS] = { 0 }, missing = 0;

	ef_results_prog = "efcompare";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage();
			return 0;
		} else if (!strcmp(argv[i], "--alpha")) {
			alpha = number_arg("--alpha", i + 1 < argc ? argv[++i] : NULL, 0, 1);
		} else if (!strcmp(argv[i], "--min-effect")) {
			min_effect = number_arg("--min-effect", i + 1 < argc ? argv[++i] : NULL, 0, 10);
		} else if (!strcmp(argv[i], "--min-ns")) {
			min_ns = number_arg("--min-ns", i + 1 < argc ? argv[++i] : NULL, -1e-300, 1e12);
		} else if (!strcmp(argv[i], "--tolerance")) {
			tolerance = number_arg("--tolerance", i + 1 < argc ? argv[++i] : NULL, -1e-300, 10);
		} else if (!strcmp(argv[i], "--brief")) {
			brief = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			ef_results_die("unknown option '%s' (see --help)", argv[i]);
		} else if (nfiles < 2) {
			files[nfiles++] = argv[i];
		} else {
			ef_results_die("more than two files (see --help)");
		}
	}
	if (nfiles != 2)
		ef_results_die("need BASELINE.csv and CANDIDATE.csv (see --help)");
	ef_results_read(&base, files[0]);
	ef_results_read(&cand, files[1]);
	if (!base.rows || !cand.rows)
		ef_results_die("%s: no sample with status ok", base.rows ? files[1] : files[0]);
	ef_results_finish(&base);
	ef_results_finish(&cand);
	for (size_t i = 0; i < cand.n; i++) {
		const ef_series *b = match(&base, &cand.s[i]);
		if (!b)
			continue;
		if (strcmp(b->key[EF_COL_UNIT], cand.s[i].key[EF_COL_UNIT]))
			ef_results_die("%s: %s/%s/%llu %s is in %s, the baseline's in %s", files[1],
				       cand.s[i].key[EF_COL_WORKLOAD], cand.s[i].key[EF_COL_BENCH],
				       cand.s[i].param, ef_mode_names[cand.s[i].mode],
				       cand.s[i].key[EF_COL_UNIT], b->key[EF_COL_UNIT]);
		compare_raw(b, &cand.s[i]);
		compare_ratios(&base, &cand, b, &cand.s[i]);
	}
	for (size_t i = 0; i < base.n; i++)
		missing += !match(&cand, &base.s[i]);
	if (!nfound)
		ef_results_die("%s and %s have no benchmark in common", files[0], files[1]);
	qsort(found, nfound, sizeof *found, by_verdict);
	for (size_t i = 0; i < nfound; i++)
		count[found[i].v]++;

	printf("# efbench regression check\n\nBaseline `%s`, candidate `%s`. Wall clock: "
	       "regressed when a one-sided Mann-Whitney U test gives p < %g and the "
	       "median is more than %g%% and %g ns slower (same host only). Counts: the "
	       "smallest sample more than %g%% more. Overhead ratios: more than %g%% higher (counts: %g%%), "
	       "with the 95%% bootstrap intervals apart.\n\n",
	       files[0], files[1], alpha, min_effect * 100, min_ns, tolerance * 100,
	       min_effect * 100, tolerance * 100);
	printf("**%zu regressed**, %zu faster, %zu the same, %zu not judged (other "
	       "machine)%s.\n\n", count[REGRESSED], count[FASTER], count[SAME],
	       count[NOT_JUDGED], missing ? "; some baseline series are not in the candidate" : "");
	printf("| benchmark | mode or ratio | baseline | candidate | change | p-value | verdict |\n"
	       "|---|---|---:|---:|---:|---:|---|\n");
	for (size_t i = 0; i < nfound; i++) {
		const finding *f = &found[i];
		char p[32] = "–";
		if (brief && (f->v == SAME || f->v == NOT_JUDGED))
			continue;
		if (!isnan(f->p))
			snprintf(p, sizeof p, "%.2g", f->p);
		printf("| %s | %s | %s | %s | %+.2f%% | %s | %s |\n", f->what, f->mode,
		       f->base_txt, f->cand_txt, f->change * 100, p, verdict_names[f->v]);
	}
	if (missing)
		printf("\n%zu series of the baseline are not in the candidate.\n", missing);
	return count[REGRESSED] ? 1 : 0;
}
