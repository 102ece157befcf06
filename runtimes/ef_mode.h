/* ef_mode.h: the mode layer.  A workload's host side is one source compiled
 * once per mode with -DEF_MODE=EF_MODE_<NAME>; every efm_ operation below
 * becomes, at compile time, what that mode does, so the measured loop never
 * dispatches on the mode:
 *
 *   unsafe    no domain; host memory; direct calls; no checks
 *   validate  mock domain; foreign memory; direct calls; all checks
 *   invoke    isolating runtime's gate (mpk, pmp); checks compiled out
 *   full      isolating runtime's gate (mpk, pmp); all checks
 *
 * The runtime is the mock one in validate mode and, in invoke and full, the
 * one named at build time by -DEF_RUNTIME=<name> (runtime.h: the contract).
 * EF_MODE_SYM(name) gives the symbol name of one build (name_unsafe,
 * name_validate, name_invoke_mpk, name_full_pmp, ...), so that every build
 * of a workload links into one driver, several isolating runtimes included.
 */
#ifndef EF_MODE_H
#define EF_MODE_H

#include "ef.h"
#include "ef_modes.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef EF_MODE
#error "compile workloads with -DEF_MODE=EF_MODE_<UNSAFE|VALIDATE|INVOKE|FULL>"
#endif

#define EF_MODE_PASTE_(a, b) a##b
#define EF_MODE_PASTE(a, b) EF_MODE_PASTE_(a, b)
#if EF_MODE == EF_MODE_UNSAFE
#define EF_MODE_SYM(name) name##_unsafe
#define EF_MODE_NAME "unsafe"
#define EF_DOMAIN 0
#define EF_CHECKS 0
#elif EF_MODE == EF_MODE_VALIDATE
#define EF_RUNTIME mock
#define EF_MODE_SYM(name) name##_validate
#define EF_MODE_NAME "validate"
#define EF_DOMAIN 1
#define EF_CHECKS 1
#elif EF_MODE == EF_MODE_INVOKE || EF_MODE == EF_MODE_FULL
#ifndef EF_RUNTIME
#error "invoke and full need an isolating runtime: -DEF_RUNTIME=<name> (runtimes/runtime.h)"
#endif
#if EF_MODE == EF_MODE_INVOKE
#define EF_MODE_SYM(name) EF_MODE_PASTE(name##_invoke_, EF_RUNTIME)
#define EF_MODE_NAME "invoke"
#define EF_CHECKS 0
#else
#define EF_MODE_SYM(name) EF_MODE_PASTE(name##_full_, EF_RUNTIME)
#define EF_MODE_NAME "full"
#define EF_CHECKS 1
#endif
#define EF_DOMAIN 1
#else
#error "EF_MODE is not one of EF_MODE_UNSAFE, _VALIDATE, _INVOKE, _FULL"
#endif
#if EF_DOMAIN
#include "runtime.h"
#endif

/* Open the mode's domain over the library set `set` (the mpk runtime loads
 * libefstub-<set>.so; nothing in unsafe mode). */
static inline ef_status efm_open(ef_domain *d, const char *set)
{
#if EF_DOMAIN
	return EF_RT_OPEN(d, set);
#else
	(void)set;
	memset(d, 0, sizeof *d);
	return EF_OK;
#endif
}

/* Why the last efm_open failed, beyond its status ("" when nothing more
 * is known). */
static inline const char *efm_error(void)
{
#if EF_DOMAIN
	return EF_RT_ERROR();
#else
	return "";
#endif
}

/* efm_open for a benchmark's set-up: 0, or -1 with the reason in err. */
static inline int efm_open_for_setup(ef_domain *d, const char *set, char *err,
				     size_t errlen)
{
	ef_status s = efm_open(d, set);
	if (s)
		snprintf(err, errlen, "cannot open %s domain: %s%s%s", EF_MODE_NAME,
			 ef_strerror(s), *efm_error() ? ": " : "", efm_error());
	return s ? -1 : 0;
}

/* A benchmark's context: a zeroed `type` whose first member is its
 * ef_domain d, opened over the library set `set`; NULL with the reason in
 * err. */
static inline void *efm_context_open(size_t bytes, const char *set, char *err,
				     size_t errlen)
{
	ef_domain *d = calloc(1, bytes);

	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (efm_open_for_setup(d, set, err, errlen)) {
		free(d);
		return NULL;
	}
	return d;
}
#define EFM_CONTEXT_OPEN(type, set, err, errlen)                             \
	((void)sizeof(char[offsetof(type, d) == 0 ? 1 : -1]),                \
	 (type *)efm_context_open(sizeof(type), set, err, errlen))

