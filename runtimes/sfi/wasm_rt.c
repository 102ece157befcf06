/* wasm_rt.c: the runtime wasm2c's generated code calls (wasm-rt.h), in
 * place of wabt's wasm-rt-impl.c, for three reasons:
 *
 *   - a trap jumps to the calling thread's innermost gate (sfi.h) through
 *     a per-thread jump buffer set by __builtin_setjmp, which does not save
 *     the signal mask (sigsetjmp does, with a system call, about 120 ns
 *     per call); the signal handler restores the interrupted mask itself
 *     before it jumps;
 *   - the SIGSEGV/SIGBUS handler takes only the faults of wasm code of the
 *     calling thread, inside a call, at an address in that instance's
 *     memory reservation (out of bounds) or at the thread's stack (stack
 *     exhaustion); every other fault goes to the handler installed before
 *     it, or to the default action;
 *   - a memory's whole reservation is released when it is freed.
 *
 * Linear memory: 8 GiB reserved without access, the memory's pages
 * readable and writable from its start (WASM_RT_MEMCHECK_SIGNAL_HANDLER, the
 * default on 64-bit hosts: no bounds checks in the generated code).  A
 * wasm address is a 32-bit offset plus a 32-bit constant, so it always
 * lies in the reservation. */
#define _GNU_SOURCE
#include "sfi.h"

#include <wasm-rt.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#if !WASM_RT_MEMCHECK_SIGNAL_HANDLER || WASM_RT_USE_STACK_DEPTH_COUNT
#error "the sfi runtime expects wasm2c's signal-handler bounds checks"
#endif

#define WASM_PAGE 65536u
#define RESERVATION (8ull << 30)

__thread ef_sfi_thread ef_sfi_self;

/* The trap's reason goes with the jump; 0 would read as no trap. */
void wasm_rt_trap(wasm_rt_trap_t code)
{
	ef_sfi_thread *t = &ef_sfi_self;

	t->trap = code ? (int)code : WASM_RT_TRAP_UNREACHABLE;
	if (!t->jb) {
		fprintf(stderr, "efbench sfi runtime: wasm trap (%s) outside a call\n",
			wasm_rt_strerror(code));
		abort();
	}
	__builtin_longjmp(t->jb, 1);
}

void ef_sfi_trap_timeout(void)
{
	wasm_rt_trap((wasm_rt_trap_t)EF_SFI_TRAP_TIMEOUT);
}

const char *wasm_rt_strerror(wasm_rt_trap_t trap)
{
	switch (trap) {
	case WASM_RT_TRAP_NONE: return "no trap";
	case WASM_RT_TRAP_OOB: return "out-of-bounds access to linear memory or a table";
	case WASM_RT_TRAP_INT_OVERFLOW: return "integer overflow in a division or truncation";
	case WASM_RT_TRAP_DIV_BY_ZERO: return "integer division by zero";
	case WASM_RT_TRAP_INVALID_CONVERSION: return "conversion of NaN to an integer";
	case WASM_RT_TRAP_UNREACHABLE: return "unreachable executed (abort)";
	case WASM_RT_TRAP_CALL_INDIRECT: return "invalid call_indirect";
	case WASM_RT_TRAP_UNCAUGHT_EXCEPTION: return "uncaught exception";
	case WASM_RT_TRAP_EXHAUSTION: return "call stack exhausted";
	}
	return "unknown trap";
}

/* Function types: one id per signature, shared by every module (a host
 * function in a table must carry the id its caller's module expects). */
typedef struct func_type {
	uint32_t nparams, nresults;
	wasm_rt_type_t *types;          /* params, then results */
} func_type;
static func_type *types;
static uint32_t ntypes;
static pthread_mutex_t types_lock = PTHREAD_MUTEX_INITIALIZER;

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...)
{
	wasm_rt_type_t sig[params + results + 1];
	uint32_t n = params + results, id = 0;
	va_list ap;

	va_start(ap, results);
	for (uint32_t i = 0; i < n; i++)
		sig[i] = va_arg(ap, wasm_rt_type_t);
	va_end(ap);
	pthread_mutex_lock(&types_lock);
	for (uint32_t i = 0; i < ntypes && !id; i++)
		if (types[i].nparams == params && types[i].nresults == results &&
		    !memcmp(types[i].types, sig, n * sizeof *sig))
			id = i + 1;
	if (!id) {
		func_type *grown = realloc(types, (ntypes + 1) * sizeof *types);
		wasm_rt_type_t *copy = malloc(n ? n * sizeof *sig : 1);
		if (!grown || !copy) {
			fprintf(stderr, "efbench sfi runtime: out of memory\n");
			abort();
		}
		memcpy(copy, sig, n * sizeof *sig);
		types = grown;
		types[ntypes] = (func_type){ params, results, copy };
		id = ++ntypes;
	}
	pthread_mutex_unlock(&types_lock);
	return id;
}

