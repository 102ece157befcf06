/* internal.h: what the files of the mpk runtime share and nothing outside
 * runtimes/mpk/ may use: the loaded namespaces, the keys, the gate's tables,
 * and each file's functions for the others.  mpk.h is the public API.
 *
 * The files, each using only files listed after it (tests/cli/test_mpk_calls.sh
 * checks that they use one another without a cycle):
 *   loader.c     opening a domain: once-per-process set-up, namespaces
 *   signals.c    signal dispositions, and faults of foreign code
 *   sealed.c     the system calls a sealed domain is served
 *   watchdog.c   the time limit on foreign calls
 *   callbacks.c  foreign code calling host functions
 *   scan.c       the load-time scan for wrpkru and xrstor bytes
 *   thread.c     the domain's thread block; each host thread's set-up
 *   syscalls.c   the seccomp filter
 *   keys.c       the shared and alternate-stack keys, PKRU values
 *   elf.c        loaded objects' program headers, tagging mappings
 *   cpu.c        CPUID and kernel support
 *   state.c      the slots, ef_mpk_tls, the namespaces, the last error
 * and gate.S below them all, which enters C only at the callback and signal
 * entries (ef_mpk_callback_dispatch, ef_mpk_signal). */
#ifndef EF_MPK_INTERNAL_H
#define EF_MPK_INTERNAL_H

#include "mpk.h"
#include "layout.h"

#include <link.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* Internal symbols need no GOT: the runtime is linked into the program. */
#pragma GCC visibility push(hidden)

/* The host's argument memory for a domain has a guard below it, which is
 * below the foreign stack (see ef_domain_open) and catches its overflow:
 * 64 KiB, since a function with a large frame can step over one page. */
#define MPK_GUARD (16 * MPK_PAGE)

struct mpk_range { uintptr_t lo, hi; };
#define MPK_NS_DATA 32          /* ranges of writable data per namespace */

/* One loaded library set: a link namespace, its key, its thread block. */
struct ef_mpk_ns {
	char set[64];
	void *handle;
	int key;
	unsigned slot;
	ef_mpk_policy policy;
	void *arena;                /* the domain heap (libefheap.so) */
	size_t arena_bytes;
	unsigned char *tblock;      /* the domain's thread block mapping */
	struct mpk_range *data;     /* the namespace's writable data
				     * (PT_LOAD with PF_W, less RELRO; outside
				     * this structure, whose size the gate
				     * paths index by): sealed.c serves
				     * writes there */
	unsigned ndata;
#define MPK_NS_DOMAINS 16
	ef_domain *domains[MPK_NS_DOMAINS]; /* open domains over it (callbacks
					 * find theirs by the foreign stack
					 * pointer) */
	ef_domain *cb_domain;       /* the last one a callback came from, or
				     * &mpk_no_domain (callbacks.c) */
	volatile int poisoned;
	volatile int timed_out;     /* the watchdog sent SIGXCPU for its call */
	char refused[300];          /* why the set was loaded but refused */
	ef_mpk_fault fault;         /* what poisoned it */
	ef_mpk_scan_hit hits[EF_MPK_SCAN_KEPT]; /* the scan's first hits */
	unsigned nhits;             /* all of them */
};

/* Slot i's PKRU values in the shadow page (gate.S). */
struct mpk_shadow {
	uint32_t foreign, host;
};
#define MPK_SHADOW(i) ((struct mpk_shadow *)(ef_mpk_shadow + (i) * MPK_SHADOW_SIZE))

/* A thread page (thread.c): the first page of a thread area. */
struct mpk_tpage {
	volatile uint8_t selector;  /* syscall user dispatch: 1 blocks this
				     * thread's system calls (sealed gates) */
	uint8_t pad[7];
	uint64_t host_fs;           /* the thread's own thread pointer */
	uint64_t priv_sp;           /* the top of the private stack free for
				     * the next signal entry */
	uint32_t callbacks;         /* sealed callbacks it waits in: while
				     * any, no other thread takes
				     * ef_mpk_owner from it */
};

/* What a callback entry (gate.S) pushes on the host stack. */
struct mpk_cb_frame {
	uint64_t saved[4];          /* what the way back needs: dispatch's
				     * (callbacks.c), and the expect[i] the
				     * entry keeps (MPK_CB_SAVED_EXPECT) */
	uint64_t k;                 /* the trampoline */
	uint64_t args[6];
	uint64_t foreign_sp;
	uint64_t gate_sp;           /* the gate frame's stack pointer */
};

