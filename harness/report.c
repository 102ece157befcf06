/* report.c: efreport's tables (report.h).  Names of any length go
 * straight to the stream, never through a fixed buffer. */
#include "report.h"
#include "bench.h"
#include "format.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NONE EF_MAP_NONE

/* A CSV field: quoted when it must be (RFC 4180). */
static void field(FILE *f, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputc(last ? '\n' : ',', f);
}

static void number(FILE *f, double v, int last)
{
	if (isnan(v))
		fputc(last ? '\n' : ',', f);
	else
		fprintf(f, "%.10g%c", v, last ? '\n' : ',');
}

static void key_fields(FILE *f, const ef_series *s)
{
	field(f, s->key[EF_COL_HOST], 0);
	field(f, s->key[EF_COL_TARGET], 0);
	field(f, s->key[EF_COL_POLICY], 0);
	field(f, s->key[EF_COL_WORKLOAD], 0);
	field(f, s->key[EF_COL_BENCH], 0);
	fprintf(f, "%llu,", s->param);
}

void ef_report_summary_csv(FILE *f, const ef_results *R)
{
	fputs(EF_REPORT_SUMMARY_HEAD "\n", f);
	for (size_t i = 0; i < R->n; i++) {
		const ef_series *s = &R->s[i];
		key_fields(f, s);
		field(f, ef_mode_name(s->mode), 0);
		field(f, s->key[EF_COL_UNIT], 0);
		fprintf(f, "%zu,", s->n);
		number(f, s->st.median, 0);
		number(f, s->st.ci_lo, 0);
		number(f, s->st.ci_hi, 0);
		number(f, s->st.p5, 0);
		number(f, s->st.p95, 0);
		field(f, s->key[EF_COL_CPU], 0);
		number(f, s->st.cv, 0);
		number(f, ef_between_process_share(s->raw, s->n), 0);
		field(f, ef_cell_mark_name(ef_cell_mark_of(s->st.median, s->st.ci_lo, s->st.ci_hi)), 1);
	}
}

void ef_report_overheads_csv(FILE *f, const ef_results *R)
{
	fputs(EF_REPORT_OVERHEADS_HEAD "\n", f);
	for (size_t i = 0; i < R->n; i++)
		for (unsigned k = 0; k < EF_NOVERHEADS; k++) {
			const ef_series *s = &R->s[i];
			const ef_ratio *r = ef_series_overhead(s, k);

			if (!r)
				continue;
			key_fields(f, s);
			fprintf(f, "%s/%s,", ef_mode_name(ef_overheads[k].num),
				ef_mode_name(ef_overheads[k].den));
			field(f, s->key[EF_COL_UNIT], 0);
			number(f, r->value, 0);
			number(f, r->lo, 0);
			number(f, r->hi, 0);
			number(f, r->difference, 0);
			field(f, s->key[EF_COL_CPU], 0);
			field(f, ef_ratio_method_name(r->method), 0);
			fprintf(f, "%zu,", r->paired.st.n);
			number(f, r->medians, 0);
			number(f, r->medians_lo, 0);
			number(f, r->medians_hi, 0);
			field(f, ef_cell_mark_name(ef_cell_mark_of(r->value, r->lo, r->hi)), 0);
			field(f, ef_ratio_measure_name(r), 1);
		}
}

/* A value of quantity q with its interval, where it has one, in the
 * value's scale (format.h), then `extra` (NULL: none) and its mark
 * (ef_cell_mark_of) where it has one. */
static void cell(FILE *f, double v, double lo, double hi, enum ef_quantity q, const char *extra)
{
	enum ef_cell_mark mark = ef_cell_mark_of(v, lo, hi);
	char a[160];

	fprintf(f, " %s", ef_format_interval(a, sizeof a, q, v, lo, hi));
	if (extra)
		fprintf(f, " %s", extra);
	if (mark != EF_CELL_NONE)
		fprintf(f, " %s", ef_cell_mark_symbol(mark));
	fputs(" |", f);
}

/* A median's cell: its interval, CV and between-process share (stats.h). */
static void median_cell(FILE *f, const ef_series *x)
{
	char extra[64];

	ef_format_spread(extra, sizeof extra, x->st.cv, ef_between_process_share(x->raw, x->n));
	cell(f, x->st.median, x->st.ci_lo, x->st.ci_hi, ef_quantity_of_unit(x->key[EF_COL_UNIT]),
	     extra[0] ? extra : NULL);
}

/* ---- summary.md: sections of one host, target and unit, in the order
 * their first series were read. ---- */

static const ef_results *sorting;

