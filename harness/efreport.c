/* efreport.c: efreport, the summary of one or more efbench result CSVs.
 *
 *   efreport [-o DIR] RESULTS.csv...
 *
 * Reads every sample of every file given (results.h: rows from several
 * runs and machines may be mixed, each keeps its host; what must not be
 * pooled is refused, a run that did not finish is a warning) and writes
 * into DIR the tables of report.h: summary.csv, overheads.csv, summary.md.
 *
 * DIR is created when missing.  A write that fails is exit status 1, with
 * the reason. */
#include "bench.h"
#include "report.h"
#include "results.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct output {
	const char *name;
	enum { SUMMARY, OVERHEADS, MARKDOWN } what;
} outputs[] = {
	{ "summary.csv", SUMMARY },
	{ "overheads.csv", OVERHEADS },
	{ "summary.md", MARKDOWN },
};

/* Exit status 1: the output could not be written. */
__attribute__((format(printf, 1, 2), noreturn))
static void cannot_write(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ef_results_vexit(1, fmt, ap);
}

/* Table o into dir. */
static void write_table(const char *dir, const struct output *o, const ef_results *R,
			const char *const *inputs, int ninputs)
{
	size_t n = strlen(dir) + strlen(o->name) + 2;
	char *path = ef_xrealloc(NULL, n);
	FILE *f;

	snprintf(path, n, "%s/%s", dir, o->name);
	if (!(f = fopen(path, "w")))
		cannot_write("%s: cannot create: %s", path, strerror(errno));
	switch (o->what) {
	case SUMMARY: ef_report_summary_csv(f, R); break;
	case OVERHEADS: ef_report_overheads_csv(f, R); break;
	case MARKDOWN: ef_report_markdown(f, R, inputs, ninputs); break;
	}
	errno = 0;
	if (fflush(f) || ferror(f)) {
		int e = errno ? errno : EIO;
		fclose(f);
		cannot_write("%s: cannot write: %s", path, strerror(e));
	}
	if (fclose(f))
		cannot_write("%s: cannot write: %s", path, strerror(errno));
	free(path);
}

static void usage(void)
{
	printf("usage: efreport [-o DIR] RESULTS.csv...\n"
	       "Summarize efbench result files (several runs and machines may be mixed;\n"
	       "each row keeps its host) into DIR (default: summary):\n"
	       "  summary.csv    median, 95%% CI of the median, 5th/95th percentiles per\n"
	       "                 host, target, policy, benchmark and mode\n"
	       "  overheads.csv  validate/unsafe, invoke/unsafe, full/invoke, full/unsafe of\n"
	       "                 series of one unit: ratio of medians, 95%% bootstrap CI,\n"
	       "                 difference of medians\n"
	       "  summary.md     both as Markdown tables\n"
	       "Each file's sidecar (NAME.meta) is read: a run that did not finish, or a\n"
	       "last row cut short, is a warning on stderr.  Refused (exit 2): rows that\n"
	       "are not an efbench CSV's; one host name with two CPU models or machine\n"
	       "ids; one benchmark from two builds (git_commit); a row seen twice (a\n"
	       "file given twice).\n"
	       "Exit status: 0 written; 1 a write failed; 2 bad usage or input.\n");
}

int main(int argc, char **argv)
{
	static ef_results R;
	const char *dir = NULL;
	const char **inputs = ef_xrealloc(NULL, (size_t)argc * sizeof *inputs);
	int ninputs = 0;

	ef_results_prog = "efreport";
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
	for (unsigned k = 0; k < EF_COUNT(outputs); k++)
		write_table(dir, &outputs[k], &R, inputs, ninputs);
	fprintf(stderr, "efreport: %zu samples (%zu error rows skipped), %zu series: "
		"%s/summary.csv, overheads.csv, summary.md\n", R.rows, R.errors, R.n, dir);
	ef_results_free(&R);
	free(inputs);
	return 0;
}
