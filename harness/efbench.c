/* efbench.c: the driver.  Builds the plan from the command line, checks
 * each benchmark's result in every mode against unsafe mode, times it with
 * Google Benchmark (gbench.h) or the native runner, writes one CSV row per
 * sample (the native runner: as each completes; Google Benchmark: after a
 * benchmark's last repetition), and prints a summary. */
#include "clock.h"
#include "csv.h"
#include "firmware.h"
#ifdef EF_HAVE_GBENCH
#include "gbench.h"
#endif
#include "meta.h"
#include "options.h"
#include "plan.h"
#include "runner.h"
#ifdef EF_HAVE_MPK
#include "../targets/mpk/mpk.h"
#endif

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Iterations run once before timing to compare each mode with unsafe. */
#define EF_CHECK_ITERS 7

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

/* Ctrl-C may land while foreign code runs: under the mpk runtime the
 * handler needs its entry stub (ef_mpk_sigaction) to run at all. */
static void catch_signal(int sig)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
#ifdef EF_HAVE_MPK
	ef_mpk_sigaction(sig, &sa, NULL);
#else
	sigaction(sig, &sa, NULL);
#endif
}

typedef struct ef_run {
	char id[200];
	ef_host_facts facts;
	int fd;
	unsigned rows, errors;
	const ef_options *opt;
	int gbench;             /* Google Benchmark times the samples */
} ef_run;

static const char *const columns[] = {
	"run_id", "host", "cpu_model", "target", "policy", "mode", "workload",
	"benchmark", "parameter", "iterations", "value", "unit", "repetition",
	"status", "message",
};

static void die_io(const ef_run *r)
{
	fprintf(stderr, "efbench: cannot write results: %s\n", strerror(errno));
	close(r->fd);
	exit(1);
}

static void write_header(ef_run *r)
{
	ef_csv_row row;
	ef_csv_begin(&row);
	for (unsigned i = 0; i < EF_COUNT(columns); i++)
		ef_csv_str(&row, columns[i]);
	if (ef_csv_write(r->fd, &row))
		die_io(r);
}

/* One row: a sample (status ok) or an error (value empty, message set).
 * policy: NULL for the target's own (none in unsafe mode). */
static void write_row_as(ef_run *r, const ef_group *g, unsigned mode,
			 const char *policy, uint64_t iters, double value,
			 long repetition, const char *message)
{
	ef_csv_row row;

	if (!policy)
		policy = mode == EF_MODE_UNSAFE ? "none" : g->target->policy();
	ef_csv_begin(&row);
	ef_csv_str(&row, r->id);
	ef_csv_str(&row, r->facts.host);
	ef_csv_str(&row, g->target->cpu_model ? g->target->cpu_model : r->facts.cpu_model);
	ef_csv_str(&row, g->target->name);
	ef_csv_str(&row, policy);
	ef_csv_str(&row, ef_mode_name(mode));
	ef_csv_str(&row, g->workload);
	ef_csv_str(&row, g->bench[EF_MODE_UNSAFE]->name);
	ef_csv_u64(&row, g->param);
	ef_csv_u64(&row, iters);
	ef_csv_f64(&row, value);
	ef_csv_str(&row, g->target->unit);
	if (repetition < 0)
		ef_csv_str(&row, "");
	else
		ef_csv_u64(&row, (uint64_t)repetition);
	ef_csv_str(&row, message ? "error" : "ok");
	ef_csv_str(&row, message ? message : "");
	if (ef_csv_write(r->fd, &row))
		die_io(r);
	r->rows++;
	r->errors += message != NULL;
}

static void write_row(ef_run *r, const ef_group *g, unsigned mode,
		      uint64_t iters, double value, long repetition,
		      const char *message)
{
	write_row_as(r, g, mode, NULL, iters, value, repetition, message);
}

struct sample_sink {
	ef_run *run;
	const ef_group *group;
	unsigned mode;
	double *values;
};

static void on_sample(void *arg, unsigned rep, uint64_t iters, double ns)
{
	struct sample_sink *s = arg;
	s->values[rep] = ns;
	write_row(s->run, s->group, s->mode, iters, ns, rep, NULL);
}

static void fail(ef_run *r, ef_group *g, unsigned mode, const char *msg)
{
	g->outcome[mode] = EF_FAILED;
	write_row(r, g, mode, 0, NAN, -1, msg);
	fprintf(stderr, "efbench: %s %s %s: %s\n", g->target->name, g->id,
		ef_mode_name(mode), msg);
}

