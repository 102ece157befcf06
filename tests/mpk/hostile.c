/* hostile.c: libefhostile.so, see hostile.h.  System calls are made with
 * the instruction itself (inline assembly), not through the namespace's
 * libc, so that each attack uses exactly the way in it names; the library
 * is built without the stack protector, since some attacks change the
 * thread pointer before they return. */
#define _GNU_SOURCE
#include "hostile.h"
#include "../../runtimes/mpk/layout.h"

#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <ucontext.h>

#define HIDDEN __attribute__((visibility("hidden")))
#define PAGE 4096ul

static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "0"(nr), "D"(a), "S"(b), "d"(c),
			 "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
	return ret;
}
#define SYS(nr, ...) SYS_(nr, ##__VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define SYS_(nr, a, b, c, d, e, f, ...) \
	sys6(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* (SYS does not nest.) */
static long pid(void) { return SYS(SYS_getpid); }
static long tid(void) { return SYS(SYS_gettid); }

/* The same through `syscall; ret` at g, in someone else's code: the call
 * pushes below the red zone. */
static long via(const void *g, long nr, long a, long b, long c, long d)
{
	register long r10 __asm__("r10") = d;
	long ret;
	if (!g)
		return EFH_GONE;
	__asm__ volatile("sub $128, %%rsp\n\tcall *%[g]\n\tadd $128, %%rsp"
			 : "=a"(ret), "+r"(r10), "+D"(a), "+S"(b), "+d"(c)
			 : [g] "r"(g), "0"(nr) : "rcx", "r8", "r9", "r11", "memory");
	return ret;
}

/* The 32-bit ABI: int $0x80 takes ebx, ecx, edx; the kernel clears
 * r8-r11 on the way out. */
static long int80(long nr, long b, long c, long d)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "0"(nr), "b"(b), "c"(c), "d"(d)
			 : "r8", "r9", "r10", "r11", "memory");
	return ret;
}

/* sysenter(nr, ebx, ecx, ebp): the kernel reads the sixth argument at
 * ebp and returns to the 32-bit vDSO's landing pad, which a 64-bit
 * process lacks, so this does not come back. */
long sysenter4(long nr, long b, long c, long bp) HIDDEN;
__asm__(".text\n"
	".globl sysenter4\n .hidden sysenter4\n .type sysenter4, @function\n"
	"sysenter4:\n"
	"	push %rbx\n push %rbp\n"
	"	mov %rcx, %rbp\n mov %rdx, %rcx\n mov %rsi, %rbx\n mov %rdi, %rax\n"
	"	sysenter\n"
	"	pop %rbp\n pop %rbx\n ret\n"
	".size sysenter4, . - sysenter4\n");

/* fork, vfork, clone or clone3 (nr, a, b); the new process leaves at once
 * with exit_group(0), before it touches the stack it may share. */
long forklike(long nr, long a, long b) HIDDEN;
__asm__(".text\n"
	".globl forklike\n .hidden forklike\n .type forklike, @function\n"
	"forklike:\n"
	"	mov %rdi, %rax\n mov %rsi, %rdi\n mov %rdx, %rsi\n"
	"	xor %edx, %edx\n xor %r10d, %r10d\n xor %r8d, %r8d\n"
	"	syscall\n"
	"	test %rax, %rax\n jnz 1f\n"
	"	mov $231, %eax\n xor %edi, %edi\n syscall\n"
	"1:	ret\n"
	".size forklike, . - forklike\n");

/* clone(flags, stack) of a thread that runs fn(arg) on stack and never
 * returns; the thread id, or -errno. */
long spawn(unsigned long flags, void *stack, void (*fn)(void *), void *arg) HIDDEN;
__asm__(".text\n"
	".globl spawn\n .hidden spawn\n .type spawn, @function\n"
	"spawn:\n"
	"	push %r12\n push %r13\n"
	"	mov %rdx, %r12\n mov %rcx, %r13\n"
	"	mov $56, %eax\n xor %edx, %edx\n xor %r10d, %r10d\n xor %r8d, %r8d\n"
	"	syscall\n"
	"	test %rax, %rax\n jnz 1f\n"
	"	mov %r13, %rdi\n call *%r12\n"
	"	ud2\n"
	"1:	pop %r13\n pop %r12\n ret\n"
	".size spawn, . - spawn\n");

