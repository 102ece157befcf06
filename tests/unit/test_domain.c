/* test_domain.c: upgrade, the foreign heap and stack, the epoch and the
 * callback slots, on the mock runtime. */
#include "check.h"
#include "../../runtimes/ef.h"
#include "../../runtimes/mock/mock.h"

#include <string.h>

static ef_domain d;

static int open_domain(void)
{
	ef_domain_config cfg = { .heap_bytes = 1 << 20, .stack_bytes = 64 << 10 };
	ef_status s = ef_domain_open(&d, &ef_mock_runtime, &cfg);
	CHECK_MSG(s == EF_OK, "open: %s", ef_strerror(s));
	return s == EF_OK;
}

static void upgrade_table(void)
{
	static const unsigned char host_ro[64] = { 1 };
	unsigned char host[64];
	ef_ref r = { 0 };

	if (!open_domain())
		return;
	unsigned char *p = ef_heap_alloc(&d, 64, 16);
	unsigned char *end = d.heap_hi;     /* one past the domain's memory */
	CHECK(p);
	CHECK(ef_domain_add_region(&d, host_ro, sizeof host_ro, EF_READ) == EF_OK);

	CHECK(ef_upgrade(&d, p, 64, 16, EF_READ | EF_WRITE, &r) == EF_OK && r.ptr == p);
	CHECK(ef_upgrade(&d, NULL, 8, 8, EF_READ, &r) == EF_E_NULL);
	CHECK(ef_upgrade(&d, p + 1, 8, 8, EF_READ, &r) == EF_E_ALIGN);
	CHECK(ef_upgrade(&d, p + 1, 8, 1, EF_READ, &r) == EF_OK);
	CHECK(ef_upgrade(&d, host, 8, 1, EF_READ, &r) == EF_E_BOUNDS);
	CHECK(ef_upgrade(&d, d.stack_lo - 8, 8, 8, EF_READ, &r) == EF_E_BOUNDS);
	CHECK(ef_upgrade(&d, end - 8, 8, 8, EF_READ, &r) == EF_OK);
	CHECK(ef_upgrade(&d, end - 8, 9, 1, EF_READ, &r) == EF_E_BOUNDS);
	CHECK(ef_upgrade(&d, end, 1, 1, EF_READ, &r) == EF_E_BOUNDS);
	/* A size that wraps the address space must not pass as small. */
	CHECK(ef_upgrade(&d, p, SIZE_MAX - 8, 1, EF_READ, &r) == EF_E_BOUNDS);
	/* A read-only region refuses writes. */
	CHECK(ef_upgrade(&d, host_ro, 8, 1, EF_READ, &r) == EF_OK);
	CHECK(ef_upgrade(&d, host_ro, 8, 1, EF_WRITE, &r) == EF_E_ACCESS);
	/* Straddling two regions is not inside one. */
	CHECK(ef_upgrade(&d, host_ro + 60, 8, 1, EF_READ, &r) == EF_E_BOUNDS);
	ef_domain_close(&d);
}

/* Every region kind, at its exact borders: a range one byte before either
 * end, or one byte past, is refused; one that touches an end from inside
 * is accepted.  Kinds: the domain's own memory (its stack at the low end,
 * its heap at the high end), a read-only region and a read-write one added
 * inside host arrays (so that the bytes around them are host memory). */
