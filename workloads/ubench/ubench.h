/* ubench.h: the interface of the microbenchmark foreign library
 * (libefubench.so), shared by its foreign side and its host side. */
#ifndef EFUB_H
#define EFUB_H

#include "../../runtimes/ef_seq.h"

#include <stddef.h>
#include <stdint.h>

/* Argument counts measured: 0..6 fit in registers, the rest are stacked. */
#define EFUB_ARITIES(X) X(0) EFUB_POSITIVE_ARITIES(X)
#define EFUB_POSITIVE_ARITIES(X) X(1) X(2) X(3) X(4) X(5) X(6) \
				 X(7) X(10) X(25) X(50) X(100)

/* efub_argsN(a0, ..., aN-1): an order-sensitive hash of its arguments, so a
 * lost, swapped or truncated argument changes the result. */
#define EFUB_PARAM(i) , uint64_t a##i
#define EFUB_MIX(i) h = (h ^ a##i) * 0x100000001b3ull;
#define EFUB_SEED 0xcbf29ce484222325ull
uint64_t efub_args0(void);
#define EFUB_DECLARE(n) \
	uint64_t efub_args##n(EF_LIST(EF_SEQ_##n, EFUB_PARAM));
EFUB_POSITIVE_ARITIES(EFUB_DECLARE)

/* Returns its argument: a pointer that now comes from foreign code. */
const void *efub_pass(const void *p);

/* The sizes of the validate_* benchmarks, bytes (host.c, reference.c). */
#define EFUB_TEXT_SIZES 1, 64, 1024, 8192, 1 << 20

/* Fill buf with n bytes of one kind (deterministic). */
enum efub_text {
	EFUB_BYTES,       /* every byte value */
	EFUB_ASCII,       /* printable ASCII */
	EFUB_MIXED,       /* UTF-8 mixing 1-, 2-, 3- and 4-byte characters */
	EFUB_CSTR,        /* n-1 printable ASCII bytes, then NUL */
};
void efub_fill(void *buf, size_t n, int kind);

/* Calls cb(x, ...) and returns its result plus one. */
uint64_t efub_call_back(uint64_t (*cb)(uint64_t, uint64_t, uint64_t,
				       uint64_t, uint64_t, uint64_t),
			uint64_t x);

/* *p = v: a write through whatever pointer it is given.  Only the fault
 * drill (EFBENCH_UBENCH_FAULT, host.c) passes it host memory. */
void efub_store(uint64_t *p, uint64_t v);

#endif
