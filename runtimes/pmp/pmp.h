/* pmp.h: the RISC-V PMP runtime (rv32, bare metal).  The host runs in
 * M-mode; the foreign library runs in U-mode, confined by three PMP entries
 * to its code (read/execute) and its data, heap and stack (read/write).
 * The linker script (fw.ld) lays both runs out; the gate is in start.S.
 *
 * Variants, both measured: warm (PMP entries written only when the domain
 * changes: here, on the first call) and cold (written before every call).
 *
 * Arguments: up to 8 words in a0-a7, the rest stacked; an 8-byte argument
 * takes two registers.  The stacked bytes are computed from the arguments'
 * sizes at compile time (EF_PMP_STACK_BYTES).  Returns: a0, or a0:a1.
 */
#ifndef EF_PMP_H
#define EF_PMP_H

#include "../ef.h"
#include "../ef_seq.h"

#include <stdint.h>

/* The last call's trap, when it did not return normally, and how many
 * calls so far ended so (start.S writes both; the count only on the trap's
 * path, so the gate does not pay for it). */
struct ef_pmp_fault {
	uint32_t faulted, mcause, mtval, mepc;
	uint32_t count;
};

/* The armed call, the host's saved registers, a callback in progress and
 * the last call's fault; start.S finds it through mscratch, at the offsets
 * of call-layout.h. */
struct ef_pmp_call {
	uintptr_t sp, stack_bytes;
	uintptr_t springboard, foreign_tp, host_tp;     /* constants */
	uint32_t host[14];      /* ra, sp, s0-s11 */
	uint32_t cb_slot;       /* a callback: its slot, and foreign sp, tp, ra */
	uintptr_t cb_sp, cb_tp, cb_ra;
	struct ef_pmp_fault fault;
};
_Static_assert(EF_MAX_CALLBACKS == 128, "start.S: the callback table");
extern struct ef_pmp_call ef_pmp_call;

extern char ef_pmp_springboard[];
/* The gates: called through a cast to the foreign function's type. */
extern char ef_pmp_gate[], ef_pmp_gate_stacked[];

/* Write the domain's PMP entries. */
void ef_pmp_apply(void);
/* Cold (1: entries rewritten before every call) or warm (0: only when they
 * do not describe the domain yet). */
void ef_pmp_set_cold(int cold);
extern int ef_pmp_cold;
/* Non-zero when the next call must write the entries first. */
extern int ef_pmp_apply_needed;

/* Linker-script bounds of the foreign runs. */
extern char __foreign_text_lo[], __foreign_text_hi[];
extern char __foreign_data_lo[], __foreign_data_hi[];
extern char __foreign_heap_lo[], __foreign_heap_hi[];
extern char __foreign_stack_lo[], __foreign_stack_hi[];

/* Where ilp32 has put the arguments so far: how many of a0-a7 they take,
 * and how many bytes they stack.  A word takes the next of a0-a7; an 8-byte
 * scalar the next two (the low half in a7 and the high half stacked when
 * only a7 is left); the rest go on the stack, 8-byte ones 8-aligned. */
struct ef_pmp_stacking {
	unsigned reg;
	uintptr_t stack;
};
static inline struct ef_pmp_stacking ef_pmp_stack_step(struct ef_pmp_stacking s, size_t size)
{
	if (size <= 4) {
		if (s.reg < 8)
			s.reg++;
		else
			s.stack += 4;
	} else if (s.reg < 7) {
		s.reg += 2;
	} else if (s.reg == 7) {
		s.reg = 8;
		s.stack += 4;
	} else {
		s.stack = ((s.stack + 7) & ~(uintptr_t)7) + 8;
	}
	return s;
}
/* Bytes of stacked arguments for these arguments.  Sizes are those of the
 * argument expressions: pass values of the parameters' types (a cast where
 * they differ), as for the mpk gate.  One step per argument in straight-line
 * code, which folds to a constant (a loop over 100 sizes was not unrolled,
 * and cost 9 instructions per argument on every call). */
