/* report.c: efreport, the summary of one or more efbench result CSVs.
 *
 * Reads every sample of every file given (rows from several runs and
 * machines may be mixed: each keeps its host), and writes into one folder
 *   summary.csv    per host, target, policy, benchmark and mode: samples,
 *                  median with its 95% confidence interval, 5th and 95th
 *                  percentiles;
 *   overheads.csv  per host, target, policy and benchmark: validate/unsafe,
 *                  invoke/unsafe, full/invoke and full/unsafe as ratios of
 *                  medians with 95% bootstrap intervals, and the difference
 *                  of the medians in the samples' unit;
 *   summary.md     the same as Markdown tables, one pair per host and target.
 * The statistics are efbench's own (stats.h), so the numbers agree with the
 * summary a run prints.  Input that is not an efbench CSV is refused with
 * one line naming the file (and line and column) and exit status 2. */
#include "bench.h"
#include "csv.h"
#include "stats.h"
#include "../targets/ef_modes.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NAME(upper, lower) #lower,
static const char *const mode_names[] = { EF_MODES(NAME) };
#undef NAME

/* The columns read; results/SCHEMA.md has them all. */
enum { C_HOST, C_CPU, C_TARGET, C_POLICY, C_MODE, C_WORKLOAD, C_BENCH,
       C_PARAM, C_VALUE, C_UNIT, C_STATUS, C_COUNT };
static const char *const column_names[C_COUNT] = {
	"host", "cpu_model", "target", "policy", "mode", "workload", "benchmark",
	"parameter", "value", "unit", "status",
};

/* The samples of one benchmark in one mode, policy, target and host. */
typedef struct series {
	char *key[C_COUNT];     /* C_HOST..C_UNIT as read (C_VALUE unused) */
	unsigned mode;
	unsigned long long param;
	double *v;
	size_t n, cap;
	ef_stats st;
} series;

static series *all;
static size_t nall, capall;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("efreport: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fputs("efreport: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	return strcpy(xrealloc(NULL, strlen(s) + 1), s);
}

static const int keyed[] = { C_HOST, C_TARGET, C_POLICY, C_WORKLOAD, C_BENCH };

static series *find(char **f, unsigned mode, unsigned long long param)
{
	static size_t last;

	for (size_t k = 0; k < nall; k++) {
		size_t i = (last + k) % nall;
		series *s = &all[i];
		unsigned j;

		if (s->mode != mode || s->param != param)
			continue;
		for (j = 0; j < EF_COUNT(keyed); j++)
			if (strcmp(s->key[keyed[j]], f[keyed[j]]))
				break;
		if (j == EF_COUNT(keyed)) {
			last = i;
			return s;
		}
	}
	return NULL;
}

static series *add_series(char **f, unsigned mode, unsigned long long param)
{
	series *s;

	if (nall == capall) {
		capall = capall ? 2 * capall : 256;
		all = xrealloc(all, capall * sizeof *all);
	}
	s = &all[nall++];
	memset(s, 0, sizeof *s);
	for (unsigned j = 0; j < C_COUNT; j++)
		s->key[j] = j == C_VALUE || j == C_STATUS || j == C_MODE || j == C_PARAM
			? NULL : xstrdup(f[j]);
	s->mode = mode;
	s->param = param;
	return s;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f)
		die("%s: cannot open: %s", path, strerror(errno));
	do {
		if (cap - n < 65536)
			buf = xrealloc(buf, cap = cap ? 2 * cap : 1 << 20);
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (ferror(f))
		die("%s: cannot read: %s", path, strerror(errno));
	fclose(f);
	*len = n;
	return buf;
}

static int parse_mode(const char *s)
{
	for (unsigned m = 0; m < EF_MODE_COUNT; m++)
		if (!strcmp(s, mode_names[m]))
			return (int)m;
	return -1;
}

