/* loader.c: opening an mpk domain.  Once per process: the keys, the
 * system-call filter and the fault entry; once per library set and policy:
 * its link namespace, loaded through its stub, scanned, tagged with a key
 * of its own and given a thread block, in the next free slot; per domain:
 * its memory (ef_domain_open, through ef_mpk_runtime). */
#define _GNU_SOURCE
#include "internal.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

static ef_mpk_policy policy = EF_MPK_STRICT;

void ef_mpk_set_policy(ef_mpk_policy p) { policy = p; }

const char *ef_mpk_policy_name(ef_mpk_policy p)
{
	return p == EF_MPK_HOST_READ ? "foreign-read-host"
		: p == EF_MPK_SEALED ? "sealed" : "strict";
}

/* Once per process; the first failure stays the answer. */
static ef_status global_init(void)
{
	static ef_status done = (ef_status)-1;

	if (done != (ef_status)-1)
		return done;
	mpk_probe_cpu();
	if ((done = mpk_thread_block_layout()) || (done = mpk_keys_init()) ||
	    (done = mpk_install_syscall_filter()) || (done = mpk_install_fault_entry()))
		return done;
	return done = EF_OK;
}

/* The object's writable data, for system calls a sealed domain is served
 * (sealed.c): its writable PT_LOAD segments, less the part RELRO makes
 * read-only after relocation. */
static void record_data(struct ef_mpk_ns *ns, const struct link_map *l,
			const struct mpk_object *o)
{
	static struct mpk_range data[EF_MPK_SLOTS][MPK_NS_DATA];
	uintptr_t relro = 0;

	ns->data = data[ns->slot];
	for (unsigned j = 0; j < o->phnum; j++)
		if (o->phdr[j].p_type == PT_GNU_RELRO)
			relro = (l->l_addr + o->phdr[j].p_vaddr + o->phdr[j].p_memsz +
				 MPK_PAGE - 1) & ~(uintptr_t)(MPK_PAGE - 1);
	for (unsigned j = 0; j < o->phnum && ns->ndata < MPK_NS_DATA; j++) {
		const ElfW(Phdr) *ph = &o->phdr[j];
		uintptr_t lo = l->l_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
			continue;
		if (lo < relro)
			lo = relro;
		if (lo < hi)
			ns->data[ns->ndata].lo = lo, ns->data[ns->ndata++].hi = hi;
	}
}

