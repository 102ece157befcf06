/* efbench.c: the driver.  Builds the plan from the command line, checks
 * each benchmark's result in every mode against unsafe mode, times it with
 * the runner chosen from runners.h, writes one CSV row per sample (the
 * native runner: as each completes; Google Benchmark: after a benchmark's
 * last repetition), and prints a summary.
 *
 * Whatever ends a run, its files say how complete they are: the CSV holds
 * whole rows only, and the sidecar, written with status=running before the
 * first sample, gets its final status (complete, interrupted by which
 * signal, or failed and why) and row count when the run ends; a run killed
 * outright (SIGKILL) leaves status=running. */
#define _GNU_SOURCE
#include "child.h"
#include "clock.h"
#include "csv.h"
#include "ef_lists.h"
#include "firmware.h"
#include "meta.h"
#include "options.h"
#include "plan.h"
#include "runners.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Iterations run once before timing to compare each mode with unsafe. */
#define EF_CHECK_ITERS 7

/* Exit statuses (--help lists them): a failed write outranks a signal,
 * which outranks error rows. */
enum { EXIT_OK = 0, EXIT_ERROR_ROWS = 1, EXIT_USAGE = 2, EXIT_WRITE_FAILED = 3 };

/* stop: end the run at the next sample (a signal, or results that cannot
 * be written); interrupted: the signal, if one stopped it. */
static volatile sig_atomic_t stop, interrupted;
/* The sidecar and the rows written so far, for the last words of a run
 * ended at once by a second signal. */
static int meta_fd = -1;
static volatile sig_atomic_t rows_so_far;

/* Async-signal-safe: "key=" and a decimal number and a newline. */
static size_t put_number(char *buf, const char *key, unsigned long v)
{
	char digits[24];
	size_t n = 0, k = 0;

	while (*key)
		buf[n++] = *key++;
	do
		digits[k++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (k)
		buf[n++] = digits[--k];
	buf[n++] = '\n';
	return n;
}

static void on_signal(int sig)
{
	char tail[160];
	size_t n;

	if (!interrupted) {
		interrupted = sig;
		stop = 1;
		return;
	}
	/* A second signal: the user will not wait for the current sample (or
	 * a foreign call that hangs).  The sidecar says so; rows not yet
	 * written (Google Benchmark's, until its last repetition) are lost. */
	if (meta_fd >= 0) {
		static const char said[] = "status=interrupted\nstatus_reason=a second "
			"signal ended the run at once\n";
		memcpy(tail, said, sizeof said - 1);
		n = sizeof said - 1;
		n += put_number(tail + n, "rows=", (unsigned long)rows_so_far);
		n += put_number(tail + n, "exit_status=", 128ul + (unsigned long)sig);
		if (write(meta_fd, tail, n) < 0)
			_exit(128 + sig);
	}
	_exit(128 + sig);
}

/* A hook of the targets' runtimes, once per function however many targets
 * share it: i runs over the targets with hook `field` whose function no
 * earlier target has. */
#define EACH_HOOK(i, field)                                                   \
	for (unsigned i = 0; i < ef_ntargets; i++)                            \
		if (ef_targets[i]->field && !__extension__({                  \
			int seen_ = 0;                                        \
			for (unsigned k_ = 0; k_ < i; k_++)                   \
				seen_ |= ef_targets[k_]->field == ef_targets[i]->field; \
			seen_; }))

/* Ctrl-C may land while foreign code runs: a runtime whose foreign code
 * the handler cannot run beside (mpk) installs it through its entry stub
 * (ef_target.sigaction).  Installed before anything else, so that no
 * signal finds the default action.  A signal ignored by whoever started
 * efbench stays ignored: `nohup make bench` must survive the ssh session
 * that started it. */
static void catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART }, was;
	int (*install)(int, const struct sigaction *, struct sigaction *) = sigaction;

	EACH_HOOK(i, sigaction)
		install = ef_targets[i]->sigaction;
	sigemptyset(&sa.sa_mask);
	for (unsigned i = 0; i < EF_COUNT(sigs); i++) {
		if (!sigaction(sigs[i], NULL, &was) && was.sa_handler == SIG_IGN)
			continue;
		install(sigs[i], &sa, NULL);
	}
	/* A closed pipe on stdout, or a file-size limit, is a failed write
	 * that efbench reports, not a death that leaves no status. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
}

/* The runtimes' sidecar lines (ef_target.meta); a hook is `selected` when
 * any target sharing it is. */
static void runtime_meta(FILE *m, int end, unsigned targets)
{
	EACH_HOOK(i, meta) {
		int selected = 0;
		for (unsigned k = i; k < ef_ntargets; k++)
			selected |= ef_targets[k]->meta == ef_targets[i]->meta &&
				targets >> k & 1;
		ef_targets[i]->meta(m, end, selected);
	}
}

