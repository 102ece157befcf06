/* sfi.h: the sfi runtime, software fault isolation as RLBox does it: the
 * foreign library set is compiled to one WebAssembly module (clang
 * --target=wasm32-wasi, wasm-ld as a reactor), translated to C by wasm2c
 * and compiled into the host.  A domain is one instance of its set's
 * module:
 *
 *   memory     the instance's linear memory, an 8 GiB reservation of which
 *              only the first `size` bytes are accessible: every address
 *              wasm code forms (a 32-bit offset plus a 32-bit constant)
 *              lies in the reservation, so an access beyond the memory
 *              traps by signal and no bounds check is compiled in.  The
 *              reservation never moves.  The domain's heap and stack are
 *              pages the runtime adds to the memory at open; its one
 *              region is the whole linear memory, so an upgrade accepts
 *              exactly what the sandbox can reach.
 *   calls      EF_RT_INVOKE(d, fn, ...) is ef_sfi_call_<fn>(d, ...)
 *              (calls.h), a typed wrapper that turns host pointers into
 *              offsets, calls wasm2c's export under the gate below, and
 *              turns a returned offset back into a host pointer.
 *   callbacks  a slot's address is an index into the module's function
 *              table, whose entry is a host function (sfi.c).
 *   traps      out of bounds, unreachable, stack exhaustion, a bad
 *              call_indirect: the call ends, returns 0, the instance is
 *              poisoned (every later call fails at once), and the calling
 *              thread's status (ef_sfi_call_status) says EF_E_FAULT.
 *   threads    one at a time per instance; another gets EF_E_BUSY.
 *
 * The gate costs a few nanoseconds: a check of the instance, a check that
 * the calling thread holds it (ef_sfi_claim), and the compiler's own setjmp
 * (__builtin_setjmp: frame, stack and resume addresses, the function's
 * registers saved in its frame), which neither saves the signal mask
 * (sigsetjmp does, with a system call, about 120 ns) nor calls the C
 * library (_setjmp, about 3 ns); the trap path restores the mask itself
 * (wasm_rt.c). */
#ifndef EF_SFI_H
#define EF_SFI_H

#include "../ef.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>

/* A jump buffer of __builtin_setjmp; __builtin_longjmp (wasm_rt.c) goes
 * back to it. */
typedef void *ef_sfi_jmp[5];

/* A module compiled into the host (sfi.c, its table). */
typedef struct ef_sfi_module ef_sfi_module;

struct ef_sfi_state;
/* What a callback entry of the function table carries (its closure). */
typedef struct ef_sfi_callback {
	struct ef_sfi_state *s;
	unsigned slot;
} ef_sfi_callback;

/* The WASI functions the modules import get this as their instance. */
struct Z_wasi_snapshot_preview1_instance_t {
	struct ef_sfi_state *s;
};

typedef struct ef_sfi_state {
	/* The gate's fields first. */
	const ef_sfi_module *live;      /* the module; NULL once poisoned */
	void *inst;                     /* its wasm2c instance */
	unsigned char *base;            /* of the linear memory */
	const uint32_t *size;           /* its current size in bytes */
	void *owner;                    /* the thread it is held for, or NULL */
	unsigned inside;                /* the owner's calls in progress */

	const ef_sfi_module *module;
	pthread_mutex_t lock;           /* taking it over from another thread */
	ef_domain *d;
	struct Z_wasi_snapshot_preview1_instance_t wasi;
	int trap;                       /* wasm_rt_trap_t that poisoned it */
	char why[200];                  /* and in words */
	uint32_t cb_index[EF_MAX_CALLBACKS];   /* 0: no table entry yet */
	ef_sfi_callback cb[EF_MAX_CALLBACKS];
} ef_sfi_state;

/* The calling thread: the jump buffer of its innermost call and the
 * instance whose code it runs (NULL while it runs host code, callbacks
 * included), which the signal handler reads. */
typedef struct ef_sfi_thread {
	void **jb;
	ef_sfi_state *cur;
	int trap;                       /* the last trap's reason */
	int ready;                      /* the thread's set-up is done */
	int status;                     /* ef_sfi_call_status */
	uintptr_t stack_lo, stack_hi;   /* its stack, for exhaustion */
	uintptr_t fault_addr;           /* the last trap's address, if a signal */
	/* For the watchdog (watchdog.c): calls and callback returns so far,
	 * the one it found running past the limit, the runtime's host code
	 * that wasm code called (memory growth, WASI) in progress, and a
	 * limit passed meanwhile. */
	uint64_t seq, expire_seq;
	int host, expired;
} ef_sfi_thread;
extern __thread ef_sfi_thread ef_sfi_self;

extern const ef_runtime ef_sfi_runtime;

/* Open domain d over library set `set` (ubench, hmac, sodium, brotli,
 * sfitest): a fresh instance of the set's module. */
