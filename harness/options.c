/* options.c: see options.h. */
#include "options.h"
#include "csv.h"
#include "registry.h"
#include "runners.h"
#include "../runtimes/ef_modes.h"

#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ef_options_usage(const char *argv0)
{
	printf("usage: %s [options]\n"
	       "Benchmark encapsulated functions: every workload in every mode on every\n"
	       "target this machine has; one CSV row per sample plus a metadata sidecar.\n"
	       "\n"
	       "  --list                print the benchmark ids and the modes each runs in\n"
	       "  --schema              print the CSV's header line: its columns, in order,\n"
	       "                        comma-separated (results/SCHEMA.md says what each holds)\n"
	       "  --target LIST         targets, comma-separated (this build: ", argv0);
	for (unsigned i = 0; i < ef_ntargets; i++)
		printf("%s%s", i ? ", " : "", ef_targets[i]->name);
	printf(")\n"
	       "                        default: every target available here\n"
	       "  --mode LIST           unsafe,validate,invoke,full,reference (default: all the\n"
	       "                        target has; reference: host's from_utf8 beside ubench's\n"
	       "                        UTF-8 benchmarks)\n"
	       "  --filter LIST         benchmark ids to run, comma-separated: a pattern with\n"
	       "                        * ? [ ] must match the whole id (ubench/invoke_args/*),\n"
	       "                        any other matches as a substring (utf8); every\n"
	       "                        pattern must match something; may be repeated\n"
	       "  --repetitions N       samples per benchmark and mode, in all processes\n"
	       "                        (default %d)\n"
	       "  --min-time SECONDS    minimum duration of one sample (default %g)\n"
	       "  --seed N              seed of the stack offsets and of the rounds' order\n"
	       "                        (default %d): a run is reproduced by its seed\n"
	       "  --interleave WHAT     what is measured in rounds, one sample of each a\n"
	       "                        round in an order drawn from --seed, so all see\n"
	       "                        the same noise: modes (default: the modes of one\n"
	       "                        benchmark), all (every benchmark and mode of a\n"
	       "                        target, all set up at once: mpk's protection keys\n"
	       "                        may not go round), none (one mode's samples after\n"
	       "                        another's)\n"
	       "  --processes N         spread the samples over N fresh processes, one after\n"
	       "                        another (new address-space layout, new stack\n"
	       "                        offsets), and pool them; rows say which (column\n"
	       "                        process); overheads' intervals then hold what\n"
	       "                        moves a whole process (default %d, at most\n"
	       "                        --repetitions, and 1 with --clock icount; 1: all\n"
	       "                        in this process)\n"
	       "  --out FILE            CSV to create; never overwritten; the sidecar is\n"
	       "                        FILE with .csv replaced by .meta\n"
	       "                        (default: results/<host>-<UTC time>-<pid>.csv)\n"
	       "  --clock WHICH         native runner: tsc (default, where invariant),\n"
	       "                        monotonic (clock_gettime), or icount: the TSC\n"
	       "                        under QEMU -icount shift=0, where a virtual ns is\n"
	       "                        one instruction; rows then say instructions\n"
	       "  --runner WHICH        gbench: Google Benchmark times the samples (the\n"
	       "                        default where this build has it); native: the\n"
	       "                        portable C runner (the only one for pmp targets)\n"
	       "  --benchmark_FLAG=V    passed to Google Benchmark (gbench runner), e.g.\n"
	       "                        --benchmark_out=FILE (its JSON, one file for the\n"
	       "                        run; default: the CSV's name with .json; an empty\n"
	       "                        FILE writes none),\n"
	       "                        --benchmark_enable_random_interleaving;\n"
	       "                        --benchmark_repetitions and --benchmark_min_time\n"
	       "                        are --repetitions and --min-time\n"
	       "  --policy LIST         mpk policies, comma-separated, each measured in the\n"
	       "                        same run (invoke and full once per policy, in the\n"
	       "                        rounds of unsafe): sealed (default: strict, and no\n"
	       "                        system call, signal state or gadget takes foreign\n"
	       "                        code out of its domain), strict (foreign code can\n"
	       "                        neither read nor write host memory),\n"
	       "                        foreign-read-host (it can read, never write, host\n"
	       "                        memory); rows and the sidecar record the policy;\n"
	       "                        the last --policy or --foreign-read counts\n"
	       "  --foreign-read WHAT   the older spelling of --policy: none is strict,\n"
	       "                        host is foreign-read-host\n"
	       "  --foreign-timeout S   mpk: end a foreign call that runs longer than S\n"
	       "                        seconds (EF_E_TIMEOUT, an error row; default %g;\n"
	       "                        0: no limit, for a benchmark whose calls need more)\n"
	       "  --strict-scan         mpk: refuse a library set whose code holds the bytes\n"
	       "                        of wrpkru or xrstor anywhere (every hit is listed in\n"
	       "                        the sidecar as mpk_scan_<set>_<n>, refused or not)\n"
	       "  --skip-selftest       do not run a target's own test suite first (mpk:\n"
	       "                        build/tests/test_mpk must pass here before any mpk\n"
	       "                        row is written); the sidecar says it was skipped\n"
	       "  --help                this text\n"
	       "\n"
	       "The sidecar's status says how complete the CSV is: running (until the end;\n"
	       "left by a run that was killed), complete, interrupted, or failed.\n"
	       "Exit status:\n"
	       "  0    every benchmark ran\n"
	       "  1    some benchmarks produced error rows (set-up failed, a result differed\n"
	       "       from unsafe mode's, foreign code faulted); the rest ran\n"
	       "  2    bad usage, or an output file exists: nothing was written\n"
	       "  3    the results could not all be written (disk full, I/O error), or a\n"
	       "       process of --processes failed: the CSV holds every row before the\n"
	       "       failure, whole, and the sidecar says why\n"
	       "  128+N  stopped by signal N: 129 SIGHUP, 130 SIGINT (Ctrl-C), 143 SIGTERM;\n"
	       "       the CSV keeps every finished row (a second signal ends the run at\n"
	       "       once, losing the samples not yet written)\n",
	       EF_DEFAULT_REPETITIONS, EF_DEFAULT_MIN_TIME_S, EF_DEFAULT_SEED,
	       EF_DEFAULT_PROCESSES, EF_DEFAULT_FOREIGN_TIMEOUT);
}