/* Signals held while the sidecar's last lines are written. */
static void hold_signals(int hold)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(hold ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

typedef struct ef_run {
	char id[200];
	ef_host_facts facts;
	int fd;
	const char *out;        /* the CSV's path */
	unsigned rows, errors;
	int write_errno;        /* a row could not be written: why (0: none) */
	const ef_options *opt;
	const ef_runner *runner;  /* what times the samples */
	unsigned process;       /* which of --processes took the samples, from 0 */
	uint64_t seed;          /* this process's: --seed, or one drawn from it */
	const ef_group *groups; /* the plan, whose indices a worker's rows carry */
	char worker_failed[300];  /* why a process of --processes ended the run */
	char runner_failed[300];  /* why the runner's own file is incomplete */
	char progress_prefix[32];  /* "process 2/5 " with --processes */
} ef_run;

/* The order of the rounds is drawn from a stream of its own, so that the
 * stack offsets of a run do not depend on how many cells share a round. */
#define EF_ORDER_STREAM 0x6f726465725f7331ull

/* A row that cannot be written (disk full, I/O error, file-size limit)
 * ends the run: the CSV keeps every row before it, whole. */
static void write_failed(ef_run *r)
{
	if (!r->write_errno) {
		r->write_errno = errno ? errno : EIO;
		fprintf(stderr, "efbench: cannot write %s: %s; stopping (it holds "
			"every row before this one)\n", r->out, strerror(r->write_errno));
	}
	stop = 1;
}

/* A process of --processes hands each row to the parent, which writes it,
 * as one line on stdout: "ef-row", the group's index in the plan, the
 * mode, the policy, iterations, value and CPU time (%a: exact), the
 * repetition (-1: none) and the message (an error row), tab-separated. */
#define EF_WORKER_ROW "ef-row"

static void worker_row(ef_run *r, const ef_group *g, unsigned mode, const char *policy,
		       uint64_t iters, double value, double cpu, long repetition,
		       const char *message)
{
	char msg[1024];

	snprintf(msg, sizeof msg, "%s", message ? message : "");
	for (char *c = msg; *c; c++)
		if ((unsigned char)*c < 0x20)
			*c = ' ';
	if (printf(EF_WORKER_ROW "\t%ld\t%u\t%s\t%" PRIu64 "\t%a\t%a\t%ld\t%s\n",
		   (long)(g - r->groups), mode, policy, iters, value, cpu, repetition,
		   msg) < 0 || fflush(stdout))
		write_failed(r);        /* the parent is gone */
}

/* One row: a sample (status ok) or an error (value empty, message set).
 * policy: NULL for the group's (ef_group_policy). */
static void write_row_as(ef_run *r, const ef_group *g, unsigned mode,
			 const char *policy, uint64_t iters, double value, double cpu,
			 long repetition, const char *message)
{
	ef_csv_row row;

	if (!policy)
		policy = ef_group_policy(g, mode);
	if (r->opt->worker) {
		worker_row(r, g, mode, policy, iters, value, cpu, repetition, message);
		return;
	}
	/* In the columns' order, whatever it is: a column added to
	 * EF_COLUMNS without a case here is a -Wswitch warning. */
	ef_csv_begin(&row);
	for (enum ef_column c = 0; c < EF_COL_COUNT; c++)
		switch (c) {
		case EF_COL_RUN_ID: ef_csv_str(&row, r->id); break;
		case EF_COL_HOST: ef_csv_str(&row, r->facts.host); break;
		case EF_COL_CPU:
			ef_csv_str(&row, g->target->cpu_model ? g->target->cpu_model
							      : r->facts.cpu_model);
			break;
		case EF_COL_TARGET: ef_csv_str(&row, g->target->name); break;
		case EF_COL_POLICY: ef_csv_str(&row, policy); break;
		case EF_COL_MODE: ef_csv_str(&row, ef_mode_name(mode)); break;
		case EF_COL_WORKLOAD: ef_csv_str(&row, g->workload); break;
		case EF_COL_BENCH: ef_csv_str(&row, g->bench[EF_MODE_UNSAFE]->name); break;
		case EF_COL_PARAM: ef_csv_u64(&row, g->param); break;
		case EF_COL_ITERATIONS: ef_csv_u64(&row, iters); break;
		case EF_COL_VALUE: ef_csv_f64(&row, value); break;
		case EF_COL_UNIT: ef_csv_str(&row, g->target->unit); break;
		case EF_COL_REPETITION:
			if (repetition < 0)
				ef_csv_str(&row, "");
			else
				ef_csv_u64(&row, (uint64_t)repetition);
			break;
		case EF_COL_STATUS: ef_csv_str(&row, message ? "error" : "ok"); break;
		case EF_COL_MESSAGE: ef_csv_str(&row, message ? message : ""); break;
		case EF_COL_PROCESS: ef_csv_u64(&row, r->process); break;
		case EF_COL_CPU_NS: ef_csv_f64(&row, cpu); break;
		case EF_COL_COUNT: break;
		}
	if (r->write_errno)
		return;
	if (ef_csv_write(r->fd, &row)) {
		write_failed(r);
		return;
	}
	r->rows++;
	rows_so_far = (sig_atomic_t)r->rows;
	r->errors += message != NULL;
}

/* How messages and the runner name mode m of g: the mode, and its policy
 * where the target has a choice ("invoke (sealed)"). */
static const char *mode_label(char *buf, size_t len, const ef_group *g, unsigned m)
{
	if (g->target->use_policy && ef_mode_isolates(m))
		snprintf(buf, len, "%s (%s)", ef_mode_name(m), ef_group_policy(g, m));
	else
		snprintf(buf, len, "%s", ef_mode_name(m));
	return buf;
}

/* An error row. */
static void fail(ef_run *r, ef_group *g, unsigned mode, const char *msg)
{
	char label[64];

	g->outcome[mode] = EF_FAILED;
	write_row_as(r, g, mode, NULL, 0, NAN, NAN, -1, msg);
	fprintf(stderr, "efbench: %s %s %s: %s\n", g->target->name, g->id,
		mode_label(label, sizeof label, g, mode), msg);
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

/* A sample kept for the statistics, with its process and round and its
 * CPU time (NaN: none); alone: not taken side by side with the other
 * modes' (--interleave none), so it pairs with none of them. */
static void keep_sample(ef_group *g, unsigned mode, unsigned process, uint64_t round,
			int alone, double value, double cpu)
{
	if (alone)
		round = EF_ROUND_ALONE | (uint64_t)mode << 32 | round;
	size_t n = g->nraw[mode];

	/* Grown in powers of two from 32. */
	if (n >= 32 && !(n & (n - 1))) {
		ef_sample *more = realloc(g->raw[mode], 2 * n * sizeof *more);
		if (!more)
			return;
		g->raw[mode] = more;
	} else if (!n && !(g->raw[mode] = malloc(32 * sizeof *g->raw[mode]))) {
		return;
	}
	g->raw[mode][g->nraw[mode]++] = (ef_sample){ value, 0, process, round, cpu };
}

/* Every benchmark's statistics, once its samples are all in: those of a
 * mode that failed are not computed (the summary shows the failure). */
static void finish_all(ef_group *g, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		for (unsigned m = 0; m < EF_MODE_COUNT; m++) {
			size_t k = g[i].nraw[m];
			double *v;

			if (!k || g[i].outcome[m] == EF_FAILED || !(v = malloc(k * sizeof *v)))
				continue;
			for (size_t j = 0; j < k; j++)
				v[j] = g[i].raw[m][j].v;
			ef_stats_compute(v, k, &g[i].stats[m]);
			g[i].samples[m] = v;
			g[i].outcome[m] = EF_RAN;
		}
}

/* One benchmark in one mode while it is measured. */
typedef struct ef_cell {
	ef_run *run;
	ef_group *g;
	unsigned mode;
	ef_slot slot;
	char name[256];
	int live;       /* set up, checked and prepared; not yet torn down */
} ef_cell;

static void on_sample(void *arg, unsigned round, uint64_t iters, double ns, double cpu)
{
	ef_cell *c = arg;

	/* CPU time is time: a count of instructions has none beside it.
	 * Overheads are paired ratios of CPU time where rows have it
	 * (ef_paired_ratios), so a target whose calls run outside this
	 * thread (another process) must leave it out: its CPU time would
	 * miss their work. */
	if (strcmp(c->g->target->unit, "ns") || c->g->target->work_elsewhere)
		cpu = NAN;
	keep_sample(c->g, c->mode, c->run->process, round,
		    c->run->opt->interleave == EF_INTERLEAVE_NONE, ns, cpu);
	write_row_as(c->run, c->g, c->mode, NULL, iters, ns, cpu, round, NULL);
}

static ef_runner_config config_of(const ef_run *r)
{
	return (ef_runner_config){ r->opt->min_time_s * 1e9, ef_options_rounds(r->opt), &stop };
}

/* Set up one benchmark in one mode, check its result against unsafe
 * mode's, and calibrate it; the cell is live when all went well. */
static void start_cell(ef_run *r, ef_cell *c, uint64_t reference, uint64_t *rng)
{
	const ef_bench *b = c->g->bench[c->mode];
	ef_runner_config cfg = config_of(r);
	char err[256] = "", label[64];
	uint64_t got;
	void *ctx;

	if (c->g->target->use_policy)
		c->g->target->use_policy(c->g->policy);
	ctx = b->setup(c->g->param, err, sizeof err);
	c->run = r;
	if (!ctx) {
		fail(r, c->g, c->mode, err);
		return;
	}
	b->run(ctx, EF_CHECK_ITERS);
	got = b->result(ctx);
	if (faulted(r, c->g, c->mode, ctx))
		return;
	if (got != reference) {
		snprintf(err, sizeof err, "result 0x%016" PRIx64 " differs from "
			 "unsafe mode's 0x%016" PRIx64 "; not timed", got, reference);
		b->teardown(ctx);
		fail(r, c->g, c->mode, err);
		return;
	}
	snprintf(c->name, sizeof c->name, "%s/%s/%s", c->g->target->name, c->g->id,
		 mode_label(label, sizeof label, c->g, c->mode));
	c->slot = (ef_slot){ c->name, b, ctx, 0, on_sample, c };
	r->runner->prepare(&c->slot, &cfg, rng);
	if (!faulted(r, c->g, c->mode, ctx))
		c->live = 1;
}

/* The order of a round: a shuffle (Fisher-Yates) drawn from rng. */
static void shuffle(ef_slot **order, unsigned n, uint64_t *rng)
{
	for (unsigned i = n; i > 1; i--) {
		unsigned j = (unsigned)(ef_splitmix64(rng) % i);
		ef_slot *t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
}

/* The rounds of the live cells: in each, one sample of every cell in an
 * order drawn from order_rng, so that every cell sees the same noise; a
 * cell whose foreign code faults leaves the rounds.  Then every cell is
 * torn down. */
static void measure_cells(ef_run *r, ef_cell *cells, unsigned n, uint64_t *rng,
			  uint64_t *order_rng)
{
	ef_runner_config cfg = config_of(r);
	ef_slot **order = malloc((n ? n : 1) * sizeof *order);

	for (unsigned round = 0; order && round < ef_options_rounds(r->opt) && !stop; round++) {
		unsigned k = 0;

		for (unsigned i = 0; i < n; i++)
			if (cells[i].live)
				order[k++] = &cells[i].slot;
		if (!k)
			break;
		shuffle(order, k, order_rng);
		if (r->opt->interleave == EF_INTERLEAVE_ALL)  /* minutes a unit */
			fprintf(stderr, "%s        round %u of %u (%u benchmarks and modes)\n",
				r->progress_prefix, round + 1, ef_options_rounds(r->opt), k);
		r->runner->round(order, k, round, &cfg, rng);
		for (unsigned i = 0; i < n; i++)
			if (cells[i].live && faulted(r, cells[i].g, cells[i].mode,
						     cells[i].slot.ctx))
				cells[i].live = 0;
	}
	if (!order)
		fprintf(stderr, "efbench: out of memory\n"), stop = 1;
	free(order);
	for (unsigned i = 0; i < n; i++)
		if (cells[i].live) {
			cells[i].g->bench[cells[i].mode]->teardown(cells[i].slot.ctx);
			cells[i].live = 0;
		}
}

/* A firmware target's samples of one benchmark and mode: every row the
 * firmware printed for them (warm and cold), the target's policy (warm)
 * in the statistics.  The firmware checked each against unsafe mode.
 * partial: the firmware was stopped before its end, and a benchmark it
 * had not reached is no error. */
static void from_firmware(ef_run *r, ef_group *g, unsigned mode,
			  const ef_fw_result *fw, int partial)
{
	const char *name = ef_mode_name(mode);
	const char *stats_policy = ef_group_policy(g, mode);
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
		write_row_as(r, g, mode, x->policy, x->iterations, x->value, NAN,
			     (long)x->repetition, NULL);
		if (!strcmp(x->policy, stats_policy) && n < cap) {
			keep_sample(g, mode, r->process, x->repetition, 0, x->value, NAN);
			n++;
		}
	}
	if (!n && !partial)
		fail(r, g, mode, "the firmware printed no sample for it");
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

/* What a firmware stopped by a signal had measured: the rows of every
 * benchmark of its target from group i on. */
static void keep_partial(ef_run *r, ef_group *g, unsigned i, unsigned ngroups,
			 unsigned modes, const ef_fw_result *fw)
{
	for (unsigned k = i; k < ngroups && g[k].target == g[i].target; k++)
		for (unsigned m = 0; m < EF_MODE_COUNT; m++)
			if (ef_group_measures(&g[k], m, modes))
				from_firmware(r, &g[k], m, fw, 1);
}

/* Progress on stderr: cells done of total, what starts now, the time
 * spent and an estimate of the time left. */
static void progress(const ef_run *r, const struct timespec *t0, unsigned done,
		     unsigned total, const char *target, const char *what,
		     const char *modes)
{
	char elapsed[16], left[16];
	double spent = seconds_since(t0);

	format_duration(elapsed, sizeof elapsed, spent);
	format_duration(left, sizeof left, done ? spent / done * (total - done)
		: (total - done) * (ef_options_rounds(r->opt) + 1.2) * r->opt->min_time_s);
	fprintf(stderr, "%s[%3u/%u] %-5s %-36s %-8s  elapsed %s, ~%s left\n",
		r->progress_prefix, done + 1, total, target, what, modes, elapsed, left);
}

/* The cells measured together (--interleave): each mode of one benchmark,
 * under each of its policies (modes), every mode of every group of one
 * target (all), or one mode at a time (none); from group i on, from
 * first_mode on, measured modes only (ef_group_measures).  Returns how
 * many groups the unit spans (at least 1). */
static unsigned unit_of(const ef_run *r, ef_group *g, unsigned i, unsigned ngroups,
			unsigned modes, unsigned first_mode, ef_cell *cells, unsigned *ncells)
{
	unsigned end = i + 1;

	if (r->opt->interleave == EF_INTERLEAVE_ALL)
		while (end < ngroups && g[end].target == g[i].target)
			end++;
	else if (r->opt->interleave == EF_INTERLEAVE_MODES)
		while (end < ngroups && g[end].sibling)
			end++;
	*ncells = 0;
	for (unsigned k = i; k < end; k++)
		for (unsigned m = first_mode; m < EF_MODE_COUNT; m++) {
			if (!ef_group_measures(&g[k], m, modes))
				continue;
			cells[(*ncells)++] = (ef_cell){ .g = &g[k], .mode = m };
			if (r->opt->interleave == EF_INTERLEAVE_NONE)
				return 1;
		}
	return end - i;
}

/* Check and time every selected mode of every group, with progress on
 * stderr, until done or stopped. */
static void run_all(ef_run *r, ef_group *g, unsigned ngroups, unsigned modes)
{
	unsigned total = 0, done = 0, ncells_max = 0;
	const ef_target *fw_target = NULL;
	ef_fw_result fw = { 0 };
	char fw_err[256], fw_msg[256] = "";
	uint64_t rng = r->seed, order_rng = r->seed ^ EF_ORDER_STREAM;
	uint64_t *reference = calloc(ngroups ? ngroups : 1, sizeof *reference);
	ef_cell *cells;
	struct timespec t0;

	for (unsigned i = 0; i < ngroups; i++)
		for (unsigned m = 0; m < EF_MODE_COUNT; m++)
			total += (unsigned)ef_group_measures(&g[i], m, modes);
	ncells_max = r->opt->interleave == EF_INTERLEAVE_ALL ? total
		: EF_MODE_COUNT * EF_MAX_POLICIES;
	cells = calloc(ncells_max ? ncells_max : 1, sizeof *cells);
	if (!cells || !reference) {
		fprintf(stderr, "efbench: out of memory\n");
		exit(1);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned i = 0; i < ngroups && !stop;) {
		char err[256] = "", msg[300];

		/* A firmware's rows are counts, the same in every process: the
		 * first process of --processes gives them. */
		if (g[i].target->board && r->opt->worker_index) {
			i++;
			continue;
		}
		if (g[i].target->board) {
			if (g[i].target != fw_target) {
				/* One firmware run gives every sample of the target. */
				int rc;
				fprintf(stderr, "efbench: %s: running every benchmark in the "
					"firmware under QEMU\n", g[i].target->name);
				ef_firmware_free(&fw);
				fw_target = g[i].target;
				rc = ef_firmware_run(fw_target->board, &fw, &stop, fw_err,
						     sizeof fw_err);
				if (rc > 0) {
					keep_partial(r, g, i, ngroups, modes, &fw);
					break;
				}
				if (rc < 0)
					snprintf(fw_msg, sizeof fw_msg, "%s", fw_err);
				else
					fw_msg[0] = 0;
				for (unsigned k = 0; k < fw.n; k++)
					if (fw.rows[k].skip)
						fprintf(stderr, "efbench: %s: skipping %s: %s\n",
							fw_target->name, fw.rows[k].id,
							fw.rows[k].message);
			}
			for (unsigned m = 0; m < EF_MODE_COUNT && !stop; m++) {
				if (!ef_group_measures(&g[i], m, modes))
					continue;
				progress(r, &t0, done, total, g[i].target->name, g[i].id,
					 ef_mode_name(m));
				if (fw_msg[0])
					fail(r, &g[i], m, fw_msg);
				else
					from_firmware(r, &g[i], m, &fw, 0);
				done++;
			}
			i++;
			continue;
		}

		/* Host targets: a unit of cells, set up and checked, then
		 * measured in rounds. */
		for (unsigned first_mode = 0;;) {
			unsigned ncells, span = unit_of(r, g, i, ngroups, modes, first_mode,
							cells, &ncells);
			char what[300] = "", names[128] = "";
			unsigned benchmarks = 0, isolating = 0;

			if (!ncells) {
				i += span;
				break;
			}
			for (unsigned k = 0; k < ncells; k++) {
				ef_group *x = cells[k].g;
				if (k && x == cells[k - 1].g)
					continue;
				/* Unsafe mode is the reference each mode is checked
				 * against, whether or not it is measured. */
				if (ef_bench_digest(x->bench[EF_MODE_UNSAFE], x->param,
						    EF_CHECK_ITERS, &reference[x - g], err,
						    sizeof err)) {
					snprintf(msg, sizeof msg, "unsafe mode failed to set up: %s", err);
					for (unsigned j = k; j < ncells && cells[j].g == x; j++)
						fail(r, x, cells[j].mode, msg);
				}
			}
			for (unsigned m = 0, any = 0; m < EF_MODE_COUNT; m++) {
				unsigned k = 0;
				while (k < ncells && cells[k].mode != m)
					k++;
				if (k < ncells)
					snprintf(names + strlen(names), sizeof names - strlen(names),
						 "%s%s", any++ ? "," : "", ef_mode_name(m));
			}
			/* and the policies, where the target has a choice and an
			 * isolating mode runs: the first benchmark's groups name
			 * them all */
			for (unsigned k = 0; k < ncells; k++)
				isolating |= ef_mode_isolates(cells[k].mode);
			for (unsigned k = 0; g[i].target->use_policy && isolating &&
			     k < span && (!k || g[i + k].sibling); k++)
				snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
					 k ? "," : " ", ef_group_policy(&g[i + k], EF_MODE_INVOKE));
			for (unsigned k = 0; k < span; k++)
				benchmarks += !g[i + k].sibling;
			if (benchmarks > 1)
				snprintf(what, sizeof what, "%u benchmarks, interleaved", benchmarks);
			else
				snprintf(what, sizeof what, "%s", cells[0].g->id);
			progress(r, &t0, done, total, g[i].target->name, what, names);
			for (unsigned k = 0; k < ncells && !stop; k++)
				if (cells[k].g->outcome[cells[k].mode] != EF_FAILED)
					start_cell(r, &cells[k], reference[cells[k].g - g], &rng);
			measure_cells(r, cells, ncells, &rng, &order_rng);
			done += ncells;
			if (r->opt->interleave != EF_INTERLEAVE_NONE || stop) {
				i += span;
				break;
			}
			/* One mode at a time: the group's next mode. */
			first_mode = cells[0].mode + 1;
		}
	}
	finish_all(g, ngroups);
	ef_firmware_free(&fw);
	free(cells);
	free(reference);
}

/* A row a process of --processes handed over (worker_row): written here,
 * and its sample kept; anything else it prints goes to stdout as it is. */
struct from_worker {
	ef_run *run;
	ef_group *groups;
	unsigned ngroups;
	int bad_said;
};

static void worker_line(void *arg, char *line)
{
	struct from_worker *w = arg;
	char *f[9], *p = line;
	unsigned n = 0, mode;
	unsigned long gi;
	long rep;
	double value, cpu;
	ef_group *g;

	if (strncmp(line, EF_WORKER_ROW "\t", sizeof EF_WORKER_ROW)) {
		if (!w->run->runner->worker_line || !w->run->runner->worker_line(line))
			puts(line);
		return;
	}
	/* The message, last, may be empty: split on each tab. */
	while (n < 9 && (f[n] = strsep(&p, "\t")))
		n++;
	if (n != 9 || (gi = strtoul(f[1], NULL, 10)) >= w->ngroups ||
	    (mode = (unsigned)strtoul(f[2], NULL, 10)) >= EF_MODE_COUNT) {
		if (!w->bad_said++)
			fprintf(stderr, "efbench: process %u printed a row efbench cannot "
				"read; dropped\n", w->run->process);
		return;
	}
	g = &w->groups[gi];
	rep = strtol(f[7], NULL, 10);
	if (f[8][0]) {
		g->outcome[mode] = EF_FAILED;
		write_row_as(w->run, g, mode, f[3], 0, NAN, NAN, -1, f[8]);
		return;
	}
	value = strtod(f[5], NULL);
	cpu = strtod(f[6], NULL);
	/* Every row is written; the statistics keep the group's policy's
	 * only, as from_firmware does in the process itself (a board's cold
	 * samples beside its warm ones). */
	if (!strcmp(f[3], ef_group_policy(g, mode)))
		keep_sample(g, mode, w->run->process, (uint64_t)rep,
			    w->run->opt->interleave == EF_INTERLEAVE_NONE, value, cpu);
	write_row_as(w->run, g, mode, f[3], strtoull(f[4], NULL, 10), value, cpu, rep, NULL);
}

/* --processes N: the run N times, each in a fresh efbench (exec: a new
 * address-space layout, new stack offsets) that measures and hands its
 * rows over; this one writes them and pools the samples.  A process that
 * fails ends the run (its rows so far are kept). */
static void run_processes(ef_run *r, ef_group *g, unsigned ngroups, unsigned targets,
			  int argc, char **argv)
{
	struct from_worker w = { r, g, ngroups, 0 };
	char **wargv = calloc((size_t)argc + 3, sizeof *wargv);
	char exe[PATH_MAX], spec[64], err[256];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	int n = 0;

	if (!wargv || len <= 0) {
		snprintf(r->worker_failed, sizeof r->worker_failed,
			 "cannot start the processes: %s", wargv ? strerror(errno) : "out of memory");
		free(wargv);
		return;
	}
	exe[len] = 0;
	wargv[n++] = exe;
	/* Google Benchmark's file is this process's, created already. */
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "--benchmark_out=", 16))
			wargv[n++] = argv[i];
	wargv[n++] = spec;
	for (unsigned p = 0; p < r->opt->processes && !stop && !r->write_errno; p++) {
		enum ef_child_end end;
		int status = 0;

		snprintf(spec, sizeof spec, "--worker=%u/%u/%u", p, r->opt->processes, targets);
		fprintf(stderr, "efbench: process %u of %u\n", p + 1, r->opt->processes);
		r->process = p;
		w.bad_said = 0;
		end = ef_child_run(wargv, 0, 0, &stop, worker_line, &w, &status, err, sizeof err);
		if (stop || r->write_errno)
			break;
		if (end == EF_CHILD_FAILED)
			snprintf(r->worker_failed, sizeof r->worker_failed,
				 "process %u could not start: %s", p, err);
		else if (end == EF_CHILD_SIGNALED)
			snprintf(r->worker_failed, sizeof r->worker_failed,
				 "process %u was killed by signal %d", p, status);
		else if (status > EXIT_ERROR_ROWS)
			snprintf(r->worker_failed, sizeof r->worker_failed,
				 "process %u exited with status %d", p, status);
		if (r->worker_failed[0]) {
			fprintf(stderr, "efbench: %s; stopping\n", r->worker_failed);
			break;
		}
	}
	free(wargv);
	finish_all(g, ngroups);
}

