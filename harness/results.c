/* results.c: see results.h. */
#include "results.h"
#include "bench.h"
#include "csv.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ef_results_prog = "efbench";

/* Where a row was read, file << 32 | line, is a map's value. */
_Static_assert(sizeof(size_t) >= 8, "a size_t holds a file index and a line number");

/* A header wider than this is not an efbench CSV (it has EF_COL_COUNT
 * columns). */
#define MAX_COLUMNS 256
#define NONE EF_MAP_NONE

void ef_results_vexit(int status, const char *fmt, va_list ap)
{
	char line[8192];

	vsnprintf(line, sizeof line, fmt, ap);
	ef_one_line(line);
	fprintf(stderr, "%s: %s\n", ef_results_prog, line);
	exit(status);
}

void ef_results_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ef_results_vexit(2, fmt, ap);
}

void *ef_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "%s: out of memory\n", ef_results_prog);
		exit(1);
	}
	return p;
}

char *ef_xstrdup(const char *s)
{
	return strcpy(ef_xrealloc(NULL, strlen(s) + 1), s);
}

void ef_one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

__attribute__((format(printf, 2, 3)))
static int fail(ef_results *R, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(R->err, sizeof R->err, fmt, ap);
	va_end(ap);
	ef_one_line(R->err);
	return -1;
}

__attribute__((format(printf, 2, 3)))
static void warn(ef_results *R, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	ef_one_line(line);
	R->warnings = ef_xrealloc(R->warnings, (R->nwarnings + 1) * sizeof *R->warnings);
	R->warnings[R->nwarnings++] = ef_xstrdup(line);
}

void ef_results_print_warnings(const ef_results *R, FILE *f)
{
	for (size_t i = 0; i < R->nwarnings; i++)
		fprintf(f, "%s: warning: %s\n", ef_results_prog, R->warnings[i]);
}

/* ---- What must agree before rows are pooled. ---- */

/* Per host and target: the machine. */
struct ef_machine_facts {
	char *cpu;
	const char *machine_id;    /* a sidecar's, or NULL */
	size_t file;               /* where they were first seen */
	int pooled_said;           /* two runs' rows pooled in one series: said */
};

/* Per benchmark (host, target, workload, benchmark, parameter). */
struct ef_bench_facts {
	const char *git_commit;    /* a sidecar's, or NULL */
	size_t file;
	size_t first;              /* its first series; the rest by next_in_bench */
};

static int differ(const char *a, const char *b)
{
	return a && b && strcmp(a, b);
}

/* A row of host, cpu_model and target g, of benchmark `bench` and its
 * machine, at `line` of `file`: do the machine and the build agree with
 * what earlier files said? */
static int check_facts(ef_results *R, char **g, unsigned long long param, size_t machine,
		       size_t bench, size_t file, unsigned line)
{
	struct ef_machine_facts *m = &R->machines[machine];
	struct ef_bench_facts *b = &R->benches[bench];
	const ef_sidecar *meta = &R->meta[file];

	if (strcmp(m->cpu, g[EF_COL_CPU]))
		return fail(R, "%s:%u: host '%s' (target %s) has cpu_model '%s' here, '%s' in %s: "
			    "two machines with one host name are not pooled", R->files[file], line,
			    g[EF_COL_HOST], g[EF_COL_TARGET], g[EF_COL_CPU], m->cpu,
			    R->files[m->file]);
	if (differ(m->machine_id, meta->machine_id))
		return fail(R, "%s:%u: host '%s' (target %s) is machine_id %s here, %s in %s: "
			    "two machines with one host name are not pooled", R->files[file], line,
			    g[EF_COL_HOST], g[EF_COL_TARGET], meta->machine_id, m->machine_id,
			    R->files[m->file]);
	if (differ(b->git_commit, meta->git_commit))
		return fail(R, "%s:%u: %s/%s/%llu (host %s, target %s) was built from git_commit %s "
			    "here, %s in %s: two builds are compared (efcompare), not pooled",
			    R->files[file], line, g[EF_COL_WORKLOAD], g[EF_COL_BENCH], param,
			    g[EF_COL_HOST], g[EF_COL_TARGET], meta->git_commit, b->git_commit,
			    R->files[b->file]);
	if (!m->machine_id)
		m->machine_id = meta->machine_id;
	if (!b->git_commit) {
		b->git_commit = meta->git_commit;
		b->file = file;
	}
	return 0;
}

/* ---- Rows. ---- */

static int same_key(const ef_series *s, char **g, unsigned mode, unsigned long long param)
{
	static const int keyed[] = { EF_COL_HOST, EF_COL_TARGET, EF_COL_POLICY,
				     EF_COL_WORKLOAD, EF_COL_BENCH };
	if (s->mode != mode || s->param != param)
		return 0;
	for (unsigned j = 0; j < EF_COUNT(keyed); j++)
		if (strcmp(s->key[keyed[j]], g[keyed[j]]))
			return 0;
	return 1;
}

