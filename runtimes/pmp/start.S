/* start.S: reset entry, the gate into U-mode and the trap handler of the
 * PMP firmware (rv32, ilp32).
 *
 * A foreign call (pmp.h): the host writes the target to mepc, stores the
 * foreign stack pointer and the bytes of stacked arguments in ef_pmp_call,
 * then calls ef_pmp_gate (or ef_pmp_gate_stacked) as if it were the foreign
 * function.  The gate saves the host's callee-saved registers, sp and ra,
 * copies stacked arguments onto the foreign stack, points ra at the
 * springboard (an ecall in foreign code), clears every register that is not
 * an argument so no host value reaches foreign code, points tp at the
 * foreign copy of the thread-local block, sets mstatus.MPP = U, and mrets.
 *
 * Every trap from U-mode comes back to ef_pmp_trap.  The springboard's
 * ecall is the normal return: a0 and a1 go back to the host.  A jump to a
 * slot of the callback table is a callback (below).  Any other trap ends
 * the call: mcause, mtval and mepc are recorded in ef_pmp_call.fault and the
 * host continues after the call with a0 = a1 = 0.  A trap from
 * M-mode is a host bug: the firmware reports it and exits.
 */
#ifndef EF_GATE_PAD
#define EF_GATE_PAD 0
#endif
	.section .text.start, "ax"
	.globl _start
_start:
	/* Everything is built with -mno-relax: nothing uses gp. */
	la sp, __host_stack_top
	la tp, __host_tls
	la t0, ef_pmp_trap
	csrw mtvec, t0
	la t0, ef_pmp_call
	csrw mscratch, t0
	la t0, __bss_start
	la t1, __bss_end
1:	bgeu t0, t1, 2f
	sw zero, 0(t0)
	addi t0, t0, 4
	j 1b
2:	la t0, __foreign_bss_lo
	la t1, __foreign_data_hi
3:	bgeu t0, t1, 4f
	sw zero, 0(t0)
	addi t0, t0, 4
	j 3b
4:	la t0, __host_tls         /* the foreign TLS block: .tdata, then zeros */
	la t1, __foreign_tls
	la t2, __tdata_size
	add t2, t0, t2
5:	bgeu t0, t2, 6f
	lw t3, 0(t0)
	sw t3, 0(t1)
	addi t0, t0, 4
	addi t1, t1, 4
	j 5b
6:	call main
	call ef_board_exit
7:	j 7b

#include "call-layout.h"
#define EF_MAX_CALLBACKS 128

/* t0-t6 := 0: before foreign code runs, where they may hold host values. */
.macro clear_temporaries
	li t0, 0
	li t1, 0
	li t2, 0
	li t3, 0
	li t4, 0
	li t5, 0
	li t6, 0
.endm

	.text
/* Two entries: with stacked arguments to copy, and without.  The copy
 * moves the host's stacked arguments (stack_bytes, a multiple of 4, at the
 * host's sp) to the top of the foreign stack, keeping it 16-aligned: eight
 * words per pass with word loads and stores (19 instructions, 2.4 a word),
 * then the remaining words one at a time.  It reads exactly stack_bytes:
 * a word past them would be the host's own frame. */
	.globl ef_pmp_gate_stacked
	.type ef_pmp_gate_stacked, @function
	.balign 4
ef_pmp_gate_stacked:
	csrr t0, mscratch
	lw t2, C_SP(t0)
	lw t3, C_STACK_BYTES(t0)
	addi t4, t3, 15
	andi t4, t4, -16
	sub t2, t2, t4          /* t2: the foreign sp, the copy's destination */
	sw t2, C_SP(t0)
	mv t4, sp               /* t4: the source */
	add t6, sp, t3          /* t6: its end */
	addi t5, t6, -28        /* a whole pass fits while t4 < t5 */
	bgeu t4, t5, 3f
1:	lw t1, 0(t4)
	lw t3, 4(t4)
	sw t1, 0(t2)
	sw t3, 4(t2)
	lw t1, 8(t4)
	lw t3, 12(t4)
	sw t1, 8(t2)
	sw t3, 12(t2)
	lw t1, 16(t4)
	lw t3, 20(t4)
	sw t1, 16(t2)
	sw t3, 20(t2)
	lw t1, 24(t4)
	lw t3, 28(t4)
	sw t1, 24(t2)
	sw t3, 28(t2)
	addi t4, t4, 32
	addi t2, t2, 32
	bltu t4, t5, 1b
	bgeu t4, t6, 2f
