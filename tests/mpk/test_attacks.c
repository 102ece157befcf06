/* test_attacks.c: issue 18's attack suite.  Runs every attack of the
 * hostile library (libefhostile.so, tests/mpk/hostile.h) against the mpk
 * runtime under the policy EFBENCH_MPK_POLICY names, strict or sealed, and
 * says for each whether it was contained:
 *
 *   # <policy> <class>/<attack>: contained (<how the call ended>)
 *   # <policy> <class>/<attack>: ESCAPED (<what changed>)
 *
 * Each attack runs in a child process of its own (an attack may replace,
 * end or wreck it), with a time limit, on a fresh domain.  Contained means:
 * the call ended with an error or had no effect; the host is as it was
 * (a canary page and its heap, its fds and their data, every signal
 * disposition, the mask and alternate stack, MXCSR, the x87 control word
 * and stack, EFLAGS.AC and DF, FS and GS bases, /proc/self/status, prctl
 * state, limits, timers, working directory, program break, no child
 * process, no new executable mapping, no rseq area); and a fresh domain
 * works.  A child that dies, hangs or becomes another program has let the
 * attack escape.
 *
 * Under sealed: one PASS or FAIL line per class, FAIL when any attack of
 * it escaped.  Under strict, which is known to leak, one PASS line that
 * names the classes that escape (for README).
 *
 * Without EFBENCH_MPK_POLICY: the unconfined run, on any x86-64 Linux.
 * Each attack is called directly, with no domain, and must be seen to
 * succeed: that is what shows the checks see each attack's effect. */
#define _GNU_SOURCE
#include "../unit/check.h"
#include "../../runtimes/mpk/mpk.h"
/* The shadow page, which every domain may read, and the gates' exits
 * and callback trampolines, which every domain may jump to. */
#include "../../runtimes/mpk/internal.h"
#include "hostile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/rseq.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long an attack's child may run: an endless loop in foreign code
 * hangs it, and the runtime's own time limit must end such a call sooner.
 * The others take 20 ms at most (under scripts/mpk-vm, where a virtual
 * millisecond is a million instructions), but the huge allocation, 1100. */
#define LIMIT_MS 1500
/* This program run as --exec-probe (what an execve from foreign code
 * turns the child into) stops at once with this status. */
#define EXEC_PROBE 86
/* The children's name: a child that has another when it ends has become
 * another program. */
#define CHILD_NAME "efh-attack"
/* What the huge allocation commits; a runtime that lets a domain commit
 * this much has no cap on it. */
#define HUGE_BYTES (256ull << 20)

static int policy = -1;              /* an ef_mpk_policy, or -1: unconfined */
static const char *policy_name = "unconfined";
static struct efh_args found;        /* what the parent found for attacks */
static int fsgsbase;

/* ---- CPU state ----------------------------------------------------- */

struct cpu {
	uint32_t mxcsr;
	uint16_t fcw, ftw;           /* ftw: 0xffff when the x87 stack is empty */
	uint64_t rflags, fs, gs;
};

static inline __attribute__((always_inline)) uint64_t base_of(int fs)
{
	uint64_t v = 0;
	long r;
	if (fsgsbase) {
		if (fs)
			__asm__ volatile("rdfsbase %0" : "=r"(v));
		else
			__asm__ volatile("rdgsbase %0" : "=r"(v));
		return v;
	}
	/* arch_prctl(ARCH_GET_FS or ARCH_GET_GS) without libc: errno is TLS,
	 * and the thread pointer may be foreign code's. */
	__asm__ volatile("syscall" : "=a"(r) : "0"((long)SYS_arch_prctl),
			 "D"(fs ? 0x1003L : 0x1004L), "S"(&v) : "rcx", "r11", "memory");
	return v;
}

static inline __attribute__((always_inline)) void set_base(int fs, uint64_t v)
{
	long r;
	if (fsgsbase) {
		if (fs)
			__asm__ volatile("wrfsbase %0" : : "r"(v) : "memory");
		else
			__asm__ volatile("wrgsbase %0" : : "r"(v) : "memory");
		return;
	}
	__asm__ volatile("syscall" : "=a"(r) : "0"((long)SYS_arch_prctl),
			 "D"(fs ? 0x1002L : 0x1001L), "S"(v) : "rcx", "r11", "memory");
}

/* Read right after a call returns, before the host runs any code that a
 * changed state would hurt (TLS through FS, unaligned data under AC). */
static inline __attribute__((always_inline)) void cpu_capture(struct cpu *c)
{
	unsigned char env[28];
	c->fs = base_of(1);
	c->gs = base_of(0);
	/* (Below the red zone, as the pushes in cpu_restore.) */
	__asm__ volatile("lea -128(%%rsp), %%rsp\n\tpushfq\n\tpopq %0\n\t"
			 "lea 128(%%rsp), %%rsp" : "=r"(c->rflags));
	__asm__ volatile("stmxcsr %0" : "=m"(c->mxcsr));
	/* fnstenv masks every x87 exception: the control word goes back. */
	__asm__ volatile("fnstenv %0\n\tfldcw %0" : "=m"(env));
	c->fcw = (uint16_t)(env[0] | env[1] << 8);
	c->ftw = (uint16_t)(env[8] | env[9] << 8);
}

static inline __attribute__((always_inline)) void cpu_restore(const struct cpu *c)
{
	if (base_of(1) != c->fs)
		set_base(1, c->fs);
	if (base_of(0) != c->gs)
		set_base(0, c->gs);
	__asm__ volatile("lea -128(%%rsp), %%rsp\n\tpushfq\n\tandq $~0x40400, (%%rsp)\n\t"
			 "popfq\n\tlea 128(%%rsp), %%rsp" : : : "cc", "memory");
	__asm__ volatile("ldmxcsr %0" : : "m"(c->mxcsr));
	__asm__ volatile("fninit\n\tfldcw %0" : : "m"(c->fcw));
}

