/* mpk.h: the x86-64 protection-key runtime (invoke and full modes).
 *
 * A domain is a set of unmodified shared objects loaded with dlmopen into a
 * link namespace of its own, through a stub (stub.c) whose DT_NEEDED list
 * names the domain heap library (heap.c) first.  Every mapping private to
 * the namespace, the domain heap, the host's argument memory for the domain
 * and its stack carry the domain's protection key; the domain gets its own
 * thread block.  While foreign code runs, PKRU allows the domain's key,
 * read-only the runtime's shared key, the alternate signal stacks' key, and
 * nothing else: host memory (key 0) is neither writable nor, under the
 * default strict policy, readable.
 *
 * A call goes through the gate (gate.S), one per domain slot and variant:
 *
 *   host:    the call site stores the target and the foreign stack pointer
 *            in the calling thread's ef_mpk_tls and calls the slot's gate
 *            as if it were the foreign function (same arguments, same
 *            return type);
 *   gate:    saves the callee-saved registers, takes the slot by storing
 *            the host stack pointer with a compare-and-exchange (a second
 *            thread is refused, EF_E_BUSY), switches the thread block (wrfsbase, or arch_prctl where the
 *            kernel has not enabled FSGSBASE), copies stacked arguments to
 *            the foreign stack, switches stacks, writes PKRU and checks the
 *            value against a shadow copy, clears registers that still hold
 *            host values, and calls;
 *   return:  writes the host PKRU back (checked), restores the host stack,
 *            thread block, direction flag and callee-saved registers, and
 *            returns rax, rdx:rax, xmm0 or xmm0:xmm1 untouched.
 *
 * Not scrubbed: argument registers the call does not use and the vector
 * registers keep the host's values (the gate knows neither the callee's
 * arity nor its types, and clearing them all costs more than the budget).
 *
 * Faults in foreign code end the call and poison the domain (signals.c),
 * callbacks enter the host through trampolines (callbacks.c), and a
 * seccomp filter refuses the system calls that would undo the keys
 * (syscalls.c); internal.h lists the runtime's files.
 *
 * Limits: one thread at a time in a domain (it has one stack and one thread
 * block); up to EF_MPK_SLOTS domains, and no more than the keys allow (the
 * CPU has 16: key 0 is the host's, one the shared key, one the alternate
 * signal stacks'); arguments and return values of at most 8
 * bytes each, or a 16-byte return in rdx:rax or xmm0:xmm1 (no structures
 * passed or returned in memory); no variadic foreign functions.
 */
#ifndef EF_MPK_H
#define EF_MPK_H

#include "../ef.h"
#include "../ef_seq.h"
#include "layout.h"

#include <signal.h>
#include <stdint.h>

/* A slot's gate entries: by the return value (rdx needed or not) and by
 * what the call passes (ef_mpk_entry). */
enum { EF_MPK_ENTRIES = 11 };

/* One domain's state as the gate sees it (host memory); gate.S uses the
 * offsets of layout.h. */
typedef struct ef_mpk_slot {
	uint64_t host_rsp;      /*  0: strict: the stack pointer of the thread
				 *     inside, else the value that thread
				 *     expects (sealed: ef_mpk_sealed_rsp) */
	uint64_t host_fs;       /*  8: strict: its thread pointer, saved by
				 *     the gate (sealed: the thread page's) */
	uint64_t tcb;           /* 16: the domain's thread pointer */
	struct ef_mpk_ns *ns;   /* 24: the loaded namespace */
	void *entry[2][EF_MPK_ENTRIES]; /* 32: [rdx needed][ef_mpk_entry] */
} __attribute__((aligned(MPK_SLOT_SIZE))) ef_mpk_slot;

/* Per host thread: what the call site leaves for the gate, and how the
 * thread's last failed call failed.  Host TLS; gate.S uses the offsets of
 * layout.h. */
typedef struct ef_mpk_thread {
	uint64_t stack_bytes;   /*  0: the armed call's stacked arguments, in bytes */
	uint64_t foreign_sp;    /*  8: foreign stack pointer, 16-aligned */
	uint32_t status;        /* 16: EF_E_FAULT or EF_E_BUSY, else 0 */
	uint32_t pad;
	uint64_t token;         /* 24: this thread's callback token */
	uint64_t expect[EF_MPK_SLOTS]; /* 32: host_rsp of a slot it may take */
	uint64_t tpage;         /* its thread page (thread.c), or 0 */
	uint64_t owner;         /* tpage | 1: what sealed gates keep in
				 * ef_mpk_owner while it runs foreign code */
	uint32_t open_keys;     /* a signal it sends itself is to give it
				 * host PKRU (signals.c) */
} ef_mpk_thread;