/* Check that list has no empty item and apply f (if any) to each item;
 * stops at the first error. */
static int each_item(const char *list, const char *flag, char *err, size_t errlen,
		     int (*f)(const char *item, void *arg, char *err, size_t errlen),
		     void *arg)
{
	char buf[1024];
	size_t len = strlen(list);

	if (!len || len >= sizeof buf) {
		snprintf(err, errlen, "%s: %s list", flag, len ? "too long a" : "empty");
		return -1;
	}
	if (list[0] == ',' || list[len - 1] == ',' || strstr(list, ",,")) {
		snprintf(err, errlen, "%s: empty item in '%s'", flag, list);
		return -1;
	}
	memcpy(buf, list, len + 1);
	for (char *save, *it = strtok_r(buf, ",", &save); it;
	     it = strtok_r(NULL, ",", &save))
		if (f && f(it, arg, err, errlen))
			return -1;
	return 0;
}

static int add_target(const char *name, void *arg, char *err, size_t errlen)
{
	const ef_target *t = ef_target_find(name);
	if (!t) {
		int n = snprintf(err, errlen, "--target: unknown target '%s' (this build has:", name);
		for (unsigned i = 0; i < ef_ntargets && n > 0 && (size_t)n < errlen; i++)
			n += snprintf(err + n, errlen - (size_t)n, " %s", ef_targets[i]->name);
		if (n > 0 && (size_t)n < errlen)
			snprintf(err + n, errlen - (size_t)n, ")");
		return -1;
	}
	*(unsigned *)arg |= ef_target_bit(t);
	return 0;
}

static int add_mode(const char *name, void *arg, char *err, size_t errlen)
{
	for (unsigned m = 0; m < EF_MODE_COUNT; m++)
		if (!strcmp(ef_mode_name(m), name)) {
			*(unsigned *)arg |= 1u << m;
			return 0;
		}
	snprintf(err, errlen, "--mode: unknown mode '%s' (modes: unsafe, validate, invoke, full, reference)", name);
	return -1;
}

