/* test_mode_layer.c: the mode layer's argument passing (ef_mode.h) as the
 * library workloads use it, in validate mode (mock domain, checks on):
 * buffers live in the domain, copies in and out carry the bytes, and the
 * checks refuse a result outside the domain, a size beyond its buffer, a
 * misaligned size word and an int that is no truth value. */
#define EF_MODE EF_MODE_VALIDATE
#include "check.h"
#include "../../runtimes/ef_mode.h"

#include <string.h>

static ef_domain d;

static void buffers_live_in_the_domain(void)
{
	unsigned char host[64], back[64];
	unsigned char *f;
	ef_ref r;

	CHECK(efm_open(&d, "mock") == EF_OK);
	f = efm_buffer(&d, host, sizeof host);
	CHECK(f && f != host);
	CHECK(ef_upgrade(&d, f, sizeof host, 1, EF_READ | EF_WRITE, &r) == EF_OK);
	CHECK(ef_upgrade(&d, host, sizeof host, 1, EF_READ, &r) == EF_E_BOUNDS);
	for (unsigned i = 0; i < sizeof host; i++)
		host[i] = (unsigned char)(i * 7 + 1);
	efm_copy_in(f, host, sizeof host);
	CHECK(!memcmp(f, host, sizeof host));
	f[5] ^= 0xff;                   /* the "library" changes a byte */
	CHECK(efm_copy_out(&d, back, f, sizeof back) == EF_OK);
	CHECK(back[5] == (host[5] ^ 0xff) && !memcmp(back, host, 5));
	/* A result that is not the domain's: refused, nothing copied. */
	memset(back, 0, sizeof back);
	CHECK(efm_copy_out(&d, back, host, sizeof back) == EF_E_BOUNDS);
	CHECK(back[0] == 0);
	efm_buffer_free(&d, f);
	efm_close(&d);
}

static void sizes_are_checked_against_their_buffers(void)
{
	size_t host_size = 0, got = 0;
	unsigned char *raw;
	size_t *f;

	CHECK(efm_open(&d, "mock") == EF_OK);
	f = efm_buffer(&d, &host_size, sizeof host_size);
	raw = efm_buffer(&d, NULL, 32);
	CHECK(f && raw);
	*f = 64;
	CHECK(efm_read_size(&d, f, 64, &got) == EF_OK && got == 64);
	*f = 65;
	CHECK(efm_read_size(&d, f, 64, &got) == EF_E_BOUNDS);
	*f = (size_t)-1;
	CHECK(efm_read_size(&d, f, 64, &got) == EF_E_BOUNDS);
	CHECK(efm_read_size(&d, (const size_t *)(raw + 1), 64, &got) == EF_E_ALIGN);
	CHECK(efm_read_size(&d, &host_size, 64, &got) == EF_E_BOUNDS);
	CHECK(efm_read_size(&d, NULL, 64, &got) == EF_E_NULL);
	efm_buffer_free(&d, f);
	efm_buffer_free(&d, raw);
	efm_close(&d);
}

static void results_are_validated(void)
{
	CHECK(efm_valid_bool_ret(0) == EF_OK && efm_valid_bool_ret(1) == EF_OK);
	CHECK(efm_valid_bool_ret(2) == EF_E_INVALID);
	CHECK(efm_valid_bool_ret(-1) == EF_E_INVALID);
	CHECK(efm_valid_enum_ret(-1, -1, 0) == EF_OK);
	CHECK(efm_valid_enum_ret(-2, -1, 0) == EF_E_INVALID);
	CHECK(efm_valid_enum_ret(1, -1, 0) == EF_E_INVALID);
}

static const ef_test tests[] = {
	{ "mode_layer/buffers_live_in_the_domain", buffers_live_in_the_domain },
	{ "mode_layer/sizes_are_checked_against_their_buffers",
	  sizes_are_checked_against_their_buffers },
	{ "mode_layer/results_are_validated", results_are_validated },
};
EF_TEST_MAIN(tests)
