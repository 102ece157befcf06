/* mpk.c: the mpk runtime's loader, keys, thread blocks and signals.  See
 * mpk.h for the model and gate.S for the gate. */
#define _GNU_SOURCE
#include "mpk.h"

#include <cpuid.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096u

ef_mpk_slot ef_mpk_slots[EF_MPK_SLOTS];

/* gate.S */
extern unsigned char ef_mpk_shadow[PAGE];
extern void *const ef_mpk_gates[EF_MPK_SLOTS][2][EF_MPK_VARIANTS];
extern void ef_mpk_signal_entry(int, siginfo_t *, void *);

/* Read by gate.S's signal entry, which runs with the kernel's default PKRU
 * (key 0 readable). */
uint32_t ef_mpk_host_pkru;
unsigned char ef_mpk_fsgsbase;
void (*ef_mpk_handlers[NSIG])(int, siginfo_t *, void *);

struct shadow {
	uint32_t foreign, host;
};
#define SHADOW(i) ((struct shadow *)(ef_mpk_shadow + (i) * 64))
_Static_assert(EF_MPK_SLOTS * 64 <= PAGE, "one shadow page");
_Static_assert(sizeof(ef_mpk_slot) == 128, "gate.S: SLOT_SIZE");
_Static_assert(offsetof(ef_mpk_slot, host_fs) == 40, "gate.S: S_HOST_FS");

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
};

static struct ef_mpk_ns namespaces[EF_MPK_SLOTS];
static unsigned nnamespaces;
static int shared_key = -1;
static ef_mpk_policy policy = EF_MPK_STRICT;
static __thread char last_error[512];

/* glibc's thread block geometry and where link_map keeps a module's static
 * TLS offset (exported for debuggers: _thread_db_* descriptors). */
static size_t tls_static_size, pthread_size, tid_offset, tls_offset_field;

static ef_status fail(ef_status s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
	return s;
}

const char *ef_mpk_error(void)
{
	return last_error[0] ? last_error : "no error";
}

static inline uint32_t rdpkru(void)
{
	uint32_t eax, edx;
	__asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static inline void wrpkru(uint32_t v)
{
	__asm__ volatile("wrpkru" : : "a"(v), "c"(0), "d"(0) : "memory");
}

static inline uintptr_t thread_pointer(void)
{
	uintptr_t tp;
	__asm__("mov %%fs:0, %0" : "=r"(tp));
	return tp;
}

const char *ef_mpk_unavailable(void)
{
	static char why[256];
	static int checked;
	unsigned a, b, c, d;
	int k;

	if (checked)
		return why[0] ? why : NULL;
	checked = 1;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		snprintf(why, sizeof why, "CPUID has no leaf 7, so no "
			 "protection keys");
	else if (!(c & bit_PKU))
		snprintf(why, sizeof why, "the CPU has no protection keys "
			 "(CPUID.(EAX=7,ECX=0):ECX.PKU[bit 3] = 0)");
	else if (!(c & bit_OSPKE))
		snprintf(why, sizeof why, "the kernel has not enabled "
			 "protection keys (CPUID OSPKE = 0: a kernel without "
			 "CONFIG_X86_INTEL_MEMORY_PROTECTION_KEYS, or nopku)");
	else if ((k = pkey_alloc(0, 0)) < 0)
		snprintf(why, sizeof why, "pkey_alloc failed: %s",
			 strerror(errno));
	else
		pkey_free(k);
	return why[0] ? why : NULL;
}

void ef_mpk_set_policy(ef_mpk_policy p) { policy = p; }
ef_mpk_policy ef_mpk_policy_get(void) { return policy; }
int ef_mpk_shared_key(void) { return shared_key; }
int ef_mpk_uses_fsgsbase(void) { return ef_mpk_fsgsbase; }

/* A loaded object's program headers.  dl_iterate_phdr reports only its
 * caller's namespace, so for a domain's objects they are read where the
 * loader mapped them: a shared object's first segment maps the ELF header
 * (file offset 0, address 0) at l_addr, and the header table with it. */
struct object {
	uintptr_t addr;
	const ElfW(Phdr) *phdr;
	unsigned phnum;
};

static int object_of(const struct link_map *l, struct object *o)
{
	const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)l->l_addr;

	if (!l->l_addr || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_phentsize != sizeof(ElfW(Phdr)))
		return -1;
	o->addr = l->l_addr;
	o->phdr = (const ElfW(Phdr) *)(l->l_addr + eh->e_phoff);
	o->phnum = eh->e_phnum;
	return 0;
}

