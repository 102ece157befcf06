/* gate.S: the mpk runtime's gates, callback entries and signal entries
 * (System V AMD64).
 *
 * One gate per domain slot and variant, so that every address a gate uses
 * is RIP-relative and no register the caller controls selects the slot or
 * the PKRU values.  Variants (see mpk.h): P = 1 for sealed domains (the
 * selector of syscall user dispatch, below), F = 1 switches the thread block
 * with rd/wrfsbase, F = 0 with arch_prctl (kernels without FSGSBASE);
 * S = 1 copies stacked arguments; R = 1 keeps rdx for a 16-byte return;
 * N = 1 the narrow body for calls with at most two integer arguments
 * (both policies; stacked arguments take S = 1).  Each gate has entry points by the kind of call (below,
 * "Entry points"), where a sealed gate clears unused registers.
 * The call site passes the target in r10 and leaves the foreign stack
 * pointer and the stacked bytes in the calling thread's ef_mpk_tls (host
 * TLS), which the gate reads before it switches the thread block.
 *
 * Ownership, strict gates (P = 0): a slot's host_rsp is the stack pointer
 * of the one thread inside the domain, or the value that thread expects
 * when none is (0, or its callback token while it runs a callback of the
 * domain, see callbacks.c).  The gate takes the slot with one
 * compare-and-exchange against the calling thread's expected value and
 * gives it back on the way out, so a second thread is refused
 * (ef_mpk_gate_busy).
 *
 * Sealed gates (P = 1): one thread at a time runs foreign code of sealed
 * domains, whichever.  ef_mpk_owner holds the thread page of the thread
 * that ran it last (even: it runs none now), or that page | 1 while it
 * runs some (ef_mpk_tls.owner); the gate takes it from the thread's own
 * idle value with one compare-and-exchange (ef_mpk_claim takes it over
 * from a thread that has left, or refuses), keeps the host stack pointer
 * in ef_mpk_sealed_rsp and the host's MXCSR and x87 control word below
 * it, and the exit gives it back with a decrement.  So the exit's state is
 * the one running call's, whichever slot's exit foreign code jumps to, and
 * no thread can take over another's host stack.  The foreign PKRU of the
 * domain whose code runs now lies in the shadow page (MPK_SHADOW_CURRENT):
 * each entry writes it before its wrpkru and checks against it after, so
 * that a jump to another slot's wrpkru with that slot's PKRU traps.
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
 * executes the slot's ud2, which the fault handler turns into a fault of
 * the domain.  Skipping a wrpkru leaves the foreign PKRU in force, under
 * which the next access to the slot (host memory) faults.
 *
 * Counts and the offsets of C structures come from layout.h.
 */
#include "layout.h"
#include <asm/prctl.h>
#include <asm/unistd.h>

/* The slots, by number: the lists below and EF_MPK_SLOTS must agree (the
 * check after them). */
#define SLOT_LIST 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
	.set .Lnslots, 0
	.irp i, SLOT_LIST
	.set .Lnslots, .Lnslots + 1
	.endr
	.if .Lnslots != EF_MPK_SLOTS
	.error "SLOT_LIST and EF_MPK_SLOTS (layout.h) disagree"
	.endif
/* CBENTRY pushes struct mpk_cb_frame one field after another. */
	.if MPK_CB_K != MPK_CB_SAVED || MPK_CB_ARGS != MPK_CB_K + 8 || MPK_CB_FOREIGN_SP != MPK_CB_ARGS + 48 || MPK_CB_GATE_SP != MPK_CB_FOREIGN_SP + 8
	.error "CBENTRY's pushes and struct mpk_cb_frame (layout.h) disagree"
	.endif

#define SLOT(i) ef_mpk_slots+(i)*MPK_SLOT_SIZE
#define SHADOW(i) ef_mpk_shadow+(i)*MPK_SHADOW_SIZE
#define TLS(off) %fs:ef_mpk_tls@tpoff+(off)
/* A field of the thread page, through ef_mpk_owner's value (page | 1). */
#define TP_HOST_FS_ODD (MPK_TP_HOST_FS - 1)

	.text

.macro SET_FS_SYSCALL src
	mov $__NR_arch_prctl, %eax
	mov $ARCH_SET_FS, %edi
	mov \src, %rsi
	syscall
.endm

/* PKRU := slot i's shadow value `which`, then check that this is what was
 * written: a jump to the wrpkru with another value in eax traps.  Needs
 * ecx = edx = 0. */
.macro WRPKRU_CHECKED i, which
	mov SHADOW(\i)+\which(%rip), %eax
	wrpkru
	cmp SHADOW(\i)+\which(%rip), %eax
	jne ef_mpk_gate_trap_\i
.endm

/* Sealed: PKRU := slot i's foreign value, which becomes the current
 * domain's (MPK_SHADOW_CURRENT), checked against it.  Needs ecx = edx = 0. */
