/* test_format.c: numbers for people (harness/format.h): 3 significant
 * digits in the scale that leaves 1 to 3 before the point, never e
 * notation, and sizes in binary units. */
#include "check.h"
#include "../../harness/format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void expect(enum ef_quantity q, double v, const char *want)
{
	char got[64];

	ef_format(got, sizeof got, q, v);
	CHECK_MSG(!strcmp(got, want), "%.17g: '%s', want '%s'", v, got, want);
}

static void scales_and_digits(void)
{
	expect(EF_Q_NS, 28674.2, "28.7 µs");
	expect(EF_Q_NS, 601905.4, "602 µs");
	expect(EF_Q_NS, 2.457, "2.46 ns");
	expect(EF_Q_NS, 0.2851, "0.285 ns");
	expect(EF_Q_NS, 133, "133 ns");
	expect(EF_Q_NS, 1.5e9, "1.50 s");
	expect(EF_Q_NS, 0, "0 ns");
	expect(EF_Q_COUNT, 28670, "28.7 k");
	expect(EF_Q_COUNT, 3211439, "3.21 M");
	expect(EF_Q_COUNT, 18.437, "18.4");
	expect(EF_Q_COUNT, 66, "66.0");
	expect(EF_Q_RATIO, 0.85, "0.85");
	expect(EF_Q_RATIO, 1.234, "1.23");
	expect(EF_Q_RATIO, 12.34, "12.3");
	expect(EF_Q_RATE, 36.57, "36.6 GB/s");
	expect(EF_Q_RATE, 0.5, "500 MB/s");
}

/* A rounding that reaches the next digit or scale takes it. */
static void rounding_up(void)
{
	expect(EF_Q_NS, 999.7, "1.00 µs");
	expect(EF_Q_NS, 999.4, "999 ns");
	expect(EF_Q_NS, 9.996, "10.0 ns");
	expect(EF_Q_COUNT, 999999, "1.00 M");
	expect(EF_Q_RATIO, 0.999, "1.00");
	/* the largest scale has no next one: digits, never e+ */
	expect(EF_Q_NS, 2.5e13, "25000 s");
	expect(EF_Q_RATIO, 1e7, "10000000");
}

/* An interval in its value's scale: same unit, same decimals. */
static void interval_in_value_scale(void)
{
	ef_scale s = ef_scale_for(EF_Q_NS, 28674.2);
	char lo[64], hi[64], none[64];

	ef_format_in(lo, sizeof lo, 28620.3, &s);
	ef_format_in(hi, sizeof hi, 1234567, &s);
	ef_format_in(none, sizeof none, NAN, &s);
	CHECK_MSG(!strcmp(s.unit, "µs") && !strcmp(lo, "28.6") && !strcmp(hi, "1234.6"),
		  "'%s' [%s, %s]", s.unit, lo, hi);
	CHECK_MSG(!strcmp(none, "–"), "NaN: '%s'", none);
}

static void sizes(void)
{
	static const struct { unsigned long long b; const char *want; } c[] = {
		{ 1, "1 B" }, { 64, "64 B" }, { 1023, "1023 B" }, { 1024, "1 KiB" },
		{ 1536, "1.5 KiB" }, { 4096, "4 KiB" }, { 65536, "64 KiB" },
		{ 1048576, "1 MiB" }, { 1048576 + 1024 * 100, "1.1 MiB" },
		{ 1ULL << 40, "1 TiB" },
	};
	char got[64];

	for (unsigned k = 0; k < sizeof c / sizeof *c; k++) {
		ef_format_bytes(got, sizeof got, c[k].b);
		CHECK_MSG(!strcmp(got, c[k].want), "%llu: '%s', want '%s'", c[k].b, got, c[k].want);
	}
}

static const ef_test tests[] = {
	{ "format/scales_and_digits", scales_and_digits },
	{ "format/rounding_up", rounding_up },
	{ "format/interval_in_value_scale", interval_in_value_scale },
	{ "format/sizes", sizes },
};
EF_TEST_MAIN(tests)
