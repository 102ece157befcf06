/* test_workloads.c: what each benchmark's run() computes, against answers
 * computed here without the workload's code: the host's own libsodium and
 * brotli called on the same inputs (through other entry points where the
 * library has them), the foreign library's functions called directly, and
 * the loops' outcomes as each workload's comment states them.  Every mode
 * must give unsafe mode's digest (test_modes); that cannot notice a
 * benchmark that does less work in every mode (an update skipped, a byte
 * short, a lower quality).  This does, in unsafe and validate mode, for
 * every benchmark of the host target: one without an answer here fails. */
#include "check.h"
#include "../../harness/registry.h"
#include "../../harness/runner.h"
#include "../../runtimes/ef.h"
#include "../../workloads/brotli/text.h"
#include "../../workloads/ubench/prose.h"
#include "../../workloads/ubench/ubench.h"

#include <brotli/encode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Iterations per digest: the inputs change with the iteration. */
#define ITERS 3u

/* randombytes_buf's bytes cannot be known, so libsodium's generator is
 * replaced by one that counts what it is asked for (and never repeats). */
static uint64_t rng_state, rng_calls, rng_bytes;
static const char *rng_name(void) { return "test_workloads"; }
static uint32_t rng_random(void) { return (uint32_t)ef_splitmix64(&rng_state); }
static void rng_buf(void *const buf, const size_t size)
{
	rng_calls++;
	rng_bytes += size;
	ef_fill_random(buf, size, ef_splitmix64(&rng_state));
}
static randombytes_implementation counting_rng = {
	.implementation_name = rng_name, .random = rng_random, .buf = rng_buf,
};

/* ubench: the sum of each iteration's outcome (workloads/ubench/host.c). */
static uint64_t runner_empty(uint64_t param, uint64_t iters)
{
	(void)param;
	return iters;
}

/* efub_argsN: FNV-1a over 64-bit words, the offset basis and prime of
 * FNV-64, of the arguments it, it + 1, ..., it + N - 1. */
static uint64_t invoke_args(uint64_t n, uint64_t iters)
{
	uint64_t sum = 0;
	for (uint64_t it = 0; it < iters; it++) {
		uint64_t h = 0xcbf29ce484222325ull;
		for (uint64_t i = 0; i < n; i++)
			h = (h ^ (it + i)) * 0x100000001b3ull;
		sum += h;
	}
	return sum;
}

/* The buffer the validate_* benchmarks upgrade: efub_fill's, or the
 * host's prose (kind -1). */
#define PROSE (-1)
static unsigned char *filled(uint64_t n, int kind)
{
	unsigned char *b = malloc(n);
	if (b && kind == PROSE)
		efub_fill_prose(b, (size_t)n);
	else if (b)
		efub_fill(b, (size_t)n, kind);
	return b;
}

/* Its last byte plus one (u8), plus n (UTF-8); its string length plus one
 * (C string). */
static uint64_t validate_text(uint64_t n, uint64_t iters, int kind)
{
	unsigned char *b = filled(n, kind);
	uint64_t each;
	if (!b)
		return 0;
	each = kind == EFUB_BYTES ? b[n - 1] + 1u
	     : kind == EFUB_CSTR ? strlen((const char *)b) + 1 : b[n - 1] + n;
	free(b);
	return iters * each;
}
static uint64_t validate_u8(uint64_t n, uint64_t iters) { return validate_text(n, iters, EFUB_BYTES); }
static uint64_t validate_ascii(uint64_t n, uint64_t iters) { return validate_text(n, iters, EFUB_ASCII); }
static uint64_t validate_mixed(uint64_t n, uint64_t iters) { return validate_text(n, iters, EFUB_MIXED); }
static uint64_t validate_prose(uint64_t n, uint64_t iters) { return validate_text(n, iters, PROSE); }
static uint64_t validate_cstr(uint64_t n, uint64_t iters) { return validate_text(n, iters, EFUB_CSTR); }

/* Iteration it reads the word 1000 + k of allocation k = it mod count. */
static uint64_t upgrade(uint64_t count, uint64_t iters)
{
	uint64_t sum = 0;
	for (uint64_t it = 0; it < iters; it++)
		sum += 1000 + it % count;
	return sum;
}

/* efub_call_back(cb, it): the host callback's 3 * it, plus one. */
static uint64_t callback(uint64_t count, uint64_t iters)
{
	uint64_t sum = 0;
	(void)count;
	for (uint64_t it = 0; it < iters; it++)
		sum += 3 * it + 1;
	return sum;
}

