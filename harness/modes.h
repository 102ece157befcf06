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

/* The overheads docs/design.md reports (as the Omniglot artifact does), in the
 * order the tables show them: numerator's median over denominator's. */
#define EF_NOVERHEADS 4
typedef struct ef_overhead { unsigned num, den; } ef_overhead;
extern const ef_overhead ef_overheads[EF_NOVERHEADS];

typedef struct ef_ratio {
	double value, lo, hi;      /* bootstrap interval; NaN under 6 samples */
	double difference;         /* numerator's median minus denominator's */
} ef_ratio;

/* The overhead of the sample with statistics num over the one with den:
 * the ratio of their medians, with the 95% interval of their resamples
 * (ef_boot_ratio_ci; NaN bounds where either is NULL or has none). */
ef_ratio ef_ratio_of(const ef_stats *num, const ef_boot *num_boot,
		     const ef_stats *den, const ef_boot *den_boot);

#endif