/* Tag every mapping inside [lo, hi) with `key`, keeping its protection
 * (so RELRO stays read-only and gaps stay inaccessible). */
static ef_status tag_range(uintptr_t lo, uintptr_t hi, int key)
{
	static char maps[1 << 20];
	size_t n = 0;
	ssize_t r;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return fail(EF_E_UNAVAILABLE, "cannot read /proc/self/maps: %s",
			    strerror(errno));
	while (n < sizeof maps - 1 &&
	       (r = (ssize_t)fread(maps + n, 1, sizeof maps - 1 - n, f)) > 0)
		n += (size_t)r;
	fclose(f);
	maps[n] = 0;
	for (char *line = maps; *line; ) {
		char *next = strchr(line, '\n');
		unsigned long s, e;
		char perms[5];
		if (next)
			*next++ = 0;
		else
			next = line + strlen(line);
		if (sscanf(line, "%lx-%lx %4s", &s, &e, perms) == 3 &&
		    e > lo && s < hi) {
			int prot = (perms[0] == 'r' ? PROT_READ : 0) |
				   (perms[1] == 'w' ? PROT_WRITE : 0) |
				   (perms[2] == 'x' ? PROT_EXEC : 0);
			uintptr_t a = s > lo ? s : lo, b = e < hi ? e : hi;
			if (pkey_mprotect((void *)a, b - a, prot, key))
				return fail(EF_E_UNAVAILABLE, "pkey_mprotect of "
					    "%#lx-%#lx failed: %s", (unsigned long)a,
					    (unsigned long)b, strerror(errno));
		}
		line = next;
	}
	return EF_OK;
}

/* Once per process: the shared key, the shadow page, the loader's data,
 * glibc's thread block geometry. */
