/* mock.c: the mock runtime's memory (plain anonymous mappings) and its pool
 * of callback trampolines, one C function per slot. */
#include "mock.h"

#include <stdio.h>
#include <stdlib.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

__thread ef_domain *ef_mock_current;

#ifdef __linux__
static void *mock_map(ef_domain *d, size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	(void)d;
	return p == MAP_FAILED ? NULL : p;
}

static void mock_unmap(ef_domain *d, void *p, size_t bytes)
{
	(void)d;
	munmap(p, bytes);
}
#else
/* Bare metal (the PMP firmware): the C library's heap. */
static void *mock_map(ef_domain *d, size_t bytes)
{
	(void)d;
	return malloc(bytes);
}

static void mock_unmap(ef_domain *d, void *p, size_t bytes)
{
	(void)d, (void)bytes;
	free(p);
}
#endif

const ef_runtime ef_mock_runtime = {
	.map = mock_map,
	.unmap = mock_unmap,
	.unavailable = NULL,
};

/* Foreign code called slot `slot`: run the host function as host code (so
 * that a nested invoke sees a host caller), then resume foreign code.  The
 * epoch advances on entry because foreign code ran since the last check. */
static uint64_t callback_dispatch(unsigned slot, uint64_t a, uint64_t b,
				  uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
	ef_domain *dom = ef_mock_current;
	uint64_t r;

	if (!dom || slot >= dom->ncallbacks) {
		fprintf(stderr, "efbench mock runtime: foreign code called "
			"callback slot %u, which %s\n", slot,
			dom ? "is not registered" : "has no calling domain");
		abort();
	}
	ef_epoch_advance(dom);
	ef_mock_current = NULL;
	r = dom->callbacks[slot](a, b, c, d, e, f);
	ef_mock_current = dom;
	return r;
}

#define EF_TRAMPOLINE_DISPATCH callback_dispatch
#include "../ef_trampolines.h"
_Static_assert(EF_TRAMPOLINES == EF_MAX_CALLBACKS, "one trampoline per callback slot");

void *ef_mock_callback_address(unsigned slot)
{
	return slot < EF_MAX_CALLBACKS ? ef_trampolines[slot] : NULL;
}