/* What each target's own test suite said on this machine, for the
 * sidecar (selftest_<target>=); NULL where none ran. */
static char *selftest_said[32];

struct suite_count {
	unsigned passed, failed, skipped;
	char first_failure[200];
};

static void count_line(void *arg, char *line)
{
	struct suite_count *c = arg;

	if (!strncmp(line, "PASS ", 5)) {
		c->passed++;
	} else if (!strncmp(line, "SKIP ", 5)) {
		c->skipped++;
	} else if (!strncmp(line, "FAIL ", 5)) {
		if (!c->failed++)
			snprintf(c->first_failure, sizeof c->first_failure, "%s", line + 5);
	}
}

/* Run target t's suite, once per policy the run measures where the suite
 * takes one (selftest_policy); NULL when it passed, else why the target
 * must not run here.  Its outcome goes into selftest_said[i] either way. */
static const char *run_selftest(unsigned i, const ef_options *o)
{
	static char why[640];
	const ef_target *t = ef_targets[i];
	struct suite_count c = { 0 };
	char path[PATH_MAX], err[256] = "", said[160], under[64] = "", *was = NULL;
	char *argv[2] = { path, NULL };
	unsigned chosen[EF_MAX_POLICIES], npolicies = 1;
	struct timespec t0;
	enum ef_child_end end = EF_CHILD_EXITED;
	int status = 0;

	if (ef_beside_exe(path, sizeof path, t->selftest) || access(path, X_OK)) {
		snprintf(why, sizeof why, "its test suite, build/%s, is missing "
			 "(make all builds it)", t->selftest);
		selftest_said[i] = strdup(why);
		return why;
	}
	fprintf(stderr, "efbench: %s: running its test suite (build/%s) before "
		"any of its rows is written\n", t->name, t->selftest);
	if (t->selftest_policy) {
		npolicies = ef_target_policies(t, o->policies, o->npolicies, chosen);
		if (getenv(t->selftest_policy))
			was = strdup(getenv(t->selftest_policy));
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned k = 0; k < npolicies && end == EF_CHILD_EXITED && !status && !c.failed;
	     k++) {
		if (t->selftest_policy) {
			setenv(t->selftest_policy, t->policy(chosen[k]), 1);
			snprintf(under + strlen(under), sizeof under - strlen(under), "%s%s",
				 k ? "," : ", policies ", t->policy(chosen[k]));
		}
		end = ef_child_run(argv, 1, 600, &stop, count_line, &c, &status, err, sizeof err);
	}
	if (was)
		setenv(t->selftest_policy, was, 1);
	else if (t->selftest_policy)
		unsetenv(t->selftest_policy);
	free(was);
	snprintf(said, sizeof said, "%u passed, %u failed, %u skipped in %.1f s%s",
		 c.passed, c.failed, c.skipped, seconds_since(&t0), under);
	if (end == EF_CHILD_EXITED && !status && !c.failed && c.passed) {
		char ok[sizeof said + 8];
		snprintf(ok, sizeof ok, "passed: %s", said);
		selftest_said[i] = strdup(ok);
		return NULL;
	}
	if (c.failed)
		snprintf(why, sizeof why, "its test suite failed on this machine "
			 "(%s), first: %s", said, c.first_failure);
	else if (end == EF_CHILD_FAILED)
		snprintf(why, sizeof why, "its test suite could not run: %s", err);
	else if (end == EF_CHILD_STOPPED)
		snprintf(why, sizeof why, "its test suite was interrupted (%s)", said);
	else if (end == EF_CHILD_TIMED_OUT)
		snprintf(why, sizeof why, "its test suite did not finish in 600 s (%s)", said);
	else if (end == EF_CHILD_SIGNALED)
		snprintf(why, sizeof why, "its test suite was killed by signal %d (%s)",
			 status, said);
	else
		snprintf(why, sizeof why, "its test suite exited with status %d (%s)",
			 status, said);
	selftest_said[i] = strdup(why);
	return why;
}

