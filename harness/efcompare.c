/* efcompare.c: efcompare, the regression check behind scripts/check-regress
 * and `make check-regress`.
 *
 *   efcompare [options] BASELINE.csv CANDIDATE.csv
 *   efcompare --ab [options] BASE1.csv CAND1.csv BASE2.csv CAND2.csv ...
 *
 * Reads the files (results.h), judges the candidate against the baseline
 * (compare.h: what is judged, and across which machines; with --ab, the
 * pairs of processes of an A/B run, scripts/ab-run), prints a Markdown
 * report on stdout and exits with the outcome. */
#include "compare.h"
#include "results.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value of option `flag`, given once, a number in (lo, hi). */
static double number_arg(const char *flag, int *given, const char *s, double lo, double hi)
{
	char *end;
	double v = s ? strtod(s, &end) : NAN;
	if ((*given)++)
		ef_results_die("%s given twice", flag);
	if (!s || !*s || *end || !(v > lo) || !(v < hi))
		ef_results_die("%s: '%s' is not a number in (%g, %g)", flag, s ? s : "", lo, hi);
	return v;
}

static void usage(const ef_compare_options *d)
{
	printf("usage: efcompare [options] BASELINE.csv CANDIDATE.csv\n"
	       "       efcompare --ab [options] BASE1.csv CAND1.csv BASE2.csv CAND2.csv ...\n"
	       "Compare two efbench result files series by series; print a Markdown report.\n"
	       "A candidate series is paired with the baseline's from the same machine\n"
	       "(host, CPU model, machine_id) when the baseline has it, else with the\n"
	       "baseline's from each machine it has: counts and overhead ratios are judged\n"
	       "across machines, wall-clock times only on the same machine.\n"
	       "  --alpha P        wall clock: Mann-Whitney U p-value below which a change\n"
	       "                   counts (default %g)\n"
	       "  --min-effect F   wall clock and overhead ratios: the smallest slowdown\n"
	       "                   that counts, as a fraction (default %g: %g%%)\n"
	       "  --min-ns N       wall clock: the smallest slowdown that counts, in ns\n"
	       "                   (default %g); smaller ones are the counts' to catch\n"
	       "  --tolerance F    instruction and cycle counts: the growth allowed, as a\n"
	       "                   fraction (default %g: %g%%)\n"
	       "  --brief          list only what changed or is missing\n"
	       "  --ab             an A/B run (scripts/ab-run): the files are pairs of\n"
	       "                   processes of the base and the candidate run one after\n"
	       "                   the other on one machine, at least %d pairs, each pair's\n"
	       "                   base file first; wall clock is judged by the paired\n"
	       "                   ratios, in each pair the candidate's fastest sample over\n"
	       "                   the base's: regressed when their median is more than\n"
	       "                   --min-effect over 1, its 95%% distribution-free interval\n"
	       "                   lies above 1, and that change is more than --min-ns of\n"
	       "                   the base's median (--alpha unused); counts by the\n"
	       "                   smallest sample of all files; overhead ratios not judged\n"
	       "Warnings on stderr: a file without a sidecar, a run that did not finish.\n"
	       "Exit status:\n"
	       "  0  every baseline series is in the candidate and none regressed\n"
	       "  1  every baseline series is in the candidate and one or more regressed\n"
	       "  2  bad usage, or input that cannot be read or compared (not an efbench\n"
	       "     CSV, rows that must not be pooled, units that differ, a baseline\n"
	       "     without samples; --ab: too few pairs, base files that do not hold\n"
	       "     the same series, a pair from two machines)\n"
	       "  3  the candidate lacks a baseline series, or has only error rows for it\n"
	       "     (a failed or killed run), whatever the rest says\n",
	       d->alpha, d->min_effect, d->min_effect * 100, d->min_ns, d->tolerance,
	       d->tolerance * 100, EF_AB_MIN_PAIRS);
}

/* The A/B check over files[0..n): base, candidate, base, candidate... */
static int compare_ab(char **files, size_t n, const ef_compare_options *o)
{
	size_t npairs = n / 2;
	ef_results *R = calloc(n, sizeof *R);
	char **names = ef_xrealloc(NULL, n * sizeof *names), err[1024];
	int status;

	if (!R)
		ef_results_die("out of memory");
	if (n % 2)
		ef_results_die("--ab: %zu files, an odd count: give pairs, BASE.csv CAND.csv",
			       n);
	/* base[i] is R[i], cand[i] is R[npairs + i]. */
	for (size_t i = 0; i < n; i++) {
		size_t to = i % 2 ? npairs + i / 2 : i / 2;
		names[to] = files[i];
		if (ef_results_read(&R[to], files[i]))
			ef_results_die("%s", R[to].err);
		ef_results_finish(&R[to]);
	}
	status = ef_compare_ab(R, R + npairs, npairs, names, names + npairs, o, stdout, err,
			       sizeof err);
	if (status == EF_COMPARE_BAD_INPUT)
		ef_results_die("%s", err);
	for (size_t i = 0; i < n; i++) {
		ef_results_print_warnings(&R[i], stderr);
		ef_results_free(&R[i]);
	}
	free(R);
	free(names);
	return status;
}

int main(int argc, char **argv)
{
	static ef_results base, cand;
	static const ef_compare_options defaults = EF_COMPARE_DEFAULTS;
	ef_compare_options o = defaults;
	char **files = ef_xrealloc(NULL, (size_t)argc * sizeof *files);
	char err[1024];
	int nfiles = 0, status, ab = 0, given[4] = { 0 };

	ef_results_prog = "efcompare";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(&defaults);
			return 0;
		} else if (!strcmp(argv[i], "--alpha")) {
			o.alpha = number_arg("--alpha", &given[0], i + 1 < argc ? argv[++i] : NULL, 0, 1);
		} else if (!strcmp(argv[i], "--min-effect")) {
			o.min_effect = number_arg("--min-effect", &given[1],
						  i + 1 < argc ? argv[++i] : NULL, 0, 10);
		} else if (!strcmp(argv[i], "--min-ns")) {
			o.min_ns = number_arg("--min-ns", &given[2], i + 1 < argc ? argv[++i] : NULL,
					      -1e-300, 1e12);
		} else if (!strcmp(argv[i], "--tolerance")) {
			o.tolerance = number_arg("--tolerance", &given[3],
						 i + 1 < argc ? argv[++i] : NULL, -1e-300, 10);
		} else if (!strcmp(argv[i], "--brief")) {
			o.brief = 1;
		} else if (!strcmp(argv[i], "--ab")) {
			ab = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			ef_results_die("unknown option '%s' (see --help)", argv[i]);
		} else {
			files[nfiles++] = argv[i];
		}
	}
	if (ab)
		return compare_ab(files, (size_t)nfiles, &o);
	if (nfiles > 2)
		ef_results_die("more than two files (see --help)");
	if (nfiles != 2)
		ef_results_die("need BASELINE.csv and CANDIDATE.csv (see --help)");
	if (ef_results_read(&base, files[0]))
		ef_results_die("%s", base.err);
	if (ef_results_read(&cand, files[1]))
		ef_results_die("%s", cand.err);
	ef_results_finish(&base);
	ef_results_finish(&cand);
	status = ef_compare(&base, &cand, files[0], files[1], &o, stdout, err, sizeof err);
	if (status == EF_COMPARE_BAD_INPUT)
		ef_results_die("%s", err);
	ef_results_print_warnings(&base, stderr);
	ef_results_print_warnings(&cand, stderr);
	ef_results_free(&base);
	ef_results_free(&cand);
	free(files);
	return status;
}
