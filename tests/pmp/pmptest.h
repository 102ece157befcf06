/* pmptest.h: the PMP test suite's foreign functions (tests/pmp/foreign.c),
 * built into the firmware's foreign run. */
#ifndef EF_PMPTEST_H
#define EF_PMPTEST_H

#include <stdint.h>

#define EFPT_PARAM(i) , uint32_t a##i
uint32_t efpt_args0(void);
/* Stacked words against the gate's eight-word copy: 10 stacks 2 (no whole
 * pass), 25 two passes and a word, 50 five passes and 2 words. */
#define EFPT_ARITIES(X) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(10) X(25) X(50)
#define EFPT_DECLARE(n) uint32_t efpt_args##n(EF_LIST(EF_SEQ_##n, EFPT_PARAM));
EFPT_ARITIES(EFPT_DECLARE)

/* 8-byte arguments, as ubench's invoke_args: 7 (6 words stacked) and 100
 * (192 words, 24 whole passes); an order-sensitive hash of them. */
#define EFPT_DPARAM(i) , uint64_t a##i
#define EFPT_DARITIES(X) X(7) X(100)
#define EFPT_DDECLARE(n) uint64_t efpt_dargs##n(EF_LIST(EF_SEQ_##n, EFPT_DPARAM));
EFPT_DARITIES(EFPT_DDECLARE)

/* Six 8-byte arguments (two stacked); the result in a0:a1. */
uint64_t efpt_wide(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
		   uint64_t e, uint64_t f);
/* Words and 8-byte scalars mixed: f is split between a7 and the stack. */
uint64_t efpt_mixed(uint32_t a, uint64_t b, uint32_t c, uint64_t d, uint32_t e,
		    uint64_t f, uint32_t g);
/* Nine words, then an 8-byte scalar stacked 8-aligned after the ninth. */
uint64_t efpt_mixed9(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e,
		     uint32_t f, uint32_t g, uint32_t h, uint32_t i, uint64_t x);
uint32_t efpt_empty(void);
uint32_t efpt_read(const volatile uint32_t *p);
void efpt_write(volatile uint32_t *p, uint32_t v);
uint32_t efpt_jump(uint32_t (*f)(void));
/* ecall from foreign code, not at the springboard. */
uint32_t efpt_ecall(void);
/* The OR of every register that is not an argument, at entry (ra and tp
 * aside, which the gate sets to foreign addresses). */
uint32_t efpt_leak(void);
/* tp at entry. */
uintptr_t efpt_tp(void);
/* Uses the foreign C library: malloc, strdup, errno (ERANGE from strtoul):
 * n - 1 + 1000000 when errno was set, + 0x80000000 when malloc aligned. */
uint32_t efpt_libc(uint32_t n);
/* Where the foreign malloc allocates. */
uintptr_t efpt_malloc_address(void);
/* cb(x, 2, 3, 4, 5, 6) + 1: a callback with register and stacked arguments. */
uint64_t efpt_call_back(uint64_t (*cb)(uint64_t, uint64_t, uint64_t, uint64_t,
				       uint64_t, uint64_t), uint64_t x);
/* Calls cb(0, 0, 0, 0, 0, 0) with s0-s11 set to 1..12, then returns in
 * the low word the OR of t0-t6 and a2-a7 after the call (host values
 * there would reach foreign code) and in the high word the OR of what
 * changed in s0-s11, sp and tp (what a callee must keep). */
uint64_t efpt_callback_regs(uint64_t (*cb)(uint64_t, uint64_t, uint64_t, uint64_t,
					   uint64_t, uint64_t));
/* A counter in the foreign run's data, incremented. */
uint32_t efpt_count(void);

#endif