/* hmac: each iteration's 32-byte MAC folded in (workloads/hmac/host.c);
 * iteration it's key is 0xa5 ^ i with its first byte it, its message
 * bytes i * 7 + 1.  crypto_auth_hmacsha256 in one call, where the
 * benchmark streams 512-byte updates. */
static uint64_t hmac_sha256(uint64_t n, uint64_t iters)
{
	unsigned char key[32], mac[32], *msg = malloc(n);
	uint64_t acc = 0;

	if (!msg)
		return 0;
	for (size_t i = 0; i < n; i++)
		msg[i] = (unsigned char)(i * 7 + 1);
	for (unsigned i = 0; i < sizeof key; i++)
		key[i] = (unsigned char)(0xa5 ^ i);
	for (uint64_t it = 0; it < iters; it++) {
		key[0] = (unsigned char)it;
		crypto_auth_hmacsha256(mac, msg, n, key);
		acc = ef_fold_bytes(acc, mac, sizeof mac);
	}
	free(msg);
	return acc;
}

/* sodium (workloads/sodium/host.c): the message is the pseudo-random bytes
 * of seed 1 (at least 256), with iteration it as its first byte; the key
 * and nonce those of seeds 2 and 3. */
static unsigned char *message(uint64_t n)
{
	size_t bytes = n > 256 ? (size_t)n : 256;
	unsigned char *m = malloc(bytes);
	if (m)
		ef_fill_random(m, bytes, 1);
	return m;
}

/* Each iteration's 32-byte BLAKE2b digest folded in; computed here with
 * the init/update/final calls, where the benchmark makes one. */
static uint64_t generichash(uint64_t n, uint64_t iters)
{
	unsigned char *msg = message(n), out[32];
	crypto_generichash_state st;
	uint64_t acc = 0;

	if (!msg)
		return 0;
	for (uint64_t it = 0; it < iters; it++) {
		msg[0] = (unsigned char)it;
		crypto_generichash_init(&st, NULL, 0, sizeof out);
		crypto_generichash_update(&st, msg, n);
		crypto_generichash_final(&st, out, sizeof out);
		acc = ef_fold_bytes(acc, out, sizeof out);
	}
	free(msg);
	return acc;
}

/* acc * 31 + 1 for each call that wrote bytes unlike the previous call's
 * (sodium_randombytes_asks_for_every_byte checks how many it asked for). */
static uint64_t randombytes_fresh(uint64_t n, uint64_t iters)
{
	uint64_t acc = 0;
	(void)n;
	for (uint64_t it = 0; it < iters; it++)
		acc = acc * 31 + 1;
	return acc;
}

/* Each iteration's MAC (the first 16 bytes of crypto_secretbox_easy's
 * output), then the last ciphertext and opened message in full; computed
 * here with crypto_secretbox_detached. */
static uint64_t secretbox(uint64_t n, uint64_t iters)
{
	unsigned char key[crypto_secretbox_KEYBYTES], nonce[crypto_secretbox_NONCEBYTES];
	unsigned char *msg = message(n), *box = malloc(n + crypto_secretbox_MACBYTES);
	uint64_t acc = 0;

	if (!msg || !box) {
		free(msg);
		free(box);
		return 0;
	}
	ef_fill_random(key, sizeof key, 2);
	ef_fill_random(nonce, sizeof nonce, 3);
	for (uint64_t it = 0; it < iters; it++) {
		msg[0] = (unsigned char)it;
		crypto_secretbox_detached(box + crypto_secretbox_MACBYTES, box, msg, n,
					  nonce, key);
		acc = ef_fold_bytes(acc, box, crypto_secretbox_MACBYTES);
	}
	acc = ef_fold_bytes(ef_fold_bytes(acc, box, n + crypto_secretbox_MACBYTES), msg, n);
	free(msg);
	free(box);
	return acc;
}

/* brotli: acc * 31 + the compressed size for each round trip, then the
 * last compressed bytes and the text they give back
 * (workloads/brotli/host.c): the first n bytes of the text at the default
 * quality and window, generic mode, into twice their size. */
