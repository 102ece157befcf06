/* results.h: efbench result files read back, for the tools that summarize
 * (efreport) and compare (efcompare) them.
 *
 * Samples are pooled into series by host, target, policy, workload,
 * benchmark, parameter and mode.  Reading checks what pooling would hide:
 *   - each file's sidecar (NAME.meta): a run that did not complete, or
 *     whose CSV holds another number of rows than it says, is a warning;
 *     so is a file without one;
 *   - the machine: the rows of one host and target agree on cpu_model and,
 *     where the sidecars say, machine_id (else: two machines, one name,
 *     refused, or kept apart under host names HOST/2, HOST/3... where
 *     keep_apart is set, with a warning);
 *   - the build: the rows of one benchmark (host, target, workload,
 *     benchmark, parameter) agree on the sidecars' git_commit where known;
 *   - the row identity (run_id, target, policy, mode, workload, benchmark,
 *     parameter, repetition) of an ok row is never seen twice (the same
 *     file given twice, a duplicated row).
 * A last row without its line end (a run killed mid-write, a full disk) is
 * dropped with a warning.  Anything else that is not an efbench CSV is
 * refused: the reader returns -1 with one line in err naming the file (and
 * line and column).  It never exits, so a fuzzer can run it in-process;
 * only running out of memory ends the program (ef_xrealloc). */
#ifndef EF_RESULTS_H
#define EF_RESULTS_H

#include "csv.h"
#include "modes.h"
#include "sidecar.h"
#include "stats.h"
#include "strmap.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>


typedef struct ef_series {
	/* host, cpu_model, target, policy, workload, benchmark and unit as
	 * read, and run_id the first row's (a later run's rows pooled into the
	 * series are a warning); NULL for the other columns */
	char *key[EF_COL_COUNT];
	unsigned mode;
	unsigned long long param;
	double *v;
	size_t n, cap;
	/* the same n samples in the order read, each with its file, process
	 * and round (repetition): what pairs them with other modes' */
	ef_sample *raw;
	ef_stats st;               /* after ef_results_finish; v is then sorted */
	const char *machine_id;    /* from a sidecar; NULL where none says */
	/* after ef_results_finish: overhead k with this series as its
	 * numerator, where bit k of `overheads` is set */
	ef_ratio ratio[EF_NOVERHEADS];
	unsigned overheads;
	/* the reader's bookkeeping */
	size_t file, machine, bench, next_in_bench, next_any_host;
} ef_series;

typedef struct ef_results {
	ef_series *s;
	size_t n, cap;
	size_t rows, errors;       /* ok rows read, error rows skipped */
	char err[1024];            /* why the last read returned -1 */
	char **warnings;           /* one line each, for ef_results_print_warnings */
	size_t nwarnings;
	/* the reader's bookkeeping */
	char **files;
	ef_sidecar *meta;
	size_t nfiles;
	char **failed;             /* the first message of each failed key */
	size_t nfailed;
	struct ef_bench_facts *benches;
	size_t nbenches;
	struct ef_machine_facts *machines;
	size_t nmachines;
	ef_map series_map, bench_map, machine_map, any_host_map, failed_map;
	ef_map rows_seen;          /* ok rows' identities: file << 32 | line */
	/* Set before the first read: two machines under one host name are
	 * kept apart (a campaign's nodes, named alike on two clusters), the
	 * later one's rows under host HOST/2 (HOST/3, ...), with a warning;
	 * else refused (efcompare: a comparison of one machine). */
	int keep_apart;
	struct ef_alias { char *host, *label; } *aliases;
	size_t naliases;
} ef_results;

/* The program named in messages. */
extern const char *ef_results_prog;

/* Add every ok sample of the file at path, and read its sidecar (path
 * with .csv replaced by .meta, or .meta added).  0, or -1 with R->err. */
int ef_results_read(ef_results *R, const char *path);
/* The same for a file already in memory: its name for messages, its
 * data, and its sidecar's (meta NULL: there is none). */
int ef_results_read_buffer(ef_results *R, const char *name, const char *data, size_t len,
			   const char *meta_name, const char *meta, size_t meta_len);
/* "PROG: warning: ..." lines to f, for what the reads found: the tools
 * print them once the input is accepted, so that a refusal is one line. */
void ef_results_print_warnings(const ef_results *R, FILE *f);
/* Each series' statistics and overheads, once every file is read. */
void ef_results_finish(ef_results *R);
void ef_results_free(ef_results *R);

/* Same host and CPU model, and machine_id where both know it. */
int ef_same_machine(const ef_series *a, const ef_series *b);
/* The series of s's benchmark in `mode` and s's unit: unsafe and validate
 * mode rows carry policy none, the isolating modes their runtime's. */
const ef_series *ef_results_partner(const ef_results *R, const ef_series *s, unsigned mode);
/* Overhead k with s as its numerator, or NULL (s is not of its
 * numerator's mode, or no denominator of s's unit). */
const ef_ratio *ef_series_overhead(const ef_series *s, unsigned k);

/* After ef_results_finish: the series of R with like's target, policy,
 * workload, benchmark, parameter and mode on any host, one after the
 * other (NULL after the last). */
const ef_series *ef_results_any_host(const ef_results *R, const ef_series *like);
const ef_series *ef_results_next_any_host(const ef_results *R, const ef_series *s);
/* The message of R's first error row of like's target, workload,
 * benchmark, parameter and mode (any host or policy), or NULL. */
const char *ef_results_failed(const ef_results *R, const ef_series *like);

/* "WHAT (policy)", or just WHAT for policy none: how reports name a mode
 * or ratio of s. */
void ef_print_label(FILE *f, const ef_series *s, const char *what);

/* For the tools' main functions (the reader never calls them): one line
 * "PROG: ..." on stderr, then exit with status (2: bad usage or input). */
void ef_results_vexit(int status, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0), noreturn));
void ef_results_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
/* Control characters (a quoted field may hold a line break) to spaces:
 * every message is one line. */
void ef_one_line(char *s);
void *ef_xrealloc(void *p, size_t n);
char *ef_xstrdup(const char *s);

#endif