/* gate.S reads and writes these fields by the offsets of layout.h. */
_Static_assert(sizeof(ef_mpk_slot) == MPK_SLOT_SIZE, "layout.h: MPK_SLOT_SIZE");
_Static_assert(offsetof(ef_mpk_slot, host_rsp) == MPK_SLOT_HOST_RSP &&
	       offsetof(ef_mpk_slot, host_fs) == MPK_SLOT_HOST_FS &&
	       offsetof(ef_mpk_slot, tcb) == MPK_SLOT_TCB, "layout.h: MPK_SLOT_*");
_Static_assert(offsetof(struct mpk_tpage, selector) == MPK_TP_SELECTOR &&
	       offsetof(struct mpk_tpage, host_fs) == MPK_TP_HOST_FS &&
	       offsetof(struct mpk_tpage, priv_sp) == MPK_TP_PRIV_SP &&
	       offsetof(struct mpk_tpage, callbacks) == MPK_TP_CALLBACKS, "layout.h: MPK_TP_*");
_Static_assert(MPK_PRIV_AT + 3 * MPK_PRIV_FRAME < MPK_TAREA, "layout.h: MPK_TAREA");
_Static_assert(offsetof(ef_mpk_thread, stack_bytes) == MPK_TLS_STACK_BYTES &&
	       offsetof(ef_mpk_thread, foreign_sp) == MPK_TLS_FOREIGN_SP &&
	       offsetof(ef_mpk_thread, status) == MPK_TLS_STATUS &&
	       offsetof(ef_mpk_thread, token) == MPK_TLS_TOKEN &&
	       offsetof(ef_mpk_thread, expect) == MPK_TLS_EXPECT &&
	       offsetof(ef_mpk_thread, tpage) == MPK_TLS_TPAGE &&
	       offsetof(ef_mpk_thread, owner) == MPK_TLS_OWNER, "layout.h: MPK_TLS_*");
_Static_assert(sizeof(struct mpk_shadow) <= MPK_SHADOW_SIZE &&
	       offsetof(struct mpk_shadow, foreign) == MPK_SHADOW_FOREIGN &&
	       offsetof(struct mpk_shadow, host) == MPK_SHADOW_HOST, "layout.h: MPK_SHADOW_*");
_Static_assert(EF_MPK_SLOTS * MPK_SHADOW_SIZE <= MPK_SHADOW_CURRENT, "one shadow page");
_Static_assert(sizeof(struct ef_mpk_ns) == MPK_NS_SIZE &&
	       offsetof(struct ef_mpk_ns, poisoned) == MPK_NS_POISONED, "layout.h: MPK_NS_*");
_Static_assert(offsetof(struct mpk_cb_frame, k) == MPK_CB_K &&
	       offsetof(struct mpk_cb_frame, args) == MPK_CB_ARGS &&
	       offsetof(struct mpk_cb_frame, foreign_sp) == MPK_CB_FOREIGN_SP &&
	       offsetof(struct mpk_cb_frame, gate_sp) == MPK_CB_GATE_SP, "layout.h: MPK_CB_*");
_Static_assert(EF_E_FAULT == MPK_E_FAULT && EF_E_BUSY == MPK_E_BUSY, "layout.h: MPK_E_*");
_Static_assert(EF_MAX_CALLBACKS == MPK_CALLBACKS, "layout.h: MPK_CALLBACKS");

/* gate.S: the gate entries [slot][P][F][R][E] (P: sealed, F: wrfsbase,
 * R: rdx returned, E: ef_mpk_entry), the sealed gates' entries for
 * AVX-512 machines [slot][F][R][E], exits [slot][P][F] (S=0,
 * R=1), traps [slot], callback trampolines [slot][P][F], the resume
 * stubs; the shadow page; the entries. */
extern unsigned char ef_mpk_shadow[MPK_PAGE];
/* Sealed gates (gate.S, ownership): the thread page of the thread that
 * runs foreign code of sealed domains (| 1), or ran it last; the host
 * stack pointer of its running call; the running domain's foreign PKRU. */
