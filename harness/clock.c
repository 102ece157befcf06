/* clock.c: see clock.h. */
#include "clock.h"

#include <stdio.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <x86intrin.h>
#define EF_HAVE_TSC 1
#else
#define EF_HAVE_TSC 0
#endif

static ef_clock_info info = { "clock_gettime", 0, 0 };
static int use_tsc;
static double ns_per_tick = 1.0;

static uint64_t monotonic_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#if EF_HAVE_TSC
static uint64_t read_tsc(void)
{
	uint64_t t;
	_mm_lfence();           /* earlier instructions finish first */
	t = __rdtsc();
	_mm_lfence();           /* later ones start after */
	return t;
}

static int tsc_is_invariant(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(0x80000000u, &a, &b, &c, &d) || a < 0x80000007u)
		return 0;
	__get_cpuid(0x80000007u, &a, &b, &c, &d);
	return (d >> 8) & 1;
}
#endif

void ef_clock_init(int prefer_tsc)
{
#if EF_HAVE_TSC
	info.invariant_tsc = tsc_is_invariant();
	if (prefer_tsc && info.invariant_tsc) {
		/* 50 ms against the raw monotonic clock: error well below 0.1%. */
		uint64_t n0 = monotonic_ns(CLOCK_MONOTONIC_RAW), t0 = read_tsc();
		uint64_t n1, t1;
		do {
			n1 = monotonic_ns(CLOCK_MONOTONIC_RAW);
			t1 = read_tsc();
		} while (n1 - n0 < 50000000u);
		info.tsc_hz = (double)(t1 - t0) * 1e9 / (double)(n1 - n0);
		ns_per_tick = 1e9 / info.tsc_hz;
		info.source = "tsc";
		use_tsc = 1;
		return;
	}
#else
	(void)prefer_tsc;
#endif
	info.source = "clock_gettime";
	info.tsc_hz = 0;
	ns_per_tick = 1.0;
	use_tsc = 0;
}

char ef_clock_unit[16] = "ns";

void ef_clock_counts_instructions(void)
{
	snprintf(ef_clock_unit, sizeof ef_clock_unit, "instructions");
	info.source = use_tsc ? "tsc under QEMU -icount (one virtual ns per instruction)"
			      : "clock_gettime under QEMU -icount (one virtual ns per instruction)";
}

const ef_clock_info *ef_clock_info_get(void) { return &info; }

uint64_t ef_clock_now(void)
{
#if EF_HAVE_TSC
	if (use_tsc)
		return read_tsc();
#endif
	return monotonic_ns(CLOCK_MONOTONIC);
}

double ef_clock_to_ns(uint64_t ticks) { return (double)ticks * ns_per_tick; }
