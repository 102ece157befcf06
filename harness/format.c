/* format.c: numbers for people (format.h). */
#include "format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

struct step {
	double div;
	const char *unit;
};

/* Each quantity's scales, smallest first; a number takes the largest
 * whose divisor it reaches (the first below that). */
static const struct step ns_steps[] = { { 1, "ns" }, { 1e3, "µs" }, { 1e6, "ms" }, { 1e9, "s" } };
static const struct step count_steps[] = { { 1, "" }, { 1e3, "k" }, { 1e6, "M" }, { 1e9, "G" } };
static const struct step ratio_steps[] = { { 1, "" } };
/* Bytes per ns are GB/s. */
static const struct step rate_steps[] = {
	{ 1e-9, "B/s" }, { 1e-6, "kB/s" }, { 1e-3, "MB/s" }, { 1, "GB/s" }, { 1e3, "TB/s" },
};

static const struct ladder {
	const struct step *step;
	unsigned n;
	int max_decimals;
} ladders[] = {
	[EF_Q_NS] = { ns_steps, 4, 6 },
	[EF_Q_COUNT] = { count_steps, 4, 6 },
	[EF_Q_RATIO] = { ratio_steps, 1, 2 },
	[EF_Q_RATE] = { rate_steps, 5, 6 },
};

enum ef_quantity ef_quantity_of_unit(const char *unit)
{
	return !strcmp(unit, "ns") ? EF_Q_NS : EF_Q_COUNT;
}

/* Digits after the point that show x (≥ 0) with EF_FORMAT_DIGITS
 * significant digits, at most max; a rounding that gains a digit (9.996
 * to 10.00) gives one back. */
static int decimals_for(double x, int max)
{
	int e, d;

	if (x == 0 || !isfinite(x))
		return 0;
	e = (int)floor(log10(x));
	d = EF_FORMAT_DIGITS - 1 - e;
	if (d > 0 && round(x * pow(10, d)) >= pow(10, EF_FORMAT_DIGITS))
		d--;
	return d < 0 ? 0 : d > max ? max : d;
}

ef_scale ef_scale_for(enum ef_quantity q, double v)
{
	const struct ladder *l = &ladders[q];
	double a = fabs(v);
	unsigned k = 0;

	if (!isfinite(a))
		return (ef_scale){ l->step[0].div, 0, l->step[0].unit };
	while (k + 1 < l->n && a >= l->step[k + 1].div)
		k++;
	/* 999.7 shows as 1000 at 3 digits: the next scale's 1.00. */
	if (k + 1 < l->n && round(a / l->step[k].div) >= 1000)
		k++;
	return (ef_scale){ l->step[k].div, decimals_for(a / l->step[k].div, l->max_decimals),
			   l->step[k].unit };
}

char *ef_format_in(char *buf, size_t len, double v, const ef_scale *s)
{
	if (isnan(v))
		snprintf(buf, len, "–");
	else
		snprintf(buf, len, "%.*f", s->decimals, v / s->div);
	return buf;
}

char *ef_format(char *buf, size_t len, enum ef_quantity q, double v)
{
	ef_scale s = ef_scale_for(q, v);
	size_t n;

	ef_format_in(buf, len, v, &s);
	n = strlen(buf);
	if (s.unit[0] && !isnan(v) && n < len)
		snprintf(buf + n, len - n, " %s", s.unit);
	return buf;
}

char *ef_format_interval(char *buf, size_t len, enum ef_quantity q, double v,
			 double lo, double hi)
{
	ef_scale s = ef_scale_for(q, v);
	char a[64], b[64];
	size_t n;

	ef_format_in(buf, len, v, &s);
	n = strlen(buf);
	if (s.unit[0] && n < len)
		n += (size_t)snprintf(buf + n, len - n, " %s", s.unit);
	if (!isnan(lo) && n < len)
		snprintf(buf + n, len - n, " [%s, %s]", ef_format_in(a, sizeof a, lo, &s),
			 ef_format_in(b, sizeof b, hi, &s));
	return buf;
}

char *ef_format_spread(char *buf, size_t len, double cv, double share)
{
	int k = 0;

	buf[0] = 0;
	if (!isnan(cv))
		k = snprintf(buf, len, "cv %.1f%%", 100 * cv);
	if (!isnan(share) && k >= 0 && (size_t)k < len)
		snprintf(buf + k, len - (size_t)k, "%sbp %.0f%%", k ? " " : "", 100 * share);
	return buf;
}

char *ef_format_bytes(char *buf, size_t len, unsigned long long bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned k = 0;
	double x = (double)bytes;

	while (k + 1 < sizeof unit / sizeof *unit && x >= 1024) {
		x /= 1024;
		k++;
	}
	int d = decimals_for(x, EF_FORMAT_DIGITS - 1), n;

	/* 1.5 KiB, not 1.50 KiB: sizes are mostly whole. */
	n = snprintf(buf, len, "%.*f", d, x);
	if (d > 0 && n > 0 && (size_t)n < len) {
		while (buf[n - 1] == '0')
			buf[--n] = 0;
		if (buf[n - 1] == '.')
			buf[--n] = 0;
	}
	if (n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " %s", unit[k]);
	return buf;
}