.macro ENTRY_WRPKRU i
	mov SHADOW(\i)+MPK_SHADOW_FOREIGN(%rip), %eax
	mov %eax, ef_mpk_shadow+MPK_SHADOW_CURRENT(%rip)
	wrpkru
	cmp ef_mpk_shadow+MPK_SHADOW_CURRENT(%rip), %eax
	jne ef_mpk_gate_trap_\i
.endm

/* Sealed: PKRU := slot i's foreign value, which must be the current
 * domain's already (resuming its code after a signal). */
.macro CURRENT_WRPKRU i
	mov SHADOW(\i)+MPK_SHADOW_FOREIGN(%rip), %eax
	wrpkru
	cmp ef_mpk_shadow+MPK_SHADOW_CURRENT(%rip), %eax
	jne ef_mpk_gate_trap_\i
.endm

.macro POP_CALLEE_SAVED_RET
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret
.endm

/* Selector := v in a sealed gate (P = 1), through reg: the thread page
 * of the thread running foreign code (ef_mpk_owner, | 1). */
.macro SELECTOR P, v, reg
.if \P
	mov ef_mpk_owner(%rip), \reg
	movb $\v, MPK_TP_SELECTOR-1(\reg)
.endif
.endm

/* Entry points of slot i's gates, one per kind of call (mpk.h,
 * ef_mpk_entry): E = 0..6 a call with E integer arguments in registers and
 * none in vector registers, 7 and 8 with some in vector registers (at
 * most two integers, or more), 9 and 10 with stacked arguments (none in
 * vector registers, or some).  A sealed gate (P = 1) clears what the call
 * does not pass before it saves anything: the unused integer argument
 * registers, and the vector registers where none carries an argument
 * (vzeroall; on AVX-512 machines also zmm16-31 and k0-k7, through the
 * X entries, which ef_mpk_gates_x lists).  Each entry falls through the
 * clearing it needs into the gate; labels ef_mpk_e<P><F><R>_<E>_<i> and ef_mpk_x<F><R>_<E>_<i>
 * (the tables at the end). */
.macro ENTRY_LABEL P, F, R, E, i
	.globl ef_mpk_e\P\F\R\()_\E\()_\i
ef_mpk_e\P\F\R\()_\E\()_\i:
.endm
.macro XENTRY_LABEL F, R, E, i
	.globl ef_mpk_x\F\R\()_\E\()_\i
ef_mpk_x\F\R\()_\E\()_\i:
.endm

/* Entries e1, e2, e3 (-1: none) of kind e (ENTRY_LABEL, P = 1) or x
 * (XENTRY_LABEL) clear r1, r2, r3, each falling through to the next. */
.macro CLEARS kind, F, R, i, e1, r1, e2, r2, e3, r3
	CLEAR1 \kind, \F, \R, \i, \e1, \r1
	CLEAR1 \kind, \F, \R, \i, \e2, \r2
	CLEAR1 \kind, \F, \R, \i, \e3, \r3
.endm
.macro CLEAR1 kind, F, R, i, E, reg
.if \E >= 0
.ifc \kind, x
	XENTRY_LABEL \F, \R, \E, \i
.else
	ENTRY_LABEL 1, \F, \R, \E, \i
.endif
	xor \reg, \reg
.endif
.endm

/* The sled of a sealed gate: entries e1, e2, e3 clear r1, r2, r3 and fall
 * through (e1 the first; -1 for none), entry `vec` clears the vector
 * registers only, entry `main` nothing; first the X entries, for AVX-512
 * machines, then the others. */
.macro SLED F, R, i, vec, main, e1=-1, r1, e2=-1, r2, e3=-1, r3
	CLEARS x, \F, \R, \i, \e1, \r1, \e2, \r2, \e3, \r3
	XENTRY_LABEL \F, \R, \vec, \i
	call ef_mpk_clear_avx512
	jmp 7f
	CLEARS e, \F, \R, \i, \e1, \r1, \e2, \r2, \e3, \r3
	ENTRY_LABEL 1, \F, \R, \vec, \i
7:	vzeroall
	ENTRY_LABEL 1, \F, \R, \main, \i
.endm

/* The host's thread pointer back, through reg: a sealed gate's from the
 * thread page (and the selector cleared there), else from the slot. */
.macro HOST_FS_BACK i, P, F, reg
.if \P
	SELECTOR 1, 0, \reg
.if \F
	mov TP_HOST_FS_ODD(\reg), \reg
	wrfsbase \reg
.else
	mov TP_HOST_FS_ODD(\reg), %rsi /* before the system call's number */
	SET_FS_SYSCALL %rsi            /* takes eax (reg may be rax) */
.endif
.elseif \F
	mov SLOT(\i)+MPK_SLOT_HOST_FS(%rip), \reg
	wrfsbase \reg
