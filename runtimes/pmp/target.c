/* target.c: the pmp targets, the RISC-V PMP runtime on two QEMU boards.  The
 * benchmark firmware (build/pmp/<board>/bench.elf) runs every library
 * workload in all four modes from the same sources and counts instructions;
 * the host's unsafe builds of the workloads name the benchmarks and
 * parameters. */
#include "../../harness/firmware.h"
#include "../../harness/meta.h"
#include "../../harness/registry.h"
#include "../ef_modes.h"
#include "ef_lists.h"

#define DECLARE(w) extern const ef_workload ef_workload_##w##_unsafe;
#define ENTRIES(w) &ef_workload_##w##_unsafe,
EF_WORKLOADS(DECLARE)
static const ef_workload *const workloads[] = { EF_WORKLOADS(ENTRIES) };

/* The firmware measures warm and cold; the statistics keep warm. */
static const char *policy(unsigned k) { return k ? NULL : "warm"; }
static const char *virt_unavailable(void) { return ef_firmware_unavailable("virt"); }
static const char *opentitan_unavailable(void) { return ef_firmware_unavailable("opentitan"); }

/* Before the first sample of a run that measures a board: which Debian
 * sources the firmware's libraries were built from. */
static void meta(FILE *m, int end, int selected)
{
	if (!end && selected)
		ef_meta_firmware_sources(m);
}

/* Every mode up to reference, which the firmware has none of. */
#define PMP_TARGET(board_)                                                   \
	.name = "pmp-" #board_, .modes = (1u << EF_MODE_REFERENCE) - 1,      \
	.policy = policy, .workloads = workloads,                            \
	.nworkloads = EF_COUNT(workloads),                                   \
	.unavailable = board_##_unavailable, .unit = "instructions",         \
	.cpu_model = "QEMU rv32imac", .board = #board_, .meta = meta

const ef_target ef_target_pmp_virt = { PMP_TARGET(virt) };
const ef_target ef_target_pmp_opentitan = { PMP_TARGET(opentitan) };
