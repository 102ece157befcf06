/* host.c: the host side of the microbenchmarks, compiled once per mode.
 *
 *   invoke_args   a call with 0..100 integer arguments (7 and more stacked)
 *   validate_*    a foreign pointer to n bytes upgraded and validated as a
 *                 u8 buffer, ASCII UTF-8, mostly-ASCII prose (prose.c:
 *                 written into the domain by the host), mixed UTF-8 or a
 *                 C string
 *   upgrade       a foreign pointer into one of 1, 8 or 64 live allocations
 *   callback      foreign code calling one of 1, 8 or 64 registered host
 *                 functions
 *
 * Every iteration adds a non-zero outcome to one digest, which must equal
 * the unsafe mode's; a failed check changes the digest.  Each outcome is
 * also stated, and summed, in tests/unit/test_workloads.c.
 */
#include "ubench.h"
#include "prose.h"
#include "../../harness/bench.h"
#include "../../runtimes/ef_mode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EFUB_MAX_COUNT 64

struct ub {
	ef_domain d;
	void (*loop)(struct ub *u, uint64_t iters);
	uint64_t param;
	uint64_t digest;
	unsigned char *buf;                 /* validate_*: n = param bytes */
	const void *ptrs[EFUB_MAX_COUNT];   /* upgrade: foreign pointers */
	void *blocks[EFUB_MAX_COUNT];       /* upgrade: their allocations */
	ef_callback_fn callbacks[EFUB_MAX_COUNT];
};

/* A failed check: fold the status in so the digest cannot match unsafe's. */
static inline uint64_t failed(ef_status s)
{
	return 0xbad0000000000000ull | (uint64_t)s;
}