/* Signals. */
static struct sigaction previous[NSIG];
static int installed;

static int in_reservation(const ef_sfi_state *s, uintptr_t a)
{
	uintptr_t base = (uintptr_t)s->base;
	return a >= base && a - base < RESERVATION;
}

/* The thread's stack and a megabyte below it (the guard, or whatever the
 * overflow reached first), or near the stack pointer that faulted. */
static int at_stack(const ef_sfi_thread *t, uintptr_t a, const ucontext_t *uc)
{
	uintptr_t sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];

	if (t->stack_hi && a < t->stack_hi && a + (1u << 20) >= t->stack_lo)
		return 1;
	return a + (64u << 10) >= sp && a <= sp + (64u << 10);
}

static void forward(int sig, siginfo_t *si, void *ctx)
{
	const struct sigaction *p = &previous[sig];

	if (p->sa_flags & SA_SIGINFO) {
		p->sa_sigaction(sig, si, ctx);
		return;
	}
	if (p->sa_handler != SIG_DFL && p->sa_handler != SIG_IGN) {
		p->sa_handler(sig);
		return;
	}
	/* The default action: put it back and let the fault happen again. */
	signal(sig, SIG_DFL);
}

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	ef_sfi_thread *t = &ef_sfi_self;
	ucontext_t *uc = ctx;
	uintptr_t a = (uintptr_t)si->si_addr;
	int trap;

	if (!t->cur || !t->jb) {
		forward(sig, si, ctx);
		return;
	}
	if (in_reservation(t->cur, a))
		trap = WASM_RT_TRAP_OOB;
	else if (sig == SIGSEGV && at_stack(t, a, uc))
		trap = WASM_RT_TRAP_EXHAUSTION;
	else {
		forward(sig, si, ctx);
		return;
	}
	t->trap = trap;
	t->fault_addr = a;
	/* The handler runs with the signal blocked; the call's caller must
	 * not. */
	pthread_sigmask(SIG_SETMASK, &uc->uc_sigmask, NULL);
	__builtin_longjmp(t->jb, 1);
}

/* The watchdog's signal (watchdog.c): the call it found running past the
 * limit ends as a trap, unless the thread has left it since, or runs the
 * runtime's own code (then that code traps when it is done). */
static void on_timeout(int sig, siginfo_t *si, void *ctx)
{
	ef_sfi_thread *t = &ef_sfi_self;
	ucontext_t *uc = ctx;

	(void)sig, (void)si;
	if (!t->cur || !t->jb ||
	    __atomic_load_n(&t->expire_seq, __ATOMIC_RELAXED) != t->seq)
		return;
	if (t->host) {
		__atomic_store_n(&t->expired, 1, __ATOMIC_RELAXED);
		return;
	}
	t->trap = EF_SFI_TRAP_TIMEOUT;
	t->fault_addr = 0;
	pthread_sigmask(SIG_SETMASK, &uc->uc_sigmask, NULL);
	__builtin_longjmp(t->jb, 1);
}

/* The process's handler, once; each thread's alternate stack, once per
 * thread (stack exhaustion leaves no stack to run the handler on). */
static pthread_mutex_t signal_lock = PTHREAD_MUTEX_INITIALIZER;

void wasm_rt_init(void)
{
	struct sigaction sa;

	pthread_mutex_lock(&signal_lock);
	if (!installed) {
		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = on_fault;
		sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
		sigemptyset(&sa.sa_mask);
		struct sigaction st = sa;
		st.sa_sigaction = on_timeout;
		st.sa_flags |= SA_RESTART;
		if (sigaction(SIGSEGV, &sa, &previous[SIGSEGV]) ||
		    sigaction(SIGBUS, &sa, &previous[SIGBUS]) ||
		    sigaction(EF_SFI_TIMEOUT_SIGNAL, &st, NULL)) {
			perror("efbench sfi runtime: sigaction");
			abort();
		}
		installed = 1;
	}
	pthread_mutex_unlock(&signal_lock);
}

bool wasm_rt_is_initialized(void)
{
	return installed;
}

void wasm_rt_free(void)
{
}

/* The calling thread's first call (sfi.c). */
void ef_sfi_thread_setup(void);
void ef_sfi_thread_setup(void)
{
	ef_sfi_thread *t = &ef_sfi_self;
	pthread_attr_t attr;
	stack_t ss;
	void *lo;
	size_t size;

	wasm_rt_init();
	if (!pthread_getattr_np(pthread_self(), &attr)) {
		if (!pthread_attr_getstack(&attr, &lo, &size)) {
			t->stack_lo = (uintptr_t)lo;
			t->stack_hi = (uintptr_t)lo + size;
		}
		pthread_attr_destroy(&attr);
	}
	if (!sigaltstack(NULL, &ss) && (ss.ss_flags & SS_DISABLE)) {
		size_t bytes = 64u << 10;
		void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		/* Kept for the thread's life: a thread that ends leaves it. */
		if (p != MAP_FAILED) {
			ss.ss_sp = p;
			ss.ss_size = bytes;
			ss.ss_flags = 0;
			if (sigaltstack(&ss, NULL))
				munmap(p, bytes);
		}
	}
	ef_sfi_watch_thread();
	t->ready = 1;
}

