/* format.h: numbers for people, the one place efreport's summary.md and
 * its paper tables (tables.h) format one.  A number shows 3 significant
 * digits in the scale of its quantity that leaves 1 to 3 digits before the
 * point (28674 ns is 28.7 µs, 3211439 instructions 3.21 M), in fixed
 * notation only: never 2.867e+04. */
#ifndef EF_FORMAT_H
#define EF_FORMAT_H

#include <stddef.h>

#define EF_FORMAT_DIGITS 3

/* What a number measures, which decides its scales. */
enum ef_quantity {
	EF_Q_NS,       /* time in ns: ns, µs, ms, s */
	EF_Q_COUNT,    /* instructions, cycles: none, k, M, G */
	EF_Q_RATIO,    /* an overhead: no scale, at most 2 decimals */
	EF_Q_RATE,     /* bytes per ns: B/s, kB/s, MB/s, GB/s, TB/s */
};

/* How to show a number and the others that go with it (its interval): the
 * divisor, the digits after the point and what follows the number ("µs",
 * "k"; "" for none). */
typedef struct ef_scale {
	double div;
	int decimals;
	const char *unit;
} ef_scale;

/* The quantity of a result unit ("ns", "instructions", "cycles"). */
enum ef_quantity ef_quantity_of_unit(const char *unit);
/* The scale that shows v with EF_FORMAT_DIGITS significant digits. */
ef_scale ef_scale_for(enum ef_quantity q, double v);
/* v in scale s, without its unit, into buf (len ≥ 32 always holds it);
 * "–" for NaN.  Returns buf. */
char *ef_format_in(char *buf, size_t len, double v, const ef_scale *s);
/* v in its own scale with its unit ("28.7 µs", "0.85", "3.21 M"). */
char *ef_format(char *buf, size_t len, enum ef_quantity q, double v);
/* v with its interval [lo, hi] (lo NaN: none), all in v's scale, then
 * its unit: "28.7 µs [28.6, 28.9]", "3.21 M [3.20, 3.22]", "0.85".
 * Returns buf. */
char *ef_format_interval(char *buf, size_t len, enum ef_quantity q, double v,
			 double lo, double hi);
/* What follows a median: its coefficient of variation and the share of
 * the variance between processes, each where known (NaN: not):
 * "cv 0.1% bp 3%", or "".  Returns buf. */
char *ef_format_spread(char *buf, size_t len, double cv, double share);
/* A size in bytes, binary: "64 B", "4 KiB", "1 MiB", "1.5 KiB". */
char *ef_format_bytes(char *buf, size_t len, unsigned long long bytes);

#endif
