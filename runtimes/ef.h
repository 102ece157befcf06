/* ef.h: the target-independent API of encapsulated functions.
 *
 * A domain is one foreign library set with its own memory.  The host moves
 * arguments into the domain's memory (a stack with marks, and a heap), calls
 * foreign functions through the runtime's gate, and checks whatever comes
 * back before it trusts it:
 *
 *   upgrade   a foreign pointer becomes an ef_ref only if it is non-NULL,
 *             aligned, and [p, p+size) lies in one region of the domain's
 *             memory with the requested access;
 *   validate  the bytes behind such a reference are a valid value of a type
 *             (bool, enum range, UTF-8, NUL-terminated string within bounds);
 *   epoch     every foreign call may have changed or freed foreign memory, so
 *             it advances the domain's epoch and every reference taken before
 *             it goes stale.
 *
 * Upgrade checks the domain's memory map (a handful of regions), never the
 * list of live allocations: what makes a host access through a foreign
 * pointer safe is that the foreign code could reach those bytes anyway.  Its
 * cost therefore does not grow with the number of allocations.
 *
 * Runtimes (runtimes/mock, runtimes/mpk, runtimes/pmp) differ only in how the
 * domain's memory is obtained and protected and in how a call enters it; the
 * bookkeeping below is shared (runtimes/common).  Workloads do not call this
 * header directly: they include ef_mode.h, which maps each operation onto the
 * mode they are compiled for.
 */
#ifndef EF_H
#define EF_H

#include <stddef.h>
#include <stdint.h>

/* Every way an ef_ operation can fail.  0 is success. */
typedef enum ef_status {
	EF_OK = 0,
	EF_E_NULL,      /* a foreign pointer was NULL */
	EF_E_ALIGN,     /* a foreign pointer was not aligned for its type */
	EF_E_BOUNDS,    /* [p, p+size) is not inside one region of the domain */
	EF_E_ACCESS,    /* the region lacks the requested read/write access */
	EF_E_STALE,     /* a reference from an earlier epoch was used */
	EF_E_INVALID,   /* the bytes are not a valid value of the type */
	EF_E_NOMEM,     /* the domain's heap or stack is exhausted */
	EF_E_ARG,       /* the host passed a bad argument (size 0, bad alignment) */
	EF_E_NOCALLBACK,/* no free callback slot, or a call to an empty slot */
	EF_E_UNAVAILABLE,/* the runtime cannot run on this machine */
	EF_E_FAULT,     /* foreign code faulted: the call ended, the domain is poisoned */
	EF_E_BUSY,      /* another thread is inside the domain */
	EF_E_TIMEOUT,   /* the foreign call ran past its time limit: it was
			 * ended, and the domain is poisoned */
} ef_status;

const char *ef_strerror(ef_status s);

/* Access a region grants and an upgrade asks for. */
enum { EF_READ = 1, EF_WRITE = 2, EF_EXEC = 4 };

#ifndef EF_MAX_REGIONS
#define EF_MAX_REGIONS 32
#endif
#ifndef EF_MAX_CALLBACKS
#define EF_MAX_CALLBACKS 128
#endif
#ifdef EF_DEFAULT_SIZES_FROM_LINKER
/* Bare-metal firmware: the board's link sets the domains' memory sizes. */
extern char __domain_heap_bytes[], __domain_stack_bytes[];
#define EF_DEFAULT_HEAP_BYTES ((size_t)__domain_heap_bytes)
#define EF_DEFAULT_STACK_BYTES ((size_t)__domain_stack_bytes)
#endif
#ifndef EF_DEFAULT_HEAP_BYTES
#define EF_DEFAULT_HEAP_BYTES (64u << 20)
#endif
#ifndef EF_DEFAULT_STACK_BYTES
#define EF_DEFAULT_STACK_BYTES (1u << 20)
#endif

typedef struct ef_region {
	uintptr_t lo, hi;   /* [lo, hi) */
	unsigned access;    /* EF_READ | EF_WRITE | EF_EXEC */
} ef_region;

/* The host's record of one block of the domain heap, free or live.  The
 * records live in the ef_domain, host memory: nothing the heap allocator
 * reads or writes lies in the domain's memory, where foreign code could
 * forge a size or a link and turn the host's next allocation into a write
 * anywhere.  Offsets and sizes are from heap_lo, so a heap holds at most
 * 4 GiB; `next` is an index into heap_rec. */
#ifndef EF_HEAP_BLOCKS
#ifdef EF_DEFAULT_SIZES_FROM_LINKER
#define EF_HEAP_BLOCKS 192       /* the boards' RAM is small */
#else
#define EF_HEAP_BLOCKS 1024
#endif
#endif
typedef struct ef_heap_block {
	uint32_t off, size;
	uint16_t next;              /* the next block up, or EF_HEAP_NONE */
	uint16_t live;
} ef_heap_block;
#define EF_HEAP_NONE 0xffffu

typedef uint64_t (*ef_callback_fn)(uint64_t, uint64_t, uint64_t,
				   uint64_t, uint64_t, uint64_t);

