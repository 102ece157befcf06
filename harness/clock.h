/* clock.h: the benchmark clock.  The TSC where it is invariant (CPUID
 * 0x80000007 EDX bit 8), calibrated against CLOCK_MONOTONIC_RAW at start-up;
 * clock_gettime(CLOCK_MONOTONIC) otherwise or when asked. */
#ifndef EF_CLOCK_H
#define EF_CLOCK_H

#include <stdint.h>

typedef struct ef_clock_info {
	const char *source;     /* "tsc" or "clock_gettime" */
	double tsc_hz;          /* 0 unless source is tsc */
	int invariant_tsc;      /* CPUID says the TSC is invariant */
} ef_clock_info;

/* Choose and calibrate the clock; prefer_tsc = 0 forces clock_gettime. */
void ef_clock_init(int prefer_tsc);
/* Under QEMU -icount shift=0 a virtual nanosecond is one instruction: the
 * timed targets' samples are then instruction counts, and say so. */
void ef_clock_counts_instructions(void);
/* The unit of the timed targets' samples: "ns", or "instructions" (an
 * array, so that the target table can point at it; only the call above
 * writes it). */
extern char ef_clock_unit[16];
const ef_clock_info *ef_clock_info_get(void);
uint64_t ef_clock_now(void);          /* ticks */
double ef_clock_to_ns(uint64_t ticks);

#endif