static ef_status global_init(void)
{
	static ef_status done = (ef_status)-1;
	void (*static_info)(size_t *, size_t *);
	const uint32_t *size, *tid, *tls_offset;
	size_t align;
	uintptr_t ldso = getauxval(AT_BASE);

	if (done != (ef_status)-1)
		return done;
	done = EF_E_UNAVAILABLE;
	/* wrfsbase where the kernel enables FSGSBASE (HWCAP2 bit 1, Linux 5.9
	 * and later); otherwise the gates switch the thread pointer with
	 * arch_prctl, two system calls per round trip.  EFBENCH_MPK_FSGSBASE=0
	 * forces that path, to test and measure it. */
	ef_mpk_fsgsbase = (getauxval(AT_HWCAP2) & 2) != 0;
	if (getenv("EFBENCH_MPK_FSGSBASE") && !strcmp(getenv("EFBENCH_MPK_FSGSBASE"), "0"))
		ef_mpk_fsgsbase = 0;

	static_info = (void (*)(size_t *, size_t *))dlsym(RTLD_DEFAULT, "_dl_get_tls_static_info");
	size = dlsym(RTLD_DEFAULT, "_thread_db_sizeof_pthread");
	tid = dlsym(RTLD_DEFAULT, "_thread_db_pthread_tid");
	tls_offset = dlsym(RTLD_DEFAULT, "_thread_db_link_map_l_tls_offset");
	if (!static_info || !size || !tid || !tls_offset)
		return fail(done, "this C library does not export the thread "
			    "block layout (_dl_get_tls_static_info, "
			    "_thread_db_sizeof_pthread, _thread_db_pthread_tid, "
			    "_thread_db_link_map_l_tls_offset); the mpk runtime "
			    "needs glibc 2.34 or later");
	static_info(&tls_static_size, &align);
	pthread_size = *size;
	tid_offset = tid[2];
	tls_offset_field = tls_offset[2];
	if (tls_static_size <= pthread_size || tid[0] != 32 || tls_offset[0] != 64)
		return fail(done, "unexpected glibc thread block layout");

	shared_key = pkey_alloc(0, 0);
	if (shared_key < 0)
		return fail(done, "pkey_alloc: %s", strerror(errno));
	/* The shadow page: the gate writes it under host PKRU; foreign code
	 * reads it. */
	if (pkey_mprotect(ef_mpk_shadow, PAGE, PROT_READ | PROT_WRITE, shared_key))
		return fail(done, "pkey_mprotect(shadow page): %s", strerror(errno));
	/* What the dynamic loader's code needs to read while foreign code
	 * runs: ld.so's RELRO segment, which holds _rtld_global_ro (the page
	 * size for getpagesize() and sysconf(), CPU features, the vDSO entry
	 * points).  It is read-only for everyone already; the shared key lets
	 * foreign code read it.  ld.so's writable data (_rtld_global: link
	 * maps, TLS generation, locks) stays host memory: dlmopen binds every
	 * symbol at load (RTLD_NOW) and the domain's __tls_get_addr reads
	 * only the domain's dtv (heap.c), so foreign code never needs it. */
	{
		struct link_map ld = { .l_addr = ldso };
		struct object o;
		if (object_of(&ld, &o))
			return fail(done, "cannot read ld.so's program headers");
		for (unsigned j = 0; j < o.phnum; j++) {
			const ElfW(Phdr) *ph = &o.phdr[j];
			uintptr_t lo, hi;
			if (ph->p_type != PT_GNU_RELRO)
				continue;
			lo = (ldso + ph->p_vaddr) & ~(uintptr_t)(PAGE - 1);
			hi = (ldso + ph->p_vaddr + ph->p_memsz) & ~(uintptr_t)(PAGE - 1);
			if (hi > lo && pkey_mprotect((void *)lo, hi - lo, PROT_READ, shared_key))
				return fail(done, "pkey_mprotect(ld.so RELRO): %s",
					    strerror(errno));
		}
	}
	ef_mpk_host_pkru = rdpkru();
	done = EF_OK;
	return done;
}

/* PKRU while the domain with `key` runs: every key denied but its own,
 * the shared key read-only, and key 0 readable under EF_MPK_HOST_READ. */
