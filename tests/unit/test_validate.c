/* test_validate.c: the validators against accept/reject tables; every
 * UTF-8 implementation this CPU has (validate_utf8.h) against a plain
 * decoder on many generated inputs, against the scalar DFA on millions of
 * random and adversarial ones, and at the end of readable memory; and
 * reference mode's Rust std::str::from_utf8 (workloads/ubench/reference.c)
 * against both, where the build has it. */
#include "check.h"
#include "../../runtimes/ef.h"
#include "../../runtimes/common/validate_utf8.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

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

/* The UTF-8 implementations to test: ef_valid_utf8 itself (what workloads
 * call), then each one validate_utf8.h names that this CPU can run. */
struct utf8_impl {
	const char *name;
	ef_utf8_validator *fn;
};
#define MAX_IMPLS 8

static unsigned utf8_impls(struct utf8_impl *out, unsigned max)
{
	unsigned n = 0;

	out[n++] = (struct utf8_impl){ "ef_valid_utf8", ef_valid_utf8 };
	for (unsigned i = 0; ef_valid_utf8_name(i) && n < max; i++) {
		const char *name = ef_valid_utf8_name(i);
		if (ef_valid_utf8_impl(name))
			out[n++] = (struct utf8_impl){ name, ef_valid_utf8_impl(name) };
	}
	return n;
}

/* ef_valid_utf8 uses the last implementation the CPU has; the scalar one
 * is there everywhere.  Skipped, after checking, where the CPU lacks one
 * (then only the others were tested). */
static void utf8_implementations(void)
{
	static char missing[128];
	const char *chosen = ef_valid_utf8_chosen(), *last = NULL;
	size_t used = 0;

	CHECK(ef_valid_utf8_impl("scalar") != NULL);
	CHECK(ef_valid_utf8_impl("no such implementation") == NULL);
	for (unsigned i = 0; ef_valid_utf8_name(i); i++) {
		const char *name = ef_valid_utf8_name(i);
		if (ef_valid_utf8_impl(name))
			last = name;
		else
			used += (size_t)snprintf(missing + used, sizeof missing - used, "%s%s",
						 used ? ", " : "this CPU lacks ", name);
	}
	CHECK_MSG(last && !strcmp(chosen, last), "ef_valid_utf8 uses %s, the best "
		  "this CPU has is %s", chosen, last ? last : "none");
	printf("# ef_valid_utf8 uses %s\n", chosen);
	if (used)
		ef_check_skip(missing);
}