extern uint64_t ef_mpk_owner, ef_mpk_sealed_rsp;
static inline volatile uint32_t *mpk_current_pkru(void)
{
	return (volatile uint32_t *)(ef_mpk_shadow + MPK_SHADOW_CURRENT);
}
extern void *const ef_mpk_gates[EF_MPK_SLOTS][MPK_POLICIES][2][2][EF_MPK_ENTRIES];
extern void *const ef_mpk_gates_x[EF_MPK_SLOTS][2][2][EF_MPK_ENTRIES];
extern void *const ef_mpk_gate_exits[EF_MPK_SLOTS][MPK_POLICIES][2];
extern void *const ef_mpk_gate_traps[EF_MPK_SLOTS];
/* The gates' code, every slot's (gate.S). */
extern const char ef_mpk_gates_text[], ef_mpk_gates_text_end[];
extern void *const ef_mpk_cbtramps[EF_MPK_SLOTS][MPK_POLICIES][2];
extern void *const ef_mpk_resume_foreign[EF_MPK_SLOTS][MPK_POLICIES];
extern void ef_mpk_resume_host(void);
extern void ef_mpk_gate_poisoned(void);
extern void ef_mpk_signal_entry(int, siginfo_t *, void *);
extern void ef_mpk_entry_trap(void);
extern void ef_mpk_set_fs(uintptr_t tp);
extern void ef_mpk_unwind(void *exit) __attribute__((noreturn));
/* rt_sigreturn from the signal frame whose ucontext is at uc. */
extern void ef_mpk_sigreturn(void *uc) __attribute__((noreturn));

/* state.c */
extern struct ef_mpk_ns mpk_namespaces[EF_MPK_SLOTS];
/* A domain whose stack holds no stack pointer: a namespace's cb_domain
 * before its first callback and after that domain closes. */
