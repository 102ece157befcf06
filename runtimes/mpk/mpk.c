/* mpk.c: the mpk runtime's loader, keys, thread blocks and signals.  See
 * mpk.h for the model and gate.S for the gate. */
#define _GNU_SOURCE
#include "mpk.h"

#include <cpuid.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <link.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <unistd.h>

#define PAGE 4096u

ef_mpk_slot ef_mpk_slots[EF_MPK_SLOTS];
__thread ef_mpk_thread ef_mpk_tls;

/* gate.S */
extern unsigned char ef_mpk_shadow[PAGE];
extern void *const ef_mpk_gates[EF_MPK_SLOTS][2][EF_MPK_VARIANTS];
extern void *const ef_mpk_gate_exits[EF_MPK_SLOTS][2];
extern void *const ef_mpk_gate_traps[EF_MPK_SLOTS];
extern void *const ef_mpk_cbtramps[EF_MPK_SLOTS][2];
extern void ef_mpk_gate_poisoned(void);
extern void ef_mpk_signal_entry(int, siginfo_t *, void *);
extern void ef_mpk_fault_entry(int, siginfo_t *, void *);
extern void ef_mpk_set_fs(uintptr_t tp);
extern void ef_mpk_unwind(void *exit) __attribute__((noreturn));

/* Read by gate.S's signal entry, which runs with the kernel's default PKRU
 * (key 0 readable). */
uint32_t ef_mpk_host_pkru;
unsigned char ef_mpk_fsgsbase;
void (*ef_mpk_handlers[NSIG])(int, siginfo_t *, void *);

struct shadow {
	uint32_t foreign, host;
};
#define SHADOW(i) ((struct shadow *)(ef_mpk_shadow + (i) * 64))
_Static_assert(EF_MPK_SLOTS * 64 <= PAGE, "one shadow page");
_Static_assert(sizeof(ef_mpk_slot) == 128, "gate.S: SLOT_SIZE");
_Static_assert(offsetof(ef_mpk_slot, host_rsp) == 0 &&
	       offsetof(ef_mpk_slot, host_fs) == 8 &&
	       offsetof(ef_mpk_slot, tcb) == 16, "gate.S: S_*");
_Static_assert(offsetof(ef_mpk_thread, fn) == 0 &&
	       offsetof(ef_mpk_thread, stack_bytes) == 8 &&
	       offsetof(ef_mpk_thread, foreign_sp) == 16 &&
	       offsetof(ef_mpk_thread, status) == 24 &&
	       offsetof(ef_mpk_thread, expect) == 40, "gate.S: T_*");
_Static_assert(EF_E_FAULT == 11 && EF_E_BUSY == 12, "gate.S: EF_E_*");
_Static_assert(EF_MAX_CALLBACKS == 128, "gate.S: NCALLBACKS");

/* One loaded library set: a link namespace, its key, its thread block. */
struct ef_mpk_ns {
	char set[64];
	void *handle;
	int key;
	unsigned slot;
	ef_mpk_policy policy;
	void *arena;                /* the domain heap (libefheap.so) */
	size_t arena_bytes;
	unsigned char *tblock;      /* the domain's thread block mapping */
#define NS_DOMAINS 16
	ef_domain *domains[NS_DOMAINS]; /* open domains over it (callbacks find
				     * theirs by the foreign stack pointer) */
	ef_domain *cb_domain;       /* the last one a callback came from */
	volatile int poisoned;
	char refused[300];          /* why the set was loaded but refused */
	ef_mpk_fault fault;         /* what poisoned it */
	ef_mpk_scan_hit hits[EF_MPK_SCAN_KEPT]; /* the scan's first hits */
	unsigned nhits;             /* all of them */
};

static struct ef_mpk_ns namespaces[EF_MPK_SLOTS];
static unsigned nnamespaces;
static int shared_key = -1;
/* The alternate signal stacks' key: writable under every PKRU, because
 * before Linux 6.12 the kernel writes a signal frame under the interrupted
 * PKRU, and a fault on the foreign stack (its overflow above all) must
 * still get a frame somewhere. */
static int altstack_key = -1;
static int strict_scan;
/* Where XSAVE keeps PKRU (CPUID leaf 0xd, component 9), to read the
 * interrupted PKRU from a signal frame. */
static unsigned pkru_xsave_offset;
static ef_mpk_policy policy = EF_MPK_STRICT;
static __thread char last_error[512];

/* glibc's thread block geometry and where link_map keeps a module's static
 * TLS offset (exported for debuggers: _thread_db_* descriptors). */
static size_t tls_static_size, pthread_size, tid_offset, tls_offset_field;

static ef_status fail(ef_status s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
	return s;
}

const char *ef_mpk_error(void)
{
	return last_error[0] ? last_error : "no error";
}

static inline uint32_t rdpkru(void)
{
	uint32_t eax, edx;
	__asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static inline void wrpkru(uint32_t v)
{
	__asm__ volatile("wrpkru" : : "a"(v), "c"(0), "d"(0) : "memory");
}

static inline uintptr_t thread_pointer(void)
{
	uintptr_t tp;
	__asm__("mov %%fs:0, %0" : "=r"(tp));
	return tp;
}

const char *ef_mpk_unavailable(void)
{
	static char why[256];
	static int checked;
	unsigned a, b, c, d;
	int k;

	if (checked)
		return why[0] ? why : NULL;
	checked = 1;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		snprintf(why, sizeof why, "CPUID has no leaf 7, so no "
			 "protection keys");
	else if (!(c & bit_PKU))
		snprintf(why, sizeof why, "the CPU has no protection keys "
			 "(CPUID.(EAX=7,ECX=0):ECX.PKU[bit 3] = 0)");
	else if (!(c & bit_OSPKE))
		snprintf(why, sizeof why, "the kernel has not enabled "
			 "protection keys (CPUID OSPKE = 0: a kernel without "
			 "CONFIG_X86_INTEL_MEMORY_PROTECTION_KEYS, or nopku)");
	else if ((k = pkey_alloc(0, 0)) < 0)
		snprintf(why, sizeof why, "pkey_alloc failed: %s",
			 strerror(errno));
	else
		pkey_free(k);
	return why[0] ? why : NULL;
}

void ef_mpk_set_policy(ef_mpk_policy p) { policy = p; }
ef_mpk_policy ef_mpk_policy_get(void) { return policy; }
int ef_mpk_shared_key(void) { return shared_key; }
int ef_mpk_uses_fsgsbase(void) { return ef_mpk_fsgsbase; }

/* A loaded object's program headers.  dl_iterate_phdr reports only its
 * caller's namespace, so for a domain's objects they are read where the
 * loader mapped them: a shared object's first segment maps the ELF header
 * (file offset 0, address 0) at l_addr, and the header table with it. */
struct object {
	uintptr_t addr;
	const ElfW(Phdr) *phdr;
	unsigned phnum;
};

static int object_of(const struct link_map *l, struct object *o)
{
	const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)l->l_addr;

	if (!l->l_addr || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_phentsize != sizeof(ElfW(Phdr)))
		return -1;
	o->addr = l->l_addr;
	o->phdr = (const ElfW(Phdr) *)(l->l_addr + eh->e_phoff);
	o->phnum = eh->e_phnum;
	return 0;
}