typedef struct ef_domain {
	uint64_t epoch;             /* advanced after every foreign call */
	unsigned nregions;
	ef_region regions[EF_MAX_REGIONS];

	/* Heap: first fit over the address-ordered blocks, with coalescing. */
	unsigned char *heap_lo, *heap_hi;
	size_t heap_live;           /* live allocations, for tests and leaks */
	uint16_t heap_first;        /* the lowest block */
	uint16_t heap_spare;        /* unused records, linked by next */
	unsigned heap_nspare;

	/* Stack: grows down from stack_top; marks restore it. */
	unsigned char *stack_lo, *stack_top, *stack_sp;

	/* Host functions foreign code may call, one per callback slot. */
	ef_callback_fn callbacks[EF_MAX_CALLBACKS];
	unsigned ncallbacks;

	const struct ef_runtime *runtime;
	void *runtime_state;

	/* Last, so that the fields above stay within the short offsets of
	 * a load (RISC-V: 2 KiB), which the gates use. */
	ef_heap_block heap_rec[EF_HEAP_BLOCKS];
} ef_domain;

typedef struct ef_domain_config {
	size_t heap_bytes;   /* 0: EF_DEFAULT_HEAP_BYTES */
	size_t stack_bytes;  /* 0: EF_DEFAULT_STACK_BYTES */
	void *runtime_state; /* the runtime's, set before it maps memory */
} ef_domain_config;

/* What a runtime supplies to the shared bookkeeping: memory for the domain
 * and its release.  What it supplies to the mode layer (open, the gate,
 * faults) is the contract of runtime.h, macros so that the call is inlined
 * into the measured loop. */
typedef struct ef_runtime {
	/* Map `bytes` of memory the foreign code may use; NULL on failure. */
	void *(*map)(ef_domain *d, size_t bytes);
	void (*unmap)(ef_domain *d, void *p, size_t bytes);
	/* Why the runtime cannot run here, or NULL when it can. */
	const char *(*unavailable)(void);
} ef_runtime;

/* A checked reference: valid only while the domain is in the same epoch. */
typedef struct ef_ref {
	void *ptr;
	uint64_t epoch;
} ef_ref;

/* A stack mark: ef_stack_release() frees everything allocated after it. */
typedef struct ef_mark {
	unsigned char *sp;
} ef_mark;

/* Domains. */
ef_status ef_domain_open(ef_domain *d, const ef_runtime *rt,
			 const ef_domain_config *cfg);
void ef_domain_close(ef_domain *d);
/* Add memory the foreign code owns (e.g. a library's data segment). */
ef_status ef_domain_add_region(ef_domain *d, const void *p, size_t bytes,
			       unsigned access);
/* Shift the foreign stack's start down by `offset` bytes (0..4095, rounded
 * down to EF_STACK_ALIGN): the runner randomizes it per sample so that
 * alignment does not bias results.  Releases everything on the foreign
 * stack. */
void ef_domain_stack_offset(ef_domain *d, unsigned offset);

/* Foreign heap. */
void *ef_heap_alloc(ef_domain *d, size_t bytes, size_t align);
void ef_heap_free(ef_domain *d, void *p);

/* Foreign stack.  Its pointer is always EF_STACK_ALIGN-aligned, as a call
 * needs it (System V: 16), so a gate can start foreign code right there. */
#define EF_STACK_ALIGN 16
static inline ef_mark ef_stack_mark(const ef_domain *d)
{
	ef_mark m = { d->stack_sp };
	return m;
}
void *ef_stack_alloc(ef_domain *d, size_t bytes, size_t align);
void ef_stack_release(ef_domain *d, ef_mark m);

/* Epoch: the runtime's gate calls ef_epoch_advance() after each foreign call. */
static inline void ef_epoch_advance(ef_domain *d) { d->epoch++; }

/* Upgrade: see the top of this file. */
static inline ef_status ef_upgrade(const ef_domain *d, const void *p,
				   size_t size, size_t align, unsigned access,
				   ef_ref *out)
{
	uintptr_t a = (uintptr_t)p, end = a + size;
	unsigned i;

	if (!p)
		return EF_E_NULL;
	if (a & (align - 1))
		return EF_E_ALIGN;
	if (end < a)
		return EF_E_BOUNDS;
	for (i = 0; i < d->nregions; i++) {
		const ef_region *r = &d->regions[i];
		if (a >= r->lo && end <= r->hi) {
			if ((r->access & access) != access)
				return EF_E_ACCESS;
			out->ptr = (void *)p;
			out->epoch = d->epoch;
			return EF_OK;
		}
	}
	return EF_E_BOUNDS;
}

/* The pointer behind a reference, or NULL when it is stale. */
static inline void *ef_ref_get(const ef_domain *d, ef_ref r)
{
	return r.epoch == d->epoch ? r.ptr : NULL;
}

/* Validators over bytes the host already holds a reference to.  They read
 * the foreign bytes exactly once, in order. */
ef_status ef_valid_bool(const void *p);                 /* u8 0 or 1 */
ef_status ef_valid_enum(int32_t v, int32_t lo, int32_t hi);
ef_status ef_valid_utf8(const void *p, size_t n);       /* RFC 3629 */
/* A NUL within [p, p+cap): its offset goes to *len. */
ef_status ef_valid_cstr(const void *p, size_t cap, size_t *len);

/* Upgrade and validate in one step, the forms workloads use. */
ef_status ef_upgrade_bool(const ef_domain *d, const void *p, ef_ref *out);
ef_status ef_upgrade_utf8(const ef_domain *d, const void *p, size_t n,
			  ef_ref *out);
ef_status ef_upgrade_cstr(const ef_domain *d, const void *p, size_t cap,
			  size_t *len, ef_ref *out);

/* Callbacks: register a host function in a free slot; the runtime turns the
 * slot into an address foreign code can call.  The slot is written to *slot. */
ef_status ef_callback_add(ef_domain *d, ef_callback_fn fn, unsigned *slot);

#endif
