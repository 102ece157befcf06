/* firmware.h: targets whose samples come from a PMP firmware under QEMU.
 * The firmware (its driver: fwbench.c) runs every benchmark in every mode
 * and prints one line per sample (fwline.h); efbench runs it with
 * scripts/pmp-run and turns the lines into the same CSV rows as its own
 * samples. */
#ifndef EF_FIRMWARE_H
#define EF_FIRMWARE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ef_fw_row {
	char mode[16], policy[16], id[160];
	uint64_t iterations;
	double value;                   /* instructions per iteration */
	unsigned repetition;
	const char *message;            /* non-NULL: an error or skip line */
	int skip;       /* the firmware lacks `id`: a workload or one benchmark id */
} ef_fw_row;

typedef struct ef_fw_result {
	ef_fw_row *rows;
	unsigned n;
} ef_fw_result;

/* NULL when the firmware for `board` can run here, else why not. */
const char *ef_firmware_unavailable(const char *board);

/* Run the board's benchmark firmware and collect its lines.  0; 1 when
 * *stop was set while it ran (QEMU is ended; out holds the lines it had
 * printed); or -1 with err set (the firmware could not run or exited with a
 * status its error lines do not explain). */
int ef_firmware_run(const char *board, ef_fw_result *out,
		    volatile sig_atomic_t *stop, char *err, size_t errlen);
void ef_firmware_free(ef_fw_result *r);

#endif