static void utf8_table_cases(void)
{
	/* Each case alone, and after 1 to 80 bytes of ASCII so that it lands in
	 * every position of a 64-byte block and across two boundaries. */
	struct utf8_impl impl[MAX_IMPLS];
	unsigned n_impls = utf8_impls(impl, MAX_IMPLS);
	char buf[128];

	for (unsigned i = 0; i < sizeof utf8_table / sizeof *utf8_table; i++) {
		size_t n = strlen(utf8_table[i].bytes);
		for (unsigned pad = 0; pad <= 80; pad++) {
			memset(buf, 'x', pad);
			memcpy(buf + pad, utf8_table[i].bytes, n);
			for (unsigned k = 0; k < n_impls; k++) {
				ef_status s = impl[k].fn(buf, pad + n);
				CHECK_MSG((s == EF_OK) == utf8_table[i].valid,
					  "%s: %s after %u ASCII bytes: got %s", impl[k].name,
					  utf8_table[i].what, pad, ef_strerror(s));
			}
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
	struct utf8_impl impl[MAX_IMPLS];
	unsigned n_impls = utf8_impls(impl, MAX_IMPLS);
	unsigned char buf[80];
	unsigned agree_valid = 0, agree_invalid = 0;

	for (unsigned t = 0; t < 200000; t++) {
		size_t n = generated(buf, t);
		int want_ok = reference_utf8(buf, n);
		for (unsigned k = 0; k < n_impls; k++) {
			int got_ok = impl[k].fn(buf, n) == EF_OK;
			CHECK_MSG(want_ok == got_ok, "%s: input %u (%zu bytes): "
				  "reference %d, validator %d", impl[k].name, t, n,
				  want_ok, got_ok);
		}
		want_ok ? agree_valid++ : agree_invalid++;
	}
	/* Both outcomes must be well represented, or the test proves little. */
	CHECK(agree_valid > 20000 && agree_invalid > 20000);
}

/* The differential test's count of inputs and of valid ones. */
struct diff_count {
	unsigned long long inputs, valid;
};

/* Every implementation's verdict on the n bytes at s against the scalar
 * DFA's. */
static void diff_one(const struct utf8_impl *impl, unsigned n_impls,
		     const unsigned char *s, size_t n, const char *what,
		     struct diff_count *count)
{
	ef_utf8_validator *scalar = ef_valid_utf8_impl("scalar");
	int want = scalar(s, n) == EF_OK;

	for (unsigned k = 0; k < n_impls; k++) {
		int got = impl[k].fn(s, n) == EF_OK;
		CHECK_MSG(got == want, "%s input %llu (%zu bytes): scalar %d, %s %d",
			  what, count->inputs, n, want, impl[k].name, got);
	}
	count->inputs++;
	count->valid += (unsigned long long)want;
}

/* Valid text of at least want bytes into buf, from characters at the edges
 * of each length and of each restricted second byte; returns its length. */
static size_t valid_text(unsigned char *buf, size_t want)
{
	static const char *const chars[] = { "a", "~", "\x7f", "\xc2\x80",
		"\xc3\xa9", "\xdf\xbf", "\xe0\xa0\x80", "\xe2\x82\xac",
		"\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbf",
		"\xf0\x90\x80\x80", "\xf0\x9d\x84\x9e", "\xf3\xbf\xbf\xbf",
		"\xf4\x8f\xbf\xbf" };
	size_t n = 0;

	while (n < want) {
		const char *c = chars[next() % (sizeof chars / sizeof *chars)];
		memcpy(buf + n, c, strlen(c));
		n += strlen(c);
	}
	return n;
}

/* Random and adversarial input t into buf (at least 400 bytes); returns
 * its length. */
static size_t adversarial(unsigned char *buf, unsigned t)
{
	static const unsigned char edges[] = { 0x00, 'a', 0x7f, 0x80, 0x8f,
		0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec,
		0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf7, 0xf8, 0xff };
	static const size_t cuts[] = { 15, 16, 17, 31, 32, 33, 63, 64, 65, 127,
		128, 129, 191, 192, 193 };
	size_t n, run;

	switch (t % 6) {
	case 0: /* valid text, one byte changed to any value */
		n = valid_text(buf, next() % 300);
		if (n)
			buf[next() % n] = (unsigned char)next();
		return n;
	case 1: /* valid text cut at a vector or block boundary, perhaps
		 * then ASCII and valid text */
		n = cuts[next() % (sizeof cuts / sizeof *cuts)];
		valid_text(buf, n);
		if (next() % 2)
			return n;
		run = next() % 140;
		memset(buf + n, 'x', run);
		n += run;
		return n + valid_text(buf + n, next() % 70);
	case 2: /* a long ASCII run, then a short sequence of edge bytes */
		run = next() % 300;
		memset(buf, 'x', run);
		n = run + next() % 5;
		for (size_t i = run; i < n; i++)
			buf[i] = edges[next() % sizeof edges];
		return n;
	case 3: /* edge bytes only */
		n = next() % 200;
		for (size_t i = 0; i < n; i++)
			buf[i] = edges[next() % sizeof edges];
		return n;
	case 4: /* valid text, as it comes */
		return valid_text(buf, next() % 300);
	default: /* valid text, ASCII, valid text perhaps with one byte
		  * changed: what the vectors before an ASCII block leave */
		n = valid_text(buf, next() % 70);
		run = next() % 140;
		memset(buf + n, 'x', run);
		n += run;
		run = valid_text(buf + n, next() % 70);
		if (run && next() % 2)
			buf[n + next() % run] = edges[next() % sizeof edges];
		return n + run;
	}
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Every implementation against the scalar DFA: every byte 80..FF at every
 * offset of two 64-byte blocks, after ASCII or after a 2-byte character,
 * followed by 0 to 3 bytes from the edges of what may follow it and then
 * the end; then random and adversarial inputs (adversarial()), each at an
 * offset 0..63 from a 64-byte boundary. */
static void utf8_matches_scalar(void)
{
	static const unsigned char follow[] = { 0x80, 0x8f, 0x90, 0x9f, 0xa0,
		0xbf, 'a' };
	struct utf8_impl impl[MAX_IMPLS];
	unsigned n_impls = utf8_impls(impl, MAX_IMPLS);
	static unsigned char buf[512] __attribute__((aligned(64)));
	struct diff_count count = { 0, 0 };
	double start = seconds();

	for (unsigned off = 0; off < 128; off++) {
		for (unsigned prefix = 0; prefix < 2; prefix++) {
			memset(buf, 'x', off);
			if (prefix && off >= 2)
				memcpy(buf, "\xc3\xa9", 2);
			for (unsigned lead = 0x80; lead <= 0xff; lead++) {
				buf[off] = (unsigned char)lead;
				/* Every tail of len bytes from follow: the digits of
				 * tail in base 7. */
				for (unsigned len = 0, tails = 1; len <= 3; len++, tails *= 7) {
					for (unsigned tail = 0; tail < tails; tail++) {
						for (unsigned i = 0, d = tail; i < len; i++, d /= 7)
							buf[off + 1 + i] = follow[d % 7];
						diff_one(impl, n_impls, buf, off + 1 + len,
							 "lead-byte", &count);
					}
				}
			}
		}
	}
	for (unsigned t = 0; t < 2000000; t++) {
		unsigned char *s = buf + t % 64;
		size_t n = adversarial(s, t);
		diff_one(impl, n_impls, s, n, "adversarial", &count);
	}
	printf("# utf8: %llu inputs (%llu valid), %u implementations against the "
	       "scalar DFA, %.1f s\n", count.inputs, count.valid, n_impls,
	       seconds() - start);
	CHECK(count.inputs >= 10000000);
	/* Both outcomes a million times or more, or the test proves little. */
	CHECK(count.valid >= 1000000 && count.inputs - count.valid >= 1000000);
}

/* A character whose bytes a block of ASCII separates is invalid, even
 * where its remaining bytes would complete it: the vector code must carry
 * "incomplete" across blocks it skips as ASCII. */
static void utf8_split_by_ascii(void)
{
	static const char *const chars[] = { "\xc3\xa9", "\xe2\x82\xac",
		"\xf0\x9d\x84\x9e" };
	struct utf8_impl impl[MAX_IMPLS];
	unsigned n_impls = utf8_impls(impl, MAX_IMPLS);
	unsigned char buf[256];

	for (unsigned c = 0; c < sizeof chars / sizeof *chars; c++) {
		size_t len = strlen(chars[c]);
		for (size_t k = 1; k < len; k++) {
			for (size_t gap = 64; gap <= 128; gap += 64) {
				/* k bytes end block 0, ASCII fills the gap, the
				 * rest begins the next block. */
				memset(buf, 'x', sizeof buf);
				memcpy(buf + 64 - k, chars[c], k);
				memcpy(buf + 64 + gap, chars[c] + k, len - k);
				for (unsigned i = 0; i < n_impls; i++)
					CHECK_MSG(impl[i].fn(buf, 64 + gap + 64) == EF_E_INVALID,
						  "%s: %zu of %zu bytes, %zu of ASCII, the rest",
						  impl[i].name, k, len, gap);
			}
		}
	}
}

/* No implementation reads past the end: inputs of 0..256 bytes that end
 * where readable memory does. */
static void utf8_reads_within_bounds(void)
{
	struct utf8_impl impl[MAX_IMPLS];
	unsigned n_impls = utf8_impls(impl, MAX_IMPLS);
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(map != MAP_FAILED);
	if (map == MAP_FAILED)
		return;
	CHECK(mprotect(map + page, page, PROT_NONE) == 0);
	memset(map, 'x', page);
	for (size_t n = 0; n <= 256; n++) {
		unsigned char *s = map + page - n;
		if (n)
			s[n - 1] = n % 2 ? 'y' : 0xc3; /* valid, or cut off */
		for (unsigned k = 0; k < n_impls; k++)
			CHECK_MSG((impl[k].fn(s, n) == EF_OK) == (n % 2 || !n),
				  "%s on %zu bytes", impl[k].name, n);
		if (n)
			s[n - 1] = 'x';
	}
	munmap(map, 2 * page);
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
	{ "validate/utf8_implementations", utf8_implementations },
	{ "validate/utf8_table", utf8_table_cases },
	{ "validate/utf8_matches_reference", utf8_matches_reference },
	{ "validate/utf8_matches_scalar", utf8_matches_scalar },
	{ "validate/utf8_split_by_ascii", utf8_split_by_ascii },
	{ "validate/utf8_reads_within_bounds", utf8_reads_within_bounds },
	{ "validate/rust_from_utf8_agrees", rust_from_utf8_agrees },
	{ "validate/bool_and_enum", bool_and_enum },
	{ "validate/cstr_within_bounds", cstr_within_bounds },
};
EF_TEST_MAIN(tests)
