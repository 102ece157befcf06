/* hostile.h: libefhostile.so, a foreign library written by an attacker who
 * knows the runtime and the binaries, and the list of its attacks, which
 * tests/mpk/test_attacks.c runs against the mpk runtime (issue 18's attack
 * classes).  Every attack is one exported function with one signature,
 * long efh_<name>(struct efh_args *a): the host hands it what an attacker
 * could learn (addresses in host code, its file descriptors) in domain
 * memory.  It returns what the decisive step answered: >= 0 when the
 * kernel or the CPU did it, -errno (or EFH_GONE) when refused. */
#ifndef EF_HOSTILE_H
#define EF_HOSTILE_H

#include <stdint.h>

/* The attack found nothing to use (a gadget rewritten away). */
#define EFH_GONE (-4096L)

struct efh_args {
	volatile uint64_t *canary;  /* a host page the attacks try to write */
	uint64_t canary_value;      /* what they write there */
	int pipe_rd, pipe_wr;       /* a pipe the host holds data in */
	int file_fd;                /* a file the host opened */
	int pad;
	uint64_t brk_start;         /* the host's program break at start */
	const void *host_syscall;   /* `syscall; ret` in the host's libc */
	const void *host_pkey_set;  /* the host's libc's pkey_set */
	const void *ldso_xrstor;    /* an `xrstor d(%rsp)` in ld.so ... */
	uint64_t xrstor_disp;       /* ... and its d */
	const void *signal_entry;   /* the wrpkru in the handler behind SIGUSR2 */
	const void *fault_entry;    /* the wrpkru in the handler behind SIGSEGV */
	volatile uint8_t *flag;     /* domain memory the host validates after
				     * the call (a bool) */
	uint64_t huge_bytes;        /* what the huge allocation commits */
	char *buf;                  /* domain memory, buf_bytes long, for */
	uint64_t buf_bytes;         /* data the attacks get hold of */
	const volatile uint32_t *host_pkru; /* the host's PKRU in the shadow
				     * page, which every domain reads (NULL:
				     * none, unconfined) */
	void *tpage;                /* the calling thread's page, which a
				     * sealed gate leaves in r12 (NULL: none) */
	const void *idle_exit;      /* the host wrpkru of the exit and of the */
	const void *idle_cbentry;   /* callback entry of a slot no call is in */
};

/* What the suite reads as an escape besides a changed host (test_attacks.c):
 *   EV_RESULT  the call returned >= 0 without failing: the kernel did
 *              what foreign code asked;
 *   EV_HUGE    the call committed all of huge_bytes without failing;
 *   EV_TOCTOU  the flag changes after the call, under the host's checks. */
enum { EV_RESULT = 1, EV_HUGE = 2, EV_TOCTOU = 4 };

/* X(class, name, evidence, what): every attack, by class.  (A jump into
 * a gate's exit with a forged PKRU is test_mpk.c's forged_pkru_exit.) */