.else
	SET_FS_SYSCALL SLOT(\i)+MPK_SLOT_HOST_FS(%rip)
.endif
.endm

/* The selector of syscall user dispatch (sealed gates, P = 1): 1 blocks
 * the thread's system calls while foreign code runs.  It lies in the
 * thread page, which foreign code can read and not write; the gate sets it
 * under host PKRU before switching to the foreign PKRU, and clears it after
 * switching back.  The gate keeps the thread page in the slot, where the
 * exit finds it, and the host's thread pointer in it (wrfsbase gates).
 *
 * N = 1: the narrow body, for calls with at most two integer arguments:
 * rcx and rdx, zero for wrpkru, are not kept.
 *
 * The call site passes the target in r10 (the static chain register,
 * __builtin_call_with_static_chain in mpk.h), and the foreign stack
 * pointer in ef_mpk_tls.  A strict gate (P = 0) keeps the host's
 * integrity (callee-saved registers, DF, stack, thread block, one thread
 * per slot, every wrpkru checked) and clears no register: under strict
 * foreign code reads and writes host memory through system calls anyway
 * (/proc/self/mem, in the attack suite), so host values in registers give
 * it nothing more; a sealed gate (P = 1), which takes system calls away,
 * clears every register that would carry a host value, but the unused
 * integer argument registers of a call with floating-point arguments
 * (entries 7 and 8) and every vector register then.
 *
 * The strict narrow gate (F = 1), instruction by instruction:
 *   6 pushes, 6 pops, ret   the host's callee-saved registers, which
 *                           foreign code need not keep
 *   mov, lock cmpxchg, jne  take the slot: one thread inside
 *   mov                     the foreign stack pointer, read from host TLS
 *                           before the thread block changes
 *   rdfsbase, mov           the host's thread pointer, kept in the slot
 *   mov, wrfsbase           the domain's thread block
 *   2 xor                   ecx = edx = 0, as wrpkru needs
 *   mov                     onto the foreign stack (before PKRU denies
 *                           the host stack: signal frames)
 *   mov, wrpkru, cmp, jne   foreign PKRU, checked against the shadow page
 *   call *%r10              the target
 *   mov                     its result, which wrpkru's eax would clobber
 *   2 xor, mov, wrpkru, cmp, jne   host PKRU, checked
 *   mov                     the host stack, from the slot
 *   mov, wrfsbase           the host's thread block
 *   mov, mov                give the slot back (the thread's expected value)
 *   cld                     DF as the host's ABI wants it
 *   mov                     the result back into rax
 * 43 in all, 49 beyond a direct call with the call site's symbol cache,
 * arming and epoch (tests/mpk/test_mpk.c, test_gate_instruction_budget). */
.macro GATE i, P, F, S, R, N
	.globl ef_mpk_gate_\P\F\S\R\N\()_\i
	.type ef_mpk_gate_\P\F\S\R\N\()_\i, @function
	.balign 16
ef_mpk_gate_\P\F\S\R\N\()_\i:
.if \P
.if \S
	SLED \F, \R, \i, 9, 10
.elseif \N
	SLED \F, \R, \i, 2, 7, 0, %edi, 1, %esi
.else
	SLED \F, \R, \i, 6, 8, 3, %ecx, 4, %r8d, 5, %r9d
.endif
.elseif \S
	ENTRY_LABEL 0, \F, \R, 9, \i
	ENTRY_LABEL 0, \F, \R, 10, \i
.elseif \N
	.irp e, 0, 1, 2, 7
	ENTRY_LABEL 0, \F, \R, \e, \i
	.endr
.else
	.irp e, 3, 4, 5, 6, 8
	ENTRY_LABEL 0, \F, \R, \e, \i
	.endr
.endif
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
.if \P
	pushfq                         /* the host's flags (AC, DF), for the exit */
	mov TLS(MPK_TLS_OWNER), %r12
3:	lea -1(%r12), %rax
	lock cmpxchg %r12, ef_mpk_owner(%rip)
	jne 4f
	mov %rsp, ef_mpk_sealed_rsp(%rip)
.else
	mov TLS(MPK_TLS_EXPECT+8*\i), %rax
	lock cmpxchg %rsp, SLOT(\i)+MPK_SLOT_HOST_RSP(%rip)
	jne ef_mpk_gate_busy
.endif
	mov TLS(MPK_TLS_FOREIGN_SP), %rbp
.if \S
	/* Stacked arguments: caller's rsp + 8 (return address) + 48 (pushes)
	 * (+ 8: the flags, sealed). */
	mov TLS(MPK_TLS_STACK_BYTES), %r12
	lea 15(%r12), %rax
	and $-16, %rax
	sub %rax, %rbp
1:	sub $8, %r12
	mov 56+8*\P(%rsp,%r12), %rax
	mov %rax, (%rbp,%r12)
	jnz 1b