/* Every sample of one file; returns how many ok rows it had. */
static size_t read_results(const char *path, size_t *errors)
{
	size_t len, rows = 0;
	char *data = read_file(path, &len), *f[64], *g[C_COUNT];
	int col[C_COUNT], nhead, n;
	ef_csv_reader r;

	ef_csv_reader_init(&r, data, len);
	nhead = ef_csv_read(&r, f, EF_COUNT(f));
	if (nhead <= 0)
		die("%s: %s: not an efbench CSV (see results/SCHEMA.md)", path,
		    nhead ? "malformed header" : "empty file");
	for (unsigned j = 0; j < C_COUNT; j++) {
		col[j] = -1;
		for (int i = 0; i < nhead && i < (int)EF_COUNT(f); i++)
			if (!strcmp(f[i], column_names[j]))
				col[j] = i;
		if (col[j] < 0)
			die("%s: no column '%s': not an efbench CSV (see results/SCHEMA.md)",
			    path, column_names[j]);
	}
	while ((n = ef_csv_read(&r, f, EF_COUNT(f))) != 0) {
		unsigned long long param;
		double value;
		char *end;
		int mode;
		series *s;

		if (n < 0)
			die("%s:%u: malformed CSV (a quote not closed, or text after a "
			    "closing quote)", path, r.line);
		if (n == 1 && !f[0][0])
			continue;       /* a blank line */
		if (n != nhead)
			die("%s:%u: %d fields, the header has %d", path, r.line, n, nhead);
		for (unsigned j = 0; j < C_COUNT; j++)
			g[j] = f[col[j]];
		if (!strcmp(g[C_STATUS], "error")) {
			++*errors;
			continue;
		}
		if (strcmp(g[C_STATUS], "ok"))
			die("%s:%u: column 'status': '%s' is not ok or error", path, r.line,
			    g[C_STATUS]);
		mode = parse_mode(g[C_MODE]);
		if (mode < 0)
			die("%s:%u: column 'mode': '%s' is not unsafe, validate, invoke or full",
			    path, r.line, g[C_MODE]);
		errno = 0;
		param = strtoull(g[C_PARAM], &end, 10);
		if (!g[C_PARAM][0] || *end || errno || g[C_PARAM][0] == '-')
			die("%s:%u: column 'parameter': '%s' is not an unsigned integer", path,
			    r.line, g[C_PARAM]);
		errno = 0;
		value = strtod(g[C_VALUE], &end);
		if (!g[C_VALUE][0] || *end || errno || !isfinite(value) || value < 0)
			die("%s:%u: column 'value': '%s' is not a non-negative number", path,
			    r.line, g[C_VALUE]);
		if (strcmp(g[C_UNIT], "ns") && strcmp(g[C_UNIT], "cycles") &&
		    strcmp(g[C_UNIT], "instructions"))
			die("%s:%u: column 'unit': '%s' is not ns, cycles or instructions",
			    path, r.line, g[C_UNIT]);
		for (unsigned j = 0; j < EF_COUNT(keyed); j++)
			if (!g[keyed[j]][0])
				die("%s:%u: column '%s' is empty", path, r.line,
				    column_names[keyed[j]]);
		s = find(g, (unsigned)mode, param);
		if (!s)
			s = add_series(g, (unsigned)mode, param);
		else if (strcmp(s->key[C_UNIT], g[C_UNIT]))
			die("%s:%u: column 'unit': '%s', where earlier rows of %s/%s/%llu "
			    "(%s, %s) said '%s'", path, r.line, g[C_UNIT], g[C_WORKLOAD],
			    g[C_BENCH], param, g[C_HOST], g[C_TARGET], s->key[C_UNIT]);
		if (s->n == s->cap)
			s->v = xrealloc(s->v, (s->cap = s->cap ? 2 * s->cap : 32) * sizeof *s->v);
		s->v[s->n++] = value;
		rows++;
	}
	ef_csv_reader_free(&r);
	free(data);
	return rows;
}