/* Tag every mapping inside [lo, hi) with `key`, keeping its protection
 * (so RELRO stays read-only and gaps stay inaccessible). */
static ef_status tag_range(uintptr_t lo, uintptr_t hi, int key)
{
	static char maps[1 << 20];
	size_t n = 0;
	ssize_t r;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return fail(EF_E_UNAVAILABLE, "cannot read /proc/self/maps: %s",
			    strerror(errno));
	while (n < sizeof maps - 1 &&
	       (r = (ssize_t)fread(maps + n, 1, sizeof maps - 1 - n, f)) > 0)
		n += (size_t)r;
	fclose(f);
	maps[n] = 0;
	for (char *line = maps; *line; ) {
		char *next = strchr(line, '\n');
		unsigned long s, e;
		char perms[5];
		if (next)
			*next++ = 0;
		else
			next = line + strlen(line);
		if (sscanf(line, "%lx-%lx %4s", &s, &e, perms) == 3 &&
		    e > lo && s < hi) {
			int prot = (perms[0] == 'r' ? PROT_READ : 0) |
				   (perms[1] == 'w' ? PROT_WRITE : 0) |
				   (perms[2] == 'x' ? PROT_EXEC : 0);
			uintptr_t a = s > lo ? s : lo, b = e < hi ? e : hi;
			if (pkey_mprotect((void *)a, b - a, prot, key))
				return fail(EF_E_UNAVAILABLE, "pkey_mprotect of "
					    "%#lx-%#lx failed: %s", (unsigned long)a,
					    (unsigned long)b, strerror(errno));
		}
		line = next;
	}
	return EF_OK;
}

/* A handler in the three-argument form, or NULL for SIG_DFL and SIG_IGN
 * (and a NULL action). */
typedef void (*handler_fn)(int, siginfo_t *, void *);
static handler_fn handler_of(const struct sigaction *sa)
{
	if (!sa || sa->sa_handler == SIG_DFL || sa->sa_handler == SIG_IGN)
		return NULL;
	return sa->sa_flags & SA_SIGINFO ? sa->sa_sigaction
		: (handler_fn)(void (*)(void))sa->sa_handler;
}

/* The host's PKRU, as the gates restore it: every key the runtime
 * allocated is open to the host (pkey_alloc opened it in this thread). */
static void host_pkru_changed(void)
{
	ef_mpk_host_pkru = rdpkru();
	for (unsigned i = 0; i < EF_MPK_SLOTS; i++)
		SHADOW(i)->host = ef_mpk_host_pkru;
}

/* The system-call filter.  Protection keys do not cover what the kernel
 * does on a thread's behalf with other permissions: pkey_mprotect can
 * give host memory a domain's key, mprotect, munmap, mremap and madvise
 * can change or drop it, pkey_free and pkey_alloc can recycle keys,
 * process_vm_writev and /proc/self/mem write memory without looking at
 * PKRU.  A seccomp filter, installed for every thread with the first
 * domain, answers EPERM:
 *   - to process_vm_readv, process_vm_writev and ptrace, from anyone;
 *   - to mprotect, pkey_mprotect, munmap, mremap, madvise, pkey_alloc,
 *     pkey_free, open, openat and openat2, unless the system call
 *     instruction lies in the host's C library or in ld.so.
 * The namespace has its own copy of the C library, so a foreign library
 * that makes these calls, through its libc or directly, is refused.  The
 * filter sees only the instruction pointer: foreign code that jumps to
 * a syscall instruction of the host's libc (code reuse) passes, as it
 * could also jump to a wrpkru (see the load-time scan). */
struct code_range { uintptr_t lo, hi; };
extern void *__tls_get_addr(void *);   /* ld.so's */

static int exec_range_of(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct code_range *r = arg;   /* r->lo: an address inside, on entry */
	(void)size;
	for (unsigned j = 0; j < info->dlpi_phnum; j++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[j];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) &&
		    r->lo >= lo && r->lo < hi) {
			r->lo = lo, r->hi = hi;
			return 1;
		}
	}
	return 0;
}

static ef_status install_syscall_filter(void)
{
	static const int ip_checked[] = {
		SYS_mprotect, SYS_pkey_mprotect, SYS_munmap, SYS_mremap,
		SYS_madvise, SYS_pkey_alloc, SYS_pkey_free, SYS_open,
		SYS_openat, SYS_openat2,
	};
	static const int denied[] = {
		SYS_process_vm_readv, SYS_process_vm_writev, SYS_ptrace,
	};
	struct code_range libc = { (uintptr_t)(void *)&mprotect, 0 };
	struct code_range ldso = { (uintptr_t)(void *)&__tls_get_addr, 0 };
	struct sock_filter f[64];
	struct sock_fprog prog = { 0, f };
	unsigned n = 0, nchecked = sizeof ip_checked / sizeof *ip_checked;
	unsigned ndenied = sizeof denied / sizeof *denied;
#define ST(code, k) (f[n++] = (struct sock_filter)BPF_STMT(code, k))
#define JMP(code, k, jt, jf) (f[n++] = (struct sock_filter)BPF_JUMP(code, k, jt, jf))
	if (!dl_iterate_phdr(exec_range_of, &libc) || !dl_iterate_phdr(exec_range_of, &ldso) ||
	    libc.lo >> 32 != (libc.hi - 1) >> 32 || ldso.lo >> 32 != (ldso.hi - 1) >> 32)
		return fail(EF_E_UNAVAILABLE, "cannot find the code of the host's "
			    "C library and ld.so for the system-call filter");
	ST(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	JMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	ST(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	ST(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (unsigned k = 0; k < ndenied; k++)      /* to DENY */
		JMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)denied[k],
		    (unsigned char)(ndenied - k + nchecked + 11), 0);
	for (unsigned k = 0; k < nchecked; k++)     /* to CHECK */
		JMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)ip_checked[k],
		    (unsigned char)(nchecked - k), 0);
	ST(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	/* CHECK: allowed when lo <= ip < hi for libc or ld.so (same high
	 * half; 9 instructions) */
	ST(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer) + 4);
	JMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(libc.lo >> 32), 0, 4);
	ST(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer));
	JMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)libc.lo, 0, 1);
	JMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)libc.hi, 0, 5);
	ST(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer) + 4);
	JMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(ldso.lo >> 32), 0, 4);
	ST(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer));
	JMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)ldso.lo, 0, 2);
	/* (the 10th: its jump lands on DENY or ALLOW) */
	JMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)ldso.hi, 1, 0);
	ST(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	ST(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);   /* DENY */
#undef ST
#undef JMP
	prog.len = (unsigned short)n;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog))
		return fail(EF_E_UNAVAILABLE, "cannot install the system-call "
			    "filter: %s", strerror(errno));
	return EF_OK;
}