.endif
.if \P && \S
	mov TLS(MPK_TLS_OWNER), %r12   /* the copy took r12 */
.endif
.if \F
.if !\P
	rdfsbase %r13
	mov %r13, SLOT(\i)+MPK_SLOT_HOST_FS(%rip)
.endif
	mov SLOT(\i)+MPK_SLOT_TCB(%rip), %r13
	wrfsbase %r13
.else
	push %rdi
	push %rsi
	push %rdx
	push %rcx
	push %r8
	push %r9
	mov $__NR_arch_prctl, %eax
	mov $ARCH_GET_FS, %edi
	lea SLOT(\i)+MPK_SLOT_HOST_FS(%rip), %rsi
	syscall
	SET_FS_SYSCALL SLOT(\i)+MPK_SLOT_TCB(%rip)
	pop %r9
	pop %r8
	pop %rcx
	pop %rdx
	pop %rsi
	pop %rdi
	mov SLOT(\i)+MPK_SLOT_TCB(%rip), %r13
.endif
.if \P
	/* Below the host stack pointer kept: the host's MXCSR and x87
	 * control word, for the exit (a callback's frame leaves them). */
	stmxcsr -8(%rsp)
	fnstcw -4(%rsp)
	movb $1, MPK_TP_SELECTOR-1(%r12)
.endif
.if !\N
	mov %rcx, %r14
	mov %rdx, %r15
.endif
	xor %ecx, %ecx
	xor %edx, %edx
	mov %rbp, %rsp
.if \P
	ENTRY_WRPKRU \i
.else
	WRPKRU_CHECKED \i, MPK_SHADOW_FOREIGN
.endif
	/* r10: target, rbp: foreign stack, r13: domain thread pointer;
	 * sealed: r12 the thread page | 1, r14, r15 copies of rcx, rdx or
	 * cleared (N = 1), the rest cleared: nothing of the host's (but,
	 * after entries 7 and 8, unused argument registers).  Strict clears
	 * nothing (above). */
.if \N
.if \P
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r14d, %r14d
	xor %r15d, %r15d
.endif
.else
	mov %r14, %rcx
	mov %r15, %rdx
.endif
.if \P
	xor %ebx, %ebx
	xor %r11d, %r11d
.endif
	call *%r10
	mov %rax, %r12
.if \R
	mov %rdx, %r13
.endif
	/* The fault handler and callback unwinding enter here with r12 and
	 * r13 cleared. */
	.globl ef_mpk_gate_\P\F\S\R\N\()_\i\()_exit
ef_mpk_gate_\P\F\S\R\N\()_\i\()_exit:
	xor %ecx, %ecx
	xor %edx, %edx
	WRPKRU_CHECKED \i, MPK_SHADOW_HOST
.if \P
	/* What foreign code may have left for the host: the GS base (the
	 * host's is 0, mpk_thread_seal checks; without FSGSBASE foreign code
	 * cannot change it), values on the x87 stack, the x87 control word,
	 * MXCSR; the flags come back below. */
.if \F
	wrgsbase %rcx
.endif
	emms
	mov ef_mpk_sealed_rsp(%rip), %rsp
	fldcw -4(%rsp)
	ldmxcsr -8(%rsp)
	HOST_FS_BACK \i, 1, \F, %rcx
	decq ef_mpk_owner(%rip)        /* given back: this thread runs none */
	popfq
.else
	mov SLOT(\i)+MPK_SLOT_HOST_RSP(%rip), %rsp
	HOST_FS_BACK \i, 0, \F, %rcx
	mov TLS(MPK_TLS_EXPECT+8*\i), %rcx
	mov %rcx, SLOT(\i)+MPK_SLOT_HOST_RSP(%rip)
	cld
.endif
	mov %r12, %rax
.if \R
	mov %r13, %rdx
.endif
	POP_CALLEE_SAVED_RET
.if \P
4:	call ef_mpk_claim              /* rax: what ef_mpk_owner held */
	jz 3b
	jmp ef_mpk_gate_busy_sealed
.endif
	.size ef_mpk_gate_\P\F\S\R\N\()_\i, . - ef_mpk_gate_\P\F\S\R\N\()_\i
.endm

/* A callback entry: foreign code of slot i called trampoline k, which left
 * k in r11 and the six arguments in place.  Runs the host function on the
 * host stack below the innermost gate frame of the slot, with host PKRU and
 * thread block, through ef_mpk_callback_dispatch (callbacks.c), then returns to
 * foreign code with foreign protections, or, when the domain was poisoned
 * meanwhile, unwinds the gate call the callback came from.  Foreign
 * callee-saved registers are the host function's to keep (it is C); under
 * sealed every other register is cleared before foreign code sees it. */
.macro CBENTRY i, P, F
	.type ef_mpk_cbentry_\P\F\()_\i, @function
	.balign 16
