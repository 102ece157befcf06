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

const ef_overhead ef_overheads[EF_NOVERHEADS] = {
	{ EF_MODE_VALIDATE, EF_MODE_UNSAFE },
	{ EF_MODE_INVOKE, EF_MODE_UNSAFE },
	{ EF_MODE_FULL, EF_MODE_INVOKE },
	{ EF_MODE_FULL, EF_MODE_UNSAFE },
};

ef_ratio ef_ratio_of(const ef_stats *num, const ef_boot *num_boot,
		     const ef_stats *den, const ef_boot *den_boot)
{
	ef_ratio r = { num->median / den->median, NAN, NAN, num->median - den->median };

	if (num_boot && den_boot)
		ef_boot_ratio_ci(num_boot, den_boot, &r.lo, &r.hi);
	return r;
}