extern __thread ef_mpk_thread ef_mpk_tls __attribute__((tls_model("local-exec")));
extern ef_mpk_slot ef_mpk_slots[EF_MPK_SLOTS];

/* Runtime policies: what foreign code may do with host memory. */
typedef enum ef_mpk_policy {
	EF_MPK_STRICT,          /* neither read nor write (default) */
	EF_MPK_HOST_READ,       /* read, never write (--foreign-read=host) */
	EF_MPK_SEALED,          /* strict, and no system calls, signal state,
				 * gadgets or host state either (sealed.c) */
} ef_mpk_policy;
/* "strict", "foreign-read-host", "sealed": the rows' policy column. */
const char *ef_mpk_policy_name(ef_mpk_policy p);

/* The most memory a sealed domain's heap may commit: touching more faults
 * and ends the call (the domain heap reserves 1 GiB of address space). */
#define EF_MPK_HEAP_CAP ((size_t)128 << 20)

/* A foreign call that runs longer than `seconds` is ended with
 * EF_E_TIMEOUT and poisons its domain (0: no limit, the default).  A
 * watchdog thread watches the domains' calls; it starts with the first
 * limit set. */
ef_status ef_mpk_set_foreign_timeout(double seconds);

/* NULL when this machine can run the mpk target, else why not (CPUID bits,
 * kernel support, pkey_alloc). */
const char *ef_mpk_unavailable(void);

/* Choose the policy for domains opened from now on. */
void ef_mpk_set_policy(ef_mpk_policy p);

/* Open a domain over the library set `set`: the stub libefstub-<set>.so,
 * found through the executable's run path.  The namespace is loaded and
 * tagged once per process and reused by later domains of the same set. */
ef_status ef_mpk_open(ef_domain *d, const char *set,
		      const ef_domain_config *cfg);
void ef_mpk_close(ef_domain *d);

/* What went wrong in the last failed ef_mpk_open on this thread. */
const char *ef_mpk_error(void);

/* 1 when the gates switch the thread block with wrfsbase, 0 when with
 * arch_prctl (no FSGSBASE, or EFBENCH_MPK_FSGSBASE=0); valid once a domain
 * has been opened. */
int ef_mpk_uses_fsgsbase(void);

/* 1 while a thread's call runs in the domain's slot (foreign code, or the
 * gate around it; the domains of one library set and policy share a
 * slot), 0 otherwise, also while a call waits in a callback. */
int ef_mpk_inside(const ef_domain *d);

/* The domain's protection key, and the shared read-only key. */
int ef_mpk_key(const ef_domain *d);
int ef_mpk_shared_key(void);
/* 1 when no domain may write the alternate signal stacks: the kernel
 * writes signal frames whatever the interrupted PKRU (Linux 6.12 and
 * later), which the runtime finds out when it allocates its keys; 0
 * before (the frame race of docs/mpk.md). */
int ef_mpk_altstacks_closed(void);
/* The foreign address of `name` in the domain's namespace, or NULL. */
void *ef_mpk_symbol(const ef_domain *d, const char *name);

/* Install a signal handler that also works while foreign code runs: the
 * kernel starts handlers with its default PKRU, which denies the domain's
 * stack; an entry stub restores host protections and the host thread block
 * first, and puts back the domain's when the handler returns. */
int ef_mpk_sigaction(int sig, const struct sigaction *act,
		     struct sigaction *old);

/* Host-side state of the calling thread: glibc's rseq area (in the host
 * thread block, written by the kernel under the interrupted PKRU) is
 * unregistered before the thread's first foreign call. */
void ef_mpk_thread_init(void);

/* A call site's cache of a foreign symbol's address, per thread, so that a
 * call site looks its symbol up once per thread and domain.  A slot holds
 * one namespace for the life of the process (a fresh namespace takes a
 * fresh slot), so the slot names the namespace the address belongs to. */