static ef_status load_namespace(struct ef_mpk_ns *ns, const char *set)
{
	char stub[128];
	void (*arena)(void **, size_t *);
	struct link_map *lm;
	Dl_info info;
	size_t usable;
	ef_status s;
	void *m;

	snprintf(ns->set, sizeof ns->set, "%s", set);
	snprintf(stub, sizeof stub, "libefstub-%s.so", set);
	ns->handle = dlmopen(LM_ID_NEWLM, stub, RTLD_NOW | RTLD_LOCAL);
	if (!ns->handle)
		return mpk_fail(EF_E_UNAVAILABLE, "dlmopen(%s): %s", stub, dlerror());
	arena = (void (*)(void **, size_t *))dlsym(ns->handle, "efheap_arena");
	m = dlsym(ns->handle, "malloc");
	if (!arena || !m || !dladdr(m, &info) ||
	    !strstr(info.dli_fname, "libefheap"))
		return mpk_fail(EF_E_UNAVAILABLE, "%s does not put libefheap.so "
				"first: malloc in its namespace comes from %s", stub,
				m && dladdr(m, &info) ? info.dli_fname : "nowhere");
	if ((s = mpk_scan_namespace(ns)))
		return s;
	ns->key = pkey_alloc(0, 0);
	if (ns->key < 0)
		return mpk_fail(EF_E_UNAVAILABLE, "pkey_alloc: %s (at most %u "
				"domains)", strerror(errno), EF_MPK_SLOTS);
	mpk_host_pkru_changed();
	arena(&ns->arena, &ns->arena_bytes);
	if (!ns->arena_bytes)
		return mpk_fail(EF_E_NOMEM, "the domain heap could not reserve its arena");
	/* Sealed: the heap's memory past the cap cannot be touched, so a
	 * library that commits more faults and its call ends, before the
	 * machine's memory runs out. */
	usable = mpk_sealed(ns) && ns->arena_bytes > EF_MPK_HEAP_CAP
		? EF_MPK_HEAP_CAP : ns->arena_bytes;
	if (usable < ns->arena_bytes &&
	    mprotect((char *)ns->arena + usable, ns->arena_bytes - usable, PROT_NONE))
		return mpk_fail(EF_E_UNAVAILABLE, "mprotect(domain heap cap): %s",
				strerror(errno));
	if (pkey_mprotect(ns->arena, usable, PROT_READ | PROT_WRITE, ns->key))
		return mpk_fail(EF_E_UNAVAILABLE, "pkey_mprotect(domain heap): %s",
				strerror(errno));

	if (mpk_namespace_head(ns, &lm))
		return mpk_fail(EF_E_UNAVAILABLE, "dlinfo: %s", dlerror());
	s = EF_OK;
	/* Every object of the namespace but ld.so, which all namespaces share
	 * with the host. */
	for (struct link_map *l = lm; l && !s; l = l->l_next) {
		struct mpk_object o;
		uintptr_t lo = UINTPTR_MAX, hi = 0;
		if (l->l_addr == getauxval(AT_BASE))
			continue;
		if (mpk_object_of(l, &o))
			return mpk_fail(EF_E_UNAVAILABLE, "cannot read the program "
					"headers of %s", l->l_name);
		record_data(ns, l, &o);
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
			s = mpk_tag_range(lo & ~(uintptr_t)(MPK_PAGE - 1),
					  (hi + MPK_PAGE - 1) & ~(uintptr_t)(MPK_PAGE - 1),
					  ns->key);
	}
	return s ? s : mpk_build_thread_block(ns, lm);
}

static struct ef_mpk_ns *find_namespace(const char *set, ef_status *s)
{
	struct ef_mpk_ns *ns;
	ef_mpk_slot *slot;

	for (unsigned i = 0; i < mpk_nnamespaces; i++)
		if (!strcmp(mpk_namespaces[i].set, set) &&
		    mpk_namespaces[i].policy == policy && !mpk_namespaces[i].poisoned) {
			if (mpk_namespaces[i].refused[0]) {
				*s = mpk_fail(EF_E_UNAVAILABLE, "%s", mpk_namespaces[i].refused);
				return NULL;
			}
			return &mpk_namespaces[i];
		}
	if (policy == EF_MPK_SEALED && !ef_mpk_avx) {
		*s = mpk_fail(EF_E_UNAVAILABLE, "the sealed policy clears the "
			      "vector registers with vzeroall, which needs AVX, and "
			      "this CPU or kernel has none (choose strict)");
		return NULL;
	}
	if (mpk_nnamespaces == EF_MPK_SLOTS) {
		*s = mpk_fail(EF_E_NOMEM, "all %u domain slots are in use", EF_MPK_SLOTS);
		return NULL;
	}
	ns = &mpk_namespaces[mpk_nnamespaces];
	memset(ns, 0, sizeof *ns);
	ns->slot = mpk_nnamespaces;
	ns->cb_domain = &mpk_no_domain;
	ns->policy = policy;
	ns->key = -1;
	*s = load_namespace(ns, set);
	if (*s && ns->handle && ns->key < 0) {
		/* Loaded but refused: remembered, since a process has few
		 * link namespaces to spend. */
		snprintf(ns->refused, sizeof ns->refused, "%s", ef_mpk_error());
		mpk_nnamespaces++;
		return NULL;
	}
	if (*s)
		return NULL;      /* the slot stays unused; its key is kept */
	slot = &ef_mpk_slots[ns->slot];
	slot->ns = ns;
	for (unsigned r = 0; r < 2; r++)
		for (unsigned e = 0; e < EF_MPK_ENTRIES; e++)
			slot->entry[r][e] = mpk_sealed(ns) && ef_mpk_avx512
				? ef_mpk_gates_x[ns->slot][ef_mpk_fsgsbase][r][e]
				: ef_mpk_gates[ns->slot][mpk_sealed(ns)]
					[ef_mpk_fsgsbase][r][e];
	MPK_SHADOW(ns->slot)->foreign = mpk_foreign_pkru(ns->key, ns->policy);
	mpk_nnamespaces++;
	return ns;
}

