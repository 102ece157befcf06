/* gate.S: the mpk runtime's gates and signal entry (System V AMD64).
 *
 * One gate per domain slot and variant, so that every address a gate uses
 * is RIP-relative and no register the caller controls selects the slot or
 * the PKRU values.  Variants (see mpk.h): F = 1 switches the thread block
 * with rd/wrfsbase, F = 0 with arch_prctl (kernels without FSGSBASE);
 * S = 1 copies stacked arguments; R = 1 keeps rdx for a 16-byte return.
 *
 * Order matters for signals: the stack in use is always writable under the
 * PKRU in force (host stack with host PKRU; the switch to the foreign stack
 * happens before PKRU denies the host and the switch back after it allows
 * it again), because the kernel writes signal frames under the interrupted
 * PKRU and kills the process when that write faults.
 *
 * A jump into the middle of a gate cannot leave protection open: after each
 * wrpkru the value written is compared with the shadow copy for this slot
 * (ef_mpk_shadow, a page foreign code may read but not write); a mismatch
 * executes ud2.  Skipping a wrpkru leaves the foreign PKRU in force, under
 * which the next access to the slot (host memory) faults.
 */
#define SLOT_SIZE 128
#define S_FN 0
#define S_STACK_BYTES 8
#define S_FOREIGN_SP 16
#define S_TCB 24
#define S_HOST_RSP 32
#define S_HOST_FS 40
#define SH_SIZE 64
#define SH_FOREIGN 0
#define SH_HOST 4
#define NSLOTS 14
#define SYS_arch_prctl 158
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

	.text

.macro GATE i, F, S, R
	.globl ef_mpk_gate_\F\S\R\()_\i
	.type ef_mpk_gate_\F\S\R\()_\i, @function
	.balign 16
ef_mpk_gate_\F\S\R\()_\i:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, ef_mpk_slots+\i*SLOT_SIZE+S_HOST_RSP(%rip)
	mov ef_mpk_slots+\i*SLOT_SIZE+S_FOREIGN_SP(%rip), %rbp
.if \S
	/* Stacked arguments: caller's rsp + 8 (return address) + 48 (pushes). */
	mov ef_mpk_slots+\i*SLOT_SIZE+S_STACK_BYTES(%rip), %r12
	lea 15(%r12), %rax
	and $-16, %rax
	sub %rax, %rbp
1:	sub $8, %r12
	mov 56(%rsp,%r12), %rax
	mov %rax, (%rbp,%r12)
	jnz 1b
.endif
.if \F
	rdfsbase %r13
	mov %r13, ef_mpk_slots+\i*SLOT_SIZE+S_HOST_FS(%rip)
	mov ef_mpk_slots+\i*SLOT_SIZE+S_TCB(%rip), %r13
	wrfsbase %r13
.else
	push %rdi
	push %rsi
	push %rdx
	push %rcx
	push %r8
	push %r9
	mov $SYS_arch_prctl, %eax
	mov $ARCH_GET_FS, %edi
	lea ef_mpk_slots+\i*SLOT_SIZE+S_HOST_FS(%rip), %rsi
	syscall
	mov $SYS_arch_prctl, %eax
	mov $ARCH_SET_FS, %edi
	mov ef_mpk_slots+\i*SLOT_SIZE+S_TCB(%rip), %rsi
	syscall
	pop %r9
	pop %r8
	pop %rcx
	pop %rdx
	pop %rsi
	pop %rdi
	mov ef_mpk_slots+\i*SLOT_SIZE+S_TCB(%rip), %r13
.endif
	mov ef_mpk_slots+\i*SLOT_SIZE+S_FN(%rip), %rbx
	mov %rcx, %r14
	mov %rdx, %r15
	xor %ecx, %ecx
	rdpkru
	mov %eax, ef_mpk_shadow+\i*SH_SIZE+SH_HOST(%rip)
	mov %rbp, %rsp
	mov ef_mpk_shadow+\i*SH_SIZE+SH_FOREIGN(%rip), %eax
	xor %edx, %edx
	wrpkru
	cmp ef_mpk_shadow+\i*SH_SIZE+SH_FOREIGN(%rip), %eax
	jne ef_mpk_gate_broken
	mov %r14, %rcx
	mov %r15, %rdx
	/* rbx: target, rbp: foreign stack, r13: domain thread pointer,
	 * r14, r15: arguments: nothing of the host's.  Clear the rest. */
	xor %r12d, %r12d
	xor %r10d, %r10d
	xor %r11d, %r11d
	call *%rbx
	mov %rax, %r12
.if \R
	mov %rdx, %r13
.endif
	xor %ecx, %ecx
	xor %edx, %edx
	mov ef_mpk_shadow+\i*SH_SIZE+SH_HOST(%rip), %eax
	wrpkru
	cmp ef_mpk_shadow+\i*SH_SIZE+SH_HOST(%rip), %eax
	jne ef_mpk_gate_broken
	mov ef_mpk_slots+\i*SLOT_SIZE+S_HOST_RSP(%rip), %rsp
