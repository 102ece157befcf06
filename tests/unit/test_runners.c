/* test_runners.c: the runner table and the choice between its entries
 * (harness/runners.h): what --runner, --clock icount and the
 * --benchmark_* flags pick, in this build, whichever runners it has. */
#include "check.h"
#include "../../harness/options.h"
#include "../../harness/runners.h"

#include <stdarg.h>
#include <string.h>

/* The runner efbench would choose for these arguments; NULL with err set
 * where it refuses them (as a usage error). */
static const ef_runner *choose(char *err, size_t errlen, ...)
{
	char *argv[8] = { "efbench" };
	int argc = 1;
	ef_options o;
	va_list ap;

	va_start(ap, errlen);
	while (argc < 7 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	err[0] = 0;
	if (ef_options_parse(argc, argv, &o, err, errlen))
		return NULL;
	return ef_runner_choose(&o, err, errlen);
}

/* What ef_runner_choose relies on: every present entry complete, names
 * unique, and the last one present with efbench's clock and no flags of
 * its own, so that every choice finds a runner. */
static void table_complete(void)
{
	const ef_runner *last = ef_runners[ef_nrunners - 1];

	for (unsigned i = 0; i < ef_nrunners; i++) {
		const ef_runner *r = ef_runners[i];
		CHECK_MSG(r->name && r->name[0], "entry %u has no name", i);
		CHECK_MSG(ef_runner_named(r->name) == r, "%s: named twice", r->name);
		CHECK_MSG(r->absent ? r->init != NULL : r->prepare && r->round && r->meta,
			  "%s: a hook is missing", r->name);
	}
	CHECK(!last->absent && !last->own_clock && !last->takes_benchmark_flags);
	CHECK(ef_runner_named("fast") == NULL);
}

/* Without --runner: the first present entry. */
static void default_is_first_present(void)
{
	const ef_runner *want = NULL;
	char err[256];

	for (unsigned i = 0; i < ef_nrunners && !want; i++)
		if (!ef_runners[i]->absent)
			want = ef_runners[i];
	CHECK_MSG(choose(err, sizeof err, NULL) == want, "%s", err);
}

static void named(void)
{
	char err[256];

	for (unsigned i = 0; i < ef_nrunners; i++) {
		const ef_runner *r = ef_runners[i];
		const ef_runner *got = choose(err, sizeof err, "--runner", r->name, NULL);
		if (r->absent)
			CHECK_MSG(!got && strstr(err, "--runner gbench: this build has no"),
				  "%s: '%s'", r->name, err);
		else
			CHECK_MSG(got == r, "%s: '%s'", r->name, err);
	}
}

/* An unknown name is refused with the table's names. */
static void unknown_name(void)
{
	char err[256];

	CHECK(!choose(err, sizeof err, "--runner", "fast", NULL));
	CHECK_MSG(!strncmp(err, "--runner: 'fast' is not ", 24), "'%s'", err);
	for (unsigned i = 0; i < ef_nrunners; i++)
		CHECK_MSG(strstr(err, ef_runners[i]->name), "'%s' lacks %s", err,
			  ef_runners[i]->name);
}

/* --clock icount: never a runner with its own clock, by default or by
 * name. */
static void icount(void)
{
	char err[256];
	const ef_runner *r = choose(err, sizeof err, "--clock", "icount", NULL);

	CHECK_MSG(r && !r->own_clock, "'%s'", err);
	for (unsigned i = 0; i < ef_nrunners; i++) {
		if (!ef_runners[i]->own_clock)
			continue;
		CHECK(!choose(err, sizeof err, "--clock", "icount", "--runner",
			      ef_runners[i]->name, NULL));
		CHECK_MSG(!strncmp(err, "--clock icount: ", 16), "'%s'", err);
	}
}

/* The --benchmark_* flags choose their runner by default, and are an
 * error under any other (or where it is absent). */
static void benchmark_flags(void)
{
	char err[256];
	char flag[] = "--benchmark_enable_random_interleaving=true";
	const ef_runner *r = choose(err, sizeof err, flag, NULL);

	CHECK_MSG(r ? r->takes_benchmark_flags : ef_runner_named("gbench")->absent &&
		  strstr(err, "no Google Benchmark"), "'%s'", err);
	CHECK(!choose(err, sizeof err, "--runner", "native", flag, NULL));
	CHECK_MSG(!strcmp(err, "--benchmark_enable_random_interleaving=true: Google "
			  "Benchmark's flags need --runner gbench"), "'%s'", err);
	CHECK(!choose(err, sizeof err, "--clock", "icount", flag, NULL));
	CHECK_MSG(strstr(err, "need --runner gbench"), "'%s'", err);
}

static const ef_test tests[] = {
	{ "runners/table_complete", table_complete },
	{ "runners/default_is_first_present", default_is_first_present },
	{ "runners/named", named },
	{ "runners/unknown_name", unknown_name },
	{ "runners/icount", icount },
	{ "runners/benchmark_flags", benchmark_flags },
};

EF_TEST_MAIN(tests)
