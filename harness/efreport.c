/* efreport.c: efreport, the summary of one or more efbench result CSVs.
 *
 *   efreport [-o DIR] [--tables] RESULTS.csv...
 *
 * Reads every sample of every file given (results.h: rows from several
 * runs and machines may be mixed, each keeps its host; what must not be
 * pooled is refused, a run that did not finish is a warning) and writes
 * into DIR the tables of report.h: summary.csv, overheads.csv, summary.md;
 * with --tables the paper tables of tables.h instead: tables.md,
 * tables.tex and tables-standalone.tex.
 *
 * DIR is created when missing.  A file of one of those names already in
 * DIR is replaced only when it is efreport's own (its first line is the
 * one efreport writes there); anything else stops efreport before it
 * writes a byte.  Each file is written under a temporary name in DIR and
 * renamed over the old one once all three are complete, so a failed or
 * interrupted efreport leaves the old files or the new, never a cut one. */
#include "bench.h"
#include "report.h"
#include "results.h"
#include "tables.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct output {
	const char *name, *head;
	enum { SUMMARY, OVERHEADS, MARKDOWN, TABLES_MD, TABLES_TEX, TABLES_STANDALONE } what;
	int paper;                 /* written with --tables, the others without */
} outputs[] = {
	{ "summary.csv", EF_REPORT_SUMMARY_HEAD, SUMMARY, 0 },
	{ "overheads.csv", EF_REPORT_OVERHEADS_HEAD, OVERHEADS, 0 },
	{ "summary.md", EF_REPORT_MARKDOWN_HEAD, MARKDOWN, 0 },
	{ "tables.md", EF_TABLES_MD_HEAD, TABLES_MD, 1 },
	{ "tables.tex", EF_TABLES_TEX_HEAD, TABLES_TEX, 1 },
	{ "tables-standalone.tex", EF_TABLES_STANDALONE_HEAD, TABLES_STANDALONE, 1 },
};

/* The temporary files written so far, removed when efreport fails. */
static char *pending[EF_COUNT(outputs)];

/* Exit status 1: the output could not be written. */
__attribute__((format(printf, 1, 2), noreturn))
static void cannot_write(const char *fmt, ...)
{
	va_list ap;

	for (unsigned k = 0; k < EF_COUNT(pending); k++)
		if (pending[k])
			unlink(pending[k]);
	va_start(ap, fmt);
	ef_results_vexit(1, fmt, ap);
}