/* Once per process: the shared key, the shadow page, the loader's data,
 * glibc's thread block geometry. */
static ef_status global_init(void)
{
	static ef_status done = (ef_status)-1;
	void (*static_info)(size_t *, size_t *);
	const uint32_t *size, *tid, *tls_offset;
	size_t align;
	uintptr_t ldso = getauxval(AT_BASE);

	if (done != (ef_status)-1)
		return done;
	done = EF_E_UNAVAILABLE;
	/* wrfsbase where the kernel enables FSGSBASE (HWCAP2 bit 1, Linux 5.9
	 * and later); otherwise the gates switch the thread pointer with
	 * arch_prctl, two system calls per round trip.  EFBENCH_MPK_FSGSBASE=0
	 * forces that path, to test and measure it. */
	ef_mpk_fsgsbase = (getauxval(AT_HWCAP2) & 2) != 0;
	if (getenv("EFBENCH_MPK_FSGSBASE") && !strcmp(getenv("EFBENCH_MPK_FSGSBASE"), "0"))
		ef_mpk_fsgsbase = 0;

	static_info = (void (*)(size_t *, size_t *))dlsym(RTLD_DEFAULT, "_dl_get_tls_static_info");
	size = dlsym(RTLD_DEFAULT, "_thread_db_sizeof_pthread");
	tid = dlsym(RTLD_DEFAULT, "_thread_db_pthread_tid");
	tls_offset = dlsym(RTLD_DEFAULT, "_thread_db_link_map_l_tls_offset");
	if (!static_info || !size || !tid || !tls_offset)
		return fail(done, "this C library does not export the thread "
			    "block layout (_dl_get_tls_static_info, "
			    "_thread_db_sizeof_pthread, _thread_db_pthread_tid, "
			    "_thread_db_link_map_l_tls_offset); the mpk runtime "
			    "needs glibc 2.34 or later");
	static_info(&tls_static_size, &align);
	pthread_size = *size;
	tid_offset = tid[2];
	tls_offset_field = tls_offset[2];
	if (tls_static_size <= pthread_size || tid[0] != 32 || tls_offset[0] != 64)
		return fail(done, "unexpected glibc thread block layout");

	shared_key = pkey_alloc(0, 0);
	if (shared_key < 0)
		return fail(done, "pkey_alloc: %s", strerror(errno));
	/* The shadow page: the gate writes it under host PKRU; foreign code
	 * reads it. */
	if (pkey_mprotect(ef_mpk_shadow, PAGE, PROT_READ | PROT_WRITE, shared_key))
		return fail(done, "pkey_mprotect(shadow page): %s", strerror(errno));
	/* What the dynamic loader's code needs to read while foreign code
	 * runs: ld.so's RELRO segment, which holds _rtld_global_ro (the page
	 * size for getpagesize() and sysconf(), CPU features, the vDSO entry
	 * points).  It is read-only for everyone already; the shared key lets
	 * foreign code read it.  ld.so's writable data (_rtld_global: link
	 * maps, TLS generation, locks) stays host memory: dlmopen binds every
	 * symbol at load (RTLD_NOW) and the domain's __tls_get_addr reads
	 * only the domain's dtv (heap.c), so foreign code never needs it. */
	{
		struct link_map ld = { .l_addr = ldso };
		struct object o;
		if (object_of(&ld, &o))
			return fail(done, "cannot read ld.so's program headers");
		for (unsigned j = 0; j < o.phnum; j++) {
			const ElfW(Phdr) *ph = &o.phdr[j];
			uintptr_t lo, hi;
			if (ph->p_type != PT_GNU_RELRO)
				continue;
			lo = (ldso + ph->p_vaddr) & ~(uintptr_t)(PAGE - 1);
			hi = (ldso + ph->p_vaddr + ph->p_memsz) & ~(uintptr_t)(PAGE - 1);
			if (hi > lo && pkey_mprotect((void *)lo, hi - lo, PROT_READ, shared_key))
				return fail(done, "pkey_mprotect(ld.so RELRO): %s",
					    strerror(errno));
		}
	}
	altstack_key = pkey_alloc(0, 0);
	if (altstack_key < 0)
		return fail(done, "pkey_alloc: %s", strerror(errno));
	{
		unsigned a, b, c, d;
		__cpuid_count(0xd, 9, a, b, c, d);
		pkru_xsave_offset = a >= 4 ? b : 0;
	}
	host_pkru_changed();
	if ((done = install_syscall_filter()))
		return done;
	done = EF_E_UNAVAILABLE;
	/* Faults in foreign code end the call (ef_mpk_fault); a handler the
	 * program had is kept for faults of its own. */
	{
		static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };
		struct sigaction sa = { .sa_sigaction = ef_mpk_fault_entry,
			.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER };
		for (unsigned k = 0; k < sizeof sigs / sizeof *sigs; k++) {
			struct sigaction old;
			if (sigaction(sigs[k], &sa, &old))
				return fail(done, "sigaction: %s", strerror(errno));
			if (old.sa_sigaction != ef_mpk_signal_entry && handler_of(&old))
				ef_mpk_handlers[sigs[k]] = handler_of(&old);
		}
	}
	done = EF_OK;
	return done;
}

static int is_fault_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE;
}

/* PKRU while the domain with `key` runs: every key denied but its own,
 * the shared key read-only, and key 0 readable under EF_MPK_HOST_READ. */
static uint32_t foreign_pkru(int key, ef_mpk_policy p)
{
	uint32_t v = 0xffffffffu;
	v &= ~(3u << (2 * key));
	v &= ~(1u << (2 * shared_key));
	v &= ~(3u << (2 * altstack_key));
	if (p == EF_MPK_HOST_READ)
		v &= ~1u;
	return v;
}