static int same_benchmark(const series *a, const series *b)
{
	return a->param == b->param && !strcmp(a->key[C_HOST], b->key[C_HOST]) &&
	       !strcmp(a->key[C_TARGET], b->key[C_TARGET]) &&
	       !strcmp(a->key[C_WORKLOAD], b->key[C_WORKLOAD]) &&
	       !strcmp(a->key[C_BENCH], b->key[C_BENCH]);
}

/* The series of s's benchmark in `mode`: unsafe and validate mode rows
 * carry policy none, the isolating modes their runtime's. */
static const series *partner(const series *s, unsigned mode)
{
	const char *policy = mode == EF_MODE_UNSAFE || mode == EF_MODE_VALIDATE
		? "none" : s->key[C_POLICY];
	for (size_t i = 0; i < nall; i++)
		if (all[i].mode == mode && same_benchmark(&all[i], s) &&
		    !strcmp(all[i].key[C_POLICY], policy))
			return &all[i];
	return NULL;
}

static const struct overhead { unsigned num, den; } overheads[] = {
	{ EF_MODE_VALIDATE, EF_MODE_UNSAFE },
	{ EF_MODE_INVOKE, EF_MODE_UNSAFE },
	{ EF_MODE_FULL, EF_MODE_INVOKE },
	{ EF_MODE_FULL, EF_MODE_UNSAFE },
};

typedef struct ratio {
	double value, lo, hi, difference;
} ratio;

static int overhead_of(const series *num, unsigned k, ratio *out)
{
	const series *den = partner(num, overheads[k].den);

	if (num->mode != overheads[k].num || !den)
		return 0;
	out->value = ef_ratio_ci(num->v, num->n, den->v, den->n, &out->lo, &out->hi);
	out->difference = num->st.median - den->st.median;
	return 1;
}

static FILE *create(const char *dir, const char *name, char *path, size_t len)
{
	FILE *f;
	snprintf(path, len, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "efreport: %s: cannot create: %s\n", path, strerror(errno));
		exit(1);
	}
	return f;
}

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

static void key_fields(FILE *f, const series *s)
{
	char p[32];
	field(f, s->key[C_HOST], 0);
	field(f, s->key[C_TARGET], 0);
	field(f, s->key[C_POLICY], 0);
	field(f, s->key[C_WORKLOAD], 0);
	field(f, s->key[C_BENCH], 0);
	snprintf(p, sizeof p, "%llu", s->param);
	field(f, p, 0);
}

static void write_summary_csv(FILE *f)
{
	fputs("host,target,policy,workload,benchmark,parameter,mode,unit,n,median,"
	      "ci_lo,ci_hi,p5,p95,cpu_model\n", f);
	for (size_t i = 0; i < nall; i++) {
		const series *s = &all[i];
		key_fields(f, s);
		field(f, mode_names[s->mode], 0);
		field(f, s->key[C_UNIT], 0);
		fprintf(f, "%zu,", s->n);
		number(f, s->st.median, 0);
		number(f, s->st.ci_lo, 0);
		number(f, s->st.ci_hi, 0);
		number(f, s->st.p5, 0);
		number(f, s->st.p95, 0);
		field(f, s->key[C_CPU], 1);
	}
}

static void write_overheads_csv(FILE *f)
{
	fputs("host,target,policy,workload,benchmark,parameter,ratio,unit,value,"
	      "ci_lo,ci_hi,difference,cpu_model\n", f);
	for (size_t i = 0; i < nall; i++)
		for (unsigned k = 0; k < EF_COUNT(overheads); k++) {
			const series *s = &all[i];
			char name[32];
			ratio r;

			if (!overhead_of(s, k, &r))
				continue;
			key_fields(f, s);
			snprintf(name, sizeof name, "%s/%s", mode_names[overheads[k].num],
				 mode_names[overheads[k].den]);
			field(f, name, 0);
			field(f, s->key[C_UNIT], 0);
			number(f, r.value, 0);
			number(f, r.lo, 0);
			number(f, r.hi, 0);
			number(f, r.difference, 0);
			field(f, s->key[C_CPU], 1);
		}
}