ef_mpk_cbentry_\P\F\()_\i:
	push %rcx                      /* foreign stack: faults unless the */
	push %rdx                      /* domain can write it */
	xor %ecx, %ecx
	rdpkru
	cmp SHADOW(\i)+MPK_SHADOW_FOREIGN(%rip), %eax
	jne ef_mpk_gate_trap_\i        /* only this domain's code may call */
	WRPKRU_CHECKED \i, MPK_SHADOW_HOST
.if \P
	/* Sealed: the domain whose code runs now, after a jump past the test
	 * above too. */
	mov SHADOW(\i)+MPK_SHADOW_FOREIGN(%rip), %eax
	cmp ef_mpk_shadow+MPK_SHADOW_CURRENT(%rip), %eax
	jne ef_mpk_gate_trap_\i
.endif
	pop %rdx
	pop %rcx
	mov %rsp, %r10
	/* struct mpk_cb_frame (internal.h), top down: */
.if \P
	/* The running call's gate frame; below it the host's MXCSR and x87
	 * control word (8 bytes), which stay. */
	mov ef_mpk_sealed_rsp(%rip), %rax
	lea -8(%rax), %rsp
	push %rax                      /* gate_sp */
.else
	mov SLOT(\i)+MPK_SLOT_HOST_RSP(%rip), %rsp
	push %rsp                      /* gate_sp (rsp before the push) */
.endif
	push %r10                      /* foreign_sp */
	push %r9                       /* args */
	push %r8
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %r11                      /* k */
	sub $MPK_CB_SAVED, %rsp        /* saved */
	HOST_FS_BACK \i, \P, \F, %rax
.if !\P
	/* Strict: while the host function runs the slot holds this thread's
	 * token, which this thread alone expects (callbacks.c). */
	mov TLS(MPK_TLS_EXPECT+8*\i), %rax
	mov %rax, MPK_CB_SAVED_EXPECT(%rsp)
	mov TLS(MPK_TLS_TOKEN), %rax
	mov %rax, TLS(MPK_TLS_EXPECT+8*\i)
	mov %rax, SLOT(\i)+MPK_SLOT_HOST_RSP(%rip)
.endif
	lea mpk_namespaces+\i*MPK_NS_SIZE(%rip), %rdi
	mov %rsp, %rsi
.if \P
	call ef_mpk_callback_dispatch_sealed
.else
	call ef_mpk_callback_dispatch
.endif
.if !\P
	mov MPK_CB_SAVED_EXPECT(%rsp), %r11
	mov %r11, TLS(MPK_TLS_EXPECT+8*\i)
.endif
	mov MPK_CB_GATE_SP(%rsp), %r11
.if \P
	mov %r11, ef_mpk_sealed_rsp(%rip)
.else
	mov %r11, SLOT(\i)+MPK_SLOT_HOST_RSP(%rip)
.endif
	cmpl $0, mpk_namespaces+\i*MPK_NS_SIZE+MPK_NS_POISONED(%rip)
	jne 5f                         /* poisoned meanwhile: unwind */
	mov %rax, %r8
.if \P
	/* The host function's values in vector registers stay behind. */
	vzeroall
	cmpb $0, ef_mpk_avx512(%rip)
	je 6f
	call ef_mpk_clear_avx512
6:
.endif
.if \F
	SELECTOR \P, 1, %rax
	mov SLOT(\i)+MPK_SLOT_TCB(%rip), %rax
	wrfsbase %rax
.else
	SET_FS_SYSCALL SLOT(\i)+MPK_SLOT_TCB(%rip)
	SELECTOR \P, 1, %rax
.endif
	mov MPK_CB_FOREIGN_SP(%rsp), %rsp
	xor %ecx, %ecx
	xor %edx, %edx
.if \P
	ENTRY_WRPKRU \i
.else
	WRPKRU_CHECKED \i, MPK_SHADOW_FOREIGN
.endif
	mov %r8, %rax
.if \P
	/* What the host function left in the registers it need not keep. */
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
.endif
	ret
5:	xor %r12d, %r12d
	xor %r13d, %r13d
	jmp ef_mpk_gate_\P\F\()010_\i\()_exit
	.size ef_mpk_cbentry_\P\F\()_\i, . - ef_mpk_cbentry_\P\F\()_\i

/* The slot's callback trampolines, MPK_CBTRAMP_SIZE bytes apart. */
	.balign MPK_CBTRAMP_SIZE
	.globl ef_mpk_cbtramp_\P\F\()_\i
ef_mpk_cbtramp_\P\F\()_\i:
	.set k, 0
	.rept MPK_CALLBACKS
	.balign MPK_CBTRAMP_SIZE
	mov $k, %r11d
	jmp ef_mpk_cbentry_\P\F\()_\i
	.set k, k + 1
	.endr
.endm

.macro TRAP i
	.globl ef_mpk_gate_trap_\i
