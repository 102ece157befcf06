/* test_validate.c: the validators against accept/reject tables, and the
 * UTF-8 validator against a plain decoder on many generated inputs; and
 * reference mode's Rust std::str::from_utf8 (workloads/ubench/reference.c)
 * against both, where the build has it. */
#include "check.h"
#include "../../runtimes/ef.h"

#include <string.h>

static const struct { const char *what, *bytes; int valid; } utf8_table[] = {
	{ "empty", "", 1 },
	{ "ascii", "hello, world", 1 },
	{ "2-byte min U+0080", "\xc2\x80", 1 },
	{ "2-byte max U+07FF", "\xdf\xbf", 1 },
	{ "3-byte min U+0800", "\xe0\xa0\x80", 1 },
	{ "last before surrogates U+D7FF", "\xed\x9f\xbf", 1 },
	{ "first after surrogates U+E000", "\xee\x80\x80", 1 },
	{ "U+FFFF", "\xef\xbf\xbf", 1 },
	{ "4-byte min U+10000", "\xf0\x90\x80\x80", 1 },
	{ "max U+10FFFF", "\xf4\x8f\xbf\xbf", 1 },
	{ "mixed", "a\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e", 1 },
	{ "overlong 2-byte C0 80", "\xc0\x80", 0 },
	{ "overlong 2-byte C1 BF", "\xc1\xbf", 0 },
	{ "overlong 3-byte E0 80 80", "\xe0\x80\x80", 0 },
	{ "overlong 3-byte E0 9F BF", "\xe0\x9f\xbf", 0 },
	{ "overlong 4-byte F0 80 80 80", "\xf0\x80\x80\x80", 0 },
	{ "overlong 4-byte F0 8F BF BF", "\xf0\x8f\xbf\xbf", 0 },
	{ "surrogate U+D800", "\xed\xa0\x80", 0 },
	{ "surrogate U+DFFF", "\xed\xbf\xbf", 0 },
	{ "above U+10FFFF", "\xf4\x90\x80\x80", 0 },
	{ "F5 lead", "\xf5\x80\x80\x80", 0 },
	{ "FF byte", "\xff", 0 },
	{ "lone continuation", "\x80", 0 },
	{ "continuation after ascii", "a\xbf", 0 },
	{ "truncated 2-byte", "\xc3", 0 },
	{ "truncated 3-byte", "\xe2\x82", 0 },
	{ "truncated 4-byte", "\xf0\x9d\x84", 0 },
	{ "truncated then ascii", "\xe2\x82" "a", 0 },
	{ "5-byte form", "\xf8\x88\x80\x80\x80", 0 },
};

static void utf8_table_cases(void)
{
	/* Each case alone, and after 16..47 bytes of ASCII so that it lands in
	 * every position of the 16-byte fast path. */
	char buf[128];

	for (unsigned i = 0; i < sizeof utf8_table / sizeof *utf8_table; i++) {
		size_t n = strlen(utf8_table[i].bytes);
		for (unsigned pad = 0; pad < 48; pad += pad < 16 ? 16 : 1) {
			memset(buf, 'x', pad);
			memcpy(buf + pad, utf8_table[i].bytes, n);
			ef_status s = ef_valid_utf8(buf, pad + n);
			CHECK_MSG((s == EF_OK) == utf8_table[i].valid,
				  "%s after %u ASCII bytes: got %s", utf8_table[i].what,
				  pad, ef_strerror(s));
		}
	}
}

/* A plain decoder straight from RFC 3629's definition. */
static int reference_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i], len, cp;
		if (c < 0x80) { i++; continue; }
		if (c >= 0xc2 && c <= 0xdf) len = 2, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef) len = 3, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4) len = 4, cp = c & 0x07;
		else return 0;
		if (i + len > n)
			return 0;
		for (unsigned k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
		i += len;
	}
	return 1;
}

static uint64_t rng = 12345;
static unsigned next(void)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)(rng >> 33);
}

/* Input t of the generated ones, into buf (80 bytes); returns its length:
 * valid text with one byte changed (odd t), and pure noise from the bytes
 * that matter (even t), at lengths across the 16-byte boundary. */
static size_t generated(unsigned char *buf, unsigned t)
{
	static const unsigned char alphabet[] = { 'a', 0x80, 0x8f, 0x90, 0x9f,
		0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0, 0xf1,
		0xf4, 0xf5, 0xff };
	static const char *const chars[] = { "a", "\xc3\xa9", "\xe2\x82\xac",
		"\xf0\x9d\x84\x9e", "\xed\x9f\xbf", "\xf4\x8f\xbf\xbf" };
	size_t n = 0, want = next() % 70;

	if (t & 1) {
		while (n < want) {
			const char *c = chars[next() % 6];
			memcpy(buf + n, c, strlen(c));
			n += strlen(c);
		}
		if (n && next() % 2)
			buf[next() % n] = alphabet[next() % sizeof alphabet];
	} else {
		for (n = 0; n < want; n++)
			buf[n] = alphabet[next() % sizeof alphabet];
	}
	return n;
}