/* The index of the facts of key k in map *m and array *facts (of n, each
 * `size` bytes), added zeroed when new; *added says which. */
static size_t facts_of(ef_map *m, void **facts, size_t *n, size_t size, const ef_key *k,
		       int *added)
{
	size_t i = ef_map_add(m, k, *n);

	*added = i == NONE;
	if (*added) {
		i = (*n)++;
		*facts = ef_xrealloc(*facts, *n * size);
		memset((char *)*facts + i * size, 0, size);
	}
	return i;
}

/* A new series for the row g at `line` of `file`, with its machine and
 * benchmark facts; NONE with R->err when they disagree. */
static size_t add_series(ef_results *R, ef_key *k, char **g, unsigned mode,
			 unsigned long long param, size_t file, unsigned line)
{
	static const int kept[] = { EF_COL_HOST, EF_COL_CPU, EF_COL_TARGET, EF_COL_POLICY,
				    EF_COL_WORKLOAD, EF_COL_BENCH, EF_COL_UNIT };
	size_t i = R->n, machine, bench;
	ef_series *s;
	int added;

	if (R->n == R->cap) {
		R->cap = R->cap ? 2 * R->cap : 256;
		R->s = ef_xrealloc(R->s, R->cap * sizeof *R->s);
	}
	s = &R->s[R->n++];
	memset(s, 0, sizeof *s);
	for (unsigned j = 0; j < EF_COUNT(kept); j++)
		s->key[kept[j]] = ef_xstrdup(g[kept[j]]);
	s->mode = mode;
	s->param = param;
	s->file = file;
	s->next_in_bench = s->next_any_host = NONE;

	ef_key_clear(k);
	ef_key_add(k, g[EF_COL_HOST]);
	ef_key_add(k, g[EF_COL_TARGET]);
	machine = facts_of(&R->machine_map, (void **)&R->machines, &R->nmachines,
			   sizeof *R->machines, k, &added);
	if (added) {
		R->machines[machine].cpu = ef_xstrdup(g[EF_COL_CPU]);
		R->machines[machine].file = file;
	}
	ef_key_add(k, g[EF_COL_WORKLOAD]);
	ef_key_add(k, g[EF_COL_BENCH]);
	ef_key_num(k, param);
	bench = facts_of(&R->bench_map, (void **)&R->benches, &R->nbenches,
			 sizeof *R->benches, k, &added);
	if (added) {
		R->benches[bench].file = file;
		R->benches[bench].first = NONE;
	}
	s->machine = machine;
	s->bench = bench;
	s->next_in_bench = R->benches[bench].first;
	R->benches[bench].first = i;
	if (check_facts(R, g, param, machine, bench, file, line))
		return NONE;
	ef_key_add(k, g[EF_COL_POLICY]);
	ef_key_num(k, mode);
	ef_map_add(&R->series_map, k, i);
	return i;
}

static size_t find_series(ef_results *R, ef_key *k, char **g, unsigned mode,
			  unsigned long long param, size_t *last)
{
	size_t i;

	if (*last != NONE && same_key(&R->s[*last], g, mode, param))
		return *last;
	ef_key_clear(k);
	ef_key_add(k, g[EF_COL_HOST]);
	ef_key_add(k, g[EF_COL_TARGET]);
	ef_key_add(k, g[EF_COL_WORKLOAD]);
	ef_key_add(k, g[EF_COL_BENCH]);
	ef_key_num(k, param);
	ef_key_add(k, g[EF_COL_POLICY]);
	ef_key_num(k, mode);
	i = ef_map_get(&R->series_map, k);
	if (i != NONE)
		*last = i;
	return i;
}

/* The key of an error row: what efcompare looks a missing series up by. */
static void failed_key(ef_key *k, const char *target, const char *workload, const char *bench,
		       unsigned long long param, unsigned mode)
{
	ef_key_clear(k);
	ef_key_add(k, target);
	ef_key_add(k, workload);
	ef_key_add(k, bench);
	ef_key_num(k, param);
	ef_key_num(k, mode);
}

/* The columns a row must fill: an error row the first three (the error
 * rows of scripts/setup-bench leave policy empty), an ok row all. */
static const int named[] = { EF_COL_TARGET, EF_COL_WORKLOAD, EF_COL_BENCH,
			     EF_COL_HOST, EF_COL_POLICY, EF_COL_RUN_ID };
#define NAMED_IN_ERROR_ROWS 3