/* When a foreign call of the benchmark failed (its domain faulted): an
 * error row, and the benchmark torn down; the run goes on with the next
 * one, in fresh domains. */
static int faulted(ef_run *r, ef_group *g, unsigned mode, void *ctx)
{
	const ef_bench *b = g->bench[mode];
	char err[256];

	if (!b->fault || !b->fault(ctx, err, sizeof err))
		return 0;
	b->teardown(ctx);
	fail(r, g, mode, err);
	return 1;
}

/* A benchmark's n samples in one mode: its statistics, and the samples
 * kept for the summary's overhead intervals. */
static void finish(ef_group *g, unsigned mode, double *values, unsigned n)
{
	if (!n || ef_stats_compute(values, n, &g->stats[mode]))
		return;
	g->samples[mode] = malloc(n * sizeof *values);
	if (g->samples[mode])
		memcpy(g->samples[mode], values, n * sizeof *values);
	g->outcome[mode] = EF_RAN;
}

/* Check, then time, one benchmark in one mode. */
static void measure(ef_run *r, ef_group *g, unsigned mode, uint64_t reference,
		    uint64_t *rng, double *values)
{
	const ef_bench *b = g->bench[mode];
	ef_runner_config cfg = { r->opt->min_time_s * 1e9, r->opt->repetitions,
				 &interrupted };
	struct sample_sink sink = { r, g, mode, values };
	char err[256] = "";
	uint64_t got;
	void *ctx = b->setup(g->param, err, sizeof err);
	unsigned n;

	if (!ctx) {
		fail(r, g, mode, err);
		return;
	}
	b->run(ctx, EF_CHECK_ITERS);
	got = b->result(ctx);
	if (faulted(r, g, mode, ctx))
		return;
	if (got != reference) {
		snprintf(err, sizeof err, "result 0x%016" PRIx64 " differs from "
			 "unsafe mode's 0x%016" PRIx64 "; not timed", got, reference);
		b->teardown(ctx);
		fail(r, g, mode, err);
		return;
	}
#ifdef EF_HAVE_GBENCH
	if (r->gbench) {
		char name[256];
		snprintf(name, sizeof name, "%s/%s/%s", g->target->name, g->id,
			 ef_mode_name(mode));
		n = ef_gbench_measure(name, b, ctx, &cfg, rng, on_sample, &sink);
	} else
#endif
		n = ef_runner_measure(b, ctx, &cfg, rng, on_sample, &sink);
	if (faulted(r, g, mode, ctx))
		return;
	b->teardown(ctx);
	finish(g, mode, values, n);
}

/* A firmware target's samples of one benchmark and mode: every row the
 * firmware printed for them (warm and cold), the target's policy (warm)
 * in the statistics.  The firmware checked each against unsafe mode. */
static void from_firmware(ef_run *r, ef_group *g, unsigned mode,
			  const ef_fw_result *fw, double *values)
{
	const char *name = ef_mode_name(mode);
	const char *stats_policy = mode == EF_MODE_UNSAFE || mode == EF_MODE_VALIDATE
		? "none" : g->target->policy();
	unsigned n = 0, cap = r->opt->repetitions;

	for (unsigned i = 0; i < fw->n; i++)
		if (fw->rows[i].skip && (!strcmp(fw->rows[i].id, g->workload) ||
					 !strcmp(fw->rows[i].id, g->id)))
			return;         /* reported when the firmware ran */
	for (unsigned i = 0; i < fw->n; i++) {
		const ef_fw_row *x = &fw->rows[i];
		if (strcmp(x->id, g->id) || strcmp(x->mode, name))
			continue;
		if (x->message) {
			fail(r, g, mode, x->message);
			return;
		}
		write_row_as(r, g, mode, x->policy, x->iterations, x->value,
			     (long)x->repetition, NULL);
		if (!strcmp(x->policy, stats_policy) && n < cap)
			values[n++] = x->value;
	}
	if (!n)
		fail(r, g, mode, "the firmware printed no sample for it");
	else
		finish(g, mode, values, n);
}