static int parse_reps(const char *flag, const char *s, unsigned *out,
		      char *err, size_t errlen)
{
	unsigned long long v;

	if (ef_csv_parse_count(s, &v) || v < 1 || v > 100000) {
		snprintf(err, errlen, "%s: '%s' is not an integer from 1 to 100000", flag, s);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* Every --filter counts: their lists joined. */
static int add_filter(ef_options *o, const char *list, char *err, size_t errlen)
{
	size_t had = o->filter ? strlen(o->filter) + 1 : 0;
	char *joined = malloc(had + strlen(list) + 1);

	if (!joined) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (had)
		memcpy(joined, o->filter, had - 1), joined[had - 1] = ',';
	strcpy(joined + had, list);
	free((char *)o->filter);
	o->filter = joined;
	return 0;
}

/* Seconds; Google Benchmark's newer spelling "0.5s" is taken too. */
static int parse_min_time(const char *flag, const char *s, double *out,
			  char *err, size_t errlen)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (*end == 's' && end > s && !strcmp(flag, "--benchmark_min_time"))
		end++;
	if (!*s || *end || errno || !isfinite(*out) || *out <= 0 || *out > 3600) {
		snprintf(err, errlen, "%s: '%s' is not a number of seconds in (0, 3600]",
			 flag, s);
		return -1;
	}
	return 0;
}

/* A --benchmark_* argument: efbench's own settings under Google
 * Benchmark's names, flags that would fight efbench's plan refused, the
 * rest kept for Google Benchmark to parse. */
static int gbench_flag(char *arg, ef_options *o, char *err, size_t errlen)
{
	static const char *const refused[][2] = {
		{ "--benchmark_filter", "--filter" },
		{ "--benchmark_list_tests", "--list" },
		{ "--benchmark_format", "efbench's summary" },
	};
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	char name[64];

	snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), arg);
	for (unsigned i = 0; i < sizeof refused / sizeof *refused; i++)
		if (!strcmp(name, refused[i][0])) {
			snprintf(err, errlen, "%s: efbench decides this; use %s", name,
				 refused[i][1]);
			return -1;
		}
	if (!strcmp(name, "--benchmark_repetitions") || !strcmp(name, "--benchmark_min_time")) {
		if (!eq) {
			snprintf(err, errlen, "%s: missing value (%s=V)", name, name);
			return -1;
		}
		return name[12] == 'r' ? parse_reps(name, eq + 1, &o->repetitions, err, errlen)
				       : parse_min_time(name, eq + 1, &o->min_time_s, err, errlen);
	}
	if (o->ngbench_flags == EF_MAX_GBENCH_FLAGS) {
		snprintf(err, errlen, "%s: more than %d --benchmark_ flags", name,
			 EF_MAX_GBENCH_FLAGS);
		return -1;
	}
	o->gbench_flags[o->ngbench_flags++] = arg;
	return 0;
}

/* One of --policy's names: a policy some target of this build can choose,
 * named once. */
static int add_policy(ef_options *o, const char *flag, const char *name,
		      char *err, size_t errlen)
{
	int known = 0;

	for (unsigned i = 0; i < ef_ntargets; i++)
		known |= ef_target_policy_index(ef_targets[i], name) >= 0;
	if (!known) {
		int n = snprintf(err, errlen, "%s: unknown policy '%s' (this build has:", flag,
				 name);
		const char *p;
		for (unsigned i = 0; i < ef_ntargets; i++)
			for (unsigned k = 0; ef_targets[i]->use_policy &&
			     (p = ef_targets[i]->policy(k)) && n > 0 && (size_t)n < errlen; k++)
				n += snprintf(err + n, errlen - (size_t)n, " %s", p);
		if (n > 0 && (size_t)n < errlen)
			snprintf(err + n, errlen - (size_t)n, ")");
		return -1;
	}
	for (unsigned k = 0; k < o->npolicies; k++)
		if (!strcmp(o->policies[k], name)) {
			snprintf(err, errlen, "%s: '%s' is named twice", flag, name);
			return -1;
		}
	if (o->npolicies == EF_MAX_POLICIES) {
		snprintf(err, errlen, "%s: more than %d policies", flag, EF_MAX_POLICIES);
		return -1;
	}
	o->policies[o->npolicies++] = name;
	return 0;
}

/* The last --policy (or --foreign-read) replaces what an earlier one
 * said; the names point into a copy of its list. */
