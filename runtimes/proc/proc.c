/* proc.c: the host side of the proc runtime (proc.h): the shared memory,
 * the sandbox process, and calls through the channel (chan.h). */
#define _GNU_SOURCE
#include "proc.h"
#include "chan.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct proc_state {
	struct ef_proc_chan *chan;
	unsigned char *base;            /* chan, then the domain's memory */
	size_t bytes;
	int memfd;
	pid_t pid;                      /* the sandbox; 0: none runs */
	uint64_t generation;            /* the sandbox's, for ef_proc_sym */
	unsigned starts;
	char set[64];
	uint64_t cb_addrs[EF_PROC_CALLBACKS];
	/* The thread inside (its id), and how deep its calls nest. */
	int owner;
	unsigned depth;
	/* The first call that failed, kept for EF_RT_FAULT. */
	ef_status fault_status;
	char fault[192];
} proc_state;

static __thread ef_status call_status;
static __thread int my_tid;
static char open_error[PATH_MAX + 256];
static double timeout_s = 10.0;
static uint64_t generations;

/* Pauses the host spins for the sandbox's answer before it sleeps (tens
 * of µs), far more than an empty call's round trip, so that short calls
 * never sleep.  Sleeping is the slow path: on a 2-core VM an empty call
 * that sleeps took 18-24 µs beside a compiler and 140-230 µs beside two
 * more busy loops, where spinning took 0.4 and 1.5 µs; a long call pays
 * one wake-up more.  A spin limit that shrinks after a miss did no
 * better, and yielding instead of pausing took milliseconds beside busy
 * loops.  Spinning needs the two on different CPUs: the scheduler puts
 * a woken sandbox on its waker's CPU, where spinning took 175-380 µs a
 * call; each side notes its CPU in the channel, the host yields while
 * they share one and the sandbox moves off it (0.08-0.17 µs after). */
#define SPIN 4000

ef_status ef_proc_call_status(void)
{
	ef_status s = call_status;
	call_status = EF_OK;
	return s;
}

void ef_proc_set_timeout(double seconds)
{
	timeout_s = seconds;
}

const char *ef_proc_error(void)
{
	return open_error;
}

/* Where the server binary is: $EFBENCH_PROC_SERVER, else next to this
 * program or one folder up (the tests run from build/tests). */
static const char *server_path(void)
{
	static char path[PATH_MAX];
	static int done;
	char self[PATH_MAX - 32], *slash;
	ssize_t n;

	if (done)
		return *path ? path : NULL;
	done = 1;
	if (getenv("EFBENCH_PROC_SERVER")) {
		snprintf(path, sizeof path, "%s", getenv("EFBENCH_PROC_SERVER"));
		return access(path, X_OK) ? (*path = 0, NULL) : path;
	}
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return NULL;
	self[n] = 0;
	slash = strrchr(self, '/');
	if (!slash)
		return NULL;
	*slash = 0;
	snprintf(path, sizeof path, "%s/efproc-server", self);
	if (!access(path, X_OK))
		return path;
	snprintf(path, sizeof path, "%s/../efproc-server", self);
	if (!access(path, X_OK))
		return path;
	*path = 0;
	return NULL;
}

const char *ef_proc_unavailable(void)
{
	if (!server_path())
		return "no efproc-server next to this program (make all builds it; "
		       "EFBENCH_PROC_SERVER names another)";
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0)
		return "this kernel has no seccomp";
	return NULL;
}

/* The domain's memory, behind the channel page, in one sealed memfd
 * mapped where no sandbox has anything yet: high, below the range where
 * the kernel puts libraries and mappings, a fresh address per domain. */
