/* tables.c: efreport's paper tables (tables.h).  One writer for both
 * formats: a dialect says how a table begins, separates its cells, ends
 * its rows and escapes text. */
#include "tables.h"
#include "format.h"
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the dialects ---- */

typedef struct out {
	FILE *f;
	int tex;
} out;

/* Text as the format needs it: LaTeX's special characters, µ and the en
 * dash escaped; Markdown's cell separator. */
static void put(const out *o, const char *s)
{
	for (; *s; s++) {
		if (!o->tex) {
			if (*s == '|')
				fputc('\\', o->f);
			fputc(*s, o->f);
		} else if (strchr("&%$#_{}", *s)) {
			fprintf(o->f, "\\%c", *s);
		} else if (*s == '\\') {
			fputs("\\textbackslash{}", o->f);
		} else if (*s == '^' || *s == '~') {
			fprintf(o->f, "\\%c{}", *s);
		} else if (*s == '<' || *s == '>') {
			fputs(*s == '<' ? "\\textless{}" : "\\textgreater{}", o->f);
		} else if (!strncmp(s, "µ", strlen("µ"))) {
			fputs("\\textmu{}", o->f);
			s += strlen("µ") - 1;
		} else if (!strncmp(s, "–", strlen("–"))) {
			fputs("--", o->f);
			s += strlen("–") - 1;
		} else {
			fputc(*s, o->f);
		}
	}
}

static void sep(const out *o)
{
	fputs(o->tex ? " & " : " | ", o->f);
}

static void row_begin(const out *o)
{
	if (!o->tex)
		fputs("| ", o->f);
}

static void row_end(const out *o)
{
	fputs(o->tex ? " \\\\\n" : " |\n", o->f);
}

/* A mark per column: `left` for the lead columns, `right` for the others
 * (a Markdown head rule, a LaTeX column spec). */
static void column_marks(const out *o, unsigned lead, size_t ncols, const char *left,
			 const char *right)
{
	for (unsigned c = 0; c < lead; c++)
		fputs(left, o->f);
	for (size_t c = 0; c < ncols; c++)
		fputs(right, o->f);
}

/* Between the head row and the body. */
static void head_rule(const out *o, unsigned lead, size_t ncols)
{
	if (o->tex) {
		fputs("\\midrule\n", o->f);
		return;
	}
	fputc('|', o->f);
	column_marks(o, lead, ncols, "---|", "---:|");
	fputc('\n', o->f);
}

/* A table's title (Markdown: a heading; LaTeX: the caption's first
 * sentence), then its caption's text, which the caller writes, then
 * caption_end. */
static void title(const out *o, const char *what, const ef_series *head)
{
	if (o->tex)
		fputs("\n\\begin{table}[htbp]\n\\centering\n\\small\n\\caption{", o->f);
	else
		fputs("\n## ", o->f);
	put(o, what);
	put(o, ": host ");
	put(o, head->key[EF_COL_HOST]);
	put(o, ", target ");
	put(o, head->key[EF_COL_TARGET]);
	fputs(o->tex ? ". " : "\n\n", o->f);
}