/* Targets with a suite of their own keep their place in *mask only when it
 * passes; one asked for by name whose suite fails is an error. */
static int run_selftests(unsigned *mask, const ef_options *o, char *err, size_t errlen)
{
	for (unsigned i = 0; i < ef_ntargets && i < EF_COUNT(selftest_said) && !stop; i++) {
		const char *why;

		if (!(*mask >> i & 1) || !ef_targets[i]->selftest)
			continue;
		if (o->skip_selftest) {
			selftest_said[i] = strdup("not run (--skip-selftest): its rows are "
						  "unvouched for on this machine");
			continue;
		}
		if (!(why = run_selftest(i, o)) || stop)
			continue;       /* passed, or a signal: the caller stops */
		if (o->targets >> i & 1) {
			snprintf(err, errlen, "--target: %s: %s", ef_targets[i]->name, why);
			return -1;
		}
		fprintf(stderr, "efbench: skipping target %s: %s\n", ef_targets[i]->name, why);
		*mask &= ~(1u << i);
	}
	return 0;
}

/* The policies a run measures on target t, comma-separated, and a line end. */
static void policy_list(FILE *f, const ef_target *t, const ef_options *o)
{
	unsigned chosen[EF_MAX_POLICIES];
	unsigned n = ef_target_policies(t, o->policies, o->npolicies, chosen);

	for (unsigned k = 0; k < n; k++)
		fprintf(f, "%s%s", k ? "," : "", t->policy(chosen[k]));
	fputc('\n', f);
}

