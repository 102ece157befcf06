/* chan.h: the channel between the host and a proc sandbox: the first page
 * of the memfd both map at the same address (proc.h).
 *
 * `state` says whose turn it is and what for; each side flips it with a
 * release store once the fields it wrote are in place, and waits for the
 * other's flip spinning, then asleep on a futex over `state` (the sleeper
 * announces itself in `sleeping` first, so that a waker without sleepers
 * makes no system call).  The sandbox can write every field at any time:
 * the host reads each field once and checks it before use.
 */
#ifndef EF_PROC_CHAN_H
#define EF_PROC_CHAN_H

#include <stdint.h>

#define EF_PROC_CHAN_BYTES 4096u
#define EF_PROC_CALLBACKS 128u
#define EF_PROC_NAME_MAX 128u
#define EF_PROC_CHAN_ARGS 110u

enum ef_proc_state {
	EF_PROC_IDLE = 0,       /* nothing asked */
	EF_PROC_CALL,           /* host -> sandbox: call fn with args */
	EF_PROC_LOOKUP,         /* host -> sandbox: the address of `name` */
	EF_PROC_RETURN,         /* sandbox -> host: ret holds the result */
	EF_PROC_CALLBACK,       /* sandbox -> host: run callback cb_slot */
	EF_PROC_CB_RETURN,      /* host -> sandbox: cb_ret holds its result */
	EF_PROC_READY,          /* sandbox -> host, once: it serves now */
	EF_PROC_FAILED,         /* sandbox -> host, once: it cannot start (name) */
};

struct ef_proc_chan {
	uint32_t state;                 /* enum ef_proc_state, futex word */
	uint32_t sleeping;              /* bit 0: host asleep, bit 1: sandbox */
	/* The CPU each side last ran on (host, sandbox): a side that waits
	 * on the other's CPU yields it rather than spin. */
	uint32_t cpu[2];
	uint32_t nargs;
	uint32_t cb_slot;
	uint64_t fn;
	uint64_t ret;
	uint64_t cb_args[6];
	uint64_t cb_ret;
	uint64_t args[EF_PROC_CHAN_ARGS];
	char name[EF_PROC_NAME_MAX];    /* LOOKUP's symbol; FAILED's reason */
	uint64_t cb_addrs[EF_PROC_CALLBACKS]; /* the sandbox's trampolines,
					       * written before READY */
};

_Static_assert(sizeof(struct ef_proc_chan) <= EF_PROC_CHAN_BYTES,
	       "the channel fits its page");

/* The sandbox's file descriptor of the shared memory, and the argument
 * names of its command line: efproc-server <set> <address> <bytes>. */
#define EF_PROC_MEMFD 3

#endif
