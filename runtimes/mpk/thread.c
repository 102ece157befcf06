/* thread.c: threads and the mpk runtime.  A domain has a thread block of
 * its own (foreign code reads its canary at %fs:0x28 and its TLS through
 * the dtv); each host thread that calls into domains needs an alternate
 * signal stack, a callback token and no rseq area first. */
#define _GNU_SOURCE
#include "internal.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <unistd.h>

/* glibc's thread block geometry and where link_map keeps a module's static
 * TLS offset (exported for debuggers: _thread_db_* descriptors). */
static size_t tls_static_size, pthread_size, tls_offset_field;
size_t mpk_tid_offset;

ef_status mpk_thread_block_layout(void)
{
	void (*static_info)(size_t *, size_t *);
	const uint32_t *size, *tid, *tls_offset;
	size_t align;

	static_info = (void (*)(size_t *, size_t *))dlsym(RTLD_DEFAULT, "_dl_get_tls_static_info");
	size = dlsym(RTLD_DEFAULT, "_thread_db_sizeof_pthread");
	tid = dlsym(RTLD_DEFAULT, "_thread_db_pthread_tid");
	tls_offset = dlsym(RTLD_DEFAULT, "_thread_db_link_map_l_tls_offset");
	if (!static_info || !size || !tid || !tls_offset)
		return mpk_fail(EF_E_UNAVAILABLE, "this C library does not export the "
				"thread block layout (_dl_get_tls_static_info, "
				"_thread_db_sizeof_pthread, _thread_db_pthread_tid, "
				"_thread_db_link_map_l_tls_offset); the mpk runtime "
				"needs glibc 2.34 or later");
	static_info(&tls_static_size, &align);
	pthread_size = *size;
	mpk_tid_offset = tid[2];
	tls_offset_field = tls_offset[2];
	if (tls_static_size <= pthread_size || tid[0] != 32 || tls_offset[0] != 64)
		return mpk_fail(EF_E_UNAVAILABLE, "unexpected glibc thread block layout");
	return EF_OK;
}

/* The domain's thread block, in memory with the domain's key: glibc's
 * layout (TLS_TCB_AT_TP) with the static TLS area below the thread pointer
 * and struct pthread above it, followed by a dtv and the namespace's
 * dynamic TLS blocks.  The host's thread block stays host memory.
 *   - TCB head: self pointers, dtv, a canary and pointer guard of the
 *     domain's own (random; the host's are never copied), multiple_threads;
 *   - tid, for pthread_mutex_lock's owner field;
 *   - static TLS: the namespace libc's block (initial-exec TLS, placed by
 *     the loader in the static surplus), copied from the host thread's copy
 *     where the namespace's constructors initialised it; nothing of the
 *     host's own TLS;
 *   - dtv: every module of the namespace, allocated up front. */
