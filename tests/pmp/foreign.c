/* foreign.c: the PMP test suite's foreign library; see pmptest.h. */
#include "../../runtimes/ef_seq.h"
#include "pmptest.h"

uint32_t efpt_args0(void) { return 2166136261u; }
#define EFPT_DEFINE(n)                                                   \
	uint32_t efpt_args##n(EF_LIST(EF_SEQ_##n, EFPT_PARAM))          \
	{                                                                \
		uint32_t h = 2166136261u;                                \
		EF_SEQ_##n(EFPT_HASH_ARG)                                \
		return h;                                                \
	}
EFPT_ARITIES(EFPT_DEFINE)

uint64_t efpt_wide(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
		   uint64_t e, uint64_t f)
{
	return a + 3 * b + 5 * c + 7 * d + 11 * e + 13 * f;
}

uint32_t efpt_empty(void) { return 0; }
uint32_t efpt_read(const volatile uint32_t *p) { return *p; }
void efpt_write(volatile uint32_t *p, uint32_t v) { *p = v; }
uint32_t efpt_jump(uint32_t (*f)(void)) { return f() + 1; }

uint32_t efpt_ecall(void)
{
	__asm__ volatile("ecall");
	return 5;
}

__asm__(".text\n"
	".globl efpt_leak\n"
	"efpt_leak:\n"
	"	or a0, t0, t1\n or a0, a0, t2\n or a0, a0, t3\n or a0, a0, t4\n"
	"	or a0, a0, t5\n or a0, a0, t6\n or a0, a0, s0\n or a0, a0, s1\n"
	"	or a0, a0, s2\n or a0, a0, s3\n or a0, a0, s4\n or a0, a0, s5\n"
	"	or a0, a0, s6\n or a0, a0, s7\n or a0, a0, s8\n or a0, a0, s9\n"
	"	or a0, a0, s10\n or a0, a0, s11\n or a0, a0, gp\n"
	"	ret\n"
	".globl efpt_tp\n"
	"efpt_tp:\n"
	"	mv a0, tp\n"
	"	ret\n");

static uint32_t counter = 100;
uint32_t efpt_count(void) { return ++counter; }

uint64_t efpt_mixed(uint32_t a, uint64_t b, uint32_t c, uint64_t d, uint32_t e,
		    uint64_t f, uint32_t g)
{
	return a + 3 * b + 5 * c + 7 * d + 11 * e + 13 * f + 17 * (uint64_t)g;
}

uint64_t efpt_mixed9(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e,
		     uint32_t f, uint32_t g, uint32_t h, uint32_t i, uint64_t x)
{
	return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h +
	       9 * (uint64_t)i + 10 * x;
}

/* The foreign C library: malloc from the foreign run's heap, errno in the
 * foreign thread-local block, strtoul. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

uint32_t efpt_libc(uint32_t n)
{
	char *p = malloc(n), *q;
	uint32_t r;

	if (!p)
		return 0;
	memset(p, '7', n - 1);
	p[n - 1] = 0;
	q = strdup(p);
	errno = 0;
	(void)strtoul("99999999999999999999", NULL, 10);
	r = (uint32_t)strlen(q) + (errno == ERANGE ? 1000000u : 0) +
	    ((uintptr_t)p & 7 ? 0 : 0x80000000u);
	free(q);
	free(p);
	return r;
}

uintptr_t efpt_malloc_address(void)
{
	void *p = malloc(16);
	uintptr_t where = (uintptr_t)p;
	free(p);
	return where;
}

uint64_t efpt_call_back(uint64_t (*cb)(uint64_t, uint64_t, uint64_t, uint64_t,
				       uint64_t, uint64_t), uint64_t x)
{
	return cb(x, 2, 3, 4, 5, 6) + 1;
}
