/* summary.c: the tables printed at the end of a run: the median per
 * benchmark and mode with each mode's ratio to unsafe; the overheads
 * (modes.h: computed as efreport computes them) with their confidence
 * intervals; and the budgets of docs/design.md that this run measured. */
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

enum budget_kind { AT_LEAST_GBPS, AT_MOST_NS, AT_MOST_RATIO };

static const struct budget {
	const char *what;
	enum budget_kind kind;
	unsigned mode;
	const char *id, *base_id;   /* base_id: denominator of a ratio */
	double limit;
} budgets[] = {
	{ "UTF-8 validation of 1 MiB ASCII", AT_LEAST_GBPS, EF_MODE_VALIDATE,
	  "ubench/validate_utf8_ascii/1048576", NULL, 1.0 },
	{ "UTF-8 validation of 1 MiB mixed text", AT_LEAST_GBPS, EF_MODE_VALIDATE,
	  "ubench/validate_utf8_mixed/1048576", NULL, 0.3 },
	{ "upgrade, 64 live allocations over 1", AT_MOST_RATIO, EF_MODE_VALIDATE,
	  "ubench/upgrade/64", "ubench/upgrade/1", 3.0 },
	{ "runner's own cost per iteration", AT_MOST_NS, EF_MODE_UNSAFE,
	  "runner/empty/0", NULL, 1.0 },
};

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
		double v;
		int ok;

		if (!have(x, b->mode) || (b->base_id && !have(base, b->mode)))
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
		}
	}
	return header;
}

/* The PMP gate's budget: a warm round trip of invoke_args/0 (an empty
 * function) at most 100 instructions beyond unsafe mode's direct call. */
static void print_pmp_budget(FILE *out, const ef_group *g, unsigned n, int header)
{
	for (unsigned i = 0; i < n; i++) {
		const ef_group *x = &g[i];
		double v;
		if (!x->target->board || strcmp(x->id, "ubench/invoke_args/0") ||
		    !have(x, EF_MODE_UNSAFE) || !have(x, EF_MODE_INVOKE))
			continue;
		v = x->stats[EF_MODE_INVOKE].median - x->stats[EF_MODE_UNSAFE].median;
		budget_heading(out, &header);
		char what[64];
		snprintf(what, sizeof what, "%s warm gate over a direct call",
			 x->target->name);
		fprintf(out, "  %-40s %8.1f instr  budget <= 100 instr  %s\n",
			what, v, v <= 100 ? "ok" : "OVER BUDGET");
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

/* Per target, every benchmark's overheads with 95% bootstrap intervals
 * (ef_boot_ratio_ci), for the pairs of modes the target has. */
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
			fprintf(out, "\ntarget %s: overheads, ratio of medians [95%% bootstrap "
				"CI]%s\n%-36s", target->name,
				target->board ? "; invoke and full warm" : "", "benchmark");
			for (unsigned k = 0; k < EF_NOVERHEADS; k++)
				if (cols >> k & 1) {
					char head[40];
					snprintf(head, sizeof head, "%s/%s",
						 ef_mode_name(ef_overheads[k].num),
						 ef_mode_name(ef_overheads[k].den));
					fprintf(out, " %-24s", head);
				}
			fputc('\n', out);
		}
		if (!cols)
			continue;
		fprintf(out, "%-36s", x->id);
		for (unsigned k = 0; k < EF_NOVERHEADS; k++) {
			unsigned a = ef_overheads[k].num, b = ef_overheads[k].den;
			char cell[64] = "-";

			if (!(cols >> k & 1))
				continue;
			if (have(x, a) && have(x, b) && x->samples[a] && x->samples[b]) {
				ef_ratio r = ef_ratio_of(&x->stats[a], boot_of(x, a, boot, &drawn),
							 &x->stats[b], boot_of(x, b, boot, &drawn));
				if (isnan(r.lo))
					snprintf(cell, sizeof cell, "%.3f", r.value);
				else
					snprintf(cell, sizeof cell, "%.3f [%.3f,%.3f]", r.value,
						 r.lo, r.hi);
			}
			fprintf(out, " %-24s", cell);
		}
		fputc('\n', out);
	}
	free(boot);
}

void ef_summary_print(FILE *out, const ef_group *g, unsigned n)
{
	const ef_target *target = NULL;

	for (unsigned i = 0; i < n; i++) {
		const ef_group *x = &g[i];
		const double base = have(x, EF_MODE_UNSAFE) ? x->stats[EF_MODE_UNSAFE].median : NAN;

		if (x->target != target) {
			target = x->target;
			fprintf(out, "\ntarget %s: median %s per iteration [95%% CI of the "
				"median] (ratio to unsafe)%s\n%-36s", target->name, target->unit,
				target->board ? "; invoke and full warm" : "", "benchmark");
			for (unsigned m = 0; m < EF_MODE_COUNT; m++)
				if (ef_target_modes(target) >> m & 1)
					fprintf(out, " %-30s", ef_mode_name(m));
			fputc('\n', out);
		}
		fprintf(out, "%-36s", x->id);
		for (unsigned m = 0; m < EF_MODE_COUNT; m++) {
			char cell[64] = "-";
			const ef_stats *s = &x->stats[m];

			if (!(ef_target_modes(target) >> m & 1))
				continue;
			if (x->outcome[m] == EF_FAILED) {
				snprintf(cell, sizeof cell, "ERROR");
			} else if (x->outcome[m] == EF_RAN) {
				int k = snprintf(cell, sizeof cell, "%.4g", s->median);
				if (!isnan(s->ci_lo))
					k += snprintf(cell + k, sizeof cell - (size_t)k,
						      " [%.4g,%.4g]", s->ci_lo, s->ci_hi);
				if (m != EF_MODE_UNSAFE && !isnan(base))
					snprintf(cell + k, sizeof cell - (size_t)k,
						 " (%.2fx)", s->median / base);
			}
			fprintf(out, " %-30s", cell);
		}
		fputc('\n', out);
	}
	print_overheads(out, g, n);
	print_pmp_budget(out, g, n, print_budgets(out, g, n));
}
