/* signals.c: signals while foreign code runs.  Linux starts every handler
 * with its default PKRU, which denies the domain's memory, so the handlers
 * the program installs (ef_mpk_sigaction) run behind gate.S's signal entry;
 * SIGSEGV, SIGBUS, SIGILL and SIGFPE go to gate.S's fault entry, which
 * ends a faulting foreign call and poisons its domain (ef_mpk_on_fault). */
#define _GNU_SOURCE
#include "internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <asm/prctl.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <unistd.h>

/* The program's handlers, by signal; gate.S's entries call them. */
void (*ef_mpk_handlers[NSIG])(int, siginfo_t *, void *);

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

static int is_fault_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE;
}

/* Faults in foreign code end the call (ef_mpk_on_fault); a handler the
 * program had is kept for faults of its own. */
ef_status mpk_install_fault_entry(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };
	struct sigaction sa = { .sa_sigaction = ef_mpk_fault_entry,
		.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER };

	for (unsigned k = 0; k < sizeof sigs / sizeof *sigs; k++) {
		struct sigaction old;
		if (sigaction(sigs[k], &sa, &old))
			return mpk_fail(EF_E_UNAVAILABLE, "sigaction: %s", strerror(errno));
		if (old.sa_sigaction != ef_mpk_signal_entry && handler_of(&old))
			ef_mpk_handlers[sigs[k]] = handler_of(&old);
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
	prev_handler = ef_mpk_handlers[sig];
	if (is_fault_signal(sig) && mpk_altstack_key >= 0) {
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
static int inside(unsigned i)
{
	const ef_mpk_slot *slot = &ef_mpk_slots[i];
	return slot->ns && slot->host_rsp && !(slot->host_rsp & 1) &&
	       slot->host_fs &&
	       *(const int32_t *)(slot->host_fs + mpk_tid_offset) == (int32_t)gettid();
}

static int faulting_slot(const ucontext_t *uc, const char **what)
{
	uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP], fs;
	int known;
	uint32_t pkru = frame_pkru(uc, &known);

	for (unsigned j = 0; j < mpk_nnamespaces; j++)
		if (rip == (uintptr_t)ef_mpk_gate_traps[j])
			*what = "a PKRU check of a gate or callback entry failed "
				"(a jump into a gate with a forged PKRU, or a call "
				"to another domain's callback)";
	for (unsigned i = 0; i < mpk_nnamespaces; i++)
		if (known && MPK_SHADOW(i)->foreign == pkru && inside(i))
			return (int)i;
	/* A forged PKRU: the thread pointer names the domain. */
	fs = current_fs();
	for (unsigned i = 0; i < mpk_nnamespaces; i++)
		if (*what && fs == ef_mpk_slots[i].tcb && inside(i))
			return (int)i;
	return -1;
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
	ns = &mpk_namespaces[i];
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
	for (unsigned k = 0; k < MPK_NS_DOMAINS; k++) {
		const ef_domain *d = ns->domains[k];
		uintptr_t lo = d ? (uintptr_t)d->stack_lo : 0;
		if (d && ((f->addr < lo && f->addr >= lo - MPK_GUARD) ||
			  (rsp < lo + 256 && rsp >= lo - (1u << 20))))
			f->stack_overflow = 1;
	}
	if (what)
		snprintf(f->what, sizeof f->what, "%s", what);
	mpk_poison(ns);
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