static int set_policies(ef_options *o, const char *flag, const char *list,
			char *err, size_t errlen)
{
	static char *copy;

	o->npolicies = 0;
	free(copy);
	copy = NULL;
	if (each_item(list, flag, err, errlen, NULL, NULL))
		return -1;
	if (!(copy = strdup(list))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (char *save, *it = strtok_r(copy, ",", &save); it;
	     it = strtok_r(NULL, ",", &save))
		if (add_policy(o, flag, it, err, errlen))
			return -1;
	return 0;
}

/* "--runner: 'X' is not a, b or c", from the table. */
static void unknown_runner(const char *name, char *err, size_t errlen)
{
	size_t n = (size_t)snprintf(err, errlen, "--runner: '%s' is not ", name);

	for (unsigned i = 0; i < ef_nrunners && n < errlen; i++)
		n += (size_t)snprintf(err + n, errlen - n, "%s%s",
				      !i ? "" : i + 1 < ef_nrunners ? ", " : " or ",
				      ef_runners[i]->name);
}

const char *ef_interleave_name(enum ef_interleave i)
{
	return i == EF_INTERLEAVE_ALL ? "all" : i == EF_INTERLEAVE_NONE ? "none" : "modes";
}

int ef_options_parse(int argc, char **argv, ef_options *o, char *err,
		     size_t errlen)
{
	enum { O_LIST = 256, O_SCHEMA, O_TARGET, O_MODE, O_FILTER, O_REPS, O_MINTIME,
	       O_SEED, O_OUT, O_CLOCK, O_POLICY, O_FOREIGN_READ, O_STRICT_SCAN, O_RUNNER,
	       O_FOREIGN_TIMEOUT,
	       O_SKIP_SELFTEST, O_HELP, O_INTERLEAVE, O_PROCESSES, O_WORKER };
	static const struct option longopts[] = {
		{ "list", no_argument, 0, O_LIST },
		{ "schema", no_argument, 0, O_SCHEMA },
		{ "target", required_argument, 0, O_TARGET },
		{ "mode", required_argument, 0, O_MODE },
		{ "filter", required_argument, 0, O_FILTER },
		{ "repetitions", required_argument, 0, O_REPS },
		{ "min-time", required_argument, 0, O_MINTIME },
		{ "seed", required_argument, 0, O_SEED },
		{ "out", required_argument, 0, O_OUT },
		{ "clock", required_argument, 0, O_CLOCK },
		{ "policy", required_argument, 0, O_POLICY },
		{ "foreign-read", required_argument, 0, O_FOREIGN_READ },
		{ "strict-scan", no_argument, 0, O_STRICT_SCAN },
		{ "foreign-timeout", required_argument, 0, O_FOREIGN_TIMEOUT },
		{ "runner", required_argument, 0, O_RUNNER },
		{ "skip-selftest", no_argument, 0, O_SKIP_SELFTEST },
		{ "help", no_argument, 0, O_HELP },
		{ "interleave", required_argument, 0, O_INTERLEAVE },
		{ "processes", required_argument, 0, O_PROCESSES },
		{ "worker", required_argument, 0, O_WORKER },
		{ 0, 0, 0, 0 },
	};
	char **args = calloc((size_t)argc + 1, sizeof *args);
	int nargs = 0, c;

	memset(o, 0, sizeof *o);
	o->repetitions = EF_DEFAULT_REPETITIONS;
	o->foreign_timeout_s = EF_DEFAULT_FOREIGN_TIMEOUT;
	o->min_time_s = EF_DEFAULT_MIN_TIME_S;
	o->seed = EF_DEFAULT_SEED;
	o->processes = 1;
	if (!args) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* Google Benchmark's flags are its own; getopt sees the rest. */
	for (int i = 0; i < argc; i++) {
		if (i && !strncmp(argv[i], "--benchmark_", 12)) {
			if (gbench_flag(argv[i], o, err, errlen)) {
				free(args);
				return -1;
			}
			continue;
		}
		args[nargs++] = argv[i];
	}
	argc = nargs;
	argv = args;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case O_LIST: o->list = 1; break;
		case O_SCHEMA: o->schema = 1; break;
		case O_HELP: o->help = 1; break;
		case O_TARGET:
			if (each_item(optarg, "--target", err, errlen, add_target, &o->targets))
				goto fail;
			break;
		case O_MODE:
			if (each_item(optarg, "--mode", err, errlen, add_mode, &o->modes))
				goto fail;
			break;
		case O_FILTER:
			if (each_item(optarg, "--filter", err, errlen, NULL, NULL) ||
			    add_filter(o, optarg, err, errlen))
				goto fail;
			break;
		case O_REPS:
			if (parse_reps("--repetitions", optarg, &o->repetitions, err, errlen))
				goto fail;
			break;
		case O_MINTIME:
			if (parse_min_time("--min-time", optarg, &o->min_time_s, err, errlen))
				goto fail;
			break;
		case O_SEED: {
			unsigned long long seed;
			if (ef_csv_parse_count(optarg, &seed)) {
				snprintf(err, errlen, "--seed: '%s' is not an unsigned 64-bit integer", optarg);
				goto fail;
			}
			o->seed = seed;
			break;
		}
		case O_INTERLEAVE:
			if (!strcmp(optarg, ef_interleave_name(EF_INTERLEAVE_MODES)))
				o->interleave = EF_INTERLEAVE_MODES;
			else if (!strcmp(optarg, ef_interleave_name(EF_INTERLEAVE_ALL)))
				o->interleave = EF_INTERLEAVE_ALL;
			else if (!strcmp(optarg, ef_interleave_name(EF_INTERLEAVE_NONE)))
				o->interleave = EF_INTERLEAVE_NONE;
			else {
				snprintf(err, errlen, "--interleave: '%s' is not modes, all or none",
					 optarg);
				goto fail;
			}
			break;
		case O_PROCESSES:
			if (parse_reps("--processes", optarg, &o->processes, err, errlen))
				goto fail;
			o->processes_given = 1;
			break;
		case O_WORKER: {
			unsigned p, n, mask;
			char tail;
			if (sscanf(optarg, "%u/%u/%u%c", &p, &n, &mask, &tail) != 3 || p >= n ||
			    !mask) {
				snprintf(err, errlen, "--worker: '%s' is not P/N/MASK (efbench "
					 "hands it to the processes of --processes)", optarg);
				goto fail;
			}
			o->worker = 1;
			o->worker_index = p;
			o->processes = n;
			o->targets = mask;
			break;
		}
		case O_OUT:
			if (!*optarg) {
				snprintf(err, errlen, "--out: empty file name");
				goto fail;
			}
			o->out = optarg;
			break;
		case O_CLOCK:
			if (strcmp(optarg, "monotonic") && strcmp(optarg, "tsc") &&
			    strcmp(optarg, "icount")) {
				snprintf(err, errlen, "--clock: '%s' is not tsc, monotonic or icount", optarg);
				goto fail;
			}
			o->monotonic = !strcmp(optarg, "monotonic");
			o->icount = !strcmp(optarg, "icount");
			break;
		case O_POLICY:
			if (set_policies(o, "--policy", optarg, err, errlen))
				goto fail;
			break;
		case O_FOREIGN_READ:
			if (strcmp(optarg, "none") && strcmp(optarg, "host")) {
				snprintf(err, errlen, "--foreign-read: '%s' is not none or host", optarg);
				goto fail;
			}
			if (set_policies(o, "--foreign-read", strcmp(optarg, "host") ? "strict"
					 : "foreign-read-host", err, errlen))
				goto fail;
			break;
		case O_FOREIGN_TIMEOUT: {
			char *end;
			double s;
			errno = 0;
			s = strtod(optarg, &end);
			if (end == optarg || *end || errno || !(s >= 0) || s > 1e6) {
				snprintf(err, errlen, "--foreign-timeout: '%s' is not a number of "
					 "seconds from 0 (no limit) to 1e6", optarg);
				goto fail;
			}
			o->foreign_timeout_s = s;
			break;
		}
		case O_STRICT_SCAN:
			o->strict_scan = 1;
			break;
		case O_SKIP_SELFTEST:
			o->skip_selftest = 1;
			break;
		case O_RUNNER:
			if (!ef_runner_named(optarg)) {
				unknown_runner(optarg, err, errlen);
				goto fail;
			}
			o->runner = optarg;
			break;
		case ':':
			snprintf(err, errlen, "%s: missing value", argv[optind - 1]);
			goto fail;
		default:
			snprintf(err, errlen, "unknown option '%s' (see --help)", argv[optind - 1]);
			goto fail;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s' (see --help)", argv[optind]);
		goto fail;
	}
	/* Instruction counts (QEMU -icount) do not move with a process's
	 * layout: one process takes them. */
	if (!o->worker && !o->processes_given)
		o->processes = o->icount ? 1 : o->repetitions < EF_DEFAULT_PROCESSES
			? o->repetitions : EF_DEFAULT_PROCESSES;
	if (o->processes > o->repetitions) {
		snprintf(err, errlen, "--processes %u: more processes than samples "
			 "(--repetitions %u); each process takes one at least", o->processes,
			 o->repetitions);
		goto fail;
	}
	free(args);
	return 0;
fail:
	free(args);
	return -1;
}

int ef_filter_match_one(const char *pattern, size_t len, const char *id)
{
	char p[256];

	if (len >= sizeof p)
		return 0;
	memcpy(p, pattern, len);
	p[len] = 0;
	if (strpbrk(p, "*?["))
		return fnmatch(p, id, 0) == 0;
	return strstr(id, p) != NULL;
}

int ef_filter_match(const char *patterns, const char *id)
{
	if (!patterns)
		return 1;
	for (const char *p = patterns;;) {
		size_t len = strcspn(p, ",");
		if (len && ef_filter_match_one(p, len, id))
			return 1;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

unsigned ef_options_rounds(const ef_options *o)
{
	if (!o->worker)
		return o->repetitions;
	return o->repetitions / o->processes + (o->worker_index < o->repetitions % o->processes);
}