ef_status ef_sfi_open(ef_domain *d, const char *set);
const char *ef_sfi_error(void);
void ef_sfi_close(ef_domain *d);
void *ef_sfi_callback_address(ef_domain *d, unsigned slot);
const char *ef_sfi_fault_message(const ef_domain *d, char *buf, size_t len);
/* Why the runtime cannot run here, or NULL. */
const char *ef_sfi_unavailable(void);
/* The module of set `set`, or NULL. */
const ef_sfi_module *ef_sfi_module_of(const char *set);

/* The limit on one foreign call, in seconds (0: none; default 10): a
 * watchdog thread interrupts a call that runs longer, which then ends as
 * a trap with EF_E_TIMEOUT. */
void ef_sfi_set_timeout(double seconds);
double ef_sfi_timeout(void);
/* The trap of a call the watchdog ended (beyond wasm2c's own), and the
 * signal it sends the thread (SIGXCPU is the mpk runtime's). */
#define EF_SFI_TRAP_TIMEOUT 1000
#define EF_SFI_TIMEOUT_SIGNAL (SIGRTMIN + 4)
/* The calling thread goes on the watchdog's list (its first call). */
void ef_sfi_watch_thread(void);
/* Runtime code that wasm code calls runs with host set: the watchdog
 * does not jump out of it but leaves the trap to its end. */
void ef_sfi_trap_timeout(void) __attribute__((noreturn));
static inline void ef_sfi_host_enter(void)
{
	ef_sfi_self.host++;
}
static inline void ef_sfi_host_leave(void)
{
	ef_sfi_thread *t = &ef_sfi_self;

	if (--t->host == 0 && __atomic_load_n(&t->expired, __ATOMIC_RELAXED)) {
		t->expired = 0;
		ef_sfi_trap_timeout();
	}
}

/* How the calling thread's last foreign call failed, and clear it: EF_OK,
 * EF_E_FAULT (a trap, or the instance was poisoned already), EF_E_TIMEOUT
 * (it ran past the time limit), EF_E_BUSY
 * (another thread was inside) or EF_E_ARG (the function is not in the
 * domain's module).  A failed call returns 0; the gate never clears it. */
static inline ef_status ef_sfi_call_status(void)
{
	ef_status s = (ef_status)ef_sfi_self.status;
	ef_sfi_self.status = 0;
	return s;
}

/* The gate's slow paths (sfi.c): the first call on a thread, a poisoned
 * instance, a wrong module; 1 when the call may go on. */
int ef_sfi_enter_slow(ef_sfi_state *s, const ef_sfi_module *m);
/* A trap ended the call into the thread's current instance: poison it,
 * leave it (sv: what the call saved) and advance its domain's epoch. */
struct ef_sfi_saved;
void ef_sfi_trapped(const struct ef_sfi_saved *sv);
/* The calling thread does not hold the instance: take it over unless its
 * holder is inside; 0 (status EF_E_BUSY) when it is. */
int ef_sfi_take(ef_sfi_state *s);

/* What a call saved of the thread's state, put back when it leaves. */
typedef struct ef_sfi_saved {
	void **jb;
	ef_sfi_state *cur;
	unsigned inside;
} ef_sfi_saved;

/* One thread at a time, without an atomic instruction on the way in: an
 * instance is held for the thread that called it last (owner), which
 * marks itself inside (a plain store) and checks that it still holds it.
 * Another thread takes it over (ef_sfi_take) by marking it held for no
 * one, forcing a memory barrier on every thread of the process
 * (membarrier), and then reading `inside`: either the holder's mark is
 * visible then, and the newcomer is refused (EF_E_BUSY), or the holder's
 * check sees it lost the instance and takes the slow way itself. */
static inline __attribute__((always_inline)) int
ef_sfi_claim(ef_sfi_state *s, ef_sfi_thread *t, ef_sfi_saved *sv)
{
	for (;;) {
		if (__builtin_expect(__atomic_load_n(&s->owner, __ATOMIC_RELAXED) == t, 1)) {
			unsigned n = s->inside;
			__atomic_store_n(&s->inside, n + 1, __ATOMIC_RELAXED);
			__atomic_signal_fence(__ATOMIC_SEQ_CST);
			if (__builtin_expect(__atomic_load_n(&s->owner, __ATOMIC_RELAXED) == t, 1)) {
				sv->inside = n;
				return 1;
			}
			__atomic_store_n(&s->inside, n, __ATOMIC_RELAXED);
		}
		if (!ef_sfi_take(s))
			return 0;
	}
}

static inline __attribute__((always_inline)) int
ef_sfi_enter(ef_sfi_state *s, const ef_sfi_module *m, void **jb, ef_sfi_saved *sv)
{
	ef_sfi_thread *t = &ef_sfi_self;

	if (__builtin_expect(s->live != m || !t->ready, 0) && !ef_sfi_enter_slow(s, m))
		return 0;
	if (!ef_sfi_claim(s, t, sv))
		return 0;
	sv->jb = t->jb;
	sv->cur = t->cur;
	t->jb = jb;
	__atomic_store_n(&t->seq, t->seq + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&t->cur, s, __ATOMIC_RELAXED);
	return 1;
}