/* The domain's thread block, in memory with the domain's key: glibc's
 * layout (TLS_TCB_AT_TP) with the static TLS area below the thread pointer
 * and struct pthread above it, followed by a dtv and the namespace's
 * dynamic TLS blocks.  The host's thread block stays host memory.
 *   - TCB head: self pointers, dtv, a canary and pointer guard of the
 *     domain's own (random; the host's are never copied), multiple_threads;
 *   - tid, for pthread_mutex_lock's owner field;
 *   - static TLS: the namespace libc's block (initial-exec TLS, placed by
 *     the loader in the static surplus), copied from the host thread's copy
 *     where the namespace's constructors initialised it; nothing of the
 *     host's own TLS;
 *   - dtv: every module of the namespace, allocated up front. */
static ef_status build_thread_block(struct ef_mpk_ns *ns, struct link_map *head)
{
	struct tls { const ElfW(Phdr) *ph; uintptr_t addr; size_t modid;
		     void *host; uintptr_t offset; int is_static; } tls[32];
	unsigned ntls = 0;
	size_t below = tls_static_size - pthread_size, modmax = 0, bytes;
	uintptr_t htp = thread_pointer(), tp, at;
	uint64_t *dtv;
	uint64_t guard[2];

	for (struct link_map *lm = head; lm; lm = lm->l_next) {
		struct object o;
		if (lm->l_addr == getauxval(AT_BASE) || object_of(lm, &o))
			continue;
		for (unsigned j = 0; j < o.phnum; j++) {
			struct tls *t;
			if (o.phdr[j].p_type != PT_TLS || !o.phdr[j].p_memsz)
				continue;
			if (ntls == sizeof tls / sizeof *tls)
				return fail(EF_E_NOMEM, "too many TLS modules");
			t = &tls[ntls++];
			t->ph = &o.phdr[j];
			t->addr = lm->l_addr;
			t->host = NULL;
			if (dlinfo(lm, RTLD_DI_TLS_MODID, &t->modid) ||
			    dlinfo(lm, RTLD_DI_TLS_DATA, &t->host))
				return fail(EF_E_UNAVAILABLE, "dlinfo(%s): %s",
					    lm->l_name, dlerror());
			/* Static TLS (initial-exec, e.g. the namespace's libc):
			 * the loader gave it an offset below every thread
			 * pointer and initialised the host thread's copy, which
			 * the namespace's constructors have since written.
			 * RTLD_DI_TLS_DATA cannot say: it answers NULL until
			 * the host thread's dtv catches up with the dlmopen. */
			t->offset = *(size_t *)((char *)lm + tls_offset_field);
			t->is_static = t->offset && t->offset != (size_t)-1 &&
				       t->offset <= below;
			if (t->is_static)
				t->host = (void *)(htp - t->offset);
			if (t->modid > modmax)
				modmax = t->modid;
		}
	}
	/* [static TLS][struct pthread][dtv][dynamic TLS blocks] */
	bytes = below + pthread_size + (modmax + 2) * 16;
	for (unsigned i = 0; i < ntls; i++)
		if (!tls[i].is_static)
			bytes += tls[i].ph->p_memsz + tls[i].ph->p_align + 16;
	bytes = (bytes + PAGE - 1) & ~(size_t)(PAGE - 1);
	ns->tblock = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ns->tblock == MAP_FAILED) {
		ns->tblock = NULL;
		return fail(EF_E_NOMEM, "mmap(thread block): %s", strerror(errno));
	}
	tp = (uintptr_t)ns->tblock + below;
	dtv = (uint64_t *)(tp + pthread_size);
	dtv[0] = modmax;                                  /* dtv[-1].counter */
	dtv[2] = (*(uint64_t **)(htp + 8))[0];            /* generation */
	at = (uintptr_t)(dtv + 2 * (modmax + 2));
	for (unsigned i = 0; i < ntls; i++) {
		const ElfW(Phdr) *ph = tls[i].ph;
		uintptr_t block;
		if (tls[i].is_static) {
			block = tp - tls[i].offset;
			memcpy((void *)block, tls[i].host, ph->p_memsz);
		} else {
			size_t al = ph->p_align ? ph->p_align : 1;
			block = (at + al - 1) & ~(uintptr_t)(al - 1);
			at = block + ph->p_memsz;
			if (tls[i].host)
				memcpy((void *)block, tls[i].host, ph->p_memsz);
			else
				memcpy((void *)block, (void *)(tls[i].addr + ph->p_vaddr),
				       ph->p_filesz);
		}
		dtv[2 + 2 * tls[i].modid] = block;
	}
	if (getrandom(guard, sizeof guard, 0) != sizeof guard)
		return fail(EF_E_UNAVAILABLE, "getrandom: %s", strerror(errno));
	guard[0] &= ~(uint64_t)0xff;      /* glibc's canaries start with NUL */
	((uint64_t *)tp)[0] = tp;                         /* tcb */
	((uint64_t *)tp)[1] = (uint64_t)(dtv + 2);        /* dtv */
	((uint64_t *)tp)[2] = tp;                         /* self */
	*(int *)(tp + 24) = *(int *)(htp + 24);           /* multiple_threads */
	((uint64_t *)tp)[5] = guard[0];                   /* stack_guard, 0x28 */
	((uint64_t *)tp)[6] = guard[1];                   /* pointer_guard, 0x30 */
	*(int32_t *)(tp + tid_offset) = (int32_t)gettid();
	if (pkey_mprotect(ns->tblock, bytes, PROT_READ | PROT_WRITE, ns->key))
		return fail(EF_E_UNAVAILABLE, "pkey_mprotect(thread block): %s",
			    strerror(errno));
	ef_mpk_slots[ns->slot].tcb = tp;
	return EF_OK;
}

/* The first object of the namespace's link map; -1 when dlinfo fails. */
static int namespace_head(const struct ef_mpk_ns *ns, struct link_map **lm)
{
	if (dlinfo(ns->handle, RTLD_DI_LINKMAP, lm))
		return -1;
	while ((*lm)->l_prev)
		*lm = (*lm)->l_prev;
	return 0;
}

/* The file name of a path, without its directories. */
static const char *base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	return slash ? slash + 1 : path;
}

/* Every offset of the namespace's executable segments (ld.so's, shared
 * with the host, included) that holds the bytes of wrpkru (0f 01 ef) or
 * xrstor (0f ae /5 with a memory operand): code that could write PKRU if
 * foreign code jumped there.  Recorded for the run's metadata; with
 * strict scanning, a reason to refuse the set. */
