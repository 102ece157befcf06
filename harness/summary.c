/* summary.c: the tables printed at the end of a run: the median per
 * benchmark and mode with its interval, coefficient of variation and,
 * from several processes, the share of its variance between them; the
 * overheads (modes.h: computed as efreport computes them, paired ratios)
 * with their intervals; cells too noisy to trust marked (stats.h,
 * ef_cell_mark_of); the budgets of docs/design.md that this run measured; and
 * the warning that the machine was noisy. */
#include "format.h"
#include "plan.h"
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The budgets are in time: only targets timed in ns. */
static const ef_group *find(const ef_group *g, unsigned n, const char *id)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(g[i].id, id) && !strcmp(g[i].target->unit, "ns"))
			return &g[i];
	return NULL;
}

static int have(const ef_group *g, unsigned mode)
{
	return g && g->outcome[mode] == EF_RAN;
}

/* OVER_REFERENCE: the mode's throughput at least `limit` times reference
 * mode's on the same benchmark, the paired ratio of reference mode's time
 * over the mode's (modes.h, ef_ratio_of). */
enum budget_kind { AT_LEAST_GBPS, AT_MOST_NS, AT_MOST_RATIO, OVER_REFERENCE };

static const struct budget {
	const char *what;
	enum budget_kind kind;
	unsigned mode;
	const char *id, *base_id;   /* base_id: denominator of a ratio */
	double limit;
} budgets[] = {
	{ "UTF-8 validation of 1 MiB ASCII", AT_LEAST_GBPS, EF_MODE_VALIDATE,
	  "ubench/validate_utf8_ascii/1048576", NULL, 1.0 },
	{ "UTF-8 validation of 1 MiB prose", AT_LEAST_GBPS, EF_MODE_VALIDATE,
	  "ubench/validate_utf8_prose/1048576", NULL, 6.0 },
	{ "UTF-8 validation of 1 MiB mixed text", AT_LEAST_GBPS, EF_MODE_VALIDATE,
	  "ubench/validate_utf8_mixed/1048576", NULL, 6.0 },
	{ "UTF-8 1 MiB ASCII over Rust's from_utf8", OVER_REFERENCE, EF_MODE_VALIDATE,
	  "ubench/validate_utf8_ascii/1048576", NULL, 1.5 },
	{ "UTF-8 1 MiB prose over Rust's from_utf8", OVER_REFERENCE, EF_MODE_VALIDATE,
	  "ubench/validate_utf8_prose/1048576", NULL, 1.5 },
	{ "UTF-8 1 MiB mixed over Rust's from_utf8", OVER_REFERENCE, EF_MODE_VALIDATE,
	  "ubench/validate_utf8_mixed/1048576", NULL, 1.5 },
	{ "upgrade, 64 live allocations over 1", AT_MOST_RATIO, EF_MODE_VALIDATE,
	  "ubench/upgrade/64", "ubench/upgrade/1", 3.0 },
	{ "runner's own cost per iteration", AT_MOST_NS, EF_MODE_UNSAFE,
	  "runner/empty/0", NULL, 1.0 },
};

/* An OVER_REFERENCE budget's line: the paired ratio, with a verdict only
 * where its interval lies on one side of the limit (as the gates'), and
 * both throughputs. */
static void print_over_reference(FILE *out, const struct budget *b, const ef_group *x,
				 const ef_group *ref)
{
	const unsigned m = b->mode, r = EF_MODE_REFERENCE;
	ef_ratio_side num = { &ref->stats[r], NULL, ref->raw[r], ref->nraw[r] };
	ef_ratio_side den = { &x->stats[m], NULL, x->raw[m], x->nraw[m] };
	ef_ratio ratio = ef_ratio_of(&num, &den);
	const char *verdict = ratio.value >= b->limit ? "ok" : "OVER BUDGET";
	char why[96] = "";

	if (!isnan(ratio.lo) && !isnan(ratio.hi) &&
	    (ratio.lo >= b->limit) != (ratio.hi >= b->limit)) {
		verdict = "undecided";
		snprintf(why, sizeof why, " (noisy: interval [%.2f, %.2f])", ratio.lo, ratio.hi);
	}
	fprintf(out, "  %-40s %8.2f x      budget >= %.1f x     %s%s (%.2f over %.2f GB/s)\n",
		b->what, ratio.value, b->limit, verdict, why,
		(double)x->param / x->stats[m].median, (double)x->param / ref->stats[r].median);
}

