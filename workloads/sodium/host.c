/* host.c: libsodium workloads (the system's libsodium on Linux, built from
 * Debian's source of the same version in the PMP firmware), compiled once
 * per mode.
 *
 *   generichash/N   crypto_generichash (BLAKE2b) with a 32-byte digest over N
 *                   bytes of pseudo-random input; N = 64 B ... 1 MiB
 *   randombytes/32  randombytes_buf of 32 bytes
 *   secretbox/N     crypto_secretbox_easy of N bytes, then
 *                   crypto_secretbox_open_easy of the result, which must give
 *                   the message back; N = 64, 4096, 32768
 *
 * The host's data (message, key, nonce, digest, ciphertext) lives in host
 * memory.  Outside unsafe mode each iteration copies the arguments into the
 * domain before the call and the results out after it, as a user of
 * encapsulated functions must (ef_mode.h: efm_buffer); in full mode the
 * integer results are validated and every result is upgraded before the
 * host reads a byte of it.  Every iteration changes the message's first
 * byte, so no call computes what the previous one did.
 *
 * Set-up initialises libsodium in the domain (sodium_init, outside timing;
 * the firmware's build has no sodium_init: what it calls needs none) and
 * checks BLAKE2b-512 known answers through the same calls in the same mode:
 * RFC 7693 appendix A ("abc"), the empty input, and keyed vectors of the
 * BLAKE2 reference KAT (key 00..3f, input 00..n-1) across block borders.
 *
 * The result digest folds each iteration's output (digest; MAC; the random
 * bytes' freshness) and, once per run, the last output in full (ciphertext,
 * opened message), so every mode must produce unsafe mode's bytes.  The
 * random bytes cannot equal unsafe mode's: what must agree is that every
 * call wrote 32 bytes unlike the previous call's.  tests/unit/test_workloads.c
 * computes the same digests without this code: change both together.
 */
#include "../../harness/bench.h"
#include "../../runtimes/ef_mode.h"
#include "../hex.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIGEST 32u
#define MAC crypto_secretbox_MACBYTES
#define KEY crypto_secretbox_KEYBYTES
#define NONCE crypto_secretbox_NONCEBYTES
#define BAD 0xbad0000000000000ull

struct sd {
	ef_domain d;
	uint64_t param, digest;
	/* host memory */
	unsigned char *msg, *out, *back;
	unsigned char key[KEY], nonce[NONCE], prev[DIGEST];
	/* what the library gets: domain buffers, or the host's in unsafe mode */
	unsigned char *f_msg, *f_out, *f_back, *f_key, *f_nonce;
};

static const struct {
	const char *in;
	const char *blake2b512;
} kats[] = {
	{ "abc", "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
		 "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923" },
	{ "", "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419"
	      "d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce" },
};

/* The BLAKE2 reference KAT (blake2b-kat.txt): key 00 01 .. 3f, input
 * 00 01 .. n-1, 64-byte digest. */
static const struct {
	unsigned n;
	const char *blake2b512;
} keyed_kats[] = {
	{ 0, "10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786"
	     "b5e996e8f0f4eb981fc214b005f42d2ff4233499391653df7aefcbc13fc51568" },
	{ 3, "33d0825dddf7ada99b0e7e307104ad07ca9cfd9692214f1561356315e784f3e5"
	     "a17e364ae9dbb14cb2036df932b77f4b292761365fb328de7afdc6d8998f5fc1" },
	{ 128, "72065ee4dd91c2d8509fa1fc28a37c7fc9fa7d5b3f8ad3d0d7a25626b57b1b44"
	       "788d4caf806290425f9890a3a2a35a905ab4b37acfd0da6e4517b2525c9651e4" },
	{ 129, "64475dfe7600d7171bea0b394e27c9b00d8e74dd1e416a79473682ad3dfdbb70"
	       "6631558055cfc8a40e07bd015a4540dcdea15883cbbf31412df1de1cd4152b91" },
	{ 255, "142709d62e28fcccd0af97fad0f8465b971e82201dc51070faa0372aa43e9248"
	       "4be1c1e73ba10906d5d1853db6a4106e0a7bf9800d373d6dee2d46d62ef2a461" },
};

/* One BLAKE2b-512 through the mode's calls: in and key copied in, the
 * digest copied out; 0 when it is `hex`. */
static int blake2b512_is(struct sd *s, const unsigned char *in, size_t n,
			 const unsigned char *key, size_t keylen, const char *hex)
{
	unsigned char want[64];
	unsigned char *f_key = keylen ? efm_buffer(&s->d, (void *)key, keylen) : NULL;
	int ok;

	ef_hex_decode(hex, want);
	memcpy(s->msg, in, n);
	efm_copy_in(s->f_msg, s->msg, n);
	if (keylen)
		efm_copy_in(f_key, key, keylen);
	ok = f_key || !keylen;
	ok = ok && EFM_INVOKE(&s->d, crypto_generichash, s->f_out, (size_t)64,
			      (const unsigned char *)s->f_msg, (unsigned long long)n,
			      (const unsigned char *)f_key, keylen) == 0 &&
	     efm_copy_out(&s->d, s->out, s->f_out, 64) == EF_OK &&
	     !memcmp(s->out, want, 64);
	if (keylen)
		efm_buffer_free(&s->d, f_key);
	return ok ? 0 : -1;
}