ef_status mpk_build_thread_block(struct ef_mpk_ns *ns, struct link_map *head)
{
	struct tls { const ElfW(Phdr) *ph; uintptr_t addr; size_t modid;
		     void *host; uintptr_t offset; int is_static; } tls[32];
	unsigned ntls = 0;
	size_t below = tls_static_size - pthread_size, modmax = 0, bytes;
	uintptr_t htp = mpk_thread_pointer(), tp, at;
	uint64_t *dtv;
	uint64_t guard[2];

	for (struct link_map *lm = head; lm; lm = lm->l_next) {
		struct mpk_object o;
		if (lm->l_addr == getauxval(AT_BASE) || mpk_object_of(lm, &o))
			continue;
		for (unsigned j = 0; j < o.phnum; j++) {
			struct tls *t;
			if (o.phdr[j].p_type != PT_TLS || !o.phdr[j].p_memsz)
				continue;
			if (ntls == sizeof tls / sizeof *tls)
				return mpk_fail(EF_E_NOMEM, "too many TLS modules");
			t = &tls[ntls++];
			t->ph = &o.phdr[j];
			t->addr = lm->l_addr;
			t->host = NULL;
			if (dlinfo(lm, RTLD_DI_TLS_MODID, &t->modid) ||
			    dlinfo(lm, RTLD_DI_TLS_DATA, &t->host))
				return mpk_fail(EF_E_UNAVAILABLE, "dlinfo(%s): %s",
						lm->l_name, dlerror());
			/* Static TLS (initial-exec, e.g. the namespace's libc):
			 * the loader gave it an offset below every thread
			 * pointer and initialised the host thread's copy, which
			 * the namespace's constructors have since written.
			 * RTLD_DI_TLS_DATA cannot say: it answers NULL until
			 * the host thread's dtv catches up with the dlmopen. */
			t->offset = *(size_t *)((char *)lm + tls_offset_field);
			t->is_static = t->offset && t->offset != (size_t)-1 &&
				       t->offset <= below;
			if (t->is_static)
				t->host = (void *)(htp - t->offset);
			if (t->modid > modmax)
				modmax = t->modid;
		}
	}
	/* [static TLS][struct pthread][dtv][dynamic TLS blocks] */
	bytes = below + pthread_size + (modmax + 2) * 16;
	for (unsigned i = 0; i < ntls; i++)
		if (!tls[i].is_static)
			bytes += tls[i].ph->p_memsz + tls[i].ph->p_align + 16;
	bytes = (bytes + MPK_PAGE - 1) & ~(size_t)(MPK_PAGE - 1);
	ns->tblock = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ns->tblock == MAP_FAILED) {
		ns->tblock = NULL;
		return mpk_fail(EF_E_NOMEM, "mmap(thread block): %s", strerror(errno));
	}
	tp = (uintptr_t)ns->tblock + below;
	dtv = (uint64_t *)(tp + pthread_size);
	dtv[0] = modmax;                                  /* dtv[-1].counter */
	dtv[2] = (*(uint64_t **)(htp + 8))[0];            /* generation */
	at = (uintptr_t)(dtv + 2 * (modmax + 2));
	for (unsigned i = 0; i < ntls; i++) {
		const ElfW(Phdr) *ph = tls[i].ph;
		uintptr_t block;
		if (tls[i].is_static) {
			block = tp - tls[i].offset;
			memcpy((void *)block, tls[i].host, ph->p_memsz);
		} else {
			size_t al = ph->p_align ? ph->p_align : 1;
			block = (at + al - 1) & ~(uintptr_t)(al - 1);
			at = block + ph->p_memsz;
			if (tls[i].host)
				memcpy((void *)block, tls[i].host, ph->p_memsz);
			else
				memcpy((void *)block, (void *)(tls[i].addr + ph->p_vaddr),
				       ph->p_filesz);
		}
		dtv[2 + 2 * tls[i].modid] = block;
	}
	if (getrandom(guard, sizeof guard, 0) != sizeof guard)
		return mpk_fail(EF_E_UNAVAILABLE, "getrandom: %s", strerror(errno));
	guard[0] &= ~(uint64_t)0xff;      /* glibc's canaries start with NUL */
	((uint64_t *)tp)[0] = tp;                         /* tcb */
	((uint64_t *)tp)[1] = (uint64_t)(dtv + 2);        /* dtv */
	((uint64_t *)tp)[2] = tp;                         /* self */
	*(int *)(tp + 24) = *(int *)(htp + 24);           /* multiple_threads */
	((uint64_t *)tp)[5] = guard[0];                   /* stack_guard, 0x28 */
	((uint64_t *)tp)[6] = guard[1];                   /* pointer_guard, 0x30 */
	*(int32_t *)(tp + mpk_tid_offset) = (int32_t)gettid();
	if (pkey_mprotect(ns->tblock, bytes, PROT_READ | PROT_WRITE, ns->key))
		return mpk_fail(EF_E_UNAVAILABLE, "pkey_mprotect(thread block): %s",
				strerror(errno));
	ef_mpk_slots[ns->slot].tcb = tp;
	return EF_OK;
}

/* The thread areas (layout.h): reserved once, MPK_TAREAS of them, given
 * to threads as they first call into a domain and back when they end. */
uintptr_t ef_mpk_tareas;
static unsigned char tarea_taken[MPK_TAREAS];
static pthread_key_t tarea_key;

static void tarea_release(void *tp)
{
	__atomic_store_n(&tarea_taken[((uintptr_t)tp - ef_mpk_tareas) / MPK_TAREA], 0,
			 __ATOMIC_RELEASE);
}

static void tareas_reserve(void)
{
	unsigned char *p = mmap(NULL, MPK_TAREAS_BYTES + MPK_TAREA, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED || pthread_key_create(&tarea_key, tarea_release))
		return;
	ef_mpk_tareas = ((uintptr_t)p + MPK_TAREA - 1) & ~(uintptr_t)(MPK_TAREA - 1);
}

/* The calling thread's area: its thread page (the shared key), the
 * alternate signal stack (the key every domain may write, see
 * mpk_altstack_key), the private stack of the signal entry (key 0), guard
 * pages between.  A stack the program set up itself is replaced, since a
 * frame could not be written to it while foreign code runs. */