/* Mode and parameter of row g, an ok row or not, and its named columns. */
static int row_key(ef_results *R, const char *name, unsigned line, char **g, int ok,
		   int *mode, unsigned long long *param)
{

	*mode = ef_mode_parse(g[EF_COL_MODE]);
	if (*mode < 0)
		return fail(R, "%s:%u: column 'mode': '%s' is not unsafe, validate, invoke, full or reference",
			    name, line, g[EF_COL_MODE]);
	if (ef_csv_parse_count(g[EF_COL_PARAM], param))
		return fail(R, "%s:%u: column 'parameter': '%s' is not an unsigned integer", name,
			    line, g[EF_COL_PARAM]);
	for (unsigned j = 0; j < (ok ? EF_COUNT(named) : NAMED_IN_ERROR_ROWS); j++)
		if (!g[named[j]][0])
			return fail(R, "%s:%u: column '%s' is empty", name, line,
				    ef_column_names[named[j]]);
	return 0;
}

static int error_row(ef_results *R, ef_key *k, const char *name, unsigned line, char **g)
{
	unsigned long long param;
	int mode;
	size_t i;

	if (row_key(R, name, line, g, 0, &mode, &param))
		return -1;
	failed_key(k, g[EF_COL_TARGET], g[EF_COL_WORKLOAD], g[EF_COL_BENCH], param,
		   (unsigned)mode);
	if (ef_map_add(&R->failed_map, k, R->nfailed) == NONE) {
		i = R->nfailed++;
		R->failed = ef_xrealloc(R->failed, R->nfailed * sizeof *R->failed);
		R->failed[i] = ef_xstrdup(g[EF_COL_MESSAGE]);
	}
	R->errors++;
	return 0;
}

struct row_cursor {
	size_t file, last_series;
	int run_mismatch_said;
	ef_key key;
	/* keep_apart: the name each host of this file is read under */
	struct { char *host, *label; } *hosts;
	size_t nhosts;
};

/* ---- Two machines under one host name, kept apart (keep_apart). ---- */

/* A host, target and CPU model of one file's rows. */
struct seen_triple { char *host, *target, *cpu; };

/* Do the facts known under name `label` agree with the file's rows of
 * host h (t[0..n), machine_id mid)?  Where not, *why (unless NULL) is
 * the first that disagrees. */
static int agrees(ef_results *R, const char *label, const char *h, const struct seen_triple *t,
		  size_t n, const char *mid, ef_key *k, const struct ef_machine_facts **why)
{
	for (size_t i = 0; i < n; i++) {
		size_t m;

		if (strcmp(t[i].host, h))
			continue;
		ef_key_clear(k);
		ef_key_add(k, label);
		ef_key_add(k, t[i].target);
		m = ef_map_get(&R->machine_map, k);
		if (m == NONE)
			continue;
		if (strcmp(R->machines[m].cpu, t[i].cpu) || differ(R->machines[m].machine_id, mid)) {
			if (why)
				*why = &R->machines[m];
			return 0;
		}
	}
	return 1;
}

/* Before the rows of file c->file (data, whose header read_header has
 * mapped into col, nhead fields) are read: the name each of its hosts is
 * read under.  The host name itself where the machine facts
 * known under it agree with the file's (or there are none), else an
 * earlier file's alias of it that agrees, else a new alias that says what
 * differs, with a warning naming both files.  Which rows come first in
 * the file does not matter; the order of the files does (the first keeps
 * the plain name). */
