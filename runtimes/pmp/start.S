/* start.S: reset entry, the gate into U-mode and the trap handler of the
 * PMP firmware (rv32, ilp32).
 *
 * A foreign call (pmp.h): the host stores the target, the foreign stack
 * pointer and the bytes of stacked arguments in ef_pmp_call, then calls
 * ef_pmp_gate (or ef_pmp_gate_stacked) as if it were the foreign function.
 * The gate saves the host's callee-saved registers, sp and ra, copies
 * stacked arguments onto
 * the foreign stack, points ra at the springboard (an ecall in foreign
 * code), clears every register that is not an argument so no host value
 * reaches foreign code, points tp at the foreign copy of the thread-local
 * block, sets mepc and mstatus.MPP = U, and mrets.
 *
 * Every trap from U-mode comes back to ef_pmp_trap.  The springboard's
 * ecall is the normal return: a0 and a1 go back to the host.  A jump to a
 * slot of the callback table is a callback (below).  Any other trap ends
 * the call: mcause, mtval and mepc are recorded in ef_pmp_fault and the
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

/* ef_pmp_call (pmp.h): target, foreign sp, stacked bytes, then the host's
 * saved registers.  mscratch holds its address while the firmware runs. */
#define C_FN 0
#define C_SP 4
#define C_STACK_BYTES 8
#define C_HOST 16
#define C_F 72                  /* the foreign registers during a callback */
#define EF_MAX_CALLBACKS 128

	.text
/* Two entries: with stacked arguments to copy, and without. */
	.globl ef_pmp_gate_stacked
	.type ef_pmp_gate_stacked, @function
	.balign 4
ef_pmp_gate_stacked:
	csrr t0, mscratch
	lw t2, C_SP(t0)
	lw t3, C_STACK_BYTES(t0)
	addi t4, t3, 15
	andi t4, t4, -16
	sub t2, t2, t4
	mv t4, zero
1:	add t5, sp, t4
	lw t5, 0(t5)
	add t6, t2, t4
	sw t5, 0(t6)
	addi t4, t4, 4
	bltu t4, t3, 1b
	j 2f
	.size ef_pmp_gate_stacked, . - ef_pmp_gate_stacked

	.globl ef_pmp_gate
	.type ef_pmp_gate, @function
	.balign 4
ef_pmp_gate:
	csrr t0, mscratch
	lw t2, C_SP(t0)
2:	sw ra, C_HOST+0(t0)
	sw sp, C_HOST+4(t0)
	sw s0, C_HOST+8(t0)
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
	lw t1, C_FN(t0)
	csrw mepc, t1
	li t4, 0x1800           /* mstatus.MPP := U */
	csrc mstatus, t4
	mv sp, t2
	la ra, ef_pmp_springboard
	/* Nothing of the host's may reach foreign code: every register that
	 * is not an argument is cleared (gp is never set: nothing is linked
	 * gp-relative, fw.ld defines no __global_pointer$). */
	li t0, 0
	li t1, 0
	li t2, 0
	li t3, 0
	li t4, 0
	li t5, 0
	li t6, 0
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
	la tp, __foreign_tls
	/* A test knob: EF_GATE_PAD more instructions in every call, which
	 * the regression check must flag (tests/pmp/test_pmp.sh). */
	.rept EF_GATE_PAD
	nop
	.endr
	mret
	.size ef_pmp_gate, . - ef_pmp_gate

	/* 256-byte aligned: Ibex (opentitan) takes only such an mtvec. */
	.balign 256
	.globl ef_pmp_trap
ef_pmp_trap:
	csrrw t0, mscratch, t0  /* t0: the call block; mscratch: foreign t0 */
	sw t1, C_F+6*4(t0)
	csrr t1, mstatus
	srli t1, t1, 11
	andi t1, t1, 3
	bnez t1, 9f             /* MPP != U: the host itself trapped */
	csrr t1, mcause
	addi t1, t1, -8         /* environment call from U-mode */
	bnez t1, 6f
	csrr t1, mepc
	la t2, ef_pmp_springboard
	bne t1, t2, 7f          /* an ecall anywhere else is not a return */
	la t1, ef_pmp_fault
	sw zero, 0(t1)
	j 8f
6:	addi t1, t1, 7          /* mcause 1: instruction access fault */
	bnez t1, 7f
	sw t2, C_F+7*4(t0)
	csrr t1, mtval
	la t2, ef_pmp_callback_base
	sub t1, t1, t2
	li t2, EF_MAX_CALLBACKS * 4
	bltu t1, t2, 20f        /* a jump to a callback slot: a callback */
