/* host.c: HMAC-SHA256 as OpenTitan's CryptoLib benchmark measures it, through
 * libsodium (the system's on Linux, built from Debian's source of the same
 * version in the PMP firmware), compiled once per mode.
 *
 *   hmac_sha256/N   one iteration = key set-up and init (a 32-byte key that
 *                   changes every iteration), N / 512 updates of 512 bytes,
 *                   and the final; N = 4096 is CryptoLib's 8 updates.
 *
 * The result digest folds every byte of each iteration's MAC.
 *
 * Before any timing, set-up checks the RFC 4231 test cases 1-4, 6 and 7
 * (full-length HMAC-SHA-256 outputs) through the same calls in the same
 * mode; a wrong MAC fails set-up, which efbench reports as an error row.
 * Outside unsafe mode the state, key, message and MAC live in the domain's
 * memory, and in full mode the MAC is upgraded before the host reads it.
 */
#include "../../harness/bench.h"
#include "../../runtimes/ef_mode.h"
#include "../hex.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 512u

/* Extra work run() does, in percent of the iterations asked for: a real code
 * difference for the A/B regression check to find (scripts/ab-inject
 * commits a revision with it set; scripts/aa-trials, tests/cli/test_ab.sh).
 * 0 in every build of the project itself, where the code is compiled out. */
#ifndef EF_HMAC_SLOWDOWN_PCT
#define EF_HMAC_SLOWDOWN_PCT 0
#endif

struct hm {
	ef_domain d;
	crypto_auth_hmacsha256_state *st;
	unsigned char *key, *msg, *mac;
	uint64_t param, digest;
};

