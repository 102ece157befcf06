/* runners.c: the table of runners (runners.h), the native runner's entry
 * and the choice between them. */
#include "runners.h"

#include <string.h>

static void native_meta(FILE *m)
{
	fprintf(m, "runner=native\n");
}

static const ef_runner native = {
	.name = "native",
	.prepare = ef_runner_prepare,
	.round = ef_runner_round,
	.meta = native_meta,
};

#ifndef EF_HAVE_GBENCH
/* Asking for Google Benchmark where the build lacks it says what to do. */
static int gbench_absent(const ef_options *o, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: this build has no Google Benchmark (install "
		 "libbenchmark-dev and rebuild)",
		 o->ngbench_flags ? o->gbench_flags[0] : "--runner gbench");
	return -1;
}

const ef_runner ef_runner_gbench = {
	.name = "gbench",
	.absent = 1,
	.own_clock = 1,
	.takes_benchmark_flags = 1,
	.init = gbench_absent,
};
#endif

/* native, last, fits any options: the choice always finds a runner. */
const ef_runner *const ef_runners[] = { &ef_runner_gbench, &native };
const unsigned ef_nrunners = sizeof ef_runners / sizeof *ef_runners;

const ef_runner *ef_runner_named(const char *name)
{
	for (unsigned i = 0; i < ef_nrunners; i++)
		if (!strcmp(ef_runners[i]->name, name))
			return ef_runners[i];
	return NULL;
}

const ef_runner *ef_runner_choose(const ef_options *o, char *err, size_t errlen)
{
	const ef_runner *r = NULL;

	for (unsigned i = 0; i < ef_nrunners && !r; i++) {
		const ef_runner *c = ef_runners[i];
		if (o->runner ? !strcmp(c->name, o->runner)
		    : o->ngbench_flags && !o->icount ? c->takes_benchmark_flags
		    : !c->absent && !(o->icount && c->own_clock))
			r = c;
	}
	if (o->icount && r->own_clock) {
		snprintf(err, errlen, "--clock icount: counts with the native runner's "
			 "TSC, not under --runner %s", r->name);
		return NULL;
	}
	if (o->ngbench_flags && !r->takes_benchmark_flags) {
		snprintf(err, errlen, "%s: Google Benchmark's flags need --runner gbench",
			 o->gbench_flags[0]);
		return NULL;
	}
	return r->init && r->init(o, err, errlen) ? NULL : r;
}
