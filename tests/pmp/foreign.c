/* foreign.c: the PMP test suite's foreign library; see pmptest.h. */
#include "../../runtimes/ef_seq.h"
#include "pmptest.h"

/* FNV-1a over the arguments, of the width of T. */
#define EFPT_FNV(name, n, T, PARAM, seed, prime)                         \
	T name(EF_LIST(EF_SEQ_##n, PARAM))                               \
	{                                                                \
		const T prime_ = prime;                                  \
		T h = seed;                                              \
		EF_SEQ_##n(EFPT_FNV_STEP)                                \
		return h;                                                \
	}
#define EFPT_FNV_STEP(i) h = (h ^ a##i) * prime_;

uint32_t efpt_args0(void) { return 2166136261u; }
#define EFPT_DEFINE(n) EFPT_FNV(efpt_args##n, n, uint32_t, EFPT_PARAM, 2166136261u, 16777619u)
EFPT_ARITIES(EFPT_DEFINE)
#define EFPT_DDEFINE(n) EFPT_FNV(efpt_dargs##n, n, uint64_t, EFPT_DPARAM, \
				 0xcbf29ce484222325ull, 0x100000001b3ull)
EFPT_DARITIES(EFPT_DDEFINE)

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
	".globl efpt_callback_regs\n"
	"efpt_callback_regs:\n"
	"	addi sp, sp, -80\n"            /* 0-15: cb's stacked arguments */
	"	sw ra, 76(sp)\n sw tp, 16(sp)\n sw sp, 20(sp)\n"
	"	sw s0, 24(sp)\n sw s1, 28(sp)\n sw s2, 32(sp)\n sw s3, 36(sp)\n"
	"	sw s4, 40(sp)\n sw s5, 44(sp)\n sw s6, 48(sp)\n sw s7, 52(sp)\n"
	"	sw s8, 56(sp)\n sw s9, 60(sp)\n sw s10, 64(sp)\n sw s11, 68(sp)\n"
	"	sw zero, 0(sp)\n sw zero, 4(sp)\n sw zero, 8(sp)\n sw zero, 12(sp)\n"
	"	li s0, 1\n li s1, 2\n li s2, 3\n li s3, 4\n li s4, 5\n li s5, 6\n"
	"	li s6, 7\n li s7, 8\n li s8, 9\n li s9, 10\n li s10, 11\n li s11, 12\n"
	"	mv t0, a0\n"
	"	li a0, 0\n li a1, 0\n li a2, 0\n li a3, 0\n"
	"	li a4, 0\n li a5, 0\n li a6, 0\n li a7, 0\n"
	"	jalr t0\n"
	"	or a0, t0, t1\n or a0, a0, t2\n or a0, a0, t3\n or a0, a0, t4\n"
	"	or a0, a0, t5\n or a0, a0, t6\n or a0, a0, a2\n or a0, a0, a3\n"
	"	or a0, a0, a4\n or a0, a0, a5\n or a0, a0, a6\n or a0, a0, a7\n"
	"	xori a1, s0, 1\n"
	"	xori t0, s1, 2\n or a1, a1, t0\n xori t0, s2, 3\n or a1, a1, t0\n"
	"	xori t0, s3, 4\n or a1, a1, t0\n xori t0, s4, 5\n or a1, a1, t0\n"
	"	xori t0, s5, 6\n or a1, a1, t0\n xori t0, s6, 7\n or a1, a1, t0\n"
	"	xori t0, s7, 8\n or a1, a1, t0\n xori t0, s8, 9\n or a1, a1, t0\n"
	"	xori t0, s9, 10\n or a1, a1, t0\n xori t0, s10, 11\n or a1, a1, t0\n"
	"	xori t0, s11, 12\n or a1, a1, t0\n"
	"	lw t0, 16(sp)\n xor t0, t0, tp\n or a1, a1, t0\n"
	"	lw t0, 20(sp)\n xor t0, t0, sp\n or a1, a1, t0\n"
	"	lw s0, 24(sp)\n lw s1, 28(sp)\n lw s2, 32(sp)\n lw s3, 36(sp)\n"
	"	lw s4, 40(sp)\n lw s5, 44(sp)\n lw s6, 48(sp)\n lw s7, 52(sp)\n"
	"	lw s8, 56(sp)\n lw s9, 60(sp)\n lw s10, 64(sp)\n lw s11, 68(sp)\n"
	"	lw ra, 76(sp)\n"
	"	addi sp, sp, 80\n"
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