static int by_section(const void *x, const void *y)
{
	const ef_series *a = &sorting->s[*(const size_t *)x], *b = &sorting->s[*(const size_t *)y];
	static const int key[] = { EF_COL_HOST, EF_COL_TARGET, EF_COL_UNIT };
	int c;

	for (unsigned k = 0; k < EF_COUNT(key); k++)
		if ((c = strcmp(a->key[key[k]], b->key[key[k]])))
			return c;
	return (*(const size_t *)x > *(const size_t *)y) - (*(const size_t *)x < *(const size_t *)y);
}

static int same_section(const ef_series *a, const ef_series *b)
{
	return !strcmp(a->key[EF_COL_HOST], b->key[EF_COL_HOST]) &&
	       !strcmp(a->key[EF_COL_TARGET], b->key[EF_COL_TARGET]) &&
	       !strcmp(a->key[EF_COL_UNIT], b->key[EF_COL_UNIT]);
}

const char *ef_unit_description(const char *unit)
{
	if (!strcmp(unit, "ns"))
		return "Wall-clock time per iteration";
	if (!strcmp(unit, "instructions"))
		return "Instructions per iteration";
	if (!strcmp(unit, "cycles"))
		return "Cycles per iteration";
	return unit;
}

static int by_first_series(const void *x, const void *y)
{
	size_t a = ((const ef_section *)x)->member[0], b = ((const ef_section *)y)->member[0];
	return (a > b) - (a < b);
}

ef_section *ef_report_sections(const ef_results *R, size_t **order, size_t *nsec)
{
	size_t *o = ef_xrealloc(NULL, (R->n ? R->n : 1) * sizeof *o), n = 0;
	ef_section *sec = ef_xrealloc(NULL, (R->n ? R->n : 1) * sizeof *sec);

	for (size_t i = 0; i < R->n; i++)
		o[i] = i;
	sorting = R;
	qsort(o, R->n, sizeof *o, by_section);
	for (size_t i = 0; i < R->n; i++) {
		if (!i || !same_section(&R->s[o[i - 1]], &R->s[o[i]]))
			sec[n++] = (ef_section){ &o[i], 0 };
		sec[n - 1].n++;
	}
	qsort(sec, n, sizeof *sec, by_first_series);
	*order = o;
	*nsec = n;
	return sec;
}

/* The medians: a row per benchmark, a column per mode and policy. */
static void medians_table(FILE *f, const ef_results *R, const ef_section *sec,
			  size_t *row_of_bench)
{
	size_t *col = ef_xrealloc(NULL, sec->n * sizeof *col), *cells, ncols = 0, nrows = 0;
	size_t *column = ef_xrealloc(NULL, sec->n * sizeof *column);   /* a series per column */
	size_t *rows = ef_xrealloc(NULL, sec->n * sizeof *rows);       /* a series per row */

	for (unsigned m = 0; m < EF_MODE_COUNT; m++)
		for (size_t i = 0; i < sec->n; i++) {
			const ef_series *s = &R->s[sec->member[i]];
			size_t c;
			if (s->mode != m)
				continue;
			for (c = 0; c < ncols; c++)
				if (!strcmp(R->s[column[c]].key[EF_COL_POLICY], s->key[EF_COL_POLICY]) &&
				    R->s[column[c]].mode == m)
					break;
			if (c == ncols)
				column[ncols++] = sec->member[i];
			col[i] = c;
		}
	for (size_t i = 0; i < sec->n; i++) {
		size_t b = R->s[sec->member[i]].bench;
		if (row_of_bench[b] == NONE) {
			row_of_bench[b] = nrows;
			rows[nrows++] = sec->member[i];
		}
	}
	cells = ef_xrealloc(NULL, nrows * ncols * sizeof *cells);
	for (size_t i = 0; i < nrows * ncols; i++)
		cells[i] = NONE;
	for (size_t i = 0; i < sec->n; i++)
		cells[row_of_bench[R->s[sec->member[i]].bench] * ncols + col[i]] = sec->member[i];

	fputs("| benchmark |", f);
	for (size_t c = 0; c < ncols; c++) {
		fputc(' ', f);
		ef_print_label(f, &R->s[column[c]], ef_mode_name(R->s[column[c]].mode));
		fputs(" |", f);
	}
	fputs("\n|---|", f);
	for (size_t c = 0; c < ncols; c++)
		fputs("---:|", f);
	fputc('\n', f);
	for (size_t r = 0; r < nrows; r++) {
		const ef_series *s = &R->s[rows[r]];
		fprintf(f, "| %s/%s/%llu |", s->key[EF_COL_WORKLOAD], s->key[EF_COL_BENCH], s->param);
		for (size_t c = 0; c < ncols; c++) {
			const ef_series *x = cells[r * ncols + c] == NONE ? NULL : &R->s[cells[r * ncols + c]];
			if (x)
				median_cell(f, x);
			else
				fputs(" – |", f);
		}
		fputc('\n', f);
	}
	for (size_t i = 0; i < sec->n; i++)
		row_of_bench[R->s[sec->member[i]].bench] = NONE;
	free(cells);
	free(rows);
	free(column);
	free(col);
}