typedef struct ef_mpk_sym {
	const void *slot;
	void *addr;
} ef_mpk_sym;
void *ef_mpk_lookup(ef_domain *d, const char *name, ef_mpk_sym *cache);

/* Bytes of stacked arguments in a call with these arguments (System V:
 * integers and pointers beyond six, floating point beyond eight).  Each
 * argument must fit in 8 bytes. */
#define EF_MPK_ARG_CLASS(a)                                                 \
	+ (sizeof(char[sizeof(a) <= 8 ? 1 : -1]) * 0 +                      \
	   _Generic((a), float: 1u << 16, double: 1u << 16, default: 1u))
static inline uint64_t ef_mpk_stack_bytes(unsigned classes)
{
	unsigned ints = (classes & 0xffff) - 1, vecs = classes >> 16;
	return 8 * ((ints > 6 ? ints - 6 : 0) + (vecs > 8 ? vecs - 8 : 0));
}
/* The argument classes of a call: the count of integers, plus one, and
 * of floating-point arguments << 16. */
#define EF_MPK_CLASSES(...) (0 EF_FOREACH(EF_MPK_ARG_CLASS, 0, ##__VA_ARGS__))
#define EF_MPK_STACK_BYTES(...) ef_mpk_stack_bytes(EF_MPK_CLASSES(__VA_ARGS__))

/* Which of a slot's gate entries (gate.S) a call takes, from its argument
 * classes (EF_MPK_CLASSES): 0-6, that many integer
 * arguments and no vector argument, so that a sealed gate clears the other
 * argument registers and the vector registers; 7 and 8, some vector
 * arguments and at most two integers, or more; 9 and 10, stacked
 * arguments, without or with vector arguments. */
static inline unsigned ef_mpk_entry(unsigned classes)
{
	unsigned ints = (classes & 0xffff) - 1, vecs = classes >> 16;
	if (ints > 6 || vecs > 8)
		return vecs ? 10 : 9;
	if (vecs)
		return ints <= 2 ? 7 : 8;
	return ints;
}

/* Arm the calling thread for one call into the domain: the foreign stack
 * pointer (and the stacked bytes) into ef_mpk_tls, the target into *fnp;
 * returns the gate to call, which takes the target in r10 (EF_MPK_CALL_). */
#define EF_MPK_ARM_(d, target, fnp, ret_size, ...) __extension__({             \
	static __thread ef_mpk_sym ef_sym_;                                \
	ef_mpk_slot *ef_s_ = (d)->runtime_state;                           \
	uint64_t ef_sb_ = EF_MPK_STACK_BYTES(__VA_ARGS__);                 \
	*(fnp) = __builtin_expect(ef_sym_.slot == ef_s_, 1)                \
		? ef_sym_.addr : ef_mpk_lookup((d), #target, &ef_sym_);        \
	ef_mpk_tls.foreign_sp = (uintptr_t)(d)->stack_sp;                 \
	if (ef_sb_)                                                        \
		ef_mpk_tls.stack_bytes = ef_sb_;                           \
	ef_s_->entry[(ret_size) > 8][ef_mpk_entry(EF_MPK_CLASSES(__VA_ARGS__))]; \
})

/* Call `gate`, typed as fn, with the target `target` in r10: GCC's and
 * Clang's static chain register on x86-64, so that the target crosses in a
 * register rather than through memory.  GCC has the builtin in C only:
 * C++ callers need Clang. */
#define EF_MPK_CALL_(gate, target, fn, ...)                                \
	__builtin_call_with_static_chain(((__typeof__(&fn))(gate))(__VA_ARGS__), \
					 (target))

/* A foreign call through the gate; the epoch advances after it. */
#define EF_MPK_INVOKE(d, fn, ...) __extension__({                          \
	ef_domain *ef_d_ = (d);                                            \
	void *ef_fn_;                                                      \
	void *ef_gate_ = EF_MPK_ARM_(ef_d_, fn, &ef_fn_,                   \
				     sizeof(fn(__VA_ARGS__)), __VA_ARGS__); \
	__typeof__(fn(__VA_ARGS__)) ef_ret_ =                              \
		EF_MPK_CALL_(ef_gate_, ef_fn_, fn, __VA_ARGS__);           \
	ef_epoch_advance(ef_d_);                                           \
	ef_ret_;                                                           \
})

