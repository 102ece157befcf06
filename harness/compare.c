/* compare.c: the regression check (compare.h).
 *
 * Each series of the candidate (target, policy, workload, benchmark,
 * parameter, mode) is paired with the baseline's on the candidate's own
 * machine (host, CPU model, machine_id where known) when the baseline has
 * that machine, and otherwise with the baseline's on each machine it has.
 * Which pairs are made never depends on the order of the rows.  Judged:
 *   - wall-clock samples (ns), own machine only: regressed when a one-sided
 *     Mann-Whitney U test says the candidate is slower (p < alpha), its
 *     median is more than min_effect slower, and by more than min_ns:
 *     between two runs of one build, benchmarks of a few ns move by a
 *     cycle (a 10% step at 3 ns) from process to process, which samples
 *     within one run cannot show; changes that small are left to the
 *     instruction counts.  Against another machine: shown, not judged;
 *   - instruction or cycle counts (exact under callgrind and on the PMP
 *     boards, near-exact under QEMU -icount, where a timer interrupt inside
 *     a sample adds the kernel's instructions), on any machine: the
 *     smallest sample of each side, which interrupts can only raise;
 *     regressed when it grew by more than tolerance;
 *   - overheads (validate/unsafe, invoke/unsafe, full/invoke, full/unsafe,
 *     each of series of one unit), on any machine: regressed when the ratio
 *     grew by more than min_effect (counts: by tolerance) and, for wall
 *     clock, the candidate's 95% bootstrap interval lies above the
 *     baseline's and the difference of the two medians grew by more than
 *     min_ns.  Ratios mean something across machines, so a baseline from
 *     another machine still guards the gate;
 *   - completeness: a baseline series that the candidate lacks on every
 *     machine, or has only error rows for, fails the check
 *     (docs/design.md: a missing or failed series is a failure).
 * ef_compare_ab judges the pairs of processes of an A/B run instead
 * (compare.h), with the same report and outcomes. */
#include "compare.h"
#include "bench.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum verdict { MISSING, FAILED, REGRESSED, FASTER, SAME, NOT_JUDGED, NVERDICTS };
static const char *const verdict_names[NVERDICTS] = {
	"**missing from the candidate**", "**failed in the candidate**", "**regressed**",
	"faster", "same", "other machine: not judged",
};

typedef struct finding {
	const ef_series *b, *c;     /* c NULL: missing or failed */
	int overhead;               /* -1: the samples themselves */
	int other_machine;
	double base, cand, change, p;   /* p: NaN where no test applies */
	/* A/B runs: the change's interval, from how many pairs (0: not A/B) */
	double lo, hi;
	size_t pairs;
	const ef_ratio *rb, *rc;    /* overheads with intervals; NULL for counts */
	const char *message;        /* failed: the first error row's */
	enum verdict v;
} finding;

struct check {
	const ef_compare_options *o;
	finding *found;
	size_t n, cap;
};

static int counts(const ef_series *s)
{
	return strcmp(s->key[EF_COL_UNIT], "ns") != 0;
}

static finding *add(struct check *k, const ef_series *b, const ef_series *c, int overhead)
{
	finding *f;
	if (k->n == k->cap)
		k->found = ef_xrealloc(k->found, (k->cap = k->cap ? 2 * k->cap : 256) * sizeof *f);
	f = &k->found[k->n++];
	memset(f, 0, sizeof *f);
	f->b = b;
	f->c = c;
	f->overhead = overhead;
	f->other_machine = c && !ef_same_machine(b, c);
	f->p = NAN;
	return f;
}

static void judge_counts(struct check *k, finding *f)
{
	f->v = f->change > k->o->tolerance ? REGRESSED
	     : f->change < -k->o->tolerance ? FASTER : SAME;
}

/* One mode's samples, candidate against baseline. */
static void compare_raw(struct check *k, const ef_series *b, const ef_series *c)
{
	const ef_compare_options *o = k->o;
	finding *f = add(k, b, c, -1);

	f->base = counts(c) ? b->v[0] : b->st.median;   /* v is sorted */
	f->cand = counts(c) ? c->v[0] : c->st.median;
	f->change = f->cand / f->base - 1;
	if (counts(c)) {
		judge_counts(k, f);
		return;
	}
	if (f->other_machine) {
		f->v = NOT_JUDGED;
		return;
	}
	f->p = ef_mann_whitney_greater(b->v, b->n, c->v, c->n);
	if (f->p < o->alpha && f->change > o->min_effect && f->cand - f->base > o->min_ns)
		f->v = REGRESSED;
	else if (ef_mann_whitney_greater(c->v, c->n, b->v, b->n) < o->alpha &&
		 f->change < -o->min_effect && f->base - f->cand > o->min_ns)
		f->v = FASTER;
	else
		f->v = SAME;
}