3:	lw t1, 0(t4)
	sw t1, 0(t2)
	addi t4, t4, 4
	addi t2, t2, 4
	bltu t4, t6, 3b
	j 2f
	.size ef_pmp_gate_stacked, . - ef_pmp_gate_stacked

/* What each instruction is for: the host's registers that the C caller
 * expects back (ra, sp, s0-s11) are saved; mstatus.MPP makes mret enter
 * the target (already in mepc: ef_pmp_arm) in U-mode; sp, ra and tp become
 * the foreign stack, the springboard and the foreign thread-local block;
 * every other register that is not an argument is cleared. */
	.globl ef_pmp_gate
	.type ef_pmp_gate, @function
	.balign 4
ef_pmp_gate:
	csrr t0, mscratch       /* t0: the call block */
2:	sw ra, C_HOST+0(t0)     /* where the trap handler returns to */
	sw sp, C_HOST+4(t0)
	sw s0, C_HOST+8(t0)     /* s0-s11: the C caller expects them back */
	sw s1, C_HOST+12(t0)
	sw s2, C_HOST+16(t0)
	sw s3, C_HOST+20(t0)
	sw s4, C_HOST+24(t0)
	sw s5, C_HOST+28(t0)
	sw s6, C_HOST+32(t0)
	sw s7, C_HOST+36(t0)
	sw s8, C_HOST+40(t0)
	sw s9, C_HOST+44(t0)
	sw s10, C_HOST+48(t0)
	sw s11, C_HOST+52(t0)
	li t1, 0x1800           /* mstatus.MPP := U: mret enters U-mode */
	csrc mstatus, t1
	lw sp, C_SP(t0)         /* the foreign stack (16-aligned: ef_pmp_arm) */
	lw ra, C_SPRINGBOARD(t0) /* foreign code returns to the springboard */
	lw tp, C_FOREIGN_TP(t0) /* the foreign thread-local block */
	/* Nothing of the host's may reach foreign code: every register that
	 * is not an argument is cleared (gp is never set: nothing is linked
	 * gp-relative, fw.ld defines no __global_pointer$). */
	clear_temporaries
	li s0, 0
	li s1, 0
	li s2, 0
	li s3, 0
	li s4, 0
	li s5, 0
	li s6, 0
	li s7, 0
	li s8, 0
	li s9, 0
	li s10, 0
	li s11, 0
	/* A test knob: EF_GATE_PAD more instructions in every call, which
	 * the regression check must flag (tests/pmp/test_pmp.sh). */
	.rept EF_GATE_PAD
	nop
	.endr
	mret
	.size ef_pmp_gate, . - ef_pmp_gate

/* The trap handler.  mscratch always holds the call block, so no register
 * is swapped: a trap from U-mode either ends the call, or is a callback,
 * which is a call under the ilp32 ABI; either way t0-t6 are dead (the
 * caller of a function does not expect them kept).  The normal return comes
 * first, with two checks: mcause 8 (only U-mode raises it: an ecall from
 * M-mode is cause 11, so this path needs no check of MPP) and mepc at the
 * springboard.  Every other trap is checked to come from U-mode, then to be
 * a jump to a callback slot, or it ends the call. */
	/* 256-byte aligned: Ibex (opentitan) takes only such an mtvec. */
	.balign 256
	.globl ef_pmp_trap
ef_pmp_trap:
	csrr t0, mscratch       /* t0: the call block */
	csrr t1, mcause
	addi t1, t1, -8         /* environment call from U-mode */
	bnez t1, 6f
	csrr t1, mepc
	lw t2, C_SPRINGBOARD(t0)
	bne t1, t2, 7f          /* an ecall anywhere else is not a return */
	sw zero, C_FAULT(t0)    /* this call did not fault */
