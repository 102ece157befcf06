/* server.c: efproc-server, the sandbox process of the proc runtime (proc.h).
 *
 *   efproc-server <set> <address> <bytes>
 *
 * The host starts it with the shared memory as file descriptor 3, standard
 * input and output on /dev/null, in a session of its own (terminal signals
 * are the host's to handle).  It maps the memory at the host's address,
 * dlopens the set's libraries, closes every file descriptor but standard
 * error, confines itself with a seccomp filter and then serves calls until
 * the host kills it or goes away.  Nothing here is trusted by the host: once
 * foreign code has run, all of this process is the library's.
 */
#define _GNU_SOURCE
#include "chan.h"
#include "ef_proc_sets.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static struct ef_proc_chan *chan;
static pid_t host;

/* Pauses the sandbox spins for the host's next request before it sleeps
 * (a fraction of a millisecond): longer than the host's work between two
 * calls of a loop, short enough to give the CPU back soon when idle.  A
 * futex wake-up is the slow path (runtimes/proc/proc.c, SPIN). */
#define SPIN 20000

static void flip(uint32_t state)
{
	__atomic_store_n(&chan->state, state, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&chan->sleeping, __ATOMIC_SEQ_CST) & 1)
		syscall(SYS_futex, &chan->state, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

static int ours(uint32_t s)
{
	return s == EF_PROC_CALL || s == EF_PROC_LOOKUP || s == EF_PROC_CB_RETURN;
}

/* The CPUs the sandbox was started with. */
static cpu_set_t cpus;

/* The sandbox shares the host's CPU: leave it to the host for the others
 * it was started with, if any, so that both can spin side by side.  The
 * host may move later, so every move starts from the CPUs started with. */
static void move_off(unsigned cpu)
{
	cpu_set_t set = cpus;

	if (!CPU_ISSET(cpu, &set) || CPU_COUNT(&set) < 2)
		return;
	CPU_CLR(cpu, &set);
	sched_setaffinity(0, sizeof set, &set);
}

/* Wait for a request of the host's; leave when the host is gone. */
static uint32_t await_host(void)
{
	for (unsigned i = 0;; i++) {
		uint32_t s = __atomic_load_n(&chan->state, __ATOMIC_ACQUIRE);
		if (ours(s))
			return s;
		if (i < SPIN) {
			if (!(i & 31)) {
				unsigned me = (unsigned)sched_getcpu();
				__atomic_store_n(&chan->cpu[1], me, __ATOMIC_RELAXED);
				if (__atomic_load_n(&chan->cpu[0], __ATOMIC_RELAXED) == me) {
					move_off(me);
					sched_yield();
					continue;
				}
			}
			__builtin_ia32_pause();
			continue;
		}
		__atomic_or_fetch(&chan->sleeping, 2, __ATOMIC_SEQ_CST);
		s = __atomic_load_n(&chan->state, __ATOMIC_SEQ_CST);
		if (!ours(s)) {
			struct timespec t = { 0, 200 * 1000 * 1000 };
			syscall(SYS_futex, &chan->state, FUTEX_WAIT, s, &t, NULL, 0);
		}
		__atomic_and_fetch(&chan->sleeping, ~2u, __ATOMIC_SEQ_CST);
		if (getppid() != host)
			_exit(0);
		i = SPIN;
	}
}

/* Call fn with n integer arguments (System V: six in registers, the rest
 * on the stack, which stays 16-byte aligned at the call). */
uint64_t ef_proc_callv(uint64_t fn, const uint64_t *args, uint64_t n);
__asm__(".text\n"
	".globl ef_proc_callv\n"
	".type ef_proc_callv, @function\n"
	"ef_proc_callv:\n"
	"	push %rbp\n"
	"	mov %rsp, %rbp\n"
	"	mov %rdi, %r11\n"
	"	mov %rsi, %r10\n"
	"	xor %ecx, %ecx\n"
	"	sub $6, %rdx\n"
	"	cmovb %rcx, %rdx\n"          /* rdx: stacked arguments */
	"	lea (,%rdx,8), %rax\n"
	"	sub %rax, %rsp\n"
	"	and $-16, %rsp\n"
	"1:	cmp %rdx, %rcx\n"
	"	jae 2f\n"
	"	mov 48(%r10,%rcx,8), %rax\n"
	"	mov %rax, (%rsp,%rcx,8)\n"
	"	inc %rcx\n"
	"	jmp 1b\n"
	"2:	mov (%r10), %rdi\n"
	"	mov 8(%r10), %rsi\n"
	"	mov 16(%r10), %rdx\n"
	"	mov 24(%r10), %rcx\n"
	"	mov 32(%r10), %r8\n"
	"	mov 40(%r10), %r9\n"
	"	xor %eax, %eax\n"
	"	call *%r11\n"
	"	leave\n"
	"	ret\n"
	".size ef_proc_callv, .-ef_proc_callv\n");

static void *handles[8];
static unsigned nhandles;

static uint64_t lookup(const char *name)
{
	for (unsigned i = 0; i < nhandles; i++) {
		void *p = dlsym(handles[i], name);
		if (p)
			return (uint64_t)(uintptr_t)p;
	}
	return 0;
}

/* Serve the host's requests; with in_callback, until it answers the
 * callback this sandbox asked for (calls from that callback nest here). */
static uint64_t serve(int in_callback)
{
	/* Six more than the channel holds: ef_proc_callv loads six. */
	uint64_t args[EF_PROC_CHAN_ARGS + 6] = { 0 };

	for (;;) {
		uint32_t s = await_host();
		if (s == EF_PROC_CB_RETURN) {
			if (in_callback)
				return chan->cb_ret;
			_exit(3);       /* the host broke the protocol */
		}
		if (s == EF_PROC_LOOKUP) {
			char name[EF_PROC_NAME_MAX];
			memcpy(name, chan->name, sizeof name);
			name[sizeof name - 1] = 0;
			chan->ret = lookup(name);
			flip(EF_PROC_RETURN);
			continue;
		}
		uint32_t n = chan->nargs;
		if (n > EF_PROC_CHAN_ARGS)
			_exit(3);
		memcpy(args, chan->args, n * sizeof *args);
		chan->ret = ef_proc_callv(chan->fn, args, n);
		flip(EF_PROC_RETURN);
	}
}

/* A callback: ask the host to run slot k, serve it meanwhile. */
static uint64_t callback(unsigned k, uint64_t a, uint64_t b, uint64_t c,
			 uint64_t d, uint64_t e, uint64_t f)
{
	chan->cb_slot = k;
	chan->cb_args[0] = a, chan->cb_args[1] = b, chan->cb_args[2] = c;
	chan->cb_args[3] = d, chan->cb_args[4] = e, chan->cb_args[5] = f;
	flip(EF_PROC_CALLBACK);
	return serve(1);
}

#define EF_TRAMPOLINE_DISPATCH callback
#include "../ef_trampolines.h"
_Static_assert(EF_TRAMPOLINES == EF_PROC_CALLBACKS, "one trampoline per callback slot");

/* The seccomp filter, built one instruction at a time; every block that
 * loads an argument ends in returns, so the system call number is what
 * the next block compares. */
static struct sock_filter filter[96];
static unsigned nfilter;

static void op(struct sock_filter f)
{
	if (nfilter < sizeof filter / sizeof *filter)
		filter[nfilter] = f;
	nfilter++;
}

#define RET(v) op((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (v)))
#define LOAD(off) op((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off)))
#define JUMP(how, k, jt, jf) op((struct sock_filter)BPF_JUMP(BPF_JMP | (how) | BPF_K, (k), (jt), (jf)))
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define DENY (SECCOMP_RET_ERRNO | EPERM)

static void allow(unsigned nr)
{
	JUMP(BPF_JEQ, nr, 0, 1);
	RET(SECCOMP_RET_ALLOW);
}

/* System call nr when its first argument is v, denied otherwise. */
static void allow_arg0(unsigned nr, uint32_t v)
{
	JUMP(BPF_JEQ, nr, 0, 6);
	LOAD(ARG_LO(0) + 4);
	JUMP(BPF_JEQ, 0, 0, 2);
	LOAD(ARG_LO(0));
	JUMP(BPF_JEQ, v, 1, 0);
	RET(DENY);
	RET(SECCOMP_RET_ALLOW);
}

/* The system calls foreign code keeps: memory for its allocator (never
 * executable), futexes and the clock, entropy (libsodium's randombytes),
 * writes to standard error, and leaving.  While the libraries load (their
 * constructors run then), also what the dynamic loader needs: opening
 * files to read, reading them, mapping code.  Everything else fails with
 * EPERM; another architecture's calling convention (i386, x32) kills.
 * Filters stack: the second, without the loader's calls, is installed
 * after loading and the stricter answer wins. */
static int confine(int loading)
{
	nfilter = 0;
	LOAD(offsetof(struct seccomp_data, arch));
	JUMP(BPF_JEQ, AUDIT_ARCH_X86_64, 1, 0);
	RET(SECCOMP_RET_KILL_PROCESS);
	LOAD(offsetof(struct seccomp_data, nr));
	JUMP(BPF_JGE, 0x40000000, 0, 1);
	RET(SECCOMP_RET_KILL_PROCESS);
	if (loading) {
		allow(SYS_mmap), allow(SYS_mprotect), allow(SYS_read), allow(SYS_pread64);
		allow(SYS_close), allow(SYS_lseek);
		/* Only more filters: the second stage's. */
		allow(SYS_seccomp);
		/* openat: to read only. */
		JUMP(BPF_JEQ, SYS_openat, 0, 4);
		LOAD(ARG_LO(2));
		JUMP(BPF_JSET, O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND, 0, 1);
		RET(DENY);
		RET(SECCOMP_RET_ALLOW);
	} else {
		/* mmap and mprotect: never PROT_EXEC. */
		JUMP(BPF_JEQ, SYS_mmap, 1, 0);
		JUMP(BPF_JEQ, SYS_mprotect, 0, 4);
		LOAD(ARG_LO(2));
		JUMP(BPF_JSET, PROT_EXEC, 0, 1);
		RET(DENY);
		RET(SECCOMP_RET_ALLOW);
	}
	allow_arg0(SYS_write, 2);       /* standard error only */
	allow(SYS_futex), allow(SYS_munmap), allow(SYS_mremap), allow(SYS_brk);
	allow(SYS_madvise), allow(SYS_getrandom), allow(SYS_clock_gettime);
	allow(SYS_clock_nanosleep), allow(SYS_nanosleep), allow(SYS_sched_yield);
	allow(SYS_getpid), allow(SYS_gettid), allow(SYS_getppid);
	allow(SYS_rt_sigreturn), allow(SYS_rt_sigprocmask), allow(SYS_newfstatat);
	allow(SYS_fstat), allow(SYS_exit), allow(SYS_exit_group), allow(SYS_getcpu);
	allow_arg0(SYS_sched_setaffinity, 0);   /* its own only */
	RET(DENY);
	if (nfilter > sizeof filter / sizeof *filter) {
		errno = E2BIG;
		return -1;
	}

	struct sock_fprog prog = { .len = (unsigned short)nfilter, .filter = filter };
	if (loading && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

static void fail(const char *what, const char *why)
{
	snprintf(chan->name, sizeof chan->name, "%s: %s", what, why);
	flip(EF_PROC_FAILED);
	_exit(2);
}

/* The set's libraries, as the Makefile lists them (ef_proc_sets.h). */
#define SET(name, libs) { name, libs },
static const struct { const char *name, *libs; } sets[] = { EF_PROC_SETS(SET) };

int main(int argc, char **argv)
{
	const char *libs = NULL;
	unsigned long addr, bytes;
	char list[256], *save, *lib;
	void *p;

	if (argc != 4) {
		fprintf(stderr, "efproc-server: started by efbench's proc runtime, "
			"not by hand (usage: efproc-server <set> <address> <bytes>)\n");
		return 2;
	}
	host = getppid();
	if (sched_getaffinity(0, sizeof cpus, &cpus))
		CPU_ZERO(&cpus);
	addr = strtoul(argv[2], NULL, 0);
	bytes = strtoul(argv[3], NULL, 0);
	p = mmap((void *)addr, bytes, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED_NOREPLACE, EF_PROC_MEMFD, 0);
	if (p == MAP_FAILED || (unsigned long)p != addr) {
		fprintf(stderr, "efproc-server: cannot map the shared memory at %#lx: %s\n",
			addr, strerror(errno));
		return 2;
	}
	chan = p;
	for (size_t i = 0; i < sizeof sets / sizeof *sets; i++)
		if (!strcmp(sets[i].name, argv[1]))
			libs = sets[i].libs;
	if (!libs)
		fail(argv[1], "no such library set");
	/* At most the shared memory and 4 GiB more: a library that allocates
	 * without end fails its allocations, not the machine's. */
	struct rlimit as = { bytes + (4ul << 30), bytes + (4ul << 30) };
	if (setrlimit(RLIMIT_AS, &as))
		fail("the address-space limit", strerror(errno));
	if (confine(1))
		fail("seccomp", strerror(errno));
	snprintf(list, sizeof list, "%s", libs);
	for (lib = strtok_r(list, " ", &save); lib && nhandles < 8;
	     lib = strtok_r(NULL, " ", &save)) {
		handles[nhandles] = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
		if (!handles[nhandles++])
			fail(lib, dlerror());
	}
	for (unsigned k = 0; k < EF_PROC_CALLBACKS; k++)
		chan->cb_addrs[k] = (uint64_t)(uintptr_t)ef_trampolines[k];
	close(EF_PROC_MEMFD);
	if (syscall(SYS_close_range, 3, ~0u, 0))
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	if (confine(0))
		fail("seccomp", strerror(errno));
	flip(EF_PROC_READY);
	serve(0);
	return 0;
}
