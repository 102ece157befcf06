/* sidecar.c: see sidecar.h. */
#include "sidecar.h"
#include "csv.h"
#include "results.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *copy(const char *s, size_t n)
{
	char *d = ef_xrealloc(NULL, n + 1);
	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

int ef_sidecar_parse(ef_sidecar *m, const char *name, const char *data, size_t len,
		     char *err, size_t errlen)
{
	static const struct { const char *key; size_t offset; } keys[] = {
		{ "run_id", offsetof(ef_sidecar, run_id) },
		{ "git_commit", offsetof(ef_sidecar, git_commit) },
		{ "machine_id", offsetof(ef_sidecar, machine_id) },
		{ "status", offsetof(ef_sidecar, status) },
		{ "status_reason", offsetof(ef_sidecar, status_reason) },
		{ "interleave", offsetof(ef_sidecar, interleave) },
	};
	const char *p = data, *end = data + len;
	unsigned line = 0;

	memset(m, 0, sizeof *m);
	m->present = 1;
	m->rows = -1;
	for (; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eq;
		size_t klen, vlen;

		if (!nl) {
			m->cut = 1;
			break;
		}
		vlen = (size_t)(nl - p) - (nl > p && nl[-1] == '\r');
		if (!vlen) {
			p = nl + 1;
			continue;
		}
		eq = memchr(p, '=', vlen);
		if (!eq || eq == p) {
			snprintf(err, errlen, "%s:%u: not a key=value line (see results/SCHEMA.md)",
				 name, line + 1);
			return -1;
		}
		klen = (size_t)(eq - p);
		vlen -= klen + 1;
		for (unsigned i = 0; i < sizeof keys / sizeof *keys; i++)
			if (strlen(keys[i].key) == klen && !memcmp(keys[i].key, p, klen)) {
				char **field = (char **)((char *)m + keys[i].offset);
				free(*field);
				*field = copy(eq + 1, vlen);
			}
		if (klen == 4 && !memcmp(p, "rows", 4)) {
			char *v = copy(eq + 1, vlen);
			unsigned long long rows;
			int bad = ef_csv_parse_count(v, &rows) || rows > (unsigned long long)INT64_MAX;
			if (bad)
				snprintf(err, errlen, "%s:%u: rows: '%s' is not a count of rows", name,
					 line + 1, v);
			free(v);
			if (bad)
				return -1;
			m->rows = (long long)rows;
		}
		p = nl + 1;
	}
	return 0;
}

int ef_sidecar_unfinished(const ef_sidecar *m)
{
	return m->present && (!m->status || strcmp(m->status, "complete"));
}

void ef_sidecar_free(ef_sidecar *m)
{
	free(m->run_id);
	free(m->git_commit);
	free(m->machine_id);
	free(m->status);
	free(m->status_reason);
	free(m->interleave);
	memset(m, 0, sizeof *m);
}