static void label_hosts(ef_results *R, struct row_cursor *c, const char *data, size_t len,
			const int *col, int nhead)
{
	const char *name = R->files[c->file], *mid = R->meta[c->file].machine_id;
	struct seen_triple *t = NULL;
	size_t n = 0;
	ef_csv_reader r;
	ef_key k = { NULL, 0, 0 };
	char **f;
	int nf;

	/* What the rows say, past the header; anything malformed is the main
	 * pass's to refuse. */
	ef_csv_reader_init(&r, data, len);
	ef_csv_read(&r, &f);
	while ((nf = ef_csv_read(&r, &f)) > 0 && !r.cut) {
		const char *h, *tg, *cpu;
		size_t i;

		if (nf != nhead || strcmp(f[col[EF_COL_STATUS]], "ok"))
			continue;
		h = f[col[EF_COL_HOST]];
		tg = f[col[EF_COL_TARGET]];
		cpu = f[col[EF_COL_CPU]];
		for (i = 0; i < n; i++)
			if (!strcmp(t[i].host, h) && !strcmp(t[i].target, tg) && !strcmp(t[i].cpu, cpu))
				break;
		if (i < n)
			continue;
		t = ef_xrealloc(t, (n + 1) * sizeof *t);
		t[n++] = (struct seen_triple){ ef_xstrdup(h), ef_xstrdup(tg), ef_xstrdup(cpu) };
	}
	for (size_t i = 0; i < n; i++) {
		const struct ef_machine_facts *first = NULL;
		const char *label = NULL;
		size_t j;

		for (j = 0; j < c->nhosts; j++)
			if (!strcmp(c->hosts[j].host, t[i].host))
				break;
		if (j < c->nhosts)
			continue;       /* named already */
		if (agrees(R, t[i].host, t[i].host, t, n, mid, &k, &first))
			label = t[i].host;
		for (j = 0; !label && j < R->naliases; j++)
			if (!strcmp(R->aliases[j].host, t[i].host) &&
			    agrees(R, R->aliases[j].label, t[i].host, t, n, mid, &k, NULL))
				label = R->aliases[j].label;
		if (!label) {
			/* A new name, HOST/2, HOST/3, ...: without spaces, as the
			 * figure scripts split lists of hosts on them, and '/' is
			 * in no host name. */
			char buf[512];
			int same_cpu = 0;
			unsigned nth = 2;

			for (;;) {
				snprintf(buf, sizeof buf, "%s/%u", t[i].host, nth);
				for (j = 0; j < R->naliases; j++)
					if (!strcmp(R->aliases[j].label, buf))
						break;
				if (j == R->naliases)
					break;
				nth++;
			}
			R->aliases = ef_xrealloc(R->aliases, (R->naliases + 1) * sizeof *R->aliases);
			R->aliases[R->naliases] = (struct ef_alias){ ef_xstrdup(t[i].host),
								     ef_xstrdup(buf) };
			label = R->aliases[R->naliases++].label;
			/* Say what differs from the machine of the plain name. */
			for (j = 0; j < n; j++)
				if (!strcmp(t[j].host, t[i].host) && !strcmp(t[j].cpu, first->cpu))
					same_cpu = 1;
			if (same_cpu && mid)
				warn(R, "%s: host '%s' is machine_id %s here, %s in %s: two machines "
				     "with one host name, kept apart: this file's rows as host '%s'",
				     name, t[i].host, mid, first->machine_id, R->files[first->file],
				     label);
			else
				warn(R, "%s: host '%s' has cpu_model '%s' here, '%s' in %s: two "
				     "machines with one host name, kept apart: this file's rows as "
				     "host '%s'", name, t[i].host, t[i].cpu, first->cpu,
				     R->files[first->file], label);
		}
		c->hosts = ef_xrealloc(c->hosts, (c->nhosts + 1) * sizeof *c->hosts);
		c->hosts[c->nhosts].host = ef_xstrdup(t[i].host);
		c->hosts[c->nhosts++].label = ef_xstrdup(label);
	}
	for (size_t i = 0; i < n; i++) {
		free(t[i].host);
		free(t[i].target);
		free(t[i].cpu);
	}
	free(t);
	ef_key_free(&k);
	ef_csv_reader_free(&r);
}

/* The name row g's host is read under (keep_apart). */
static void relabel(const struct row_cursor *c, char **g)
{
	for (size_t j = 0; j < c->nhosts; j++)
		if (!strcmp(c->hosts[j].host, g[EF_COL_HOST])) {
			g[EF_COL_HOST] = c->hosts[j].label;
			return;
		}
}

/* Were the file's modes sampled in rounds, side by side (its sidecar's
 * interleave=)?  Only then do its samples pair by repetition. */
static int side_by_side(const ef_sidecar *meta)
{
	return meta->interleave && (!strcmp(meta->interleave, "modes") ||
				    !strcmp(meta->interleave, "all"));
}