static inline __attribute__((always_inline)) void
ef_sfi_leave(ef_sfi_state *s, const ef_sfi_saved *sv)
{
	ef_sfi_thread *t = &ef_sfi_self;

	t->jb = sv->jb;
	t->cur = sv->cur;
	__atomic_store_n(&s->inside, sv->inside, __ATOMIC_RELEASE);
}

/* One call of `call` (an expression over ef_s_, the instance's state) of
 * type T into domain d's module `mod`; 0 when it failed.  After a trap
 * nothing the compiler may keep in a register is used: ef_sfi_trapped
 * takes the instance from the thread and the rest from ef_sv_, in memory. */
#define EF_SFI_GATE(d, mod, T, call) __extension__({                       \
	ef_domain *ef_d_ = (d);                                             \
	ef_sfi_state *ef_s_ = ef_d_->runtime_state;                         \
	T ef_r_;                                                            \
	ef_sfi_saved ef_sv_;                                                \
	ef_sfi_jmp ef_jb_;                                                  \
	if (ef_sfi_enter(ef_s_, &(mod), ef_jb_, &ef_sv_)) {                \
		if (__builtin_expect(!__builtin_setjmp(ef_jb_), 1)) {       \
			ef_r_ = (call);                                     \
			ef_sfi_leave(ef_s_, &ef_sv_);                       \
			ef_epoch_advance(ef_d_);                            \
		} else {                                                    \
			ef_r_ = (T)0;                                       \
			ef_sfi_trapped(&ef_sv_);                            \
		}                                                           \
	} else {                                                            \
		ef_r_ = (T)0;                                               \
		ef_epoch_advance(ef_d_);                                    \
	}                                                                   \
	ef_r_;                                                              \
})

#define EF_SFI_GATE_VOID(d, mod, call) do {                                \
	ef_domain *ef_d_ = (d);                                             \
	ef_sfi_state *ef_s_ = ef_d_->runtime_state;                         \
	ef_sfi_saved ef_sv_;                                                \
	ef_sfi_jmp ef_jb_;                                                  \
	if (ef_sfi_enter(ef_s_, &(mod), ef_jb_, &ef_sv_)) {                \
		if (__builtin_expect(!__builtin_setjmp(ef_jb_), 1)) {       \
			(call);                                             \
			ef_sfi_leave(ef_s_, &ef_sv_);                       \
			ef_epoch_advance(ef_d_);                            \
		} else {                                                    \
			ef_sfi_trapped(&ef_sv_);                            \
		}                                                           \
	} else {                                                            \
		ef_epoch_advance(ef_d_);                                    \
	}                                                                   \
} while (0)

/* Arguments and results across the boundary. */
#define EF_SFI_BAD_OFFSET 0xffffffffu   /* beyond any memory: traps */
/* A host pointer as an offset: NULL is 0; a pointer outside the linear
 * memory becomes an offset that traps when foreign code uses it. */
static inline uint32_t ef_sfi_ptr(const ef_sfi_state *s, const void *p)
{
	uintptr_t off = (uintptr_t)p - (uintptr_t)s->base;

	if (!p)
		return 0;
	return off < *s->size ? (uint32_t)off : EF_SFI_BAD_OFFSET;
}

/* A returned offset as a host pointer (0 is NULL): inside the reservation,
 * not necessarily inside the memory; an upgrade checks. */
static inline void *ef_sfi_host(const ef_sfi_state *s, uint32_t off)
{
	return off ? s->base + off : (void *)0;
}

/* A size for wasm32's 4-byte size_t, saturated. */
static inline uint32_t ef_sfi_size(size_t n)
{
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* A size_t in domain memory that foreign code reads and writes as a 4-byte
 * size_t: the value goes into the low four bytes of its own eight (the
 * slot, little-endian) before the call, and comes back zero-extended
 * after it.  A pointer outside the memory is passed as a trapping offset
 * and left alone. */
static inline uint32_t ef_sfi_size_in(const ef_sfi_state *s, size_t *p)
{
	uint32_t off = ef_sfi_ptr(s, p);

	if (!off || off == EF_SFI_BAD_OFFSET || (uint64_t)off + sizeof *p > *s->size)
		return off ? EF_SFI_BAD_OFFSET : 0;
	uint32_t v = ef_sfi_size(*p);
	__builtin_memcpy(p, &v, 4);
	__builtin_memset((unsigned char *)p + 4, 0, 4);
	return off;
}

static inline void ef_sfi_size_out(size_t *p, uint32_t off)
{
	uint32_t v;

	if (!off || off == EF_SFI_BAD_OFFSET)
		return;
	__builtin_memcpy(&v, p, 4);
	*p = v;
}

#endif