static void format_duration(char *buf, size_t len, double s)
{
	unsigned t = s < 0 ? 0 : (unsigned)(s + 0.5);
	snprintf(buf, len, "%u:%02u", t / 60, t % 60);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Check and time every selected mode of every group, with progress on
 * stderr, until done or interrupted. */
static void run_all(ef_run *r, ef_group *g, unsigned ngroups, unsigned modes)
{
	double *values = malloc(r->opt->repetitions * sizeof *values);
	unsigned total = 0, done = 0;
	const ef_target *fw_target = NULL;
	ef_fw_result fw = { 0 };
	char fw_err[256], fw_msg[256] = "";
	uint64_t rng = r->opt->seed;
	struct timespec t0;

	if (!values) {
		fprintf(stderr, "efbench: out of memory\n");
		exit(1);
	}
	for (unsigned i = 0; i < ngroups; i++)
		for (unsigned m = 0; m < EF_MODE_COUNT; m++)
			total += g[i].bench[m] && modes >> m & 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned i = 0; i < ngroups && !interrupted; i++) {
		uint64_t reference = 0;
		char err[256] = "", msg[300];

		if (g[i].target->board && g[i].target != fw_target) {
			/* One firmware run gives every sample of the target. */
			fprintf(stderr, "efbench: %s: running every benchmark in the "
				"firmware under QEMU\n", g[i].target->name);
			ef_firmware_free(&fw);
			fw_target = g[i].target;
			if (ef_firmware_run(fw_target->board, &fw, fw_err, sizeof fw_err))
				snprintf(fw_msg, sizeof fw_msg, "%s", fw_err);
			else
				fw_msg[0] = 0;
			for (unsigned k = 0; k < fw.n; k++)
				if (fw.rows[k].skip)
					fprintf(stderr, "efbench: %s: skipping %s: %s\n",
						fw_target->name, fw.rows[k].id,
						fw.rows[k].message);
		}
		if (g[i].target->board) {
			if (fw_msg[0])
				snprintf(err, sizeof err, "%s", fw_msg);
			snprintf(msg, sizeof msg, "%s", err);
		} else if (ef_bench_digest(g[i].bench[EF_MODE_UNSAFE], g[i].param,
					   EF_CHECK_ITERS, &reference, err, sizeof err))
			snprintf(msg, sizeof msg, "unsafe mode failed to set up: %s", err);
		for (unsigned m = 0; m < EF_MODE_COUNT && !interrupted; m++) {
			char elapsed[16], left[16];
			double spent = seconds_since(&t0);

			if (!g[i].bench[m] || !(modes >> m & 1))
				continue;
			format_duration(elapsed, sizeof elapsed, spent);
			format_duration(left, sizeof left, done ? spent / done * (total - done)
				: (total - done) * (r->opt->repetitions + 1.2) * r->opt->min_time_s);
			fprintf(stderr, "[%3u/%u] %-5s %-36s %-8s  elapsed %s, ~%s left\n",
				done + 1, total, g[i].target->name, g[i].id,
				ef_mode_name(m), elapsed, left);
			if (err[0])
				fail(r, &g[i], m, msg);
			else if (g[i].target->board)
				from_firmware(r, &g[i], m, &fw, values);
			else
				measure(r, &g[i], m, reference, &rng, values);
			done++;
		}
	}
	ef_firmware_free(&fw);
	free(values);
}

/* What the mpk runtime's load-time scan found in each library set it
 * loaded: wrpkru and xrstor byte sequences, with object+offset and
 * address. */
static void scan_meta(FILE *meta, int strict)
{
#ifdef EF_HAVE_MPK
	const ef_mpk_scan_hit *h;
	const char *set;
	unsigned n;

	fprintf(meta, "mpk_strict_scan=%s\n", strict ? "on" : "off");
	for (unsigned i = 0; (h = ef_mpk_scan_of(i, &set, &n)); i++) {
		fprintf(meta, "mpk_scan_%s=%u\n", set, n);
		for (unsigned k = 0; k < n && k < EF_MPK_SCAN_KEPT; k++)
			fprintf(meta, "mpk_scan_%s_%u=%s at %s (%#lx)\n", set, k,
				h[k].insn, h[k].where, (unsigned long)h[k].addr);
	}
#else
	(void)meta, (void)strict;
#endif
}

/* results/<host>-<UTC time>.csv, creating results/ if needed. */
static void default_out(const ef_run *r, char *path, size_t len)
{
	mkdir("results", 0755);
	snprintf(path, len, "results/%s.csv", r->id);
}