static void upgrade_borders(void)
{
	static const unsigned char host_ro[96];
	static unsigned char host_rw[96];
	ef_ref r = { 0 };

	if (!open_domain())
		return;
	CHECK(ef_domain_add_region(&d, host_ro + 16, 64, EF_READ) == EF_OK);
	CHECK(ef_domain_add_region(&d, host_rw + 16, 64, EF_READ | EF_WRITE) == EF_OK);
	const struct {
		const char *kind;
		const unsigned char *lo, *hi;
		unsigned access;
	} regions[] = {
		{ "domain memory", d.stack_lo, d.heap_hi, EF_READ | EF_WRITE },
		{ "read-only region", host_ro + 16, host_ro + 80, EF_READ },
		{ "read-write region", host_rw + 16, host_rw + 80, EF_READ | EF_WRITE },
	};
	for (unsigned i = 0; i < sizeof regions / sizeof *regions; i++) {
		const unsigned char *lo = regions[i].lo, *hi = regions[i].hi;
		const size_t n = (size_t)(hi - lo);
		const unsigned a = regions[i].access;
		const struct {
			const char *what;
			const unsigned char *p;
			size_t size;
			ef_status want;
		} cases[] = {
			{ "the whole region", lo, n, EF_OK },
			{ "its first byte", lo, 1, EF_OK },
			{ "its last byte", hi - 1, 1, EF_OK },
			{ "the byte before it", lo - 1, 1, EF_E_BOUNDS },
			{ "from the byte before it", lo - 1, 2, EF_E_BOUNDS },
			{ "the whole region from the byte before", lo - 1, n, EF_E_BOUNDS },
			{ "the byte after it", hi, 1, EF_E_BOUNDS },
			{ "its last byte and the next", hi - 1, 2, EF_E_BOUNDS },
			{ "the whole region and the next byte", lo, n + 1, EF_E_BOUNDS },
			{ "one byte more on both sides", lo - 1, n + 2, EF_E_BOUNDS },
		};
		for (unsigned k = 0; k < sizeof cases / sizeof *cases; k++) {
			ef_status s = ef_upgrade(&d, cases[k].p, cases[k].size, 1, a, &r);
			CHECK_MSG(s == cases[k].want, "%s, %s (size %zu): %s, want %s",
				  regions[i].kind, cases[k].what, cases[k].size,
				  ef_strerror(s), ef_strerror(cases[k].want));
		}
	}
	ef_domain_close(&d);
}

static void typed_upgrades(void)
{
	ef_ref r = { 0 };
	size_t len = 0;

	if (!open_domain())
		return;
	unsigned char *p = ef_heap_alloc(&d, 16, 16);
	p[0] = 1;
	CHECK(ef_upgrade_bool(&d, p, &r) == EF_OK);
	p[0] = 2;
	CHECK(ef_upgrade_bool(&d, p, &r) == EF_E_INVALID);
	memcpy(p, "abc", 4);
	CHECK(ef_upgrade_cstr(&d, p, 16, &len, &r) == EF_OK && len == 3);
	memset(p, 'x', 16);
	CHECK(ef_upgrade_cstr(&d, p, 16, &len, &r) == EF_E_INVALID);
	CHECK(ef_upgrade_cstr(&d, "abc", 4, &len, &r) == EF_E_BOUNDS);
	memcpy(p, "\xed\xa0\x80", 3);
	CHECK(ef_upgrade_utf8(&d, p, 3, &r) == EF_E_INVALID);
	CHECK(ef_upgrade_utf8(&d, "ok", 2, &r) == EF_E_BOUNDS);
	ef_domain_close(&d);
}

static void heap_reuses_and_coalesces(void)
{
	void *blocks[200];

	if (!open_domain())
		return;
	for (unsigned i = 0; i < 200; i++) {
		size_t align = (size_t)16 << (i % 5);
		blocks[i] = ef_heap_alloc(&d, 1 + i * 37 % 3000, align);
		CHECK_MSG(blocks[i] && (uintptr_t)blocks[i] % align == 0,
			  "block %u align %zu", i, align);
		if (blocks[i])
			memset(blocks[i], 0xab, 1 + i * 37 % 3000);
	}
	CHECK(d.heap_live == 200);
	/* Blocks never overlap. */
	for (unsigned i = 0; i < 200; i++)
		for (unsigned j = i + 1; j < 200; j++) {
			uintptr_t a = (uintptr_t)blocks[i], b = (uintptr_t)blocks[j];
			size_t na = 1 + i * 37 % 3000, nb = 1 + j * 37 % 3000;
			CHECK_MSG(a + na <= b || b + nb <= a, "blocks %u and %u overlap", i, j);
		}
	for (unsigned i = 0; i < 200; i += 2)
		ef_heap_free(&d, blocks[i]);
	for (unsigned i = 1; i < 200; i += 2)
		ef_heap_free(&d, blocks[i]);
	CHECK(d.heap_live == 0);
	/* Everything coalesced back: the whole heap is one block again. */
	void *all = ef_heap_alloc(&d, (size_t)(d.heap_hi - d.heap_lo), 16);
	CHECK(all == d.heap_lo);
	CHECK(ef_heap_alloc(&d, 1, 16) == NULL);
	ef_heap_free(&d, all);
	CHECK(ef_heap_alloc(&d, 3, 3) == NULL);   /* alignment not a power of 2 */
	ef_domain_close(&d);
}

