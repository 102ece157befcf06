/* meta.h: what describes a whole run: host facts for every CSV row, and the
 * sidecar file (key=value lines, documented in results/SCHEMA.md). */
#ifndef EF_META_H
#define EF_META_H

#include <stdio.h>

typedef struct ef_host_facts {
	char host[128];
	char cpu_model[160];
} ef_host_facts;

void ef_host_facts_read(ef_host_facts *f);

/* Write the sidecar's opening part: everything known before the run. */
void ef_meta_begin(FILE *out, const char *run_id, const ef_host_facts *f,
		   int argc, char **argv);
/* pmp_source_<library>=: which Debian source of each library the PMP
 * firmware was built from (scripts/fetch-sources' note), or why none. */
void ef_meta_firmware_sources(FILE *out);
/* One key=value line; newlines in value become spaces. */
void ef_meta_put(FILE *out, const char *key, const char *value);

#endif
