/* modes.h: the facts about modes that efbench and the tools that read its
 * results (efreport, efcompare) share: each mode's name, and the overheads
 * reported between modes with how each is computed.  One table each, so
 * that efbench's summary and efreport's tables cannot disagree. */
#ifndef EF_HARNESS_MODES_H
#define EF_HARNESS_MODES_H

#include "stats.h"
#include "../runtimes/ef_modes.h"

/* "unsafe", "validate", ... for an EF_MODE_x value; "?" for any other. */
const char *ef_mode_name(unsigned mode);
/* EF_MODE_x for a mode's name, or -1. */
int ef_mode_parse(const char *s);
/* Does the mode run through an isolating runtime, under one of its
 * policies (invoke, full)?  unsafe and validate rows have policy none, and
 * pair with the isolating modes' rows of every policy. */
int ef_mode_isolates(unsigned mode);

/* The overheads docs/design.md reports (as the Omniglot artifact does), in the
 * order the tables show them: numerator over denominator (ef_ratio_of). */
#define EF_NOVERHEADS 4
typedef struct ef_overhead { unsigned num, den; } ef_overhead;
extern const ef_overhead ef_overheads[EF_NOVERHEADS];

/* How an overhead's value/lo/hi were computed. */
enum ef_ratio_method {
	EF_RATIO_PAIRED,    /* the paired ratio (ef_paired_ratios) */
	EF_RATIO_MEDIANS,   /* ratio of medians, bootstrap interval: no pairs */
};

typedef struct ef_ratio {
	/* what reports show: the paired ratio where the samples pair, else
	 * the ratio of medians; NaN bounds where the shown one has none */
	double value, lo, hi;
	enum ef_ratio_method method;
	/* the paired ratios (paired.st.n pairs, 0: none) */
	ef_paired paired;
	/* the ratio of medians with its 95% bootstrap interval, kept for
	 * comparison (NaN bounds under EF_CI_MIN_SAMPLES samples a side) */
	double medians, medians_lo, medians_hi;
	double difference;         /* numerator's median minus denominator's */
} ef_ratio;

/* What "paired" and "medians" stand for in reports. */
const char *ef_ratio_method_name(enum ef_ratio_method m);
/* The column the ratio was taken of (overheads.csv's measure): "cpu_ns"
 * for paired ratios of CPU time, else "value". */
const char *ef_ratio_measure_name(const ef_ratio *r);
/* The tables' letter after a ratio: "m" for a ratio of medians, "c" for
 * a paired ratio of CPU time, "" for a paired ratio of the values. */
const char *ef_ratio_letter(const ef_ratio *r);

/* One side of an overhead: its statistics, its bootstrap resamples (NULL:
 * no interval for the ratio of medians) and its samples as taken (raw,
 * NULL or nraw 0: nothing to pair). */
typedef struct ef_ratio_side {
	const ef_stats *st;
	const ef_boot *boot;
	const ef_sample *raw;
	size_t nraw;
} ef_ratio_side;

/* The overhead of num over den, both ways: the paired ratios
 * (ef_paired_ratios) and the ratio of medians with the 95% interval of
 * their resamples (ef_boot_ratio_ci); value/lo/hi the paired one where
 * any sample pairs.  The one place efbench's summary and the tools
 * compute an overhead. */
ef_ratio ef_ratio_of(const ef_ratio_side *num, const ef_ratio_side *den);

#endif
