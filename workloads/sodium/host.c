/* host.c: libsodium workloads (the system's libsodium on Linux, built from
 * Debian's source of the same version in the PMP firmware), compiled once
 * per mode.
 *
 *   generichash/N   crypto_generichash (BLAKE2b) with a 32-byte digest over N
 *                   bytes of pseudo-random input; N = 64 B ... 1 MiB
 *
 * Set-up first checks BLAKE2b-512 known answers through the same calls in
 * the same mode (RFC 7693 appendix A, "abc"; and the empty input), and
 * initialises libsodium in the domain (sodium_init, outside timing; the
 * firmware's build has no sodium_init: BLAKE2b needs none).  Outside unsafe
 * mode input and digest live in the domain's memory, and in full mode the
 * digest is upgraded before the host reads it.
 */
#include "../../harness/bench.h"
#include "../../targets/ef_mode.h"
#include "../hex.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIGEST 32u

struct sd {
	ef_domain d;
	unsigned char *in, *out;
	uint64_t param, digest;
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

static int known_answers(struct sd *s, char *err, size_t errlen)
{
	for (unsigned i = 0; i < EF_COUNT(kats); i++) {
		size_t n = strlen(kats[i].in);
		unsigned char want[64];
		ef_ref r;

		memcpy(s->in, kats[i].in, n);
		ef_hex_decode(kats[i].blake2b512, want);
		if (EFM_INVOKE(&s->d, crypto_generichash, s->out, (size_t)64, s->in,
			       (unsigned long long)n, (const unsigned char *)NULL,
			       (size_t)0) != 0 ||
		    efm_upgrade(&s->d, s->out, 64, 1, EF_READ, &r) ||
		    memcmp(efm_get(&s->d, r), want, 64)) {
			snprintf(err, errlen, "BLAKE2b-512 of \"%s\": wrong digest", kats[i].in);
			return -1;
		}
	}
	return 0;
}

static void teardown(void *ctx);

static void *setup(uint64_t n, char *err, size_t errlen)
{
	struct sd *s = calloc(1, sizeof *s);
	uint64_t x = 0x9e3779b97f4a7c15ull;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (efm_open_for_setup(&s->d, "sodium", err, errlen)) {
		free(s);
		return NULL;
	}
	s->param = n;
	s->in = efm_alloc(&s->d, n > 64 ? n : 64);
	s->out = efm_alloc(&s->d, 64);
	if (!s->in || !s->out) {
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
	for (size_t i = 0; i < n; i++) {        /* splitmix64 bytes */
		uint64_t z = (x += 0x9e3779b97f4a7c15ull);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		s->in[i] = (unsigned char)(z ^ (z >> 31));
	}
	return s;
}

static void run(void *ctx, uint64_t iters)
{
	struct sd *s = ctx;
	uint64_t acc = s->digest;

	for (uint64_t it = 0; it < iters; it++) {
		ef_ref r;
		ef_status st;
		s->in[0] = (unsigned char)it;      /* a new input every iteration */
		EFM_INVOKE(&s->d, crypto_generichash, s->out, (size_t)DIGEST, s->in,
			   (unsigned long long)s->param, (const unsigned char *)NULL,
			   (size_t)0);
		st = efm_upgrade(&s->d, s->out, DIGEST, 1, EF_READ, &r);
		if (st) {
			acc += 0xbad0000000000000ull | (uint64_t)st;
		} else {
			uint64_t w;
			memcpy(&w, efm_get(&s->d, r), sizeof w);
			acc = acc * 31 + w;
		}
	}
	s->digest = acc;
}

EFM_BENCH_ACCESSORS(struct sd)

static void teardown(void *ctx)
{
	struct sd *s = ctx;
	efm_free(&s->d, s->in);
	efm_free(&s->d, s->out);
	efm_close(&s->d);
	free(s);
}

static const uint64_t sizes[] = { 64, 512, 4096, 32768, 1 << 20 };

static const ef_bench benches[] = {
	{ .name = "generichash", .param_name = "bytes", .params = sizes,
	  .nparams = EF_COUNT(sizes), .param_is_bytes = 1, .setup = setup,
	  EFM_BENCH_HOOKS },
};

const ef_workload EF_MODE_SYM(ef_workload_sodium) = {
	"sodium", EF_MODE_NAME, benches, EF_COUNT(benches),
};