static const struct kat {
	const char *key, *data;   /* hex, or "=text" */
	size_t key_repeat;        /* key: one byte repeated this often (0: as given) */
	size_t data_repeat;
	const char *mac;
} kats[] = {
	{ "0b", "=Hi There", 20, 0,
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ "=Jefe", "=what do ya want for nothing?", 0, 0,
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ "aa", "dd", 20, 50,
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
	{ "0102030405060708090a0b0c0d0e0f10111213141516171819", "cd", 0, 50,
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
	{ "aa", "=Test Using Larger Than Block-Size Key - Hash Key First", 131, 0,
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ "aa", "=This is a test using a larger than block-size key and a larger "
	  "than block-size data. The key needs to be hashed before being used by "
	  "the HMAC algorithm.", 131, 0,
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
};

/* Decode a test-case field into out; its length. */
static size_t decode(const char *s, size_t repeat, unsigned char *out)
{
	size_t n = 0;
	if (*s == '=') {
		n = strlen(s + 1);
		memcpy(out, s + 1, n);
		return n;
	}
	n = ef_hex_decode(s, out);
	for (size_t i = 1; repeat && i < repeat; i++)
		out[i] = out[0];
	return repeat ? repeat : n;
}

/* One MAC through the mode's calls; 0 when the MAC is readable. */
static int mac_of(struct hm *h, const unsigned char *key, size_t keylen,
		  const unsigned char *data, size_t n)
{
	ef_ref r;
	if (EFM_INVOKE(&h->d, crypto_auth_hmacsha256_init, h->st, key, keylen) != 0)
		return -1;
	EFM_INVOKE(&h->d, crypto_auth_hmacsha256_update, h->st, data,
		   (unsigned long long)n);
	EFM_INVOKE(&h->d, crypto_auth_hmacsha256_final, h->st, h->mac);
	return efm_upgrade(&h->d, h->mac, crypto_auth_hmacsha256_BYTES, 1, EF_READ, &r);
}

static int known_answers(struct hm *h, char *err, size_t errlen)
{
	unsigned char *key = efm_alloc(&h->d, 256), *data = efm_alloc(&h->d, 256);
	int rc = 0;

	if (!key || !data) {
		snprintf(err, errlen, "cannot allocate the test vectors");
		rc = -1;
	}
	for (unsigned i = 0; !rc && i < EF_COUNT(kats); i++) {
		unsigned char want[32];
		size_t kl = decode(kats[i].key, kats[i].key_repeat, key);
		size_t dl = decode(kats[i].data, kats[i].data_repeat, data);
		decode(kats[i].mac, 0, want);
		if (mac_of(h, key, kl, data, dl) || memcmp(h->mac, want, 32)) {
			snprintf(err, errlen, "RFC 4231 test case %u: wrong HMAC-SHA-256",
				 i < 4 ? i + 1 : i + 2);
			rc = -1;
		}
	}
	efm_free(&h->d, key);
	efm_free(&h->d, data);
	return rc;
}

static void teardown(void *ctx);

static void *setup(uint64_t n, char *err, size_t errlen)
{
	struct hm *h = EFM_CONTEXT_OPEN(struct hm, "hmac", err, errlen);

	if (!h)
		return NULL;
	h->param = n;
	h->st = efm_alloc(&h->d, sizeof *h->st);
	h->key = efm_alloc(&h->d, 32);
	h->msg = efm_alloc(&h->d, n);
	h->mac = efm_alloc(&h->d, crypto_auth_hmacsha256_BYTES);
	if (!h->st || !h->key || !h->msg || !h->mac) {
		snprintf(err, errlen, "cannot allocate %llu bytes in the domain",
			 (unsigned long long)n);
		teardown(h);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		h->msg[i] = (unsigned char)(i * 7 + 1);
	for (unsigned i = 0; i < 32; i++)
		h->key[i] = (unsigned char)(0xa5 ^ i);
	if (known_answers(h, err, errlen)) {
		teardown(h);
		return NULL;
	}
	return h;
}

static void run(void *ctx, uint64_t iters)
{
	struct hm *h = ctx;
	uint64_t acc = h->digest, n = h->param;

#if EF_HMAC_SLOWDOWN_PCT
	/* The same share more in every call, so that no sample is faster
	 * than another by its rounding: whole iterations, then the fraction
	 * of one left over as that fraction of an iteration's message bytes. */
	uint64_t tail = n * (iters * EF_HMAC_SLOWDOWN_PCT % 100) / 100;
	iters += iters * EF_HMAC_SLOWDOWN_PCT / 100;
	if (tail) {
		EFM_INVOKE(&h->d, crypto_auth_hmacsha256_init, h->st, h->key, (size_t)32);
		EFM_INVOKE(&h->d, crypto_auth_hmacsha256_update, h->st, h->msg,
			   (unsigned long long)tail);
		EFM_INVOKE(&h->d, crypto_auth_hmacsha256_final, h->st, h->mac);
	}
#endif
	for (uint64_t it = 0; it < iters; it++) {
		ef_ref r;
		ef_status s;
		h->key[0] = (unsigned char)it;     /* a new key every iteration */
		EFM_INVOKE(&h->d, crypto_auth_hmacsha256_init, h->st, h->key, (size_t)32);
		for (uint64_t off = 0; off < n; off += CHUNK)
			EFM_INVOKE(&h->d, crypto_auth_hmacsha256_update, h->st,
				   h->msg + off, (unsigned long long)CHUNK);
		EFM_INVOKE(&h->d, crypto_auth_hmacsha256_final, h->st, h->mac);
		s = efm_upgrade(&h->d, h->mac, crypto_auth_hmacsha256_BYTES, 1,
				EF_READ, &r);
		if (s)
			acc += 0xbad0000000000000ull | (uint64_t)s;
		else
			acc = ef_fold_bytes(acc, efm_get(&h->d, r),
					    crypto_auth_hmacsha256_BYTES);
	}
	h->digest = acc;
}

EFM_BENCH_ACCESSORS(struct hm)

static void teardown(void *ctx)
{
	struct hm *h = ctx;
	efm_free(&h->d, h->st);
	efm_free(&h->d, h->key);
	efm_free(&h->d, h->msg);
	efm_free(&h->d, h->mac);
	efm_close(&h->d);
	free(h);
}

static const uint64_t sizes[] = { 4096 };

static const ef_bench benches[] = {
	{ .name = "hmac_sha256", .param_name = "message bytes", .params = sizes,
	  .nparams = EF_COUNT(sizes), .param_is_bytes = 1, .setup = setup,
	  EFM_BENCH_HOOKS },
};

const ef_workload EF_MODE_SYM(ef_workload_hmac) = {
	"hmac", EF_MODE_NAME, benches, EF_COUNT(benches),
};
