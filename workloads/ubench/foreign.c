/* foreign.c: the microbenchmark foreign library, built as libefubench.so.
 * It is ordinary C with no knowledge of efbench: the runtimes load and call
 * it as they would any foreign library. */
#include "ubench.h"

#include <string.h>

uint64_t efub_args0(void)
{
	return EFUB_SEED;
}

#define EFUB_DEFINE(n)                                          \
	uint64_t efub_args##n(EF_LIST(EF_SEQ_##n, EFUB_PARAM))  \
	{                                                       \
		uint64_t h = EFUB_SEED;                         \
		EF_SEQ_##n(EFUB_MIX)                            \
		return h;                                       \
	}
EFUB_POSITIVE_ARITIES(EFUB_DEFINE)

const void *efub_pass(const void *p)
{
	return p;
}

/* One character each of 1, 2, 3 and 4 bytes, and a space. */
static const char mixed[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e ";

void efub_fill(void *buf, size_t n, int kind)
{
	unsigned char *b = buf;
	size_t i;

	switch (kind) {
	case EFUB_BYTES:
		for (i = 0; i < n; i++)
			b[i] = (unsigned char)(i * 7);
		break;
	case EFUB_ASCII:
	case EFUB_CSTR:
		for (i = 0; i < n; i++)
			b[i] = (unsigned char)(' ' + i % 95);
		if (kind == EFUB_CSTR && n)
			b[n - 1] = 0;
		break;
	case EFUB_MIXED:
		/* Whole characters only; pad the tail with ASCII. */
		for (i = 0; i + sizeof mixed - 1 <= n; i += sizeof mixed - 1)
			memcpy(b + i, mixed, sizeof mixed - 1);
		for (; i < n; i++)
			b[i] = 'z';
		break;
	}
}

uint64_t efub_call_back(uint64_t (*cb)(uint64_t, uint64_t, uint64_t,
				       uint64_t, uint64_t, uint64_t),
			uint64_t x)
{
	return cb(x, 0, 0, 0, 0, 0) + 1;
}

void efub_store(uint64_t *p, uint64_t v) { *p = v; }