/* The budgets' heading, before the first budget line only. */
static void budget_heading(FILE *out, int *printed)
{
	if (!(*printed)++)
		fprintf(out, "\nbudgets (from docs/design.md, measured in this run):\n");
}

/* Returns how many budget lines it printed. */
static int print_budgets(FILE *out, const ef_group *g, unsigned n)
{
	int header = 0;

	for (unsigned i = 0; i < sizeof budgets / sizeof *budgets; i++) {
		const struct budget *b = &budgets[i];
		const ef_group *x = find(g, n, b->id);
		const ef_group *base = b->base_id ? find(g, n, b->base_id) : NULL;
		const ef_group *ref = x ? ef_group_of_mode(x, EF_MODE_REFERENCE) : NULL;
		double v;
		int ok;

		if (!have(x, b->mode) || (b->base_id && !have(base, b->mode)) ||
		    (b->kind == OVER_REFERENCE && !have(ref, EF_MODE_REFERENCE)))
			continue;
		budget_heading(out, &header);
		switch (b->kind) {
		case AT_LEAST_GBPS:
			v = (double)x->param / x->stats[b->mode].median;
			ok = v >= b->limit;
			fprintf(out, "  %-40s %8.2f GB/s   budget >= %.1f GB/s  %s\n",
				b->what, v, b->limit, ok ? "ok" : "OVER BUDGET");
			break;
		case AT_MOST_NS:
			v = x->stats[b->mode].median;
			ok = v <= b->limit;
			fprintf(out, "  %-40s %8.3f ns     budget <= %.1f ns    %s\n",
				b->what, v, b->limit, ok ? "ok" : "OVER BUDGET");
			break;
		case AT_MOST_RATIO:
			v = x->stats[b->mode].median / base->stats[b->mode].median;
			ok = v <= b->limit;
			fprintf(out, "  %-40s %8.2f x      budget <= %.1f x     %s\n",
				b->what, v, b->limit, ok ? "ok" : "OVER BUDGET");
			break;
		case OVER_REFERENCE:
			print_over_reference(out, b, x, ref);
			break;
		}
	}
	return header;
}

/* A PMP board's warm gate, at most this many instructions beyond a
 * direct call (docs/design.md). */
#define BOARD_GATE_BUDGET 80

/* The group of benchmark id of x's target and policy, or NULL. */
static const ef_group *sibling_of(const ef_group *g, unsigned n, const ef_group *x,
				  const char *id)
{
	for (unsigned i = 0; i < n; i++)
		if (g[i].target == x->target && g[i].policy == x->policy && !strcmp(g[i].id, id))
			return &g[i];
	return NULL;
}

/* invoke over unsafe of x's medians: what isolating the call added. */
static double added(const ef_group *x)
{
	return x->stats[EF_MODE_INVOKE].median - x->stats[EF_MODE_UNSAFE].median;
}

/* A PMP board's budgets beyond the gate (issue: stacked arguments copied
 * with word loads and stores, callbacks that keep only what the callee may
 * clobber), from instruction counts, exact, so without intervals: each
 * stacked argument (invoke_args/100 over /7, per argument) at most 6
 * instructions beyond unsafe; a callback's round trip (callback/1 beyond
 * unsafe, less the gate that carries it) at most twice the gate's
 * (invoke_args/0 beyond unsafe). */
