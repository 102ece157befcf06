/* domain.c: the bookkeeping every runtime shares: the domain's regions, its
 * heap and stack inside the memory the runtime maps, callback slots, and the
 * status strings. */
#include "../ef.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Heap blocks: records in host memory (ef.h, ef_heap_block), sizes in
 * multiples of EF_HEAP_GRAIN. */
#define EF_HEAP_GRAIN ((size_t)16)
_Static_assert(EF_HEAP_BLOCKS >= 2 && EF_HEAP_BLOCKS < EF_HEAP_NONE, "EF_HEAP_BLOCKS");

static const char *const status_text[] = {
	[EF_OK] = "ok",
	[EF_E_NULL] = "foreign pointer is NULL",
	[EF_E_ALIGN] = "foreign pointer is misaligned",
	[EF_E_BOUNDS] = "foreign pointer is outside the domain's memory",
	[EF_E_ACCESS] = "domain memory lacks the requested access",
	[EF_E_STALE] = "reference is from an earlier epoch",
	[EF_E_INVALID] = "foreign value is invalid for its type",
	[EF_E_NOMEM] = "domain memory exhausted",
	[EF_E_ARG] = "invalid argument",
	[EF_E_NOCALLBACK] = "no such callback slot",
	[EF_E_UNAVAILABLE] = "runtime unavailable on this machine",
	[EF_E_FAULT] = "foreign code faulted; the domain is poisoned",
	[EF_E_BUSY] = "another thread is inside the domain",
	[EF_E_TIMEOUT] = "the foreign call ran past its time limit; the domain is poisoned",
};

const char *ef_strerror(ef_status s)
{
	if ((unsigned)s < sizeof status_text / sizeof *status_text &&
	    status_text[s])
		return status_text[s];
	return "unknown status";
}

static uintptr_t align_up(uintptr_t v, size_t a) { return (v + a - 1) & ~(uintptr_t)(a - 1); }
static int is_pow2(size_t v) { return v && !(v & (v - 1)); }

ef_status ef_domain_add_region(ef_domain *d, const void *p, size_t bytes,
			       unsigned access)
{
	if (!p || !bytes || (uintptr_t)p + bytes < (uintptr_t)p)
		return EF_E_ARG;
	if (d->nregions == EF_MAX_REGIONS)
		return EF_E_NOMEM;
	d->regions[d->nregions++] = (ef_region){ (uintptr_t)p,
						 (uintptr_t)p + bytes, access };
	return EF_OK;
}

ef_status ef_domain_open(ef_domain *d, const ef_runtime *rt,
			 const ef_domain_config *cfg)
{
	size_t heap = cfg && cfg->heap_bytes ? cfg->heap_bytes : EF_DEFAULT_HEAP_BYTES;
	size_t stack = cfg && cfg->stack_bytes ? cfg->stack_bytes : EF_DEFAULT_STACK_BYTES;
	unsigned char *mem;

	memset(d, 0, sizeof *d);
	if (rt->unavailable && rt->unavailable())
		return EF_E_UNAVAILABLE;
	heap = align_up(heap, 4096);
	stack = align_up(stack, 4096);
	if (heap > UINT32_MAX - 4096)
		return EF_E_ARG;
	d->runtime = rt;
	d->runtime_state = cfg ? cfg->runtime_state : NULL;
	mem = rt->map(d, heap + stack);
	if (!mem)
		return EF_E_NOMEM;
	/* The stack lies below the heap, so that it overflows into whatever
	 * the runtime put below the mapping (the mpk runtime: a guard page),
	 * never into the heap. */
	d->stack_lo = mem;
	d->stack_top = d->stack_sp = mem + stack;
	d->heap_lo = mem + stack;
	d->heap_hi = mem + stack + heap;
	d->heap_first = 0;
	d->heap_rec[0] = (ef_heap_block){ 0, (uint32_t)heap, EF_HEAP_NONE, 0 };
	for (unsigned i = 1; i < EF_HEAP_BLOCKS; i++)
		d->heap_rec[i].next = i + 1 < EF_HEAP_BLOCKS ? (uint16_t)(i + 1) : EF_HEAP_NONE;
	d->heap_spare = 1;
	d->heap_nspare = EF_HEAP_BLOCKS - 1;
	return ef_domain_add_region(d, mem, heap + stack, EF_READ | EF_WRITE);
}

void ef_domain_close(ef_domain *d)
{
	if (d->stack_lo)
		d->runtime->unmap(d, d->stack_lo,
				  (size_t)(d->heap_hi - d->stack_lo));
	memset(d, 0, sizeof *d);
}

void ef_domain_stack_offset(ef_domain *d, unsigned offset)
{
	d->stack_sp = d->stack_top - (offset & 4080u);
}