static ef_status scan_namespace(struct ef_mpk_ns *ns)
{
	struct link_map *lm;

	if (namespace_head(ns, &lm))
		return fail(EF_E_UNAVAILABLE, "dlinfo: %s", dlerror());
	ns->nhits = 0;
	for (struct link_map *l = lm; l; l = l->l_next) {
		struct object o;
		const char *name = base_name(l->l_name);
		if (object_of(l, &o))
			continue;
		for (unsigned j = 0; j < o.phnum; j++) {
			const ElfW(Phdr) *ph = &o.phdr[j];
			const unsigned char *p = (const unsigned char *)(o.addr + ph->p_vaddr);
			if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
				continue;
			for (size_t b = 0; b + 2 < ph->p_filesz; b++) {
				const char *insn = NULL;
				ef_mpk_scan_hit *h;
				if (p[b] != 0x0f)
					continue;
				if (p[b + 1] == 0x01 && p[b + 2] == 0xef)
					insn = "wrpkru";
				else if (p[b + 1] == 0xae && ((p[b + 2] >> 3) & 7) == 5 &&
					 (p[b + 2] >> 6) != 3)
					insn = "xrstor";
				if (!insn)
					continue;
				if (ns->nhits++ >= EF_MPK_SCAN_KEPT)
					continue;
				h = &ns->hits[ns->nhits - 1];
				h->addr = (uintptr_t)(p + b);
				h->insn = insn;
				snprintf(h->where, sizeof h->where, "%s+%#lx",
					 name && *name ? name : "?",
					 (unsigned long)(h->addr - o.addr));
			}
		}
	}
	if (strict_scan && ns->nhits)
		return fail(EF_E_UNAVAILABLE, "refused by strict scanning: %u "
			    "wrpkru/xrstor byte sequence%s in the namespace's "
			    "code, the first %s at %s", ns->nhits,
			    ns->nhits == 1 ? "" : "s", ns->hits[0].insn,
			    ns->hits[0].where);
	return EF_OK;
}

static ef_status load_namespace(struct ef_mpk_ns *ns, const char *set)
{
	char stub[128];
	void (*arena)(void **, size_t *);
	struct link_map *lm;
	Dl_info info;
	ef_status s;
	void *m;

	snprintf(ns->set, sizeof ns->set, "%s", set);
	snprintf(stub, sizeof stub, "libefstub-%s.so", set);
	ns->handle = dlmopen(LM_ID_NEWLM, stub, RTLD_NOW | RTLD_LOCAL);
	if (!ns->handle)
		return fail(EF_E_UNAVAILABLE, "dlmopen(%s): %s", stub, dlerror());
	arena = (void (*)(void **, size_t *))dlsym(ns->handle, "efheap_arena");
	m = dlsym(ns->handle, "malloc");
	if (!arena || !m || !dladdr(m, &info) ||
	    !strstr(info.dli_fname, "libefheap"))
		return fail(EF_E_UNAVAILABLE, "%s does not put libefheap.so "
			    "first: malloc in its namespace comes from %s", stub,
			    m && dladdr(m, &info) ? info.dli_fname : "nowhere");
	if ((s = scan_namespace(ns)))
		return s;
	ns->key = pkey_alloc(0, 0);
	if (ns->key < 0)
		return fail(EF_E_UNAVAILABLE, "pkey_alloc: %s (at most %u "
			    "domains)", strerror(errno), EF_MPK_SLOTS);
	host_pkru_changed();
	arena(&ns->arena, &ns->arena_bytes);
	if (!ns->arena_bytes)
		return fail(EF_E_NOMEM, "the domain heap could not reserve its arena");
	if (pkey_mprotect(ns->arena, ns->arena_bytes, PROT_READ | PROT_WRITE, ns->key))
		return fail(EF_E_UNAVAILABLE, "pkey_mprotect(domain heap): %s",
			    strerror(errno));

	if (namespace_head(ns, &lm))
		return fail(EF_E_UNAVAILABLE, "dlinfo: %s", dlerror());
	s = EF_OK;
	/* Every object of the namespace but ld.so, which all namespaces share
	 * with the host. */
	for (struct link_map *l = lm; l && !s; l = l->l_next) {
		struct object o;
		uintptr_t lo = UINTPTR_MAX, hi = 0;
		if (l->l_addr == getauxval(AT_BASE))
			continue;
		if (object_of(l, &o))
			return fail(EF_E_UNAVAILABLE, "cannot read the program "
				    "headers of %s", l->l_name);
		for (unsigned j = 0; j < o.phnum; j++) {
			const ElfW(Phdr) *ph = &o.phdr[j];
			if (ph->p_type != PT_LOAD)
				continue;
			if (l->l_addr + ph->p_vaddr < lo)
				lo = l->l_addr + ph->p_vaddr;
			if (l->l_addr + ph->p_vaddr + ph->p_memsz > hi)
				hi = l->l_addr + ph->p_vaddr + ph->p_memsz;
		}
		if (hi > lo)
			s = tag_range(lo & ~(uintptr_t)(PAGE - 1),
				      (hi + PAGE - 1) & ~(uintptr_t)(PAGE - 1), ns->key);
	}
	return s ? s : build_thread_block(ns, lm);
}

static struct ef_mpk_ns *find_namespace(const char *set, ef_status *s)
{
	struct ef_mpk_ns *ns;
	ef_mpk_slot *slot;

	for (unsigned i = 0; i < nnamespaces; i++)
		if (!strcmp(namespaces[i].set, set) &&
		    namespaces[i].policy == policy && !namespaces[i].poisoned) {
			if (namespaces[i].refused[0]) {
				*s = fail(EF_E_UNAVAILABLE, "%s", namespaces[i].refused);
				return NULL;
			}
			return &namespaces[i];
		}
	if (nnamespaces == EF_MPK_SLOTS) {
		*s = fail(EF_E_NOMEM, "all %u domain slots are in use", EF_MPK_SLOTS);
		return NULL;
	}
	ns = &namespaces[nnamespaces];
	memset(ns, 0, sizeof *ns);
	ns->slot = nnamespaces;
	ns->policy = policy;
	ns->key = -1;
	*s = load_namespace(ns, set);
	if (*s && ns->handle && ns->key < 0) {
		/* Loaded but refused: remembered, since a process has few
		 * link namespaces to spend. */
		snprintf(ns->refused, sizeof ns->refused, "%s", last_error);
		nnamespaces++;
		return NULL;
	}
	if (*s)
		return NULL;      /* the slot stays unused; its key is kept */
	slot = &ef_mpk_slots[ns->slot];
	slot->ns = ns;
	slot->serial = ns->slot + 1;
	for (unsigned v = 0; v < EF_MPK_VARIANTS; v++)
		slot->entry[v] = ef_mpk_gates[ns->slot][ef_mpk_fsgsbase][v];
	SHADOW(ns->slot)->foreign = foreign_pkru(ns->key, ns->policy);
	nnamespaces++;
	return ns;
}

/* The host's argument memory for a domain: anonymous, with the domain's
 * key, and a guard below it, which is below the foreign stack (see
 * ef_domain_open) and catches its overflow: 64 KiB, since a function with
 * a large frame can step over one page. */
