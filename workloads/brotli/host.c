/* host.c: the brotli round trip (the system's libbrotlienc and libbrotlidec
 * on Linux, built from Debian's source of the same version in the PMP
 * firmware), compiled once per mode.
 *
 *   round_trip/N   BrotliEncoderCompress (default quality and window,
 *                  generic mode) of the first N bytes of the text (text.h)
 *                  into a buffer twice their size, then
 *                  BrotliDecoderDecompress; the result must be the input.
 *                  N = 8 ... 1024, and 64 KiB.
 *
 * The text, the compressed and the decompressed bytes live in host memory.
 * Outside unsafe mode each round trip copies the text and the size words
 * into the domain before the calls and the results out after them (as a
 * user of encapsulated functions must: ef_mode.h, efm_buffer).  In full
 * mode the returned BROTLI_BOOL is validated as a bool and the decoder's
 * result as its enumeration, and each size the library wrote is upgraded
 * and checked against its buffer before the host reads a byte.
 */
#include "../../harness/bench.h"
#include "../../runtimes/ef_mode.h"
#include "text.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct br {
	ef_domain d;
	uint64_t param, digest;
	size_t got;                     /* the last compressed size */
	/* host memory */
	unsigned char *text, *enc, *dec;
	size_t enc_size, dec_size;
	/* what the library gets: domain buffers, or the host's in unsafe mode */
	unsigned char *f_text, *f_enc, *f_dec;
	size_t *f_enc_size, *f_dec_size;
};

/* One round trip; the compressed size, or 0 when a call failed, a check
 * failed or the text did not come back. */
static size_t round_trip(struct br *b)
{
	const size_t n = (size_t)b->param, cap = 2 * n;
	size_t got, back;
	int rc;

	efm_copy_in(b->f_text, b->text, n);
	b->enc_size = cap;
	efm_copy_in(b->f_enc_size, &b->enc_size, sizeof b->enc_size);
	rc = EFM_INVOKE(&b->d, BrotliEncoderCompress, (int)BROTLI_DEFAULT_QUALITY,
			(int)BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, n,
			(const uint8_t *)b->f_text, b->f_enc_size, (uint8_t *)b->f_enc);
	if (efm_valid_bool_ret(rc) || rc != BROTLI_TRUE ||
	    efm_read_size(&b->d, b->f_enc_size, cap, &got) ||
	    efm_copy_out(&b->d, b->enc, b->f_enc, got))
		return 0;
	/* The host keeps its copy of the compressed bytes; the decoder reads
	 * them where the encoder left them, in the domain. */
	b->dec_size = n;
	efm_copy_in(b->f_dec_size, &b->dec_size, sizeof b->dec_size);
	rc = EFM_INVOKE(&b->d, BrotliDecoderDecompress, got, (const uint8_t *)b->f_enc,
			b->f_dec_size, (uint8_t *)b->f_dec);
	if (efm_valid_enum_ret(rc, BROTLI_DECODER_RESULT_ERROR,
			       BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) ||
	    rc != BROTLI_DECODER_RESULT_SUCCESS ||
	    efm_read_size(&b->d, b->f_dec_size, n, &back) || back != n ||
	    efm_copy_out(&b->d, b->dec, b->f_dec, n) || memcmp(b->dec, b->text, n))
		return 0;
	return got;
}

static void teardown(void *ctx);

static void *setup(uint64_t n, char *err, size_t errlen)
{
	struct br *b;

	if (n > ef_brotli_text_bytes) {
		snprintf(err, errlen, "the text has only %lu bytes",
			 (unsigned long)ef_brotli_text_bytes);
		return NULL;
	}
	b = EFM_CONTEXT_OPEN(struct br, "brotli", err, errlen);
	if (!b)
		return NULL;
	b->param = n;
	b->text = malloc(n);
	b->enc = malloc(2 * n);
	b->dec = malloc(n);
	if (b->text && b->enc && b->dec) {
		b->f_text = efm_buffer(&b->d, b->text, n);
		b->f_enc = efm_buffer(&b->d, b->enc, 2 * n);
		b->f_dec = efm_buffer(&b->d, b->dec, n);
		b->f_enc_size = efm_buffer(&b->d, &b->enc_size, sizeof b->enc_size);
		b->f_dec_size = efm_buffer(&b->d, &b->dec_size, sizeof b->dec_size);
	}
	if (!b->f_text || !b->f_enc || !b->f_dec || !b->f_enc_size || !b->f_dec_size) {
		snprintf(err, errlen, "cannot allocate %llu bytes in the domain",
			 (unsigned long long)n);
		teardown(b);
		return NULL;
	}
	memcpy(b->text, ef_brotli_text, n);
	if (!round_trip(b)) {
		snprintf(err, errlen, "the round trip of %llu bytes does not give "
			 "them back", (unsigned long long)n);
		teardown(b);
		return NULL;
	}
	return b;
}

/* Each iteration's compressed size, then the last compressed and
 * decompressed bytes in full: every mode must produce unsafe mode's, and
 * unsafe mode what tests/unit/test_workloads.c computes without this code. */
static void run(void *ctx, uint64_t iters)
{
	struct br *b = ctx;
	uint64_t acc = b->digest;

	for (uint64_t it = 0; it < iters; it++) {
		b->got = round_trip(b);
		acc = acc * 31 + (b->got ? b->got : 0xbad0000000000000ull);
	}
	if (b->got)
		acc = ef_fold_bytes(ef_fold_bytes(acc, b->enc, b->got), b->dec,
				    (size_t)b->param);
	b->digest = acc;
}

EFM_BENCH_ACCESSORS(struct br)

static void teardown(void *ctx)
{
	struct br *b = ctx;
	efm_buffer_free(&b->d, b->f_text);
	efm_buffer_free(&b->d, b->f_enc);
	efm_buffer_free(&b->d, b->f_dec);
	efm_buffer_free(&b->d, b->f_enc_size);
	efm_buffer_free(&b->d, b->f_dec_size);
	efm_close(&b->d);
	free(b->text);
	free(b->enc);
	free(b->dec);
	free(b);
}

static const uint64_t sizes[] = { 8, 64, 128, 256, 512, 1024, 65536 };

static const ef_bench benches[] = {
	{ .name = "round_trip", .param_name = "bytes", .params = sizes,
	  .nparams = EF_COUNT(sizes), .param_is_bytes = 1, .setup = setup,
	  EFM_BENCH_HOOKS,
	  .small_board = { 0, "the encoder's hash tables do not fit this board's SRAM" },
#ifdef EF_TEXT_BYTES    /* the firmware's text ends there (text.S) */
	  .emulated = { EF_TEXT_BYTES, "a round trip this long takes too long under "
			"QEMU in every mode and policy (Makefile: PMP_BROTLI_MAX, "
			"for a real board)" },
#endif
	},
};

const ef_workload EF_MODE_SYM(ef_workload_brotli) = {
	"brotli", EF_MODE_NAME, benches, EF_COUNT(benches),
};
