/* options.h: efbench's command line.  Every error is one line naming the
 * flag, and the caller exits with status 2. */
#ifndef EF_OPTIONS_H
#define EF_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#define EF_DEFAULT_REPETITIONS 20
/* Seconds a foreign call may run (--foreign-timeout): "a few seconds"
 * would end brotli's 1 MiB round trip at quality 11 under emulation. */
#define EF_DEFAULT_FOREIGN_TIMEOUT 30.0
/* Processes a run is spread over unless --processes says (no more than
 * --repetitions): enough for paired ratios at the level of processes
 * (EF_PROCESS_LEVEL_MIN, stats.h), whose intervals see what moves a
 * whole process. */
#define EF_DEFAULT_PROCESSES 5
#define EF_DEFAULT_MIN_TIME_S 0.05
#define EF_DEFAULT_SEED 1
#define EF_MAX_GBENCH_FLAGS 32
/* Policies one run can measure side by side (--policy). */
#define EF_MAX_POLICIES 8

/* --interleave: what is measured in rounds, one sample each a round. */
enum ef_interleave {
	EF_INTERLEAVE_MODES,    /* the modes of one benchmark (the default) */
	EF_INTERLEAVE_ALL,      /* every mode of every benchmark of a target */
	EF_INTERLEAVE_NONE,     /* nothing: each mode's samples one after another */
};

/* "modes", "all" or "none". */
const char *ef_interleave_name(enum ef_interleave i);

typedef struct ef_options {
	int help, list, schema;
	unsigned targets;        /* bit i: ef_targets[i]; 0 = every available */
	unsigned modes;          /* bit (1 << ef_mode); 0 = every mode */
	const char *filter;      /* comma-separated patterns of every --filter, NULL = all */
	unsigned repetitions;    /* samples per benchmark and mode, over all processes */
	double min_time_s;
	uint64_t seed;
	enum ef_interleave interleave;
	unsigned processes;      /* --processes: fresh processes, pooled */
	int processes_given;
	/* --worker P/N/MASK (internal): process P of N of a run, of the targets
	 * in MASK, whose rows go to stdout for the parent to write */
	int worker;
	unsigned worker_index;
	const char *out;         /* NULL: results/<run id>.csv */
	int monotonic;           /* clock_gettime instead of the TSC */
	int icount;              /* the TSC counts instructions (QEMU -icount) */
	/* --policy: the runtime policies to measure, each a target's
	 * (ef_target_policy_index), in the order given; none: defaults */
	const char *policies[EF_MAX_POLICIES];
	unsigned npolicies;
	int strict_scan;         /* mpk: refuse sets holding wrpkru/xrstor bytes */
	double foreign_timeout_s; /* mpk: the limit on a foreign call; 0: none */
	int skip_selftest;       /* write rows of a target whose own suite did not run */
	const char *runner;      /* --runner: a name in ef_runners; NULL: the default */
	/* --benchmark_* flags for Google Benchmark, in the order given. */
	char *gbench_flags[EF_MAX_GBENCH_FLAGS];
	unsigned ngbench_flags;
} ef_options;

int ef_options_parse(int argc, char **argv, ef_options *o, char *err,
		     size_t errlen);
void ef_options_usage(const char *argv0);
/* The rounds (samples of each benchmark and mode) this process takes:
 * --repetitions spread over the processes, the first ones taking one
 * more where they do not divide; all of them in a run of one process. */
unsigned ef_options_rounds(const ef_options *o);

/* Does benchmark id match the comma-separated patterns?  A pattern with
 * shell wildcards (* ? [) is matched against the whole id, any other
 * pattern as a substring. */
int ef_filter_match(const char *patterns, const char *id);
/* The same for the one pattern of len bytes at pattern. */
int ef_filter_match_one(const char *pattern, size_t len, const char *id);

#endif