#define EF_MPK_INVOKE_VOID(d, fn, ...) do {                                \
	ef_domain *ef_d_ = (d);                                            \
	void *ef_fn_;                                                      \
	void *ef_gate_ = EF_MPK_ARM_(ef_d_, fn, &ef_fn_, 0, __VA_ARGS__);  \
	EF_MPK_CALL_(ef_gate_, ef_fn_, fn, __VA_ARGS__);                   \
	ef_epoch_advance(ef_d_);                                           \
} while (0)

/* How the calling thread's last foreign call failed, and clear it:
 * EF_OK, EF_E_FAULT (foreign code faulted, or the domain was poisoned
 * already) or EF_E_BUSY (another thread was inside the domain).  A failed
 * call returns 0.  The gate never clears it, so one check after a batch of
 * calls sees a failure anywhere in the batch. */
static inline ef_status ef_mpk_call_status(void)
{
	ef_status s = (ef_status)ef_mpk_tls.status;
	ef_mpk_tls.status = 0;
	return s;
}

/* A fault that ended a call into a domain and poisoned it. */
typedef struct ef_mpk_fault {
	int signo;              /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP,
				 * SIGABRT, SIGSYS */
	int code;               /* si_code, e.g. SEGV_PKUERR */
	uintptr_t addr;         /* si_addr: the address touched */
	uintptr_t pc;           /* the faulting instruction */
	int pkey;               /* the key that denied the access, or -1 */
	unsigned access;        /* EF_READ, EF_WRITE or EF_EXEC; 0 unknown */
	int stack_overflow;     /* the address is the foreign stack's guard */
	int syscall;            /* SIGSYS: the refused system call's number */
	char what[160];         /* a named cause, when there is one */
} ef_mpk_fault;

/* The fault that poisoned the domain's namespace, or NULL while it is
 * healthy.  A poisoned domain's calls fail at once; ef_mpk_open of the same
 * set loads a fresh namespace. */
const ef_mpk_fault *ef_mpk_fault_of(const ef_domain *d);
/* One line describing it, e.g. "SIGSEGV (SEGV_PKUERR) writing 0x… (key 0)
 * at pc 0x… in libfoo.so+0x…". */
const char *ef_mpk_fault_describe(const ef_mpk_fault *f, char *buf, size_t len);

/* efm_fault for the mpk runtime: the domain's fault, or the calling
 * thread's last refused call; NULL when neither. */
const char *ef_mpk_fault_message(const ef_domain *d, char *buf, size_t len);

/* The address foreign code calls to reach callback slot `slot` of its
 * domain (ef_callback_add). */
void *ef_mpk_callback_address(const ef_domain *d, unsigned slot);

/* What the load-time scan found in the code foreign code can jump to (the
 * namespace's executable mappings, ld.so's included, and the host's libc):
 * every offset holding the bytes of wrpkru (0f 01 ef) or xrstor (0f ae /5,
 * any form), instruction boundary or not. */
#define EF_MPK_SCAN_KEPT 32     /* hits kept per set; all are counted */
typedef struct ef_mpk_scan_hit {
	uintptr_t addr;
	const char *insn;       /* "wrpkru" or "xrstor" */
	char where[96];         /* object+offset; "host " first for the host's libc */
	int neutralized;        /* its first two bytes are ud2 now (sealed) */
} ef_mpk_scan_hit;
/* The sealed policy rewrites ld.so's lazy resolver to trap, so nothing in
 * the process may bind lazily: where LD_BIND_NOW is unset, this runs the
 * program again (/proc/self/exe, argv) with LD_BIND_NOW=1, which binds
 * every object at load (-z now on the program binds the program alone).
 * Returns 0 where it is set, -1 (errno) when the exec failed. */
int ef_mpk_bind_now(char **argv);

/* Refuse to load a library set whose scan finds anything not neutralized. */
void ef_mpk_set_strict_scan(int on);
/* The hits of the namespace behind d (NULL, 0 when none). */
const ef_mpk_scan_hit *ef_mpk_scan(const ef_domain *d, unsigned *n);
/* The hits of the i-th library set loaded in this process (with its name
 * and hit count), or NULL past the last. */
const ef_mpk_scan_hit *ef_mpk_scan_of(unsigned i, const char **set, unsigned *n);

#endif
