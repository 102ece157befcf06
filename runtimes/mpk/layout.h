/* layout.h: the numbers gate.S and the mpk runtime's C share: counts, and
 * the offsets of the fields of C structures the gate reads and writes.
 * Only #defines, so that gate.S can include it; internal.h ties each offset
 * to its structure with _Static_assert, and mpk.h takes EF_MPK_SLOTS from
 * here. */
#ifndef EF_MPK_LAYOUT_H
#define EF_MPK_LAYOUT_H

/* Domain slots: each has its own gates (gate.S lists them by number). */
#define EF_MPK_SLOTS 14
#define MPK_PAGE 4096
/* Callback trampolines per slot (EF_MAX_CALLBACKS, ef.h, C only), each
 * in a block of its own. */
#define MPK_CALLBACKS 128
#define MPK_CBTRAMP_SIZE 16
/* ef_status values the gate stores: EF_E_FAULT, EF_E_BUSY (ef.h). */
#define MPK_E_FAULT 11
#define MPK_E_BUSY 12

/* ef_mpk_slot (mpk.h), an array of EF_MPK_SLOTS. */
#define MPK_SLOT_SIZE 256
#define MPK_SLOT_HOST_RSP 0
#define MPK_SLOT_HOST_FS 8
#define MPK_SLOT_TCB 16

/* Policy variants of the gates: 0 strict (and foreign-read-host), 1
 * sealed (system calls blocked while foreign code runs). */
#define MPK_POLICIES 2

/* ef_mpk_thread (mpk.h), the calling thread's ef_mpk_tls. */
#define MPK_TLS_STACK_BYTES 0
#define MPK_TLS_FOREIGN_SP 8
#define MPK_TLS_STATUS 16
#define MPK_TLS_TOKEN 24
#define MPK_TLS_EXPECT 32
#define MPK_TLS_TPAGE (MPK_TLS_EXPECT + 8 * EF_MPK_SLOTS)
#define MPK_TLS_OWNER (MPK_TLS_TPAGE + 8)

/* The thread areas (thread.c): one aligned block of MPK_TAREA bytes per
 * host thread that calls into domains, MPK_TAREAS of them in one reserved
 * region, so that a signal entry finds its thread's area from the stack
 * pointer the kernel chose (the alternate stack inside it):
 *   MPK_TAREA_PAGE  the thread page, struct mpk_tpage (shared key: foreign
 *                   code reads it, only the host writes it)
 *   then a guard page, the alternate signal stack (MPK_ALTSTACK bytes, the
 *   alternate-stack key), a guard page, and the private stack the signal
 *   entries run on (key 0), MPK_PRIV_FRAME bytes per nested entry. */
#define MPK_TAREA (256 * 1024)
#define MPK_TAREAS 64
#define MPK_TAREAS_BYTES (MPK_TAREA * MPK_TAREAS)
#define MPK_ALTSTACK (64 * 1024)
#define MPK_ALTSTACK_AT (2 * MPK_PAGE)
#define MPK_PRIV_AT (MPK_ALTSTACK_AT + MPK_ALTSTACK + MPK_PAGE)
#define MPK_PRIV_FRAME (40 * 1024)
/* struct mpk_tpage (internal.h) */
#define MPK_TP_SELECTOR 0
#define MPK_TP_HOST_FS 8
#define MPK_TP_PRIV_SP 16
#define MPK_TP_CALLBACKS 24
/* The resume frame a signal entry leaves below the interrupted stack
 * pointer (beyond the 128-byte red zone) for gate.S's resume stubs: the
 * thread page, rcx, rdx, rax, rflags, rip. */
#define MPK_RESUME_BYTES 48

/* struct mpk_shadow (internal.h): one per slot in the shadow page. */
#define MPK_SHADOW_SIZE 64
#define MPK_SHADOW_FOREIGN 0
#define MPK_SHADOW_HOST 4
/* After the slots' records: the foreign PKRU of the sealed domain whose
 * code runs now, or last ran (gate.S, ENTRY_WRPKRU). */
#define MPK_SHADOW_CURRENT (MPK_PAGE - 64)

/* struct mpk_cb_frame (internal.h): what a callback entry pushes for
 * ef_mpk_callback_dispatch. */
#define MPK_CB_SAVED 32             /* four words, dispatch's and the entry's */
#define MPK_CB_SAVED_EXPECT 24      /* the entry's: the thread's expect[i] */
#define MPK_CB_K 32
#define MPK_CB_ARGS 40
#define MPK_CB_FOREIGN_SP 88
#define MPK_CB_GATE_SP 96
/* struct ef_mpk_ns (internal.h): a callback entry passes its slot's, and
 * reads whether the host function's call left it poisoned. */
#define MPK_NS_SIZE 4624
#define MPK_NS_POISONED 264

#endif