static int known_answers(struct sd *s, char *err, size_t errlen)
{
	unsigned char key[64], in[256];

	for (unsigned i = 0; i < sizeof key; i++)
		key[i] = (unsigned char)i;
	for (unsigned i = 0; i < sizeof in; i++)
		in[i] = (unsigned char)i;
	for (unsigned i = 0; i < EF_COUNT(kats); i++)
		if (blake2b512_is(s, (const unsigned char *)kats[i].in, strlen(kats[i].in),
				  NULL, 0, kats[i].blake2b512)) {
			snprintf(err, errlen, "BLAKE2b-512 of \"%s\": wrong digest", kats[i].in);
			return -1;
		}
	for (unsigned i = 0; i < EF_COUNT(keyed_kats); i++)
		if (blake2b512_is(s, in, keyed_kats[i].n, key, sizeof key,
				  keyed_kats[i].blake2b512)) {
			snprintf(err, errlen, "keyed BLAKE2b-512 of %u bytes (BLAKE2 KAT): "
				 "wrong digest", keyed_kats[i].n);
			return -1;
		}
	return 0;
}

static void teardown(void *ctx);

/* The context of every benchmark here: a message of n bytes (at least 256,
 * for the known answers), an output of out_bytes (at least 64, for them)
 * and, for secretbox, the opened message. */
static void *setup(uint64_t n, size_t out_bytes, int opened, char *err, size_t errlen)
{
	struct sd *s = EFM_CONTEXT_OPEN(struct sd, "sodium", err, errlen);
	size_t in_bytes = n > 256 ? n : 256;

	if (!s)
		return NULL;
	s->param = n;
	s->msg = malloc(in_bytes);
	s->out = malloc(out_bytes > 64 ? out_bytes : 64);
	s->back = opened ? malloc(n) : NULL;
	if (s->msg && s->out && (s->back || !opened)) {
		s->f_msg = efm_buffer(&s->d, s->msg, in_bytes);
		s->f_out = efm_buffer(&s->d, s->out, out_bytes > 64 ? out_bytes : 64);
		s->f_back = opened ? efm_buffer(&s->d, s->back, n) : NULL;
		s->f_key = efm_buffer(&s->d, s->key, KEY);
		s->f_nonce = efm_buffer(&s->d, s->nonce, NONCE);
	}
	if (!s->f_msg || !s->f_out || (opened && !s->f_back) || !s->f_key || !s->f_nonce) {
		snprintf(err, errlen, "cannot allocate %llu bytes in the domain",
			 (unsigned long long)n);
		teardown(s);
		return NULL;
	}
#ifndef EF_NO_SODIUM_INIT
	if (EFM_INVOKE(&s->d, sodium_init) < 0) {
		snprintf(err, errlen, "sodium_init failed");
		teardown(s);
		return NULL;
	}
#endif
	if (known_answers(s, err, errlen)) {
		teardown(s);
		return NULL;
	}
	ef_fill_random(s->msg, in_bytes, 1);
	ef_fill_random(s->key, KEY, 2);
	ef_fill_random(s->nonce, NONCE, 3);
	return s;
}

static void *setup_generichash(uint64_t n, char *err, size_t errlen)
{
	return setup(n, DIGEST, 0, err, errlen);
}

static void *setup_secretbox(uint64_t n, char *err, size_t errlen)
{
	return setup(n, (size_t)n + MAC, 1, err, errlen);
}

/* Iteration it's message: a new first byte, copied into the domain. */
static void next_message(struct sd *s, uint64_t it)
{
	s->msg[0] = (unsigned char)it;
	efm_copy_in(s->f_msg, s->msg, (size_t)s->param);
}

/* Whether a crypto_* call that returned rc worked (rc is 0 or -1, and 0),
 * its n output bytes then copied from foreign to host. */
static int worked(struct sd *s, int rc, void *host, const void *foreign, size_t n)
{
	return !efm_valid_enum_ret(rc, -1, 0) && rc == 0 &&
	       efm_copy_out(&s->d, host, foreign, n) == EF_OK;
}

static void run_generichash(void *ctx, uint64_t iters)
{
	struct sd *s = ctx;
	const size_t n = (size_t)s->param;
	uint64_t acc = s->digest;

	for (uint64_t it = 0; it < iters; it++) {
		int rc;
		next_message(s, it);
		rc = EFM_INVOKE(&s->d, crypto_generichash, s->f_out, (size_t)DIGEST,
				(const unsigned char *)s->f_msg, (unsigned long long)n,
				(const unsigned char *)NULL, (size_t)0);
		if (worked(s, rc, s->out, s->f_out, DIGEST))
			acc = ef_fold_bytes(acc, s->out, DIGEST);
		else
			acc += BAD;
	}
	s->digest = acc;
}

