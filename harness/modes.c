/* modes.c: see modes.h. */
#include "modes.h"

#include <math.h>
#include <string.h>

static const char *const names[] = {
#define NAME(NAME, name) [EF_MODE_##NAME] = #name,
	EF_MODES(NAME)
#undef NAME
};
_Static_assert(sizeof names / sizeof *names == EF_MODE_COUNT, "a name for every mode");

const char *ef_mode_name(unsigned mode)
{
	return mode < EF_MODE_COUNT ? names[mode] : "?";
}

int ef_mode_parse(const char *s)
{
	for (unsigned m = 0; m < EF_MODE_COUNT; m++)
		if (!strcmp(s, names[m]))
			return (int)m;
	return -1;
}

int ef_mode_isolates(unsigned mode)
{
	return mode == EF_MODE_INVOKE || mode == EF_MODE_FULL;
}

const ef_overhead ef_overheads[EF_NOVERHEADS] = {
	{ EF_MODE_VALIDATE, EF_MODE_UNSAFE },
	{ EF_MODE_INVOKE, EF_MODE_UNSAFE },
	{ EF_MODE_FULL, EF_MODE_INVOKE },
	{ EF_MODE_FULL, EF_MODE_UNSAFE },
};

const char *ef_ratio_method_name(enum ef_ratio_method m)
{
	return m == EF_RATIO_PAIRED ? "paired" : "medians";
}

static int of_cpu(const ef_ratio *r)
{
	return r->method == EF_RATIO_PAIRED && r->paired.cpu;
}

const char *ef_ratio_measure_name(const ef_ratio *r)
{
	return of_cpu(r) ? "cpu_ns" : "value";
}

const char *ef_ratio_letter(const ef_ratio *r)
{
	return r->method == EF_RATIO_MEDIANS ? "m" : of_cpu(r) ? "c" : "";
}

ef_ratio ef_ratio_of(const ef_ratio_side *num, const ef_ratio_side *den)
{
	ef_ratio r;

	r.medians = num->st->median / den->st->median;
	r.medians_lo = r.medians_hi = NAN;
	r.difference = num->st->median - den->st->median;
	if (num->boot && den->boot)
		ef_boot_ratio_ci(num->boot, den->boot, &r.medians_lo, &r.medians_hi);
	/* Out of memory, like no samples to pair: no pairs, and the ratio
	 * of medians shown. */
	ef_paired_ratios(num->raw, num->raw ? num->nraw : 0, den->raw, den->raw ? den->nraw : 0,
			 &r.paired);
	if (r.paired.st.n) {
		r.method = EF_RATIO_PAIRED;
		r.value = r.paired.st.median;
		r.lo = r.paired.st.ci_lo;
		r.hi = r.paired.st.ci_hi;
	} else {
		r.method = EF_RATIO_MEDIANS;
		r.value = r.medians;
		r.lo = r.medians_lo;
		r.hi = r.medians_hi;
	}
	return r;
}