/* rt_sigreturn of the frame uc, after filling in the callee-saved
 * registers, rsp and rip so that it resumes at 1: with the rdi and rsi
 * the frame names, writes rsi to *rdi and returns 0 from here.  A refused
 * rt_sigreturn returns its answer.  (gregs at 40 in ucontext_t: rbp 10,
 * rbx 11, r12-r15 4-7, rsp 15, rip 16.) */
long sigreturn_to(ucontext_t *uc) HIDDEN;
__asm__(".text\n"
	".globl sigreturn_to\n .hidden sigreturn_to\n .type sigreturn_to, @function\n"
	"sigreturn_to:\n"
	"	push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
	"	mov %rbx, 128(%rdi)\n mov %rbp, 120(%rdi)\n mov %r12, 72(%rdi)\n"
	"	mov %r13, 80(%rdi)\n mov %r14, 88(%rdi)\n mov %r15, 96(%rdi)\n"
	"	mov %rsp, 160(%rdi)\n"
	"	lea 1f(%rip), %rax\n mov %rax, 168(%rdi)\n"
	"	mov %rdi, %rsp\n"
	"	mov $15, %eax\n syscall\n"
	"	mov 160(%rsp), %rsp\n jmp 2f\n"
	"1:	mov %rsi, (%rdi)\n xor %eax, %eax\n"
	"2:	pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
	"	ret\n"
	".size sigreturn_to, . - sigreturn_to\n");
_Static_assert(offsetof(ucontext_t, uc_mcontext.gregs) == 40 && REG_RBP == 10 &&
	       REG_RBX == 11 && REG_R12 == 4 && REG_RSP == 15 && REG_RIP == 16,
	       "sigreturn_to's offsets");

/* A jump to ld.so's `xrstor d(%rsp)` of its lazy resolver (gadget),
 * with rsp = sp so that the XSAVE area is sp + d and RFBM = PKRU.  What
 * follows it there: loads from the area, mov %rbx, %rsp; mov (%rsp),
 * %rbx; add $24, %rsp; jmp *%r11, which lands at 1: with our stack back;
 * then value goes to *target. */
long xrstor_jump(const void *gadget, void *sp, volatile uint64_t *target,
		 uint64_t value) HIDDEN;
__asm__(".text\n"
	".globl xrstor_jump\n .hidden xrstor_jump\n .type xrstor_jump, @function\n"
	"xrstor_jump:\n"
	"	push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
	"	push %rdx\n push %rcx\n"
	"	sub $24, %rsp\n mov %rsp, %rbx\n"
	"	lea 1f(%rip), %r11\n"
	"	mov %rsi, %rsp\n"
	"	mov $0x200, %eax\n xor %edx, %edx\n"
	"	jmp *%rdi\n"
	"1:	pop %rcx\n pop %rdx\n mov %rcx, (%rdx)\n xor %eax, %eax\n"
	"	pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
	"	ret\n"
	".size xrstor_jump, . - xrstor_jump\n");

static int has_pku(void)
{
	unsigned a, b, c = 0, d;
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & bit_OSPKE);
}