static int ok_row(ef_results *R, struct row_cursor *c, unsigned line, char **g)
{
	const char *name = R->files[c->file];
	const ef_sidecar *meta = &R->meta[c->file];
	unsigned long long param, repetition, process = 0;
	double value, cpu = NAN;
	int mode;
	size_t i, seen;
	ef_series *s;

	if (row_key(R, name, line, g, 1, &mode, &param))
		return -1;
	relabel(c, g);
	if (ef_csv_parse_value(g[EF_COL_VALUE], &value))
		return fail(R, "%s:%u: column 'value': '%s' is not a non-negative decimal number",
			    name, line, g[EF_COL_VALUE]);
	if (g[EF_COL_CPU_NS][0] && ef_csv_parse_value(g[EF_COL_CPU_NS], &cpu))
		return fail(R, "%s:%u: column 'cpu_ns': '%s' is not a non-negative decimal number",
			    name, line, g[EF_COL_CPU_NS]);
	if (strcmp(g[EF_COL_UNIT], "ns") && strcmp(g[EF_COL_UNIT], "cycles") &&
	    strcmp(g[EF_COL_UNIT], "instructions"))
		return fail(R, "%s:%u: column 'unit': '%s' is not ns, cycles or instructions", name,
			    line, g[EF_COL_UNIT]);
	if (ef_csv_parse_count(g[EF_COL_REPETITION], &repetition))
		return fail(R, "%s:%u: column 'repetition': '%s' is not an unsigned integer", name,
			    line, g[EF_COL_REPETITION]);
	if (g[EF_COL_PROCESS][0] && (ef_csv_parse_count(g[EF_COL_PROCESS], &process) ||
				     process > UINT32_MAX))
		return fail(R, "%s:%u: column 'process': '%s' is not an unsigned 32-bit integer",
			    name, line, g[EF_COL_PROCESS]);
	if (meta->run_id && strcmp(meta->run_id, g[EF_COL_RUN_ID]) && !c->run_mismatch_said) {
		warn(R, "%s:%u: run_id '%s', where its sidecar describes run '%s'", name, line,
		     g[EF_COL_RUN_ID], meta->run_id);
		c->run_mismatch_said = 1;
	}
	i = find_series(R, &c->key, g, (unsigned)mode, param, &c->last_series);
	if (i == NONE) {
		i = add_series(R, &c->key, g, (unsigned)mode, param, c->file, line);
		if (i == NONE)
			return -1;
		c->last_series = i;
	}
	s = &R->s[i];
	/* Two runs of one machine and build are pooled (their samples become
	 * one series), but never silently: a campaign that ran a node twice, or
	 * two nodes under one host name and CPU model, reads as one run here.
	 * The series keeps its first run in key[EF_COL_RUN_ID]. */
	if (!s->key[EF_COL_RUN_ID])
		s->key[EF_COL_RUN_ID] = ef_xstrdup(g[EF_COL_RUN_ID]);
	else if (strcmp(s->key[EF_COL_RUN_ID], g[EF_COL_RUN_ID]) &&
		 !R->machines[s->machine].pooled_said) {
		warn(R, "%s:%u: host '%s' (target %s): rows of run '%s' pooled with those of run "
		     "'%s' as one machine's; give each run its own host name to keep them apart",
		     name, line, g[EF_COL_HOST], g[EF_COL_TARGET], g[EF_COL_RUN_ID],
		     s->key[EF_COL_RUN_ID]);
		R->machines[s->machine].pooled_said = 1;
	}
	if (strcmp(s->key[EF_COL_UNIT], g[EF_COL_UNIT]))
		return fail(R, "%s:%u: column 'unit': '%s', where earlier rows of %s/%s/%llu "
			    "(%s, %s) said '%s'", name, line, g[EF_COL_UNIT], g[EF_COL_WORKLOAD],
			    g[EF_COL_BENCH], param, g[EF_COL_HOST], g[EF_COL_TARGET],
			    s->key[EF_COL_UNIT]);
	if (strcmp(s->key[EF_COL_CPU], g[EF_COL_CPU]) || s->file != c->file) {
		if (check_facts(R, g, param, s->machine, s->bench, c->file, line))
			return -1;
		s->file = c->file;
	}
	/* The row's identity: its series, process, repetition and run; where
	 * it was read, as file << 32 | line. */
	ef_key_clear(&c->key);
	ef_key_u64(&c->key, i);
	ef_key_u64(&c->key, process);
	ef_key_u64(&c->key, repetition);
	ef_key_add(&c->key, g[EF_COL_RUN_ID]);
	seen = ef_map_add(&R->rows_seen, &c->key, (size_t)c->file << 32 | line);
	if (seen != NONE)
		return fail(R, "%s:%u: the same row as %s:%u (run %s, %s/%s/%llu %s, policy %s, "
			    "repetition %llu): a file given twice, or a duplicated row, would count "
			    "twice", name, line, R->files[seen >> 32], (unsigned)(seen & 0xffffffff),
			    g[EF_COL_RUN_ID], g[EF_COL_WORKLOAD], g[EF_COL_BENCH], param,
			    g[EF_COL_MODE], g[EF_COL_POLICY], repetition);
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 32;
		s->v = ef_xrealloc(s->v, s->cap * sizeof *s->v);
		s->raw = ef_xrealloc(s->raw, s->cap * sizeof *s->raw);
	}
	s->raw[s->n] = (ef_sample){ value, (uint32_t)c->file, (uint32_t)process,
				    side_by_side(meta) ? repetition : EF_ROUND_ALONE | line,
				    strcmp(g[EF_COL_UNIT], "ns") ? NAN : cpu };
	s->v[s->n++] = value;
	R->rows++;
	return 0;
}

/* ---- Sidecars. ---- */