8:	lw ra, C_HOST+0(t0)     /* the host's registers, as the gate found them */
	lw sp, C_HOST+4(t0)
	lw s0, C_HOST+8(t0)
	lw s1, C_HOST+12(t0)
	lw s2, C_HOST+16(t0)
	lw s3, C_HOST+20(t0)
	lw s4, C_HOST+24(t0)
	lw s5, C_HOST+28(t0)
	lw s6, C_HOST+32(t0)
	lw s7, C_HOST+36(t0)
	lw s8, C_HOST+40(t0)
	lw s9, C_HOST+44(t0)
	lw s10, C_HOST+48(t0)
	lw s11, C_HOST+52(t0)
	lw tp, C_HOST_TP(t0)    /* the host's thread-local block */
	ret                     /* to the gate's caller; a0:a1 the result */
6:	csrr t2, mstatus
	srli t2, t2, 11
	andi t2, t2, 3
	bnez t2, 9f             /* MPP != U: the host itself trapped */
	addi t1, t1, 7          /* mcause 1: instruction access fault */
	bnez t1, 7f
	csrr t1, mtval
	la t2, ef_pmp_callback_base
	sub t1, t1, t2
	li t2, EF_MAX_CALLBACKS * 4
	bltu t1, t2, 20f        /* a jump to a callback slot: a callback */
7:	lw t1, C_FAULT+16(t0)   /* any other trap ends the call; count it */
	addi t1, t1, 1          /* (pmp.c: ef_pmp_fault_message) */
	sw t1, C_FAULT+16(t0)
	li t1, 1
	sw t1, C_FAULT+0(t0)
	csrr t1, mcause
	sw t1, C_FAULT+4(t0)
	csrr t1, mtval
	sw t1, C_FAULT+8(t0)
	csrr t1, mepc
	sw t1, C_FAULT+12(t0)
	li a0, 0
	li a1, 0
	j 8b
9:	csrr a0, mcause
	csrr a1, mtval
	csrr a2, mepc
	la sp, __host_stack_top
	call ef_pmp_host_trap
10:	j 10b

	/* A callback: foreign code jumped to slot t1 / 4 of the callback
	 * table (host code, so U-mode cannot fetch it).  The host function
	 * runs in M-mode on the host stack below the caller's frame with the
	 * host's tp (ef_pmp_callback, which takes the first four arguments
	 * in a0-a7 as they are); foreign code resumes at its return address
	 * with the result in a0:a1.  Only what the callee may not clobber
	 * under the ilp32 ABI is kept: s0-s11 and gp the host's C code keeps
	 * itself, sp and tp are saved here; ra is where foreign code resumes.
	 * The registers the callee may clobber (t0-t6, a2-a7) may hold host
	 * values afterwards: they are cleared. */
20:	srli t1, t1, 2
	sw t1, C_CB_SLOT(t0)    /* for ef_pmp_callback */
	sw sp, C_CB_SP(t0)      /* also where the stacked arguments lie */
	sw tp, C_CB_TP(t0)
	sw ra, C_CB_RA(t0)      /* where foreign code resumes */
	lw sp, C_HOST+4(t0)     /* 16-aligned: the sp of the gate's C caller */
	lw tp, C_HOST_TP(t0)
	call ef_pmp_callback
	csrr t0, mscratch
	lw ra, C_CB_RA(t0)
	csrw mepc, ra           /* back to the foreign caller; MPP is still U */
	lw sp, C_CB_SP(t0)
	lw tp, C_CB_TP(t0)
	clear_temporaries       /* t0 held the call block's address */
	li a2, 0
	li a3, 0
	li a4, 0
	li a5, 0
	li a6, 0
	li a7, 0
	mret

	/* The callback table: addresses only, never executed (U-mode cannot
	 * fetch host code; the fault names the slot). */
	.balign 4
	.globl ef_pmp_callback_base
ef_pmp_callback_base:
	.rept EF_MAX_CALLBACKS
	.word 0
	.endr

	/* The springboard: foreign code returns here and traps back. */
	.section .foreign.text, "ax"
	.globl ef_pmp_springboard
	.balign 4
ef_pmp_springboard:
	ecall

/* QEMU's opentitan board starts at 0x20000400, in its flash; the firmware
 * puts this jump there (-Wl,--section-start=.reset=0x20000400). */
	.section .reset, "ax"
	.globl ef_reset
ef_reset:
	lui t0, %hi(_start)
	addi t0, t0, %lo(_start)
	jr t0
