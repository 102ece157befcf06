/* check.c: see check.h. */
#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *current;
static unsigned failures;      /* of the running test */
static const char *skipped;

void ef_check_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	/* Only the first few of one test: a broken loop would flood the log. */
	if (failures++ >= 5)
		return;
	printf("FAIL %s: %s:%d: ", current, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void ef_check_skip(const char *why)
{
	skipped = why;
}

int ef_check_run(const ef_test *tests, unsigned n)
{
	/* A test whose name holds this string fails on purpose: how the
	 * tests of efbench's own use of a suite (a target that must pass its
	 * suite before its rows are written) make it fail. */
	const char *made_to_fail = getenv("EFBENCH_CHECK_FAIL");
	unsigned failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (unsigned i = 0; i < n; i++) {
		current = tests[i].name;
		failures = 0;
		skipped = NULL;
		tests[i].fn();
		if (made_to_fail && *made_to_fail && strstr(current, made_to_fail))
			ef_check_fail(__FILE__, __LINE__, "made to fail (EFBENCH_CHECK_FAIL=%s)",
				      made_to_fail);
		if (failures)
			failed++;
		else if (skipped)
			printf("SKIP %s: %s\n", current, skipped);
		else
			printf("PASS %s\n", current);
	}
	return failed != 0;
}