static inline void efm_close(ef_domain *d)
{
#if EF_DOMAIN
	EF_RT_CLOSE(d);
#else
	(void)d;
#endif
}

/* Memory the foreign side reads or writes: host heap in unsafe mode, at
 * the start of a page (EF_HOST_BUFFER_ALIGN), so that where earlier
 * allocations (the harness's own) left the heap cannot move a buffer
 * across an alignment that the library's vector loops take more or fewer
 * instructions by.  The firmware's boards have too little RAM for pages
 * and ask for less. */
#ifndef EF_HOST_BUFFER_ALIGN
#define EF_HOST_BUFFER_ALIGN 4096
#endif
static inline void *efm_alloc(ef_domain *d, size_t bytes)
{
#if EF_DOMAIN
	return ef_heap_alloc(d, bytes, 16);
#else
	const size_t a = EF_HOST_BUFFER_ALIGN;
	(void)d;
	return aligned_alloc(a, bytes ? (bytes + a - 1) / a * a : a);
#endif
}

static inline void efm_free(ef_domain *d, void *p)
{
#if EF_DOMAIN
	ef_heap_free(d, p);
#else
	(void)d;
	free(p);
#endif
}

static inline void efm_stack_offset(ef_domain *d, unsigned offset)
{
#if EF_DOMAIN
	ef_domain_stack_offset(d, offset);
#else
	(void)d, (void)offset;
#endif
}

/* Buffers a foreign call reads or writes, passed the way a user of
 * encapsulated functions must pass them: the host's data stays in host
 * memory; outside unsafe mode each call's arguments are copied into a buffer
 * in the domain before the call (efm_copy_in) and its results are copied
 * out after it (efm_copy_out), and that copying is part of what a benchmark
 * measures.  In unsafe mode the library gets the host buffer itself and both
 * copies vanish.
 *
 * efm_buffer: the foreign buffer that stands for `bytes` bytes at `host`. */
static inline void *efm_buffer(ef_domain *d, void *host, size_t bytes)
{
#if EF_DOMAIN
	(void)host;
	return ef_heap_alloc(d, bytes ? bytes : 1, 16);
#else
	(void)d, (void)bytes;
	return host;
#endif
}

static inline void efm_buffer_free(ef_domain *d, void *foreign)
{
#if EF_DOMAIN
	if (foreign)
		ef_heap_free(d, foreign);
#else
	(void)d, (void)foreign;
#endif
}

static inline void efm_copy_in(void *foreign, const void *host, size_t n)
{
#if EF_DOMAIN
	memcpy(foreign, host, n);
#else
	(void)foreign, (void)host, (void)n;
#endif
}

/* Copy n result bytes out of the domain; with checks the foreign range is
 * upgraded first (it must lie, readable, in the domain's memory). */
static inline ef_status efm_copy_out(const ef_domain *d, void *host,
				     const void *foreign, size_t n);

/* A size the library wrote to a size_t in foreign memory, read once; with
 * checks the word is upgraded (aligned, readable, in the domain) and the
 * size must not exceed cap, the buffer it describes, before the host uses
 * it.  Without checks the host trusts it. */
static inline ef_status efm_read_size(const ef_domain *d, const size_t *foreign,
				      size_t cap, size_t *out);

/* A foreign function's int result that must be a truth value (0 or 1, as
 * BROTLI_BOOL), or lie in [lo, hi]: checked in the modes with checks. */
static inline ef_status efm_valid_bool_ret(int v)
{
#if EF_CHECKS
	return ef_valid_enum(v, 0, 1);
#else
	(void)v;
	return EF_OK;
#endif
}

static inline ef_status efm_valid_enum_ret(int v, int lo, int hi)
{
#if EF_CHECKS
	return ef_valid_enum(v, lo, hi);
#else
	(void)v, (void)lo, (void)hi;
	return EF_OK;
#endif
}

/* Call foreign function fn with the given arguments. */
#if EF_DOMAIN
#define EFM_INVOKE(d, fn, ...) EF_RT_INVOKE(d, fn, __VA_ARGS__)
#define EFM_INVOKE_VOID(d, fn, ...) EF_RT_INVOKE_VOID(d, fn, __VA_ARGS__)
#else
#define EFM_INVOKE(d, fn, ...) ((void)(d), fn(__VA_ARGS__))
#define EFM_INVOKE_VOID(d, fn, ...) ((void)(d), fn(__VA_ARGS__))
#endif