/* The sidecar's lines known before the first sample, into a buffer. */
static char *sidecar_head(const ef_run *r, unsigned targets, int argc, char **argv,
			  size_t *len)
{
	const ef_options *o = r->opt;
	char *buf = NULL;
	FILE *m = open_memstream(&buf, len);

	if (!m)
		return NULL;
	ef_meta_begin(m, r->id, &r->facts, argc, argv);
	fprintf(m, "seed=%" PRIu64 "\nrepetitions=%u\nmin_time_s=%.17g\nfilter=%s\n"
		"interleave=%s\nprocesses=%u\n", o->seed, o->repetitions, o->min_time_s,
		o->filter ? o->filter : "", ef_interleave_name(o->interleave), o->processes);
	r->runner->meta(m);
	for (unsigned i = 0; i < ef_ntargets; i++) {
		const ef_target *t = ef_targets[i];
		const char *why = t->unavailable ? t->unavailable() : NULL;
		char key[64];

		if (!why && i < EF_COUNT(selftest_said) && selftest_said[i] &&
		    strncmp(selftest_said[i], "passed", 6) &&
		    strncmp(selftest_said[i], "not run", 7))
			why = selftest_said[i];
		fprintf(m, "target_%s=%s\n", t->name,
			why ? why : targets >> i & 1 ? "run" : "available, not asked for");
		fprintf(m, "policy_%s=", t->name);
		policy_list(m, t, o);
		if (i < EF_COUNT(selftest_said) && selftest_said[i]) {
			snprintf(key, sizeof key, "selftest_%s", t->name);
			ef_meta_put(m, key, selftest_said[i]);
		}
	}
	runtime_meta(m, 0, targets);
	ef_meta_put(m, "status", "running");
	if (fclose(m)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Create the CSV (with its header), the sidecar (with its opening lines)
 * and the runner's own file, each only where nothing exists; on failure
 * none is left behind. */
static int create_files(ef_run *r, const char *meta_path, unsigned targets,
			int argc, char **argv, FILE **meta, char *err, size_t errlen)
{
	ef_csv_row header;
	size_t len;
	char *head;
	int fd;

	ef_csv_header(&header);
	r->fd = ef_csv_create_with(r->out, header.buf, header.len, err, errlen);
	if (r->fd < 0)
		return -1;
	head = sidecar_head(r, targets, argc, argv, &len);
	fd = head ? ef_csv_create_with(meta_path, head, len, err, errlen) : -1;
	free(head);
	if (fd < 0 || !(*meta = fdopen(fd, "a"))) {
		if (!head)
			snprintf(err, errlen, "out of memory");
		if (fd >= 0)
			close(fd);
		goto undo_csv;
	}
	/* Room for the last lines, so that a disk that fills up during the
	 * run cannot keep the sidecar from saying so. */
	fallocate(fd, FALLOC_FL_KEEP_SIZE, (off_t)len, 16384);
	if (r->runner->open_file && r->runner->open_file(err, errlen)) {
		fclose(*meta);
		unlink(meta_path);
		goto undo_csv;
	}
	meta_fd = fd;
	return 0;
undo_csv:
	close(r->fd);
	unlink(r->out);
	return -1;
}

/* The sidecar's last lines; -1 when they could not all be written. */
static int finish_sidecar(FILE *meta, const ef_run *r, unsigned targets,
			  const char *status, const char *reason, int exit_status)
{
	char stamp[32];
	time_t now = time(NULL);

	runtime_meta(meta, 1, targets);
	if (r->runner->meta_end)
		r->runner->meta_end(meta);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	fprintf(meta, "finished_utc=%s\nrows=%u\nerror_rows=%u\n", stamp, r->rows,
		r->errors);
	if (reason)
		ef_meta_put(meta, "status_reason", reason);
	fprintf(meta, "exit_status=%d\nstatus=%s\n", exit_status, status);
	return fflush(meta) || fsync(fileno(meta)) ? -1 : 0;
}

/* A line per group: target, id, its measured modes, the policy of its
 * isolating modes where the target has a choice. */
static void list(const ef_group *g, unsigned n, unsigned modes)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned k = 0, isolating = 0;

		printf("%-5s %-36s", g[i].target->name, g[i].id);
		for (unsigned m = 0; m < EF_MODE_COUNT; m++)
			if (ef_group_measures(&g[i], m, modes)) {
				printf("%s%s", k++ ? "," : " ", ef_mode_name(m));
				isolating |= ef_mode_isolates(m);
			}
		if (isolating && g[i].target->use_policy)
			printf(" (%s)", ef_group_policy(&g[i], EF_MODE_INVOKE));
		putchar('\n');
	}
}

