/* ef_mode.h: the mode layer.  A workload's host side is one source compiled
 * once per mode with -DEF_MODE=EF_MODE_<NAME>; every efm_ operation below
 * becomes, at compile time, what that mode does, so the measured loop never
 * dispatches on the mode:
 *
 *   unsafe    no domain; host memory; direct calls; no checks
 *   validate  mock domain; foreign memory; direct calls; all checks
 *   invoke    isolating runtime's gate; checks compiled out
 *   full      isolating runtime's gate; all checks
 *
 * EF_MODE_SYM(name) gives a per-mode symbol name so that the four builds of
 * one workload link into one driver.
 */
#ifndef EF_MODE_H
#define EF_MODE_H

#include "ef.h"
#include "ef_modes.h"

#include <stdlib.h>
#include <string.h>

#ifndef EF_MODE
#error "compile workloads with -DEF_MODE=EF_MODE_<UNSAFE|VALIDATE|INVOKE|FULL>"
#endif

#if EF_MODE == EF_MODE_UNSAFE
#define EF_MODE_SYM(name) name##_unsafe
#define EF_MODE_NAME "unsafe"
#define EF_DOMAIN 0
#define EF_CHECKS 0
#elif EF_MODE == EF_MODE_VALIDATE
#include "mock/mock.h"
#define EF_MODE_SYM(name) name##_validate
#define EF_MODE_NAME "validate"
#define EF_DOMAIN 1
#define EF_CHECKS 1
#define EF_RUNTIME ef_mock_runtime
#define EF_RUNTIME_INVOKE EF_MOCK_INVOKE
#define EF_RUNTIME_INVOKE_VOID EF_MOCK_INVOKE_VOID
#define EF_RUNTIME_CALLBACK_ADDRESS ef_mock_callback_address
#else
#error "this efbench build has no isolating runtime for the invoke and full modes"
#endif

/* Open the mode's domain (nothing in unsafe mode). */
static inline ef_status efm_open(ef_domain *d)
{
#if EF_DOMAIN
	return ef_domain_open(d, &EF_RUNTIME, NULL);
#else
	memset(d, 0, sizeof *d);
	return EF_OK;
#endif
}

static inline void efm_close(ef_domain *d)
{
#if EF_DOMAIN
	ef_domain_close(d);
#else
	(void)d;
#endif
}

/* Memory the foreign side reads or writes: host heap in unsafe mode. */
static inline void *efm_alloc(ef_domain *d, size_t bytes)
{
#if EF_DOMAIN
	return ef_heap_alloc(d, bytes, 16);
#else
	(void)d;
	return malloc(bytes ? bytes : 1);
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

/* Call foreign function fn with the given arguments. */
#if EF_DOMAIN
#define EFM_INVOKE(d, fn, ...) EF_RUNTIME_INVOKE(d, fn, __VA_ARGS__)
#define EFM_INVOKE_VOID(d, fn, ...) EF_RUNTIME_INVOKE_VOID(d, fn, __VA_ARGS__)
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
		*address = EF_RUNTIME_CALLBACK_ADDRESS(slot);
	return s;
#else
	(void)d;
	*address = (void *)fn;
	return EF_OK;
#endif
}

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