static void thread_area(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	stack_t ss = { .ss_size = MPK_ALTSTACK };
	struct mpk_tpage *tp;
	unsigned char *a;
	unsigned k;

	if (mpk_altstack_key < 0)
		return;
	pthread_once(&once, tareas_reserve);
	for (k = 0; k < MPK_TAREAS; k++)
		if (ef_mpk_tareas && !__atomic_exchange_n(&tarea_taken[k], 1, __ATOMIC_ACQUIRE))
			break;
	if (k == MPK_TAREAS) {
		fprintf(stderr, "efbench mpk runtime: no thread area left (at most %u "
			"threads call into domains): a foreign stack overflow will "
			"end the process, and sealed domains refuse this thread\n",
			MPK_TAREAS);
		return;
	}
	a = (unsigned char *)ef_mpk_tareas + (size_t)k * MPK_TAREA;
	if (pkey_mprotect(a, MPK_PAGE, PROT_READ | PROT_WRITE, mpk_shared_key) ||
	    pkey_mprotect(a + MPK_ALTSTACK_AT, MPK_ALTSTACK, PROT_READ | PROT_WRITE,
			  mpk_altstack_key) ||
	    mprotect(a + MPK_PRIV_AT, MPK_TAREA - MPK_PRIV_AT, PROT_READ | PROT_WRITE)) {
		fprintf(stderr, "efbench mpk runtime: no thread area (%s): a foreign "
			"stack overflow will end the process\n", strerror(errno));
		tarea_taken[k] = 0;
		return;
	}
	tp = (struct mpk_tpage *)a;
	memset(tp, 0, sizeof *tp);
	tp->host_fs = mpk_thread_pointer();
	tp->priv_sp = (uintptr_t)a + MPK_TAREA;
	pthread_setspecific(tarea_key, tp);
	ss.ss_sp = mpk_altstack_of(tp);
	if (sigaltstack(&ss, NULL))
		fprintf(stderr, "efbench mpk runtime: sigaltstack: %s\n", strerror(errno));
	ef_mpk_tls.tpage = (uintptr_t)tp;
	ef_mpk_tls.owner = (uintptr_t)tp | 1;
}

/* Syscall user dispatch is per thread and a child of fork starts without
 * it, while its memory says the forking thread is sealed: the child's
 * thread takes it up again, or ends (its sealed domains must not run
 * unsealed). */
static __thread int sealed;

static int dispatch_on(void)
{
	return prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, 0, 0,
		     (void *)(uintptr_t)(ef_mpk_tls.tpage + MPK_TP_SELECTOR));
}

static void reseal_child(void)
{
	if (sealed && dispatch_on()) {
		fprintf(stderr, "efbench mpk runtime: syscall user dispatch in a "
			"child of fork: %s\n", strerror(errno));
		_exit(127);
	}
}

static void register_reseal(void)
{
	pthread_atfork(NULL, NULL, reseal_child);
}

ef_status mpk_thread_seal(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	if (sealed)
		return EF_OK;
	if (!ef_mpk_tls.tpage)
		return mpk_fail(EF_E_UNAVAILABLE, "this thread has no thread area "
				"for the selector of syscall user dispatch");
	if (ef_mpk_fsgsbase) {
		/* A sealed gate's exit sets the GS base to 0, the host's. */
		uintptr_t gs;
		__asm__ volatile("rdgsbase %0" : "=r"(gs));
		if (gs)
			return mpk_fail(EF_E_UNAVAILABLE, "this thread's GS base is "
					"%#lx; a sealed gate restores 0", (unsigned long)gs);
	}
	if (dispatch_on())
		return mpk_fail(EF_E_UNAVAILABLE, "syscall user dispatch "
				"(PR_SET_SYSCALL_USER_DISPATCH, Linux 5.11): %s",
				strerror(errno));
	sealed = 1;
	pthread_once(&once, register_reseal);
	return EF_OK;
}

/* glibc registers an rseq area inside the host thread block; the kernel
 * updates it on preemption and signal delivery under the interrupted PKRU,
 * and kills the process when that write faults, which it does whenever
 * foreign code is interrupted.  Unregistering it for threads that call
 * into domains removes the write; glibc then falls back to the system call
 * for sched_getcpu.  (GLIBC_TUNABLES=glibc.pthread.rseq=0 does the same for
 * a whole process.) */
void ef_mpk_thread_init(void)
{
	static __thread int ready;
	const unsigned sizes[] = { __rseq_size, 32 };

	if (ready)
		return;
	ready = 1;
	/* A thread that started before the runtime allocated its shared and
	 * alternate-stack keys has them closed, and the kernel could not
	 * write a signal frame for it on its alternate stack: the runtime
	 * would need a wrpkru of the host PKRU that returns to its caller,
	 * which foreign code could use as well (mpk_open_host_keys opens
	 * keys allocated later, through rt_sigreturn). */
	if (mpk_altstack_key >= 0) {      /* (no rdpkru without the keys) */
		uint32_t pkru = mpk_rdpkru();
		if (pkru >> (2 * mpk_altstack_key) & 3 || pkru >> (2 * mpk_shared_key) & 3) {
			fprintf(stderr, "efbench mpk runtime: this thread started before "
				"the first domain opened, and its PKRU closes the runtime's "
				"keys: start threads that call into domains after it\n");
			abort();
		}
	}
	ef_mpk_tls.token = mpk_thread_pointer() | 1;   /* never a stack pointer */
	thread_area();
	if (!__rseq_size)
		return;
	for (unsigned i = 0; i < 2; i++)
		if (!syscall(SYS_rseq, (void *)(mpk_thread_pointer() + __rseq_offset),
			     sizes[i], RSEQ_FLAG_UNREGISTER, RSEQ_SIG))
			return;
	fprintf(stderr, "efbench mpk runtime: cannot unregister rseq: %s; "
		"run with GLIBC_TUNABLES=glibc.pthread.rseq=0\n", strerror(errno));
}
