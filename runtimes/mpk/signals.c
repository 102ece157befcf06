/* signals.c: signals while foreign code runs.  Every signal the runtime
 * or the program handles enters through gate.S's signal entry, which sets
 * host PKRU, opens the thread's system calls and moves to a private stack
 * before coming here (ef_mpk_signal).  The signals that end a foreign call
 * (ending_signal) poison its domain and unwind the call through its gate's
 * exit; every other signal runs the program's handler (ef_mpk_sigaction)
 * with the host's thread block, then resumes what it interrupted.  Code
 * that ran with system calls blocked (a sealed domain, or a sealed gate
 * around its PKRU switch) resumes through gate.S's resume stubs, which
 * block them again after rt_sigreturn: see resume_blocked. */
#define _GNU_SOURCE
#include "internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/prctl.h>
#include <linux/audit.h>
#include <linux/prctl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <unistd.h>

#ifndef SYS_USER_DISPATCH
#define SYS_USER_DISPATCH 2     /* si_code of syscall user dispatch's SIGSYS */
#endif

/* The program's handlers, by signal. */
static void (*handlers[NSIG])(int, siginfo_t *, void *);

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

/* The signals the runtime takes itself: first those that end a foreign
 * call they interrupt (faults, int3, abort(), a refused system call),
 * then SIGXCPU, the watchdog's (watchdog.c). */
static const int taken[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT,
			     SIGSYS, SIGXCPU };
#define NENDING (sizeof taken / sizeof *taken - 1)

static int ending_signal(int sig)
{
	for (unsigned k = 0; k < NENDING; k++)
		if (taken[k] == sig)
			return 1;
	return 0;
}

uint64_t ef_mpk_entry_secret;

static void entry_secret_init(void)
{
	while (!ef_mpk_entry_secret)
		if (getrandom(&ef_mpk_entry_secret, sizeof ef_mpk_entry_secret, 0) !=
		    (ssize_t)sizeof ef_mpk_entry_secret)
			ef_mpk_entry_secret = 0;
}

/* A handler the program had for one of them is kept for signals that are
 * not a domain's. */