#define EFH_ATTACKS(X)                                                          \
	X(syscalls, syscall_dup2, EV_RESULT, "dup2() over a host fd by the library's own syscall instruction") \
	X(syscalls, host_libc_dup2, EV_RESULT, "dup2() over a host fd through a `syscall; ret` in the host's libc") \
	X(syscalls, int80_dup2, EV_RESULT, "dup2() over a host fd by int $0x80 (32-bit number 63)") \
	X(syscalls, x32_dup2, EV_RESULT, "dup2() over a host fd by an x32 number (33 | 1 << 30)") \
	X(syscalls, sysenter_dup2, EV_RESULT, "dup2() over a host fd by sysenter (32-bit number 63)") \
	X(syscalls, int80_ptrace, EV_RESULT, "ptrace(PTRACE_TRACEME) by int $0x80 (32-bit number 26)") \
	X(syscalls, mmap_fixed, EV_RESULT, "mmap(MAP_FIXED) over a host page") \
	X(syscalls, mremap_fixed, EV_RESULT, "mremap(MREMAP_FIXED) of a domain page over a host page") \
	X(syscalls, brk, EV_RESULT, "brk() down to the host's initial break, over its heap") \
	X(syscalls, execve, EV_RESULT, "execve(/proc/self/exe)") \
	X(syscalls, execveat, EV_RESULT, "execveat(AT_FDCWD, /proc/self/exe)") \
	X(syscalls, clone, EV_RESULT, "clone(SIGCHLD): a new process") \
	X(syscalls, clone3, EV_RESULT, "clone3(): a new process") \
	X(syscalls, fork, EV_RESULT, "fork()") \
	X(syscalls, vfork, EV_RESULT, "vfork()") \
	X(syscalls, seccomp, EV_RESULT, "seccomp(): a filter of the library's that refuses getppid") \
	X(syscalls, prctl_tsc, EV_RESULT, "prctl(PR_SET_TSC, PR_TSC_SIGSEGV)") \
	X(syscalls, prctl_dumpable, EV_RESULT, "prctl(PR_SET_DUMPABLE, 0)") \
	X(syscalls, prctl_sud, EV_RESULT, "prctl(PR_SET_SYSCALL_USER_DISPATCH): every later host system call traps") \
	X(syscalls, rseq, EV_RESULT, "rseq(): an area of the library's registered for the host thread") \
	X(syscalls, memfd_exec, EV_RESULT, "memfd_create() and mmap(PROT_EXEC) of it") \
	X(syscalls, mmap_exec, EV_RESULT, "mmap(PROT_READ | PROT_WRITE | PROT_EXEC)") \
	X(syscalls, open_proc_mem, EV_RESULT, "open(/proc/self/mem) and pwrite() into a host page") \
	X(syscalls, creat_proc_mem, EV_RESULT, "creat(/proc/self/mem) and pwrite() into a host page") \
	X(syscalls, host_libc_open_proc_mem, EV_RESULT, "open(/proc/self/mem) through the host's libc and pwrite() into a host page") \
	X(syscalls, dup3, EV_RESULT, "dup3() over the host's pipe") \
	X(syscalls, close_host_fd, EV_RESULT, "close() of a host fd") \
	X(syscalls, read_host_pipe, EV_RESULT, "read() from the host's pipe") \
	X(syscalls, pread_host_file, EV_RESULT, "pread() of the host's file") \
	X(syscalls, write_host_pipe, EV_RESULT, "write() into the host's pipe") \
	X(syscalls, pkey_alloc, EV_RESULT, "pkey_alloc()") \
	X(syscalls, pkey_free, EV_RESULT, "pkey_free() of the runtime's shared key") \
	X(syscalls, pkey_mprotect, EV_RESULT, "pkey_mprotect() of a host page to the domain's key, and a write") \
	X(syscalls, host_libc_pkey_mprotect, EV_RESULT, "pkey_mprotect() of a host page through the host's libc, and a write") \
	X(syscalls, ptrace, EV_RESULT, "ptrace(PTRACE_TRACEME)") \
	X(syscalls, process_vm_writev, EV_RESULT, "process_vm_writev() into a host page") \
	X(syscalls, kill_self, EV_RESULT, "kill(getpid(), SIGKILL)") \
	X(syscalls, tgkill_self, EV_RESULT, "tgkill(getpid(), gettid(), SIGTERM)") \
	X(syscalls, exit_group, EV_RESULT, "exit_group(7)") \
	X(syscalls, exit, EV_RESULT, "exit(7) of the only thread") \
	X(syscalls, setrlimit, EV_RESULT, "setrlimit(RLIMIT_NOFILE, 3)") \
	X(syscalls, chdir, EV_RESULT, "chdir(/proc)") \
	X(syscalls, umask, EV_RESULT, "umask(0)") \
	X(syscalls, setitimer, EV_RESULT, "setitimer(ITIMER_REAL): SIGALRM for the host later") \
	X(signals, sigaction_handler, EV_RESULT, "rt_sigaction(SIGUSR1) to a handler in the library") \
	X(signals, sigaction_segv_default, EV_RESULT, "rt_sigaction(SIGSEGV, SIG_DFL): the runtime's fault entry gone") \
	X(signals, sigprocmask, EV_RESULT, "rt_sigprocmask() blocking every signal") \
	X(signals, sigaltstack, EV_RESULT, "sigaltstack() to a stack of the library's") \
	X(signals, sigreturn_pkru, EV_RESULT, "rt_sigreturn() of a forged frame whose XSAVE area opens key 0, and a write") \
	X(signals, sigreturn_altstack, EV_RESULT, "rt_sigreturn() of a forged frame with an alternate stack of the library's") \
	X(signals, raise_sigsys, EV_RESULT, "tgkill(SIGSYS) of its own thread") \
	X(signals, raise_sigsegv, EV_RESULT, "tgkill(SIGSEGV) of its own thread: a fault that is none") \
	X(gadgets, pkey_set_call, 0, "pkey_set(0, 0) of the namespace's libc, and a write") \
	X(gadgets, pkey_set_wrpkru, 0, "a jump to the wrpkru in the namespace libc's pkey_set with eax = 0, and a write") \
	X(gadgets, host_pkey_set, 0, "pkey_set(0, 0) of the host's libc, and a write") \
	X(gadgets, ldso_xrstor, 0, "a jump to ld.so's xrstor with an XSAVE area whose PKRU is 0, and a write") \
	X(gadgets, signal_entry, 0, "a call to the wrpkru of the runtime's signal entry with eax = 0 (SIGUSR2), and a write") \
	X(gadgets, fault_entry, 0, "a call to the wrpkru of the runtime's fault entry with eax = 0 and a forged SIGFPE, and a write") \
	X(gadgets, signal_entry_host_pkru, 0, "a call to the wrpkru of the runtime's signal entry with eax = the host's PKRU from the shadow page and a forged SIGXCPU, off any thread area, and a write") \
	X(gadgets, idle_gate_exit, 0, "a jump to the host wrpkru in the exit of a gate no call is inside, with eax = the host's PKRU, and a write") \
	X(gadgets, idle_callback_entry, 0, "a jump to the host wrpkru in the callback entry of a slot no call is inside, with eax = the host's PKRU, and a write") \
	X(gadgets, signal_entry_thread_area, 0, "a jump to the wrpkru of the runtime's signal entry with eax = the host's PKRU, the stack pointer in its own thread area and a forged frame that resumes it, and a write") \
	X(cpu, mxcsr_rounding, 0, "MXCSR rounding toward zero") \
	X(cpu, mxcsr_ftz_daz, 0, "MXCSR flush-to-zero and denormals-are-zero") \
	X(cpu, mxcsr_unmasked, 0, "MXCSR with every exception unmasked") \
	X(cpu, x87_cw, 0, "x87 control word: 24-bit precision, rounding toward zero") \
	X(cpu, x87_stack, 0, "three values left on the x87 stack") \
	X(cpu, eflags_ac, 0, "EFLAGS.AC set (alignment checks)") \
	X(cpu, eflags_df, 0, "EFLAGS.DF set") \
	X(cpu, gs_base, 0, "a GS base of the library's (wrgsbase)") \
	X(cpu, fs_base, 0, "an FS base of the library's at return (wrfsbase)") \
	X(dos, endless_loop, 0, "an endless loop") \
	X(dos, int3, 0, "int3 (SIGTRAP)") \
	X(dos, abort, 0, "abort() (SIGABRT)") \
	X(dos, huge_malloc, EV_HUGE, "malloc() and touch of huge_bytes") \
	X(threads, thread_toctou, EV_RESULT | EV_TOCTOU, "a thread that outlives the call and keeps changing memory the host validates") \
	X(threads, thread_spin, EV_RESULT, "a thread that outlives the call and spins")

#define EFH_DECLARE(cls, name, ev, what) long efh_##name(struct efh_args *a);
EFH_ATTACKS(EFH_DECLARE)
#undef EFH_DECLARE

/* Not an attack: what a fresh domain is asked, to see that it works.
 * Returns 3 * x + 1, through the library's heap. */
long efh_ok(long x);

#endif