static char *path_in(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = ef_xrealloc(NULL, n);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* Is the file at path one efreport may replace: none there, or its own? */
static void check_replaceable(const char *path, const char *head)
{
	size_t len = strlen(head);
	char *line = ef_xrealloc(NULL, len + 2);
	struct stat st;
	FILE *f;
	int ours;

	if (lstat(path, &st)) {
		if (errno != ENOENT)
			cannot_write("%s: %s", path, strerror(errno));
		free(line);
		return;
	}
	if (!S_ISREG(st.st_mode))
		cannot_write("%s exists and is not a regular file; nothing written", path);
	if (!(f = fopen(path, "r")))
		cannot_write("%s: %s", path, strerror(errno));
	/* Columns are only ever added at the end: an older efreport's head
	 * is ours up to a comma. */
	if ((ours = fgets(line, (int)len + 2, f) != NULL)) {
		size_t n = strcspn(line, "\n");
		ours = n && n <= len && !strncmp(line, head, n) && (head[n] == 0 || head[n] == ',') &&
		       (line[n] == '\n' || line[n] == 0);
	}
	fclose(f);
	free(line);
	if (!ours)
		cannot_write("%s exists and is not efreport's output (its first line is not '%s'); "
			     "nothing written: move it, or choose another folder with -o", path, head);
}

/* Table k into a new temporary file in dir, pending[k]. */
static void write_temporary(const char *dir, unsigned k, const ef_results *R,
			    const char *const *inputs, int ninputs)
{
	const struct output *o = &outputs[k];
	char *tmp = path_in(dir, ".efreport-XXXXXX");
	mode_t mask = umask(0);
	int fd;
	FILE *f;

	umask(mask);
	if ((fd = mkstemp(tmp)) < 0)
		cannot_write("%s: cannot create a file there: %s", dir, strerror(errno));
	pending[k] = tmp;
	if (fchmod(fd, 0666 & ~mask) || !(f = fdopen(fd, "w")))
		cannot_write("%s: %s", tmp, strerror(errno));
	switch (o->what) {
	case SUMMARY: ef_report_summary_csv(f, R); break;
	case OVERHEADS: ef_report_overheads_csv(f, R); break;
	case MARKDOWN: ef_report_markdown(f, R, inputs, ninputs); break;
	case TABLES_MD: ef_tables_markdown(f, R, inputs, ninputs); break;
	case TABLES_TEX: ef_tables_latex(f, R); break;
	case TABLES_STANDALONE: ef_tables_standalone(f); break;
	}
	errno = 0;
	if (fflush(f) || ferror(f) || fsync(fileno(f))) {
		int e = errno ? errno : EIO;
		fclose(f);
		cannot_write("%s/%s: cannot write: %s", dir, o->name, strerror(e));
	}
	if (fclose(f))
		cannot_write("%s/%s: cannot write: %s", dir, o->name, strerror(errno));
}

static void usage(void)
{
	printf("usage: efreport [-o DIR] [--tables] RESULTS.csv...\n"
	       "Summarize efbench result files (several runs and machines may be mixed;\n"
	       "each row keeps its host) into DIR (default: summary):\n"
	       "  summary.csv    median, 95%% CI of the median, 5th/95th percentiles per\n"
	       "                 host, target, policy, benchmark and mode\n"
	       "  overheads.csv  validate/unsafe, invoke/unsafe, full/invoke, full/unsafe of\n"
	       "                 series of one unit: ratio of medians, 95%% bootstrap CI,\n"
	       "                 difference of medians\n"
	       "  summary.md     both as Markdown tables\n"
	       "or with --tables, instead, the paper's tables (make tables):\n"
	       "microbenchmarks and library overheads per host, target and unit:\n"
	       "  tables.md      in Markdown\n"
	       "  tables.tex     in LaTeX (booktabs), to \\input into a paper\n"
	       "  tables-standalone.tex  a document around tables.tex (pdflatex)\n"
	       "Each file's sidecar (NAME.meta) is read: a run that did not finish, or a\n"
	       "last row cut short, is a warning on stderr.  Refused (exit 2): rows that\n"
	       "are not an efbench CSV's; one benchmark of one machine from two builds\n"
	       "(git_commit: efcompare compares builds); a row seen twice (a file given\n"
	       "twice).  Two machines under one host name (two CPU models, or two\n"
	       "machine ids in the sidecars: a campaign's nodes named alike) are kept\n"
	       "apart, the later machine's rows as host HOST/2 (HOST/3, ...), with a\n"
	       "warning that says which; two runs of one machine and build are pooled,\n"
	       "with a warning naming both.  Files of those names already in DIR are\n"
	       "replaced only when efreport wrote them.\n"
	       "Exit status: 0 written; 1 not written (a file in DIR is not efreport's,\n"
	       "or a write failed); 2 bad usage or input.\n");
}

int main(int argc, char **argv)
{
	static ef_results R;
	const char *dir = NULL;
	int paper = 0;
	const char **inputs = ef_xrealloc(NULL, (size_t)argc * sizeof *inputs);
	int ninputs = 0;

	ef_results_prog = "efreport";
	R.keep_apart = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage();
			return 0;
		} else if (!strcmp(argv[i], "-o")) {
			if (dir)
				ef_results_die("-o given twice");
			if (++i == argc || !argv[i][0])
				ef_results_die("-o: missing folder name");
			dir = argv[i];
		} else if (!strcmp(argv[i], "--tables")) {
			paper = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			ef_results_die("unknown option '%s' (see --help)", argv[i]);
		} else {
			inputs[ninputs++] = argv[i];
		}
	}
	if (!dir)
		dir = "summary";
	if (!ninputs)
		ef_results_die("no result files given (see --help)");
	for (int i = 0; i < ninputs; i++)
		if (ef_results_read(&R, inputs[i]))
			ef_results_die("%s", R.err);
	if (!R.rows)
		ef_results_die("%s%s: no sample with status ok", inputs[0],
			       ninputs > 1 ? " and the rest" : "");
	ef_results_print_warnings(&R, stderr);
	ef_results_finish(&R);
	if (mkdir(dir, 0777) && errno != EEXIST)
		cannot_write("%s: cannot create: %s", dir, strerror(errno));
	for (unsigned k = 0; k < EF_COUNT(outputs); k++) {
		char *path = path_in(dir, outputs[k].name);
		if (outputs[k].paper == paper)
			check_replaceable(path, outputs[k].head);
		free(path);
	}
	for (unsigned k = 0; k < EF_COUNT(outputs); k++)
		if (outputs[k].paper == paper)
			write_temporary(dir, k, &R, inputs, ninputs);
	for (unsigned k = 0; k < EF_COUNT(outputs); k++) {
		char *path = path_in(dir, outputs[k].name);
		if (!pending[k]) {
			free(path);
			continue;
		}
		if (rename(pending[k], path))
			cannot_write("%s: %s", path, strerror(errno));
		free(pending[k]);
		pending[k] = NULL;
		free(path);
	}
	fprintf(stderr, "efreport: %zu samples (%zu error rows skipped), %zu series: "
		"%s/%s\n", R.rows, R.errors, R.n, dir,
		paper ? "tables.md, tables.tex, tables-standalone.tex"
		      : "summary.csv, overheads.csv, summary.md");
	ef_results_free(&R);
	free(inputs);
	return 0;
}