static void print_board_budgets(FILE *out, const ef_group *g, unsigned n, int *header)
{
	for (unsigned i = 0; i < n; i++) {
		const ef_group *x = &g[i], *a7, *a100, *cb;
		if (!x->target->board || strcmp(x->id, "ubench/invoke_args/0") ||
		    !have(x, EF_MODE_UNSAFE) || !have(x, EF_MODE_INVOKE))
			continue;
		a7 = sibling_of(g, n, x, "ubench/invoke_args/7");
		a100 = sibling_of(g, n, x, "ubench/invoke_args/100");
		cb = sibling_of(g, n, x, "ubench/callback/1");
		char what[64];
		if (have(a7, EF_MODE_UNSAFE) && have(a7, EF_MODE_INVOKE) &&
		    have(a100, EF_MODE_UNSAFE) && have(a100, EF_MODE_INVOKE)) {
			double v = (added(a100) - added(a7)) / (100 - 7);
			budget_heading(out, header);
			snprintf(what, sizeof what, "%s stacked argument, beyond unsafe", x->target->name);
			fprintf(out, "  %-40s %8.2f instr  budget <= 6 instr  %s\n", what, v,
				v <= 6 ? "ok" : "OVER BUDGET");
		}
		if (have(cb, EF_MODE_UNSAFE) && have(cb, EF_MODE_INVOKE) && added(x) > 0) {
			double v = (added(cb) - added(x)) / added(x);
			budget_heading(out, header);
			snprintf(what, sizeof what, "%s callback over the gate", x->target->name);
			fprintf(out, "  %-40s %8.2f x      budget <= 2 x      %s\n", what, v,
				v <= 2 ? "ok" : "OVER BUDGET");
		}
	}
}

/* The gates' budgets: an empty function's call (ubench/invoke_args/0)
 * in invoke mode over unsafe mode's direct call, per target: the PMP
 * boards' warm gate (BOARD_GATE_BUDGET instructions); in a run that
 * counts instructions (icount), each target's budget in instructions per
 * policy (ef_target.gate_budget_icount: mpk under QEMU), else its budget
 * in ns (ef_target.gate_budget_ns). */
static void print_gate_budgets(FILE *out, const ef_group *g, unsigned n, int header, int icount)
{
	print_board_budgets(out, g, n, &header);
	for (unsigned i = 0; i < n; i++) {
		const ef_group *x = &g[i];
		const ef_target *t = x->target;
		int instr = t->board || icount;
		double v, limit = t->board ? BOARD_GATE_BUDGET
			: icount ? (t->gate_budget_icount ? t->gate_budget_icount(x->policy) : 0)
			: t->gate_budget_ns;
		const char *unit = instr ? "instr" : "ns";
		/* The policy, where the target has more than one. */
		const char *pol = t->policy && t->policy(1) ? t->policy(x->policy) : NULL;
		char what[64];

		/* unsafe mode, which has no policy: the benchmark's first
		 * group's (ef_group_of_mode). */
		const ef_group *u = ef_group_of_mode(x, EF_MODE_UNSAFE);
		if (!limit || strcmp(x->id, "ubench/invoke_args/0") ||
		    !have(u, EF_MODE_UNSAFE) || !have(x, EF_MODE_INVOKE))
			continue;
		const ef_stats *inv = &x->stats[EF_MODE_INVOKE];
		double base = u->stats[EF_MODE_UNSAFE].median;
		v = inv->median - base;
		budget_heading(out, &header);
		snprintf(what, sizeof what, "%s%s%s %s over a direct call", t->name,
			 pol ? " " : "", pol ? pol : "", t->board ? "warm gate" : "empty call");
		/* A verdict only where the median's interval is on one side of
		 * the limit: a loaded machine's wide interval decides nothing. */
		const char *verdict = v <= limit ? "ok" : "OVER BUDGET";
		char why[96] = "";
		if (!isnan(inv->ci_lo) && !isnan(inv->ci_hi) &&
		    (inv->ci_lo - base <= limit) != (inv->ci_hi - base <= limit)) {
			verdict = "undecided";
			snprintf(why, sizeof why, " (noisy: interval [%.1f, %.1f])",
				 inv->ci_lo - base, inv->ci_hi - base);
		}
		fprintf(out, "  %-40s %8.1f %-5s  budget <= %g %s  %s%s\n", what, v, unit,
			limit, unit, verdict, why);
	}
}

/* Mode m's resamples of x, drawn on first use: each mode's serve every
 * ratio it is part of.  NULL when memory runs out (no interval then). */
static const ef_boot *boot_of(const ef_group *x, unsigned m, ef_boot *boot, unsigned *drawn)
{
	if (!boot)
		return NULL;
	if (!(*drawn >> m & 1) && ef_boot_compute(&boot[m], x->samples[m], x->stats[m].n, m))
		boot[m].have = 0;
	*drawn |= 1u << m;
	return &boot[m];
}

/* The overhead k of x, from its samples as taken (paired ratios) and its
 * resamples (the ratio of medians); 0 when x lacks either mode.  A mode
 * without policy is its benchmark's first group's (ef_group_of_mode). */
