/* results.h: efbench result files read back, for the tools that summarize
 * (efreport) and compare (efcompare) them.  Samples are pooled into series
 * by host, target, policy, workload, benchmark, parameter and mode.  Input
 * that is not an efbench CSV ends the program with one line naming the
 * file (and line and column) and exit status 2. */
#ifndef EF_RESULTS_H
#define EF_RESULTS_H

#include "stats.h"
#include "../targets/ef_modes.h"

#include <stddef.h>

/* The columns read; results/SCHEMA.md has them all. */
enum { EF_COL_HOST, EF_COL_CPU, EF_COL_TARGET, EF_COL_POLICY, EF_COL_MODE,
       EF_COL_WORKLOAD, EF_COL_BENCH, EF_COL_PARAM, EF_COL_VALUE, EF_COL_UNIT,
       EF_COL_STATUS, EF_COL_COUNT };
extern const char *const ef_column_names[EF_COL_COUNT];
extern const char *const ef_mode_names[EF_MODE_COUNT];

typedef struct ef_series {
	char *key[EF_COL_COUNT];   /* as read; NULL for mode, param, value, status */
	unsigned mode;
	unsigned long long param;
	double *v;
	size_t n, cap;
	ef_stats st;               /* after ef_results_finish; v is then sorted */
} ef_series;

typedef struct ef_results {
	ef_series *s;
	size_t n, cap;
	size_t rows, errors;       /* ok rows read, error rows skipped */
} ef_results;

/* The program named in error messages. */
extern const char *ef_results_prog;

/* Add every ok sample of one file. */
void ef_results_read(ef_results *r, const char *path);
/* Compute each series' statistics. */
void ef_results_finish(ef_results *r);

/* Same host, target, workload, benchmark and parameter. */
int ef_same_benchmark(const ef_series *a, const ef_series *b);
/* The series of s's benchmark in `mode`: unsafe and validate mode rows
 * carry policy none, the isolating modes their runtime's. */
const ef_series *ef_results_partner(const ef_results *r, const ef_series *s,
				    unsigned mode);

/* "WHAT (policy)" into buf, or just WHAT for policy none: how reports name
 * a mode or ratio of s. */
void ef_series_label(const ef_series *s, const char *what, char *buf, size_t len);

/* The overheads DESIGN.md reports, numerator's median over denominator's. */
#define EF_NOVERHEADS 4
typedef struct ef_overhead { unsigned num, den; } ef_overhead;
extern const ef_overhead ef_overheads[EF_NOVERHEADS];
typedef struct ef_ratio {
	double value, lo, hi;      /* bootstrap interval; NaN under 6 samples */
	double difference;         /* numerator's median minus denominator's */
} ef_ratio;
/* Overhead k with num as numerator; 0 when num is not of its numerator's
 * mode or its denominator is missing. */
int ef_overhead_of(const ef_results *r, const ef_series *num, unsigned k,
		   ef_ratio *out);

void ef_results_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void *ef_xrealloc(void *p, size_t n);
char *ef_xstrdup(const char *s);
/* EF_MODE_x for a mode's name, or -1. */
int ef_mode_parse(const char *s);

#endif