/* Targets asked for (or all), less those unavailable here; an explicitly
 * requested unavailable target is an error. */
static unsigned usable_targets(unsigned asked, char *err, size_t errlen)
{
	unsigned mask = 0;
	for (unsigned i = 0; i < ef_ntargets; i++) {
		const char *why = ef_targets[i]->unavailable ? ef_targets[i]->unavailable() : NULL;
		if (asked && !(asked >> i & 1))
			continue;
		if (why && asked) {
			snprintf(err, errlen, "--target: %s is unavailable here: %s",
				 ef_targets[i]->name, why);
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
		const char *why = ef_targets[i]->unavailable ? ef_targets[i]->unavailable() : NULL;
		if (why && !asked)
			fprintf(stderr, "efbench: skipping target %s: %s\n",
				ef_targets[i]->name, why);
	}
}

/* Once a run: the benchmarks that would run beside a reference in
 * reference mode on target host, but whose reference this build lacks (no
 * Rust compiler), for as many as the run measures.  The sidecar says it
 * too (rustc=). */
static void report_missing_references(const ef_group *g, unsigned n, unsigned modes)
{
#define MISSING(pattern) pattern,
	static const char *const missing[] = { EF_REFERENCES_MISSING(MISSING) NULL };
#undef MISSING
	const ef_target *host = ef_target_find("host");
	unsigned count = 0;

	for (unsigned i = 0; i < n && modes >> EF_MODE_REFERENCE & 1; i++)
		for (unsigned k = 0; missing[k]; k++)
			if (g[i].target == host && ef_filter_match(missing[k], g[i].id)) {
				count++;
				break;
			}
	if (count)
		fprintf(stderr, "efbench: no reference rows for %u benchmark%s of target host: "
			"this build found no Rust compiler (make deps installs Debian's "
			"rustc; then make all)\n", count, count == 1 ? "" : "s");
}

/* Modes asked for must exist on some selected target. */
static int check_modes(unsigned targets, unsigned asked, char *err, size_t errlen)
{
	unsigned have = 0;
	for (unsigned i = 0; i < ef_ntargets; i++)
		if (targets >> i & 1)
			have |= ef_target_modes(ef_targets[i]);
	for (unsigned m = 0; m < EF_MODE_COUNT; m++)
		if (asked >> m & 1 && !(have >> m & 1)) {
			snprintf(err, errlen, "--mode: no selected target runs %s mode "
				 "(%s)", ef_mode_name(m), m == EF_MODE_REFERENCE
				 ? "it runs on target host where the build has a Rust "
				   "compiler: make deps installs Debian's rustc"
				 : "it needs an isolating runtime: mpk, pmp, proc or sfi");
			return -1;
		}
	return 0;
}

/* Once the command line is known to be good: the targets' own suites,
 * which may leave some out; then the plan without them. */
static int vouch_for_targets(const ef_options *o, unsigned *targets, unsigned modes,
			     ef_group **groups, int *ngroups, char *err, size_t errlen)
{
	unsigned before = *targets;

	if (run_selftests(targets, o, err, errlen))
		return -1;
	if (stop || *targets == before)
		return 0;
	if (!*targets) {
		snprintf(err, errlen, "no target can run on this machine");
		return -1;
	}
	if (check_modes(*targets, o->modes, err, errlen))
		return -1;
	ef_plan_free(*groups, (unsigned)*ngroups);
	*ngroups = ef_plan_build(*targets, modes, o->filter, o->policies, o->npolicies, groups,
				 err, errlen);
	return *ngroups < 0 ? -1 : 0;
}

/* The run id: host, UTC start time and process id, so that runs started in
 * the same second on one machine never share it; and, without --out, the
 * CSV's name: results/<run id>.csv. */
static int name_run(ef_run *r, char *out, size_t len, char *err, size_t errlen)
{
	char stamp[32];
	time_t now = time(NULL);

	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", gmtime(&now));
	snprintf(r->id, sizeof r->id, "%s-%s-%ld", r->facts.host, stamp, (long)getpid());
	if (r->opt->out) {
		if (strlen(r->opt->out) >= len - 8) {
			snprintf(err, errlen, "--out: the name is longer than %zu bytes", len - 9);
			return -1;
		}
		snprintf(out, len, "%s", r->opt->out);
		return 0;
	}
	if (mkdir("results", 0755) && errno != EEXIST) {
		snprintf(err, errlen, "results/: cannot create the folder for the "
			 "results: %s (or say where with --out)", strerror(errno));
		return -1;
	}
	snprintf(out, len, "results/%s.csv", r->id);
	return 0;
}

/* A run's exit status and its sidecar status and reason. */
static int outcome(const ef_run *r, const char **status, char *reason, size_t len)
{
	if (r->write_errno) {
		*status = "failed";
		snprintf(reason, len, "cannot write %s: %s", r->out, strerror(r->write_errno));
		return EXIT_WRITE_FAILED;
	}
	if (r->worker_failed[0] || r->runner_failed[0]) {
		*status = "failed";
		snprintf(reason, len, "%s", r->worker_failed[0] ? r->worker_failed
								 : r->runner_failed);
		return EXIT_WRITE_FAILED;
	}
	if (interrupted) {
		const char *name = sigabbrev_np(interrupted);
		*status = "interrupted";
		snprintf(reason, len, "SIG%s", name ? name : "?");
		return 128 + interrupted;
	}
	*status = "complete";
	reason[0] = 0;
	return r->errors ? EXIT_ERROR_ROWS : EXIT_OK;
}

/* Process p's seed: --seed itself for the first, so that a run of one
 * process is what it always was; the others' drawn from it. */
static uint64_t process_seed(uint64_t seed, unsigned p)
{
	uint64_t x = seed + p;
	return p ? ef_splitmix64(&x) : seed;
}

/* A process of --processes: measure, hand every row to the parent on
 * stdout, write no file.  Its exit status is efbench's. */
static int worker_main(ef_run *r, ef_group *groups, unsigned ngroups, unsigned modes)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)     /* the parent went before the line above */
		return 128 + SIGTERM;
	r->fd = -1;
	run_all(r, groups, ngroups, modes);
	if (r->write_errno)
		return EXIT_WRITE_FAILED;
	if (interrupted)
		return 128 + interrupted;
	return r->errors ? EXIT_ERROR_ROWS : EXIT_OK;
}