/* Each overhead the candidate series is the numerator of. */
static void compare_ratios(struct check *k, const ef_results *base, const ef_results *cand,
			   const ef_series *b, const ef_series *c)
{
	const ef_compare_options *o = k->o;

	for (unsigned j = 0; j < EF_NOVERHEADS; j++) {
		const ef_ratio *rb = ef_series_overhead(b, j), *rc = ef_series_overhead(c, j);
		finding *f;

		if (!rb || !rc)
			continue;
		f = add(k, b, c, (int)j);
		if (counts(c)) {
			/* Of the smallest samples, as for the raw counts. */
			f->cand = c->v[0] / ef_results_partner(cand, c, ef_overheads[j].den)->v[0];
			f->base = b->v[0] / ef_results_partner(base, b, ef_overheads[j].den)->v[0];
			f->change = f->cand / f->base - 1;
			judge_counts(k, f);
			continue;
		}
		f->rb = rb;
		f->rc = rc;
		f->base = rb->value;
		f->cand = rc->value;
		f->change = rc->value / rb->value - 1;
		if (f->change > o->min_effect && (isnan(rc->lo) || isnan(rb->hi) || rc->lo > rb->hi) &&
		    rc->difference - rb->difference > o->min_ns)
			f->v = REGRESSED;
		else if (f->change < -o->min_effect && (isnan(rc->hi) || isnan(rb->lo) ||
			 rc->hi < rb->lo) && rb->difference - rc->difference > o->min_ns)
			f->v = FASTER;
		else
			f->v = SAME;
	}
}

/* A total order, so the report never depends on the order of the rows:
 * verdict, largest change first, then the names. */
static int by_verdict(const void *x, const void *y)
{
	const finding *a = x, *b = y;
	static const int key[] = { EF_COL_TARGET, EF_COL_WORKLOAD, EF_COL_BENCH, EF_COL_POLICY,
				   EF_COL_HOST };
	int c;

	double ca = isnan(a->change) ? -INFINITY : a->change;
	double cb = isnan(b->change) ? -INFINITY : b->change;

	if (a->v != b->v)
		return (int)a->v - (int)b->v;
	if (ca != cb)
		return (cb > ca) - (cb < ca);
	for (unsigned k = 0; k < EF_COUNT(key); k++)
		if ((c = strcmp(a->b->key[key[k]], b->b->key[key[k]])))
			return c;
	if (a->b->param != b->b->param)
		return (a->b->param > b->b->param) - (a->b->param < b->b->param);
	if (a->b->mode != b->b->mode)
		return (int)a->b->mode - (int)b->b->mode;
	return a->overhead - b->overhead;
}

static void print_ratio(FILE *out, double v, const ef_ratio *r)
{
	if (!r || isnan(r->lo))
		fprintf(out, "%.4f", v);
	else
		fprintf(out, "%.4f [%.4f, %.4f]", v, r->lo, r->hi);
}

static void print_side(FILE *out, const finding *f, const ef_series *s, double v,
		       const ef_ratio *r)
{
	fputc(' ', out);
	if (f->overhead >= 0)
		print_ratio(out, v, r);
	else
		fprintf(out, "%.4g %s%s", v, s->key[EF_COL_UNIT], counts(s) ? " (min)" : "");
	if (f->other_machine && s == f->b)
		fprintf(out, " on %s", s->key[EF_COL_HOST]);
	fputs(" |", out);
}

static void print_finding(FILE *out, const finding *f)
{
	const ef_series *s = f->c ? f->c : f->b;

	fprintf(out, "| %s %s/%s/%llu | ", s->key[EF_COL_TARGET], s->key[EF_COL_WORKLOAD],
		s->key[EF_COL_BENCH], s->param);
	if (f->overhead < 0) {
		ef_print_label(out, s, ef_mode_name(s->mode));
	} else {
		const ef_overhead *h = &ef_overheads[f->overhead];
		size_t len = strlen(ef_mode_name(h->num)) + strlen(ef_mode_name(h->den)) + 2;
		char *ratio = ef_xrealloc(NULL, len);
		snprintf(ratio, len, "%s/%s", ef_mode_name(h->num), ef_mode_name(h->den));
		ef_print_label(out, s, ratio);
		free(ratio);
	}
	fputs(" |", out);
	if (!f->c) {
		fprintf(out, " %.4g %s | – | – | – | %s", f->pairs ? f->base : f->b->st.median,
			f->b->key[EF_COL_UNIT], verdict_names[f->v]);
		if (f->message)
			fprintf(out, ": %s", f->message);
		fputs(" |\n", out);
		return;
	}
	print_side(out, f, f->b, f->base, f->rb);
	print_side(out, f, f->c, f->cand, f->rc);
	fprintf(out, " %+.2f%%", f->change * 100);
	if (f->pairs && !isnan(f->lo))
		fprintf(out, " [%+.2f%%, %+.2f%%]", (f->lo - 1) * 100, (f->hi - 1) * 100);
	fputs(" | ", out);
	if (f->pairs)
		fprintf(out, "%zu pairs", f->pairs);
	else if (isnan(f->p))
		fputs("–", out);
	else
		fprintf(out, "%.2g", f->p);
	fprintf(out, " | %s |\n", verdict_names[f->v]);
}