void *ef_stack_alloc(ef_domain *d, size_t bytes, size_t align)
{
	uintptr_t sp;

	if (!is_pow2(align) || bytes > (size_t)(d->stack_sp - d->stack_lo))
		return NULL;
	if (align < EF_STACK_ALIGN)
		align = EF_STACK_ALIGN;
	sp = ((uintptr_t)d->stack_sp - bytes) & ~(uintptr_t)(align - 1);
	if (sp < (uintptr_t)d->stack_lo)
		return NULL;
	d->stack_sp = (unsigned char *)sp;
	return d->stack_sp;
}

void ef_stack_release(ef_domain *d, ef_mark m)
{
	if (m.sp < d->stack_sp || m.sp > d->stack_top) {
		fprintf(stderr, "ef_stack_release: mark %p is not on the stack "
			"above %p\n", (void *)m.sp, (void *)d->stack_sp);
		abort();
	}
	d->stack_sp = m.sp;
}

/* A record for a new block after block `after` (EF_HEAP_NONE: first). */
static ef_heap_block *heap_insert(ef_domain *d, uint16_t after, uint32_t off,
				  uint32_t size)
{
	uint16_t k = d->heap_spare;
	ef_heap_block *n = &d->heap_rec[k];
	uint16_t *link = after == EF_HEAP_NONE ? &d->heap_first
		: &d->heap_rec[after].next;

	d->heap_spare = n->next;
	d->heap_nspare--;
	*n = (ef_heap_block){ off, size, *link, 0 };
	*link = k;
	return n;
}

/* Block k leaves the list after `prev` (EF_HEAP_NONE: it was first). */
static void heap_remove(ef_domain *d, uint16_t prev, uint16_t k)
{
	uint16_t *link = prev == EF_HEAP_NONE ? &d->heap_first : &d->heap_rec[prev].next;

	*link = d->heap_rec[k].next;
	d->heap_rec[k].next = d->heap_spare;
	d->heap_spare = k;
	d->heap_nspare++;
}

void *ef_heap_alloc(ef_domain *d, size_t bytes, size_t align)
{
	uintptr_t lo = (uintptr_t)d->heap_lo;
	uint16_t k, prev = EF_HEAP_NONE;

	if (!is_pow2(align) || bytes > (size_t)(d->heap_hi - d->heap_lo))
		return NULL;
	if (align < EF_HEAP_GRAIN)
		align = EF_HEAP_GRAIN;
	bytes = align_up(bytes ? bytes : 1, EF_HEAP_GRAIN);
	for (k = d->heap_first; k != EF_HEAP_NONE; prev = k, k = d->heap_rec[k].next) {
		ef_heap_block *b = &d->heap_rec[k];
		uintptr_t start = lo + b->off, end = start + b->size;
		uintptr_t user = align_up(start, align);

		if (b->live || user > end || end - user < bytes)
			continue;
		/* A gap before it and the rest after it take a record each. */
		if ((unsigned)(user != start) + (end - user != bytes) > d->heap_nspare)
			return NULL;
		if (user != start) {
			heap_insert(d, prev, b->off, (uint32_t)(user - start));
			b->off = (uint32_t)(user - lo);
			b->size = (uint32_t)(end - user);
		}
		if (b->size != bytes) {
			heap_insert(d, k, (uint32_t)(user + bytes - lo),
				    (uint32_t)(b->size - bytes));
			b->size = (uint32_t)bytes;
		}
		b->live = 1;
		d->heap_live++;
		return (void *)user;
	}
	return NULL;
}

void ef_heap_free(ef_domain *d, void *p)
{
	uintptr_t off = (uintptr_t)p - (uintptr_t)d->heap_lo;
	uint16_t k, prev = EF_HEAP_NONE, next;
	ef_heap_block *b;

	if (!p)
		return;
	for (k = d->heap_first; k != EF_HEAP_NONE; prev = k, k = d->heap_rec[k].next)
		if (d->heap_rec[k].off >= off)
			break;
	b = k == EF_HEAP_NONE ? NULL : &d->heap_rec[k];
	if (!b || b->off != off || !b->live) {
		fprintf(stderr, "ef_heap_free: %p is not a live block of this "
			"domain's heap\n", p);
		abort();
	}
	b->live = 0;
	d->heap_live--;
	next = b->next;
	if (next != EF_HEAP_NONE && !d->heap_rec[next].live) {
		b->size += d->heap_rec[next].size;
		heap_remove(d, k, next);
	}
	if (prev != EF_HEAP_NONE && !d->heap_rec[prev].live) {
		d->heap_rec[prev].size += b->size;
		heap_remove(d, prev, k);
	}
}

ef_status ef_callback_add(ef_domain *d, ef_callback_fn fn, unsigned *slot)
{
	if (!fn)
		return EF_E_ARG;
	if (d->ncallbacks == EF_MAX_CALLBACKS)
		return EF_E_NOCALLBACK;
	d->callbacks[d->ncallbacks] = fn;
	*slot = d->ncallbacks++;
	return EF_OK;
}