static uint32_t foreign_pkru(int key, ef_mpk_policy p)
{
	uint32_t v = 0xffffffffu;
	v &= ~(3u << (2 * key));
	v &= ~(1u << (2 * shared_key));
	if (p == EF_MPK_HOST_READ)
		v &= ~1u;
	return v;
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
static ef_status build_thread_block(struct ef_mpk_ns *ns, struct link_map *head)
{
	struct tls { const ElfW(Phdr) *ph; uintptr_t addr; size_t modid;
		     void *host; uintptr_t offset; int is_static; } tls[32];
	unsigned ntls = 0;
	size_t below = tls_static_size - pthread_size, modmax = 0, bytes;
	uintptr_t htp = thread_pointer(), tp, at;
	uint64_t *dtv;
	uint64_t guard[2];

	for (struct link_map *lm = head; lm; lm = lm->l_next) {
		struct object o;
		if (lm->l_addr == getauxval(AT_BASE) || object_of(lm, &o))
			continue;
		for (unsigned j = 0; j < o.phnum; j++) {
			struct tls *t;
			if (o.phdr[j].p_type != PT_TLS || !o.phdr[j].p_memsz)
				continue;
			if (ntls == sizeof tls / sizeof *tls)
				return fail(EF_E_NOMEM, "too many TLS modules");
			t = &tls[ntls++];
			t->ph = &o.phdr[j];
			t->addr = lm->l_addr;
			t->host = NULL;
			if (dlinfo(lm, RTLD_DI_TLS_MODID, &t->modid) ||
			    dlinfo(lm, RTLD_DI_TLS_DATA, &t->host))
				return fail(EF_E_UNAVAILABLE, "dlinfo(%s): %s",
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
	bytes = (bytes + PAGE - 1) & ~(size_t)(PAGE - 1);
	ns->tblock = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ns->tblock == MAP_FAILED) {
		ns->tblock = NULL;
		return fail(EF_E_NOMEM, "mmap(thread block): %s", strerror(errno));
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
		return fail(EF_E_UNAVAILABLE, "getrandom: %s", strerror(errno));
	guard[0] &= ~(uint64_t)0xff;      /* glibc's canaries start with NUL */
	((uint64_t *)tp)[0] = tp;                         /* tcb */
	((uint64_t *)tp)[1] = (uint64_t)(dtv + 2);        /* dtv */
	((uint64_t *)tp)[2] = tp;                         /* self */
	*(int *)(tp + 24) = *(int *)(htp + 24);           /* multiple_threads */
	((uint64_t *)tp)[5] = guard[0];                   /* stack_guard, 0x28 */
	((uint64_t *)tp)[6] = guard[1];                   /* pointer_guard, 0x30 */
	*(int32_t *)(tp + tid_offset) = (int32_t)gettid();
	if (pkey_mprotect(ns->tblock, bytes, PROT_READ | PROT_WRITE, ns->key))
		return fail(EF_E_UNAVAILABLE, "pkey_mprotect(thread block): %s",
			    strerror(errno));
	ef_mpk_slots[ns->slot].tcb = tp;
	return EF_OK;
}

static ef_status load_namespace(struct ef_mpk_ns *ns, const char *set)
{
	char stub[128];
	void (*arena)(void **, size_t *);
	struct link_map *lm;
	Dl_info info;
	ef_status s;
	void *m;

	snprintf(ns->set, sizeof ns->set, "%s", set);
	snprintf(stub, sizeof stub, "libefstub-%s.so", set);
	ns->handle = dlmopen(LM_ID_NEWLM, stub, RTLD_NOW | RTLD_LOCAL);
	if (!ns->handle)
		return fail(EF_E_UNAVAILABLE, "dlmopen(%s): %s", stub, dlerror());
	arena = (void (*)(void **, size_t *))dlsym(ns->handle, "efheap_arena");
	m = dlsym(ns->handle, "malloc");
	if (!arena || !m || !dladdr(m, &info) ||
	    !strstr(info.dli_fname, "libefheap"))
		return fail(EF_E_UNAVAILABLE, "%s does not put libefheap.so "
			    "first: malloc in its namespace comes from %s", stub,
			    m && dladdr(m, &info) ? info.dli_fname : "nowhere");
	ns->key = pkey_alloc(0, 0);
	if (ns->key < 0)
		return fail(EF_E_UNAVAILABLE, "pkey_alloc: %s (at most %u "
			    "domains)", strerror(errno), EF_MPK_SLOTS);
	ef_mpk_host_pkru = rdpkru();
	arena(&ns->arena, &ns->arena_bytes);
	if (!ns->arena_bytes)
		return fail(EF_E_NOMEM, "the domain heap could not reserve its arena");
	if (pkey_mprotect(ns->arena, ns->arena_bytes, PROT_READ | PROT_WRITE, ns->key))
		return fail(EF_E_UNAVAILABLE, "pkey_mprotect(domain heap): %s",
			    strerror(errno));

	if (dlinfo(ns->handle, RTLD_DI_LINKMAP, &lm))
		return fail(EF_E_UNAVAILABLE, "dlinfo: %s", dlerror());
	while (lm->l_prev)
		lm = lm->l_prev;
	s = EF_OK;
	/* Every object of the namespace but ld.so, which all namespaces share
	 * with the host. */
	for (struct link_map *l = lm; l && !s; l = l->l_next) {
		struct object o;
		uintptr_t lo = UINTPTR_MAX, hi = 0;
		if (l->l_addr == getauxval(AT_BASE))
			continue;
		if (object_of(l, &o))
			return fail(EF_E_UNAVAILABLE, "cannot read the program "
				    "headers of %s", l->l_name);
		for (unsigned j = 0; j < o.phnum; j++) {
			const ElfW(Phdr) *ph = &o.phdr[j];
			if (ph->p_type != PT_LOAD)
				continue;
			if (l->l_addr + ph->p_vaddr < lo)
				lo = l->l_addr + ph->p_vaddr;
			if (l->l_addr + ph->p_vaddr + ph->p_memsz > hi)
				hi = l->l_addr + ph->p_vaddr + ph->p_memsz;
		}
		if (hi > lo)
			s = tag_range(lo & ~(uintptr_t)(PAGE - 1),
				      (hi + PAGE - 1) & ~(uintptr_t)(PAGE - 1), ns->key);
	}
	return s ? s : build_thread_block(ns, lm);
}

static struct ef_mpk_ns *find_namespace(const char *set, ef_status *s)
{
	struct ef_mpk_ns *ns;
	ef_mpk_slot *slot;

	for (unsigned i = 0; i < nnamespaces; i++)
		if (!strcmp(namespaces[i].set, set) &&
		    namespaces[i].policy == policy)
			return &namespaces[i];
	if (nnamespaces == EF_MPK_SLOTS) {
		*s = fail(EF_E_NOMEM, "all %u domain slots are in use", EF_MPK_SLOTS);
		return NULL;
	}
	ns = &namespaces[nnamespaces];
	memset(ns, 0, sizeof *ns);
	ns->slot = nnamespaces;
	ns->policy = policy;
	ns->key = -1;
	*s = load_namespace(ns, set);
	if (*s)
		return NULL;      /* the slot stays unused; its key is kept */
	slot = &ef_mpk_slots[ns->slot];
	slot->ns = ns;
	slot->serial = ns->slot + 1;
	for (unsigned v = 0; v < EF_MPK_VARIANTS; v++)
		slot->entry[v] = ef_mpk_gates[ns->slot][ef_mpk_fsgsbase][v];
	SHADOW(ns->slot)->foreign = foreign_pkru(ns->key, ns->policy);
	SHADOW(ns->slot)->host = ef_mpk_host_pkru;
	nnamespaces++;
	return ns;
}

/* The host's argument memory for a domain: anonymous, with the domain's
 * key, and a guard page below it, which is below the foreign stack (see
 * ef_domain_open) and catches its overflow. */
static void *mpk_map(ef_domain *d, size_t bytes)
{
	ef_mpk_slot *slot = d->runtime_state;
	unsigned char *p = mmap(NULL, bytes + PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p, PAGE, PROT_NONE) ||
	    pkey_mprotect(p + PAGE, bytes, PROT_READ | PROT_WRITE, slot->ns->key)) {
		munmap(p, bytes + PAGE);
		return NULL;
	}
	return p + PAGE;
}

static void mpk_unmap(ef_domain *d, void *p, size_t bytes)
{
	(void)d;
	munmap((unsigned char *)p - PAGE, bytes + PAGE);
}

const ef_runtime ef_mpk_runtime = {
	.name = "mpk",
	.map = mpk_map,
	.unmap = mpk_unmap,
	.unavailable = ef_mpk_unavailable,
};

ef_status ef_mpk_open(ef_domain *d, const char *set, const ef_domain_config *cfg)
{
	ef_domain_config c = { 0 };
	struct ef_mpk_ns *ns;
	const char *why;
	ef_status s;

	last_error[0] = 0;
	memset(d, 0, sizeof *d);
	if ((why = ef_mpk_unavailable()))
		return fail(EF_E_UNAVAILABLE, "%s", why);
	if ((s = global_init()))
		return s;
	ns = find_namespace(set, &s);
	if (!ns)
		return s;
	if (cfg)
		c = *cfg;
	c.runtime_state = &ef_mpk_slots[ns->slot];
	if ((s = ef_domain_open(d, &ef_mpk_runtime, &c)))
		return fail(s, "cannot map the domain's memory: %s", ef_strerror(s));
	/* The domain heap's memory is foreign memory the host may upgrade
	 * pointers into. */
	if ((s = ef_domain_add_region(d, ns->arena, ns->arena_bytes,
				      EF_READ | EF_WRITE))) {
		ef_domain_close(d);
		return fail(s, "%s", ef_strerror(s));
	}
	ef_mpk_thread_init();
	return EF_OK;
}

void ef_mpk_close(ef_domain *d)
{
	if (d->runtime)
		ef_domain_close(d);
}

int ef_mpk_key(const ef_domain *d)
{
	const ef_mpk_slot *slot = d->runtime_state;
	return slot && slot->ns ? slot->ns->key : -1;
}

void *ef_mpk_symbol(const ef_domain *d, const char *name)
{
	const ef_mpk_slot *slot = d->runtime_state;
	return slot && slot->ns ? dlsym(slot->ns->handle, name) : NULL;
}

void *ef_mpk_lookup(ef_domain *d, const char *name, ef_mpk_sym *cache)
{
	ef_mpk_slot *slot = d->runtime_state;
	void *addr = ef_mpk_symbol(d, name);

	if (!addr) {
		fprintf(stderr, "efbench mpk runtime: no symbol %s in domain %s\n",
			name, slot && slot->ns ? slot->ns->set : "(closed)");
		abort();
	}
	ef_mpk_thread_init();
	cache->addr = addr;
	cache->serial = slot->serial;
	return addr;
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
	if (!__rseq_size)
		return;
	for (unsigned i = 0; i < 2; i++)
		if (!syscall(SYS_rseq, (void *)(thread_pointer() + __rseq_offset),
			     sizes[i], RSEQ_FLAG_UNREGISTER, RSEQ_SIG))
			return;
	fprintf(stderr, "efbench mpk runtime: cannot unregister rseq: %s; "
		"run with GLIBC_TUNABLES=glibc.pthread.rseq=0\n", strerror(errno));
}

int ef_mpk_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct sigaction a, prev;
	void (*prev_handler)(int, siginfo_t *, void *);
	int r;

	if (sig <= 0 || sig >= NSIG) {
		errno = EINVAL;
		return -1;
	}
	/* Without protection keys there is no foreign code to interrupt, and
	 * the entry stub's wrpkru would fault. */
	if (ef_mpk_unavailable())
		return sigaction(sig, act, old);
	if (!ef_mpk_host_pkru)
		ef_mpk_host_pkru = rdpkru();
	prev_handler = ef_mpk_handlers[sig];
	if (act && act->sa_handler != SIG_DFL && act->sa_handler != SIG_IGN) {
		a = *act;
		ef_mpk_handlers[sig] = (a.sa_flags & SA_SIGINFO)
			? a.sa_sigaction
			: (void (*)(int, siginfo_t *, void *))(void (*)(void))a.sa_handler;
		a.sa_flags |= SA_SIGINFO;
		a.sa_sigaction = ef_mpk_signal_entry;
		r = sigaction(sig, &a, &prev);
	} else {
		r = sigaction(sig, act, &prev);
	}
	if (r)
		return r;
	if (old) {
		*old = prev;
		if (prev.sa_sigaction == ef_mpk_signal_entry)
			old->sa_sigaction = prev_handler;
	}
	return 0;
}
