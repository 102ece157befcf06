/* fuzz_results.c: a libFuzzer target for the code that reads results: the
 * CSV reader, the sidecar reader and the pooling checks (results.h), then
 * efreport's tables (report.h, tables.h) and efcompare's judgement (compare.h), all
 * in-process.  `make fuzz` runs it; tests/cli/test_fuzz.sh runs it briefly
 * in make test.
 *
 * An input is up to three parts split at NUL bytes: a baseline CSV, a
 * candidate CSV (the baseline again when absent) and the candidate's
 * sidecar (none when absent).  The report pools both CSVs, the comparison
 * judges one against the other.  Anything may be refused; nothing may
 * crash, leak or read out of bounds. */
#include "../../harness/compare.h"
#include "../../harness/report.h"
#include "../../harness/results.h"
#include "../../harness/tables.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static FILE *sink;

static void report(const char *a, size_t alen, const char *b, size_t blen, const char *meta,
		   size_t mlen)
{
	static const char *const inputs[] = { "base.csv", "cand.csv" };
	ef_results R;

	memset(&R, 0, sizeof R);
	R.keep_apart = 1;          /* as efreport reads */
	if (!ef_results_read_buffer(&R, "base.csv", a, alen, "base.meta", NULL, 0) &&
	    !ef_results_read_buffer(&R, "cand.csv", b, blen, "cand.meta", meta, mlen) && R.rows) {
		ef_results_print_warnings(&R, sink);
		ef_results_finish(&R);
		ef_report_summary_csv(sink, &R);
		ef_report_overheads_csv(sink, &R);
		ef_report_markdown(sink, &R, inputs, 2);
		ef_tables_markdown(sink, &R, inputs, 2);
		ef_tables_latex(sink, &R);
	}
	ef_results_free(&R);
}

static void compare(const char *a, size_t alen, const char *b, size_t blen, const char *meta,
		    size_t mlen)
{
	static const ef_compare_options o = EF_COMPARE_DEFAULTS;
	ef_results base, cand;
	char err[256];

	memset(&base, 0, sizeof base);
	memset(&cand, 0, sizeof cand);
	if (!ef_results_read_buffer(&base, "base.csv", a, alen, "base.meta", NULL, 0) &&
	    !ef_results_read_buffer(&cand, "cand.csv", b, blen, "cand.meta", meta, mlen)) {
		ef_results_finish(&base);
		ef_results_finish(&cand);
		ef_compare(&base, &cand, "base.csv", "cand.csv", &o, sink, err, sizeof err);
	}
	ef_results_free(&base);
	ef_results_free(&cand);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *a = (const char *)data, *end = a + size, *b = a, *meta = NULL;
	const char *nul = memchr(a, 0, size);
	size_t alen = nul ? (size_t)(nul - a) : size, blen = alen, mlen = 0;

	if (!sink && !(sink = fopen("/dev/null", "w")))
		return 0;
	if (nul) {
		b = nul + 1;
		nul = memchr(b, 0, (size_t)(end - b));
		blen = nul ? (size_t)(nul - b) : (size_t)(end - b);
		if (nul) {
			meta = nul + 1;
			mlen = (size_t)(end - meta);
		}
	}
	report(a, alen, b, blen, meta, mlen);
	compare(a, alen, b, blen, meta, mlen);
	return 0;
}