#ifndef EF_NO_RANDOMBYTES
static void *setup_randombytes(uint64_t n, char *err, size_t errlen)
{
	if (n > DIGEST) {
		snprintf(err, errlen, "at most %u random bytes", DIGEST);
		return NULL;
	}
	return setup(n, (size_t)n, 0, err, errlen);
}

/* Only the freshness of the bytes can be compared across modes. */
static void run_randombytes(void *ctx, uint64_t iters)
{
	struct sd *s = ctx;
	const size_t n = (size_t)s->param;
	uint64_t acc = s->digest;

	for (uint64_t it = 0; it < iters; it++) {
		EFM_INVOKE_VOID(&s->d, randombytes_buf, (void *)s->f_out, n);
		if (efm_copy_out(&s->d, s->out, s->f_out, n) || !memcmp(s->out, s->prev, n)) {
			acc += BAD;
		} else {
			memcpy(s->prev, s->out, n);
			acc = acc * 31 + 1;
		}
	}
	s->digest = acc;
}
#endif

static void run_secretbox(void *ctx, uint64_t iters)
{
	struct sd *s = ctx;
	const size_t n = (size_t)s->param;
	uint64_t acc = s->digest;

	for (uint64_t it = 0; it < iters; it++) {
		int rc;
		next_message(s, it);
		efm_copy_in(s->f_key, s->key, KEY);
		efm_copy_in(s->f_nonce, s->nonce, NONCE);
		rc = EFM_INVOKE(&s->d, crypto_secretbox_easy, s->f_out,
				(const unsigned char *)s->f_msg, (unsigned long long)n,
				(const unsigned char *)s->f_nonce,
				(const unsigned char *)s->f_key);
		if (!worked(s, rc, s->out, s->f_out, n + MAC)) {
			acc += BAD;
			continue;
		}
		/* The ciphertext the host keeps is its copy; the one it opens
		 * is still in the domain, where the first call left it. */
		rc = EFM_INVOKE(&s->d, crypto_secretbox_open_easy, s->f_back,
				(const unsigned char *)s->f_out, (unsigned long long)(n + MAC),
				(const unsigned char *)s->f_nonce,
				(const unsigned char *)s->f_key);
		if (worked(s, rc, s->back, s->f_back, n) && !memcmp(s->back, s->msg, n))
			acc = ef_fold_bytes(acc, s->out, MAC);
		else
			acc += BAD;
	}
	s->digest = ef_fold_bytes(ef_fold_bytes(acc, s->out, n + MAC), s->back, n);
}

EFM_BENCH_ACCESSORS(struct sd)

static void teardown(void *ctx)
{
	struct sd *s = ctx;
	efm_buffer_free(&s->d, s->f_msg);
	efm_buffer_free(&s->d, s->f_out);
	efm_buffer_free(&s->d, s->f_back);
	efm_buffer_free(&s->d, s->f_key);
	efm_buffer_free(&s->d, s->f_nonce);
	efm_close(&s->d);
	free(s->msg);
	free(s->out);
	free(s->back);
	free(s);
}

static const uint64_t hash_sizes[] = { 64, 512, 4096, 32768, 1 << 20 };
static const uint64_t random_sizes[] = { 32 };
static const uint64_t box_sizes[] = { 64, 4096, 32768 };

static const ef_bench benches[] = {
	{ .name = "generichash", .param_name = "bytes", .params = hash_sizes,
	  .nparams = EF_COUNT(hash_sizes), .param_is_bytes = 1,
	  .setup = setup_generichash, EFM_BENCH_HOOKS_RUN(run_generichash) },
	{ .name = "randombytes", .param_name = "bytes", .params = random_sizes,
	  .nparams = EF_COUNT(random_sizes), .param_is_bytes = 1,
#ifdef EF_NO_RANDOMBYTES
	  .unavailable = EF_NO_RANDOMBYTES,
#else
	  .setup = setup_randombytes, EFM_BENCH_HOOKS_RUN(run_randombytes),
#endif
	},
	{ .name = "secretbox", .param_name = "bytes", .params = box_sizes,
	  .nparams = EF_COUNT(box_sizes), .param_is_bytes = 1,
	  .setup = setup_secretbox, EFM_BENCH_HOOKS_RUN(run_secretbox),
	  .small_board = { 64, "its message plus ciphertext plus opened copy do not "
			   "fit this board's domain heap" } },
};

const ef_workload EF_MODE_SYM(ef_workload_sodium) = {
	"sodium", EF_MODE_NAME, benches, EF_COUNT(benches),
};