static uint32_t rdpkru(void)
{
	uint32_t eax, edx;
	__asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

/* The first key other than 0 whose two PKRU bits are both clear: one this
 * code may write (its domain's, or the alternate stacks'), else -1. */
static int writable_key(void)
{
	uint32_t v = has_pku() ? rdpkru() : 0xffffffffu;
	for (int k = 1; k < 16; k++)
		if (!((v >> (2 * k)) & 3))
			return k;
	return -1;
}

static uintptr_t page_of(const volatile void *p)
{
	return (uintptr_t)p & ~(PAGE - 1);
}

static long write_canary(struct efh_args *a)
{
	*a->canary = a->canary_value;
	return 0;
}

/* ---- System calls, by the way in ---------------------------------- */

long efh_syscall_dup2(struct efh_args *a)
{
	return SYS(SYS_dup2, a->pipe_rd, a->file_fd);
}

long efh_host_libc_dup2(struct efh_args *a)
{
	return via(a->host_syscall, SYS_dup2, a->pipe_rd, a->file_fd, 0, 0);
}

long efh_int80_dup2(struct efh_args *a)
{
	return int80(63, a->pipe_rd, a->file_fd, 0);
}

long efh_x32_dup2(struct efh_args *a)
{
	return SYS(SYS_dup2 | 0x40000000, a->pipe_rd, a->file_fd);
}

long efh_sysenter_dup2(struct efh_args *a)
{
	/* The kernel reads the sixth argument at ebp: a page below 4 GiB. */
	long low = SYS(SYS_mmap, 0x10000, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	return sysenter4(63, a->pipe_rd, a->file_fd, low < 0 ? 0 : low);
}

long efh_int80_ptrace(struct efh_args *a)
{
	(void)a;
	return int80(26, 0 /* PTRACE_TRACEME */, 0, 0);
}

/* ---- System calls, by what they do -------------------------------- */

long efh_mmap_fixed(struct efh_args *a)
{
	return SYS(SYS_mmap, page_of(a->canary), PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

long efh_mremap_fixed(struct efh_args *a)
{
	char *p = malloc(3 * PAGE);
	if (!p)
		return -ENOMEM;
	memset(p, 0x66, 3 * PAGE);
	return SYS(SYS_mremap, page_of(p + PAGE), PAGE, PAGE,
		   MREMAP_MAYMOVE | MREMAP_FIXED, page_of(a->canary));
}

long efh_brk(struct efh_args *a)
{
	/* brk answers the break it keeps, not an error. */
	long r = SYS(SYS_brk, a->brk_start);
	return r == (long)a->brk_start ? r : r < 0 ? r : -EINVAL;
}

static char *const exe_argv[] = { "/proc/self/exe", "--exec-probe", NULL };
static char *const no_env[] = { NULL };

long efh_execve(struct efh_args *a)
{
	(void)a;
	return SYS(SYS_execve, exe_argv[0], exe_argv, no_env);
}

long efh_execveat(struct efh_args *a)
{
	(void)a;
	return SYS(SYS_execveat, AT_FDCWD, exe_argv[0], exe_argv, no_env, 0);
}

long efh_clone(struct efh_args *a)
{
	(void)a;
	return forklike(SYS_clone, SIGCHLD, 0);
}

long efh_clone3(struct efh_args *a)
{
	static struct clone_args ca = { .exit_signal = SIGCHLD };
	(void)a;
	return forklike(SYS_clone3, (long)&ca, sizeof ca);
}

long efh_fork(struct efh_args *a)
{
	(void)a;
	return forklike(SYS_fork, 0, 0);
}

long efh_vfork(struct efh_args *a)
{
	(void)a;
	return forklike(SYS_vfork, 0, 0);
}

long efh_seccomp(struct efh_args *a)
{
	static struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	static struct sock_fprog prog = { sizeof f / sizeof *f, f };
	(void)a;
	/* A filter needs no_new_privs, which the runtime sets anyway. */
	SYS(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	return SYS(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

long efh_prctl_tsc(struct efh_args *a)
{
	(void)a;
	return SYS(SYS_prctl, PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0);
}

long efh_prctl_dumpable(struct efh_args *a)
{
	(void)a;
	return SYS(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0);
}

long efh_prctl_sud(struct efh_args *a)
{
	static volatile char selector = 1;      /* SYSCALL_DISPATCH_FILTER_BLOCK */
	(void)a;
	return SYS(SYS_prctl, PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON,
		   0, 0, &selector);
}

long efh_rseq(struct efh_args *a)
{
	static unsigned char area[32] __attribute__((aligned(32)));
	(void)a;
	return SYS(SYS_rseq, area, sizeof area, 0, 0x53053053);
}

long efh_memfd_exec(struct efh_args *a)
{
	static const char ret_insn[] = "\xc3";
	long fd = SYS(SYS_memfd_create, "efh", 0), r;
	(void)a;
	if (fd < 0)
		return fd;
	r = SYS(SYS_ftruncate, fd, PAGE);
	if (r >= 0)
		r = SYS(SYS_pwrite64, fd, ret_insn, 1, 0);
	if (r >= 0)
		r = SYS(SYS_mmap, 0, PAGE, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	SYS(SYS_close, fd);
	return r;
}

long efh_mmap_exec(struct efh_args *a)
{
	(void)a;
	return SYS(SYS_mmap, 0, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/* The canary's value through fd, an open /proc/self/mem. */
static long mem_write(struct efh_args *a, long fd)
{
	long r;
	if (fd < 0)
		return fd;
	r = SYS(SYS_pwrite64, fd, &a->canary_value, sizeof a->canary_value,
		(uintptr_t)a->canary);
	SYS(SYS_close, fd);
	return r;
}

long efh_open_proc_mem(struct efh_args *a)
{
	return mem_write(a, SYS(SYS_open, "/proc/self/mem", O_RDWR));
}

long efh_creat_proc_mem(struct efh_args *a)
{
	return mem_write(a, SYS(SYS_creat, "/proc/self/mem", 0600));
}

long efh_host_libc_open_proc_mem(struct efh_args *a)
{
	return mem_write(a, via(a->host_syscall, SYS_open, (long)"/proc/self/mem", O_RDWR, 0, 0));
}

long efh_dup3(struct efh_args *a)
{
	return SYS(SYS_dup3, a->file_fd, a->pipe_wr, O_CLOEXEC);
}

long efh_close_host_fd(struct efh_args *a)
{
	return SYS(SYS_close, a->file_fd);
}

long efh_read_host_pipe(struct efh_args *a)
{
	return SYS(SYS_read, a->pipe_rd, a->buf, a->buf_bytes);
}

long efh_pread_host_file(struct efh_args *a)
{
	return SYS(SYS_pread64, a->file_fd, a->buf, a->buf_bytes, 0);
}

long efh_write_host_pipe(struct efh_args *a)
{
	return SYS(SYS_write, a->pipe_wr, "injected", 8);
}

long efh_pkey_alloc(struct efh_args *a)
{
	(void)a;
	return SYS(SYS_pkey_alloc, 0, 0);
}

long efh_pkey_free(struct efh_args *a)
{
	/* The runtime's shared key: the one PKRU leaves readable only. */
	uint32_t v = has_pku() ? rdpkru() : 0;
	int key = -1;
	(void)a;
	for (int k = 1; k < 16 && key < 0; k++)
		if (((v >> (2 * k)) & 3) == 2)
			key = k;
	return SYS(SYS_pkey_free, key < 0 ? 1 : key);
}

long efh_pkey_mprotect(struct efh_args *a)
{
	long r = SYS(SYS_pkey_mprotect, page_of(a->canary), PAGE,
		     PROT_READ | PROT_WRITE, writable_key());
	return r < 0 ? r : write_canary(a);
}

long efh_host_libc_pkey_mprotect(struct efh_args *a)
{
	long r = via(a->host_syscall, SYS_pkey_mprotect, (long)page_of(a->canary),
		     PAGE, PROT_READ | PROT_WRITE, writable_key());
	return r < 0 ? r : write_canary(a);
}

long efh_ptrace(struct efh_args *a)
{
	(void)a;
	return SYS(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0);
}

long efh_process_vm_writev(struct efh_args *a)
{
	struct iovec local = { &a->canary_value, sizeof a->canary_value };
	struct iovec remote = { (void *)a->canary, sizeof a->canary_value };
	return SYS(SYS_process_vm_writev, pid(), &local, 1, &remote, 1, 0);
}

long efh_kill_self(struct efh_args *a)
{
	(void)a;
	return SYS(SYS_kill, pid(), SIGKILL);
}

long efh_tgkill_self(struct efh_args *a)
{
	(void)a;
	return SYS(SYS_tgkill, pid(), tid(), SIGTERM);
}

long efh_exit_group(struct efh_args *a)
{
	(void)a;
	return SYS(SYS_exit_group, 7);
}

long efh_exit(struct efh_args *a)
{
	(void)a;
	return SYS(SYS_exit, 7);
}

long efh_setrlimit(struct efh_args *a)
{
	struct rlimit rl;
	long r = SYS(SYS_getrlimit, RLIMIT_NOFILE, &rl);
	(void)a;
	if (r < 0)
		return r;
	rl.rlim_cur = 3;
	return SYS(SYS_setrlimit, RLIMIT_NOFILE, &rl);
}

long efh_chdir(struct efh_args *a)
{
	(void)a;
	return SYS(SYS_chdir, "/proc");
}

long efh_umask(struct efh_args *a)
{
	(void)a;
	return SYS(SYS_umask, 0);
}

long efh_setitimer(struct efh_args *a)
{
	struct itimerval v = { { 30, 0 }, { 30, 0 } };
	(void)a;
	return SYS(SYS_setitimer, ITIMER_REAL, &v, 0);
}

/* ---- Signals ------------------------------------------------------ */

/* struct sigaction as the kernel reads it; the kernel's flag for a
 * restorer, which libc's headers do not export. */
#define SA_RESTORER 0x04000000
struct ksigaction {
	void *handler;
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

void restorer(void) HIDDEN;
__asm__(".text\n"
	".globl restorer\n .hidden restorer\n .type restorer, @function\n"
	"restorer:\n mov $15, %eax\n syscall\n"
	".size restorer, . - restorer\n");

static void handler(int sig)
{
	(void)sig;
}

long efh_sigaction_handler(struct efh_args *a)
{
	struct ksigaction sa = { (void *)handler, SA_RESTORER, restorer, 0 };
	(void)a;
	return SYS(SYS_rt_sigaction, SIGUSR1, &sa, 0, 8);
}

long efh_sigaction_segv_default(struct efh_args *a)
{
	struct ksigaction sa = { SIG_DFL, 0, 0, 0 };
	(void)a;
	return SYS(SYS_rt_sigaction, SIGSEGV, &sa, 0, 8);
}

long efh_sigprocmask(struct efh_args *a)
{
	uint64_t all = ~(uint64_t)0;
	(void)a;
	return SYS(SYS_rt_sigprocmask, SIG_BLOCK, &all, 0, 8);
}

static stack_t own_stack(void)
{
	stack_t ss = { malloc(1 << 16), 0, 1 << 16 };
	return ss;
}

long efh_sigaltstack(struct efh_args *a)
{
	stack_t ss = own_stack();
	(void)a;
	return SYS(SYS_sigaltstack, &ss, 0);
}

/* A signal frame written from scratch, with room below it for the frame
 * of a signal that a refused rt_sigreturn may bring, and an XSAVE area
 * of the current state. */
static struct {
	unsigned char room[16384];
	ucontext_t uc;
} frame __attribute__((aligned(64)));
static unsigned char xsave_area[16384] __attribute__((aligned(64)));
static uint64_t scratch;

/* rt_sigreturn to a write of the canary (open_key0: with key 0 opened in
 * the frame's PKRU) or of a word of the library's, with the alternate
 * stack *alt (NULL: none, which the kernel ignores). */
static long forged_sigreturn(struct efh_args *a, int open_key0, const stack_t *alt)
{
	ucontext_t *uc = &frame.uc;
	unsigned eax, ebx, ecx, edx;
	uint64_t xcr0 = 0;
	uint32_t size = 0;

	memset(uc, 0, sizeof *uc);
	if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_OSXSAVE)) {
		__asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
		xcr0 = (uint64_t)edx << 32 | eax;
		__cpuid_count(0xd, 0, eax, size, ecx, edx);
	}
	if (size && size + 4 <= sizeof xsave_area) {
		unsigned char *x = xsave_area;
		uint32_t magic1 = 0x46505853u, magic2 = 0x46505845u, ext = size + 4;
		memset(x, 0, size + 4);
		__asm__ volatile("xsave64 %0" : "+m"(*(unsigned char (*)[sizeof xsave_area])x)
				 : "a"((uint32_t)xcr0), "d"((uint32_t)(xcr0 >> 32)));
		/* struct _fpx_sw_bytes: what the kernel checks. */
		memcpy(x + 464, &magic1, 4);
		memcpy(x + 468, &ext, 4);
		memcpy(x + 472, &xcr0, 8);
		memcpy(x + 480, &size, 4);
		memcpy(x + size, &magic2, 4);
		if (open_key0 && (xcr0 & 0x200)) {
			uint32_t off, pkru;
			__cpuid_count(0xd, 9, eax, off, ecx, edx);
			memcpy(&pkru, x + off, 4);
			pkru &= ~3u;
			memcpy(x + off, &pkru, 4);
			x[513] |= 0x02;          /* XSTATE_BV bit 9: PKRU */
		}
		uc->uc_mcontext.fpregs = (fpregset_t)x;
		uc->uc_flags = 1;                /* UC_FP_XSTATE */
	}
	uc->uc_mcontext.gregs[REG_RDI] = open_key0 ? (greg_t)a->canary : (greg_t)&scratch;
	uc->uc_mcontext.gregs[REG_RSI] = (greg_t)a->canary_value;
	uc->uc_mcontext.gregs[REG_EFL] = 0x202;
	uc->uc_mcontext.gregs[REG_CSGSFS] = 0x33 | (greg_t)0x2b << 48;
	if (alt)
		uc->uc_stack = *alt;
	return sigreturn_to(uc);
}

long efh_sigreturn_pkru(struct efh_args *a)
{
	return forged_sigreturn(a, 1, NULL);
}

long efh_sigreturn_altstack(struct efh_args *a)
{
	stack_t ss = own_stack();
	return forged_sigreturn(a, 0, &ss);
}

static long raise_own(int sig)
{
	return SYS(SYS_tgkill, pid(), tid(), sig);
}

long efh_raise_sigsys(struct efh_args *a)
{
	(void)a;
	return raise_own(SIGSYS);
}

long efh_raise_sigsegv(struct efh_args *a)
{
	(void)a;
	return raise_own(SIGSEGV);
}

/* ---- Gadgets ------------------------------------------------------ */

long efh_pkey_set_call(struct efh_args *a)
{
	pkey_set(0, 0);
	return write_canary(a);
}

long efh_pkey_set_wrpkru(struct efh_args *a)
{
	const unsigned char *f = (const unsigned char *)(void *)pkey_set, *w = NULL;
	long ax = 0, cx = 0, dx = 0;

	for (unsigned i = 0; i < 128 && !w; i++)
		if (f[i] == 0x0f && f[i + 1] == 0x01 && f[i + 2] == 0xef)
			w = f + i;
	if (!w)
		return EFH_GONE;
	/* wrpkru; xor %eax, %eax; ret */
	__asm__ volatile("sub $128, %%rsp\n\tcall *%3\n\tadd $128, %%rsp"
			 : "+a"(ax), "+c"(cx), "+d"(dx) : "r"(w)
			 : "rsi", "rdi", "r8", "r9", "r10", "r11", "memory");
	return write_canary(a);
}

long efh_host_pkey_set(struct efh_args *a)
{
	if (a->host_pkey_set)
		((int (*)(int, unsigned))a->host_pkey_set)(0, 0);
	return write_canary(a);
}

long efh_ldso_xrstor(struct efh_args *a)
{
	static unsigned char room[PAGE + 8192] __attribute__((aligned(64)));
	unsigned char *area = room + PAGE;
	unsigned eax, ebx = 0, ecx, edx;
	uint64_t bv = 0x200;

	if (!a->ldso_xrstor || a->xrstor_disp > PAGE)
		return EFH_GONE;
	/* PKRU's component (CPUID 0xd, 9: its offset) holds 0: every key open. */
	memset(area, 0, 8192);
	__cpuid_count(0xd, 9, eax, ebx, ecx, edx);
	if (eax >= 4 && ebx + 4 <= 8192)
		memcpy(area + 512, &bv, sizeof bv);
	return xrstor_jump(a->ldso_xrstor, area - a->xrstor_disp, a->canary,
			   a->canary_value);
}

/* A call to the wrpkru of a runtime entry that sets PKRU from eax, with
 * eax = pkru, ecx = edx = 0 and the arguments the entry expects (it moves
 * r8 back to rdx after its wrpkru), from an rsp aligned as at a handler's
 * start. */
long entry_call(const void *at, long sig, void *si, void *uc, uint32_t pkru) HIDDEN;
__asm__(".text\n"
	".globl entry_call\n .hidden entry_call\n .type entry_call, @function\n"
	"entry_call:\n"
	"	mov %rdi, %r11\n mov %r8d, %eax\n"
	"	mov %rsi, %rdi\n mov %rdx, %rsi\n mov %rcx, %r8\n"
	"	xor %ecx, %ecx\n xor %edx, %edx\n"
	"	sub $8, %rsp\n call *%r11\n add $8, %rsp\n"
	"	ret\n"
	".size entry_call, . - entry_call\n");

/* A jump to the wrpkru at `at` as entry_call makes it, on the stack
 * pointer rsp, after storing into gregs (a ucontext's) a stack pointer and
 * an instruction pointer that resume it: returns 1 when something resumed
 * it there, as a signal frame built from that ucontext would. */
long entry_jump(const void *at, uint32_t pkru, long sig, void *si, void *uc,
		void *rsp, greg_t *gregs) HIDDEN;
__asm__(".text\n"
	".globl entry_jump\n .hidden entry_jump\n .type entry_jump, @function\n"
	"entry_jump:\n"
	"	push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
	"	mov 56(%rsp), %rax\n"
	"	mov %rsp, 8 * 15(%rax)\n"          /* REG_RSP */
	"	lea 1f(%rip), %r10\n"
	"	mov %r10, 8 * 16(%rax)\n"          /* REG_RIP */
	"	mov %rdi, %r11\n mov %esi, %eax\n"
	"	mov %rdx, %rdi\n mov %rcx, %rsi\n"
	"	mov %r9, %rsp\n"
	"	xor %ecx, %ecx\n xor %edx, %edx\n"
	"	jmp *%r11\n"
	"1:	pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
	"	mov $1, %eax\n"
	"	ret\n"
	".size entry_jump, . - entry_jump\n");

static uint32_t host_pkru(const struct efh_args *a)
{
	return a->host_pkru ? *a->host_pkru : 0;
}

long efh_signal_entry(struct efh_args *a)
{
	if (a->signal_entry)
		entry_call(a->signal_entry, SIGUSR2, NULL, NULL, 0);
	return write_canary(a);
}

/* The host's own PKRU, which passes the check after the wrpkru, and a
 * signal the entry passes on to no handler: it returns to its caller.
 * With a thread pointer of 0, so that what the runtime makes of the
 * attempt cannot rest on the thread pointer. */
long efh_signal_entry_host_pkru(struct efh_args *a)
{
	static siginfo_t si;
	static ucontext_t uc;
	uint64_t fs = 0;
	int fsgsbase = (getauxval(AT_HWCAP2) & 2) != 0;
	if (!a->signal_entry || !a->host_pkru)
		return EFH_GONE;
	if (fsgsbase)
		__asm__ volatile("rdfsbase %0\n wrfsbase %1" : "=&r"(fs) : "r"(0L));
	entry_call(a->signal_entry, SIGXCPU, &si, &uc, host_pkru(a));
	if (fsgsbase)
		__asm__ volatile("wrfsbase %0" : : "r"(fs));
	return write_canary(a);
}

/* The host wrpkru of a gate's exit or of a callback entry, where no call
 * is inside their slot: what follows it takes the slot's host stack
 * pointer, which is no stack. */
long efh_idle_gate_exit(struct efh_args *a)
{
	if (!a->idle_exit || !a->host_pkru)
		return EFH_GONE;
	entry_call(a->idle_exit, 0, NULL, NULL, host_pkru(a));
	return write_canary(a);
}

long efh_idle_callback_entry(struct efh_args *a)
{
	if (!a->idle_cbentry || !a->host_pkru)
		return EFH_GONE;
	entry_call(a->idle_cbentry, 0, NULL, NULL, host_pkru(a));
	return write_canary(a);
}

/* The stack pointer in the thread's own area, as the kernel's would be
 * (in its thread page, which needs no write), and a ucontext of the
 * library's whose XSAVE area is the start of the alternate stack: the
 * entry resumes "host code" from it through rt_sigreturn, with a PKRU
 * that XSAVE area does not hold. */
long efh_signal_entry_thread_area(struct efh_args *a)
{
	static siginfo_t si;
	static ucontext_t uc;
	if (!a->signal_entry || !a->host_pkru || !a->tpage)
		return EFH_GONE;
	uc.uc_mcontext.fpregs = (fpregset_t)((char *)a->tpage + MPK_ALTSTACK_AT);
	entry_jump(a->signal_entry, host_pkru(a), SIGXCPU, &si, &uc,
		   (char *)a->tpage + 2048, uc.uc_mcontext.gregs);
	return write_canary(a);
}

long efh_fault_entry(struct efh_args *a)
{
	static siginfo_t si = { .si_signo = SIGFPE, .si_code = FPE_INTDIV };
	static ucontext_t uc;
	if (a->fault_entry)
		entry_call(a->fault_entry, SIGFPE, &si, &uc, 0);
	return write_canary(a);
}

/* ---- CPU state ---------------------------------------------------- */

static long mxcsr(uint32_t clear, uint32_t set)
{
	uint32_t m;
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	m = (m & ~clear) | set;
	__asm__ volatile("ldmxcsr %0" : : "m"(m));
	return 0;
}

long efh_mxcsr_rounding(struct efh_args *a)
{
	(void)a;
	return mxcsr(0x6000, 0x6000);
}

long efh_mxcsr_ftz_daz(struct efh_args *a)
{
	(void)a;
	return mxcsr(0, 0x8040);
}

long efh_mxcsr_unmasked(struct efh_args *a)
{
	(void)a;
	return mxcsr(0x1f80, 0);
}

long efh_x87_cw(struct efh_args *a)
{
	uint16_t cw;
	(void)a;
	__asm__ volatile("fnstcw %0" : "=m"(cw));
	cw = (uint16_t)((cw & ~0x0f00) | 0x0c00);
	__asm__ volatile("fldcw %0" : : "m"(cw));
	return 0;
}

long efh_x87_stack(struct efh_args *a)
{
	(void)a;
	__asm__ volatile("fld1\n\tfld1\n\tfld1");
	return 0;
}

long efh_eflags_ac(struct efh_args *a)
{
	(void)a;
	__asm__ volatile("pushfq\n\torq $0x40000, (%%rsp)\n\tpopfq" : : : "cc", "memory");
	return 0;
}

long efh_eflags_df(struct efh_args *a)
{
	(void)a;
	__asm__ volatile("std" : : : "cc");
	return 0;
}

/* FS (fs = 1) or GS base := v, with wrfsbase/wrgsbase where the kernel
 * allows them, else arch_prctl. */
static long set_base(int fs, uint64_t v)
{
	if (getauxval(AT_HWCAP2) & 2) {
		if (fs)
			__asm__ volatile("wrfsbase %0" : : "r"(v) : "memory");
		else
			__asm__ volatile("wrgsbase %0" : : "r"(v) : "memory");
		return 0;
	}
	return SYS(SYS_arch_prctl, fs ? 0x1002 /* ARCH_SET_FS */ : 0x1001, v);
}

long efh_gs_base(struct efh_args *a)
{
	(void)a;
	return set_base(0, 0x5e5e000);
}

long efh_fs_base(struct efh_args *a)
{
	(void)a;
	return set_base(1, 0xf5f5000);
}

/* ---- Denial of service -------------------------------------------- */

long efh_endless_loop(struct efh_args *a)
{
	(void)a;
	for (;;)
		__asm__ volatile("" : : : "memory");
}

long efh_int3(struct efh_args *a)
{
	(void)a;
	__asm__ volatile("int3");
	return 0;
}

long efh_abort(struct efh_args *a)
{
	(void)a;
	abort();
}

long efh_huge_malloc(struct efh_args *a)
{
	const uint64_t chunk = 1 << 20;
	uint64_t done = 0;

	while (done < a->huge_bytes) {
		volatile char *p = malloc(chunk);
		if (!p)
			break;
		for (uint64_t i = 0; i < chunk; i += PAGE)
			p[i] = 1;
		done += chunk;
	}
	return (long)done;
}

/* ---- Threads ------------------------------------------------------ */

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
		      CLONE_THREAD | CLONE_SYSVSEM)

/* Flips the byte between a valid bool and an invalid one. */
static void flipper(void *arg)
{
	volatile uint8_t *flag = arg;
	for (;;) {
		*flag = 1;
		for (volatile int i = 0; i < 1000; i++)
			;
		*flag = 2;
		for (volatile int i = 0; i < 1000; i++)
			;
	}
}

static void spinner(void *arg)
{
	(void)arg;
	for (;;)
		__asm__ volatile("pause");
}

static long thread(void (*fn)(void *), void *arg)
{
	char *stack = malloc(1 << 16);
	if (!stack)
		return -ENOMEM;
	return spawn(THREAD_FLAGS, stack + (1 << 16), fn, arg);
}

long efh_thread_toctou(struct efh_args *a)
{
	return thread(flipper, (void *)a->flag);
}

long efh_thread_spin(struct efh_args *a)
{
	(void)a;
	return thread(spinner, NULL);
}

long efh_ok(long x)
{
	long *p = malloc(sizeof *p), r;
	if (!p)
		return -1;
	*p = 3 * x + 1;
	r = *p;
	free(p);
	return r;
}
