/* child.h: a helper program run to completion while efbench stays
 * interruptible: the PMP firmware under QEMU (scripts/pmp-run) and the mpk
 * suite (tests/test_mpk) that must pass before mpk rows are written.  Its
 * standard output comes back line by line; when the run is asked to stop
 * (Ctrl-C) or the time limit passes, the child's process group gets SIGTERM
 * (SIGKILL a few seconds later), so no helper outlives efbench or keeps it
 * waiting. */
#ifndef EF_CHILD_H
#define EF_CHILD_H

#include <signal.h>
#include <stddef.h>

typedef void (*ef_line_fn)(void *arg, char *line);

enum ef_child_end {
	EF_CHILD_EXITED,        /* *status: its exit status */
	EF_CHILD_SIGNALED,      /* *status: the signal that ended it */
	EF_CHILD_STOPPED,       /* *stop was set: ended by efbench */
	EF_CHILD_TIMED_OUT,     /* ran past limit_s: ended by efbench */
	EF_CHILD_FAILED,        /* could not be started: err says why */
};

/* Run argv[0] (a path) with argv, stdin from /dev/null, stderr to stderr
 * unless quiet; on_line gets each line of its stdout (NUL-ended, without
 * the newline; longer lines are cut into pieces of at most 4095 bytes).
 * limit_s <= 0: no time limit. */
enum ef_child_end ef_child_run(char *const argv[], int quiet, double limit_s,
			       volatile sig_atomic_t *stop, ef_line_fn on_line,
			       void *arg, int *status, char *err, size_t errlen);

/* The folder efbench's executable lives in (the build folder), with rel
 * appended, into buf; -1 when it does not fit or cannot be found. */
int ef_beside_exe(char *buf, size_t len, const char *rel);

#endif
