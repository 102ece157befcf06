/* proc.h: the proc runtime, process isolation (as Sandcrust does it).
 *
 * A domain is a separate process, the sandbox: a small server binary
 * (efproc-server, runtimes/proc/server.c) that dlopens the domain's
 * libraries, the unmodified shared objects of the distribution, then
 * confines itself with a seccomp filter and serves calls.  Host and
 * sandbox share one memfd, mapped at the same address in both: a channel
 * page, then the domain's memory (heap and stack of ef.h), so a pointer
 * into the domain means the same bytes on both sides and arguments are
 * copied there by the mode layer as for every runtime.  Nothing else of
 * the host is mapped in the sandbox: foreign code cannot read or write host
 * memory at all, whatever it does.
 *
 * A call: the host writes the function and its arguments into the channel
 * and flips its state word; the sandbox, spinning or asleep on a futex,
 * calls the function and flips the state back.  No socket and no system
 * call on the hot path while both sides spin.  A callback runs the other
 * way through the same channel, and a call from the callback back into the
 * domain nests.
 *
 * The channel is writable by foreign code, so the host reads it as hostile
 * input: states, callback slots and argument counts are checked before
 * they are used.  When the sandbox dies (a crash, a seccomp kill, exit) or
 * does not answer within the time limit (it is killed), the call ends with
 * EF_E_FAULT or EF_E_TIMEOUT and returns 0; EF_RT_FAULT reports it from
 * then on, and the next call starts a fresh sandbox over the same memory.
 */
#ifndef EF_PROC_H
#define EF_PROC_H

#include "../ef.h"
#include "../ef_seq.h"

#include <stdint.h>

/* Arguments a call can carry: every one an integer or pointer of at most
 * 8 bytes (System V's integer class), as the workloads' are. */
#define EF_PROC_MAX_ARGS 110

extern const ef_runtime ef_proc_runtime;

/* Open domain d over library set `set`: start its sandbox. */
ef_status ef_proc_open(ef_domain *d, const char *set);
void ef_proc_close(ef_domain *d);
/* Why the last open failed, beyond its status. */
const char *ef_proc_error(void);
/* Why the runtime cannot run here (no seccomp, no server binary), or NULL. */
const char *ef_proc_unavailable(void);

/* A call site's cache of a function's address in the sandbox: valid for
 * the sandbox process it was looked up in. */
typedef struct ef_proc_sym {
	uint64_t generation;
	uint64_t addr;
} ef_proc_sym;

uint64_t ef_proc_call(ef_domain *d, const char *name, ef_proc_sym *sym,
		      const uint64_t *args, unsigned nargs);

/* How the calling thread's last failed call failed, and clear it: EF_OK,
 * EF_E_FAULT (the sandbox died), EF_E_TIMEOUT (it was killed for taking
 * too long), EF_E_BUSY (another thread was in the domain) or
 * EF_E_NOCALLBACK (foreign code called an empty callback slot). */
ef_status ef_proc_call_status(void);

/* The address foreign code calls for callback `slot` (in the sandbox). */
void *ef_proc_callback_address(const ef_domain *d, unsigned slot);
const char *ef_proc_fault_message(const ef_domain *d, char *buf, size_t len);

/* The limit on one foreign call, in seconds (0: none); default 10. */
void ef_proc_set_timeout(double seconds);
/* The sandbox's process id (tests), or 0 when none runs. */
int ef_proc_pid(const ef_domain *d);
/* Sandboxes started for d so far. */
unsigned ef_proc_starts(const ef_domain *d);

/* One argument as the channel carries it; floating point does not fit. */
#define EF_PROC_ARG(a)                                                       \
	(sizeof(char[sizeof(a) <= 8 ? 1 : -1]) * 0 +                         \
	 sizeof(char[_Generic((a), float: -1, double: -1, long double: -1,   \
			       default: 1)]) * 0 +                           \
	 (uint64_t)(a)),

/* The arguments after a dummy 0, expanded first (ubench's are a macro
 * that may expand to nothing). */
#define EF_PROC_ARGS_(...) { EF_FOREACH(EF_PROC_ARG, 0, ##__VA_ARGS__) }
#define EF_PROC_CALL_(d, fn, ...) __extension__({                           \
	static __thread ef_proc_sym ef_sym_;                                \
	const uint64_t ef_args_[] = EF_PROC_ARGS_(__VA_ARGS__);             \
	ef_proc_call((d), #fn, &ef_sym_, ef_args_ + 1,                      \
		     sizeof ef_args_ / sizeof *ef_args_ - 1);                \
})

#define EF_PROC_INVOKE(d, fn, ...) __extension__({                          \
	ef_domain *ef_d_ = (d);                                             \
	uint64_t ef_r_ = EF_PROC_CALL_(ef_d_, fn, __VA_ARGS__);           \
	ef_epoch_advance(ef_d_);                                            \
	(__typeof__(fn(__VA_ARGS__)))ef_r_;                                 \
})

#define EF_PROC_INVOKE_VOID(d, fn, ...) do {                                \
	ef_domain *ef_d_ = (d);                                             \
	if (0)                                                              \
		fn(__VA_ARGS__);                                            \
	(void)EF_PROC_CALL_(ef_d_, fn, __VA_ARGS__);                      \
	ef_epoch_advance(ef_d_);                                            \
} while (0)

#endif
