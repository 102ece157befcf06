/* sfi.c: the sfi runtime's host side: the modules compiled in, a domain's
 * instance and memory, callbacks through the function table, the WASI
 * functions the modules import, and what a trap leaves behind. */
#define _GNU_SOURCE
#include "sfi.h"

#include "sfi_brotli.h"
#include "sfi_sodium.h"
#include "sfi_sfitest.h"
#include "sfi_ubench.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/membarrier.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

void ef_sfi_thread_setup(void);              /* wasm_rt.c */
static void barrier_register(void);

/* A module: wasm2c's functions for it, with the instance as void *. */
struct ef_sfi_module {
	const char *name;
	size_t inst_size;
	void (*init_module)(void);
	void (*instantiate)(void *inst, struct Z_wasi_snapshot_preview1_instance_t *wasi);
	void (*initialize)(void *inst);         /* the reactor's _initialize */
	wasm_rt_memory_t *(*memory)(void *inst);
	wasm_rt_funcref_table_t *(*table)(void *inst);
	void (*free)(void *inst);
	int *initialized;
};

/* Z_<m>_instantiate takes the WASI instance only when the module imports
 * from it: call the form it has (the other is never called). */
typedef void (*ef_sfi_fn)(void);
#define EF_SFI_INSTANTIATE(m, inst, wasi) do {                                      \
	ef_sfi_fn f_ = (ef_sfi_fn)Z_##m##_instantiate;                               \
	if (_Generic(&Z_##m##_instantiate, void (*)(Z_##m##_instance_t *): 1, default: 0)) \
		((void (*)(Z_##m##_instance_t *))f_)(inst);                          \
	else                                                                         \
		((void (*)(Z_##m##_instance_t *,                                     \
			   struct Z_wasi_snapshot_preview1_instance_t *))f_)(inst, wasi); \
} while (0)

#define EF_SFI_MODULE(m)                                                             \
	static void m##_instantiate(void *inst, struct Z_wasi_snapshot_preview1_instance_t *w) \
	{                                                                            \
		EF_SFI_INSTANTIATE(m, (Z_##m##_instance_t *)inst, w);                \
	}                                                                            \
	static void m##_initialize(void *inst) { Z_##m##Z__initialize(inst); }      \
	static wasm_rt_memory_t *m##_memory(void *inst) { return Z_##m##Z_memory(inst); } \
	static wasm_rt_funcref_table_t *m##_table(void *inst)                        \
	{                                                                            \
		return Z_##m##Z___indirect_function_table(inst);                     \
	}                                                                            \
	static void m##_free(void *inst) { Z_##m##_free(inst); }                    \
	static int m##_initialized;                                                  \
	const ef_sfi_module ef_sfi_module_##m = {                                    \
		#m, sizeof(Z_##m##_instance_t), Z_##m##_init_module, m##_instantiate, \
		m##_initialize, m##_memory, m##_table, m##_free, &m##_initialized,    \
	};
EF_SFI_MODULE(ubench)
EF_SFI_MODULE(sodium)
EF_SFI_MODULE(brotli)
EF_SFI_MODULE(sfitest)

/* Library sets and their modules: hmac and sodium share libsodium's. */
static const struct {
	const char *set;
	const ef_sfi_module *module;
} sets[] = {
	{ "ubench", &ef_sfi_module_ubench },
	{ "hmac", &ef_sfi_module_sodium },
	{ "sodium", &ef_sfi_module_sodium },
	{ "brotli", &ef_sfi_module_brotli },
	{ "sfitest", &ef_sfi_module_sfitest },
};

const ef_sfi_module *ef_sfi_module_of(const char *set)
{
	for (size_t i = 0; i < sizeof sets / sizeof *sets; i++)
		if (!strcmp(sets[i].set, set))
			return sets[i].module;
	return NULL;
}

static __thread char open_error[256];
static __thread int refused;    /* the thread's last refused call */

const char *ef_sfi_error(void)
{
	return open_error;
}

const char *ef_sfi_unavailable(void)
{
	return NULL;
}

/* Domain memory: pages added to the instance's linear memory.  They stay
 * until the instance goes (a linear memory never shrinks). */
static void *sfi_map(ef_domain *d, size_t bytes)
{
	ef_sfi_state *s = d->runtime_state;
	wasm_rt_memory_t *m = s->module->memory(s->inst);
	size_t pages = (bytes + 65535) / 65536;
	uint32_t old;

	if (pages > m->max_pages)
		return NULL;
	old = wasm_rt_grow_memory(m, (uint32_t)pages);
	return old == UINT32_MAX ? NULL : m->data + (size_t)old * 65536;
}

static void sfi_unmap(ef_domain *d, void *p, size_t bytes)
{
	(void)d, (void)p, (void)bytes;
}

const ef_runtime ef_sfi_runtime = {
	.map = sfi_map,
	.unmap = sfi_unmap,
	.unavailable = ef_sfi_unavailable,
};

/* The domain's one region is the whole linear memory, kept up to date as
 * it grows (wasm_rt.c calls this from memory.grow). */
static void cover_memory(ef_sfi_state *s)
{
	ef_domain *d = s->d;

	d->regions[0] = (ef_region){ (uintptr_t)s->base,
				     (uintptr_t)s->base + *s->size, EF_READ | EF_WRITE };
	d->nregions = 1;
}

void ef_sfi_memory_grew(const wasm_rt_memory_t *m)
{
	ef_sfi_state *s = ef_sfi_self.cur;

	if (s && s->d && s->size == &m->size)
		cover_memory(s);
}

static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;

static void free_state(ef_sfi_state *s, int instantiated)
{
	if (instantiated)
		s->module->free(s->inst);
	pthread_mutex_destroy(&s->lock);
	free(s->inst);
	free(s);
}

ef_status ef_sfi_open(ef_domain *d, const char *set)
{
	const ef_sfi_module *m = ef_sfi_module_of(set);
	ef_sfi_thread *t = &ef_sfi_self;
	ef_domain_config cfg = { 0 };
	ef_sfi_saved sv = { t->jb, t->cur, 0 };
	volatile int stage = 0;
	ef_sfi_state *s;
	ef_sfi_jmp jb;
	ef_status st;

	memset(d, 0, sizeof *d);
	open_error[0] = 0;
	if (!m) {
		snprintf(open_error, sizeof open_error, "no wasm module for "
			 "library set %s", set);
		return EF_E_ARG;
	}
	if (!t->ready)
		ef_sfi_thread_setup();
	pthread_mutex_lock(&open_lock);
	barrier_register();
	if (!*m->initialized) {
		m->init_module();
		*m->initialized = 1;
	}
	pthread_mutex_unlock(&open_lock);
	s = calloc(1, sizeof *s);
	if (!s || !(s->inst = calloc(1, m->inst_size))) {
		free(s);
		return EF_E_NOMEM;
	}
	s->module = m;
	s->wasi.s = s;
	pthread_mutex_init(&s->lock, NULL);
	/* Instantiation traps when memory cannot be had, _initialize when
	 * the library's constructors fault. */
	t->jb = jb;
	if (__builtin_setjmp(jb)) {
		t->jb = sv.jb;
		t->cur = sv.cur;
		snprintf(open_error, sizeof open_error, "module %s: %s %s", m->name,
			 stage ? "_initialize trapped:" : "cannot instantiate:",
			 wasm_rt_strerror(t->trap));
		free_state(s, stage);
		return stage ? EF_E_FAULT : EF_E_NOMEM;
	}
	m->instantiate(s->inst, &s->wasi);
	stage = 1;
	s->base = m->memory(s->inst)->data;
	s->size = &m->memory(s->inst)->size;
	t->cur = s;
	m->initialize(s->inst);
	t->jb = sv.jb;
	t->cur = sv.cur;

	cfg.runtime_state = s;
	st = ef_domain_open(d, &ef_sfi_runtime, &cfg);
	if (st) {
		snprintf(open_error, sizeof open_error, "module %s: cannot add %s "
			 "of domain memory", m->name, "the heap and stack");
		free_state(s, 1);
		memset(d, 0, sizeof *d);
		return st;
	}
	s->d = d;
	cover_memory(s);
	s->live = m;
	return EF_OK;
}

void ef_sfi_close(ef_domain *d)
{
	ef_sfi_state *s = d->runtime_state;

	ef_domain_close(d);
	if (s)
		free_state(s, 1);
}

int ef_sfi_enter_slow(ef_sfi_state *s, const ef_sfi_module *m)
{
	ef_sfi_thread *t = &ef_sfi_self;

	if (!t->ready)
		ef_sfi_thread_setup();
	if (s->live == m)
		return 1;
	if (!s->live) {
		t->status = EF_E_FAULT;
		return 0;
	}
	t->status = refused = EF_E_ARG;
	return 0;
}

/* membarrier: a full memory barrier on every running thread of the
 * process, for the taking over of an instance (sfi.h, ef_sfi_claim).
 * Without it (Linux before 4.14) an instance stays with the first thread
 * that called it. */
static int barrier_ready;       /* 1 registered, -1 unavailable */

static void barrier_register(void)
{
	if (!barrier_ready)
		barrier_ready = syscall(SYS_membarrier,
					MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) ? -1 : 1;
}

/* An owner no thread is. */
static char taking_over;

int ef_sfi_take(ef_sfi_state *s)
{
	ef_sfi_thread *t = &ef_sfi_self;
	void *holder;
	int ok = 1;

	pthread_mutex_lock(&s->lock);
	holder = __atomic_load_n(&s->owner, __ATOMIC_SEQ_CST);
	if (holder && holder != (void *)t) {
		if (barrier_ready < 0) {
			ok = 0;
		} else {
			__atomic_store_n(&s->owner, (void *)&taking_over, __ATOMIC_SEQ_CST);
			if (syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0)) {
				fprintf(stderr, "efbench sfi runtime: membarrier: %s\n",
					strerror(errno));
				abort();
			}
			ok = !__atomic_load_n(&s->inside, __ATOMIC_SEQ_CST);
		}
	}
	__atomic_store_n(&s->owner, ok ? (void *)t : holder, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&s->lock);
	if (!ok)
		t->status = refused = EF_E_BUSY;
	return ok;
}

static void describe_trap(ef_sfi_state *s);

void ef_sfi_trapped(const ef_sfi_saved *sv)
{
	ef_sfi_thread *t = &ef_sfi_self;
	ef_sfi_state *s = t->cur;

	s->live = NULL;
	s->trap = t->trap;
	t->status = t->trap == EF_SFI_TRAP_TIMEOUT ? EF_E_TIMEOUT : EF_E_FAULT;
	t->host = 0;
	t->expired = 0;
	describe_trap(s);
	ef_sfi_leave(s, sv);
	ef_epoch_advance(s->d);
}

static void describe_trap(ef_sfi_state *s)
{
	ef_sfi_thread *t = &ef_sfi_self;
	int n;

	if (s->why[0])
		return;         /* a callback or import said why first */
	if (t->trap == EF_SFI_TRAP_TIMEOUT) {
		snprintf(s->why, sizeof s->why, "a call into module %s ran past its "
			 "time limit (%g s)", s->module->name, ef_sfi_timeout());
		return;
	}
	n = snprintf(s->why, sizeof s->why, "wasm trap in module %s: %s",
		     s->module->name, wasm_rt_strerror(t->trap));
	if (t->fault_addr && n > 0 && (size_t)n < sizeof s->why) {
		uintptr_t a = t->fault_addr, base = (uintptr_t)s->base;
		if (a >= base && a - base < (8ull << 30))
			snprintf(s->why + n, sizeof s->why - n, " (offset %#lx, "
				 "memory size %#x)", (unsigned long)(a - base), *s->size);
		else
			snprintf(s->why + n, sizeof s->why - n, " (address %#lx)",
				 (unsigned long)a);
	}
	t->fault_addr = 0;
}

const char *ef_sfi_fault_message(const ef_domain *d, char *buf, size_t len)
{
	const ef_sfi_state *s = d->runtime_state;

	if (s && !s->live) {
		snprintf(buf, len, "%s", s->why[0] ? s->why : "the domain is poisoned");
		return buf;
	}
	if (refused) {
		snprintf(buf, len, "a call was refused: %s", ef_strerror(refused));
		return buf;
	}
	return NULL;
}

/* Callbacks: the slot's entry in the module's function table is this host
 * function, of the type (i64 x 6) -> i64 that efub_call_back's call_indirect
 * checks, with the slot as its closure.  It runs the host function as host
 * code (a fault there is the host's, not a trap) and advances the epoch,
 * because foreign code ran since the last check. */
static u64 callback_entry(void *closure, u64 a, u64 b, u64 c, u64 d4, u64 e, u64 f)
{
	ef_sfi_callback *cb = closure;
	ef_sfi_state *s = cb->s;
	ef_domain *d = s->d;
	ef_sfi_thread *t = &ef_sfi_self;
	u64 r;

	if (!d || cb->slot >= d->ncallbacks || !d->callbacks[cb->slot]) {
		snprintf(s->why, sizeof s->why, "foreign code called callback slot "
			 "%u, which is not registered", cb->slot);
		wasm_rt_trap(WASM_RT_TRAP_CALL_INDIRECT);
	}
	ef_epoch_advance(d);
	__atomic_store_n(&t->cur, NULL, __ATOMIC_RELAXED);
	r = d->callbacks[cb->slot](a, b, c, d4, e, f);
	/* The time limit starts again: the host's time is not the call's. */
	__atomic_store_n(&t->seq, t->seq + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&t->cur, s, __ATOMIC_RELAXED);
	return r;
}

void *ef_sfi_callback_address(ef_domain *d, unsigned slot)
{
	static uint32_t type;
	ef_sfi_state *s = d->runtime_state;
	wasm_rt_funcref_table_t *table;
	uint32_t k;

	if (!s || slot >= d->ncallbacks || slot >= EF_MAX_CALLBACKS)
		return NULL;
	if (s->cb_index[slot])
		return (void *)(uintptr_t)s->cb_index[slot];
	if (!type)
		type = wasm_rt_register_func_type(6, 1, WASM_RT_I64, WASM_RT_I64,
						  WASM_RT_I64, WASM_RT_I64, WASM_RT_I64,
						  WASM_RT_I64, WASM_RT_I64);
	s->cb[slot] = (ef_sfi_callback){ s, slot };
	table = s->module->table(s->inst);
	k = wasm_rt_grow_funcref_table(table, 1, (wasm_rt_funcref_t){
		type, (wasm_rt_function_ptr_t)(void (*)(void))callback_entry, &s->cb[slot] });
	if (k == UINT32_MAX || !k)
		return NULL;
	s->cb_index[slot] = k;
	return (void *)(uintptr_t)k;
}

/* WASI, what the modules import from wasi-libc: random_get for libsodium's
 * randombytes (getrandom), proc_exit (a trap), and no files. */
#define WASI_EBADF 8

static ef_sfi_state *wasi_state(struct Z_wasi_snapshot_preview1_instance_t *w)
{
	return w->s;
}

u32 Z_wasi_snapshot_preview1Z_random_get(struct Z_wasi_snapshot_preview1_instance_t *w,
					 u32 buf, u32 len)
{
	ef_sfi_state *s = wasi_state(w);
	unsigned char *p = s->base + buf;

	if ((uint64_t)buf + len > *s->size)
		wasm_rt_trap(WASM_RT_TRAP_OOB);
	ef_sfi_host_enter();
	while (len) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(s->why, sizeof s->why, "random_get: getrandom: %s",
				 strerror(errno));
			ef_sfi_self.host--;
			wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE);
		}
		p += n;
		len -= (u32)n;
	}
	ef_sfi_host_leave();
	return 0;
}

u32 Z_wasi_snapshot_preview1Z_fd_write(struct Z_wasi_snapshot_preview1_instance_t *w,
				       u32 fd, u32 iovs, u32 niovs, u32 written)
{
	(void)w, (void)fd, (void)iovs, (void)niovs, (void)written;
	return WASI_EBADF;
}

u32 Z_wasi_snapshot_preview1Z_fd_close(struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd)
{
	(void)w, (void)fd;
	return WASI_EBADF;
}

u32 Z_wasi_snapshot_preview1Z_fd_seek(struct Z_wasi_snapshot_preview1_instance_t *w,
				      u32 fd, u64 offset, u32 whence, u32 to)
{
	(void)w, (void)fd, (void)offset, (void)whence, (void)to;
	return WASI_EBADF;
}

void Z_wasi_snapshot_preview1Z_proc_exit(struct Z_wasi_snapshot_preview1_instance_t *w,
					 u32 code)
{
	ef_sfi_state *s = wasi_state(w);

	snprintf(s->why, sizeof s->why, "module %s called exit(%u)",
		 s->module->name, code);
	wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE);
}