static int same_section(const series *a, const series *b)
{
	return !strcmp(a->key[C_HOST], b->key[C_HOST]) &&
	       !strcmp(a->key[C_TARGET], b->key[C_TARGET]);
}

/* Is s the first series of its section (or benchmark) in the file order? */
static int first_of(size_t i, int (*same)(const series *, const series *))
{
	for (size_t k = 0; k < i; k++)
		if (same(&all[k], &all[i]))
			return 0;
	return 1;
}

static int same_column(const series *a, const series *b)
{
	return same_section(a, b) && a->mode == b->mode &&
	       !strcmp(a->key[C_POLICY], b->key[C_POLICY]);
}

static int same_row(const series *a, const series *b)
{
	return same_benchmark(a, b);
}

static void cell(char *buf, size_t len, double v, double lo, double hi, const char *fmt)
{
	int n = snprintf(buf, len, fmt, v);
	if (!isnan(lo) && n > 0 && (size_t)n < len) {
		char a[32], b[32];
		snprintf(a, sizeof a, fmt, lo);
		snprintf(b, sizeof b, fmt, hi);
		snprintf(buf + n, len - (size_t)n, " [%s, %s]", a, b);
	}
}

static void write_markdown(FILE *f, const char *const *inputs, int ninputs)
{
	fputs("# efbench summary\n\nFrom", f);
	for (int i = 0; i < ninputs; i++)
		fprintf(f, " `%s`", inputs[i]);
	fputs(".  Medians per iteration with the 95% confidence interval of the "
	      "median; overheads as ratios of medians with 95% bootstrap intervals "
	      "(none under 6 samples).\n", f);
	for (size_t sec = 0; sec < nall; sec++) {
		const series *head = &all[sec];
		size_t cols[16], ncols = 0;

		if (!first_of(sec, same_section))
			continue;
		for (unsigned m = 0; m < EF_MODE_COUNT; m++)
			for (size_t i = sec; i < nall && ncols < EF_COUNT(cols); i++)
				if (same_section(&all[i], head) && all[i].mode == m &&
				    first_of(i, same_column))
					cols[ncols++] = i;
		fprintf(f, "\n## %s, target %s (%s)\n\n%s per iteration\n\n| benchmark |",
			head->key[C_HOST], head->key[C_TARGET], head->key[C_CPU],
			head->key[C_UNIT]);
		for (size_t c = 0; c < ncols; c++)
			fprintf(f, " %s%s%s%s |", mode_names[all[cols[c]].mode],
				strcmp(all[cols[c]].key[C_POLICY], "none") ? " (" : "",
				strcmp(all[cols[c]].key[C_POLICY], "none") ? all[cols[c]].key[C_POLICY] : "",
				strcmp(all[cols[c]].key[C_POLICY], "none") ? ")" : "");
		fputs("\n|---|", f);
		for (size_t c = 0; c < ncols; c++)
			fputs("---:|", f);
		fputc('\n', f);
		for (size_t i = sec; i < nall; i++) {
			if (!same_section(&all[i], head) || !first_of(i, same_row))
				continue;
			fprintf(f, "| %s/%s/%llu |", all[i].key[C_WORKLOAD], all[i].key[C_BENCH],
				all[i].param);
			for (size_t c = 0; c < ncols; c++) {
				const series *x = NULL;
				char buf[96] = "–";
				for (size_t k = sec; k < nall && !x; k++)
					if (same_row(&all[k], &all[i]) && same_column(&all[k], &all[cols[c]]))
						x = &all[k];
				if (x)
					cell(buf, sizeof buf, x->st.median, x->st.ci_lo, x->st.ci_hi, "%.4g");
				fprintf(f, " %s |", buf);
			}
			fputc('\n', f);
		}
		fputs("\nOverheads\n\n| benchmark | policy |", f);
		for (unsigned k = 0; k < EF_COUNT(overheads); k++)
			fprintf(f, " %s/%s |", mode_names[overheads[k].num],
				mode_names[overheads[k].den]);
		fputs("\n|---|---|---:|---:|---:|---:|\n", f);
		for (size_t i = sec; i < nall; i++) {
			const series *s = &all[i];
			int any = 0;
			char line[512];
			int n;

			/* One line per benchmark and isolating policy (or none). */
			if (!same_section(s, head) || s->mode == EF_MODE_UNSAFE ||
			    (s->mode == EF_MODE_VALIDATE && partner(s, EF_MODE_INVOKE)) ||
			    (s->mode == EF_MODE_FULL && partner(s, EF_MODE_INVOKE)))
				continue;
			n = snprintf(line, sizeof line, "| %s/%s/%llu | %s |", s->key[C_WORKLOAD],
				     s->key[C_BENCH], s->param, s->key[C_POLICY]);
			for (unsigned k = 0; k < EF_COUNT(overheads); k++) {
				const series *num = overheads[k].num == s->mode ? s
					: partner(s, overheads[k].num);
				char buf[96] = "–";
				ratio r;
				if (num && overhead_of(num, k, &r)) {
					cell(buf, sizeof buf, r.value, r.lo, r.hi, "%.3f");
					any = 1;
				}
				n += snprintf(line + n, sizeof line - (size_t)n, " %s |", buf);
			}
			if (any)
				fprintf(f, "%s\n", line);
		}
	}
}