static void say_status(ef_results *R, const char *name, const char *meta_name,
		       const ef_sidecar *m, size_t rows)
{
	const char *why = m->status_reason ? m->status_reason : "no reason given";

	if (!m->present) {
		warn(R, "%s: no sidecar %s: cannot tell whether its run finished", name, meta_name);
		return;
	}
	if (!m->status)
		warn(R, "%s: its run did not finish (no status in %s: killed, or still running); "
		     "its rows are those written before", name, meta_name);
	else if (!strcmp(m->status, "running"))
		warn(R, "%s: its run did not finish (status running in %s: killed, or still "
		     "running); its rows are those written before", name, meta_name);
	else if (!strcmp(m->status, "interrupted"))
		warn(R, "%s: its run was interrupted (%s); its rows are the samples it finished",
		     name, why);
	else if (!strcmp(m->status, "failed"))
		warn(R, "%s: its run failed (%s); its rows are the samples it finished", name, why);
	else if (strcmp(m->status, "complete"))
		warn(R, "%s: status '%s' in %s is not complete, interrupted, failed or running",
		     name, m->status, meta_name);
	if (m->rows >= 0 && (unsigned long long)m->rows != rows)
		warn(R, "%s: %zu data rows, where %s says rows=%lld", name, rows, meta_name, m->rows);
}

/* ---- A file. ---- */

static int read_header(ef_results *R, ef_csv_reader *r, const char *name, int *col, int *nhead)
{
	char **f;
	int n = ef_csv_read(r, &f);

	if (n < 0)
		return fail(R, "%s: malformed header: not an efbench CSV (see results/SCHEMA.md)", name);
	if (r->cut)
		return fail(R, "%s: the header is cut short (no line end): not an efbench CSV", name);
	if (n > MAX_COLUMNS)
		return fail(R, "%s: %d columns: not an efbench CSV (see results/SCHEMA.md)", name, n);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			if (!strcmp(f[i], f[j]))
				return fail(R, "%s: column '%s' appears twice in the header", name, f[i]);
	for (unsigned j = 0; j < EF_COL_COUNT; j++) {
		col[j] = -1;
		for (int i = 0; i < n; i++)
			if (!strcmp(f[i], ef_column_names[j]))
				col[j] = i;
		if (col[j] < 0 && j < EF_COL_FIRST_OPTIONAL)
			return fail(R, "%s: no column '%s': not an efbench CSV (see results/SCHEMA.md)",
				    name, ef_column_names[j]);
	}
	*nhead = n;
	return 0;
}

int ef_results_read_buffer(ef_results *R, const char *name, const char *data, size_t len,
			   const char *meta_name, const char *meta, size_t meta_len)
{
	struct row_cursor c = { R->nfiles, NONE, 0, { NULL, 0, 0 }, NULL, 0 };
	size_t rows = 0;
	ef_csv_reader r;
	ef_sidecar *m;
	char **f, *g[EF_COL_COUNT];
	int col[EF_COL_COUNT], nhead = 0, n, rc = -1;

	R->files = ef_xrealloc(R->files, (R->nfiles + 1) * sizeof *R->files);
	R->meta = ef_xrealloc(R->meta, (R->nfiles + 1) * sizeof *R->meta);
	R->files[R->nfiles] = ef_xstrdup(name);
	m = memset(&R->meta[R->nfiles], 0, sizeof *R->meta);
	R->nfiles++;
	if (meta && ef_sidecar_parse(m, meta_name, meta, meta_len, R->err, sizeof R->err)) {
		ef_one_line(R->err);
		return -1;
	}
	if (m->cut)
		warn(R, "%s: its last line is cut short (no line end): ignored", meta_name);
	ef_csv_reader_init(&r, data, len);
	/* A run stopped before its header was whole wrote no rows: if its
	 * sidecar says it did not finish, that is what happened. */
	if ((!len || (memchr(data, '\n', len) == NULL)) && ef_sidecar_unfinished(m)) {
		warn(R, "%s: no complete header line: its run wrote no rows; nothing read", name);
		say_status(R, name, meta_name, m, 0);
		return 0;
	}
	if (!len) {
		fail(R, "%s: empty file: not an efbench CSV (see results/SCHEMA.md)", name);
		goto out;
	}
	if (read_header(R, &r, name, col, &nhead))
		goto out;
	if (R->keep_apart)
		label_hosts(R, &c, data, len, col, nhead);
	while ((n = ef_csv_read(&r, &f)) != 0) {
		if (n < 0) {
			fail(R, "%s:%u: malformed CSV (a quote not closed, or text after a closing "
			     "quote)", name, r.line);
			goto out;
		}
		if (r.cut) {
			warn(R, "%s:%u: the last row is cut short (no line end): dropped; its run was "
			     "killed or its disk full", name, r.line);
			break;
		}
		if (n == 1 && !f[0][0])
			continue;       /* a blank line */
		if (n != nhead) {
			fail(R, "%s:%u: %d fields, the header has %d", name, r.line, n, nhead);
			goto out;
		}
		for (unsigned j = 0; j < EF_COL_COUNT; j++)
			g[j] = col[j] < 0 ? (char *)"" : f[col[j]];
		if (!strcmp(g[EF_COL_STATUS], "error")) {
			if (error_row(R, &c.key, name, r.line, g))
				goto out;
		} else if (!strcmp(g[EF_COL_STATUS], "ok")) {
			if (ok_row(R, &c, r.line, g))
				goto out;
		} else {
			fail(R, "%s:%u: column 'status': '%s' is not ok or error", name, r.line,
			     g[EF_COL_STATUS]);
			goto out;
		}
		rows++;
	}
	say_status(R, name, meta_name, m, rows);
	rc = 0;
out:
	ef_key_free(&c.key);
	ef_csv_reader_free(&r);
	for (size_t i = 0; i < c.nhosts; i++) {
		free(c.hosts[i].host);
		free(c.hosts[i].label);
	}
	free(c.hosts);
	return rc;
}