int main(int argc, char **argv)
{
	ef_options opt;
	ef_run run = { .fd = -1, .opt = &opt };
	char err[800] = "", out[PATH_MAX], meta_path[PATH_MAX], reason[300];
	const char *status;
	unsigned targets, modes;
	ef_group *groups;
	int ngroups, rc;
	FILE *meta = NULL;
	sigset_t stopping;

	/* A target may run the program again (process_start): the signals
	 * that stop a run stay blocked across that exec, which keeps a mask
	 * and drops handlers, until the handlers are in place. */
	sigemptyset(&stopping);
	sigaddset(&stopping, SIGINT);
	sigaddset(&stopping, SIGTERM);
	sigaddset(&stopping, SIGHUP);
	sigprocmask(SIG_BLOCK, &stopping, NULL);
	for (unsigned t = 0; t < ef_ntargets; t++)
		if (ef_targets[t]->process_start)
			ef_targets[t]->process_start(argv);
	catch_signals();
	sigprocmask(SIG_UNBLOCK, &stopping, NULL);
	if (ef_options_parse(argc, argv, &opt, err, sizeof err)) {
		fprintf(stderr, "efbench: %s\n", err);
		return EXIT_USAGE;
	}
	if (opt.help) {
		ef_options_usage(argv[0]);
		return EXIT_OK;
	}
	if (opt.schema) {
		ef_csv_row header;
		ef_csv_header(&header);
		fwrite(header.buf, 1, header.len, stdout);
		return EXIT_OK;
	}
	EACH_HOOK(i, configure)
		ef_targets[i]->configure(&opt);
	targets = usable_targets(opt.targets, err, sizeof err);
	if (!targets || check_modes(targets, opt.modes, err, sizeof err)) {
		fprintf(stderr, "efbench: %s\n", err);
		return EXIT_USAGE;
	}
	modes = opt.modes ? opt.modes : ~0u;
	ngroups = ef_plan_build(targets, modes, opt.filter, opt.policies, opt.npolicies,
				&groups, err, sizeof err);
	if (ngroups < 0) {
		fprintf(stderr, "efbench: %s\n", err);
		return EXIT_USAGE;
	}
	if (opt.list) {
		report_skipped(opt.targets);
		list(groups, (unsigned)ngroups, modes);
		return EXIT_OK;
	}
	/* Its flags checked before any file is created. */
	run.runner = ef_runner_choose(&opt, err, sizeof err);
	if (!run.runner) {
		fprintf(stderr, "efbench: %s\n", err);
		return EXIT_USAGE;
	}
	if (!opt.worker &&
	    vouch_for_targets(&opt, &targets, modes, &groups, &ngroups, err, sizeof err)) {
		fprintf(stderr, "efbench: %s\n", err);
		return EXIT_USAGE;
	}
	if (stop)       /* a signal before anything was written */
		return 128 + interrupted;
	/* A runner with a clock of its own times with clock_gettime (Google
	 * Benchmark's steady_clock), and the sidecar names that clock. */
	ef_clock_init(!opt.monotonic && !run.runner->own_clock);
	if (opt.icount)
		ef_clock_counts_instructions();
	run.groups = groups;
	run.seed = process_seed(opt.seed, opt.worker_index);
	if (opt.worker) {
		snprintf(run.progress_prefix, sizeof run.progress_prefix, "process %u/%u ",
			 opt.worker_index + 1, opt.processes);
		return worker_main(&run, groups, (unsigned)ngroups, modes);
	}
	ef_host_facts_read(&run.facts);
	if (name_run(&run, out, sizeof out, err, sizeof err)) {
		fprintf(stderr, "efbench: %s\n", err);
		return EXIT_USAGE;
	}
	run.out = out;
	ef_sidecar_path(out, meta_path, sizeof meta_path);
	if (run.runner->check_file && run.runner->check_file(out, meta_path, err, sizeof err)) {
		fprintf(stderr, "efbench: %s\n", err);
		return EXIT_USAGE;
	}
	if (stop)       /* a signal before anything was written */
		return 128 + interrupted;
	if (create_files(&run, meta_path, targets, argc, argv, &meta, err, sizeof err)) {
		fprintf(stderr, "efbench: %s%s\n", opt.out ? "--out: " : "", err);
		return EXIT_USAGE;
	}

	report_skipped(opt.targets);
	report_missing_references(groups, (unsigned)ngroups, modes);
	fprintf(stderr, "efbench: writing %s\n", out);
	if (opt.processes > 1)
		run_processes(&run, groups, (unsigned)ngroups, targets, argc, argv);
	else
		run_all(&run, groups, (unsigned)ngroups, modes);

	if (run.runner->close_file && run.runner->close_file(err, sizeof err)) {
		snprintf(run.runner_failed, sizeof run.runner_failed, "%s", err);
		fprintf(stderr, "efbench: %s\n", err);
	}
	ef_summary_print(stdout, groups, (unsigned)ngroups, opt.icount);
	fflush(stdout);
	ef_summary_warn_noise(stderr, groups, (unsigned)ngroups);
	if (fsync(run.fd) && !run.write_errno && errno != EINVAL)
		write_failed(&run);
	rc = outcome(&run, &status, reason, sizeof reason);
	hold_signals(1);
	if (finish_sidecar(meta, &run, targets, status, reason[0] ? reason : NULL, rc)) {
		fprintf(stderr, "efbench: cannot write the sidecar %s: %s\n", meta_path,
			strerror(errno));
		rc = EXIT_WRITE_FAILED;
	}
	fclose(meta);
	meta_fd = -1;
	hold_signals(0);
	close(run.fd);
	printf("\nresults: %s (%u rows, %u errors)\nmetadata: %s\n", out,
	       run.rows, run.errors, meta_path);
	fflush(stdout);
	ef_plan_free(groups, (unsigned)ngroups);
	if (interrupted && !run.write_errno)
		fprintf(stderr, "efbench: interrupted (%s); %s holds every finished row\n",
			reason, out);
	else if (rc == EXIT_WRITE_FAILED)
		fprintf(stderr, "efbench: the results are incomplete: %s holds %u rows; "
			"%s says why\n", out, run.rows, meta_path);
	return rc;
}