/* The sidecar: the CSV's name with .csv replaced by (or else + ) .meta. */
static void sidecar_path(const char *csv, char *path, size_t len)
{
	size_t n = strlen(csv);
	if (n > 4 && !strcmp(csv + n - 4, ".csv"))
		n -= 4;
	snprintf(path, len, "%.*s.meta", (int)n, csv);
}

static void list(const ef_group *g, unsigned n, unsigned modes)
{
	for (unsigned i = 0; i < n; i++) {
		printf("%-5s %-36s", g[i].target->name, g[i].id);
		for (unsigned m = 0, k = 0; m < EF_MODE_COUNT; m++)
			if (g[i].bench[m] && modes >> m & 1)
				printf("%s%s", k++ ? "," : " ", ef_mode_name(m));
		putchar('\n');
	}
}

/* Targets asked for (or all), less those unavailable here; an explicitly
 * requested unavailable target is an error. */
static unsigned usable_targets(unsigned asked, char *err, size_t errlen)
{
	unsigned mask = 0;
	for (unsigned i = 0; i < ef_ntargets; i++) {
		const char *why = ef_targets[i].unavailable ? ef_targets[i].unavailable() : NULL;
		if (asked && !(asked >> i & 1))
			continue;
		if (why && asked) {
			snprintf(err, errlen, "--target: %s is unavailable here: %s",
				 ef_targets[i].name, why);
			return 0;
		}
		if (!why)
			mask |= 1u << i;
	}
	if (!mask && !err[0])
		snprintf(err, errlen, "no target can run on this machine");
	return mask;
}

/* Once the command line is known to be good: the targets left out, why. */
static void report_skipped(unsigned asked)
{
	for (unsigned i = 0; i < ef_ntargets; i++) {
		const char *why = ef_targets[i].unavailable ? ef_targets[i].unavailable() : NULL;
		if (why && !asked)
			fprintf(stderr, "efbench: skipping target %s: %s\n",
				ef_targets[i].name, why);
	}
}

/* Google Benchmark where this build has it, unless --runner native; its
 * flags checked (and handed over) before any file is created. */
static int choose_runner(const ef_options *o, char *err, size_t errlen)
{
	if (o->icount && o->runner == EF_RUNNER_GBENCH) {
		snprintf(err, errlen, "--clock icount: counts with the native runner's "
			 "TSC, not under --runner gbench");
		return -1;
	}
	if (o->runner == EF_RUNNER_NATIVE || o->icount) {
		if (o->ngbench_flags) {
			snprintf(err, errlen, "%s: Google Benchmark's flags need --runner gbench",
				 o->gbench_flags[0]);
			return -1;
		}
		return 0;
	}
#ifdef EF_HAVE_GBENCH
	return ef_gbench_init(o->min_time_s, o->repetitions, o->gbench_flags,
			      o->ngbench_flags, err, errlen) ? -1 : 1;
#else
	if (o->runner == EF_RUNNER_GBENCH || o->ngbench_flags) {
		snprintf(err, errlen, "%s: this build has no Google Benchmark (install "
			 "libbenchmark-dev and rebuild)",
			 o->ngbench_flags ? o->gbench_flags[0] : "--runner gbench");
		return -1;
	}
	return 0;
#endif
}

/* Modes asked for must exist on some selected target. */
static int check_modes(unsigned targets, unsigned asked, char *err, size_t errlen)
{
	unsigned have = 0;
	for (unsigned i = 0; i < ef_ntargets; i++)
		if (targets >> i & 1)
			have |= ef_target_modes(&ef_targets[i]);
	for (unsigned m = 0; m < EF_MODE_COUNT; m++)
		if (asked >> m & 1 && !(have >> m & 1)) {
			snprintf(err, errlen, "--mode: no selected target runs %s mode "
				 "(it needs an isolating runtime: mpk or pmp)",
				 ef_mode_name(m));
			return -1;
		}
	return 0;
}