/* Foreign code may write every byte of the domain's memory, the heap
 * included, between any two host allocations.  The heap's bookkeeping is
 * the host's (ef.h, ef_heap_block): overwriting the heap with what would
 * be a forged block header (a size and a link to a host address) changes
 * nothing the host allocates or frees. */
static void heap_bookkeeping_out_of_reach(void)
{
	static volatile uint64_t host_target = 0x600d;
	void *a, *b, *c, *e;
	uint64_t *w;

	if (!open_domain())
		return;
	a = ef_heap_alloc(&d, 100, 16);
	b = ef_heap_alloc(&d, 200, 64);
	c = ef_heap_alloc(&d, 300, 16);
	CHECK(a && b && c);
	ef_heap_free(&d, b);
	for (w = (uint64_t *)d.heap_lo; (unsigned char *)(w + 2) <= d.heap_lo + (1u << 16); w += 2) {
		w[0] = 1u << 20;                              /* a size */
		w[1] = (uint64_t)(uintptr_t)&host_target;     /* a link */
	}
	e = ef_heap_alloc(&d, 150, 16);
	/* The freed block, found again (with the gap before it), between
	 * the live ones. */
	CHECK(e && (char *)e >= (char *)a + 100 && (char *)e + 150 <= (char *)c);
	ef_heap_free(&d, a);
	ef_heap_free(&d, c);
	ef_heap_free(&d, e);
	CHECK(host_target == 0x600d && d.heap_live == 0);
	CHECK(ef_heap_alloc(&d, (size_t)(d.heap_hi - d.heap_lo), 16) == d.heap_lo);
	ef_domain_close(&d);
}

/* The records run out before the heap does: an allocation that would
 * need one more fails cleanly, and frees give them back. */
static void heap_records_run_out(void)
{
	void *p[EF_HEAP_BLOCKS];
	unsigned n = 0;

	if (!open_domain())
		return;
	while (n < EF_HEAP_BLOCKS && (p[n] = ef_heap_alloc(&d, 16, 16)))
		n++;
	CHECK_MSG(n == EF_HEAP_BLOCKS - 1, "%u blocks (records: %u)", n, EF_HEAP_BLOCKS);
	/* The last record holds the rest of the heap; it can be taken whole. */
	void *rest = ef_heap_alloc(&d, (size_t)(d.heap_hi - d.heap_lo) - 16 * n, 16);
	CHECK(rest != NULL);
	for (unsigned i = 0; i < n; i += 2)
		ef_heap_free(&d, p[i]);
	CHECK(ef_heap_alloc(&d, 16, 16) == p[0]);
	ef_domain_close(&d);
}