/* The label: tab:efbench-WHAT-HOST-TARGET, letters, digits and - only. */
static void label(const out *o, const char *what, const ef_series *head)
{
	const char *part[] = { what, head->key[EF_COL_HOST], head->key[EF_COL_TARGET] };

	fputs("\\label{tab:efbench", o->f);
	for (unsigned k = 0; k < EF_COUNT(part); k++) {
		fputc('-', o->f);
		for (const char *s = part[k]; *s; s++)
			fputc((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			      (*s >= '0' && *s <= '9') ? *s : '-', o->f);
	}
	fputs("}\n", o->f);
}

/* After the caption: a tabular of `lead` left columns and ncols right. */
static void caption_end(const out *o, const char *what, const ef_series *head,
			unsigned lead, size_t ncols)
{
	if (!o->tex) {
		fputs("\n\n", o->f);
		return;
	}
	fputs("}\n", o->f);
	label(o, what, head);
	fputs("\\begin{tabular}{", o->f);
	column_marks(o, lead, ncols, "l", "r");
	fputs("}\n\\toprule\n", o->f);
}

static void table_end(const out *o)
{
	if (o->tex)
		fputs("\\bottomrule\n\\end{tabular}\n\\end{table}\n", o->f);
}

/* What the section's numbers are and how they were taken: wall-clock time
 * on a CPU, or counts on one (emulated where it is QEMU). */
static void method(const out *o, const ef_series *head)
{
	const char *cpu = head->key[EF_COL_CPU];

	put(o, ef_unit_description(head->key[EF_COL_UNIT]));
	if (!strcmp(head->key[EF_COL_UNIT], "ns"))
		put(o, " on ");
	else if (strstr(cpu, "QEMU"))
		put(o, ", counted under QEMU: ");
	else if (!strcmp(head->key[EF_COL_TARGET], "callgrind"))
		put(o, ", counted by valgrind (callgrind) on ");
	else
		put(o, ", counted on ");
	put(o, cpu);
	put(o, ". ");
}

/* A number of quantity q with its interval in its scale, then its unit
 * and `after` (NULL: none): "28.7 µs [28.6, 28.7]". */
static void number_cell(const out *o, enum ef_quantity q, double v, double lo, double hi,
			const char *unit_after, const char *after)
{
	ef_scale sc = ef_scale_for(q, v);
	char a[64], b[64];

	put(o, ef_format_in(a, sizeof a, v, &sc));
	if (sc.unit[0] || unit_after) {
		put(o, " ");
		put(o, sc.unit);
		if (unit_after)
			put(o, unit_after);
	}
	if (!isnan(lo) && !isnan(hi)) {
		put(o, " [");
		put(o, ef_format_in(a, sizeof a, lo, &sc));
		put(o, ", ");
		put(o, ef_format_in(b, sizeof b, hi, &sc));
		put(o, "]");
	}
	if (after && after[0]) {
		put(o, " ");
		put(o, after);
	}
}

/* "MODE" or "MODE (policy)"; `what` for MODE. */
static void column_label(const out *o, const char *what, const ef_series *s)
{
	put(o, what);
	if (strcmp(s->key[EF_COL_POLICY], "none")) {
		put(o, " (");
		put(o, s->key[EF_COL_POLICY]);
		put(o, ")");
	}
}

/* Columns: a mode (or ratio) and policy each, in `rank`'s order, then the
 * policies' (every table of a target lists its policies alike). */
typedef struct columns {
	const ef_series **s;       /* a series of each column, for its label */
	unsigned *rank;
	size_t n;
} columns;

/* The column of s at rank (added when new). */
static size_t column_of(columns *c, const ef_series *s, unsigned rank)
{
	size_t k;

	for (k = 0; k < c->n; k++)
		if (c->rank[k] == rank && !strcmp(c->s[k]->key[EF_COL_POLICY], s->key[EF_COL_POLICY]))
			return k;
	c->s[c->n] = s;
	c->rank[c->n] = rank;
	return c->n++;
}

static int column_before(const columns *c, size_t a, size_t b)
{
	return c->rank[a] != c->rank[b] ? c->rank[a] < c->rank[b]
		: strcmp(c->s[a]->key[EF_COL_POLICY], c->s[b]->key[EF_COL_POLICY]) < 0;
}

/* The columns in their order (insertion sort: a table has a few). */
static size_t *column_order(const columns *c)
{
	size_t *ord = ef_xrealloc(NULL, (c->n ? c->n : 1) * sizeof *ord);

	for (size_t k = 0; k < c->n; k++) {
		size_t j = k;
		for (; j > 0 && column_before(c, k, ord[j - 1]); j--)
			ord[j] = ord[j - 1];
		ord[j] = k;
	}
	return ord;
}

/* ---- the microbenchmarks ---- */

static const struct micro_row {
	const char *workload, *bench;
	unsigned long long param;
	const char *label;
	/* the check of a buffer of `param` bytes: shown in the modes that
	 * check (validate, full) only, the others pass it unchecked */
	int check;
	/* a check that reads every byte: shown as bytes a second (time), or
	 * counted per byte */
	int per_byte;
} micro_rows[] = {
	{ "ubench", "invoke_args", 0, "invoke, no arguments", 0, 0 },
	{ "ubench", "invoke_args", 6, "invoke, 6 arguments", 0, 0 },
	{ "ubench", "invoke_args", 100, "invoke, 100 arguments", 0, 0 },
	{ "ubench", "callback", 1, "callback", 0, 0 },
	{ "ubench", "upgrade", 1, "upgrade, 1 live allocation", 0, 0 },
	{ "ubench", "upgrade", 64, "upgrade, 64 live allocations", 0, 0 },
	{ "ubench", "validate_u8", 1 << 20, "check bytes", 1, 0 },
	{ "ubench", "validate_cstr", 1 << 20, "check a C string", 1, 1 },
	{ "ubench", "validate_utf8_ascii", 1 << 20, "check UTF-8, ASCII", 1, 1 },
	{ "ubench", "validate_utf8_mixed", 1 << 20, "check UTF-8, mixed", 1, 1 },
};

static int micro_match(const struct micro_row *r, const ef_series *s)
{
	return s->param == r->param && !strcmp(s->key[EF_COL_WORKLOAD], r->workload) &&
	       !strcmp(s->key[EF_COL_BENCH], r->bench) &&
	       (!r->check || s->mode == EF_MODE_VALIDATE || s->mode == EF_MODE_FULL);
}

static void micro_label(const out *o, const struct micro_row *r)
{
	char size[64];

	put(o, r->label);
	if (r->check) {
		put(o, ", ");
		put(o, ef_format_bytes(size, sizeof size, r->param));
	}
}

/* A median's cell: time or count per iteration, or for a check that reads
 * every byte, bytes a second or counts per byte. */
static void micro_cell(const out *o, const struct micro_row *r, const ef_series *x)
{
	const char *unit = x->key[EF_COL_UNIT];
	enum ef_quantity q = ef_quantity_of_unit(unit);
	double m = x->st.median, lo = x->st.ci_lo, hi = x->st.ci_hi, p = (double)r->param;

	if (!r->per_byte)
		number_cell(o, q, m, lo, hi, NULL, NULL);
	else if (q == EF_Q_NS)
		number_cell(o, EF_Q_RATE, p / m, p / hi, p / lo, NULL, NULL);
	else
		number_cell(o, q, m / p, lo / p, hi / p,
			    !strcmp(unit, "instructions") ? "instr./B" : "/B", NULL);
}

static void micro_table(const out *o, const ef_results *R, const ef_section *sec)
{
	const ef_series *head = &R->s[sec->member[0]];
	columns c = { ef_xrealloc(NULL, sec->n * sizeof *c.s), ef_xrealloc(NULL, sec->n * sizeof *c.rank), 0 };
	/* the series of row r, column k: cell[r * sec->n + k] */
	const ef_series **cell = ef_xrealloc(NULL, EF_COUNT(micro_rows) * sec->n * sizeof *cell);
	size_t *ord;
	int any_check = 0, rows = 0;

	for (size_t i = 0; i < EF_COUNT(micro_rows) * sec->n; i++)
		cell[i] = NULL;
	for (unsigned r = 0; r < EF_COUNT(micro_rows); r++)
		for (size_t i = 0; i < sec->n; i++) {
			const ef_series *s = &R->s[sec->member[i]];
			if (micro_match(&micro_rows[r], s))
				cell[r * sec->n + column_of(&c, s, s->mode)] = s;
		}
	for (unsigned r = 0; r < EF_COUNT(micro_rows); r++)
		for (size_t k = 0; k < c.n; k++)
			if (cell[r * sec->n + k]) {
				any_check |= micro_rows[r].check;
				rows++;
				break;
			}
	if (!rows)
		goto done;
	ord = column_order(&c);
	title(o, "Microbenchmarks", head);
	method(o, head);
	put(o, "Per call: the median with its 95% confidence interval (none: under ");
	fprintf(o->f, "%d", EF_CI_MIN_SAMPLES);
	put(o, " samples).");
	if (any_check)
		put(o, !strcmp(head->key[EF_COL_UNIT], "ns")
		       ? " Checks in the modes that check (validate, full); of a C string or "
			 "UTF-8, as bytes checked a second."
		       : " Checks in the modes that check (validate, full); of a C string or "
			 "UTF-8, per byte checked.");
	caption_end(o, "micro", head, o->tex ? 1 : 2, c.n);
	row_begin(o);
	put(o, "benchmark");
	if (!o->tex) {
		sep(o);
		put(o, "id");
	}
	for (size_t k = 0; k < c.n; k++) {
		sep(o);
		column_label(o, ef_mode_name(c.s[ord[k]]->mode), c.s[ord[k]]);
	}
	row_end(o);
	head_rule(o, o->tex ? 1 : 2, c.n);
	for (unsigned r = 0; r < EF_COUNT(micro_rows); r++) {
		const struct micro_row *m = &micro_rows[r];
		size_t k;
		for (k = 0; k < c.n && !cell[r * sec->n + k]; k++)
			;
		if (k == c.n)
			continue;
		row_begin(o);
		micro_label(o, m);
		if (!o->tex) {
			fprintf(o->f, " | %s/%s/%llu", m->workload, m->bench, m->param);
		}
		for (k = 0; k < c.n; k++) {
			const ef_series *x = cell[r * sec->n + ord[k]];
			sep(o);
			if (x)
				micro_cell(o, m, x);
			else
				put(o, "–");
		}
		row_end(o);
	}
	table_end(o);
	free(ord);
done:
	free(cell);
	free(c.rank);
	free(c.s);
}

/* ---- the library overheads ---- */

/* The workloads that are not libraries: the harness's own (runner,
 * setup) and the microbenchmarks. */
static int library_workload(const char *w)
{
	return strcmp(w, "ubench") && strcmp(w, "runner") && strcmp(w, "setup");
}

/* The overheads the tables show, in their order: each isolation's cost
 * against no isolation (not full/invoke). */
static const unsigned shown[] = { 0, 1, 3 };

static void overheads_table(const out *o, const ef_results *R, const ef_section *sec)
{
	const ef_series *head = &R->s[sec->member[0]];
	columns c = { ef_xrealloc(NULL, EF_NOVERHEADS * sec->n * sizeof *c.s),
		      ef_xrealloc(NULL, EF_NOVERHEADS * sec->n * sizeof *c.rank), 0 };
	/* a row per benchmark: the first series of each, in the order read */
	const ef_series **row = ef_xrealloc(NULL, sec->n * sizeof *row);
	const ef_series **cell;
	size_t nrows = 0, *ord, *col = ef_xrealloc(NULL, EF_NOVERHEADS * sec->n * sizeof *col);
	char size[64];

	for (size_t i = 0; i < sec->n; i++) {
		const ef_series *s = &R->s[sec->member[i]];
		size_t r;
		if (!library_workload(s->key[EF_COL_WORKLOAD]))
			continue;
		for (unsigned k = 0; k < EF_COUNT(shown); k++)
			col[i * EF_NOVERHEADS + k] = ef_series_overhead(s, shown[k])
				? column_of(&c, s, k) : (size_t)-1;
		for (r = 0; r < nrows && row[r]->bench != s->bench; r++)
			;
		if (r == nrows)
			row[nrows++] = s;
	}
	if (!c.n)
		goto done;
	cell = ef_xrealloc(NULL, nrows * c.n * sizeof *cell);
	for (size_t i = 0; i < nrows * c.n; i++)
		cell[i] = NULL;
	for (size_t i = 0; i < sec->n; i++) {
		const ef_series *s = &R->s[sec->member[i]];
		size_t r;
		if (!library_workload(s->key[EF_COL_WORKLOAD]))
			continue;
		for (r = 0; row[r]->bench != s->bench; r++)
			;
		for (unsigned k = 0; k < EF_COUNT(shown); k++)
			if (col[i * EF_NOVERHEADS + k] != (size_t)-1)
				cell[r * c.n + col[i * EF_NOVERHEADS + k]] = s;
	}
	ord = column_order(&c);
	title(o, "Library overheads", head);
	method(o, head);
	put(o, "Ratios over unsafe (1: no overhead): paired ratios of samples taken side "
	       "by side, with the interval in which another such run's ratio lands 95% of "
	       "the time (none: too few pairs); c: of CPU time, m: the ratio of medians "
	       "where no samples pair.");
	caption_end(o, "overheads", head, 3, c.n);
	row_begin(o);
	put(o, "workload");
	sep(o);
	put(o, "benchmark");
	sep(o);
	put(o, "size");
	for (size_t k = 0; k < c.n; k++) {
		const ef_overhead *v = &ef_overheads[shown[c.rank[ord[k]]]];
		char what[64];
		snprintf(what, sizeof what, "%s/%s", ef_mode_name(v->num), ef_mode_name(v->den));
		sep(o);
		column_label(o, what, c.s[ord[k]]);
	}
	row_end(o);
	head_rule(o, 3, c.n);
	for (size_t r = 0; r < nrows; r++) {
		row_begin(o);
		put(o, row[r]->key[EF_COL_WORKLOAD]);
		sep(o);
		put(o, row[r]->key[EF_COL_BENCH]);
		sep(o);
		/* Every library workload's parameter is its bytes per
		 * iteration (param_is_bytes in workloads/<w>/host.c). */
		put(o, ef_format_bytes(size, sizeof size, row[r]->param));
		for (size_t k = 0; k < c.n; k++) {
			const ef_series *x = cell[r * c.n + ord[k]];
			const ef_ratio *v = x ? ef_series_overhead(x, shown[c.rank[ord[k]]]) : NULL;
			sep(o);
			if (v)
				number_cell(o, EF_Q_RATIO, v->value, v->lo, v->hi, NULL,
					    ef_ratio_letter(v));
			else
				put(o, "–");
		}
		row_end(o);
	}
	table_end(o);
	free(ord);
	free(cell);
done:
	free(col);
	free(row);
	free(c.rank);
	free(c.s);
}

static void tables(const out *o, const ef_results *R)
{
	size_t *order, nsec;
	ef_section *sec = ef_report_sections(R, &order, &nsec);

	for (size_t k = 0; k < nsec; k++)
		micro_table(o, R, &sec[k]);
	for (size_t k = 0; k < nsec; k++)
		overheads_table(o, R, &sec[k]);
	free(sec);
	free(order);
}

void ef_tables_markdown(FILE *f, const ef_results *R, const char *const *inputs, int ninputs)
{
	const out o = { f, 0 };

	ef_report_head(f, EF_TABLES_MD_HEAD, inputs, ninputs);
	fputs("The paper's tables (tables.tex holds them in LaTeX): a table of "
	      "microbenchmarks and one of library overheads per host, target and unit.  ", f);
	ef_report_numbers_note(f);
	tables(&o, R);
}

void ef_tables_latex(FILE *f, const ef_results *R)
{
	const out o = { f, 1 };

	fputs(EF_TABLES_TEX_HEAD "\n% (written by efreport --tables; every table a float with a "
	      "label tab:efbench-WHAT-HOST-TARGET)\n", f);
	tables(&o, R);
}

void ef_tables_standalone(FILE *f)
{
	fputs(EF_TABLES_STANDALONE_HEAD "\n"
	      "% (pdflatex tables-standalone.tex, in the folder of tables.tex)\n"
	      "\\documentclass{article}\n"
	      "\\usepackage[T1]{fontenc}\n"
	      "\\usepackage[a4paper,landscape,margin=1.5cm]{geometry}\n"
	      "\\usepackage{booktabs}\n"
	      "\\begin{document}\n"
	      "\\input{tables}\n"
	      "\\end{document}\n", f);
}