#define GUARD (16 * PAGE)
static void *mpk_map(ef_domain *d, size_t bytes)
{
	ef_mpk_slot *slot = d->runtime_state;
	unsigned char *p = mmap(NULL, bytes + GUARD, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p, GUARD, PROT_NONE) ||
	    pkey_mprotect(p + GUARD, bytes, PROT_READ | PROT_WRITE, slot->ns->key)) {
		munmap(p, bytes + GUARD);
		return NULL;
	}
	return p + GUARD;
}

static void mpk_unmap(ef_domain *d, void *p, size_t bytes)
{
	(void)d;
	munmap((unsigned char *)p - GUARD, bytes + GUARD);
}

const ef_runtime ef_mpk_runtime = {
	.name = "mpk",
	.map = mpk_map,
	.unmap = mpk_unmap,
	.unavailable = ef_mpk_unavailable,
};

ef_status ef_mpk_open(ef_domain *d, const char *set, const ef_domain_config *cfg)
{
	ef_domain_config c = { 0 };
	struct ef_mpk_ns *ns;
	const char *why;
	ef_status s;

	last_error[0] = 0;
	memset(d, 0, sizeof *d);
	if ((why = ef_mpk_unavailable()))
		return fail(EF_E_UNAVAILABLE, "%s", why);
	if ((s = global_init()))
		return s;
	ns = find_namespace(set, &s);
	if (!ns)
		return s;
	if (cfg)
		c = *cfg;
	c.runtime_state = &ef_mpk_slots[ns->slot];
	if ((s = ef_domain_open(d, &ef_mpk_runtime, &c)))
		return fail(s, "cannot map the domain's memory: %s", ef_strerror(s));
	/* The domain heap's memory is foreign memory the host may upgrade
	 * pointers into. */
	if ((s = ef_domain_add_region(d, ns->arena, ns->arena_bytes,
				      EF_READ | EF_WRITE))) {
		ef_domain_close(d);
		return fail(s, "%s", ef_strerror(s));
	}
	for (unsigned k = 0; ; k++) {
		if (k == NS_DOMAINS) {
			ef_domain_close(d);
			return fail(EF_E_NOMEM, "more than %u domains open over "
				    "library set %s", k, set);
		}
		if (!ns->domains[k]) {
			ns->domains[k] = d;
			break;
		}
	}
	ef_mpk_thread_init();
	return EF_OK;
}

void ef_mpk_close(ef_domain *d)
{
	ef_mpk_slot *slot = d->runtime_state;

	if (slot && slot->ns)
		for (unsigned k = 0; k < NS_DOMAINS; k++)
			if (slot->ns->domains[k] == d)
				slot->ns->domains[k] = NULL;
	if (slot && slot->ns && slot->ns->cb_domain == d)
		slot->ns->cb_domain = NULL;
	if (d->runtime)
		ef_domain_close(d);
}

int ef_mpk_key(const ef_domain *d)
{
	const ef_mpk_slot *slot = d->runtime_state;
	return slot && slot->ns ? slot->ns->key : -1;
}

void *ef_mpk_symbol(const ef_domain *d, const char *name)
{
	const ef_mpk_slot *slot = d->runtime_state;
	return slot && slot->ns ? dlsym(slot->ns->handle, name) : NULL;
}

void *ef_mpk_lookup(ef_domain *d, const char *name, ef_mpk_sym *cache)
{
	ef_mpk_slot *slot = d->runtime_state;
	void *addr = ef_mpk_symbol(d, name);

	if (!addr) {
		fprintf(stderr, "efbench mpk runtime: no symbol %s in domain %s\n",
			name, slot && slot->ns ? slot->ns->set : "(closed)");
		abort();
	}
	ef_mpk_thread_init();
	cache->addr = addr;
	cache->serial = slot->serial;
	return addr;
}

/* The calling thread's alternate signal stack, with the key every domain
 * may write (see altstack_key): a guard page below 64 KiB.  A stack the
 * program set up itself is replaced, since a frame could not be written
 * to it while foreign code runs. */
#define ALTSTACK_BYTES (64u << 10)
static void alternate_stack(void)
{
	stack_t ss = { .ss_size = ALTSTACK_BYTES };
	unsigned char *p;

	if (altstack_key < 0)
		return;
	p = mmap(NULL, ALTSTACK_BYTES + PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || mprotect(p, PAGE, PROT_NONE) ||
	    pkey_mprotect(p + PAGE, ALTSTACK_BYTES, PROT_READ | PROT_WRITE, altstack_key)) {
		fprintf(stderr, "efbench mpk runtime: no alternate signal stack "
			"(%s): a foreign stack overflow will end the process\n",
			strerror(errno));
		return;
	}
	ss.ss_sp = p + PAGE;
	if (sigaltstack(&ss, NULL))
		fprintf(stderr, "efbench mpk runtime: sigaltstack: %s\n", strerror(errno));
}

/* glibc registers an rseq area inside the host thread block; the kernel
 * updates it on preemption and signal delivery under the interrupted PKRU,
 * and kills the process when that write faults, which it does whenever
 * foreign code is interrupted.  Unregistering it for threads that call
 * into domains removes the write; glibc then falls back to the system call
 * for sched_getcpu.  (GLIBC_TUNABLES=glibc.pthread.rseq=0 does the same for
 * a whole process.) */
void ef_mpk_thread_init(void)
{
	static __thread int ready;
	const unsigned sizes[] = { __rseq_size, 32 };

	if (ready)
		return;
	ready = 1;
	ef_mpk_tls.token = thread_pointer() | 1;   /* never a stack pointer */
	/* A thread started before the runtime allocated its keys has them
	 * closed in its PKRU. */
	if (altstack_key >= 0 && rdpkru() != ef_mpk_host_pkru)
		wrpkru(ef_mpk_host_pkru);
	alternate_stack();
	if (!__rseq_size)
		return;
	for (unsigned i = 0; i < 2; i++)
		if (!syscall(SYS_rseq, (void *)(thread_pointer() + __rseq_offset),
			     sizes[i], RSEQ_FLAG_UNREGISTER, RSEQ_SIG))
			return;
	fprintf(stderr, "efbench mpk runtime: cannot unregister rseq: %s; "
		"run with GLIBC_TUNABLES=glibc.pthread.rseq=0\n", strerror(errno));
}

