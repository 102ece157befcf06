/* child.c: see child.h. */
#define _GNU_SOURCE
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* After SIGTERM, how long the child may take to clean up before SIGKILL. */
#define EF_CHILD_GRACE_S 5.0

int ef_beside_exe(char *buf, size_t len, const char *rel)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;

	if (n <= 0)
		return -1;
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = 0;
	return snprintf(buf, len, "%s/%s", exe, rel) < (int)len ? 0 : -1;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Hand every complete line in buf[0..*len) to on_line; keep the rest. */
static void split_lines(char *buf, size_t *len, int flush, ef_line_fn on_line, void *arg)
{
	size_t start = 0;

	for (size_t i = 0; i < *len; i++)
		if (buf[i] == '\n') {
			buf[i] = 0;
			on_line(arg, buf + start);
			start = i + 1;
		}
	if (start == 0 && (*len == 4095 || (flush && *len))) {
		buf[*len] = 0;          /* a piece of a very long line, or the last */
		on_line(arg, buf);
		start = *len;
	}
	memmove(buf, buf + start, *len - start);
	*len -= start;
}

enum ef_child_end ef_child_run(char *const argv[], int quiet, double limit_s,
			       volatile sig_atomic_t *stop, ef_line_fn on_line,
			       void *arg, int *status, char *err, size_t errlen)
{
	char buf[4096];
	size_t len = 0;
	int fds[2], wstatus = 0, open_pipe = 1;
	double t0 = now_s(), term_at = 0;
	enum ef_child_end end = EF_CHILD_EXITED;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(errno));
		return EF_CHILD_FAILED;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return EF_CHILD_FAILED;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		/* Its own process group: efbench ends the whole of it, and a
		 * terminal's Ctrl-C reaches efbench, which decides. */
		setpgid(0, 0);
		if (null >= 0) {
			dup2(null, 0);
			if (quiet)
				dup2(null, 2);
		}
		dup2(fds[1], 1);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		execv(argv[0], argv);
		dprintf(2, "efbench: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(fds[1]);
	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		double t = now_s();

		if (!term_at && ((stop && *stop) || (limit_s > 0 && t - t0 > limit_s))) {
			end = stop && *stop ? EF_CHILD_STOPPED : EF_CHILD_TIMED_OUT;
			kill(-pid, SIGTERM);
			term_at = t;
		}
		if (term_at && t - term_at > EF_CHILD_GRACE_S)
			kill(-pid, SIGKILL);
		/* Something outside its group may still hold the pipe: stop
		 * reading once the group is surely gone. */
		if (term_at && open_pipe && t - term_at > 2 * EF_CHILD_GRACE_S) {
			close(fds[0]);
			open_pipe = 0;
		}
		if (!open_pipe) {
			pid_t w = waitpid(pid, &wstatus, WNOHANG);
			if (w == pid || (w < 0 && errno != EINTR))
				break;
			poll(NULL, 0, 50);
			continue;
		}
		if (poll(&p, 1, 100) > 0) {
			ssize_t n = read(fds[0], buf + len, sizeof buf - 1 - len);
			if (n > 0) {
				len += (size_t)n;
				split_lines(buf, &len, 0, on_line, arg);
			} else if (n == 0 || errno != EINTR) {
				split_lines(buf, &len, 1, on_line, arg);
				close(fds[0]);
				open_pipe = 0;
			}
		}
	}
	if (end == EF_CHILD_EXITED && WIFSIGNALED(wstatus)) {
		*status = WTERMSIG(wstatus);
		return EF_CHILD_SIGNALED;
	}
	*status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
	return end;
}