#define EF_PMP_ARG_SIZE(a) (sizeof(char[sizeof(a) <= 8 ? 1 : -1]) * sizeof(a))
#define EF_PMP_ARG_STEP(a) ef_st_ = ef_pmp_stack_step(ef_st_, EF_PMP_ARG_SIZE(a));
#define EF_PMP_STACK_BYTES(...) __extension__({                             \
	struct ef_pmp_stacking ef_st_ = { 0, 0 };                           \
	__VA_OPT__(EF_FOREACH(EF_PMP_ARG_STEP, __VA_ARGS__))                \
	ef_st_.stack;                                                       \
})

/* The target goes straight to mepc, where the gate's mret takes it from:
 * nothing in M-mode traps or writes mepc before then (a trap in M-mode
 * ends the firmware).  The "memory" clobber keeps the write before the
 * gate's call.  stack_bytes is a constant: the gate without stacked
 * arguments does not read it, so that call does not store it. */
static inline void ef_pmp_arm(void *fn, uintptr_t sp, uintptr_t stack_bytes)
{
	if (ef_pmp_apply_needed)
		ef_pmp_apply();
	__asm__ volatile("csrw mepc, %0" : : "r"(fn) : "memory");
	ef_pmp_call.sp = sp & ~(uintptr_t)15;
	if (stack_bytes)
		ef_pmp_call.stack_bytes = stack_bytes;
}

/* A foreign call through the gate on stack pointer sp. */
#define EF_PMP_CALL(sp, fn, ...) __extension__({                            \
	uintptr_t ef_sb_ = EF_PMP_STACK_BYTES(__VA_ARGS__);                 \
	ef_pmp_arm((void *)(fn), (uintptr_t)(sp), ef_sb_);                  \
	((__typeof__(&fn))(void *)(ef_sb_ ? ef_pmp_gate_stacked             \
					  : ef_pmp_gate))(__VA_ARGS__);     \
})

/* Domains: the argument heap and stack come from the foreign run's heap;
 * the firmware holds one library set, so `set` only names it.  One domain
 * is open at a time (it receives the callbacks). */
extern const ef_runtime ef_pmp_runtime;
ef_status ef_pmp_open(ef_domain *d, const char *set);
void ef_pmp_close(ef_domain *d);

/* Callbacks: the address foreign code calls to reach slot `slot` of the
 * open domain's callbacks (ef_callback_add).  Foreign code jumps there,
 * the fetch faults (it is host code), and the trap handler runs the host
 * function with the six 64-bit arguments of ef_callback_fn, then resumes
 * foreign code.  A callback cannot call into the domain again. */
void *ef_pmp_callback_address(unsigned slot);

/* NULL while no call into the open domain d has trapped since it was
 * opened; else the last trap (mcause, mtval, mepc), in buf.  The gate does
 * not refuse later calls: the firmware reports the benchmark failed. */
const char *ef_pmp_fault_message(const ef_domain *d, char *buf, size_t len);

/* A foreign call on the domain's stack; the epoch advances after it. */
#define EF_PMP_INVOKE(d, fn, ...) __extension__({                          \
	ef_domain *ef_d_ = (d);                                            \
	__typeof__(fn(__VA_ARGS__)) ef_ret_ =                              \
		EF_PMP_CALL(ef_d_->stack_sp, fn, __VA_ARGS__);             \
	ef_epoch_advance(ef_d_);                                           \
	ef_ret_;                                                           \
})
#define EF_PMP_INVOKE_VOID(d, fn, ...) do {                                \
	ef_domain *ef_d_ = (d);                                            \
	EF_PMP_CALL(ef_d_->stack_sp, fn, __VA_ARGS__);                     \
	ef_epoch_advance(ef_d_);                                           \
} while (0)

/* Instructions retired so far (minstret, 64 bits). */
static inline uint64_t ef_pmp_instret(void)
{
	uint32_t hi, lo, hi2;
	do {
		__asm__ volatile("csrr %0, minstreth" : "=r"(hi));
		__asm__ volatile("csrr %0, minstret" : "=r"(lo));
		__asm__ volatile("csrr %0, minstreth" : "=r"(hi2));
	} while (hi != hi2);
	return (uint64_t)hi << 32 | lo;
}

/* Board: print to the UART; leave through semihosting with a status. */
void ef_board_putc(char c);
void ef_board_puts(const char *s);
void ef_board_exit(int status) __attribute__((noreturn));
extern const char ef_board_name[];

#endif