int ef_mpk_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct sigaction a, prev;
	handler_fn prev_handler;
	int r;

	if (sig <= 0 || sig >= NSIG) {
		errno = EINVAL;
		return -1;
	}
	/* Without protection keys there is no foreign code to interrupt, and
	 * the entry stub's wrpkru would fault. */
	if (ef_mpk_unavailable())
		return sigaction(sig, act, old);
	if (!ef_mpk_host_pkru)
		ef_mpk_host_pkru = rdpkru();
	prev_handler = ef_mpk_handlers[sig];
	if (is_fault_signal(sig) && altstack_key >= 0) {
		/* The runtime's fault entry stays; it hands faults that are not
		 * a domain's to this handler. */
		if (old) {
			sigaction(sig, NULL, old);
			old->sa_flags |= SA_SIGINFO;
			old->sa_sigaction = prev_handler ? prev_handler
				: (handler_fn)(void (*)(void))SIG_DFL;
		}
		if (act)
			ef_mpk_handlers[sig] = handler_of(act);
		return 0;
	}
	if (handler_of(act)) {
		a = *act;
		ef_mpk_handlers[sig] = handler_of(act);
		a.sa_flags |= SA_SIGINFO;
		a.sa_sigaction = ef_mpk_signal_entry;
		r = sigaction(sig, &a, &prev);
	} else {
		r = sigaction(sig, act, &prev);
	}
	if (r)
		return r;
	if (old) {
		*old = prev;
		if (prev.sa_sigaction == ef_mpk_signal_entry)
			old->sa_sigaction = prev_handler;
	}
	return 0;
}

/* ---- Faults ------------------------------------------------------------
 *
 * ef_mpk_fault_entry (gate.S) sets host PKRU and comes here, on the
 * thread's alternate stack, with whatever thread pointer was in force.
 * A fault belongs to a domain when the interrupted PKRU (from the signal
 * frame's XSAVE area) is the foreign PKRU of a slot a call is inside, or
 * when it stopped at a slot's trap (a gate's PKRU check failed) with that
 * domain's thread pointer; and when the call inside that slot is this
 * thread's.  Such a fault poisons the namespace and unwinds the call
 * through its gate's exit; nothing returns to the signal frame, which
 * foreign code of another thread could write.  Anything else is the host's
 * and goes to the handler the program installed, or to the default action.
 * Until the thread pointer is the host's again, no TLS is touched. */

static uint32_t frame_pkru(const ucontext_t *uc, int *known)
{
	const unsigned char *fx = (const unsigned char *)uc->uc_mcontext.fpregs;
	uint32_t magic, pkru = 0;
	uint64_t features, present;

	*known = 0;
	if (!fx || !pkru_xsave_offset)
		return 0;
	/* fxsave's software-reserved bytes (struct _fpx_sw_bytes) say
	 * whether an XSAVE header follows and which features it covers. */
	memcpy(&magic, fx + 464, sizeof magic);
	memcpy(&features, fx + 472, sizeof features);
	if (magic != 0x46505853u || !(features & (1u << 9)))
		return 0;
	memcpy(&present, fx + 512, sizeof present);
	if (present & (1u << 9))
		memcpy(&pkru, fx + pkru_xsave_offset, sizeof pkru);
	*known = 1;
	return pkru;      /* a component in its initial state reads 0 */
}

static uintptr_t current_fs(void)
{
	uintptr_t fs = 0;
	if (ef_mpk_fsgsbase)
		__asm__ volatile("rdfsbase %0" : "=r"(fs));
	else
		syscall(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &fs);
	return fs;
}

/* Slot i has a call inside, and it is this thread's. */
static int inside(unsigned i)
{
	const ef_mpk_slot *slot = &ef_mpk_slots[i];
	return slot->ns && slot->host_rsp && !(slot->host_rsp & 1) &&
	       slot->host_fs &&
	       *(const int32_t *)(slot->host_fs + tid_offset) == (int32_t)gettid();
}

static int faulting_slot(const ucontext_t *uc, const char **what)
{
	uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP], fs;
	int known;
	uint32_t pkru = frame_pkru(uc, &known);

	for (unsigned j = 0; j < nnamespaces; j++)
		if (rip == (uintptr_t)ef_mpk_gate_traps[j])
			*what = "a PKRU check of a gate or callback entry failed "
				"(a jump into a gate with a forged PKRU, or a call "
				"to another domain's callback)";
	for (unsigned i = 0; i < nnamespaces; i++)
		if (known && SHADOW(i)->foreign == pkru && inside(i))
			return (int)i;
	/* A forged PKRU: the thread pointer names the domain. */
	fs = current_fs();
	for (unsigned i = 0; i < nnamespaces; i++)
		if (*what && fs == ef_mpk_slots[i].tcb && inside(i))
			return (int)i;
	return -1;
}

/* The namespace is poisoned, and the calling thread's call failed. */
static void poison(struct ef_mpk_ns *ns)
{
	ef_mpk_slot *slot = &ef_mpk_slots[ns->slot];
	ns->poisoned = 1;
	ef_mpk_tls.status = EF_E_FAULT;
	for (unsigned v = 0; v < EF_MPK_VARIANTS; v++)
		slot->entry[v] = (void *)ef_mpk_gate_poisoned;
}

void ef_mpk_on_fault(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	const char *what = NULL;
	int i = faulting_slot(uc, &what);
	struct ef_mpk_ns *ns;
	ef_mpk_fault *f;
	uintptr_t rsp;

	if (i < 0) {
		/* The host's own fault, or a signal sent to the process. */
		handler_fn h = ef_mpk_handlers[sig];
		if (h) {
			h(sig, si, ucv);
			return;
		}
		signal(sig, SIG_DFL);
		if (si->si_code <= 0)
			raise(sig);
		return;           /* a fault recurs and ends the process */
	}
	ef_mpk_set_fs(ef_mpk_slots[i].host_fs);
	ns = &namespaces[i];
	f = &ns->fault;
	memset(f, 0, sizeof *f);
	f->signo = sig;
	f->code = si->si_code;
	f->addr = (uintptr_t)si->si_addr;
	f->pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	f->pkey = sig == SIGSEGV && si->si_code == SEGV_PKUERR ? (int)si->si_pkey : -1;
	if (sig == SIGSEGV) {
		/* The page-fault error code: bit 1 write, bit 4 fetch. */
		uint64_t err = (uint64_t)uc->uc_mcontext.gregs[REG_ERR];
		f->access = err & 0x10 ? EF_EXEC : err & 2 ? EF_WRITE : EF_READ;
	}
	rsp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
	for (unsigned k = 0; k < NS_DOMAINS; k++) {
		const ef_domain *d = ns->domains[k];
		uintptr_t lo = d ? (uintptr_t)d->stack_lo : 0;
		if (d && ((f->addr < lo && f->addr >= lo - GUARD) ||
			  (rsp < lo + 256 && rsp >= lo - (1u << 20))))
			f->stack_overflow = 1;
	}
	if (what)
		snprintf(f->what, sizeof f->what, "%s", what);
	poison(ns);
	ef_mpk_unwind(ef_mpk_gate_exits[i][ef_mpk_fsgsbase]);
}

