/* domain.c: the bookkeeping every runtime shares: the domain's regions, its
 * heap and stack inside the memory the runtime maps, callback slots, and the
 * status strings. */
#include "../ef.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Heap blocks start with this header; sizes include it and are multiples of
 * EF_HEAP_GRAIN.  A live block holds EF_HEAP_LIVE where a free one holds its
 * successor, so that freeing a pointer the heap never handed out is caught. */
struct ef_heap_block {
	size_t size;
	ef_heap_block *next;
};
#define EF_HEAP_GRAIN ((size_t)sizeof(ef_heap_block))
#define EF_HEAP_LIVE ((ef_heap_block *)(uintptr_t)0xef11ef11ef11ef11ull)

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
	d->heap_free = (ef_heap_block *)d->heap_lo;
	d->heap_free->size = heap;
	d->heap_free->next = NULL;
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

void *ef_heap_alloc(ef_domain *d, size_t bytes, size_t align)
{
	ef_heap_block **link, *b;

	if (!is_pow2(align) || bytes > (size_t)(d->heap_hi - d->heap_lo))
		return NULL;
	if (align < EF_HEAP_GRAIN)
		align = EF_HEAP_GRAIN;
	bytes = align_up(bytes ? bytes : 1, EF_HEAP_GRAIN);
	for (link = &d->heap_free; (b = *link); link = &b->next) {
		uintptr_t start = (uintptr_t)b, end = start + b->size;
		uintptr_t user = align_up(start + EF_HEAP_GRAIN, align);
		uintptr_t head = user - EF_HEAP_GRAIN;
		ef_heap_block *blk;

		/* A gap before the block must hold a free block of its own. */
		if (head != start && head - start < 2 * EF_HEAP_GRAIN)
			user = align_up(start + 3 * EF_HEAP_GRAIN, align),
			head = user - EF_HEAP_GRAIN;
		if (user + bytes > end)
			continue;
		if (head != start) {            /* keep the gap on the list */
			b->size = head - start;
			link = &b->next;
			blk = (ef_heap_block *)head;
			blk->next = b->next;
		} else {
			blk = b;
		}
		blk->size = end - head;
		if (blk->size - EF_HEAP_GRAIN - bytes >= 2 * EF_HEAP_GRAIN) {
			ef_heap_block *rest = (ef_heap_block *)(user + bytes);
			rest->size = end - (uintptr_t)rest;
			rest->next = blk->next;
			blk->size = (uintptr_t)rest - head;
			*link = rest;
		} else {
			*link = blk->next;
		}
		blk->next = EF_HEAP_LIVE;
		d->heap_live++;
		return (void *)user;
	}
	return NULL;
}

void ef_heap_free(ef_domain *d, void *p)
{
	ef_heap_block *blk, **link, *prev = NULL;

	if (!p)
		return;
	blk = (ef_heap_block *)((uintptr_t)p - EF_HEAP_GRAIN);
	if ((unsigned char *)blk < d->heap_lo || (unsigned char *)p >= d->heap_hi ||
	    blk->next != EF_HEAP_LIVE) {
		fprintf(stderr, "ef_heap_free: %p is not a live block of this "
			"domain's heap\n", p);
		abort();
	}
	for (link = &d->heap_free; *link && *link < blk; link = &(*link)->next)
		prev = *link;
	blk->next = *link;
	*link = blk;
	if (blk->next && (uintptr_t)blk + blk->size == (uintptr_t)blk->next) {
		blk->size += blk->next->size;
		blk->next = blk->next->next;
	}
	if (prev && (uintptr_t)prev + prev->size == (uintptr_t)blk) {
		prev->size += blk->size;
		prev->next = blk->next;
	}
	d->heap_live--;
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
