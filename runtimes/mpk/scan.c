/* scan.c: the load-time scan of a namespace's code for bytes that could
 * write PKRU if foreign code jumped to them, and what it found. */
#define _GNU_SOURCE
#include "internal.h"

#include <dlfcn.h>
#include <elf.h>
#include <stdio.h>

static int strict_scan;

void ef_mpk_set_strict_scan(int on) { strict_scan = on; }

/* Every offset of the namespace's executable segments (ld.so's, shared
 * with the host, included) that holds the bytes of wrpkru (0f 01 ef) or
 * xrstor (0f ae /5 with a memory operand): code that could write PKRU if
 * foreign code jumped there.  Recorded for the run's metadata; with
 * strict scanning, a reason to refuse the set. */
ef_status mpk_scan_namespace(struct ef_mpk_ns *ns)
{
	struct link_map *lm;

	if (mpk_namespace_head(ns, &lm))
		return mpk_fail(EF_E_UNAVAILABLE, "dlinfo: %s", dlerror());
	ns->nhits = 0;
	for (struct link_map *l = lm; l; l = l->l_next) {
		struct mpk_object o;
		const char *name = mpk_base_name(l->l_name);
		if (mpk_object_of(l, &o))
			continue;
		for (unsigned j = 0; j < o.phnum; j++) {
			const ElfW(Phdr) *ph = &o.phdr[j];
			const unsigned char *p = (const unsigned char *)(o.addr + ph->p_vaddr);
			if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
				continue;
			for (size_t b = 0; b + 2 < ph->p_filesz; b++) {
				const char *insn = NULL;
				ef_mpk_scan_hit *h;
				if (p[b] != 0x0f)
					continue;
				if (p[b + 1] == 0x01 && p[b + 2] == 0xef)
					insn = "wrpkru";
				else if (p[b + 1] == 0xae && ((p[b + 2] >> 3) & 7) == 5 &&
					 (p[b + 2] >> 6) != 3)
					insn = "xrstor";
				if (!insn)
					continue;
				if (ns->nhits++ >= EF_MPK_SCAN_KEPT)
					continue;
				h = &ns->hits[ns->nhits - 1];
				h->addr = (uintptr_t)(p + b);
				h->insn = insn;
				snprintf(h->where, sizeof h->where, "%s+%#lx",
					 name && *name ? name : "?",
					 (unsigned long)(h->addr - o.addr));
			}
		}
	}
	if (strict_scan && ns->nhits)
		return mpk_fail(EF_E_UNAVAILABLE, "refused by strict scanning: %u "
				"wrpkru/xrstor byte sequence%s in the namespace's "
				"code, the first %s at %s", ns->nhits,
				ns->nhits == 1 ? "" : "s", ns->hits[0].insn,
				ns->hits[0].where);
	return EF_OK;
}

const ef_mpk_scan_hit *ef_mpk_scan(const ef_domain *d, unsigned *n)
{
	const ef_mpk_slot *slot = d->runtime_state;
	*n = slot && slot->ns ? slot->ns->nhits : 0;
	return *n ? slot->ns->hits : NULL;
}

const ef_mpk_scan_hit *ef_mpk_scan_of(unsigned i, const char **set, unsigned *n)
{
	if (i >= mpk_nnamespaces)
		return NULL;
	*set = mpk_namespaces[i].set;
	*n = mpk_namespaces[i].nhits;
	return mpk_namespaces[i].hits;
}
