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
#include "results.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static ef_results R;

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

static void key_fields(FILE *f, const ef_series *s)
{
	char p[32];
	field(f, s->key[EF_COL_HOST], 0);
	field(f, s->key[EF_COL_TARGET], 0);
	field(f, s->key[EF_COL_POLICY], 0);
	field(f, s->key[EF_COL_WORKLOAD], 0);
	field(f, s->key[EF_COL_BENCH], 0);
	snprintf(p, sizeof p, "%llu", s->param);
	field(f, p, 0);
}

static void write_summary_csv(FILE *f)
{
	fputs("host,target,policy,workload,benchmark,parameter,mode,unit,n,median,"
	      "ci_lo,ci_hi,p5,p95,cpu_model\n", f);
	for (size_t i = 0; i < R.n; i++) {
		const ef_series *s = &R.s[i];
		key_fields(f, s);
		field(f, ef_mode_names[s->mode], 0);
		field(f, s->key[EF_COL_UNIT], 0);
		fprintf(f, "%zu,", s->n);
		number(f, s->st.median, 0);
		number(f, s->st.ci_lo, 0);
		number(f, s->st.ci_hi, 0);
		number(f, s->st.p5, 0);
		number(f, s->st.p95, 0);
		field(f, s->key[EF_COL_CPU], 1);
	}
}

static void write_overheads_csv(FILE *f)
{
	fputs("host,target,policy,workload,benchmark,parameter,ratio,unit,value,"
	      "ci_lo,ci_hi,difference,cpu_model\n", f);
	for (size_t i = 0; i < R.n; i++)
		for (unsigned k = 0; k < EF_NOVERHEADS; k++) {
			const ef_series *s = &R.s[i];
			char name[32];
			ef_ratio r;

			if (!ef_overhead_of(&R, s, k, &r))
				continue;
			key_fields(f, s);
			snprintf(name, sizeof name, "%s/%s", ef_mode_names[ef_overheads[k].num],
				 ef_mode_names[ef_overheads[k].den]);
			field(f, name, 0);
			field(f, s->key[EF_COL_UNIT], 0);
			number(f, r.value, 0);
			number(f, r.lo, 0);
			number(f, r.hi, 0);
			number(f, r.difference, 0);
			field(f, s->key[EF_COL_CPU], 1);
		}
}

static int same_section(const ef_series *a, const ef_series *b)
{
	return !strcmp(a->key[EF_COL_HOST], b->key[EF_COL_HOST]) &&
	       !strcmp(a->key[EF_COL_TARGET], b->key[EF_COL_TARGET]);
}

/* Is s the first series of its section (or benchmark) in the file order? */
static int first_of(size_t i, int (*same)(const ef_series *, const ef_series *))
{
	for (size_t k = 0; k < i; k++)
		if (same(&R.s[k], &R.s[i]))
			return 0;
	return 1;
}

