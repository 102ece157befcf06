/* callbacks.c: foreign code calling the host.  Foreign code of slot i calls
 * trampoline k (gate.S), whose entry switches to host protections, stack
 * and thread block and calls ef_mpk_callback_dispatch with the frame it
 * pushed (struct mpk_cb_frame).  The domain is the open one whose stack
 * holds the foreign stack pointer; anything else poisons the namespace.
 * While the host function runs, a strict slot holds this thread's token,
 * so that this thread alone may call into the domain again (the entry
 * sets it, gate.S); a sealed
 * call gives ef_mpk_owner back to the thread's idle value and counts the
 * callback in its thread page, so that this thread alone may call into
 * sealed domains (gate.S, ownership), and takes it again before foreign
 * code resumes.  Nested calls run below the foreign frames of the call
 * that is waiting.  A namespace poisoned meanwhile (here, or by a fault
 * in a nested call) has the entry unwind that call instead of returning to
 * foreign code. */
#define _GNU_SOURCE
#include "internal.h"

#include <sched.h>
#include <stdio.h>
#include <string.h>

static ef_domain *callback_domain(struct ef_mpk_ns *ns, uint64_t frsp)
{
	for (unsigned j = 0; j < MPK_NS_DOMAINS; j++)
		if (mpk_stack_holds(ns->domains[j], frsp, 256))
			return ns->cb_domain = ns->domains[j];
	return NULL;
}

ef_domain mpk_no_domain;

/* A callback dispatch cannot serve: poison the namespace, which unwinds
 * the call it came from (gate.S).  Out of the fast path's way. */
static __attribute__((noinline, cold)) uint64_t
refuse(struct ef_mpk_ns *ns, struct mpk_cb_frame *f, const ef_domain *d)
{
	memset(&ns->fault, 0, sizeof ns->fault);
	ns->fault.pkey = -1;
	snprintf(ns->fault.what, sizeof ns->fault.what, !d
		 ? "callback %u with the stack pointer %#lx outside the "
		   "domain's stack" : "callback %u is not registered",
		 (unsigned)f->k, (unsigned long)f->foreign_sp);
	mpk_poison(ns);
	return 0;
}

/* What the way back needs, in the frame (f->saved), so that only f lives
 * across the host function's call. */
enum { SAVED_SP, SAVED_D, SAVED_N };
_Static_assert(SAVED_N * 8 <= MPK_CB_SAVED_EXPECT, "f->saved: dispatch's words "
	       "below the entry's (layout.h, MPK_CB_SAVED_EXPECT)");

static inline __attribute__((always_inline)) uint64_t
dispatch(struct ef_mpk_ns *ns, struct mpk_cb_frame *f, int sealed)
{
	uint64_t k = f->k, frsp = f->foreign_sp;
	uintptr_t below = (frsp - 128) & ~(uintptr_t)15;
	ef_domain *d = ns->cb_domain;   /* never NULL: mpk_no_domain */
	uint64_t r;

	if (__builtin_expect(!mpk_stack_spans(d, frsp, 256), 0) &&
	    !(d = callback_domain(ns, frsp)))
		return refuse(ns, f, NULL);
	if (__builtin_expect(k >= d->ncallbacks, 0))
		return refuse(ns, f, d);
	f->saved[SAVED_SP] = (uint64_t)d->stack_sp;
	f->saved[SAVED_D] = (uint64_t)d;
	if ((uintptr_t)d->stack_sp > below)
		d->stack_sp = (unsigned char *)below;
	if (sealed) {
		((struct mpk_tpage *)ef_mpk_tls.tpage)->callbacks++;
		__atomic_store_n(&ef_mpk_owner, ef_mpk_tls.tpage, __ATOMIC_SEQ_CST);
	}
	ef_epoch_advance(d);
	r = d->callbacks[k](f->args[0], f->args[1], f->args[2], f->args[3],
			    f->args[4], f->args[5]);
	d = (ef_domain *)f->saved[SAVED_D];
	if (sealed) {
		/* A thread that took it meanwhile sees the count and gives it
		 * back at once. */
		uint64_t idle = ef_mpk_tls.tpage;
		while (!__atomic_compare_exchange_n(&ef_mpk_owner, &idle, ef_mpk_tls.owner,
						    0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
			idle = ef_mpk_tls.tpage;
			sched_yield();
		}
		((struct mpk_tpage *)ef_mpk_tls.tpage)->callbacks--;
	}
	d->stack_sp = (unsigned char *)f->saved[SAVED_SP];
	return r;
}

uint64_t ef_mpk_callback_dispatch(struct ef_mpk_ns *ns, struct mpk_cb_frame *f)
{
	return dispatch(ns, f, 0);
}

uint64_t ef_mpk_callback_dispatch_sealed(struct ef_mpk_ns *ns, struct mpk_cb_frame *f)
{
	return dispatch(ns, f, 1);
}

void *ef_mpk_callback_address(const ef_domain *d, unsigned k)
{
	const ef_mpk_slot *slot = d->runtime_state;
	return k < EF_MAX_CALLBACKS && slot && slot->ns
		? (char *)ef_mpk_cbtramps[slot->ns->slot][mpk_sealed(slot->ns)]
			[ef_mpk_fsgsbase] + MPK_CBTRAMP_SIZE * k
		: NULL;
}