ef_mpk_gate_trap_\i:
	ud2
.endm

/* Resuming foreign code of slot i after a signal handler ran (signals.c):
 * never through the kernel's frame, which lies where every domain may
 * write, and never with the selector open in a sealed domain (P = 1):
 * rt_sigreturn cannot run with it blocking.  So the handler returns
 * through rt_sigreturn from a private copy of the frame into this stub,
 * with host PKRU, every register as interrupted but rip and rsp, and the
 * resume frame (layout.h) at rsp on the domain's own stack: the stub
 * blocks system calls (P = 1), writes the foreign PKRU (checked), then
 * restores rcx, rdx, rax and rflags from the frame, which foreign code can
 * read, and returns to the interrupted instruction, leaving rsp as it was.
 * Foreign code that jumps here writes only where it could write anyway
 * (the thread page is read-only under any foreign PKRU) and gets no PKRU
 * that slot i's gate would not give it. */
.macro RESUME i, P
	.type ef_mpk_resume_foreign_\P\()_\i, @function
ef_mpk_resume_foreign_\P\()_\i:
.if \P
	mov (%rsp), %rax
	movb $1, MPK_TP_SELECTOR(%rax)
.endif
	xor %ecx, %ecx
	xor %edx, %edx
.if \P
	CURRENT_WRPKRU \i
.else
	WRPKRU_CHECKED \i, MPK_SHADOW_FOREIGN
.endif
	jmp resume_pop
	.size ef_mpk_resume_foreign_\P\()_\i, . - ef_mpk_resume_foreign_\P\()_\i
.endm

.macro GATES i
	.irp P, 0, 1
	.irp F, 1, 0
	.irp R, 0, 1
	GATE \i, \P, \F, 0, \R, 0
	GATE \i, \P, \F, 1, \R, 0
	GATE \i, \P, \F, 0, \R, 1
	.endr
	CBENTRY \i, \P, \F
	.endr
	.endr
	TRAP \i
	RESUME \i, 0
	RESUME \i, 1
.endm

/* Every slot's gates, callback entries, trampolines, traps and resume
 * stubs lie between these labels: a fault there is foreign code's that
 * jumped in (signals.c), since the runtime's own gate code does not
 * fault. */
	.globl ef_mpk_gates_text, ef_mpk_gates_text_end
ef_mpk_gates_text:
	.irp i, SLOT_LIST
	GATES \i
	.endr
ef_mpk_gates_text_end:

/* Resuming host code that ran with system calls blocked (a gate between
 * setting the selector and writing the foreign PKRU, or between writing
 * the host PKRU and clearing the selector): as above, without the PKRU. */
	.globl ef_mpk_resume_host
	.type ef_mpk_resume_host, @function
ef_mpk_resume_host:
	mov (%rsp), %rax
	movb $1, MPK_TP_SELECTOR(%rax)
resume_pop:
	add $8, %rsp
	pop %rcx
	pop %rdx
	pop %rax
	popfq
	ret $128
	.size ef_mpk_resume_host, . - ef_mpk_resume_host

/* A second thread found the slot taken: nothing was switched yet. */
	.type ef_mpk_gate_busy, @function
ef_mpk_gate_busy:
	movl $MPK_E_BUSY, TLS(MPK_TLS_STATUS)
	xor %eax, %eax
	xor %edx, %edx
	POP_CALLEE_SAVED_RET
	.size ef_mpk_gate_busy, . - ef_mpk_gate_busy

/* ef_mpk_claim: a sealed gate found ef_mpk_owner (rax) other than its
 * thread's idle value (r12 - 1).  Takes it where no thread runs foreign
 * code (the value is even) and the thread it names does not wait in a
 * callback of a call it runs (its page's callbacks count; checked again
 * once taken, since that thread may have gone into one meanwhile, and
 * then given back): returns ZF = 1, and the gate tries again.  Else
 * ZF = 0: busy.  Keeps every argument register; uses rax, r13, r14. */
	.type ef_mpk_claim, @function
ef_mpk_claim:
	test %r12, %r12
	jz 9f                          /* a thread without a thread area */
	test $1, %al
	jnz 9f
	test %rax, %rax
	jz 1f
	cmpl $0, MPK_TP_CALLBACKS(%rax)
	jne 9f
1:	mov %rax, %r13
	lea -1(%r12), %r14
	lock cmpxchg %r14, ef_mpk_owner(%rip)
	jne 9f
	test %r13, %r13
	jz 8f
	cmpl $0, MPK_TP_CALLBACKS(%r13)
	je 8f
	mov %r14, %rax
	lock cmpxchg %r13, ef_mpk_owner(%rip)
	jmp 9f
8:	xor %eax, %eax
	ret
9:	test %rsp, %rsp
	ret
	.size ef_mpk_claim, . - ef_mpk_claim