/* The overheads: a line per benchmark and isolating policy (or none). */
static void overheads_table(FILE *f, const ef_results *R, const ef_section *sec)
{
	fputs("\nOverheads\n\n| benchmark | policy |", f);
	for (unsigned k = 0; k < EF_NOVERHEADS; k++)
		fprintf(f, " %s/%s |", ef_mode_name(ef_overheads[k].num),
			ef_mode_name(ef_overheads[k].den));
	fputs("\n|---|---|---:|---:|---:|---:|\n", f);
	for (size_t i = 0; i < sec->n; i++) {
		const ef_series *s = &R->s[sec->member[i]], *num[EF_NOVERHEADS];
		int any = 0;

		/* a line per benchmark, from one of its series; reference
		 * mode's is in no overhead */
		if (s->mode == EF_MODE_UNSAFE || s->mode == EF_MODE_REFERENCE ||
		    (s->mode == EF_MODE_VALIDATE && ef_results_partner(R, s, EF_MODE_INVOKE)) ||
		    (s->mode == EF_MODE_FULL && ef_results_partner(R, s, EF_MODE_INVOKE)))
			continue;
		for (unsigned k = 0; k < EF_NOVERHEADS; k++) {
			num[k] = ef_overheads[k].num == s->mode ? s
				: ef_results_partner(R, s, ef_overheads[k].num);
			any |= num[k] && ef_series_overhead(num[k], k);
		}
		if (!any)
			continue;
		fprintf(f, "| %s/%s/%llu | %s |", s->key[EF_COL_WORKLOAD], s->key[EF_COL_BENCH],
			s->param, s->key[EF_COL_POLICY]);
		for (unsigned k = 0; k < EF_NOVERHEADS; k++) {
			const ef_ratio *r = num[k] ? ef_series_overhead(num[k], k) : NULL;
			if (r)
				cell(f, r->value, r->lo, r->hi, EF_Q_RATIO,
				     ef_ratio_letter(r)[0] ? ef_ratio_letter(r) : NULL);
			else
				fputs(" – |", f);
		}
		fputc('\n', f);
	}
}

void ef_report_head(FILE *f, const char *head, const char *const *inputs, int ninputs)
{
	fprintf(f, "%s\n\nFrom", head);
	for (int i = 0; i < ninputs; i++)
		fprintf(f, " `%s`", inputs[i]);
	fputs(".  ", f);
}

void ef_report_numbers_note(FILE *f)
{
	fprintf(f, "Numbers show %d significant digits in the unit (ns, µs, ms, s; k, M, G "
		"for counts) that leaves 1 to 3 before the point; an interval is in its "
		"value's unit.\n", EF_FORMAT_DIGITS);
}

void ef_report_markdown(FILE *f, const ef_results *R, const char *const *inputs, int ninputs)
{
	size_t *order, nsec;
	size_t *row_of_bench = ef_xrealloc(NULL, R->nbenches * sizeof *row_of_bench);
	ef_section *sec = ef_report_sections(R, &order, &nsec);

	ef_report_head(f, EF_REPORT_MARKDOWN_HEAD, inputs, ninputs);
	fprintf(f, "Medians per iteration with the 95%% confidence interval of the "
		"median, the coefficient of variation (cv) and, from several processes, the "
		"share of the variance between them (bp, ICC(1)).  Overheads as paired ratios "
		"(one a round: samples of the two modes with the same file, process and "
		"repetition), of CPU time where the rows have it (marked c), with an agreement "
		"interval: another such run's ratio lands inside it 97.5%% of the time; from %d "
		"processes on, over the processes' median ratios.  Marked m where no samples "
		"pair: the ratio of medians "
		"with its 95%% bootstrap interval.  "
		"! marks an interval wider than %.0f%% of its value, ? a cell under %d samples "
		"(pairs), without one.  ", EF_PROCESS_LEVEL_MIN, 100 * EF_WIDE_INTERVAL,
		EF_CI_MIN_SAMPLES);
	ef_report_numbers_note(f);
	for (size_t b = 0; b < R->nbenches; b++)
		row_of_bench[b] = NONE;
	for (size_t k = 0; k < nsec; k++) {
		const ef_series *head = &R->s[sec[k].member[0]];
		fprintf(f, "\n## %s, target %s (%s)\n\n%s\n\n", head->key[EF_COL_HOST],
			head->key[EF_COL_TARGET], head->key[EF_COL_CPU],
			ef_unit_description(head->key[EF_COL_UNIT]));
		medians_table(f, R, &sec[k], row_of_bench);
		overheads_table(f, R, &sec[k]);
	}
	free(sec);
	free(row_of_bench);
	free(order);
}