/* Memories. */
void wasm_rt_allocate_memory(wasm_rt_memory_t *m, uint32_t initial, uint32_t max)
{
	void *p = mmap(NULL, RESERVATION, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	/* size is 32 bits wide: 65536 pages would not fit. */
	if (max > 65535)
		max = 65535;
	memset(m, 0, sizeof *m);
	if (p == MAP_FAILED)
		wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
	m->data = p;
	m->max_pages = max;
	if (initial > max ||
	    (initial && mprotect(p, (size_t)initial * WASM_PAGE, PROT_READ | PROT_WRITE))) {
		munmap(p, RESERVATION);
		m->data = NULL;
		wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
	}
	m->pages = initial;
	m->size = initial * WASM_PAGE;
}

/* The domain whose memory grew learns the new size (sfi.c). */
void ef_sfi_memory_grew(const wasm_rt_memory_t *m);

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *m, uint32_t delta)
{
	uint32_t old = m->pages;

	if (!delta)
		return old;
	if (delta > m->max_pages - old)
		return UINT32_MAX;
	ef_sfi_host_enter();
	if (mprotect(m->data + (size_t)old * WASM_PAGE, (size_t)delta * WASM_PAGE,
		     PROT_READ | PROT_WRITE)) {
		ef_sfi_host_leave();
		return UINT32_MAX;
	}
	m->pages = old + delta;
	m->size = m->pages * WASM_PAGE;
	ef_sfi_memory_grew(m);
	ef_sfi_host_leave();
	return old;
}

void wasm_rt_free_memory(wasm_rt_memory_t *m)
{
	if (m->data)
		munmap(m->data, RESERVATION);
	m->data = NULL;
}

/* Tables. */
#define TABLE_OPS(type)                                                        \
void wasm_rt_allocate_##type##_table(wasm_rt_##type##_table_t *t,              \
				     uint32_t elements, uint32_t max)          \
{                                                                              \
	t->size = elements;                                                    \
	t->max_size = max;                                                     \
	t->data = calloc(elements ? elements : 1, sizeof *t->data);            \
	if (!t->data)                                                          \
		wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);                         \
}                                                                              \
void wasm_rt_free_##type##_table(wasm_rt_##type##_table_t *t)                  \
{                                                                              \
	free(t->data);                                                         \
	t->data = NULL;                                                        \
	t->size = 0;                                                           \
}                                                                              \
uint32_t wasm_rt_grow_##type##_table(wasm_rt_##type##_table_t *t,              \
				     uint32_t delta, wasm_rt_##type##_t init)  \
{                                                                              \
	uint32_t old = t->size;                                                \
	uint64_t n = (uint64_t)old + delta;                                    \
	void *grown;                                                           \
	if (!delta)                                                            \
		return old;                                                    \
	if (n > t->max_size || n > (1u << 24))                                 \
		return UINT32_MAX;                                             \
	ef_sfi_host_enter();                                                   \
	grown = realloc(t->data, n * sizeof *t->data);                         \
	ef_sfi_host_leave();                                                   \
	if (!grown)                                                            \
		return UINT32_MAX;                                             \
	t->data = grown;                                                       \
	for (uint64_t i = old; i < n; i++)                                     \
		t->data[i] = init;                                             \
	t->size = (uint32_t)n;                                                 \
	return old;                                                            \
}
TABLE_OPS(funcref)
TABLE_OPS(externref)

/* Exceptions are not enabled in the modules; these exist for wasm-rt.h's
 * declarations. */
static uint32_t exception_tag, exception_size;
static jmp_buf *unwind_target;

uint32_t wasm_rt_register_tag(uint32_t size)
{
	static uint32_t tags;
	(void)size;
	return __atomic_fetch_add(&tags, 1, __ATOMIC_RELAXED);
}

void wasm_rt_load_exception(uint32_t tag, uint32_t size, const void *values)
{
	(void)values;
	exception_tag = tag;
	exception_size = size;
}

void wasm_rt_throw(void)
{
	wasm_rt_trap(WASM_RT_TRAP_UNCAUGHT_EXCEPTION);
}

WASM_RT_UNWIND_TARGET *wasm_rt_get_unwind_target(void) { return unwind_target; }
void wasm_rt_set_unwind_target(WASM_RT_UNWIND_TARGET *target) { unwind_target = target; }
uint32_t wasm_rt_exception_tag(void) { return exception_tag; }
uint32_t wasm_rt_exception_size(void) { return exception_size; }
void *wasm_rt_exception(void) { return NULL; }
