/* check.h: the unit tests' framework.  A test binary is a table of
 * functions with one signature, run in order; each prints one line,
 * "PASS name", "FAIL name: file:line: what" or "SKIP name: why", which
 * scripts/run-tests counts. */
#ifndef EF_CHECK_H
#define EF_CHECK_H

typedef struct ef_test {
	const char *name;
	void (*fn)(void);
} ef_test;

/* Record a failure of the running test (it goes on, to report them all). */
void ef_check_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Mark the running test skipped, with the reason. */
void ef_check_skip(const char *why);

#define CHECK(cond) do { if (!(cond)) \
	ef_check_fail(__FILE__, __LINE__, "%s", #cond); } while (0)
#define CHECK_MSG(cond, ...) do { if (!(cond)) \
	ef_check_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)

int ef_check_run(const ef_test *tests, unsigned n);

#define EF_TEST_MAIN(table) \
	int main(void) { return ef_check_run(table, sizeof table / sizeof *table); }

#endif