/* ---- The attacks ---------------------------------------------------- */

/* One call of the attack: into a domain, or directly when d is NULL; the
 * CPU state just before and just after, then the host's put back. */
#define INVOKER(cls, name, ev, what)                                        \
	static long invoke_##name(ef_domain *d, struct efh_args *a,         \
				  struct cpu *before, struct cpu *after)   \
	{                                                                   \
		long r;                                                     \
		cpu_capture(before);                                        \
		r = d ? EF_MPK_INVOKE(d, efh_##name, a) : efh_##name(a);    \
		cpu_capture(after);                                         \
		cpu_restore(before);                                        \
		return r;                                                   \
	}
EFH_ATTACKS(INVOKER)
#undef INVOKER

struct attack {
	const char *cls, *name;
	unsigned ev;
	const char *what;
	long (*invoke)(ef_domain *, struct efh_args *, struct cpu *, struct cpu *);
};
#define ENTRY(cls, name, ev, what) { #cls, #name, ev, what, invoke_##name },
static const struct attack attacks[] = { EFH_ATTACKS(ENTRY) };
#undef ENTRY
#define NATTACKS (sizeof attacks / sizeof *attacks)

/* "class/name", with dashes for the underscores of the C name. */
static const char *label(const struct attack *at)
{
	static char buf[96];
	snprintf(buf, sizeof buf, "%s/%s", at->cls, at->name);
	for (char *p = strchr(buf, '/'); *p; p++)
		if (*p == '_')
			*p = '-';
	return buf;
}

/* ---- Reporting from the child --------------------------------------
 * Lines on a pipe to the parent: "E what changed", "C how the call
 * ended", "X why the attack could not be set up", "D" when done.  Written
 * at once, without malloc, so that what a child found survives its death. */

static int report_fd = -1;

static void say(char kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(char kind, const char *fmt, ...)
{
	char line[600];
	va_list ap;
	int n;

	line[0] = kind;
	line[1] = ' ';
	va_start(ap, fmt);
	n = vsnprintf(line + 2, sizeof line - 3, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (n > (int)sizeof line - 4)
		n = (int)sizeof line - 4;
	for (int i = 2; i < n + 2; i++)
		if (line[i] == '\n')
			line[i] = ' ';
	line[n + 2] = '\n';
	if (write(report_fd, line, (size_t)n + 3) < 0)
		_exit(3);
}

static const char *errname(long e)
{
	const char *s = strerrorname_np((int)e);
	return s ? s : "an unknown error";
}

/* ---- Host state ------------------------------------------------------ */

/* A file's whole text, NUL-terminated (empty when it cannot be opened:
 * then -errno). */
static int slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t k;

	buf[0] = 0;
	if (fd < 0)
		return -errno;
	while (n < cap - 1 && (k = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)k;
	buf[n] = 0;
	close(fd);
	return 0;
}

struct fdinfo {
	int fd, fl, fdfl;
	dev_t dev;
	ino_t ino;
	mode_t mode;
};

struct ksig {
	uint64_t handler, flags, restorer, mask;
};

/* Fields of /proc/self/status that nothing but such an attack changes
 * (the signal ones are compared by disposition and mask below). */
static const char *const status_fields[] = {
	"Umask", "TracerPid", "Uid", "Gid", "Groups", "Threads", "SigPnd",
	"ShdPnd", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb",
	"NoNewPrivs", "Seccomp", "Seccomp_filters", "Speculation_Store_Bypass",
	"SpeculationIndirectBranch", "Cpus_allowed_list", "Mems_allowed_list",
};
#define NSTATUS (sizeof status_fields / sizeof *status_fields)

/* prctl's getters: the value they return, or through a pointer. */
static const struct { int op; const char *name; int by_pointer; long arg; } getters[] = {
	{ PR_GET_DUMPABLE, "PR_GET_DUMPABLE", 0, 0 },
	{ PR_GET_TSC, "PR_GET_TSC", 1, 0 },
	{ PR_GET_PDEATHSIG, "PR_GET_PDEATHSIG", 1, 0 },
	{ PR_GET_CHILD_SUBREAPER, "PR_GET_CHILD_SUBREAPER", 1, 0 },
	{ PR_GET_KEEPCAPS, "PR_GET_KEEPCAPS", 0, 0 },
	{ PR_GET_SECUREBITS, "PR_GET_SECUREBITS", 0, 0 },
	{ PR_GET_TIMERSLACK, "PR_GET_TIMERSLACK", 0, 0 },
	{ PR_GET_THP_DISABLE, "PR_GET_THP_DISABLE", 0, 0 },
	{ PR_GET_NO_NEW_PRIVS, "PR_GET_NO_NEW_PRIVS", 0, 0 },
	{ PR_MCE_KILL_GET, "PR_MCE_KILL_GET", 0, 0 },
	{ PR_GET_SPECULATION_CTRL, "PR_GET_SPECULATION_CTRL", 0, PR_SPEC_STORE_BYPASS },
};
#define NGETTERS (sizeof getters / sizeof *getters)

#define MAXFD 64
struct state {
	unsigned nfd;
	struct fdinfo fd[MAXFD];
	struct ksig sig[65];         /* 1..64 */
	uint64_t blocked;
	stack_t alt;
	char status[NSTATUS][160];
	long prctl[NGETTERS];
	char comm[17];
	struct rlimit rl[RLIM_NLIMITS];
	struct itimerval it[3];
	char cwd[PATH_MAX], root[PATH_MAX];
	long brk, persona;
	int child;                   /* a child process's pid, 0 running, -1 none */
	int rseq;                    /* an rseq area is registered */
	char xmaps[16384];           /* the executable mappings, a line each */
	char unreadable[160];        /* the /proc files it could not read */
};

static void unreadable(struct state *s, const char *path, int err)
{
	size_t n = strlen(s->unreadable);
	snprintf(s->unreadable + n, sizeof s->unreadable - n, "%s%s (%s)",
		 n ? ", " : "", path, errname(-err));
}

static char proc_text[1 << 17]; /* /proc files, read one at a time */

static void read_fds(struct state *s)
{
	char buf[4096];
	int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long n;

	s->nfd = 0;
	if (dir < 0) {
		unreadable(s, "/proc/self/fd", -errno);
		return;
	}
	while ((n = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0)
		for (long off = 0; off < n; ) {
			struct dirent64 *e = (struct dirent64 *)(buf + off);
			struct stat st;
			int fd = atoi(e->d_name);
			off += e->d_reclen;
			if (e->d_name[0] == '.' || fd == dir || s->nfd == MAXFD)
				continue;
			if (fstat(fd, &st))
				continue;
			s->fd[s->nfd++] = (struct fdinfo){ fd, fcntl(fd, F_GETFL),
				fcntl(fd, F_GETFD), st.st_dev, st.st_ino, st.st_mode };
		}
	close(dir);
}

/* The lines of /proc/self/maps of executable mappings. */
static void read_xmaps(struct state *s)
{
	size_t at = 0;
	int err = slurp("/proc/self/maps", proc_text, sizeof proc_text);
	if (err)
		unreadable(s, "/proc/self/maps", err);
	s->xmaps[0] = 0;
	for (char *line = proc_text, *end; *line; line = end) {
		char perms[8] = "";
		size_t len;
		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		len = (size_t)(end - line);
		if (sscanf(line, "%*s %7s", perms) == 1 && perms[2] == 'x' &&
		    at + len < sizeof s->xmaps) {
			memcpy(s->xmaps + at, line, len);
			at += len;
			s->xmaps[at] = 0;
		}
	}
}

static void read_status(struct state *s)
{
	int err = slurp("/proc/self/status", proc_text, sizeof proc_text);
	if (err)
		unreadable(s, "/proc/self/status", err);
	for (unsigned k = 0; k < NSTATUS; k++) {
		size_t n = strlen(status_fields[k]);
		const char *p = proc_text;
		snprintf(s->status[k], sizeof s->status[k], "(absent)");
		for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
			if (!strncmp(p, status_fields[k], n) && p[n] == ':') {
				const char *v = p + n + 1 + strspn(p + n + 1, " \t");
				size_t len = strcspn(v, "\n");
				snprintf(s->status[k], sizeof s->status[k], "%.*s", (int)len, v);
				break;
			}
	}
}

/* Whether an rseq area is registered: registering one of the host's
 * succeeds only when none is (and is taken back at once). */
static int rseq_registered(void)
{
	static struct rseq probe __attribute__((aligned(32)));
	if (syscall(SYS_rseq, &probe, 32, 0, RSEQ_SIG))
		return 1;
	syscall(SYS_rseq, &probe, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
	return 0;
}

static void capture(struct state *s)
{
	siginfo_t si = { 0 };
	ssize_t n;

	for (int sig = 1; sig <= 64; sig++)
		if (syscall(SYS_rt_sigaction, sig, NULL, &s->sig[sig], 8))
			memset(&s->sig[sig], 0xff, sizeof s->sig[sig]);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &s->blocked, 8);
	sigaltstack(NULL, &s->alt);
	for (unsigned k = 0; k < NGETTERS; k++) {
		int v = 0;
		long r = prctl(getters[k].op, getters[k].by_pointer ? (long)&v
			       : getters[k].arg, 0L, 0L, 0L);
		s->prctl[k] = r < 0 ? -errno : getters[k].by_pointer ? v : r;
	}
	memset(s->comm, 0, sizeof s->comm);
	prctl(PR_GET_NAME, s->comm, 0L, 0L, 0L);
	for (int r = 0; r < RLIM_NLIMITS; r++)
		getrlimit(r, &s->rl[r]);
	for (int t = 0; t < 3; t++)
		getitimer(t, &s->it[t]);
	n = readlink("/proc/self/cwd", s->cwd, sizeof s->cwd - 1);
	s->cwd[n < 0 ? 0 : n] = 0;
	n = readlink("/proc/self/root", s->root, sizeof s->root - 1);
	s->root[n < 0 ? 0 : n] = 0;
	s->brk = syscall(SYS_brk, 0L);
	s->persona = syscall(SYS_personality, 0xffffffffL);
	s->child = waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT | __WALL) ? -1 : si.si_pid;
	s->rseq = rseq_registered();
	s->unreadable[0] = 0;
	read_fds(s);
	read_status(s);
	read_xmaps(s);
}

static const struct fdinfo *fd_in(const struct state *s, int fd)
{
	for (unsigned i = 0; i < s->nfd; i++)
		if (s->fd[i].fd == fd)
			return &s->fd[i];
	return NULL;
}

static const char *fd_target(int fd)
{
	static char path[64], target[256];
	ssize_t n;
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof target - 1);
	target[n < 0 ? 0 : n] = 0;
	return target;
}

static int has_line(const char *lines, const char *line, size_t len)
{
	for (const char *p = lines; *p; ) {
		size_t n = strcspn(p, "\n");
		if (n == len && !memcmp(p, line, len))
			return 1;
		p += n + (p[n] == '\n');
	}
	return 0;
}

/* Each line of a that b lacks, said as `what`. */
static void lines_missing(const char *a, const char *b, const char *what)
{
	for (const char *p = a; *p; ) {
		size_t n = strcspn(p, "\n");
		if (!has_line(b, p, n))
			say('E', "%s: %.*s", what, (int)n, p);
		p += n + (p[n] == '\n');
	}
}

static void compare(const struct state *b, const struct state *a)
{
	for (int sig = 1; sig <= 64; sig++)
		if (memcmp(&b->sig[sig], &a->sig[sig], sizeof b->sig[sig]))
			say('E', "the host's disposition of signal %d (%s) changed: "
			    "handler %#llx -> %#llx, flags %#llx -> %#llx", sig,
			    sigabbrev_np(sig) ? sigabbrev_np(sig) : "?",
			    (unsigned long long)b->sig[sig].handler,
			    (unsigned long long)a->sig[sig].handler,
			    (unsigned long long)b->sig[sig].flags,
			    (unsigned long long)a->sig[sig].flags);
	if (b->blocked != a->blocked)
		say('E', "the host's signal mask changed: %#llx -> %#llx",
		    (unsigned long long)b->blocked, (unsigned long long)a->blocked);
	if (b->alt.ss_sp != a->alt.ss_sp || b->alt.ss_size != a->alt.ss_size ||
	    b->alt.ss_flags != a->alt.ss_flags)
		say('E', "the host's alternate signal stack changed: %p (%zu bytes, "
		    "flags %d) -> %p (%zu bytes, flags %d)", b->alt.ss_sp,
		    b->alt.ss_size, b->alt.ss_flags, a->alt.ss_sp, a->alt.ss_size,
		    a->alt.ss_flags);
	for (unsigned k = 0; k < NGETTERS; k++)
		if (b->prctl[k] != a->prctl[k])
			say('E', "prctl(%s): %ld -> %ld", getters[k].name, b->prctl[k],
			    a->prctl[k]);
	if (strcmp(b->comm, a->comm))
		say('E', "prctl(PR_GET_NAME): %s -> %s", b->comm, a->comm);
	for (int r = 0; r < RLIM_NLIMITS; r++)
		if (b->rl[r].rlim_cur != a->rl[r].rlim_cur || b->rl[r].rlim_max != a->rl[r].rlim_max)
			say('E', "resource limit %d: %llu/%llu -> %llu/%llu", r,
			    (unsigned long long)b->rl[r].rlim_cur,
			    (unsigned long long)b->rl[r].rlim_max,
			    (unsigned long long)a->rl[r].rlim_cur,
			    (unsigned long long)a->rl[r].rlim_max);
	for (int t = 0; t < 3; t++)
		if (memcmp(&b->it[t].it_interval, &a->it[t].it_interval, sizeof b->it[t].it_interval) ||
		    !timerisset(&b->it[t].it_value) != !timerisset(&a->it[t].it_value))
			say('E', "interval timer %d set: every %ld s", t,
			    (long)a->it[t].it_interval.tv_sec);
	if (strcmp(b->cwd, a->cwd))
		say('E', "the host's working directory: %s -> %s", b->cwd, a->cwd);
	if (strcmp(b->root, a->root))
		say('E', "the host's root directory: %s -> %s", b->root, a->root);
	if (b->brk != a->brk)
		say('E', "the host's program break moved: %#lx -> %#lx", b->brk, a->brk);
	if (b->persona != a->persona)
		say('E', "personality: %#lx -> %#lx", b->persona, a->persona);
	if (a->child > 0)
		say('E', "a child process exists (pid %d)", a->child);
	else if (!a->child)
		say('E', "a child process runs");
	if (a->rseq && !b->rseq)
		say('E', "an rseq area is registered for the host's thread");
	/* What the host can no longer read, it cannot compare. */
	if (a->unreadable[0]) {
		say('E', "the host cannot read %s", a->unreadable);
		return;
	}
	for (unsigned i = 0; i < b->nfd; i++) {
		const struct fdinfo *o = &b->fd[i], *n = fd_in(a, o->fd);
		if (!n)
			say('E', "host fd %d is closed", o->fd);
		else if (o->dev != n->dev || o->ino != n->ino || o->mode != n->mode ||
			 o->fl != n->fl || o->fdfl != n->fdfl)
			say('E', "host fd %d now refers to %s", o->fd, fd_target(o->fd));
	}
	for (unsigned i = 0; i < a->nfd; i++)
		if (!fd_in(b, a->fd[i].fd))
			say('E', "a new fd %d: %s", a->fd[i].fd, fd_target(a->fd[i].fd));
	for (unsigned k = 0; k < NSTATUS; k++)
		if (strcmp(b->status[k], a->status[k]))
			say('E', "/proc/self/status %s: %s -> %s", status_fields[k],
			    b->status[k], a->status[k]);
	lines_missing(a->xmaps, b->xmaps, "a new executable mapping");
	lines_missing(b->xmaps, a->xmaps, "an executable mapping went away");
}

static void cpu_compare(const struct cpu *b, const struct cpu *a)
{
	if (b->mxcsr != a->mxcsr)
		say('E', "MXCSR %#x -> %#x", b->mxcsr, a->mxcsr);
	if (b->fcw != a->fcw)
		say('E', "x87 control word %#x -> %#x", b->fcw, a->fcw);
	if (b->ftw != a->ftw)
		say('E', "x87 tag word %#x -> %#x: values left on the x87 stack",
		    b->ftw, a->ftw);
	if ((b->rflags ^ a->rflags) & (1u << 18))
		say('E', "EFLAGS.AC left set: the host's unaligned accesses fault");
	if ((b->rflags ^ a->rflags) & (1u << 10))
		say('E', "EFLAGS.DF left set");
	if (b->fs != a->fs)
		say('E', "FS base %#llx -> %#llx", (unsigned long long)b->fs,
		    (unsigned long long)a->fs);
	if (b->gs != a->gs)
		say('E', "GS base %#llx -> %#llx", (unsigned long long)b->gs,
		    (unsigned long long)a->gs);
}

/* ---- One attack, in the child --------------------------------------- */

#define CANARY 0xc4c4c4c4c4c4c4c4ull
static const char pipe_data[] = "host pipe data\n", file_data[] = "host secret\n";

struct fixture {
	uint64_t *page;              /* the canary page */
	uint64_t *heap;              /* a canary in the host's heap */
	int pipe[2], file;
};

static int fixture(struct fixture *fx)
{
	char path[PATH_MAX];
	const char *dir = getenv("TMPDIR");

	fx->page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fx->heap = malloc(64);
	if (fx->page == MAP_FAILED || !fx->heap) {
		say('X', "no memory for the canaries");
		return -1;
	}
	for (unsigned i = 0; i < 4096 / 8; i++)
		fx->page[i] = CANARY;
	*fx->heap = CANARY;
	snprintf(path, sizeof path, "%s/efbench-attack-XXXXXX", dir && *dir ? dir : "/tmp");
	if (pipe(fx->pipe) || write(fx->pipe[1], pipe_data, sizeof pipe_data - 1) < 0 ||
	    fcntl(fx->pipe[0], F_SETFL, O_NONBLOCK) ||
	    (fx->file = mkstemp(path)) < 0 ||
	    write(fx->file, file_data, sizeof file_data - 1) < 0 ||
	    lseek(fx->file, 0, SEEK_SET) || unlink(path)) {
		say('X', "cannot set up the host's pipe and file: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* The host's memory and the data behind its fds. */
static void check_data(const struct fixture *fx)
{
	unsigned char vec;
	char buf[256];
	ssize_t n;

	if (mincore(fx->page, 4096, &vec))
		say('E', "the host's canary page is gone (%s)", errname(errno));
	else
		for (unsigned i = 0; i < 4096 / 8; i++)
			if (fx->page[i] != CANARY) {
				say('E', "the host's canary page changed: word %u is %#llx", i,
				    (unsigned long long)fx->page[i]);
				break;
			}
	if (mincore((void *)((uintptr_t)fx->heap & ~(uintptr_t)4095), 4096, &vec))
		say('E', "the host's heap is gone (%s)", errname(errno));
	else if (*fx->heap != CANARY)
		say('E', "the host's heap canary changed: %#llx", (unsigned long long)*fx->heap);
	n = read(fx->pipe[0], buf, sizeof buf);
	if (n != (ssize_t)sizeof pipe_data - 1 || memcmp(buf, pipe_data, (size_t)n))
		say('E', "the host's pipe held %zd bytes, not its %zu", n, sizeof pipe_data - 1);
	n = pread(fx->file, buf, sizeof buf, 0);
	if (n != (ssize_t)sizeof file_data - 1 || memcmp(buf, file_data, (size_t)n))
		say('E', "the host's file read %zd bytes, not its %zu", n, sizeof file_data - 1);
	if (lseek(fx->file, 0, SEEK_CUR) != 0)
		say('E', "the offset of the host's file moved");
}

/* A bool in domain memory that the host validated must stay as it was:
 * only a thread that outlived the call could change it.  Watched for
 * 200 ms, sleeping between validation and use so that such a thread runs
 * even on one CPU. */
static void check_toctou(const ef_domain *d, volatile uint8_t *flag)
{
	const struct timespec ms = { 0, 1000000 };
	for (int i = 0; i < 200; i++) {
		ef_ref r;
		ef_status s = d ? ef_upgrade_bool(d, (const void *)flag, &r)
				: ef_valid_bool((const void *)flag);
		uint8_t v;
		nanosleep(&ms, NULL);
		v = *flag;
		if (s == EF_OK && v > 1) {
			say('E', "a bool the host validated after the call reads %u "
			    "afterwards: a thread of the library still writes", v);
			return;
		}
	}
}

static struct state before, after;

static void child(const struct attack *at)
{
	struct fixture fx;
	struct efh_args *a;
	struct cpu cb, ca;
	ef_domain dom, *d = NULL;
	ef_status status = EF_OK;
	long r;

	setpgid(0, 0);
	prctl(PR_SET_NAME, CHILD_NAME, 0L, 0L, 0L);
	if (fixture(&fx))
		return;
	if (policy >= 0) {
		if (ef_mpk_open(&dom, "hostile", NULL)) {
			say('X', "ef_mpk_open: %s", ef_mpk_error());
			return;
		}
		d = &dom;
		/* A first call, so that whatever the runtime sets up on one
		 * is part of the host's state before the attack. */
		if (EF_MPK_INVOKE(d, efh_ok, 13L) != 40 || ef_mpk_call_status()) {
			say('X', "the domain does not work before the attack");
			return;
		}
	}
	a = d ? ef_heap_alloc(d, sizeof *a, 16) : malloc(sizeof *a);
	if (!a) {
		say('X', "no memory for the attack's arguments");
		return;
	}
	*a = found;
	if (d) {
		unsigned slot = (unsigned)((ef_mpk_slot *)d->runtime_state - ef_mpk_slots);
		a->host_pkru = &MPK_SHADOW(slot)->host;
		a->tpage = (void *)ef_mpk_tls.tpage;
	}
	a->canary = fx.page;
	a->canary_value = 0xbadbadbadull;
	a->pipe_rd = fx.pipe[0];
	a->pipe_wr = fx.pipe[1];
	a->file_fd = fx.file;
	a->huge_bytes = HUGE_BYTES;
	a->buf_bytes = 256;
	a->flag = d ? ef_heap_alloc(d, 1, 1) : malloc(1);
	a->buf = d ? ef_heap_alloc(d, a->buf_bytes, 16) : malloc(a->buf_bytes);
	if (!a->flag || !a->buf) {
		say('X', "no memory for the attack's buffers");
		return;
	}
	*a->flag = 0;
	capture(&before);
	if (before.unreadable[0]) {
		say('X', "cannot read %s", before.unreadable);
		return;
	}

	r = at->invoke(d, a, &cb, &ca);

	if (d)
		status = ef_mpk_call_status();
	cpu_compare(&cb, &ca);
	check_data(&fx);
	capture(&after);
	compare(&before, &after);
	if ((at->ev & EV_RESULT) && status == EF_OK && r >= 0)
		say('E', "%s succeeded (%ld)", at->what, r);
	if ((at->ev & EV_HUGE) && status == EF_OK && (uint64_t)r >= HUGE_BYTES)
		say('E', "the domain committed %llu MiB and nothing capped it",
		    (unsigned long long)(r >> 20));
	if (at->ev & EV_TOCTOU)
		check_toctou(d, a->flag);
	if (status != EF_OK) {
		const ef_mpk_fault *f = ef_mpk_fault_of(d);
		char what[400];
		say('C', "the call failed: %s%s%s", ef_strerror(status), f ? ": " : "",
		    f ? ef_mpk_fault_describe(f, what, sizeof what) : "");
	} else if (r == EFH_GONE) {
		say('C', "nothing to use: the gadget is gone");
	} else if (r < 0) {
		say('C', "refused: %s", errname(-r));
	} else {
		say('C', "no effect");
	}
	if (d) {
		ef_domain fresh;
		long v;
		if (ef_mpk_open(&fresh, "hostile", NULL))
			say('E', "a fresh domain cannot be opened: %s", ef_mpk_error());
		else if ((v = EF_MPK_INVOKE(&fresh, efh_ok, 13L)) != 40 ||
			 (status = ef_mpk_call_status()) != EF_OK)
		{
			const ef_mpk_fault *ff = ef_mpk_fault_of(&fresh);
			char what[400];
			say('E', "a fresh domain does not work: efh_ok(13) = %ld (%s%s%s)", v,
			    ef_strerror(status), ff ? ": " : "",
			    ff ? ef_mpk_fault_describe(ff, what, sizeof what) : "");
		}
	}
	say('D', "done");
}

/* ---- The parent ------------------------------------------------------ */

struct verdict {
	int escaped, error;
	int refused;                 /* contained before it did anything */
	char how[700];
};

static void add(char *buf, size_t cap, const char *item)
{
	size_t n = strlen(buf);
	if (n + 1 < cap)
		snprintf(buf + n, cap - n, "%s%s", n ? "; " : "", item);
}

static void run(const struct attack *at, struct verdict *v)
{
	char buf[16384], contained[700] = "", evidence[700] = "", err[700] = "";
	int p[2], status = 0, done = 0, hung = 0, traced = 0, exec = 0;
	size_t len = 0;
	struct timespec t0, t;
	pid_t pid;

	memset(v, 0, sizeof *v);
	if (pipe2(p, O_CLOEXEC)) {
		v->error = 1;
		snprintf(v->how, sizeof v->how, "pipe: %s", strerror(errno));
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		report_fd = p[1];
		child(at);
		_exit(0);
	}
	close(p[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pf = { p[0], POLLIN, 0 };
		long ms;
		ssize_t n;
		clock_gettime(CLOCK_MONOTONIC, &t);
		ms = LIMIT_MS - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (ms <= 0 || poll(&pf, 1, (int)ms) == 0) {
			hung = 1;
			kill(pid, SIGKILL);
			break;
		}
		n = read(p[0], buf + len, sizeof buf - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	close(p[0]);
	/* Its end, before reaping it: a child that asked to be traced stops
	 * on signals instead; one that ends under another name has become
	 * another program. */
	for (;;) {
		siginfo_t si = { 0 };
		if (waitid(P_PID, pid, &si, WEXITED | WSTOPPED | WNOWAIT | __WALL))
			break;
		if (si.si_code == CLD_EXITED || si.si_code == CLD_KILLED ||
		    si.si_code == CLD_DUMPED) {
			char path[64], comm[32] = "";
			snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
			slurp(path, comm, sizeof comm);
			exec = strcmp(comm, CHILD_NAME "\n") != 0;
			break;
		}
		traced = 1;
		waitid(P_PID, pid, &si, WSTOPPED | __WALL);
		kill(pid, SIGKILL);
	}
	waitpid(pid, &status, __WALL);
	kill(-pid, SIGKILL);         /* whatever the child's group left */
	for (char *line = buf, *end; *line; line = end + 1) {
		end = strchr(line, '\n');
		if (!end)
			break;
		*end = 0;
		if (line[0] == 'E')
			add(evidence, sizeof evidence, line + 2);
		else if (line[0] == 'C')
			add(contained, sizeof contained, line + 2);
		else if (line[0] == 'X')
			add(err, sizeof err, line + 2);
		else if (line[0] == 'D')
			done = 1;
	}
	if (err[0]) {
		v->error = 1;
		snprintf(v->how, sizeof v->how, "%s", err);
		return;
	}
	if (traced)
		add(evidence, sizeof evidence, "the process became traced");
	if (hung) {
		char s[64];
		snprintf(s, sizeof s, "hung: killed after %.1f s", LIMIT_MS / 1000.0);
		add(evidence, sizeof evidence, s);
	} else if (!done && WIFSIGNALED(status)) {
		char s[64];
		snprintf(s, sizeof s, "the process was killed by SIG%s",
			 sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
		add(evidence, sizeof evidence, s);
	} else if (!done && exec) {
		add(evidence, sizeof evidence, "the process became another program (execve)");
	} else if (!done) {
		char s[64];
		snprintf(s, sizeof s, "the process exited (status %d) before its checks",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		add(evidence, sizeof evidence, s);
	}
	v->escaped = evidence[0] != 0;
	v->refused = !strncmp(contained, "refused", 7) || !strncmp(contained, "nothing", 7);
	snprintf(v->how, sizeof v->how, "%s", v->escaped ? evidence : contained);
}

/* ---- Set-up, once ---------------------------------------------------- */

struct code { uintptr_t want, lo, hi; int by_base; };

static int code_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct code *c = arg;
	(void)size;
	for (unsigned j = 0; j < info->dlpi_phnum; j++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[j];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		if (c->by_base ? info->dlpi_addr == c->want : c->want >= lo && c->want < hi) {
			c->lo = lo, c->hi = hi;
			return 1;
		}
	}
	return 0;
}

/* The executable segment of the object loaded at base (by_base), or the
 * one holding the address. */
static struct code code_of(uintptr_t want, int by_base)
{
	struct code c = { want, 0, 0, by_base };
	dl_iterate_phdr(code_cb, &c);
	return c;
}

static void on_usr2(int sig)
{
	(void)sig;
}

/* The first wrpkru in the 128 bytes at f (a runtime's signal entry), or
 * f itself when there is none (a handler of the program's own). */
static const void *wrpkru_in(const void *f)
{
	const unsigned char *p = f;
	for (unsigned i = 0; p && i < 128; i++)
		if (p[i] == 0x0f && p[i + 1] == 0x01 && p[i + 2] == 0xef)
			return p + i;
	return f;
}

/* What an attacker who knows the binaries finds, before any domain is
 * opened (a runtime may rewrite gadgets when it opens one), and the
 * domain's namespace, loaded once here for every child; NULL, or why the
 * attacks cannot run. */
static const char *prepare(void)
{
	static int done;
	static char why[300];
	struct code libc = code_of((uintptr_t)(void *)getpid, 0);
	struct code ldso = code_of(getauxval(AT_BASE), 1);
	struct sigaction sa = { .sa_handler = on_usr2 }, old;
	const unsigned char *p;
	char *maps;

	if (done)
		return why[0] ? why : NULL;
	done = 1;
	fsgsbase = (getauxval(AT_HWCAP2) & 2) != 0;
	p = libc.lo ? memmem((void *)libc.lo, libc.hi - libc.lo, "\x0f\x05\xc3", 3) : NULL;
	found.host_syscall = p;
	found.host_pkey_set = (void *)pkey_set;
	/* mov $mask, %eax; xor %edx, %edx; xrstor d(%rsp) (modrm 0x6c, SIB
	 * 0x24, disp8 d).  None there leaves its attack nothing to use,
	 * which it says. */
	for (p = (const unsigned char *)ldso.lo; p && p + 7 < (const unsigned char *)ldso.hi; p++)
		if (p[0] == 0x31 && p[1] == 0xd2 && p[2] == 0x0f && p[3] == 0xae &&
		    p[4] == 0x6c && p[5] == 0x24) {
			found.ldso_xrstor = p + 2;
			found.xrstor_disp = p[6];
			break;
		}
	/* The program break at start: where [heap] begins. */
	free(malloc(1));
	maps = malloc(1 << 17);
	if (maps) {
		char *h;
		slurp("/proc/self/maps", maps, 1 << 17);
		for (h = strstr(maps, "[heap]"); h && h > maps && h[-1] != '\n'; h--)
			;
		found.brk_start = h ? strtoull(h, NULL, 16) : 0;
		free(maps);
	}
	if (!found.host_syscall)
		snprintf(why, sizeof why, "no `syscall; ret` in the host's libc");
	else if (!found.brk_start)
		snprintf(why, sizeof why, "no [heap] in /proc/self/maps");
	if (why[0])
		return why;
	if (policy >= 0) {
		ef_domain warm;
		ef_mpk_set_policy((ef_mpk_policy)policy);
		if (ef_mpk_open(&warm, "hostile", NULL)) {
			snprintf(why, sizeof why, "ef_mpk_open: %s", ef_mpk_error());
			return why;
		}
		ef_mpk_sigaction(SIGUSR2, &sa, NULL);
		/* The runtime's limit on a foreign call, well within the
		 * suite's own (LIMIT_MS). */
		if (ef_mpk_set_foreign_timeout(0.2)) {
			snprintf(why, sizeof why, "ef_mpk_set_foreign_timeout: %s",
				 ef_mpk_error());
			return why;
		}
	} else {
		/* What the runtime does for a thread that calls into domains. */
		ef_mpk_thread_init();
		sigaction(SIGUSR2, &sa, NULL);
	}
	if (policy >= 0) {
		/* The last slot, which no domain of the suite takes; a
		 * trampoline is `mov $k, %r11d` (6 bytes) and a jmp rel32. */
		unsigned sealed = policy == EF_MPK_SEALED;
		const unsigned char *t = ef_mpk_cbtramps[EF_MPK_SLOTS - 1][sealed][fsgsbase];
		int32_t rel;
		memcpy(&rel, t + 7, sizeof rel);
		found.idle_exit = wrpkru_in(ef_mpk_gate_exits[EF_MPK_SLOTS - 1][sealed][fsgsbase]);
		found.idle_cbentry = t[6] == 0xe9 ? wrpkru_in(t + 11 + rel) : NULL;
	}
	sigaction(SIGUSR2, NULL, &old);
	found.signal_entry = wrpkru_in((void *)old.sa_sigaction);
	sigaction(SIGSEGV, NULL, &old);
	found.fault_entry = old.sa_handler == SIG_DFL ? NULL : wrpkru_in((void *)old.sa_sigaction);
	return NULL;
}

/* ---- The tests: one per class (sealed), or one for all ---------------- */

static struct verdict verdicts[NATTACKS];
static char summary[1024];

static void print(const struct attack *at, const struct verdict *v)
{
	printf("# %s %s: %s (%s)\n", policy_name, label(at),
	       v->error ? "NOT RUN" : v->escaped ? "ESCAPED" : "contained", v->how);
}

/* Runs the attacks of class cls (NULL: all) and counts them. */
static void run_class(const char *cls, unsigned *n, unsigned *escaped)
{
	const char *why = prepare();

	*n = *escaped = 0;
	if (why) {
		CHECK_MSG(0, "the attacks cannot run: %s", why);
		return;
	}
	for (unsigned i = 0; i < NATTACKS; i++) {
		if (cls && strcmp(attacks[i].cls, cls))
			continue;
		run(&attacks[i], &verdicts[i]);
		print(&attacks[i], &verdicts[i]);
		CHECK_MSG(!verdicts[i].error, "%s could not run: %s", label(&attacks[i]),
			  verdicts[i].how);
		++*n;
		*escaped += verdicts[i].escaped;
	}
}

static const char *current_class;
static void test_sealed_class(void)
{
	char names[600] = "";
	unsigned n, escaped;

	run_class(current_class, &n, &escaped);
	for (unsigned i = 0; i < NATTACKS; i++)
		if (!strcmp(attacks[i].cls, current_class) && verdicts[i].escaped)
			add(names, sizeof names, strchr(label(&attacks[i]), '/') + 1);
	CHECK_MSG(!escaped, "%u of %u escaped: %s", escaped, n, names);
}

/* Under strict: the run completes, and its name says which classes leak. */
static void test_strict(void)
{
	unsigned n, escaped;
	size_t at;

	run_class(NULL, &n, &escaped);
	at = (size_t)snprintf(summary, sizeof summary, "mpk attacks strict: %u of %u "
			      "attacks escape", escaped, n);
	for (unsigned i = 0; i < NATTACKS; i++) {
		unsigned cn = 0, ce = 0;
		if (i && !strcmp(attacks[i].cls, attacks[i - 1].cls))
			continue;
		for (unsigned j = i; j < NATTACKS && !strcmp(attacks[j].cls, attacks[i].cls); j++)
			cn++, ce += verdicts[j].escaped;
		if (at < sizeof summary)
			at += (size_t)snprintf(summary + at, sizeof summary - at, "%s %s %u/%u",
					       i ? "," : ":", attacks[i].cls, ce, cn);
	}
}

/* Unconfined, every attack must be seen to succeed: else the checks miss
 * its effect.  One that the kernel refused, or that found nothing to use,
 * had no effect to see (x32 numbers are off in Debian's kernels unless
 * booted with syscall.x32=y; this machine may lack protection keys). */
static void test_unconfined(void)
{
	char missed[900] = "", absent[300] = "";
	unsigned n, escaped;

	run_class(NULL, &n, &escaped);
	for (unsigned i = 0; i < NATTACKS; i++) {
		if (verdicts[i].escaped || verdicts[i].error)
			continue;
		if (verdicts[i].refused)
			add(absent, sizeof absent, label(&attacks[i]));
		else
			add(missed, sizeof missed, label(&attacks[i]));
	}
	if (absent[0])
		printf("# unconfined: not possible on this machine: %s\n", absent);
	CHECK_MSG(!missed[0], "the checks did not see these attacks succeed: %s", missed);
}

static void test_unavailable(void)
{
	ef_check_skip(ef_mpk_unavailable());
}

int main(int argc, char **argv)
{
	const char *p = getenv("EFBENCH_MPK_POLICY");
	static char name[96];
	int failed = 0;

	if (argc == 2 && !strcmp(argv[1], "--exec-probe"))
		return EXEC_PROBE;
	if (argc > 1) {
		fprintf(stderr, "usage: [EFBENCH_MPK_POLICY=strict|sealed] %s\n", argv[0]);
		return 2;
	}
	if (p && *p) {
		if (!strcmp(p, "strict"))
			policy = EF_MPK_STRICT;
		else if (!strcmp(p, "sealed"))
			policy = EF_MPK_SEALED;
		else {
			fprintf(stderr, "test_attacks: EFBENCH_MPK_POLICY=%s: want strict "
				"or sealed\n", p);
			return 2;
		}
		policy_name = ef_mpk_policy_name((ef_mpk_policy)policy);
	}
	if (policy >= 0 && ef_mpk_unavailable()) {
		snprintf(name, sizeof name, "mpk attacks %s", policy_name);
		return ef_check_run(&(ef_test){ name, test_unavailable }, 1);
	}
	if (policy == EF_MPK_STRICT) {
		snprintf(summary, sizeof summary, "mpk attacks strict");
		return ef_check_run(&(ef_test){ summary, test_strict }, 1);
	}
	if (policy < 0)
		return ef_check_run(&(ef_test){ "mpk attacks unconfined: the checks "
			"see every attack succeed without a domain", test_unconfined }, 1);
	/* Sealed: a test per class, in the order of the list. */
	for (unsigned i = 0; i < NATTACKS; i++) {
		if (i && !strcmp(attacks[i].cls, attacks[i - 1].cls))
			continue;
		current_class = attacks[i].cls;
		snprintf(name, sizeof name, "mpk attacks sealed: %s contained", current_class);
		failed |= ef_check_run(&(ef_test){ name, test_sealed_class }, 1);
	}
	return failed;
}