static int overhead_of(const ef_group *x, unsigned k, ef_boot *boot, unsigned *drawn,
		       ef_ratio *r)
{
	unsigned a = ef_overheads[k].num, b = ef_overheads[k].den;
	const ef_group *xa = ef_group_of_mode(x, a), *xb = ef_group_of_mode(x, b);

	if (!have(xa, a) || !have(xb, b) || !xa->samples[a] || !xb->samples[b])
		return 0;
	ef_ratio_side num = { &xa->stats[a], boot_of(xa, a, boot, drawn), xa->raw[a],
			      xa->nraw[a] };
	ef_ratio_side den = { &xb->stats[b], boot_of(xb, b, boot, drawn), xb->raw[b],
			      xb->nraw[b] };
	*r = ef_ratio_of(&num, &den);
	return 1;
}

/* The first column of x's lines: its id, and the policy of its isolating
 * modes where the target has a choice. */
static void row_name(FILE *out, const ef_group *x)
{
	char name[sizeof x->id + 32];

	if (x->target->use_policy)
		snprintf(name, sizeof name, "%s (%s)", x->id, ef_group_policy(x, EF_MODE_INVOKE));
	else
		snprintf(name, sizeof name, "%s", x->id);
	fprintf(out, "%-36s", name);
}

/* Per target, every benchmark's overheads with their intervals, for the
 * pairs of modes the target has: the paired ratio (ef_paired_ratios;
 * marked c where of CPU time) where the modes' samples pair, else the
 * ratio of medians (marked m). */
static void print_overheads(FILE *out, const ef_group *g, unsigned n)
{
	const ef_target *target = NULL;
	ef_boot *boot = malloc(EF_MODE_COUNT * sizeof *boot);
	unsigned cols = 0;

	for (unsigned i = 0; i < n; i++) {
		const ef_group *x = &g[i];
		unsigned drawn = 0;

		if (x->target != target) {
			unsigned modes = ef_target_modes(x->target);
			target = x->target;
			cols = 0;
			for (unsigned k = 0; k < EF_NOVERHEADS; k++)
				if (modes >> ef_overheads[k].num & 1 && modes >> ef_overheads[k].den & 1)
					cols |= 1u << k;
			if (!cols)
				continue;
			fprintf(out, "\ntarget %s: overheads, paired ratios [agreement interval: "
				"another run's lands inside 97.5%% of the time]; c: of CPU time; m: no "
				"samples pair, ratio of medians [95%% bootstrap CI]%s\n%-36s",
				target->name, target->board ? "; invoke and full warm" : "",
				"benchmark");
			for (unsigned k = 0; k < EF_NOVERHEADS; k++)
				if (cols >> k & 1) {
					char head[40];
					snprintf(head, sizeof head, "%s/%s",
						 ef_mode_name(ef_overheads[k].num),
						 ef_mode_name(ef_overheads[k].den));
					fprintf(out, " %-28s", head);
				}
			fputc('\n', out);
		}
		if (!cols)
			continue;
		row_name(out, x);
		for (unsigned k = 0; k < EF_NOVERHEADS; k++) {
			char cell[80] = "-";
			ef_ratio r;

			if (!(cols >> k & 1))
				continue;
			if (overhead_of(x, k, boot, &drawn, &r)) {
				int len = isnan(r.lo)
					? snprintf(cell, sizeof cell, "%.3f", r.value)
					: snprintf(cell, sizeof cell, "%.3f [%.3f,%.3f]", r.value,
						   r.lo, r.hi);
				snprintf(cell + len, sizeof cell - (size_t)len, " %s%s%s",
					 ef_cell_mark_symbol(ef_cell_mark_of(r.value, r.lo, r.hi)),
					 ef_ratio_letter(&r)[0] ? " " : "", ef_ratio_letter(&r));
			}
			fprintf(out, " %-28s", cell);
		}
		fputc('\n', out);
	}
	free(boot);
}

/* A median's cell: "median [lo,hi] cv C% bp B% M", the interval where
 * it has one, bp where its samples came from several processes, M its
 * mark (ef_cell_mark_symbol). */