/* The whole file at path; NULL with R->err, or with *missing set when
 * missing is not NULL and there is no such file. */
static char *slurp(ef_results *R, const char *path, size_t *len, int *missing)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f) {
		if (missing && errno == ENOENT)
			*missing = 1;
		else
			fail(R, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	do {
		if (cap - n < 65536)
			buf = ef_xrealloc(buf, cap = cap ? 2 * cap : 1 << 16);
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (ferror(f)) {
		fail(R, "%s: cannot read: %s", path, strerror(errno));
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

int ef_results_read(ef_results *R, const char *path)
{
	size_t plen = strlen(path), len, meta_len = 0;
	int no_meta = 0, rc = -1;
	char *meta_path = ef_xrealloc(NULL, plen + 6), *data, *meta = NULL;

	ef_sidecar_path(path, meta_path, plen + 6);
	if ((data = slurp(R, path, &len, NULL)) &&
	    ((meta = slurp(R, meta_path, &meta_len, &no_meta)) || no_meta))
		rc = ef_results_read_buffer(R, path, data, len, meta_path, meta, meta_len);
	free(meta);
	free(data);
	free(meta_path);
	return rc;
}

/* ---- After reading. ---- */

int ef_same_machine(const ef_series *a, const ef_series *b)
{
	return !strcmp(a->key[EF_COL_HOST], b->key[EF_COL_HOST]) &&
	       !strcmp(a->key[EF_COL_CPU], b->key[EF_COL_CPU]) &&
	       !differ(a->machine_id, b->machine_id);
}

const ef_series *ef_results_partner(const ef_results *R, const ef_series *s, unsigned mode)
{
	const char *policy = ef_mode_isolates(mode) ? s->key[EF_COL_POLICY] : "none";

	for (size_t i = R->benches[s->bench].first; i != NONE; i = R->s[i].next_in_bench)
		if (R->s[i].mode == mode && !strcmp(R->s[i].key[EF_COL_POLICY], policy) &&
		    !strcmp(R->s[i].key[EF_COL_UNIT], s->key[EF_COL_UNIT]))
			return &R->s[i];
	return NULL;
}

const ef_ratio *ef_series_overhead(const ef_series *s, unsigned k)
{
	return s->overheads >> k & 1 ? &s->ratio[k] : NULL;
}

void ef_print_label(FILE *f, const ef_series *s, const char *what)
{
	if (strcmp(s->key[EF_COL_POLICY], "none"))
		fprintf(f, "%s (%s)", what, s->key[EF_COL_POLICY]);
	else
		fputs(what, f);
}

static void any_host_key(ef_key *k, const ef_series *s)
{
	ef_key_clear(k);
	ef_key_add(k, s->key[EF_COL_TARGET]);
	ef_key_add(k, s->key[EF_COL_POLICY]);
	ef_key_add(k, s->key[EF_COL_WORKLOAD]);
	ef_key_add(k, s->key[EF_COL_BENCH]);
	ef_key_num(k, s->param);
	ef_key_num(k, s->mode);
}

const ef_series *ef_results_any_host(const ef_results *R, const ef_series *like)
{
	ef_key k = { NULL, 0, 0 };
	size_t i;

	any_host_key(&k, like);
	i = ef_map_get(&R->any_host_map, &k);
	ef_key_free(&k);
	return i == NONE ? NULL : &R->s[i];
}

const ef_series *ef_results_next_any_host(const ef_results *R, const ef_series *s)
{
	return s->next_any_host == NONE ? NULL : &R->s[s->next_any_host];
}

const char *ef_results_failed(const ef_results *R, const ef_series *like)
{
	ef_key k = { NULL, 0, 0 };
	size_t i;

	failed_key(&k, like->key[EF_COL_TARGET], like->key[EF_COL_WORKLOAD],
		   like->key[EF_COL_BENCH], like->param, like->mode);
	i = ef_map_get(&R->failed_map, &k);
	ef_key_free(&k);
	return i == NONE ? NULL : R->failed[i];
}

/* The bootstrap of each series of one benchmark, drawn when a ratio first
 * needs it and dropped with the benchmark. */
struct boot_cache {
	size_t series[2 * EF_MODE_COUNT * 4];
	ef_boot *boot[2 * EF_MODE_COUNT * 4];
	unsigned n;
};

static const ef_boot *boot_of(struct boot_cache *c, const ef_results *R, size_t i)
{
	static const ef_boot none = { 0, { 0 } };
	unsigned k;

	for (k = 0; k < c->n; k++)
		if (c->series[k] == i)
			return c->boot[k];
	if (c->n == EF_COUNT(c->boot))
		return &none;
	c->series[k] = i;
	c->boot[k] = ef_xrealloc(NULL, sizeof *c->boot[k]);
	if (ef_boot_compute(c->boot[k], R->s[i].v, R->s[i].n, R->s[i].mode))
		c->boot[k]->have = 0;
	c->n++;
	return c->boot[k];
}

static void bench_overheads(ef_results *R, size_t bench)
{
	struct boot_cache cache = { .n = 0 };

	for (size_t i = R->benches[bench].first; i != NONE; i = R->s[i].next_in_bench)
		for (unsigned k = 0; k < EF_NOVERHEADS; k++) {
			ef_series *num = &R->s[i];
			const ef_series *den;

			if (num->mode != ef_overheads[k].num ||
			    !(den = ef_results_partner(R, num, ef_overheads[k].den)))
				continue;
			ef_ratio_side a = { &num->st, boot_of(&cache, R, i), num->raw, num->n };
			ef_ratio_side b = { &den->st, boot_of(&cache, R, (size_t)(den - R->s)),
					    den->raw, den->n };
			num->ratio[k] = ef_ratio_of(&a, &b);
			num->overheads |= 1u << k;
		}
	for (unsigned k = 0; k < cache.n; k++)
		free(cache.boot[k]);
}

void ef_results_finish(ef_results *R)
{
	ef_key k = { NULL, 0, 0 };

	for (size_t i = 0; i < R->n; i++) {
		ef_series *s = &R->s[i];
		ef_stats_compute(s->v, s->n, &s->st);
		s->machine_id = R->machines[s->machine].machine_id;
	}
	/* Each list in file order: the map holds its head, tail[head] its
	 * last series so far. */
	size_t *tail = ef_xrealloc(NULL, R->n * sizeof *tail);
	for (size_t i = 0; i < R->n; i++) {
		size_t head;
		any_host_key(&k, &R->s[i]);
		head = ef_map_add(&R->any_host_map, &k, i);
		if (head == NONE) {
			tail[i] = i;
		} else {
			R->s[tail[head]].next_any_host = i;
			tail[head] = i;
		}
	}
	free(tail);
	ef_key_free(&k);
	for (size_t b = 0; b < R->nbenches; b++)
		bench_overheads(R, b);
}

void ef_results_free(ef_results *R)
{
	for (size_t i = 0; i < R->n; i++) {
		for (unsigned j = 0; j < EF_COL_COUNT; j++)
			free(R->s[i].key[j]);
		free(R->s[i].v);
		free(R->s[i].raw);
	}
	free(R->s);
	for (size_t i = 0; i < R->nfiles; i++) {
		free(R->files[i]);
		ef_sidecar_free(&R->meta[i]);
	}
	free(R->files);
	free(R->meta);
	for (size_t i = 0; i < R->nfailed; i++)
		free(R->failed[i]);
	for (size_t i = 0; i < R->nwarnings; i++)
		free(R->warnings[i]);
	free(R->warnings);
	free(R->failed);
	for (size_t i = 0; i < R->nmachines; i++)
		free(R->machines[i].cpu);
	free(R->machines);
	for (size_t i = 0; i < R->naliases; i++) {
		free(R->aliases[i].host);
		free(R->aliases[i].label);
	}
	free(R->aliases);
	free(R->benches);
	ef_map_free(&R->series_map);
	ef_map_free(&R->bench_map);
	ef_map_free(&R->machine_map);
	ef_map_free(&R->any_host_map);
	ef_map_free(&R->failed_map);
	ef_map_free(&R->rows_seen);
	memset(R, 0, sizeof *R);
}