7:	la t2, ef_pmp_fault     /* any other trap ends the call */
	lw t1, 16(t2)           /* count it (pmp.c: ef_pmp_fault_message) */
	addi t1, t1, 1
	sw t1, 16(t2)
	li t1, 1
	sw t1, 0(t2)
	csrr t1, mcause
	sw t1, 4(t2)
	csrr t1, mtval
	sw t1, 8(t2)
	csrr t1, mepc
	sw t1, 12(t2)
	li a0, 0
	li a1, 0
8:	csrw mscratch, t0
	lw ra, C_HOST+0(t0)
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
	la tp, __host_tls
	ret
9:	csrr a0, mcause
	csrr a1, mtval
	csrr a2, mepc
	la sp, __host_stack_top
	call ef_pmp_host_trap
10:	j 10b

	/* A callback: foreign code jumped to slot t1 / 4 of the callback
	 * table (host code, so U-mode cannot fetch it).  Its registers are
	 * kept in the call block, the host function runs in M-mode on the host
	 * stack below the caller's frame with the host's tp
	 * (ef_pmp_callback), and foreign code resumes at its return address
	 * with the result in a0:a1 and every other register as it was. */
20:	csrr t2, mscratch
	sw t2, C_F+5*4(t0)
	csrw mscratch, t0
	sw ra, C_F+1*4(t0)
	sw sp, C_F+2*4(t0)
	sw gp, C_F+3*4(t0)
	sw tp, C_F+4*4(t0)
	sw s0, C_F+8*4(t0)
	sw s1, C_F+9*4(t0)
	sw a0, C_F+10*4(t0)
	sw a1, C_F+11*4(t0)
	sw a2, C_F+12*4(t0)
	sw a3, C_F+13*4(t0)
	sw a4, C_F+14*4(t0)
	sw a5, C_F+15*4(t0)
	sw a6, C_F+16*4(t0)
	sw a7, C_F+17*4(t0)
	sw s2, C_F+18*4(t0)
	sw s3, C_F+19*4(t0)
	sw s4, C_F+20*4(t0)
	sw s5, C_F+21*4(t0)
	sw s6, C_F+22*4(t0)
	sw s7, C_F+23*4(t0)
	sw s8, C_F+24*4(t0)
	sw s9, C_F+25*4(t0)
	sw s10, C_F+26*4(t0)
	sw s11, C_F+27*4(t0)
	sw t3, C_F+28*4(t0)
	sw t4, C_F+29*4(t0)
	sw t5, C_F+30*4(t0)
	sw t6, C_F+31*4(t0)
	srli a0, t1, 2
	addi a1, t0, C_F
	lw sp, C_HOST+4(t0)
	andi sp, sp, -16
	la tp, __host_tls
	call ef_pmp_callback
	csrr t0, mscratch
	lw t1, C_F+1*4(t0)
	csrw mepc, t1           /* back to the foreign caller; MPP is still U */
	lw ra, C_F+1*4(t0)
	lw sp, C_F+2*4(t0)
	lw gp, C_F+3*4(t0)
	lw tp, C_F+4*4(t0)
	lw t1, C_F+6*4(t0)
	lw t2, C_F+7*4(t0)
	lw s0, C_F+8*4(t0)
	lw s1, C_F+9*4(t0)
	lw a0, C_F+10*4(t0)
	lw a1, C_F+11*4(t0)
	lw a2, C_F+12*4(t0)
	lw a3, C_F+13*4(t0)
	lw a4, C_F+14*4(t0)
	lw a5, C_F+15*4(t0)
	lw a6, C_F+16*4(t0)
	lw a7, C_F+17*4(t0)
	lw s2, C_F+18*4(t0)
	lw s3, C_F+19*4(t0)
	lw s4, C_F+20*4(t0)
	lw s5, C_F+21*4(t0)
	lw s6, C_F+22*4(t0)
	lw s7, C_F+23*4(t0)
	lw s8, C_F+24*4(t0)
	lw s9, C_F+25*4(t0)
	lw s10, C_F+26*4(t0)
	lw s11, C_F+27*4(t0)
	lw t3, C_F+28*4(t0)
	lw t4, C_F+29*4(t0)
	lw t5, C_F+30*4(t0)
	lw t6, C_F+31*4(t0)
	lw t0, C_F+5*4(t0)
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