__attribute__((format(printf, 3, 4)))
static int refuse(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	ef_one_line(err);
	return EF_COMPARE_BAD_INPUT;
}

/* The baseline's series to judge c against: on c's machine when the
 * baseline has it, else on each machine it has; *n of them into pairs. */
static const ef_series **pairs_of(const ef_results *base, const ef_series *c, size_t *n)
{
	const ef_series **pairs = NULL, *b;

	*n = 0;
	for (b = ef_results_any_host(base, c); b; b = ef_results_next_any_host(base, b))
		if (ef_same_machine(b, c)) {
			pairs = ef_xrealloc(pairs, sizeof *pairs);
			pairs[0] = b;
			*n = 1;
			return pairs;
		}
	for (b = ef_results_any_host(base, c); b; b = ef_results_next_any_host(base, b)) {
		pairs = ef_xrealloc(pairs, (*n + 1) * sizeof *pairs);
		pairs[(*n)++] = b;
	}
	return pairs;
}

/* The summary line, the table and the outcome, after the caller's
 * introduction; frees the findings and returns the outcome. */
static int report(struct check *k, FILE *out)
{
	size_t count[NVERDICTS] = { 0 };
	int status;

	qsort(k->found, k->n, sizeof *k->found, by_verdict);
	for (size_t i = 0; i < k->n; i++)
		count[k->found[i].v]++;
	fprintf(out, "**%zu regressed**, %zu faster, %zu the same, %zu not judged (other "
		"machine); **%zu missing from the candidate**, **%zu failed in the candidate**.\n\n",
		count[REGRESSED], count[FASTER], count[SAME], count[NOT_JUDGED], count[MISSING],
		count[FAILED]);
	fputs("| benchmark | mode or ratio | baseline | candidate | change | p-value | verdict |\n"
	      "|---|---|---:|---:|---:|---:|---|\n", out);
	for (size_t i = 0; i < k->n; i++)
		if (!k->o->brief || (k->found[i].v != SAME && k->found[i].v != NOT_JUDGED))
			print_finding(out, &k->found[i]);
	status = count[MISSING] + count[FAILED] ? EF_COMPARE_INCOMPLETE
	       : count[REGRESSED] ? EF_COMPARE_REGRESSED : EF_COMPARE_PASSED;
	fprintf(out, "\nOutcome: %s.\n", status == EF_COMPARE_INCOMPLETE
		? "incomplete, the candidate lacks baseline series (exit status 3)"
		: status == EF_COMPARE_REGRESSED ? "regressed (exit status 1)"
		: "passed, nothing regressed (exit status 0)");
	free(k->found);
	return status;
}

/* A candidate series missing, or with only error rows, in cand. */
static void missing(struct check *k, const ef_results *cand, const ef_series *b)
{
	finding *f = add(k, b, NULL, -1);
	f->message = ef_results_failed(cand, b);
	f->v = f->message ? FAILED : MISSING;
	f->change = NAN;
}