static uint64_t round_trip(uint64_t n, uint64_t iters)
{
	size_t size = 2 * n;
	uint8_t *enc = malloc(size);
	uint64_t acc = 0;

	if (!enc || !BrotliEncoderCompress(BROTLI_DEFAULT_QUALITY, BROTLI_DEFAULT_WINDOW,
					   BROTLI_MODE_GENERIC, n,
					   (const uint8_t *)ef_brotli_text, &size, enc)) {
		free(enc);
		return 0;
	}
	for (uint64_t it = 0; it < iters; it++)
		acc = acc * 31 + size;
	acc = ef_fold_bytes(ef_fold_bytes(acc, enc, size), ef_brotli_text, n);
	free(enc);
	return acc;
}

static const struct {
	const char *workload, *bench;
	uint64_t (*answer)(uint64_t param, uint64_t iters);
} answers[] = {
	{ "runner", "empty", runner_empty },
	{ "ubench", "invoke_args", invoke_args },
	{ "ubench", "validate_u8", validate_u8 },
	{ "ubench", "validate_utf8_ascii", validate_ascii },
	{ "ubench", "validate_utf8_prose", validate_prose },
	{ "ubench", "validate_utf8_mixed", validate_mixed },
	{ "ubench", "validate_cstr", validate_cstr },
	{ "ubench", "upgrade", upgrade },
	{ "ubench", "callback", callback },
	{ "hmac", "hmac_sha256", hmac_sha256 },
	{ "sodium", "generichash", generichash },
	{ "sodium", "randombytes", randombytes_fresh },
	{ "sodium", "secretbox", secretbox },
	{ "brotli", "round_trip", round_trip },
};

static uint64_t (*answer_of(const char *workload, const char *bench))(uint64_t, uint64_t)
{
	for (unsigned i = 0; i < EF_COUNT(answers); i++)
		if (!strcmp(answers[i].workload, workload) && !strcmp(answers[i].bench, bench))
			return answers[i].answer;
	return NULL;
}

static const char *const modes[] = { "unsafe", "validate" };
/* and reference mode, where the build has it, for the benchmarks it has */
static const char *const answered_modes[] = { "unsafe", "validate", "reference" };

static void every_benchmark_computes_the_answer(void)
{
	const ef_target *host = ef_target_find("host");
	unsigned checked = 0;

	randombytes_set_implementation(&counting_rng);
	CHECK(host);
	for (unsigned w = 0; host && w < host->nworkloads; w++) {
		const ef_workload *wl = host->workloads[w];
		if (strcmp(wl->mode, "unsafe"))
			continue;
		for (unsigned b = 0; b < wl->nbenches; b++) {
			const ef_bench *bench = &wl->benches[b];
			uint64_t (*answer)(uint64_t, uint64_t) = answer_of(wl->name, bench->name);
			CHECK_MSG(answer, "%s/%s: no answer to check it against",
				  wl->name, bench->name);
			for (unsigned p = 0; answer && p < bench->nparams; p++) {
				uint64_t param = bench->params[p], want = answer(param, ITERS);
				for (unsigned m = 0; m < EF_COUNT(answered_modes); m++) {
					const char *mode = answered_modes[m];
					const ef_workload *mw = ef_target_workload(host, wl->name, mode);
					const ef_bench *mb = mw ? ef_workload_bench(mw, bench->name) : NULL;
					char err[256] = "";
					uint64_t got = 0;
					if (!mw)
						continue;       /* the runner has unsafe mode only */
					if (!mb && !strcmp(mode, "reference"))
						continue;
					CHECK_MSG(mb, "%s/%s has no %s build", wl->name, bench->name, mode);
					if (!mb)
						continue;
					CHECK_MSG(!ef_bench_digest(mb, param, ITERS, &got, err, sizeof err),
						  "%s %s/%s/%llu: %s", mode, wl->name, bench->name,
						  (unsigned long long)param, err);
					CHECK_MSG(got == want, "%s %s/%s/%llu: %#llx, the answer is %#llx",
						  mode, wl->name, bench->name,
						  (unsigned long long)param, (unsigned long long)got,
						  (unsigned long long)want);
					checked++;
				}
			}
		}
	}
	printf("# %u digests checked against their answers\n", checked);
}

/* Every randombytes_buf call of sodium/randombytes asks for all the bytes
 * the benchmark says it draws, once per iteration. */
