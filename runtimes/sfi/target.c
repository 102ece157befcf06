/* target.c: the sfi target, invoke and full through WebAssembly modules
 * (wasm2c) on this machine, with unsafe alongside so that its overheads
 * come from one run (and validate, as every timed target beside unsafe).  It needs no hardware of its own, so its suite
 * (build/tests/test_sfi) runs with make test rather than before each run,
 * as mpk's must where protection keys are real. */
#include "../../harness/clock.h"
#include "../../harness/registry.h"
#include "../ef_modes.h"
#include "ef_lists.h"
#include "sfi.h"

#define DECLARE(w) extern const ef_workload ef_workload_##w##_unsafe,          \
	ef_workload_##w##_validate, ef_workload_##w##_invoke_sfi,              \
	ef_workload_##w##_full_sfi;
#define ENTRIES(w) &ef_workload_##w##_unsafe, &ef_workload_##w##_validate,    \
	&ef_workload_##w##_invoke_sfi, &ef_workload_##w##_full_sfi,
EF_WORKLOADS(DECLARE)
static const ef_workload *const workloads[] = { EF_WORKLOADS(ENTRIES) };

/* One policy: wasm2c's, linear memory behind guard pages. */
static const char *policy(unsigned k)
{
	return k ? NULL : "wasm2c";
}

#ifndef EF_SFI_CLANG
#define EF_SFI_CLANG "unknown"
#endif
#ifndef EF_SFI_WASI_LIBC
#define EF_SFI_WASI_LIBC "unknown"
#endif
#ifndef EF_SFI_WABT
#define EF_SFI_WABT "unknown"
#endif

static double timeout_s;

static void configure(const ef_options *o)
{
	timeout_s = o->foreign_timeout_s;
	ef_sfi_set_timeout(timeout_s);
}

/* The toolchain the modules were built with (Debian package versions at
 * build time). */
static void meta(FILE *m, int end, int selected)
{
	(void)selected;
	if (end)
		return;
	fprintf(m, "sfi_clang=%s\n", EF_SFI_CLANG);
	fprintf(m, "sfi_wasi_libc=%s\n", EF_SFI_WASI_LIBC);
	fprintf(m, "sfi_wabt=%s\n", EF_SFI_WABT);
	fprintf(m, "sfi_memory=guard pages (8 GiB reservation per instance)\n");
	fprintf(m, "sfi_foreign_timeout=%g\n", timeout_s);
}

const ef_target ef_target_sfi = {
	.name = "sfi",
	.modes = 1u << EF_MODE_UNSAFE | 1u << EF_MODE_VALIDATE | 1u << EF_MODE_INVOKE |
		 1u << EF_MODE_FULL,
	.policy = policy,
	.workloads = workloads, .nworkloads = EF_COUNT(workloads),
	.unavailable = ef_sfi_unavailable, .unit = ef_clock_unit,
	.configure = configure, .meta = meta,
	/* An empty call at most 10 ns over a direct one (docs/design.md). */
	.gate_budget_ns = 10,
};