#define ARG(i) , it + i
#define LOOP_ARGS(n)                                                       \
	static void loop_args##n(struct ub *u, uint64_t iters)            \
	{                                                                  \
		uint64_t acc = u->digest;                                  \
		for (uint64_t it = 0; it < iters; it++)                    \
			acc += EFM_INVOKE(&u->d, efub_args##n,             \
					  EF_LIST(EF_SEQ_##n, ARG));       \
		u->digest = acc;                                           \
	}
EFUB_ARITIES(LOOP_ARGS)

static void loop_u8(struct ub *u, uint64_t iters)
{
	uint64_t acc = u->digest, n = u->param;
	for (uint64_t it = 0; it < iters; it++) {
		const unsigned char *p = EFM_INVOKE(&u->d, efub_pass, u->buf);
		ef_ref r;
		ef_status s = efm_upgrade(&u->d, p, n, 1, EF_READ, &r);
		acc += s ? failed(s) : ((const unsigned char *)efm_get(&u->d, r))[n - 1] + 1u;
	}
	u->digest = acc;
}

static void loop_utf8(struct ub *u, uint64_t iters)
{
	uint64_t acc = u->digest, n = u->param;
	for (uint64_t it = 0; it < iters; it++) {
		const unsigned char *p = EFM_INVOKE(&u->d, efub_pass, u->buf);
		ef_ref r;
		ef_status s = efm_upgrade_utf8(&u->d, p, n, &r);
		acc += s ? failed(s) : ((const unsigned char *)efm_get(&u->d, r))[n - 1] + n;
	}
	u->digest = acc;
}

static void loop_cstr(struct ub *u, uint64_t iters)
{
	uint64_t acc = u->digest, n = u->param;
	for (uint64_t it = 0; it < iters; it++) {
		const char *p = EFM_INVOKE(&u->d, efub_pass, u->buf);
		ef_ref r;
		size_t len;
		ef_status s = efm_upgrade_cstr(&u->d, p, n, &len, &r);
		acc += s ? failed(s) : len + 1;
	}
	u->digest = acc;
}

/* Counts are powers of two, so the slot is a mask, not a division. */
static void loop_upgrade(struct ub *u, uint64_t iters)
{
	uint64_t acc = u->digest, mask = u->param - 1;
	for (uint64_t it = 0; it < iters; it++) {
		ef_ref r;
		ef_status s = efm_upgrade(&u->d, u->ptrs[it & mask],
					  sizeof(uint64_t), sizeof(uint64_t),
					  EF_READ | EF_WRITE, &r);
		acc += s ? failed(s) : *(const uint64_t *)efm_get(&u->d, r);
	}
	u->digest = acc;
}

static uint64_t host_callback(uint64_t x, uint64_t b, uint64_t c, uint64_t d,
			      uint64_t e, uint64_t f)
{
	return x * 3 + (b | c | d | e | f);
}

static void loop_callback(struct ub *u, uint64_t iters)
{
	uint64_t acc = u->digest, mask = u->param - 1;
	for (uint64_t it = 0; it < iters; it++)
		acc += EFM_INVOKE(&u->d, efub_call_back,
				  u->callbacks[it & mask], it);
	u->digest = acc;
}


static void teardown(void *ctx);

static struct ub *open_ub(uint64_t param, char *err, size_t errlen)
{
	struct ub *u = EFM_CONTEXT_OPEN(struct ub, "ubench", err, errlen);

	if (!u)
		return NULL;
	u->param = param;
	return u;
}

/* Drills for the harness's own checks, through the environment:
 *
 *   EFBENCH_UBENCH_FAULT=N        invoke_args/N first has foreign code write
 *                                 a host variable, which an isolating runtime
 *                                 stops (the domain faults): the harness must
 *                                 report that benchmark as an error and go on
 *                                 (scripts/mpk-vm);
 *   EFBENCH_UBENCH_DIFFER=MODE/N  invoke_args/N computes, in MODE only, one
 *                                 more per iteration than it should: in any
 *                                 mode but unsafe, the harness must refuse to
 *                                 time it there (tests/cli/test_checks.sh). */
static uint64_t drill_target;
static void (*fault_next)(struct ub *u, uint64_t iters);
static void (*differ_next)(struct ub *u, uint64_t iters);
static void loop_fault(struct ub *u, uint64_t iters)
{
	EFM_INVOKE_VOID(&u->d, efub_store, &drill_target, iters);
	fault_next(u, iters);
}
static void loop_differ(struct ub *u, uint64_t iters)
{
	differ_next(u, iters);
	u->digest += iters;
}

static void *setup_args(uint64_t n, char *err, size_t errlen)
{
	const char *fault = getenv("EFBENCH_UBENCH_FAULT");
	const char *differ = getenv("EFBENCH_UBENCH_DIFFER");
	char here[64];
	struct ub *u = open_ub(n, err, errlen);
	if (!u)
		return NULL;
#define PICK_ARGS(k) if (n == k) u->loop = loop_args##k;
	EFUB_ARITIES(PICK_ARGS)
	if (fault && strtoull(fault, NULL, 10) == n && *fault) {
		fault_next = u->loop;
		u->loop = loop_fault;
	}
	snprintf(here, sizeof here, "%s/%llu", EF_MODE_NAME, (unsigned long long)n);
	if (differ && !strcmp(differ, here)) {
		differ_next = u->loop;
		u->loop = loop_differ;
	}
	return u;
}

/* The foreign library fills the buffer with text of `kind`, or, where
 * host_fill is given, the host does (text the library does not hold). */
static void *setup_text(uint64_t n, int kind, void (*host_fill)(void *, size_t),
			void (*loop)(struct ub *, uint64_t), char *err, size_t errlen)
{
	struct ub *u = open_ub(n, err, errlen);
	if (!u)
		return NULL;
	u->loop = loop;
	u->buf = efm_alloc(&u->d, n);
	if (!u->buf) {
		snprintf(err, errlen, "cannot allocate %llu bytes in the domain",
			 (unsigned long long)n);
		teardown(u);
		return NULL;
	}
	if (host_fill)
		host_fill(u->buf, (size_t)n);
	else
		EFM_INVOKE_VOID(&u->d, efub_fill, u->buf, (size_t)n, kind);
	return u;
}

static void *setup_u8(uint64_t n, char *err, size_t errlen)
{
	return setup_text(n, EFUB_BYTES, NULL, loop_u8, err, errlen);
}
static void *setup_ascii(uint64_t n, char *err, size_t errlen)
{
	return setup_text(n, EFUB_ASCII, NULL, loop_utf8, err, errlen);
}
#ifndef EF_NO_PROSE
static void *setup_prose(uint64_t n, char *err, size_t errlen)
{
	return setup_text(n, 0, efub_fill_prose, loop_utf8, err, errlen);
}
#endif
static void *setup_mixed(uint64_t n, char *err, size_t errlen)
{
	return setup_text(n, EFUB_MIXED, NULL, loop_utf8, err, errlen);
}
static void *setup_cstr(uint64_t n, char *err, size_t errlen)
{
	return setup_text(n, EFUB_CSTR, NULL, loop_cstr, err, errlen);
}

static void *setup_upgrade(uint64_t count, char *err, size_t errlen)
{
	struct ub *u = open_ub(count, err, errlen);
	if (!u)
		return NULL;
	u->loop = loop_upgrade;
	for (unsigned k = 0; k < count; k++) {
		/* Sizes differ so the allocations do not form a regular grid. */
		uint64_t *b = efm_alloc(&u->d, 32 + 48 * k);
		if (!b) {
			snprintf(err, errlen, "cannot allocate block %u", k);
			teardown(u);
			return NULL;
		}
		*b = 1000 + k;
		u->blocks[k] = b;
		u->ptrs[k] = EFM_INVOKE(&u->d, efub_pass, b);
	}
	return u;
}

static void *setup_callback(uint64_t count, char *err, size_t errlen)
{
	struct ub *u = open_ub(count, err, errlen);
	if (!u)
		return NULL;
	u->loop = loop_callback;
	for (unsigned k = 0; k < count; k++) {
		void *address;
		ef_status s = efm_callback(&u->d, host_callback, &address);
		if (s) {
			snprintf(err, errlen, "cannot register callback %u: %s",
				 k, ef_strerror(s));
			teardown(u);
			return NULL;
		}
		u->callbacks[k] = (ef_callback_fn)address;
	}
	return u;
}

static void run(void *ctx, uint64_t iters)
{
	struct ub *u = ctx;
	u->loop(u, iters);
}

EFM_BENCH_ACCESSORS(struct ub)

static void teardown(void *ctx)
{
	struct ub *u = ctx;

	efm_free(&u->d, u->buf);
	for (unsigned k = 0; k < EFUB_MAX_COUNT; k++)
		efm_free(&u->d, u->blocks[k]);
	efm_close(&u->d);
	free(u);
}

#define ARITY_VALUE(n) , n
static const uint64_t arities[] = { EF_LIST(EFUB_ARITIES, ARITY_VALUE) };
static const uint64_t sizes[] = { EFUB_TEXT_SIZES };
static const uint64_t counts[] = { 1, 8, 64 };

#define BENCH(nm, what, ps, bytes, setup_fn, ...)                            \
	{ .name = nm, .param_name = what, .params = ps,                     \
	  .nparams = EF_COUNT(ps), .param_is_bytes = bytes,                 \
	  .setup = setup_fn, EFM_BENCH_HOOKS, __VA_ARGS__ }

static const ef_bench benches[] = {
	BENCH("invoke_args", "arguments", arities, 0, setup_args),
	BENCH("validate_u8", "bytes", sizes, 1, setup_u8),
	BENCH("validate_utf8_ascii", "bytes", sizes, 1, setup_ascii),
#ifdef EF_NO_PROSE
	BENCH("validate_utf8_prose", "bytes", sizes, 1, NULL, .unavailable = EF_NO_PROSE),
#else
	BENCH("validate_utf8_prose", "bytes", sizes, 1, setup_prose),
#endif
	BENCH("validate_utf8_mixed", "bytes", sizes, 1, setup_mixed),
	BENCH("validate_cstr", "bytes", sizes, 1, setup_cstr),
	BENCH("upgrade", "live allocations", counts, 0, setup_upgrade,
	      .small_board = { 8, "its live allocations (up to 3 KiB each) do not "
			       "fit this board's SRAM" }),
	BENCH("callback", "registered callbacks", counts, 0, setup_callback),
};

const ef_workload EF_MODE_SYM(ef_workload_ubench) = {
	"ubench", EF_MODE_NAME, benches, EF_COUNT(benches),
};