static void usage(void)
{
	printf("usage: efreport [-o DIR] RESULTS.csv...\n"
	       "Summarize efbench result files (several runs and machines may be mixed;\n"
	       "each row keeps its host) into DIR (default: summary):\n"
	       "  summary.csv    median, 95%% CI of the median, 5th/95th percentiles per\n"
	       "                 host, target, policy, benchmark and mode\n"
	       "  overheads.csv  validate/unsafe, invoke/unsafe, full/invoke, full/unsafe:\n"
	       "                 ratio of medians, 95%% bootstrap CI, difference of medians\n"
	       "  summary.md     both as Markdown tables\n"
	       "Exit status: 0 written, 1 cannot write, 2 bad usage or input.\n");
}

int main(int argc, char **argv)
{
	const char *dir = "summary";
	const char **inputs = xrealloc(NULL, (size_t)argc * sizeof *inputs);
	int ninputs = 0;
	size_t rows = 0, errors = 0;
	char path[4096];
	FILE *f;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage();
			return 0;
		} else if (!strcmp(argv[i], "-o")) {
			if (++i == argc || !argv[i][0])
				die("-o: missing folder name");
			dir = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			die("unknown option '%s' (see --help)", argv[i]);
		} else {
			inputs[ninputs++] = argv[i];
		}
	}
	if (!ninputs)
		die("no result files given (see --help)");
	for (int i = 0; i < ninputs; i++)
		rows += read_results(inputs[i], &errors);
	if (!rows)
		die("%s%s: no sample with status ok", inputs[0], ninputs > 1 ? " and the rest" : "");
	for (size_t i = 0; i < nall; i++)
		ef_stats_compute(all[i].v, all[i].n, &all[i].st);
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "efreport: %s: cannot create: %s\n", dir, strerror(errno));
		return 1;
	}
	f = create(dir, "summary.csv", path, sizeof path);
	write_summary_csv(f);
	if (fclose(f))
		die("%s: cannot write", path);
	f = create(dir, "overheads.csv", path, sizeof path);
	write_overheads_csv(f);
	if (fclose(f))
		die("%s: cannot write", path);
	f = create(dir, "summary.md", path, sizeof path);
	write_markdown(f, inputs, ninputs);
	if (fclose(f))
		die("%s: cannot write", path);
	fprintf(stderr, "efreport: %zu samples (%zu error rows skipped), %zu series: "
		"%s/summary.csv, overheads.csv, summary.md\n", rows, errors, nall, dir);
	free(inputs);
	return 0;
}
