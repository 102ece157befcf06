/* registry.c: see registry.h.  The host target runs the modes that need no
 * protection hardware: unsafe and validate (mock runtime).  The mpk target
 * runs invoke and full through protection keys, with unsafe alongside so
 * that its overheads come from one run on one machine.  The pmp targets run
 * a RISC-V firmware under QEMU and count instructions. */
#include "registry.h"
#include "clock.h"
#include "../runtimes/ef_modes.h"

#include <string.h>

#include "firmware.h"
#ifdef EF_HAVE_MPK
#include "../runtimes/mpk/mpk.h"
#endif

/* The workloads with a foreign library, in the order they run; each is
 * built once per mode this build has (Makefile: WORKLOADS, MODES). */
#define LIBRARY_WORKLOADS(X) X(ubench) X(hmac) X(sodium) X(brotli)

#define DECLARE(w, mode) extern const ef_workload ef_workload_##w##_##mode;
#define ENTRY(w, mode) &ef_workload_##w##_##mode,
#define DECLARE_HOST(w) DECLARE(w, unsafe) DECLARE(w, validate)
#define HOST_ENTRIES(w) ENTRY(w, unsafe) ENTRY(w, validate)

extern const ef_workload ef_workload_runner_unsafe;
LIBRARY_WORKLOADS(DECLARE_HOST)

static const ef_workload *const host_workloads[] = {
	&ef_workload_runner_unsafe,
	LIBRARY_WORKLOADS(HOST_ENTRIES)
};

static const char *mock_policy(void) { return "none"; }

#ifdef EF_HAVE_MPK
#define DECLARE_ISOLATED(w) DECLARE(w, invoke) DECLARE(w, full)
#define ISOLATED_ENTRIES(w) ENTRY(w, invoke) ENTRY(w, full)
#define MPK_ENTRIES(w) ENTRY(w, unsafe) ISOLATED_ENTRIES(w)
LIBRARY_WORKLOADS(DECLARE_ISOLATED)

static const ef_workload *const mpk_workloads[] = {
	LIBRARY_WORKLOADS(MPK_ENTRIES)
};

static const char *mpk_policy(void)
{
	return ef_mpk_policy_get() == EF_MPK_HOST_READ ? "foreign-read-host" : "strict";
}
#endif

/* The PMP firmware runs every library workload in all four modes from the
 * same sources; the host's builds of them name the benchmarks and
 * parameters (invoke and full exist here only where the mpk target is
 * built). */
static const ef_workload *const pmp_workloads[] = {
	LIBRARY_WORKLOADS(HOST_ENTRIES)
#ifdef EF_HAVE_MPK
	LIBRARY_WORKLOADS(ISOLATED_ENTRIES)
#endif
};
static const char *pmp_policy(void) { return "warm"; }
static const char *pmp_virt_unavailable(void) { return ef_firmware_unavailable("virt"); }
static const char *pmp_opentitan_unavailable(void) { return ef_firmware_unavailable("opentitan"); }

const ef_target ef_targets[] = {
	{ .name = "host", .policy = mock_policy, .workloads = host_workloads,
	  .nworkloads = EF_COUNT(host_workloads), .unit = ef_clock_unit },
#ifdef EF_HAVE_MPK
	{ .name = "mpk", .policy = mpk_policy, .workloads = mpk_workloads,
	  .nworkloads = EF_COUNT(mpk_workloads), .unavailable = ef_mpk_unavailable,
	  .unit = ef_clock_unit, .selftest = "tests/test_mpk" },
#endif
	{ .name = "pmp-virt", .policy = pmp_policy, .workloads = pmp_workloads,
	  .nworkloads = EF_COUNT(pmp_workloads), .unavailable = pmp_virt_unavailable,
	  .unit = "instructions", .cpu_model = "QEMU rv32imac", .board = "virt" },
	{ .name = "pmp-opentitan", .policy = pmp_policy, .workloads = pmp_workloads,
	  .nworkloads = EF_COUNT(pmp_workloads), .unavailable = pmp_opentitan_unavailable,
	  .unit = "instructions", .cpu_model = "QEMU rv32imac", .board = "opentitan" },
};
const unsigned ef_ntargets = EF_COUNT(ef_targets);

static const char *const mode_names[] = {
#define EF_MODE_NAME_(NAME, name) [EF_MODE_##NAME] = #name,
	EF_MODES(EF_MODE_NAME_)
#undef EF_MODE_NAME_
};
_Static_assert(EF_COUNT(mode_names) == EF_MODE_COUNT, "a name for every mode");

const ef_target *ef_target_find(const char *name)
{
	for (unsigned i = 0; i < ef_ntargets; i++)
		if (!strcmp(ef_targets[i].name, name))
			return &ef_targets[i];
	return NULL;
}

const ef_workload *ef_target_workload(const ef_target *t, const char *name,
				      const char *mode)
{
	for (unsigned i = 0; i < t->nworkloads; i++)
		if (!strcmp(t->workloads[i]->name, name) &&
		    !strcmp(t->workloads[i]->mode, mode))
			return t->workloads[i];
	return NULL;
}

const ef_bench *ef_workload_bench(const ef_workload *w, const char *name)
{
	for (unsigned i = 0; i < w->nbenches; i++)
		if (!strcmp(w->benches[i].name, name))
			return &w->benches[i];
	return NULL;
}

unsigned ef_target_modes(const ef_target *t)
{
	unsigned mask = 0;
	for (unsigned i = 0; i < t->nworkloads; i++)
		for (unsigned m = 0; m < EF_MODE_COUNT; m++)
			if (!strcmp(t->workloads[i]->mode, mode_names[m]))
				mask |= 1u << m;
	return mask;
}

const char *ef_mode_name(unsigned mode)
{
	return mode < EF_MODE_COUNT ? mode_names[mode] : "?";
}