ef_status mpk_install_fault_entry(void)
{
	struct sigaction sa = { .sa_sigaction = ef_mpk_signal_entry,
		.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER };

	entry_secret_init();
	sigfillset(&sa.sa_mask);
	for (unsigned k = 0; k < sizeof taken / sizeof *taken; k++) {
		int sig = taken[k];
		struct sigaction old;
		if (sigaction(sig, &sa, &old))
			return mpk_fail(EF_E_UNAVAILABLE, "sigaction: %s", strerror(errno));
		if (old.sa_sigaction != ef_mpk_signal_entry && handler_of(&old))
			handlers[sig] = handler_of(&old);
	}
	return EF_OK;
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
		ef_mpk_host_pkru = mpk_rdpkru();
	entry_secret_init();
	prev_handler = handlers[sig];
	if (ending_signal(sig) && mpk_altstack_key >= 0) {
		/* The runtime's entry stays; it hands signals that are not a
		 * domain's to this handler. */
		if (old) {
			sigaction(sig, NULL, old);
			old->sa_flags |= SA_SIGINFO;
			old->sa_sigaction = prev_handler ? prev_handler
				: (handler_fn)(void (*)(void))SIG_DFL;
		}
		if (act)
			handlers[sig] = handler_of(act);
		return 0;
	}
	if (handler_of(act)) {
		a = *act;
		handlers[sig] = handler_of(act);
		a.sa_flags |= SA_SIGINFO | SA_ONSTACK;
		a.sa_sigaction = ef_mpk_signal_entry;
		sigfillset(&a.sa_mask);
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

/* ---- Which domain a signal interrupted ----------------------------------
 *
 * A signal belongs to a domain when the interrupted PKRU (from the signal
 * frame's XSAVE area) is the foreign PKRU of a slot that this thread is
 * inside, or when it stopped at a slot's trap or the signal entry's (a
 * check failed) while this thread is inside the slot, whatever the thread
 * pointer (foreign code sets it at will).  "This thread":
 * for a thread with a thread area, the slot's saved host thread pointer
 * is the one its thread page records (neither is foreign-writable); for
 * others, the thread id in the slot's saved host thread block. */

static uint32_t frame_pkru(const ucontext_t *uc, int *known)
{
	const unsigned char *fx = (const unsigned char *)uc->uc_mcontext.fpregs;
	uint32_t magic, pkru = 0;
	uint64_t features, present;

	*known = 0;
	if (!fx || !mpk_pkru_xsave_offset)
		return 0;
	/* fxsave's software-reserved bytes (struct _fpx_sw_bytes) say
	 * whether an XSAVE header follows and which features it covers. */
	memcpy(&magic, fx + 464, sizeof magic);
	memcpy(&features, fx + 472, sizeof features);
	if (magic != 0x46505853u || !(features & (1u << 9)))
		return 0;
	memcpy(&present, fx + 512, sizeof present);
	if (present & (1u << 9))
		memcpy(&pkru, fx + mpk_pkru_xsave_offset, sizeof pkru);
	*known = 1;
	return pkru;      /* a component in its initial state reads 0 */
}

static uintptr_t current_fs(void)
{
	uintptr_t fs = 0;
	if (ef_mpk_fsgsbase)
		__asm__ volatile("rdfsbase %0" : "=r"(fs));
	else
		syscall(SYS_arch_prctl, ARCH_GET_FS, &fs);
	return fs;
}

/* Slot i has a call inside, and it is this thread's. */
static int inside(unsigned i, const struct mpk_tpage *tp)
{
	uint64_t fs = mpk_slot_inside(i);
	if (!fs)
		return 0;
	return tp ? fs == tp->host_fs
		: *(const int32_t *)(fs + mpk_tid_offset) == (int32_t)gettid();
}

static int domain_of(int sig, const ucontext_t *uc, uint32_t pkru, int known,
		     const struct mpk_tpage *tp, const char **what)
{
	uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];

	/* The gates' code does not fault (ending_signal: a fault, not a
	 * timer that interrupted a gate), unless foreign code jumped into it
	 * with host PKRU, e.g. into the exit of a slot no call is inside,
	 * where the host stack pointer it loads is none. */
	if (ending_signal(sig) && rip >= (uintptr_t)ef_mpk_gates_text &&
	    rip < (uintptr_t)ef_mpk_gates_text_end)
		*what = "a fault in the runtime's gates (a jump into a gate's exit or "
			"callback entry with host PKRU)";

	for (unsigned j = 0; j < mpk_nnamespaces; j++)
		if (rip == (uintptr_t)ef_mpk_gate_traps[j])
			*what = "a PKRU check of a gate or callback entry failed "
				"(a jump into a gate with a forged PKRU, or a call "
				"to another domain's callback)";
	if (rip == (uintptr_t)ef_mpk_entry_trap)
		*what = "a jump into the runtime's signal entry";
	for (unsigned i = 0; i < mpk_nnamespaces; i++)
		if (known && MPK_SHADOW(i)->foreign == pkru && inside(i, tp))
			return (int)i;
	/* A failed check, after a forged PKRU: the slot this thread is inside
	 * (only the innermost call's slot holds its stack pointer), whatever
	 * the thread pointer foreign code left. */
	for (unsigned i = 0; i < mpk_nnamespaces; i++)
		if (*what && inside(i, tp))
			return (int)i;
	return -1;
}

static const char *abi_name(unsigned arch, int nr)
{
	return arch == AUDIT_ARCH_I386 ? "i386 (int $0x80)"
		: nr & 0x40000000 ? "x32" : "x86-64";
}

/* Ends slot i's call: the namespace is poisoned, the fault recorded, and
 * the call unwound through its gate's exit (with a result of 0).  Nothing
 * returns to the signal frame, which foreign code of another thread could
 * write. */
static void end_call(unsigned i, int sig, const siginfo_t *si, const ucontext_t *uc,
		     struct mpk_tpage *tp, const char *what)
{
	struct ef_mpk_ns *ns = &mpk_namespaces[i];
	ef_mpk_fault *f = &ns->fault;
	uintptr_t rsp;

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
	for (unsigned k = 0; k < MPK_NS_DOMAINS; k++) {
		const ef_domain *d = ns->domains[k];
		uintptr_t lo = d ? (uintptr_t)d->stack_lo : 0;
		if (d && ((f->addr < lo && f->addr >= lo - MPK_GUARD) ||
			  (rsp < lo + 256 && rsp >= lo - (1u << 20))))
			f->stack_overflow = 1;
	}
	if (sig == SIGSYS && si->si_code == SYS_USER_DISPATCH) {
		f->syscall = si->si_syscall;
		snprintf(f->what, sizeof f->what, "system call %d (%s; arguments "
			 "%#llx, %#llx, %#llx) refused in a sealed domain", si->si_syscall,
			 abi_name(si->si_arch, si->si_syscall),
			 (unsigned long long)uc->uc_mcontext.gregs[REG_RDI],
			 (unsigned long long)uc->uc_mcontext.gregs[REG_RSI],
			 (unsigned long long)uc->uc_mcontext.gregs[REG_RDX]);
	} else if (what) {
		snprintf(f->what, sizeof f->what, "%s", what);
	} else if (mpk_sealed(ns) && f->addr >= (uintptr_t)ns->arena + EF_MPK_HEAP_CAP &&
		   f->addr < (uintptr_t)ns->arena + ns->arena_bytes) {
		snprintf(f->what, sizeof f->what, "the domain heap grew past its "
			 "cap of %zu MiB", EF_MPK_HEAP_CAP >> 20);
	}
	mpk_poison(ns);
	if (sig == SIGXCPU)
		ef_mpk_tls.status = EF_E_TIMEOUT;
	/* The entry blocked every signal; nothing returns through the frame
	 * that would unblock them. */
	sigprocmask(SIG_SETMASK, &uc->uc_sigmask, NULL);
	if (tp)
		__atomic_add_fetch(&tp->priv_sp, MPK_PRIV_FRAME, __ATOMIC_RELEASE);
	ef_mpk_unwind(ef_mpk_gate_exits[i][mpk_sealed(ns)][ef_mpk_fsgsbase]);
}

/* The kernel's frame, copied to the private stack, to return through
 * with rt_sigreturn: the ucontext (struct rt_sigframe less its return
 * address, which rt_sigreturn does not read), room for the siginfo that
 * follows it in the kernel's frame, and the XSAVE area. */
struct frame_copy {
	ucontext_t uc;
	siginfo_t si;
	unsigned char xsave[12288] __attribute__((aligned(64)));
};

static void cannot_resume(const char *why, unsigned n)
{
	fprintf(stderr, "efbench mpk runtime: a signal frame %s (%u); cannot "
		"resume\n", why, n);
	abort();
}

/* Copies the kernel's frame, which lies on the thread's alternate stack
 * that every domain may write, before anything reads it: the XSAVE area
 * only from inside that stack, and the alternate-stack record replaced by
 * the thread's own (rt_sigreturn installs it).  Every entry blocks every
 * signal (sa_mask), so no nested frame overwrites it meanwhile; the
 * handler then works on the copy and returns through it. */
static void copy_frame(const ucontext_t *uc, const struct mpk_tpage *tp,
		       struct frame_copy *c)
{
	const unsigned char *fx = (const unsigned char *)uc->uc_mcontext.fpregs;
	const unsigned char *alt = mpk_altstack_of(tp);
	uint32_t magic = 0, size = 512;

	if (!fx || fx < alt || fx + 512 > alt + MPK_ALTSTACK)
		cannot_resume("with its XSAVE area outside the alternate stack", 0);
	memcpy(&magic, fx + 464, sizeof magic);
	if (magic == 0x46505853u)     /* FP_XSTATE_MAGIC1: extended_size follows */
		memcpy(&size, fx + 468, sizeof size);
	if (size < 512 || size > sizeof c->xsave || fx + size > alt + MPK_ALTSTACK)
		cannot_resume("with an XSAVE area of this size", size);
	memcpy(&c->uc, uc, sizeof c->uc);
	memcpy(c->xsave, fx, size);
	c->uc.uc_mcontext.fpregs = (fpregset_t)c->xsave;
	c->uc.uc_stack.ss_sp = (void *)alt;
	c->uc.uc_stack.ss_size = MPK_ALTSTACK;
	c->uc.uc_stack.ss_flags = 0;
}

/* rt_sigreturn restores PKRU from the copy's XSAVE area: make it the
 * host's (and mark the PKRU component present). */
static void return_with_host_pkru(struct frame_copy *c)
{
	uint32_t magic;
	uint64_t bv;

	memcpy(&magic, c->xsave + 464, sizeof magic);
	if (!mpk_pkru_xsave_offset || magic != 0x46505853u)
		cannot_resume("without PKRU", 0);
	memcpy(c->xsave + mpk_pkru_xsave_offset, &ef_mpk_host_pkru, 4);
	memcpy(&bv, c->xsave + 512, sizeof bv);
	bv |= 1u << 9;
	memcpy(c->xsave + 512, &bv, sizeof bv);
}

/* Leaves the handler through rt_sigreturn from the copy uc, with the
 * interrupted thread pointer fs: the private stack frame is given back
 * first, which no nested entry can take meanwhile (every signal is
 * blocked until rt_sigreturn restores the mask). */
static void __attribute__((noreturn)) leave(struct mpk_tpage *tp, uintptr_t fs,
					    ucontext_t *uc)
{
	ef_mpk_set_fs(fs);
	__atomic_add_fetch(&tp->priv_sp, MPK_PRIV_FRAME, __ATOMIC_RELEASE);
	ef_mpk_sigreturn(uc);
}

/* Resumes foreign code (slot i >= 0), or host code that ran with the
 * thread's system calls blocked (a sealed gate around its PKRU switch):
 * the interrupted rcx, rdx, rax (or the served system call's result),
 * rflags and rip go into a resume frame below the interrupted stack
 * pointer, and rt_sigreturn, with host PKRU and the selector open, enters
 * a resume stub of gate.S, which blocks system calls again where they
 * were and writes the foreign PKRU before anything of the interrupted
 * code runs.  (rt_sigreturn straight into foreign code would read the
 * rest of the private copy under the foreign PKRU it had just restored.)
 * Foreign code must be on its domain's stack, where the resume frame
 * goes: else the call ends. */
static void resume_blocked(int i, int sig, const siginfo_t *si, struct frame_copy *c,
			   struct mpk_tpage *tp, uintptr_t fs, const long *rax)
{
	const greg_t *g = c->uc.uc_mcontext.gregs;
	uintptr_t rsp = (uintptr_t)g[REG_RSP], at = rsp - 128 - MPK_RESUME_BYTES;
	uint64_t *rf = (uint64_t *)at;

	if (i >= 0) {
		const struct ef_mpk_ns *ns = &mpk_namespaces[i];
		int held = 0;
		for (unsigned k = 0; k < MPK_NS_DOMAINS; k++)
			held |= mpk_stack_holds(ns->domains[k], rsp, 128 + MPK_RESUME_BYTES);
		if (!held)
			end_call((unsigned)i, sig, si, &c->uc, tp, "a signal arrived while "
				 "the foreign stack pointer lay outside the domain's stack");
		/* Host PKRU for the stub, which writes the foreign one itself. */
		return_with_host_pkru(c);
	}
	rf[0] = (uintptr_t)tp;
	rf[1] = (uint64_t)g[REG_RCX];
	rf[2] = (uint64_t)g[REG_RDX];
	rf[3] = rax ? (uint64_t)*rax : (uint64_t)g[REG_RAX];
	rf[4] = (uint64_t)g[REG_EFL];
	rf[5] = (uint64_t)g[REG_RIP];
	c->uc.uc_mcontext.gregs[REG_RSP] = (greg_t)at;
	c->uc.uc_mcontext.gregs[REG_RIP] = (greg_t)(i >= 0
		? ef_mpk_resume_foreign[i][mpk_sealed(&mpk_namespaces[i])]
		: (void *)ef_mpk_resume_host);
	leave(tp, fs, &c->uc);
}

void ef_mpk_signal(int sig, siginfo_t *si, void *ucv, struct mpk_tpage *tp,
		   unsigned old_selector)
{
	struct frame_copy copy;
	siginfo_t info;
	ucontext_t *uc = ucv;
	const char *what = NULL;
	uintptr_t fs;
	int known, i;
	uint32_t pkru;
	handler_fn h = handlers[sig];

	if (tp) {
		copy_frame(uc, tp, &copy);
		info = *si;
		uc = &copy.uc, si = &info;
	}
	fs = current_fs();
	pkru = frame_pkru(uc, &known);
	if (tp)
		ef_mpk_set_fs(tp->host_fs);
	i = domain_of(sig, uc, pkru, known, tp, &what);
	if (i >= 0 && sig == SIGSYS && si->si_code == SYS_USER_DISPATCH && tp &&
	    old_selector && si->si_arch == AUDIT_ARCH_X86_64) {
		const greg_t *g = uc->uc_mcontext.gregs;
		const uint64_t a[6] = { (uint64_t)g[REG_RDI], (uint64_t)g[REG_RSI],
			(uint64_t)g[REG_RDX], (uint64_t)g[REG_R10], (uint64_t)g[REG_R8],
			(uint64_t)g[REG_R9] };
		long r;
		if (mpk_serve_syscall(&mpk_namespaces[i], si->si_syscall, a, &r))
			resume_blocked(i, sig, si, &copy, tp, fs, &r);
	}
	if (i >= 0 && (ending_signal(sig) ||
		       (sig == SIGXCPU && mpk_namespaces[i].timed_out))) {
		char limit[96];
		if (!tp)
			ef_mpk_set_fs(mpk_slot_inside((unsigned)i));
		if (sig == SIGXCPU) {
			snprintf(limit, sizeof limit, "the call ran past the time "
				 "limit on foreign calls (%g s)", mpk_foreign_timeout());
			what = limit;
		}
		end_call((unsigned)i, sig, si, uc, tp, what);
	}
	if (tp && sig == SIGSYS && si->si_code == SI_TKILL && si->si_pid == getpid() &&
	    ef_mpk_tls.open_keys) {
		/* mpk_open_host_keys: rt_sigreturn gives the thread host PKRU. */
		ef_mpk_tls.open_keys = 0;
		return_with_host_pkru(&copy);
	} else if (h) {
		h(sig, si, uc);
	} else if (sig != SIGXCPU) {    /* (the watchdog's, come too late) */
		/* The host's own fault with no handler of the program's: the
		 * default action.  A fault recurs and ends the process. */
		signal(sig, SIG_DFL);
		if (si->si_code <= 0)
			raise(sig);
	}
	if (!tp) {
		ef_mpk_set_fs(fs);
		return;       /* through the kernel's frame, as it came */
	}
	if (i < 0 && !old_selector)
		leave(tp, fs, &copy.uc);
	resume_blocked(i, sig, si, &copy, tp, fs, NULL);
}

/* Gives the calling thread the host's PKRU, where it lacks keys the
 * runtime allocated after the thread started: through rt_sigreturn from a
 * signal it sends itself, so that the runtime has no wrpkru of the host
 * PKRU outside the gates' exits, which foreign code could jump to and
 * then return into code of its choosing with every key open. */
void mpk_open_host_keys(void)
{
	if (!ef_mpk_tls.tpage || !mpk_pkru_xsave_offset || mpk_rdpkru() == ef_mpk_host_pkru)
		return;
	ef_mpk_tls.open_keys = 1;
	raise(SIGSYS);
	if (mpk_rdpkru() != ef_mpk_host_pkru) {
		fprintf(stderr, "efbench mpk runtime: this thread's PKRU is %#x, "
			"not the host's %#x\n", mpk_rdpkru(), ef_mpk_host_pkru);
		abort();
	}
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
		[SIGILL] = "SIGILL", [SIGFPE] = "SIGFPE", [SIGTRAP] = "SIGTRAP",
		[SIGABRT] = "SIGABRT", [SIGSYS] = "SIGSYS", [SIGXCPU] = "SIGXCPU" };
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
		snprintf(where, sizeof where, " (%s+%#lx)", mpk_base_name(info.dli_fname),
			 (unsigned long)(f->pc - (uintptr_t)info.dli_fbase));
	snprintf(buf, len, "%s%s%s %s %#lx%s at pc %#lx%s%s%s",
		 f->stack_overflow ? "foreign stack overflow: " : "",
		 (unsigned)f->signo < sizeof names / sizeof *names && names[f->signo]
			? names[f->signo] : "signal", code, verb,
		 (unsigned long)f->addr, key, (unsigned long)f->pc, where,
		 f->what[0] ? ": " : "", f->what);
	return buf;
}
