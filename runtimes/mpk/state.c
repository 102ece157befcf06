/* state.c: the mpk runtime's state that its other files share (declared in
 * internal.h), and the message of the calling thread's last failed open. */
#define _GNU_SOURCE
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

ef_mpk_slot ef_mpk_slots[EF_MPK_SLOTS];
__thread ef_mpk_thread ef_mpk_tls;

struct ef_mpk_ns mpk_namespaces[EF_MPK_SLOTS];
unsigned mpk_nnamespaces;

static __thread char last_error[512];

ef_status mpk_fail(ef_status s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
	return s;
}

void mpk_clear_error(void)
{
	last_error[0] = 0;
}

int ef_mpk_inside(const ef_domain *d)
{
	const ef_mpk_slot *slot = d->runtime_state;
	return slot && mpk_slot_inside((unsigned)(slot - ef_mpk_slots)) != 0;
}

const char *ef_mpk_error(void)
{
	return last_error[0] ? last_error : "no error";
}
