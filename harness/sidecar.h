/* sidecar.h: what the tools that read results use of a run's sidecar,
 * NAME.meta beside NAME.csv (results/SCHEMA.md): key=value lines, the last
 * value of a key winning, as the writer appends its final lines at the end
 * of a run. */
#ifndef EF_SIDECAR_H
#define EF_SIDECAR_H

#include <stddef.h>

typedef struct ef_sidecar {
	int present;                /* 0: the CSV has none */
	char *run_id, *git_commit, *machine_id, *status, *status_reason;
	char *interleave;           /* how its samples were taken; NULL: before rounds */
	long long rows;             /* -1: no rows= line */
	int cut;                    /* its last line had no line end (ignored) */
} ef_sidecar;

/* The keys above from data, the sidecar called name; 0, or -1 with one
 * line in err (a line that is not key=value, rows= that is no count). */
int ef_sidecar_parse(ef_sidecar *m, const char *name, const char *data, size_t len,
		     char *err, size_t errlen);
/* Is there a sidecar and does it say the run did not complete (no status,
 * running, interrupted, failed)? */
int ef_sidecar_unfinished(const ef_sidecar *m);
void ef_sidecar_free(ef_sidecar *m);

#endif