int main(int argc, char **argv)
{
	ef_options opt;
	ef_run run = { .fd = -1, .opt = &opt };
	char err[512] = "", out[1024], meta_path[1100], stamp[32];
	unsigned targets, modes;
	ef_group *groups;
	int ngroups;
	FILE *meta;
	time_t now = time(NULL);

	if (ef_options_parse(argc, argv, &opt, err, sizeof err)) {
		fprintf(stderr, "efbench: %s\n", err);
		return 2;
	}
	if (opt.help) {
		ef_options_usage(argv[0]);
		return 0;
	}
#ifdef EF_HAVE_MPK
	ef_mpk_set_policy(opt.foreign_read_host ? EF_MPK_HOST_READ : EF_MPK_STRICT);
	ef_mpk_set_strict_scan(opt.strict_scan);
#endif
	targets = usable_targets(opt.targets, err, sizeof err);
	if (!targets || check_modes(targets, opt.modes, err, sizeof err)) {
		fprintf(stderr, "efbench: %s\n", err);
		return 2;
	}
	modes = opt.modes ? opt.modes : ~0u;
	ngroups = ef_plan_build(targets, modes, opt.filter, &groups, err, sizeof err);
	if (ngroups < 0) {
		fprintf(stderr, "efbench: %s\n", err);
		return 2;
	}
	if (opt.list) {
		report_skipped(opt.targets);
		list(groups, (unsigned)ngroups, modes);
		return 0;
	}
	run.gbench = choose_runner(&opt, err, sizeof err);
	if (run.gbench < 0) {
		fprintf(stderr, "efbench: %s\n", err);
		return 2;
	}

	ef_host_facts_read(&run.facts);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", gmtime(&now));
	snprintf(run.id, sizeof run.id, "%s-%s", run.facts.host, stamp);
	if (opt.out)
		snprintf(out, sizeof out, "%s", opt.out);
	else
		default_out(&run, out, sizeof out);
	sidecar_path(out, meta_path, sizeof meta_path);
	run.fd = ef_csv_create(out, err, sizeof err);
	if (run.fd < 0) {
		fprintf(stderr, "efbench: --out: %s\n", err);
		return 2;
	}
	{
		int mfd = ef_csv_create(meta_path, err, sizeof err);
		if (mfd < 0 || !(meta = fdopen(mfd, "w"))) {
			fprintf(stderr, "efbench: sidecar: %s\n", err);
			unlink(out);
			return 2;
		}
	}
	/* Google Benchmark times with steady_clock: clock_gettime. */
	ef_clock_init(!opt.monotonic && !run.gbench);
	if (opt.icount)
		ef_clock_counts_instructions();
	ef_meta_begin(meta, run.id, &run.facts, argc, argv);
	fprintf(meta, "seed=%" PRIu64 "\nrepetitions=%u\nmin_time_s=%g\nfilter=%s\n",
		opt.seed, opt.repetitions, opt.min_time_s, opt.filter ? opt.filter : "");
#ifdef EF_HAVE_GBENCH
	if (run.gbench)
		fprintf(meta, "runner=gbench %s (Google Benchmark; its clock: "
			"std::chrono::steady_clock)\n", ef_gbench_version());
	else
#endif
		fprintf(meta, "runner=native\n");
	for (unsigned i = 0; i < ef_ntargets; i++) {
		const char *why = ef_targets[i].unavailable ? ef_targets[i].unavailable() : NULL;
		fprintf(meta, "target_%s=%s\n", ef_targets[i].name,
			why ? why : targets >> i & 1 ? "run" : "available, not asked for");
		fprintf(meta, "policy_%s=%s\n", ef_targets[i].name, ef_targets[i].policy());
	}
	fflush(meta);

	catch_signal(SIGINT);
	catch_signal(SIGTERM);
	write_header(&run);
	report_skipped(opt.targets);
	fprintf(stderr, "efbench: writing %s\n", out);
	run_all(&run, groups, (unsigned)ngroups, modes);

#ifdef EF_HAVE_GBENCH
	if (run.gbench)
		ef_gbench_finish();
#endif
	ef_summary_print(stdout, groups, (unsigned)ngroups);
	scan_meta(meta, opt.strict_scan);
	now = time(NULL);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	fprintf(meta, "finished_utc=%s\nrows=%u\nerror_rows=%u\nstatus=%s\n", stamp,
		run.rows, run.errors, interrupted ? "interrupted" : "complete");
	fclose(meta);
	close(run.fd);
	printf("\nresults: %s (%u rows, %u errors)\nmetadata: %s\n", out,
	       run.rows, run.errors, meta_path);
	ef_plan_free(groups, (unsigned)ngroups);
	if (interrupted) {
		fprintf(stderr, "efbench: interrupted; %s holds every finished row\n", out);
		return 130;
	}
	return run.errors ? 1 : 0;
}