int ef_compare(const ef_results *base, const ef_results *cand, const char *base_name,
	       const char *cand_name, const ef_compare_options *o, FILE *out, char *err,
	       size_t errlen)
{
	struct check k = { o, NULL, 0, 0 };
	int status;

	if (!base->rows)
		return refuse(err, errlen, "%s: no sample with status ok: nothing to check against",
			      base_name);
	for (size_t i = 0; i < cand->n; i++) {
		const ef_series *c = &cand->s[i];
		size_t npairs;
		const ef_series **pairs = pairs_of(base, c, &npairs);

		for (size_t j = 0; j < npairs; j++)
			if (strcmp(pairs[j]->key[EF_COL_UNIT], c->key[EF_COL_UNIT])) {
				status = refuse(err, errlen, "%s: %s/%s/%llu %s is in %s, the baseline's "
						"(host %s) in %s", cand_name, c->key[EF_COL_WORKLOAD],
						c->key[EF_COL_BENCH], c->param, ef_mode_name(c->mode),
						c->key[EF_COL_UNIT], pairs[j]->key[EF_COL_HOST],
						pairs[j]->key[EF_COL_UNIT]);
				free(pairs);
				free(k.found);
				return status;
			}
		for (size_t j = 0; j < npairs; j++) {
			compare_raw(&k, pairs[j], c);
			compare_ratios(&k, base, cand, pairs[j], c);
		}
		free(pairs);
	}
	for (size_t i = 0; i < base->n; i++) {
		const ef_series *b = &base->s[i];
		/* Once per key, whichever machines the baseline has it on. */
		if (ef_results_any_host(base, b) == b && !ef_results_any_host(cand, b))
			missing(&k, cand, b);
	}
	fprintf(out, "# efbench regression check\n\nBaseline `%s`, candidate `%s`. Each candidate "
		"series is paired with the baseline's from the same machine (host, CPU model, "
		"machine_id where known) when the baseline has it, otherwise with the baseline's "
		"from each machine it has (\"on HOST\"): instruction counts and overhead ratios "
		"are judged across machines, wall-clock times are not. Wall clock: regressed when "
		"a one-sided Mann-Whitney U test gives p < %g and the median is more than %g%% and "
		"%g ns slower. Counts: the smallest sample more than %g%% more. Overhead ratios: "
		"more than %g%% higher (counts: %g%%), with the 95%% bootstrap intervals apart. "
		"A baseline series the candidate lacks, or has only error rows for, fails the "
		"check.\n\n", base_name, cand_name, o->alpha, o->min_effect * 100, o->min_ns,
		o->tolerance * 100, o->min_effect * 100, o->tolerance * 100);
	return report(&k, out);
}

/* R's series of like's key on like's machine, or NULL; *elsewhere set
 * when R has that key on another machine (before this one, if any). */
static const ef_series *same_series(const ef_results *R, const ef_series *like, int *elsewhere)
{
	const ef_series *s;

	*elsewhere = 0;
	for (s = ef_results_any_host(R, like); s; s = ef_results_next_any_host(R, s)) {
		if (ef_same_machine(s, like))
			return s;
		*elsewhere = 1;
	}
	return NULL;
}

/* The median of v[0..n), n > 0, sorting v. */
static double median_of(double *v, size_t n)
{
	ef_stats st;
	ef_stats_compute(v, n, &st);
	return st.median;
}

/* Does `lacking` lack a series that `having` has?  Then the refusal, in
 * err (1); else 0. */
static int base_lacks(const ef_results *lacking, const ef_results *having,
		      const char *lacking_name, const char *having_name, char *err, size_t errlen)
{
	for (size_t j = 0; j < having->n; j++) {
		const ef_series *s = &having->s[j];
		if (!same_series(lacking, s, &(int){ 0 })) {
			refuse(err, errlen, "%s lacks %s/%s/%llu %s, which %s has: the base runs "
			       "must hold the same series", lacking_name, s->key[EF_COL_WORKLOAD],
			       s->key[EF_COL_BENCH], s->param, ef_mode_name(s->mode), having_name);
			return 1;
		}
	}
	return 0;
}

/* One series of base[0] judged over every pair; 0, or the refusal's
 * status with err set. */