/* A host function foreign code may call: its address for foreign code. */
static inline ef_status efm_callback(ef_domain *d, ef_callback_fn fn,
				     void **address)
{
#if EF_DOMAIN
	unsigned slot;
	ef_status s = ef_callback_add(d, fn, &slot);
	if (s == EF_OK)
		*address = EF_RT_CALLBACK_ADDRESS(d, slot);
	return s;
#else
	(void)d;
	*address = (void *)fn;
	return EF_OK;
#endif
}

/* NULL while the domain's calls work; else why they failed (the runtime's
 * fault, which poisoned the domain, or a refused call), in buf. */
static inline const char *efm_fault(const ef_domain *d, char *buf, size_t len)
{
#if EF_DOMAIN
	return EF_RT_FAULT(d, buf, len);
#else
	(void)d, (void)buf, (void)len;
	return NULL;
#endif
}

/* A benchmark's result(), fault(), param_of() and stack_offset()
 * (harness/bench.h) for a context struct `type` holding its domain in `d`,
 * its digest in `digest` and its parameter in `param`. */
#define EFM_BENCH_ACCESSORS(type)                                           \
	static uint64_t result(const void *ctx)                             \
	{                                                                   \
		return ((const type *)ctx)->digest;                         \
	}                                                                   \
	static const char *fault(const void *ctx, char *buf, size_t len)    \
	{                                                                   \
		return efm_fault(&((const type *)ctx)->d, buf, len);        \
	}                                                                   \
	static uint64_t param_of(const void *ctx)                           \
	{                                                                   \
		return ((const type *)ctx)->param;                          \
	}                                                                   \
	static void stack_offset(void *ctx, unsigned offset)                \
	{                                                                   \
		efm_stack_offset(&((type *)ctx)->d, offset);                \
	}

/* The ef_bench fields of a workload that defines run() and teardown() and
 * uses EFM_BENCH_ACCESSORS; EFM_BENCH_HOOKS_RUN for one whose benchmarks
 * have run functions of their own. */
#define EFM_BENCH_HOOKS_RUN(runner)                                         \
	.run = runner, .result = result, .fault = fault,                    \
	.param_of = param_of, .stack_offset = stack_offset, .teardown = teardown
#define EFM_BENCH_HOOKS EFM_BENCH_HOOKS_RUN(run)

/* Upgrade and validate: checks where the mode has them, trust otherwise. */
static inline ef_status efm_upgrade(const ef_domain *d, const void *p,
				    size_t size, size_t align, unsigned access,
				    ef_ref *out)
{
#if EF_CHECKS
	return ef_upgrade(d, p, size, align, access, out);
#else
	(void)d, (void)size, (void)align, (void)access;
	out->ptr = (void *)p;
	out->epoch = 0;
	return EF_OK;
#endif
}

static inline void *efm_get(const ef_domain *d, ef_ref r)
{
#if EF_CHECKS
	return ef_ref_get(d, r);
#else
	(void)d;
	return r.ptr;
#endif
}

static inline ef_status efm_copy_out(const ef_domain *d, void *host,
				     const void *foreign, size_t n)
{
#if EF_DOMAIN
	ef_ref r;
	ef_status s = efm_upgrade(d, foreign, n, 1, EF_READ, &r);
	if (s)
		return s;
	memcpy(host, efm_get(d, r), n);
#else
	(void)d, (void)host, (void)foreign, (void)n;
#endif
	return EF_OK;
}

static inline ef_status efm_read_size(const ef_domain *d, const size_t *foreign,
				      size_t cap, size_t *out)
{
	ef_ref r;
	ef_status s = efm_upgrade(d, foreign, sizeof *foreign, _Alignof(size_t),
				  EF_READ, &r);
	if (s)
		return s;
	*out = *(const volatile size_t *)efm_get(d, r);
#if EF_CHECKS
	if (*out > cap)
		return EF_E_BOUNDS;
#else
	(void)cap;
#endif
	return EF_OK;
}

static inline ef_status efm_upgrade_utf8(const ef_domain *d, const void *p,
					 size_t n, ef_ref *out)
{
#if EF_CHECKS
	return ef_upgrade_utf8(d, p, n, out);
#else
	return efm_upgrade(d, p, n, 1, EF_READ, out);
#endif
}

/* A C string: without checks the host trusts the NUL and calls strlen. */
static inline ef_status efm_upgrade_cstr(const ef_domain *d, const void *p,
					 size_t cap, size_t *len, ef_ref *out)
{
#if EF_CHECKS
	return ef_upgrade_cstr(d, p, cap, len, out);
#else
	*len = strlen(p);
	return efm_upgrade(d, p, cap, 1, EF_READ, out);
#endif
}

#endif