static void sodium_randombytes_asks_for_every_byte(void)
{
	const ef_target *host = ef_target_find("host");

	randombytes_set_implementation(&counting_rng);
	for (unsigned m = 0; host && m < EF_COUNT(modes); m++) {
		const ef_workload *wl = ef_target_workload(host, "sodium", modes[m]);
		const ef_bench *b = wl ? ef_workload_bench(wl, "randombytes") : NULL;
		char err[256] = "";
		uint64_t digest;
		CHECK_MSG(b, "no sodium/randombytes in %s mode", modes[m]);
		if (!b)
			continue;
		rng_calls = rng_bytes = 0;
		CHECK_MSG(!ef_bench_digest(b, b->params[0], ITERS, &digest, err, sizeof err),
			  "%s: %s", modes[m], err);
		CHECK_MSG(rng_calls == ITERS && rng_bytes == ITERS * b->params[0],
			  "%s: %llu calls asked for %llu bytes, want %u calls of %llu",
			  modes[m], (unsigned long long)rng_calls,
			  (unsigned long long)rng_bytes, ITERS,
			  (unsigned long long)b->params[0]);
	}
}

/* The digest's fold: every byte of an output counts, wherever it is. */
static void fold_takes_every_byte(void)
{
	unsigned char out[67];
	uint64_t base;

	ef_fill_random(out, sizeof out, 7);
	base = ef_fold_bytes(0, out, sizeof out);
	for (unsigned i = 0; i < sizeof out; i++) {
		out[i] ^= 1;
		CHECK_MSG(ef_fold_bytes(0, out, sizeof out) != base, "byte %u of %zu "
			  "does not count", i, sizeof out);
		out[i] ^= 1;
	}
	CHECK(ef_fold_bytes(0, out, sizeof out - 1) != base);
}

/* validate_utf8_prose's text: the brotli workload's text (alice29.txt)
 * with ` ' and -- typeset as U+2018, U+2019 and U+2014, over and over;
 * valid UTF-8 at every size (no character cut), and mostly, not wholly,
 * ASCII. */
static void prose_is_the_text_typeset(void)
{
	static const struct { const char *utf8, *ascii; } typeset[] = {
		{ "\xe2\x80\x98", "`" }, { "\xe2\x80\x99", "'" }, { "\xe2\x80\x94", "--" },
	};
	const char *text = ef_brotli_text;
	const size_t n = 1 << 20;
	unsigned char *b = filled(n, PROSE);
	size_t i = 0, k = 0, high = 0, passes = 0;

	CHECK(b);
	while (b && i < n) {
		const char *want = NULL;
		int ok;

		for (unsigned t = 0; t < EF_COUNT(typeset); t++)
			if (n - i >= 3 && !memcmp(b + i, typeset[t].utf8, 3))
				want = typeset[t].ascii;
		if (!want && n - i < 3 && b[i] == ' ' && text[k] != ' ')
			break;          /* the end: a character that did not fit */
		if (want)
			ok = !strncmp(text + k, want, strlen(want));
		else    /* ASCII, and nothing left that should have been typeset */
			ok = b[i] == (unsigned char)text[k] && b[i] != '`' && b[i] != '\'' &&
			     !(b[i] == '-' && k + 1 < ef_brotli_text_bytes && text[k + 1] == '-');
		CHECK_MSG(ok, "byte %zu is not text byte %zu typeset", i, k);
		if (!ok)
			break;
		high += want ? 3 : 0;
		i += want ? 3 : 1;
		k += want ? strlen(want) : 1;
		if (k >= ef_brotli_text_bytes)
			k = 0, passes++;
	}
	CHECK_MSG(n - i <= 2 && passes >= 6, "%zu bytes checked, %zu passes", i, passes);
	CHECK_MSG(high > n / 20 && high < n / 10, "%zu of %zu bytes not ASCII", high, n);
	for (size_t m = 0; b && m < 300; m++) {
		efub_fill_prose(b, m);
		CHECK_MSG(ef_valid_utf8(b, m) == EF_OK, "%zu bytes are not UTF-8", m);
	}
	free(b);
}

static const ef_test tests[] = {
	{ "workloads/prose_is_the_text_typeset", prose_is_the_text_typeset },
	{ "workloads/fold_takes_every_byte", fold_takes_every_byte },
	{ "workloads/every_benchmark_computes_the_answer", every_benchmark_computes_the_answer },
	{ "workloads/sodium_randombytes_asks_for_every_byte", sodium_randombytes_asks_for_every_byte },
};
EF_TEST_MAIN(tests)
