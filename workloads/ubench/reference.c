/* reference.c: ubench's benchmarks in reference mode, what the UTF-8
 * validator is compared with (docs/design.md: at least 1.5 times the
 * throughput of Rust's std::str::from_utf8): validate_utf8_ascii, _prose
 * and _mixed at the same sizes, each iteration one call of from_utf8
 * (utf8_reference.rs, linked in) on the same bytes, in host memory, with
 * no domain.  Target host runs it beside unsafe and validate mode, in the
 * same rounds, in the same process.
 *
 * Each iteration adds what host.c's loop_utf8 adds, so the digest equals
 * unsafe mode's (efbench's check before timing) only where from_utf8
 * accepts the text; set-up refuses text on which from_utf8 and
 * ef_valid_utf8 disagree, so a reference row always measures the same
 * verdict as validate mode's. */
#include "prose.h"
#include "ubench.h"
#include "../../harness/bench.h"
#include "../../runtimes/ef.h"

#include <stdio.h>
#include <stdlib.h>

int efub_rust_valid_utf8(const void *p, size_t n);

struct ref {
	uint64_t param, digest;
	unsigned char *buf;
};

static void run(void *ctx, uint64_t iters)
{
	struct ref *r = ctx;
	uint64_t acc = r->digest, n = r->param;

	for (uint64_t it = 0; it < iters; it++)
		acc += efub_rust_valid_utf8(r->buf, n) ? r->buf[n - 1] + n
			: 0xbad0000000000000ull | EF_E_INVALID;
	r->digest = acc;
}

static uint64_t result(const void *ctx)
{
	return ((const struct ref *)ctx)->digest;
}

static uint64_t param_of(const void *ctx)
{
	return ((const struct ref *)ctx)->param;
}

static void teardown(void *ctx)
{
	struct ref *r = ctx;

	free(r->buf);
	free(r);
}

/* A buffer on a page of its own, as unsafe mode's (ef_mode.h, efm_alloc). */
static void *setup_text(uint64_t n, int kind, void (*host_fill)(void *, size_t),
			char *err, size_t errlen)
{
	struct ref *r = calloc(1, sizeof *r);
	int rust, ours;

	if (r)
		r->buf = aligned_alloc(4096, (n + 4095) / 4096 * 4096);
	if (!r || !r->buf) {
		snprintf(err, errlen, "cannot allocate %llu bytes", (unsigned long long)n);
		free(r);
		return NULL;
	}
	r->param = n;
	if (host_fill)
		host_fill(r->buf, (size_t)n);
	else
		efub_fill(r->buf, (size_t)n, kind);
	rust = efub_rust_valid_utf8(r->buf, (size_t)n);
	ours = ef_valid_utf8(r->buf, (size_t)n) == EF_OK;
	if (rust != ours) {
		snprintf(err, errlen, "from_utf8 %s the text, ef_valid_utf8 %s it",
			 rust ? "accepts" : "rejects", ours ? "accepts" : "rejects");
		teardown(r);
		return NULL;
	}
	return r;
}

static void *setup_ascii(uint64_t n, char *err, size_t errlen)
{
	return setup_text(n, EFUB_ASCII, NULL, err, errlen);
}
static void *setup_prose(uint64_t n, char *err, size_t errlen)
{
	return setup_text(n, 0, efub_fill_prose, err, errlen);
}
static void *setup_mixed(uint64_t n, char *err, size_t errlen)
{
	return setup_text(n, EFUB_MIXED, NULL, err, errlen);
}

static const uint64_t sizes[] = { EFUB_TEXT_SIZES };

#define BENCH(nm, setup_fn)                                                  \
	{ .name = nm, .param_name = "bytes", .params = sizes,               \
	  .nparams = EF_COUNT(sizes), .param_is_bytes = 1, .setup = setup_fn, \
	  .run = run, .result = result, .param_of = param_of,               \
	  .teardown = teardown }

static const ef_bench benches[] = {
	BENCH("validate_utf8_ascii", setup_ascii),
	BENCH("validate_utf8_prose", setup_prose),
	BENCH("validate_utf8_mixed", setup_mixed),
};

const ef_workload ef_workload_ubench_reference = {
	"ubench", "reference", benches, EF_COUNT(benches),
};
