/* plan.c: see plan.h.  Groups follow the order of the unsafe builds, which
 * every benchmark has: unsafe mode is the reference each mode is checked
 * against; a benchmark's groups, one per policy, follow one another. */
#include "plan.h"
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int add_groups(const ef_target *t, unsigned modes, const char *filter,
		      const unsigned *policies, unsigned npolicies,
		      ef_group **g, unsigned *n, unsigned *cap)
{
	for (unsigned w = 0; w < t->nworkloads; w++) {
		const ef_workload *ref = t->workloads[w];
		if (strcmp(ref->mode, "unsafe"))
			continue;
		for (unsigned b = 0; b < ref->nbenches; b++) {
			const ef_bench *rb = &ref->benches[b];
			for (unsigned p = 0; p < rb->nparams; p++) {
				ef_group x = { .target = t, .workload = ref->name,
					       .param = rb->params[p] };
				snprintf(x.id, sizeof x.id, "%s/%s/%llu", ref->name,
					 rb->name, (unsigned long long)rb->params[p]);
				if (!ef_filter_match(filter, x.id))
					continue;
				for (unsigned m = 0; m < EF_MODE_COUNT; m++) {
					const ef_workload *wm;
					if (!((modes & t->modes) >> m & 1))
						continue;
					/* A firmware target runs every benchmark in
					 * every mode it has; the host's builds only
					 * name them. */
					if (t->board)
						x.bench[m] = rb;
					else if ((wm = ef_target_workload(t, ref->name,
									  ef_mode_name(m))))
						x.bench[m] = ef_workload_bench(wm, rb->name);
				}
				/* The unsafe variant is kept for the check even when
				 * unsafe mode is not selected. */
				x.bench[EF_MODE_UNSAFE] = rb;
				for (unsigned k = 0; k < npolicies; k++) {
					if (*n == *cap) {
						ef_group *ng = realloc(*g, (*cap = *cap * 2 + 16) *
								       sizeof **g);
						if (!ng)
							return -1;
						*g = ng;
					}
					x.policy = policies[k];
					x.sibling = k;
					(*g)[(*n)++] = x;
				}
			}
		}
	}
	return 0;
}

int ef_plan_build(unsigned target_mask, unsigned mode_mask, const char *filter,
		  const char *const *policies, unsigned npolicies,
		  ef_group **out, char *err, size_t errlen)
{
	ef_group *g = NULL;
	unsigned n = 0, cap = 0;

	for (unsigned i = 0; i < ef_ntargets; i++) {
		unsigned chosen[EF_MAX_POLICIES];
		unsigned nchosen = ef_target_policies(ef_targets[i], policies, npolicies, chosen);

		if (target_mask >> i & 1 &&
		    add_groups(ef_targets[i], mode_mask, filter, chosen, nchosen, &g, &n, &cap)) {
			snprintf(err, errlen, "out of memory");
			free(g);
			return -1;
		}
	}
	if (!n) {
		snprintf(err, errlen, "--filter: '%s' matches no benchmark (see --list)",
			 filter ? filter : "");
		free(g);
		return -1;
	}
	/* A pattern that matches nothing is a typo, not a wish for less. */
	for (const char *p = filter; p && *p;) {
		size_t len = strcspn(p, ",");
		unsigned k = 0;
		while (k < n && !ef_filter_match_one(p, len, g[k].id))
			k++;
		if (k == n) {
			snprintf(err, errlen, "--filter: '%.*s' matches no benchmark of the "
				 "selected targets (see --list)", (int)len, p);
			free(g);
			return -1;
		}
		p += len + (p[len] == ',');
	}
	*out = g;
	return (int)n;
}

int ef_group_measures(const ef_group *g, unsigned m, unsigned mode_mask)
{
	return g->bench[m] && mode_mask >> m & 1 && (ef_mode_isolates(m) || !g->sibling);
}

const ef_group *ef_group_of_mode(const ef_group *g, unsigned m)
{
	return ef_mode_isolates(m) ? g : g - g->sibling;
}

const char *ef_group_policy(const ef_group *g, unsigned m)
{
	return ef_mode_isolates(m) ? g->target->policy(g->policy) : "none";
}

void ef_plan_free(ef_group *g, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		for (unsigned m = 0; m < EF_MODE_COUNT; m++)
			free(g[i].samples[m]), free(g[i].raw[m]);
	free(g);
}