.if \F
	mov ef_mpk_slots+\i*SLOT_SIZE+S_HOST_FS(%rip), %rcx
	wrfsbase %rcx
.else
	mov $SYS_arch_prctl, %eax
	mov $ARCH_SET_FS, %edi
	mov ef_mpk_slots+\i*SLOT_SIZE+S_HOST_FS(%rip), %rsi
	syscall
.endif
	cld
	mov %r12, %rax
.if \R
	mov %r13, %rdx
.endif
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret
	.size ef_mpk_gate_\F\S\R\()_\i, . - ef_mpk_gate_\F\S\R\()_\i
.endm

.macro GATES i
	GATE \i, 1, 0, 0
	GATE \i, 1, 0, 1
	GATE \i, 1, 1, 0
	GATE \i, 1, 1, 1
	GATE \i, 0, 0, 0
	GATE \i, 0, 0, 1
	GATE \i, 0, 1, 0
	GATE \i, 0, 1, 1
.endm

	.irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
	GATES \i
	.endr

	.globl ef_mpk_gate_broken
	.type ef_mpk_gate_broken, @function
ef_mpk_gate_broken:
	ud2
	.size ef_mpk_gate_broken, . - ef_mpk_gate_broken

/* The table mpk.c picks a slot's gates from: [slot][F][S*2+R]. */
	.section .data.rel.ro, "aw"
	.balign 8
	.globl ef_mpk_gates
ef_mpk_gates:
	.irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
	.quad ef_mpk_gate_000_\i, ef_mpk_gate_001_\i, ef_mpk_gate_010_\i, ef_mpk_gate_011_\i
	.quad ef_mpk_gate_100_\i, ef_mpk_gate_101_\i, ef_mpk_gate_110_\i, ef_mpk_gate_111_\i
	.endr
	.size ef_mpk_gates, . - ef_mpk_gates

/* The shadow page: per slot the foreign and the host PKRU.  A page of its
 * own, tagged with the shared key: the gate writes the host value under
 * host PKRU; foreign code can read it but not change it. */
	.section .bss
	.balign 4096
	.globl ef_mpk_shadow
ef_mpk_shadow:
	.zero 4096
	.size ef_mpk_shadow, 4096

/* Signal entry: the kernel starts every handler with its default PKRU
 * (key 0 only), on the interrupted stack, with the interrupted thread
 * pointer.  Before touching the stack: host PKRU.  Then, if the thread
 * pointer is a domain's, the host's thread pointer for the handler and the
 * domain's again afterwards.  sigreturn restores the interrupted PKRU from
 * the signal frame.  rdi, rsi, rdx: signo, siginfo, ucontext. */
	.text
	.globl ef_mpk_signal_entry
	.type ef_mpk_signal_entry, @function
ef_mpk_signal_entry:
	mov %rdx, %r8
	xor %ecx, %ecx
	xor %edx, %edx
	mov ef_mpk_host_pkru(%rip), %eax
	wrpkru
	mov %r8, %rdx
	cmpb $0, ef_mpk_fsgsbase(%rip)
	je 5f
	rdfsbase %r9
	jmp 6f
5:	/* arch_prctl(ARCH_GET_FS) into a slot on the stack */
	push %rdi
	push %rsi
	push %rdx
	sub $8, %rsp
	mov $SYS_arch_prctl, %eax
	mov $ARCH_GET_FS, %edi
	mov %rsp, %rsi
	syscall
	pop %r9
	pop %rdx
	pop %rsi
	pop %rdi
6:	lea ef_mpk_slots(%rip), %r10
	mov $NSLOTS, %ecx
7:	cmp S_TCB(%r10), %r9
	je 8f
	add $SLOT_SIZE, %r10
	dec %ecx
	jnz 7b
	/* Host code was interrupted: the thread pointer is the host's. */
	lea ef_mpk_handlers(%rip), %rax
	jmp *(%rax,%rdi,8)
8:	/* A domain's thread pointer: run the handler on the host's. */
	push %r9
	push %rdi
	push %rsi
	push %rdx
	mov S_HOST_FS(%r10), %rsi
	call set_fs
	pop %rdx
	pop %rsi
	pop %rdi
	lea ef_mpk_handlers(%rip), %rax
	call *(%rax,%rdi,8)
	pop %rsi
	call set_fs
	ret
	.size ef_mpk_signal_entry, . - ef_mpk_signal_entry

/* set_fs: thread pointer := rsi; keeps rdi, rsi and rdx. */
	.type set_fs, @function
set_fs:
	cmpb $0, ef_mpk_fsgsbase(%rip)
	je 9f
	wrfsbase %rsi
	ret
9:	push %rdi
	push %rsi
	push %rdx
	mov $SYS_arch_prctl, %eax
	mov $ARCH_SET_FS, %edi
	syscall
	pop %rdx
	pop %rsi
	pop %rdi
	ret
	.size set_fs, . - set_fs

	.section .note.GNU-stack, "", @progbits