static int same_column(const ef_series *a, const ef_series *b)
{
	return same_section(a, b) && a->mode == b->mode &&
	       !strcmp(a->key[EF_COL_POLICY], b->key[EF_COL_POLICY]);
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
	for (size_t sec = 0; sec < R.n; sec++) {
		const ef_series *head = &R.s[sec];
		size_t cols[16], ncols = 0;

		if (!first_of(sec, same_section))
			continue;
		for (unsigned m = 0; m < EF_MODE_COUNT; m++)
			for (size_t i = sec; i < R.n && ncols < EF_COUNT(cols); i++)
				if (same_section(&R.s[i], head) && R.s[i].mode == m &&
				    first_of(i, same_column))
					cols[ncols++] = i;
		fprintf(f, "\n## %s, target %s (%s)\n\n%s per iteration\n\n| benchmark |",
			head->key[EF_COL_HOST], head->key[EF_COL_TARGET], head->key[EF_COL_CPU],
			head->key[EF_COL_UNIT]);
		for (size_t c = 0; c < ncols; c++) {
			char label[64];
			ef_series_label(&R.s[cols[c]], ef_mode_names[R.s[cols[c]].mode],
					label, sizeof label);
			fprintf(f, " %s |", label);
		}
		fputs("\n|---|", f);
		for (size_t c = 0; c < ncols; c++)
			fputs("---:|", f);
		fputc('\n', f);
		for (size_t i = sec; i < R.n; i++) {
			if (!same_section(&R.s[i], head) || !first_of(i, ef_same_benchmark))
				continue;
			fprintf(f, "| %s/%s/%llu |", R.s[i].key[EF_COL_WORKLOAD], R.s[i].key[EF_COL_BENCH],
				R.s[i].param);
			for (size_t c = 0; c < ncols; c++) {
				const ef_series *x = NULL;
				char buf[96] = "–";
				for (size_t k = sec; k < R.n && !x; k++)
					if (ef_same_benchmark(&R.s[k], &R.s[i]) && same_column(&R.s[k], &R.s[cols[c]]))
						x = &R.s[k];
				if (x)
					cell(buf, sizeof buf, x->st.median, x->st.ci_lo, x->st.ci_hi, "%.4g");
				fprintf(f, " %s |", buf);
			}
			fputc('\n', f);
		}
		fputs("\nOverheads\n\n| benchmark | policy |", f);
		for (unsigned k = 0; k < EF_NOVERHEADS; k++)
			fprintf(f, " %s/%s |", ef_mode_names[ef_overheads[k].num],
				ef_mode_names[ef_overheads[k].den]);
		fputs("\n|---|---|---:|---:|---:|---:|\n", f);
		for (size_t i = sec; i < R.n; i++) {
			const ef_series *s = &R.s[i];
			int any = 0;
			char line[512];
			int n;

			/* One line per benchmark and isolating policy (or none). */
			if (!same_section(s, head) || s->mode == EF_MODE_UNSAFE ||
			    (s->mode == EF_MODE_VALIDATE && ef_results_partner(&R, s, EF_MODE_INVOKE)) ||
			    (s->mode == EF_MODE_FULL && ef_results_partner(&R, s, EF_MODE_INVOKE)))
				continue;
			n = snprintf(line, sizeof line, "| %s/%s/%llu | %s |", s->key[EF_COL_WORKLOAD],
				     s->key[EF_COL_BENCH], s->param, s->key[EF_COL_POLICY]);
			for (unsigned k = 0; k < EF_NOVERHEADS; k++) {
				const ef_series *num = ef_overheads[k].num == s->mode ? s
					: ef_results_partner(&R, s, ef_overheads[k].num);
				char buf[96] = "–";
				ef_ratio r;
				if (num && ef_overhead_of(&R, num, k, &r)) {
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
	ef_results_prog = "efreport";
	const char *dir = "summary";
	const char **inputs = ef_xrealloc(NULL, (size_t)argc * sizeof *inputs);
	int ninputs = 0;
	char path[4096];
	FILE *f;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage();
			return 0;
		} else if (!strcmp(argv[i], "-o")) {
			if (++i == argc || !argv[i][0])
				ef_results_die("-o: missing folder name");
			dir = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			ef_results_die("unknown option '%s' (see --help)", argv[i]);
		} else {
			inputs[ninputs++] = argv[i];
		}
	}
	if (!ninputs)
		ef_results_die("no result files given (see --help)");
	for (int i = 0; i < ninputs; i++)
		ef_results_read(&R, inputs[i]);
	if (!R.rows)
		ef_results_die("%s%s: no sample with status ok", inputs[0], ninputs > 1 ? " and the rest" : "");
	ef_results_finish(&R);
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "efreport: %s: cannot create: %s\n", dir, strerror(errno));
		return 1;
	}
	f = create(dir, "summary.csv", path, sizeof path);
	write_summary_csv(f);
	if (fclose(f))
		ef_results_die("%s: cannot write", path);
	f = create(dir, "overheads.csv", path, sizeof path);
	write_overheads_csv(f);
	if (fclose(f))
		ef_results_die("%s: cannot write", path);
	f = create(dir, "summary.md", path, sizeof path);
	write_markdown(f, inputs, ninputs);
	if (fclose(f))
		ef_results_die("%s: cannot write", path);
	fprintf(stderr, "efreport: %zu samples (%zu error rows skipped), %zu series: "
		"%s/summary.csv, overheads.csv, summary.md\n", R.rows, R.errors, R.n, dir);
	free(inputs);
	return 0;
}