#define MAP_BASE 0x200000000000ul
static void *proc_map(ef_domain *d, size_t bytes)
{
	static unsigned long next = MAP_BASE;
	proc_state *st = d->runtime_state;
	size_t total = EF_PROC_CHAN_BYTES + bytes;
	void *p = MAP_FAILED;

	st->memfd = (int)syscall(SYS_memfd_create, "efbench-proc",
				 MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (st->memfd < 0)
		return NULL;
	if (ftruncate(st->memfd, (off_t)total) ||
	    fcntl(st->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL))
		goto fail;
	for (int tries = 0; tries < 64 && p == MAP_FAILED; tries++) {
		unsigned long at = __atomic_fetch_add(&next, (total + (1ul << 30) - 1) &
						      ~((1ul << 30) - 1), __ATOMIC_RELAXED);
		p = mmap((void *)at, total, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED_NOREPLACE, st->memfd, 0);
		if (p != MAP_FAILED && p != (void *)at) {
			munmap(p, total);
			p = MAP_FAILED;
		}
	}
	if (p == MAP_FAILED)
		goto fail;
	st->base = p;
	st->bytes = total;
	st->chan = p;
	return st->base + EF_PROC_CHAN_BYTES;
fail:
	close(st->memfd);
	st->memfd = -1;
	return NULL;
}

static void proc_unmap(ef_domain *d, void *p, size_t bytes)
{
	proc_state *st = d->runtime_state;
	(void)p, (void)bytes;
	if (st->base)
		munmap(st->base, st->bytes);
	st->base = NULL;
}

const ef_runtime ef_proc_runtime = {
	.map = proc_map,
	.unmap = proc_unmap,
	.unavailable = ef_proc_unavailable,
};

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void flip(proc_state *st, uint32_t state)
{
	__atomic_store_n(&st->chan->state, state, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&st->chan->sleeping, __ATOMIC_SEQ_CST) & 2)
		syscall(SYS_futex, &st->chan->state, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

static void reap(proc_state *st)
{
	if (st->pid > 0) {
		kill(st->pid, SIGKILL);
		while (waitpid(st->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	st->pid = 0;
}

/* The first failure of a domain is the one EF_RT_FAULT reports. */
static void record(proc_state *st, ef_status s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void record(proc_state *st, ef_status s, const char *fmt, ...)
{
	va_list ap;

	call_status = s;
	if (st->fault_status)
		return;
	st->fault_status = s;
	va_start(ap, fmt);
	vsnprintf(st->fault, sizeof st->fault, fmt, ap);
	va_end(ap);
}

/* The sandbox is gone or must go: say why, and make sure it is gone. */
static void sandbox_lost(proc_state *st, ef_status s, int wstatus, const char *why)
{
	if (why)
		record(st, s, "%s", why);
	else if (WIFSIGNALED(wstatus))
		record(st, s, "the sandbox of set %s died of signal %d (%s)", st->set,
		       WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
	else
		record(st, s, "the sandbox of set %s exited with status %d", st->set,
		       WEXITSTATUS(wstatus));
	if (why)
		reap(st);
	st->pid = 0;
}

/* Wait until the sandbox hands the channel back in a state of `want`
 * (a bit per state), running the callbacks it asks for meanwhile.  The
 * state, or 0 when the sandbox died or ran out of time. */
static uint32_t await_sandbox(ef_domain *d, proc_state *st, unsigned want)
{
	double start = 0;

	for (unsigned i = 0;; i++) {
		uint32_t s = __atomic_load_n(&st->chan->state, __ATOMIC_ACQUIRE);
		if (s < 32 && (want >> s & 1))
			return s;
		if (s == EF_PROC_CALLBACK) {
			uint32_t slot = st->chan->cb_slot;
			uint64_t a[6];
			memcpy(a, st->chan->cb_args, sizeof a);
			if (slot >= d->ncallbacks || !d->callbacks[slot]) {
				record(st, EF_E_NOCALLBACK, "foreign code called callback "
				       "slot %u, which is not registered", slot);
				reap(st);
				return 0;
			}
			/* Host code runs now, with the epoch advanced: foreign
			 * code ran since the last check. */
			ef_epoch_advance(d);
			uint64_t r = d->callbacks[slot](a[0], a[1], a[2], a[3], a[4], a[5]);
			if (!st->pid)
				return 0;       /* a nested call lost the sandbox */
			st->chan->cb_ret = r;
			flip(st, EF_PROC_CB_RETURN);
			i = 0;
			start = 0;
			continue;
		}
		if (s != EF_PROC_CALL && s != EF_PROC_LOOKUP && s != EF_PROC_CB_RETURN &&
		    s != EF_PROC_IDLE) {
			sandbox_lost(st, EF_E_FAULT, 0, "the sandbox broke the channel's protocol");
			return 0;
		}
		if (i < SPIN) {
			/* Spinning on the sandbox's CPU keeps it from
			 * answering: yield it (the sandbox moves off). */
			if (!(i & 31)) {
				unsigned me = (unsigned)sched_getcpu();
				__atomic_store_n(&st->chan->cpu[0], me, __ATOMIC_RELAXED);
				if (__atomic_load_n(&st->chan->cpu[1], __ATOMIC_RELAXED) == me) {
					sched_yield();
					continue;
				}
			}
			__builtin_ia32_pause();
			continue;
		}
		/* Asleep in slices of 10 ms: between them, is the sandbox
		 * alive, and within its time? */
		if (start == 0)
			start = now();
		__atomic_or_fetch(&st->chan->sleeping, 1, __ATOMIC_SEQ_CST);
		s = __atomic_load_n(&st->chan->state, __ATOMIC_SEQ_CST);
		if (!(s < 32 && (want >> s & 1)) && s != EF_PROC_CALLBACK) {
			struct timespec t = { 0, 10 * 1000 * 1000 };
			syscall(SYS_futex, &st->chan->state, FUTEX_WAIT, s, &t, NULL, 0);
		}
		__atomic_and_fetch(&st->chan->sleeping, ~1u, __ATOMIC_SEQ_CST);
		int wstatus;
		pid_t w = waitpid(st->pid, &wstatus, WNOHANG);
		if (w == st->pid) {
			sandbox_lost(st, EF_E_FAULT, wstatus, NULL);
			return 0;
		}
		if (w < 0 && errno == ECHILD) {
			sandbox_lost(st, EF_E_FAULT, 0, "the sandbox is gone (reaped elsewhere)");
			return 0;
		}
		if (timeout_s > 0 && now() - start > timeout_s) {
			char why[192];
			snprintf(why, sizeof why, "a call into set %s ran past its time "
				 "limit (%g s): the sandbox was killed", st->set, timeout_s);
			sandbox_lost(st, EF_E_TIMEOUT, 0, why);
			return 0;
		}
		i = SPIN;
	}
}

/* Start a sandbox for the domain and wait until it serves. */
static ef_status spawn(ef_domain *d, proc_state *st)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	char addr[32], bytes[32];
	char *argv[] = { "efproc-server", st->set, addr, bytes, NULL };
	const char *path = server_path();
	int fd = st->memfd, err;

	if (!path) {
		snprintf(open_error, sizeof open_error, "%s", ef_proc_unavailable());
		return EF_E_UNAVAILABLE;
	}
	memset(st->chan, 0, sizeof *st->chan);
	snprintf(addr, sizeof addr, "%#lx", (unsigned long)st->base);
	snprintf(bytes, sizeof bytes, "%#zx", st->bytes);
	/* dup2 onto itself would leave close-on-exec set. */
	if (fd == EF_PROC_MEMFD && (fd = fcntl(st->memfd, F_DUPFD_CLOEXEC, 10)) < 0)
		return EF_E_NOMEM;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fd, EF_PROC_MEMFD);
	posix_spawnattr_init(&at);
	/* Its own session: Ctrl-C and the terminal's other signals are the
	 * host's to handle; the sandbox leaves when the host is gone. */
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID);
	/* The host's environment stays the host's (it may hold secrets);
	 * the loader's search path is all the sandbox needs of it. */
	char ldpath[PATH_MAX + 16] = "";
	char *envp[] = { ldpath, NULL };
	if (getenv("LD_LIBRARY_PATH"))
		snprintf(ldpath, sizeof ldpath, "LD_LIBRARY_PATH=%s", getenv("LD_LIBRARY_PATH"));
	err = posix_spawn(&st->pid, path, &fa, &at, argv, *ldpath ? envp : envp + 1);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (fd != st->memfd)
		close(fd);
	if (err) {
		st->pid = 0;
		snprintf(open_error, sizeof open_error, "cannot start %s: %s", path,
			 strerror(err));
		return EF_E_UNAVAILABLE;
	}
	st->starts++;
	st->generation = __atomic_add_fetch(&generations, 1, __ATOMIC_RELAXED);
	uint32_t s = await_sandbox(d, st, 1u << EF_PROC_READY | 1u << EF_PROC_FAILED);
	if (s == EF_PROC_READY) {
		memcpy(st->cb_addrs, st->chan->cb_addrs, sizeof st->cb_addrs);
		return EF_OK;
	}
	if (s == EF_PROC_FAILED) {
		char why[EF_PROC_NAME_MAX];
		memcpy(why, st->chan->name, sizeof why);
		why[sizeof why - 1] = 0;
		snprintf(open_error, sizeof open_error, "the sandbox of set %s cannot "
			 "start: %s", st->set, why);
		reap(st);
	} else {
		snprintf(open_error, sizeof open_error, "the sandbox of set %s did not "
			 "start: %s", st->set, st->fault);
	}
	return EF_E_UNAVAILABLE;
}

ef_status ef_proc_open(ef_domain *d, const char *set)
{
	proc_state *st = calloc(1, sizeof *st);
	ef_domain_config cfg = { 0 };
	ef_status s;

	*open_error = 0;
	if (!st)
		return EF_E_NOMEM;
	st->memfd = -1;
	snprintf(st->set, sizeof st->set, "%s", set);
	cfg.runtime_state = st;
	s = ef_domain_open(d, &ef_proc_runtime, &cfg);
	if (s == EF_E_UNAVAILABLE)
		snprintf(open_error, sizeof open_error, "%s", ef_proc_unavailable());
	if (!s)
		s = spawn(d, st);
	if (s) {
		ef_domain_close(d);
		if (st->memfd >= 0)
			close(st->memfd);
		free(st);
		d->runtime_state = NULL;
	}
	return s;
}

void ef_proc_close(ef_domain *d)
{
	proc_state *st = d->runtime_state;

	if (!st)
		return;
	reap(st);
	ef_domain_close(d);
	if (st->memfd >= 0)
		close(st->memfd);
	free(st);
}

static int tid(void)
{
	if (!my_tid)
		my_tid = (int)syscall(SYS_gettid);
	return my_tid;
}

uint64_t ef_proc_call(ef_domain *d, const char *name, ef_proc_sym *sym,
		      const uint64_t *args, unsigned nargs)
{
	proc_state *st = d->runtime_state;
	int me = tid(), idle = 0;
	uint64_t r = 0;

	/* One thread at a time; its callbacks may call in again. */
	if (!__atomic_compare_exchange_n(&st->owner, &idle, me, 0, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED) && idle != me) {
		call_status = EF_E_BUSY;
		return 0;
	}
	st->depth++;
	if (!st->pid && spawn(d, st)) {
		record(st, EF_E_FAULT, "%s", open_error);
		goto out;
	}
	if (sym->generation != st->generation) {
		size_t n = strlen(name);
		if (n >= EF_PROC_NAME_MAX) {
			record(st, EF_E_ARG, "function name %.40s... is too long", name);
			goto out;
		}
		memcpy(st->chan->name, name, n + 1);
		flip(st, EF_PROC_LOOKUP);
		if (!await_sandbox(d, st, 1u << EF_PROC_RETURN))
			goto out;
		sym->addr = st->chan->ret;
		if (!sym->addr) {
			record(st, EF_E_FAULT, "set %s has no function %s", st->set, name);
			goto out;
		}
		sym->generation = st->generation;
	}
	if (nargs > EF_PROC_CHAN_ARGS) {
		record(st, EF_E_ARG, "%s: %u arguments, more than the channel's %u",
		       name, nargs, EF_PROC_CHAN_ARGS);
		goto out;
	}
	st->chan->fn = sym->addr;
	st->chan->nargs = nargs;
	memcpy(st->chan->args, args, nargs * sizeof *args);
	flip(st, EF_PROC_CALL);
	if (await_sandbox(d, st, 1u << EF_PROC_RETURN))
		r = st->chan->ret;
out:
	if (--st->depth == 0)
		__atomic_store_n(&st->owner, 0, __ATOMIC_RELEASE);
	return r;
}

void *ef_proc_callback_address(const ef_domain *d, unsigned slot)
{
	const proc_state *st = d->runtime_state;
	return st && slot < EF_PROC_CALLBACKS ? (void *)(uintptr_t)st->cb_addrs[slot] : NULL;
}

const char *ef_proc_fault_message(const ef_domain *d, char *buf, size_t len)
{
	const proc_state *st = d->runtime_state;

	if (!st || !st->fault_status)
		return NULL;
	snprintf(buf, len, "%s", st->fault);
	return buf;
}

int ef_proc_pid(const ef_domain *d)
{
	const proc_state *st = d->runtime_state;
	return st ? st->pid : 0;
}

unsigned ef_proc_starts(const ef_domain *d)
{
	const proc_state *st = d->runtime_state;
	return st ? st->starts : 0;
}