extern ef_domain mpk_no_domain;
extern unsigned mpk_nnamespaces;
/* Sets ef_mpk_error's message; returns s. */
ef_status mpk_fail(ef_status s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void mpk_clear_error(void);

/* cpu.c.  ef_mpk_fsgsbase is read by gate.S's signal entry, which runs
 * with the kernel's default PKRU (key 0 readable); ef_mpk_avx512 by the
 * sealed callback entries (zmm16-31 and k0-k7 to clear); ef_mpk_avx (the
 * sealed gates' vzeroall) by the loader. */
extern unsigned char ef_mpk_fsgsbase, ef_mpk_avx, ef_mpk_avx512;
/* Where XSAVE keeps PKRU, to read the interrupted PKRU from a signal
 * frame; 0 when unknown. */
extern unsigned mpk_pkru_xsave_offset;
/* Whether the gates use wrfsbase; where XSAVE keeps PKRU; AVX. */
void mpk_probe_cpu(void);

/* elf.c */
/* A loaded object's program headers. */
struct mpk_object {
	uintptr_t addr;
	const ElfW(Phdr) *phdr;
	unsigned phnum;
};
int mpk_object_of(const struct link_map *l, struct mpk_object *o);
/* The first object of the namespace's link map; -1 when dlinfo fails. */
int mpk_namespace_head(const struct ef_mpk_ns *ns, struct link_map **lm);
/* The file name of a path, without its directories. */
const char *mpk_base_name(const char *path);
ef_status mpk_tag_range(uintptr_t lo, uintptr_t hi, int key);

/* keys.c.  ef_mpk_host_pkru is read by gate.S's signal entry. */
extern uint32_t ef_mpk_host_pkru;
extern int mpk_shared_key, mpk_altstack_key;
/* The shared key, the shadow page, ld.so's RELRO, the alternate signal
 * stacks' key, the host PKRU. */
ef_status mpk_keys_init(void);
void mpk_host_pkru_changed(void);
uint32_t mpk_foreign_pkru(int key, ef_mpk_policy p);

/* syscalls.c */
ef_status mpk_install_syscall_filter(void);

/* thread.c.  ef_mpk_tareas (the thread areas' region, 0 until reserved)
 * is read by gate.S's signal entry. */
extern uintptr_t ef_mpk_tareas;
/* The offset of the thread id in glibc's struct pthread. */
extern size_t mpk_tid_offset;
/* Syscall user dispatch for the calling thread, on its thread page's
 * selector (once per thread); EF_E_UNAVAILABLE where the kernel has none. */
ef_status mpk_thread_seal(void);
/* The thread area's alternate stack of the thread page tp. */
static inline void *mpk_altstack_of(const struct mpk_tpage *tp)
{
	return (unsigned char *)tp + MPK_ALTSTACK_AT;
}
/* Reads glibc's thread block geometry. */
ef_status mpk_thread_block_layout(void);
ef_status mpk_build_thread_block(struct ef_mpk_ns *ns, struct link_map *head);

/* scan.c */
ef_status mpk_scan_namespace(struct ef_mpk_ns *ns);

/* signals.c */
/* The signal entry's secret (gate.S): random, never 0, in host memory,
 * which no foreign PKRU lets code read; set before the entry is
 * installed. */
extern uint64_t ef_mpk_entry_secret;
/* The signal entry for the signals that end a foreign call (faults, traps,
 * aborts, refused system calls). */
ef_status mpk_install_fault_entry(void);
/* Entered from gate.S's signal entry with host PKRU and the selector
 * allowing system calls: tp is the thread page of the thread area the
 * kernel's stack pointer lay in (NULL for a thread without one), and
 * old_selector what the selector was. */
void ef_mpk_signal(int sig, siginfo_t *si, void *ucv, struct mpk_tpage *tp,
		   unsigned old_selector);
/* Gives the calling thread host PKRU where it started before the runtime
 * allocated some of its keys. */
void mpk_open_host_keys(void);

/* sealed.c: serves system call nr with arguments a of a sealed domain's
 * foreign code into *ret (a result or -errno), and returns 1; returns 0
 * for a call that is refused. */
int mpk_serve_syscall(const struct ef_mpk_ns *ns, long nr, const uint64_t a[6],
		      long *ret);

/* watchdog.c: the limit ef_mpk_set_foreign_timeout set (0: none). */
double mpk_foreign_timeout(void);

/* callbacks.c: entered from gate.S's callback entries, strict and sealed. */
uint64_t ef_mpk_callback_dispatch(struct ef_mpk_ns *ns, struct mpk_cb_frame *f);
uint64_t ef_mpk_callback_dispatch_sealed(struct ef_mpk_ns *ns, struct mpk_cb_frame *f);

#pragma GCC visibility pop

static inline uint32_t mpk_rdpkru(void)
{
	uint32_t eax, edx;
	__asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static inline uintptr_t mpk_thread_pointer(void)
{
	uintptr_t tp;
	__asm__("mov %%fs:0, %0" : "=r"(tp));
	return tp;
}

/* d's stack holds the foreign stack pointer sp, with `room` bytes below
 * it: mpk_stack_spans for a domain that is there, mpk_stack_holds for
 * one that may be NULL. */
static inline int mpk_stack_spans(const ef_domain *d, uintptr_t sp, size_t room)
{
	return sp >= (uintptr_t)d->stack_lo + room && sp <= (uintptr_t)d->stack_top;
}

static inline int mpk_stack_holds(const ef_domain *d, uintptr_t sp, size_t room)
{
	return d && mpk_stack_spans(d, sp, room);
}

/* 1 for a sealed namespace: the index of its gates' policy variant. */
static inline unsigned mpk_sealed(const struct ef_mpk_ns *ns)
{
	return ns->policy == EF_MPK_SEALED;
}

/* The host thread pointer of the thread whose call runs in slot i, or 0
 * when none does (a thread waiting in a callback of the slot runs none).
 * Sealed slots: the thread running foreign code of sealed domains, when
 * that is slot i's (gate.S, ownership). */
static inline uint64_t mpk_slot_inside(unsigned i)
{
	const ef_mpk_slot *slot = &ef_mpk_slots[i];
	uint64_t v;

	if (!slot->ns)
		return 0;
	if (mpk_sealed(slot->ns)) {
		v = __atomic_load_n(&ef_mpk_owner, __ATOMIC_ACQUIRE);
		return (v & 1) && *mpk_current_pkru() == MPK_SHADOW(i)->foreign
			? ((const struct mpk_tpage *)(v - 1))->host_fs : 0;
	}
	v = __atomic_load_n(&slot->host_rsp, __ATOMIC_ACQUIRE);
	return v && !(v & 1) ? slot->host_fs : 0;
}

/* The namespace is poisoned, and the calling thread's call failed. */
static inline void mpk_poison(struct ef_mpk_ns *ns)
{
	ef_mpk_slot *slot = &ef_mpk_slots[ns->slot];
	ns->poisoned = 1;
	ef_mpk_tls.status = EF_E_FAULT;
	for (unsigned r = 0; r < 2; r++)
		for (unsigned e = 0; e < EF_MPK_ENTRIES; e++)
			slot->entry[r][e] = (void *)ef_mpk_gate_poisoned;
}

#endif