/* The same for a sealed gate, which pushed the flags as well. */
	.type ef_mpk_gate_busy_sealed, @function
ef_mpk_gate_busy_sealed:
	popfq
	jmp ef_mpk_gate_busy
	.size ef_mpk_gate_busy_sealed, . - ef_mpk_gate_busy_sealed

/* zmm16-31 and the mask registers, which vzeroall leaves (AVX-512
 * machines): the sealed gates' X entries and callback returns clear them
 * here; foreign code may call it too. */
	.globl ef_mpk_clear_avx512
	.type ef_mpk_clear_avx512, @function
ef_mpk_clear_avx512:
	.irp z, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	vpxord %zmm\z, %zmm\z, %zmm\z
	.endr
	.irp k, 0, 1, 2, 3, 4, 5, 6, 7
	kxorw %k\k, %k\k, %k\k
	.endr
	ret
	.size ef_mpk_clear_avx512, . - ef_mpk_clear_avx512

/* The gate of a poisoned domain: fails at once. */
	.globl ef_mpk_gate_poisoned
	.type ef_mpk_gate_poisoned, @function
ef_mpk_gate_poisoned:
	movl $MPK_E_FAULT, TLS(MPK_TLS_STATUS)
	xor %eax, %eax
	xor %edx, %edx
	ret
	.size ef_mpk_gate_poisoned, . - ef_mpk_gate_poisoned

/* ef_mpk_unwind(exit): leave the fault handler for a gate's exit path with
 * a result of 0; the exit restores host PKRU, stack and thread block. */
	.globl ef_mpk_unwind
	.type ef_mpk_unwind, @function
ef_mpk_unwind:
	xor %r12d, %r12d
	xor %r13d, %r13d
	jmp *%rdi
	.size ef_mpk_unwind, . - ef_mpk_unwind

/* Tables the C files read (internal.h): gate entries [slot][P][F][R][E],
 * the sealed gates' entries on AVX-512 machines [slot][F][R][E], exits
 * [slot][P][F] (S=0, R=1), traps [slot], trampolines [slot][P][F], resume
 * stubs [slot][P]. */
.macro QUAD_ENTRY kind, v, E, i
	.quad ef_mpk_\kind\v\()_\E\()_\i
.endm
/* A sealed gate's entry for AVX-512 machines: the X entry where there is
 * one (the vector registers cleared), else the entry itself. */
.macro QUAD_XENTRY v, E, i
.if \E == 7 || \E == 8 || \E == 10
	QUAD_ENTRY e, 1\v, \E, \i
.else
	QUAD_ENTRY x, \v, \E, \i
.endif
.endm
	.section .data.rel.ro, "aw"
	.balign 8
	.globl ef_mpk_gates
ef_mpk_gates:
	.irp i, SLOT_LIST
	.irp P, 0, 1
	.irp F, 0, 1
	.irp R, 0, 1
	.irp E, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
	QUAD_ENTRY e, \P\F\R, \E, \i
	.endr
	.endr
	.endr
	.endr
	.endr
	.globl ef_mpk_gates_x
ef_mpk_gates_x:
	.irp i, SLOT_LIST
	.irp F, 0, 1
	.irp R, 0, 1
	.irp E, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
	QUAD_XENTRY \F\R, \E, \i
	.endr
	.endr
	.endr
	.endr
	.globl ef_mpk_gate_exits
ef_mpk_gate_exits:
	.irp i, SLOT_LIST
	.quad ef_mpk_gate_00010_\i\()_exit, ef_mpk_gate_01010_\i\()_exit
	.quad ef_mpk_gate_10010_\i\()_exit, ef_mpk_gate_11010_\i\()_exit
	.endr
	.globl ef_mpk_gate_traps
ef_mpk_gate_traps:
	.irp i, SLOT_LIST
	.quad ef_mpk_gate_trap_\i
	.endr
	.globl ef_mpk_cbtramps
ef_mpk_cbtramps:
	.irp i, SLOT_LIST
	.quad ef_mpk_cbtramp_00_\i, ef_mpk_cbtramp_01_\i
	.quad ef_mpk_cbtramp_10_\i, ef_mpk_cbtramp_11_\i
	.endr
	.globl ef_mpk_resume_foreign
ef_mpk_resume_foreign:
	.irp i, SLOT_LIST
	.quad ef_mpk_resume_foreign_0_\i, ef_mpk_resume_foreign_1_\i
	.endr

/* The shadow page: per slot the foreign and the host PKRU, and the
 * current sealed domain's foreign PKRU.  A page of its own, tagged with
 * the shared key: written by the runtime under host PKRU; foreign code can
 * read it but not change it. */
	.section .bss
	.balign MPK_PAGE
	.globl ef_mpk_shadow
ef_mpk_shadow:
	.zero MPK_PAGE
	.size ef_mpk_shadow, MPK_PAGE

