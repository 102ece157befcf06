/* sealed.c: what a system call from foreign code of a sealed domain gets.
 * Syscall user dispatch turns every one of them into a SIGSYS (gate.S sets
 * the selector while foreign code runs), whatever instruction, address or
 * ABI made it; signals.c hands the refused call here.  A library needs
 * few: the ones below read the clock or draw random bytes, and write their
 * answer only into memory the domain owns (its heap, stack and argument
 * memory, as ef_upgrade checks it, and its libraries' writable data),
 * never anywhere else.  Everything else ends the call and poisons the domain:
 * memory comes from the domain heap, files and processes are the host's. */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>

/* [p, p + n) lies in memory an open domain of the namespace may write:
 * its libraries' writable data, or a domain's heap, stack or argument
 * memory. */
static int domain_writable(const struct ef_mpk_ns *ns, uint64_t p, size_t n)
{
	ef_ref r;
	for (unsigned k = 0; k < ns->ndata; k++)
		if (p >= ns->data[k].lo && p <= ns->data[k].hi && n <= ns->data[k].hi - p)
			return 1;
	for (unsigned k = 0; k < MPK_NS_DOMAINS; k++)
		if (ns->domains[k] &&
		    ef_upgrade(ns->domains[k], (const void *)(uintptr_t)p, n, 1,
			       EF_WRITE, &r) == EF_OK)
			return 1;
	return 0;
}

/* The largest getrandom a domain gets in one call (the kernel's own limit
 * for one read is 32 MiB; libraries ask for a key or a seed). */
#define SERVED_RANDOM (64u << 10)

int mpk_serve_syscall(const struct ef_mpk_ns *ns, long nr, const uint64_t a[6],
		      long *ret)
{
	struct timespec ts;
	unsigned char buf[256];

	switch (nr) {
	case SYS_getrandom:
		if (a[1] > SERVED_RANDOM || !domain_writable(ns, a[0], a[1] ? a[1] : 1))
			return 0;
		for (size_t done = 0; done < a[1]; ) {
			size_t n = a[1] - done < sizeof buf ? a[1] - done : sizeof buf;
			if (getrandom(buf, n, (unsigned)a[2] & GRND_NONBLOCK) != (ssize_t)n) {
				*ret = -errno;
				return 1;
			}
			memcpy((void *)(uintptr_t)(a[0] + done), buf, n);
			done += n;
		}
		*ret = (long)a[1];
		return 1;
	case SYS_clock_gettime:
		if (!domain_writable(ns, a[1], sizeof ts))
			return 0;
		if (clock_gettime((clockid_t)a[0], &ts)) {
			*ret = -errno;
			return 1;
		}
		memcpy((void *)(uintptr_t)a[1], &ts, sizeof ts);
		*ret = 0;
		return 1;
	default:
		return 0;
	}
}
