/* host.c: the brotli round trip (the system's libbrotlienc and libbrotlidec
 * on Linux, built from Debian's source of the same version in the PMP
 * firmware), compiled once per mode.
 *
 *   round_trip/N   BrotliEncoderCompress (default quality and window,
 *                  generic mode) of the first N bytes of text.h into a
 *                  buffer twice their size, then BrotliDecoderDecompress;
 *                  the result must be the input.  N = 8 ... 1024.
 *
 * Outside unsafe mode input, buffers and the size words live in the
 * domain's memory.  In full mode the returned BROTLI_BOOL and decoder result
 * are validated as enumerations and the sizes the library wrote are checked
 * against their buffers before the host reads a byte.
 */
#include "../../harness/bench.h"
#include "../../targets/ef_mode.h"
#include "text.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct br {
	ef_domain d;
	unsigned char *in, *enc, *dec;
	size_t *enc_size, *dec_size;
	uint64_t param, digest;
};

/* One round trip; the compressed size, or 0 when a check failed. */
static uint64_t round_trip(struct br *b)
{
	size_t n = (size_t)b->param, cap = 2 * n, got;
	int ok;
#if EF_CHECKS
	ef_ref r;
#endif

	*b->enc_size = cap;
	ok = EFM_INVOKE(&b->d, BrotliEncoderCompress, (int)BROTLI_DEFAULT_QUALITY,
			(int)BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, n,
			(const uint8_t *)b->in, b->enc_size, (uint8_t *)b->enc);
#if EF_CHECKS
	if (ef_valid_enum(ok, 0, 1) || efm_upgrade(&b->d, b->enc_size, sizeof(size_t),
						    sizeof(size_t), EF_READ, &r))
		return 0;
#endif
	got = *b->enc_size;
	if (!ok || got > cap)
		return 0;
	*b->dec_size = n;
	ok = EFM_INVOKE(&b->d, BrotliDecoderDecompress, got, (const uint8_t *)b->enc,
			b->dec_size, (uint8_t *)b->dec);
#if EF_CHECKS
	if (ef_valid_enum(ok, BROTLI_DECODER_RESULT_ERROR,
			  BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) ||
	    efm_upgrade(&b->d, b->dec, n, 1, EF_READ, &r))
		return 0;
#endif
	if (ok != BROTLI_DECODER_RESULT_SUCCESS || *b->dec_size != n ||
	    memcmp(b->dec, b->in, n))
		return 0;
	return got;
}

static void teardown(void *ctx);

static void *setup(uint64_t n, char *err, size_t errlen)
{
	struct br *b = calloc(1, sizeof *b);

	if (!b) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (n > sizeof ef_brotli_text - 1) {
		snprintf(err, errlen, "the text has only %zu bytes", sizeof ef_brotli_text - 1);
		free(b);
		return NULL;
	}
	if (efm_open_for_setup(&b->d, "brotli", err, errlen)) {
		free(b);
		return NULL;
	}
	b->param = n;
	b->in = efm_alloc(&b->d, n);
	b->enc = efm_alloc(&b->d, 2 * n);
	b->dec = efm_alloc(&b->d, n);
	b->enc_size = efm_alloc(&b->d, sizeof *b->enc_size);
	b->dec_size = efm_alloc(&b->d, sizeof *b->dec_size);
	if (!b->in || !b->enc || !b->dec || !b->enc_size || !b->dec_size) {
		snprintf(err, errlen, "cannot allocate %llu bytes in the domain",
			 (unsigned long long)n);
		teardown(b);
		return NULL;
	}
	memcpy(b->in, ef_brotli_text, n);
	if (!round_trip(b)) {
		snprintf(err, errlen, "the round trip of %llu bytes does not give "
			 "them back", (unsigned long long)n);
		teardown(b);
		return NULL;
	}
	return b;
}

static void run(void *ctx, uint64_t iters)
{
	struct br *b = ctx;
	uint64_t acc = b->digest;

	for (uint64_t it = 0; it < iters; it++) {
		uint64_t got = round_trip(b);
		acc = acc * 31 + (got ? got : 0xbad0000000000000ull);
	}
	b->digest = acc;
}

EFM_BENCH_ACCESSORS(struct br)

static void teardown(void *ctx)
{
	struct br *b = ctx;
	efm_free(&b->d, b->in);
	efm_free(&b->d, b->enc);
	efm_free(&b->d, b->dec);
	efm_free(&b->d, b->enc_size);
	efm_free(&b->d, b->dec_size);
	efm_close(&b->d);
	free(b);
}

static const uint64_t sizes[] = { 8, 64, 128, 256, 512, 1024 };

static const ef_bench benches[] = {
	{ .name = "round_trip", .param_name = "bytes", .params = sizes,
	  .nparams = EF_COUNT(sizes), .param_is_bytes = 1, .setup = setup,
	  EFM_BENCH_HOOKS },
};

const ef_workload EF_MODE_SYM(ef_workload_brotli) = {
	"brotli", EF_MODE_NAME, benches, EF_COUNT(benches),
};