static int judge_ab(struct check *k, const ef_results *base, const ef_results *cand,
		    size_t npairs, char *const *base_names, char *const *cand_names,
		    const ef_series *s, char *err, size_t errlen)
{
	const ef_compare_options *o = k->o;
	const ef_series **b = ef_xrealloc(NULL, 2 * npairs * sizeof *b), **c = b + npairs;
	double *fb = ef_xrealloc(NULL, 3 * npairs * sizeof *fb), *fc = fb + npairs,
	       *ratio = fc + npairs;
	size_t lo, hi, lacking = npairs;
	int elsewhere, status = 0;
	finding *f;

	for (size_t i = 0; i < npairs; i++) {
		b[i] = same_series(&base[i], s, &elsewhere);   /* ef_compare_ab checked */
		c[i] = same_series(&cand[i], s, &elsewhere);
		if (elsewhere && !c[i]) {
			status = refuse(err, errlen, "%s and %s come from different machines: an A/B "
					"pair runs on one", base_names[i], cand_names[i]);
			goto out;
		}
		if (c[i] && strcmp(c[i]->key[EF_COL_UNIT], s->key[EF_COL_UNIT])) {
			status = refuse(err, errlen, "%s: %s/%s/%llu %s is in %s, the base's in %s",
					cand_names[i], s->key[EF_COL_WORKLOAD], s->key[EF_COL_BENCH],
					s->param, ef_mode_name(s->mode), c[i]->key[EF_COL_UNIT],
					s->key[EF_COL_UNIT]);
			goto out;
		}
		if (!c[i] && lacking == npairs)
			lacking = i;
	}
	if (lacking < npairs) {
		/* Which pair lacks it is in the message, if a row says why. */
		missing(k, &cand[lacking], s);
		f = &k->found[k->n - 1];
		f->pairs = npairs;
		for (size_t i = 0; i < npairs; i++)
			fb[i] = b[i]->v[0];
		f->base = median_of(fb, npairs);
		goto out;
	}
	f = add(k, s, s, -1);
	f->pairs = npairs;
	if (counts(s)) {
		f->base = b[0]->v[0];
		f->cand = c[0]->v[0];
		for (size_t i = 1; i < npairs; i++) {
			f->base = fmin(f->base, b[i]->v[0]);
			f->cand = fmin(f->cand, c[i]->v[0]);
		}
		f->change = f->cand / f->base - 1;
		f->lo = f->hi = NAN;
		judge_counts(k, f);
		goto out;
	}
	/* Each process's fastest sample (v is sorted): noise only ever adds
	 * time, and under a competing load a process's median moves with how
	 * often its samples were preempted (docs/regressions.md). */
	for (size_t i = 0; i < npairs; i++) {
		fb[i] = b[i]->v[0];
		fc[i] = c[i]->v[0];
		ratio[i] = fc[i] / fb[i];
	}
	f->base = median_of(fb, npairs);
	f->cand = median_of(fc, npairs);
	f->change = median_of(ratio, npairs) - 1;
	ef_median_ci_ranks(npairs, 0.95, &lo, &hi);   /* npairs >= EF_AB_MIN_PAIRS */
	f->lo = ratio[lo - 1];
	f->hi = ratio[hi - 1];
	/* The paired change in ns, on the base's median: under load the
	 * medians of either side, taken apart, can even move the other way. */
	if (f->change > o->min_effect && f->lo > 1 && f->change * f->base > o->min_ns)
		f->v = REGRESSED;
	else if (f->change < -o->min_effect && f->hi < 1 && -f->change * f->base > o->min_ns)
		f->v = FASTER;
	else
		f->v = SAME;
out:
	free(b);
	free(fb);
	return status;
}

int ef_compare_ab(const ef_results *base, const ef_results *cand, size_t npairs,
		  char *const *base_names, char *const *cand_names,
		  const ef_compare_options *o, FILE *out, char *err, size_t errlen)
{
	struct check k = { o, NULL, 0, 0 };
	int status;

	if (npairs < EF_AB_MIN_PAIRS)
		return refuse(err, errlen, "%zu pairs of files: an A/B check needs at least %d, "
			      "for a 95%% interval of the median ratio", npairs, EF_AB_MIN_PAIRS);
	for (size_t i = 0; i < npairs; i++) {
		if (!base[i].rows)
			return refuse(err, errlen, "%s: no sample with status ok: nothing to check "
				      "against", base_names[i]);
		/* The base files hold the same series, each base[0]'s and no
		 * other. */
		if (i && (base_lacks(&base[0], &base[i], base_names[0], base_names[i], err, errlen) ||
			  base_lacks(&base[i], &base[0], base_names[i], base_names[0], err, errlen)))
			return EF_COMPARE_BAD_INPUT;
	}
	for (size_t j = 0; j < base[0].n; j++)
		if ((status = judge_ab(&k, base, cand, npairs, base_names, cand_names,
				       &base[0].s[j], err, errlen))) {
			free(k.found);
			return status;
		}
	fprintf(out, "# efbench A/B regression check\n\n%zu pairs of processes run one after "
		"the other on one machine, base `%s` … `%s`, candidate `%s` … `%s`. Baseline and "
		"candidate: the median over the processes of each one's fastest sample. Wall clock: "
		"per pair, the candidate's fastest sample over the base's; regressed when the median of these paired "
		"ratios is more than %g%% over 1, its 95%% distribution-free interval (in brackets) "
		"lies above 1, and that change is more than %g ns of the baseline. Counts: the smallest "
		"sample of all runs more than %g%% more. A base series the candidate lacks in any "
		"pair, or has only error rows for, fails the check.\n\n", npairs, base_names[0],
		base_names[npairs - 1], cand_names[0], cand_names[npairs - 1], o->min_effect * 100,
		o->min_ns, o->tolerance * 100);
	return report(&k, out);
}
