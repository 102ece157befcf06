/* cpu.c: what the CPU and the kernel offer the mpk runtime: protection keys
 * (whether the target can run here at all), FSGSBASE for the gates,
 * where XSAVE keeps PKRU, and the vector registers the sealed gates clear. */
#define _GNU_SOURCE
#include "internal.h"

#include <cpuid.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

unsigned char ef_mpk_fsgsbase, ef_mpk_avx, ef_mpk_avx512;
unsigned mpk_pkru_xsave_offset;

const char *ef_mpk_unavailable(void)
{
	static char why[256];
	static int checked;
	unsigned a, b, c, d;
	int k;

	if (checked)
		return why[0] ? why : NULL;
	checked = 1;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		snprintf(why, sizeof why, "CPUID has no leaf 7, so no "
			 "protection keys");
	else if (!(c & bit_PKU))
		snprintf(why, sizeof why, "the CPU has no protection keys "
			 "(CPUID.(EAX=7,ECX=0):ECX.PKU[bit 3] = 0)");
	else if (!(c & bit_OSPKE))
		snprintf(why, sizeof why, "the kernel has not enabled "
			 "protection keys (CPUID OSPKE = 0: a kernel without "
			 "CONFIG_X86_INTEL_MEMORY_PROTECTION_KEYS, or nopku)");
	else if ((k = pkey_alloc(0, 0)) < 0)
		snprintf(why, sizeof why, "pkey_alloc failed: %s",
			 strerror(errno));
	else
		pkey_free(k);
	return why[0] ? why : NULL;
}

void mpk_probe_cpu(void)
{
	unsigned a, b, c, d;

	/* wrfsbase where the kernel enables FSGSBASE (HWCAP2 bit 1, Linux 5.9
	 * and later); otherwise the gates switch the thread pointer with
	 * arch_prctl, two system calls per round trip.  EFBENCH_MPK_FSGSBASE=0
	 * forces that path, to test and measure it. */
	ef_mpk_fsgsbase = (getauxval(AT_HWCAP2) & 2) != 0;
	if (getenv("EFBENCH_MPK_FSGSBASE") && !strcmp(getenv("EFBENCH_MPK_FSGSBASE"), "0"))
		ef_mpk_fsgsbase = 0;
	/* CPUID leaf 0xd, component 9: PKRU's offset in the XSAVE area. */
	__cpuid_count(0xd, 9, a, b, c, d);
	mpk_pkru_xsave_offset = a >= 4 ? b : 0;
	/* Enabled by the kernel too (XCR0), which __builtin_cpu_supports
	 * checks: the registers a sealed gate clears. */
	__builtin_cpu_init();
	ef_mpk_avx = __builtin_cpu_supports("avx") != 0;
	ef_mpk_avx512 = __builtin_cpu_supports("avx512f") != 0;
}

int ef_mpk_uses_fsgsbase(void) { return ef_mpk_fsgsbase; }