static void median_cell(char *cell, size_t len, const ef_group *x, unsigned m)
{
	const ef_stats *s = &x->stats[m];
	double share = x->raw[m] ? ef_between_process_share(x->raw[m], x->nraw[m]) : NAN;
	char a[128], b[64];
	size_t k;

	ef_format_interval(a, sizeof a, ef_quantity_of_unit(x->target->unit), s->median,
			   s->ci_lo, s->ci_hi);
	ef_format_spread(b, sizeof b, s->cv, share);
	k = (size_t)snprintf(cell, len, "%s%s%s", a, b[0] ? " " : "", b);
	if (k < len)
		snprintf(cell + k, len - k, " %s",
			 ef_cell_mark_symbol(ef_cell_mark_of(s->median, s->ci_lo, s->ci_hi)));
}

void ef_summary_print(FILE *out, const ef_group *g, unsigned n, int icount)
{
	const ef_target *target = NULL;

	for (unsigned i = 0; i < n; i++) {
		const ef_group *x = &g[i];

		if (x->target != target) {
			target = x->target;
			fprintf(out, "\ntarget %s: %s per iteration, median [95%% CI of the "
				"median] cv (coefficient of variation)%s\n%-36s", target->name,
				ef_quantity_of_unit(target->unit) == EF_Q_NS ? "time" : target->unit,
				target->board ? "; invoke and full warm" : "",
				"benchmark");
			for (unsigned m = 0; m < EF_MODE_COUNT; m++)
				if (ef_target_modes(target) >> m & 1)
					fprintf(out, " %-40s", ef_mode_name(m));
			fputc('\n', out);
		}
		row_name(out, x);
		for (unsigned m = 0; m < EF_MODE_COUNT; m++) {
			char cell[96] = "-";

			if (!(ef_target_modes(target) >> m & 1))
				continue;
			if (ef_group_of_mode(x, m) != x)
				snprintf(cell, sizeof cell, "as above");
			else if (x->outcome[m] == EF_FAILED)
				snprintf(cell, sizeof cell, "ERROR");
			else if (x->outcome[m] == EF_RAN)
				median_cell(cell, sizeof cell, x, m);
			fprintf(out, " %-40s", cell);
		}
		fputc('\n', out);
	}
	if (n)
		fprintf(out, "\n! interval wider than %.0f%% of the value; ? fewer than %d samples "
			"(pairs), no interval; bp: the share of the variance between processes "
			"(ICC(1))\n", 100 * EF_WIDE_INTERVAL, EF_CI_MIN_SAMPLES);
	print_overheads(out, g, n);
	print_gate_budgets(out, g, n, print_budgets(out, g, n), icount);
}

/* The A/A pair: the runner's empty loop, one code, in two modes. */
static const char aa_id[] = "runner/empty/0";

int ef_summary_warn_noise(FILE *out, const ef_group *g, unsigned n)
{
	unsigned cells = 0, wide = 0, aa = 0, drawn = 0;
	int said = 0;
	ef_ratio r;

	while (ef_overheads[aa].num != EF_MODE_VALIDATE || ef_overheads[aa].den != EF_MODE_UNSAFE)
		aa++;

	for (unsigned i = 0; i < n; i++) {
		const ef_group *x = &g[i];
		for (unsigned m = 0; m < EF_MODE_COUNT; m++)
			if (have(x, m)) {
				const ef_stats *s = &x->stats[m];
				cells++;
				wide += ef_cell_mark_of(s->median, s->ci_lo, s->ci_hi) == EF_CELL_WIDE;
			}
		if (!strcmp(x->id, aa_id) && overhead_of(x, aa, NULL, &drawn, &r)) {
			if (!isnan(r.lo) && (r.lo < 1 - EF_AA_TOLERANCE || r.hi > 1 + EF_AA_TOLERANCE)) {
				fprintf(out, "efbench: warning: the machine was noisy: target %s's "
					"%s ran one code as validate and unsafe, and their paired "
					"ratio is %.3f [%.3f,%.3f], beyond 1 +- %.2f: ratios of this "
					"run may be off by as much\n", x->target->name, aa_id, r.value,
					r.lo, r.hi, EF_AA_TOLERANCE);
				said++;
			}
		}
	}
	if (cells && wide > EF_WIDE_CELLS_SHARE * cells) {
		fprintf(out, "efbench: warning: the machine was noisy: %u of %u medians have "
			"an interval wider than %.0f%% of the median (marked !)\n", wide, cells,
			100 * EF_WIDE_INTERVAL);
		said++;
	}
	return said;
}