static void utf8_matches_reference(void)
{
	unsigned char buf[80];
	unsigned agree_valid = 0, agree_invalid = 0;

	for (unsigned t = 0; t < 200000; t++) {
		size_t n = generated(buf, t);
		int want_ok = reference_utf8(buf, n);
		int got_ok = ef_valid_utf8(buf, n) == EF_OK;
		CHECK_MSG(want_ok == got_ok, "input %u (%zu bytes): reference %d, "
			  "validator %d", t, n, want_ok, got_ok);
		want_ok ? agree_valid++ : agree_invalid++;
	}
	/* Both outcomes must be well represented, or the test proves little. */
	CHECK(agree_valid > 20000 && agree_invalid > 20000);
}

/* Rust's from_utf8 (utf8_reference.rs), linked where the build found
 * rustc: weak, so that this test says so where it did not. */
int efub_rust_valid_utf8(const void *p, size_t n) __attribute__((weak));

/* Reference mode measures from_utf8 on the same verdicts as ef_valid_utf8:
 * the table's, at every offset, and the generated inputs'. */
static void rust_from_utf8_agrees(void)
{
	unsigned char buf[128];
	unsigned valid = 0, invalid = 0;

	if (!efub_rust_valid_utf8) {
		ef_check_skip("this build has no Rust reference (no rustc; make deps installs it)");
		return;
	}
	for (unsigned i = 0; i < sizeof utf8_table / sizeof *utf8_table; i++) {
		size_t n = strlen(utf8_table[i].bytes);
		for (unsigned pad = 0; pad < 48; pad += pad < 16 ? 16 : 1) {
			memset(buf, 'x', pad);
			memcpy(buf + pad, utf8_table[i].bytes, n);
			CHECK_MSG(efub_rust_valid_utf8(buf, pad + n) == utf8_table[i].valid,
				  "%s after %u ASCII bytes: from_utf8 says %s", utf8_table[i].what,
				  pad, efub_rust_valid_utf8(buf, pad + n) ? "valid" : "invalid");
		}
	}
	CHECK(efub_rust_valid_utf8(NULL, 0) == 1);
	for (unsigned t = 0; t < 200000; t++) {
		size_t n = generated(buf, t);
		int ours = ef_valid_utf8(buf, n) == EF_OK;
		CHECK_MSG(efub_rust_valid_utf8(buf, n) == ours, "input %u (%zu bytes): "
			  "ef_valid_utf8 %d, from_utf8 %d", t, n, ours, !ours);
		ours ? valid++ : invalid++;
	}
	CHECK(valid > 20000 && invalid > 20000);
}

static void bool_and_enum(void)
{
	unsigned char b;
	for (unsigned v = 0; v < 256; v++) {
		b = (unsigned char)v;
		CHECK_MSG((ef_valid_bool(&b) == EF_OK) == (v <= 1), "bool %u", v);
	}
	CHECK(ef_valid_enum(0, 0, 3) == EF_OK);
	CHECK(ef_valid_enum(3, 0, 3) == EF_OK);
	CHECK(ef_valid_enum(4, 0, 3) == EF_E_INVALID);
	CHECK(ef_valid_enum(-1, 0, 3) == EF_E_INVALID);
	CHECK(ef_valid_enum(INT32_MIN, -5, 5) == EF_E_INVALID);
	CHECK(ef_valid_enum(-5, -5, 5) == EF_OK);
}

static void cstr_within_bounds(void)
{
	size_t len = 99;
	CHECK(ef_valid_cstr("abc", 4, &len) == EF_OK && len == 3);
	CHECK(ef_valid_cstr("", 1, &len) == EF_OK && len == 0);
	/* The NUL at index 3 lies outside a 3-byte bound. */
	len = 99;
	CHECK(ef_valid_cstr("abc", 3, &len) == EF_E_INVALID && len == 99);
	CHECK(ef_valid_cstr("ab\0cd", 6, &len) == EF_OK && len == 2);
}

static const ef_test tests[] = {
	{ "validate/utf8_table", utf8_table_cases },
	{ "validate/utf8_matches_reference", utf8_matches_reference },
	{ "validate/rust_from_utf8_agrees", rust_from_utf8_agrees },
	{ "validate/bool_and_enum", bool_and_enum },
	{ "validate/cstr_within_bounds", cstr_within_bounds },
};
EF_TEST_MAIN(tests)