/* The sealed gates' owner and the host stack pointer of the call running
 * foreign code (above: ownership); host memory. */
	.balign 64
	.globl ef_mpk_owner, ef_mpk_sealed_rsp
ef_mpk_owner:
	.zero 8
ef_mpk_sealed_rsp:
	.zero 8

/* The signal entry, for every signal the runtime or the program handles
 * (signals.c).  The kernel starts a handler with its own default PKRU,
 * which opens key 0, on the thread's alternate stack (every handler is
 * SA_ONSTACK), with the interrupted thread pointer.  Foreign code never
 * runs with key 0 open, so an entry with key 0 closed is a jump from
 * foreign code, and traps.  A jump past that test, to the wrpkru with the
 * host's PKRU in eax (every domain reads it in the shadow page), would
 * pass the check after it and go on, on a stack and with arguments of
 * foreign code's choosing; so the entry first loads ef_mpk_entry_secret,
 * host memory, which only code with key 0 open can read (a foreign load
 * faults), and after the wrpkru compares it with the secret again: a jump
 * to the wrpkru brings no secret in r10, and traps.  Then: host PKRU
 * (checked); the thread area from
 * the stack pointer, which the kernel chose (the alternate stack lies in
 * it, and foreign code cannot move it: sigaltstack is a system call); its
 * selector saved and set to allow system calls; and a frame of the area's
 * private stack, which no domain can write, unlike the alternate stack
 * (before Linux 6.12 the kernel writes a frame under the interrupted PKRU,
 * so every domain may write it).  ef_mpk_signal runs there, and returns
 * here only to leave through the kernel's frame as it came; the other ways
 * out (the gate's exit, rt_sigreturn into a resume stub) give the private
 * frame back themselves.
 * rdi, rsi, rdx: signo, siginfo, ucontext. */
	.text
	.globl ef_mpk_signal_entry
	.type ef_mpk_signal_entry, @function
ef_mpk_signal_entry:
	mov ef_mpk_entry_secret(%rip), %r10
	mov %rdx, %r8
	xor %ecx, %ecx
	rdpkru
	test $3, %al
	jnz ef_mpk_entry_trap
	mov ef_mpk_host_pkru(%rip), %eax
	wrpkru
	cmp ef_mpk_host_pkru(%rip), %eax
	jne ef_mpk_entry_trap
	cmp ef_mpk_entry_secret(%rip), %r10
	jne ef_mpk_entry_trap
	xor %r10d, %r10d
	mov %r8, %rdx
	xor %ecx, %ecx
	xor %r8d, %r8d
	mov %rsp, %rax
	sub ef_mpk_tareas(%rip), %rax
	cmp $MPK_TAREAS_BYTES, %rax
	jae ef_mpk_signal              /* no thread area: as it is */
	and $-MPK_TAREA, %rax
	add ef_mpk_tareas(%rip), %rax
	mov %rax, %rcx                 /* the thread page */
	movzbl MPK_TP_SELECTOR(%rcx), %r8d
	movb $0, MPK_TP_SELECTOR(%rcx)
	mov $-MPK_PRIV_FRAME, %rax
	lock xadd %rax, MPK_TP_PRIV_SP(%rcx)
	mov %rsp, %r9
	mov %rax, %rsp
	push %r9
	push %rcx
	call ef_mpk_signal
	pop %rcx
	pop %rsp
	lock addq $MPK_PRIV_FRAME, MPK_TP_PRIV_SP(%rcx)
	ret
	.size ef_mpk_signal_entry, . - ef_mpk_signal_entry

/* A jump into the signal entry: the fault it raises is the domain's. */
	.globl ef_mpk_entry_trap
ef_mpk_entry_trap:
	ud2

/* ef_mpk_sigreturn(uc): rt_sigreturn with the ucontext at uc (the kernel
 * finds the frame 8 bytes below the stack pointer). */
	.globl ef_mpk_sigreturn
	.type ef_mpk_sigreturn, @function
ef_mpk_sigreturn:
	mov %rdi, %rsp
	mov $__NR_rt_sigreturn, %eax
	syscall
	ud2
	.size ef_mpk_sigreturn, . - ef_mpk_sigreturn

/* set_fs: thread pointer := rsi; keeps rdi, rsi and rdx. */
	.globl ef_mpk_set_fs
	.type ef_mpk_set_fs, @function
ef_mpk_set_fs:
	mov %rdi, %rsi
set_fs:
	cmpb $0, ef_mpk_fsgsbase(%rip)
	je 9f
	wrfsbase %rsi
	ret
9:	push %rdi
	push %rsi
	push %rdx
	SET_FS_SYSCALL %rsi
	pop %rdx
	pop %rsi
	pop %rdi
	ret
	.size ef_mpk_set_fs, . - ef_mpk_set_fs

	.section .note.GNU-stack, "", @progbits
