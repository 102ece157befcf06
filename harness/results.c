/* results.c: see results.h. */
#include "results.h"
#include "bench.h"
#include "csv.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME(upper, lower) #lower,
const char *const ef_mode_names[EF_MODE_COUNT] = { EF_MODES(NAME) };
#undef NAME

const char *ef_results_prog = "efbench";

const char *const ef_column_names[EF_COL_COUNT] = {
	"host", "cpu_model", "target", "policy", "mode", "workload", "benchmark",
	"parameter", "value", "unit", "status",
};

void ef_results_die(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", ef_results_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

void *ef_xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
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

static const int keyed[] = { EF_COL_HOST, EF_COL_TARGET, EF_COL_POLICY, EF_COL_WORKLOAD, EF_COL_BENCH };

static ef_series *find(ef_results *R, char **f, unsigned mode, unsigned long long param)
{
	static size_t last;

	for (size_t k = 0; k < R->n; k++) {
		size_t i = (last + k) % R->n;
		ef_series *s = &R->s[i];
		unsigned j;

		if (s->mode != mode || s->param != param)
			continue;
		for (j = 0; j < EF_COUNT(keyed); j++)
			if (strcmp(s->key[keyed[j]], f[keyed[j]]))
				break;
		if (j == EF_COUNT(keyed)) {
			last = i;
			return s;
		}
	}
	return NULL;
}

static ef_series *add_series(ef_results *R, char **f, unsigned mode,
			     unsigned long long param)
{
	ef_series *s;

	if (R->n == R->cap) {
		R->cap = R->cap ? 2 * R->cap : 256;
		R->s = ef_xrealloc(R->s, R->cap * sizeof *R->s);
	}
	s = &R->s[R->n++];
	memset(s, 0, sizeof *s);
	for (unsigned j = 0; j < EF_COL_COUNT; j++)
		s->key[j] = j == EF_COL_VALUE || j == EF_COL_STATUS || j == EF_COL_MODE ||
			    j == EF_COL_PARAM
			? NULL : ef_xstrdup(f[j]);
	s->mode = mode;
	s->param = param;
	return s;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f)
		ef_results_die("%s: cannot open: %s", path, strerror(errno));
	do {
		if (cap - n < 65536)
			buf = ef_xrealloc(buf, cap = cap ? 2 * cap : 1 << 20);
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (ferror(f))
		ef_results_die("%s: cannot read: %s", path, strerror(errno));
	fclose(f);
	*len = n;
	return buf;
}

int ef_mode_parse(const char *s)
{
	for (unsigned m = 0; m < EF_MODE_COUNT; m++)
		if (!strcmp(s, ef_mode_names[m]))
			return (int)m;
	return -1;
}

/* Every sample of one file; returns how many ok rows it had. */
void ef_results_read(ef_results *R, const char *path)
{
	size_t len;
	char *data = read_file(path, &len), **f, *g[EF_COL_COUNT];
	int col[EF_COL_COUNT], nhead, n;
	ef_csv_reader r;

	ef_csv_reader_init(&r, data, len);
	nhead = ef_csv_read(&r, &f);
	if (nhead <= 0)
		ef_results_die("%s: %s: not an efbench CSV (see results/SCHEMA.md)", path,
		    nhead ? "malformed header" : "empty file");
	for (unsigned j = 0; j < EF_COL_COUNT; j++) {
		col[j] = -1;
		for (int i = 0; i < nhead; i++)
			if (!strcmp(f[i], ef_column_names[j]))
				col[j] = i;
		if (col[j] < 0)
			ef_results_die("%s: no column '%s': not an efbench CSV (see results/SCHEMA.md)",
			    path, ef_column_names[j]);
	}
	while ((n = ef_csv_read(&r, &f)) != 0) {
		unsigned long long param;
		double value;
		char *end;
		int mode;
		ef_series *s;

		if (n < 0)
			ef_results_die("%s:%u: malformed CSV (a quote not closed, or text after a "
			    "closing quote)", path, r.line);
		if (n == 1 && !f[0][0])
			continue;       /* a blank line */
		if (n != nhead)
			ef_results_die("%s:%u: %d fields, the header has %d", path, r.line, n, nhead);
		for (unsigned j = 0; j < EF_COL_COUNT; j++)
			g[j] = f[col[j]];
		if (!strcmp(g[EF_COL_STATUS], "error")) {
			R->errors++;
			continue;
		}
		if (strcmp(g[EF_COL_STATUS], "ok"))
			ef_results_die("%s:%u: column 'status': '%s' is not ok or error", path, r.line,
			    g[EF_COL_STATUS]);
		mode = ef_mode_parse(g[EF_COL_MODE]);
		if (mode < 0)
			ef_results_die("%s:%u: column 'mode': '%s' is not unsafe, validate, invoke or full",
			    path, r.line, g[EF_COL_MODE]);
		errno = 0;
		param = strtoull(g[EF_COL_PARAM], &end, 10);
		if (!g[EF_COL_PARAM][0] || *end || errno || g[EF_COL_PARAM][0] == '-')
			ef_results_die("%s:%u: column 'parameter': '%s' is not an unsigned integer", path,
			    r.line, g[EF_COL_PARAM]);
		errno = 0;
		value = strtod(g[EF_COL_VALUE], &end);
		if (!g[EF_COL_VALUE][0] || *end || errno || !isfinite(value) || value < 0)
			ef_results_die("%s:%u: column 'value': '%s' is not a non-negative number", path,
			    r.line, g[EF_COL_VALUE]);
		if (strcmp(g[EF_COL_UNIT], "ns") && strcmp(g[EF_COL_UNIT], "cycles") &&
		    strcmp(g[EF_COL_UNIT], "instructions"))
			ef_results_die("%s:%u: column 'unit': '%s' is not ns, cycles or instructions",
			    path, r.line, g[EF_COL_UNIT]);
		for (unsigned j = 0; j < EF_COUNT(keyed); j++)
			if (!g[keyed[j]][0])
				ef_results_die("%s:%u: column '%s' is empty", path, r.line,
				    ef_column_names[keyed[j]]);
		s = find(R, g, (unsigned)mode, param);
		if (!s)
			s = add_series(R, g, (unsigned)mode, param);
		else if (strcmp(s->key[EF_COL_UNIT], g[EF_COL_UNIT]))
			ef_results_die("%s:%u: column 'unit': '%s', where earlier rows of %s/%s/%llu "
			    "(%s, %s) said '%s'", path, r.line, g[EF_COL_UNIT], g[EF_COL_WORKLOAD],
			    g[EF_COL_BENCH], param, g[EF_COL_HOST], g[EF_COL_TARGET], s->key[EF_COL_UNIT]);
		if (s->n == s->cap)
			s->v = ef_xrealloc(s->v, (s->cap = s->cap ? 2 * s->cap : 32) * sizeof *s->v);
		s->v[s->n++] = value;
		R->rows++;
	}
	ef_csv_reader_free(&r);
	free(data);
}

int ef_same_benchmark(const ef_series *a, const ef_series *b)
{
	return a->param == b->param && !strcmp(a->key[EF_COL_HOST], b->key[EF_COL_HOST]) &&
	       !strcmp(a->key[EF_COL_TARGET], b->key[EF_COL_TARGET]) &&
	       !strcmp(a->key[EF_COL_WORKLOAD], b->key[EF_COL_WORKLOAD]) &&
	       !strcmp(a->key[EF_COL_BENCH], b->key[EF_COL_BENCH]);
}

/* The series of s's benchmark in `mode`: unsafe and validate mode rows
 * carry policy none, the isolating modes their runtime's. */
const ef_series *ef_results_partner(const ef_results *R, const ef_series *s, unsigned mode)
{
	const char *policy = mode == EF_MODE_UNSAFE || mode == EF_MODE_VALIDATE
		? "none" : s->key[EF_COL_POLICY];
	for (size_t i = 0; i < R->n; i++)
		if (R->s[i].mode == mode && ef_same_benchmark(&R->s[i], s) &&
		    !strcmp(R->s[i].key[EF_COL_POLICY], policy))
			return &R->s[i];
	return NULL;
}

const ef_overhead ef_overheads[EF_NOVERHEADS] = {
	{ EF_MODE_VALIDATE, EF_MODE_UNSAFE },
	{ EF_MODE_INVOKE, EF_MODE_UNSAFE },
	{ EF_MODE_FULL, EF_MODE_INVOKE },
	{ EF_MODE_FULL, EF_MODE_UNSAFE },
};

int ef_overhead_of(const ef_results *R, const ef_series *num, unsigned k, ef_ratio *out)
{
	const ef_series *den = ef_results_partner(R, num, ef_overheads[k].den);

	static ef_boot boot_num, boot_den;

	if (num->mode != ef_overheads[k].num || !den)
		return 0;
	out->value = num->st.median / den->st.median;
	if (ef_boot_compute(&boot_num, num->v, num->n, num->mode) ||
	    ef_boot_compute(&boot_den, den->v, den->n, den->mode))
		boot_num.have = 0;
	ef_boot_ratio_ci(&boot_num, &boot_den, &out->lo, &out->hi);
	out->difference = num->st.median - den->st.median;
	return 1;
}


void ef_series_label(const ef_series *s, const char *what, char *buf, size_t len)
{
	if (strcmp(s->key[EF_COL_POLICY], "none"))
		snprintf(buf, len, "%s (%s)", what, s->key[EF_COL_POLICY]);
	else
		snprintf(buf, len, "%s", what);
}

void ef_results_finish(ef_results *R)
{
	for (size_t i = 0; i < R->n; i++)
		ef_stats_compute(R->s[i].v, R->s[i].n, &R->s[i].st);
}