/* The host's argument memory for a domain: anonymous, with the domain's
 * key, and the guard (MPK_GUARD) below it. */
static void *mpk_map(ef_domain *d, size_t bytes)
{
	ef_mpk_slot *slot = d->runtime_state;
	unsigned char *p = mmap(NULL, bytes + MPK_GUARD, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p, MPK_GUARD, PROT_NONE) ||
	    pkey_mprotect(p + MPK_GUARD, bytes, PROT_READ | PROT_WRITE, slot->ns->key)) {
		munmap(p, bytes + MPK_GUARD);
		return NULL;
	}
	return p + MPK_GUARD;
}

static void mpk_unmap(ef_domain *d, void *p, size_t bytes)
{
	(void)d;
	munmap((unsigned char *)p - MPK_GUARD, bytes + MPK_GUARD);
}

const ef_runtime ef_mpk_runtime = {
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

	mpk_clear_error();
	memset(d, 0, sizeof *d);
	if ((why = ef_mpk_unavailable()))
		return mpk_fail(EF_E_UNAVAILABLE, "%s", why);
	if ((s = global_init()))
		return s;
	ns = find_namespace(set, &s);
	if (!ns)
		return s;
	if (cfg)
		c = *cfg;
	c.runtime_state = &ef_mpk_slots[ns->slot];
	if ((s = ef_domain_open(d, &ef_mpk_runtime, &c)))
		return mpk_fail(s, "cannot map the domain's memory: %s", ef_strerror(s));
	/* The domain heap's memory is foreign memory the host may upgrade
	 * pointers into. */
	if ((s = ef_domain_add_region(d, ns->arena, ns->arena_bytes,
				      EF_READ | EF_WRITE))) {
		ef_domain_close(d);
		return mpk_fail(s, "%s", ef_strerror(s));
	}
	for (unsigned k = 0; ; k++) {
		if (k == MPK_NS_DOMAINS) {
			ef_domain_close(d);
			return mpk_fail(EF_E_NOMEM, "more than %u domains open over "
					"library set %s", k, set);
		}
		if (!ns->domains[k]) {
			ns->domains[k] = d;
			break;
		}
	}
	ef_mpk_thread_init();
	mpk_open_host_keys();
	if (mpk_sealed(ns) && (s = mpk_thread_seal())) {
		ef_mpk_close(d);
		return s;
	}
	return EF_OK;
}

void ef_mpk_close(ef_domain *d)
{
	ef_mpk_slot *slot = d->runtime_state;

	if (slot && slot->ns)
		for (unsigned k = 0; k < MPK_NS_DOMAINS; k++)
			if (slot->ns->domains[k] == d)
				slot->ns->domains[k] = NULL;
	if (slot && slot->ns && slot->ns->cb_domain == d)
		slot->ns->cb_domain = &mpk_no_domain;
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
	mpk_open_host_keys();
	if (mpk_sealed(slot->ns) && mpk_thread_seal()) {
		fprintf(stderr, "efbench mpk runtime: a sealed domain on this "
			"thread: %s\n", ef_mpk_error());
		abort();
	}
	cache->addr = addr;
	cache->slot = slot;
	return addr;
}
