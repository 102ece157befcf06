/* callbacks.c: foreign code calling the host.  Foreign code of slot i calls
 * trampoline k (gate.S), whose entry switches to host protections, stack
 * and thread block and calls ef_mpk_callback_dispatch with the frame it
 * pushed (struct mpk_cb_frame).  The domain is the open one whose stack
 * holds the foreign stack pointer; anything else poisons the namespace.
 * While the host function runs, a strict slot holds this thread's token,
 * so that this thread alone may call into the domain again; a sealed
 * call gives ef_mpk_owner back to the thread's idle value and counts the
 * callback in its thread page, so that this thread alone may call into
 * sealed domains (gate.S, ownership), and takes it again before foreign
 * code resumes.  Nested calls run below the foreign frames of the call
 * that is waiting.  f->k := 1 tells the entry to unwind that call instead
 * of returning to foreign code. */
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

static inline __attribute__((always_inline)) uint64_t
dispatch(unsigned i, struct mpk_cb_frame *f, int sealed)
{
	struct ef_mpk_ns *ns = &mpk_namespaces[i];
	uint64_t k = f->k, frsp = f->foreign_sp, r, expect = ef_mpk_tls.expect[i];
	struct mpk_tpage *tp = (struct mpk_tpage *)ef_mpk_tls.tpage;
	uintptr_t below = (frsp - 128) & ~(uintptr_t)15;
	unsigned char *sp;
	ef_domain *d = ns->cb_domain;

	if (__builtin_expect(!mpk_stack_holds(d, frsp, 256), 0))
		d = callback_domain(ns, frsp);
	if (__builtin_expect(!d || k >= d->ncallbacks, 0)) {
		memset(&ns->fault, 0, sizeof ns->fault);
		ns->fault.pkey = -1;
		snprintf(ns->fault.what, sizeof ns->fault.what, !d
			 ? "callback %u with the stack pointer %#lx outside the "
			   "domain's stack" : "callback %u is not registered",
			 (unsigned)k, (unsigned long)frsp);
		mpk_poison(ns);
		f->k = 1;
		return 0;
	}
	sp = d->stack_sp;
	if ((uintptr_t)sp > below)
		d->stack_sp = (unsigned char *)below;
	if (sealed) {
		tp->callbacks++;
		__atomic_store_n(&ef_mpk_owner, ef_mpk_tls.tpage, __ATOMIC_SEQ_CST);
	} else {
		ef_mpk_tls.expect[i] = ef_mpk_tls.token;
		ef_mpk_slots[i].host_rsp = ef_mpk_tls.token;
	}
	ef_epoch_advance(d);
	r = d->callbacks[k](f->args[0], f->args[1], f->args[2], f->args[3],
			    f->args[4], f->args[5]);
	if (sealed) {
		/* A thread that took it meanwhile sees the count and gives it
		 * back at once. */
		uint64_t idle = ef_mpk_tls.tpage;
		while (!__atomic_compare_exchange_n(&ef_mpk_owner, &idle, ef_mpk_tls.owner,
						    0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
			idle = ef_mpk_tls.tpage;
			sched_yield();
		}
		tp->callbacks--;
	} else {
		ef_mpk_tls.expect[i] = expect;
	}
	d->stack_sp = sp;
	f->k = (uint64_t)ns->poisoned;
	return r;
}

uint64_t ef_mpk_callback_dispatch(unsigned i, struct mpk_cb_frame *f)
{
	return dispatch(i, f, 0);
}

uint64_t ef_mpk_callback_dispatch_sealed(unsigned i, struct mpk_cb_frame *f)
{
	return dispatch(i, f, 1);
}

void *ef_mpk_callback_address(const ef_domain *d, unsigned k)
{
	const ef_mpk_slot *slot = d->runtime_state;
	return k < EF_MAX_CALLBACKS && slot && slot->ns
		? (char *)ef_mpk_cbtramps[slot->ns->slot][mpk_sealed(slot->ns)]
			[ef_mpk_fsgsbase] + MPK_CBTRAMP_SIZE * k
		: NULL;
}
