/* registry.c: see registry.h. */
#include "registry.h"
#include "../runtimes/ef_modes.h"
#include "ef_lists.h"

#include <string.h>

#define DECLARE(t) extern const ef_target ef_target_##t;
#define ENTRY(t) &ef_target_##t,
EF_TARGETS(DECLARE)
const ef_target *const ef_targets[] = { EF_TARGETS(ENTRY) };
const unsigned ef_ntargets = EF_COUNT(ef_targets);

const ef_target *ef_target_find(const char *name)
{
	for (unsigned i = 0; i < ef_ntargets; i++)
		if (!strcmp(ef_targets[i]->name, name))
			return ef_targets[i];
	return NULL;
}

unsigned ef_target_bit(const ef_target *t)
{
	unsigned i = 0;
	while (i < ef_ntargets && ef_targets[i] != t)
		i++;
	return i < ef_ntargets ? 1u << i : 0;
}

const ef_workload *ef_target_workload(const ef_target *t, const char *name,
				      const char *mode)
{
	for (unsigned i = 0; i < t->nworkloads; i++)
		if (!strcmp(t->workloads[i]->name, name) &&
		    !strcmp(t->workloads[i]->mode, mode))
			return t->workloads[i];
	return NULL;
}

const ef_bench *ef_workload_bench(const ef_workload *w, const char *name)
{
	for (unsigned i = 0; i < w->nbenches; i++)
		if (!strcmp(w->benches[i].name, name))
			return &w->benches[i];
	return NULL;
}

unsigned ef_target_modes(const ef_target *t)
{
	return t->modes;
}

int ef_target_policy_index(const ef_target *t, const char *name)
{
	const char *p;

	if (!t->use_policy)
		return -1;
	for (unsigned k = 0; (p = t->policy(k)); k++)
		if (!strcmp(p, name))
			return (int)k;
	return -1;
}

unsigned ef_target_policies(const ef_target *t, const char *const *names, unsigned n,
			    unsigned *out)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n && k < EF_MAX_POLICIES; i++) {
		int p = ef_target_policy_index(t, names[i]);
		if (p >= 0)
			out[k++] = (unsigned)p;
	}
	if (!k)
		out[k++] = 0;
	return k;
}
