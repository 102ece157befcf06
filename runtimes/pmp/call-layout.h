/* call-layout.h: byte offsets into struct ef_pmp_call (pmp.h) for start.S,
 * which cannot read the C declaration; pmp.c checks each one against it. */
#ifndef EF_PMP_CALL_LAYOUT_H
#define EF_PMP_CALL_LAYOUT_H

/* The armed call (ef_pmp_arm; the target is in mepc). */
#define C_SP 0
#define C_STACK_BYTES 4
/* Constants, kept here so that the gate loads each with one instruction
 * (la takes two). */
#define C_SPRINGBOARD 8
#define C_FOREIGN_TP 12
#define C_HOST_TP 16
/* The host's ra, sp and s0-s11 during a foreign call: 14 words. */
#define C_HOST 20
/* A callback in progress: its slot, and the foreign sp, tp and ra that the
 * host function's call clobbers. */
#define C_CB_SLOT 76
#define C_CB_SP 80
#define C_CB_TP 84
#define C_CB_RA 88
/* struct ef_pmp_fault: faulted, mcause, mtval, mepc, count. */
#define C_FAULT 92
#define C_SIZE 112

#endif