static void stack_marks(void)
{
	if (!open_domain())
		return;
	ef_mark m0 = ef_stack_mark(&d);
	char *a = ef_stack_alloc(&d, 100, 64);
	CHECK(a && (uintptr_t)a % 64 == 0 && (unsigned char *)a + 100 <= d.stack_top);
	ef_mark m1 = ef_stack_mark(&d);
	char *b = ef_stack_alloc(&d, 10, 8);
	CHECK(b && b + 10 <= a);
	ef_stack_release(&d, m1);
	CHECK(ef_stack_alloc(&d, 10, 8) == b);
	ef_stack_release(&d, m0);
	CHECK(ef_stack_mark(&d).sp == d.stack_top);
	CHECK(ef_stack_alloc(&d, 1 << 20, 8) == NULL);   /* larger than the stack */
	ef_domain_stack_offset(&d, 100);
	CHECK(d.stack_sp == d.stack_top - 96);      /* 16-aligned */
	CHECK(((uintptr_t)ef_stack_alloc(&d, 3, 1) & 15) == 0);
	ef_domain_close(&d);
}

static uint64_t foreign_touch(uint64_t *p) { return ++*p; }

static void epoch_invalidates(void)
{
	ef_ref r = { 0 };

	if (!open_domain())
		return;
	uint64_t *p = ef_heap_alloc(&d, 8, 8);
	*p = 1;
	CHECK(ef_upgrade(&d, p, 8, 8, EF_READ, &r) == EF_OK);
	CHECK(ef_ref_get(&d, r) == p);
	CHECK(EF_MOCK_INVOKE(&d, foreign_touch, p) == 2);
	CHECK_MSG(ef_ref_get(&d, r) == NULL, "reference survived a foreign call");
	CHECK(ef_upgrade(&d, p, 8, 8, EF_READ, &r) == EF_OK && ef_ref_get(&d, r) == p);
	ef_domain_close(&d);
}

static ef_ref held;
static int callback_saw_stale, callback_saw_host;

static uint64_t host_fn(uint64_t a, uint64_t b, uint64_t c, uint64_t e,
			uint64_t f, uint64_t g)
{
	callback_saw_stale = ef_ref_get(&d, held) == NULL;
	callback_saw_host = ef_mock_current == NULL;
	return a + 2 * b + 3 * c + 4 * e + 5 * f + 6 * g;
}

static uint64_t foreign_calls(ef_callback_fn cb)
{
	return cb(1, 2, 3, 4, 5, 6);
}

static void callbacks(void)
{
	unsigned slot = 99;

	if (!open_domain())
		return;
	CHECK(ef_callback_add(&d, host_fn, &slot) == EF_OK && slot == 0);
	ef_callback_fn cb = (ef_callback_fn)ef_mock_callback_address(slot);
	CHECK(cb && cb != host_fn);
	uint64_t *p = ef_heap_alloc(&d, 8, 8);
	CHECK(ef_upgrade(&d, p, 8, 8, EF_READ, &held) == EF_OK);
	CHECK(EF_MOCK_INVOKE(&d, foreign_calls, cb) == 1 + 4 + 9 + 16 + 25 + 36);
	CHECK_MSG(callback_saw_stale, "a reference from before the call was "
		  "still valid inside the callback");
	CHECK(callback_saw_host);
	CHECK(ef_mock_current == NULL);
	for (unsigned i = 1; i < EF_MAX_CALLBACKS; i++)
		CHECK(ef_callback_add(&d, host_fn, &slot) == EF_OK && slot == i);
	CHECK(ef_callback_add(&d, host_fn, &slot) == EF_E_NOCALLBACK);
	CHECK(ef_mock_callback_address(EF_MAX_CALLBACKS) == NULL);
	ef_domain_close(&d);
}

static const ef_test tests[] = {
	{ "domain/upgrade_table", upgrade_table },
	{ "domain/upgrade_borders", upgrade_borders },
	{ "domain/typed_upgrades", typed_upgrades },
	{ "domain/heap_reuses_and_coalesces", heap_reuses_and_coalesces },
	{ "domain/heap_bookkeeping_out_of_reach", heap_bookkeeping_out_of_reach },
	{ "domain/heap_records_run_out", heap_records_run_out },
	{ "domain/stack_marks", stack_marks },
	{ "domain/epoch_invalidates", epoch_invalidates },
	{ "domain/callbacks", callbacks },
};
EF_TEST_MAIN(tests)