const ef_mpk_fault *ef_mpk_fault_of(const ef_domain *d)
{
	const ef_mpk_slot *slot = d->runtime_state;
	return slot && slot->ns && slot->ns->poisoned ? &slot->ns->fault : NULL;
}

const char *ef_mpk_fault_message(const ef_domain *d, char *buf, size_t len)
{
	const ef_mpk_fault *f = ef_mpk_fault_of(d);
	ef_status s = ef_mpk_call_status();
	char what[400];

	if (f) {
		snprintf(buf, len, "foreign code faulted, domain poisoned: %s",
			 ef_mpk_fault_describe(f, what, sizeof what));
		return buf;
	}
	if (s) {
		snprintf(buf, len, "a foreign call failed: %s", ef_strerror(s));
		return buf;
	}
	return NULL;
}

const char *ef_mpk_fault_describe(const ef_mpk_fault *f, char *buf, size_t len)
{
	static const char *const names[] = { [SIGSEGV] = "SIGSEGV", [SIGBUS] = "SIGBUS",
		[SIGILL] = "SIGILL", [SIGFPE] = "SIGFPE" };
	const char *code = "", *verb = "at";
	char key[32] = "", where[200] = "";
	Dl_info info;

	if (f->signo == SIGSEGV)
		code = f->code == SEGV_PKUERR ? " (SEGV_PKUERR)" : f->code == SEGV_MAPERR
			? " (SEGV_MAPERR)" : f->code == SEGV_ACCERR ? " (SEGV_ACCERR)" : "";
	if (f->signo == SIGSEGV)
		verb = f->access == EF_WRITE ? "writing" : f->access == EF_EXEC
			? "executing" : "reading";
	if (f->pkey >= 0)
		snprintf(key, sizeof key, " (key %d)", f->pkey);
	if (!f->signo) {
		snprintf(buf, len, "%s", f->what);
		return buf;
	}
	if (dladdr((void *)f->pc, &info) && info.dli_fname)
		snprintf(where, sizeof where, " (%s+%#lx)", base_name(info.dli_fname),
			 (unsigned long)(f->pc - (uintptr_t)info.dli_fbase));
	snprintf(buf, len, "%s%s%s %s %#lx%s at pc %#lx%s%s%s",
		 f->stack_overflow ? "foreign stack overflow: " : "",
		 (unsigned)f->signo < sizeof names / sizeof *names && names[f->signo]
			? names[f->signo] : "signal", code, verb,
		 (unsigned long)f->addr, key, (unsigned long)f->pc, where,
		 f->what[0] ? ": " : "", f->what);
	return buf;
}

/* ---- Callbacks ---------------------------------------------------------
 *
 * Foreign code of slot i calls trampoline k (gate.S), whose entry switches
 * to host protections, stack and thread block and calls this with
 * f = { k, the six arguments, the foreign stack pointer, the gate frame's
 * stack pointer }.  The domain is the open one whose stack holds the
 * foreign stack pointer; anything else poisons the namespace.  While the
 * host function runs, the slot holds this thread's token, so that this
 * thread alone may call into the domain again: nested calls run below the
 * foreign frames of the call that is waiting.  f[0] := 1 tells the entry
 * to unwind that call instead of returning to foreign code. */
/* d's stack holds the foreign stack pointer, with room below it. */
static inline int stack_holds(const ef_domain *d, uint64_t frsp)
{
	return d && frsp >= (uintptr_t)d->stack_lo + 256 &&
	       frsp <= (uintptr_t)d->stack_top;
}

static ef_domain *callback_domain(struct ef_mpk_ns *ns, uint64_t frsp)
{
	for (unsigned j = 0; j < NS_DOMAINS; j++)
		if (stack_holds(ns->domains[j], frsp))
			return ns->cb_domain = ns->domains[j];
	return NULL;
}

uint64_t ef_mpk_callback_dispatch(unsigned i, uint64_t *f)
{
	struct ef_mpk_ns *ns = &namespaces[i];
	uint64_t k = f[0], frsp = f[7], r, expect = ef_mpk_tls.expect[i];
	uintptr_t below = (frsp - 128) & ~(uintptr_t)15;
	unsigned char *sp;
	ef_domain *d = ns->cb_domain;

	if (__builtin_expect(!stack_holds(d, frsp), 0))
		d = callback_domain(ns, frsp);
	if (__builtin_expect(!d || k >= d->ncallbacks, 0)) {
		memset(&ns->fault, 0, sizeof ns->fault);
		ns->fault.pkey = -1;
		snprintf(ns->fault.what, sizeof ns->fault.what, !d
			 ? "callback %u with the stack pointer %#lx outside the "
			   "domain's stack" : "callback %u is not registered",
			 (unsigned)k, (unsigned long)frsp);
		poison(ns);
		f[0] = 1;
		return 0;
	}
	sp = d->stack_sp;
	if ((uintptr_t)sp > below)
		d->stack_sp = (unsigned char *)below;
	ef_mpk_tls.expect[i] = ef_mpk_tls.token;
	ef_mpk_slots[i].host_rsp = ef_mpk_tls.token;
	ef_epoch_advance(d);
	r = d->callbacks[k](f[1], f[2], f[3], f[4], f[5], f[6]);
	ef_mpk_tls.expect[i] = expect;
	d->stack_sp = sp;
	f[0] = (uint64_t)ns->poisoned;
	return r;
}

void *ef_mpk_callback_address(const ef_domain *d, unsigned k)
{
	const ef_mpk_slot *slot = d->runtime_state;
	return k < EF_MAX_CALLBACKS && slot && slot->ns
		? (char *)ef_mpk_cbtramps[slot->ns->slot][ef_mpk_fsgsbase] + 16 * k : NULL;
}

/* ---- The load-time scan ------------------------------------------------ */

void ef_mpk_set_strict_scan(int on) { strict_scan = on; }

const ef_mpk_scan_hit *ef_mpk_scan(const ef_domain *d, unsigned *n)
{
	const ef_mpk_slot *slot = d->runtime_state;
	*n = slot && slot->ns ? slot->ns->nhits : 0;
	return *n ? slot->ns->hits : NULL;
}

const ef_mpk_scan_hit *ef_mpk_scan_of(unsigned i, const char **set, unsigned *n)
{
	if (i >= nnamespaces)
		return NULL;
	*set = namespaces[i].set;
	*n = namespaces[i].nhits;
	return namespaces[i].hits;
}
