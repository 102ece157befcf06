/* scan.c: the load-time scan of the code foreign code can jump to for bytes
 * that could write PKRU, what it found, and under the sealed policy the
 * rewriting of those bytes so that a jump to them traps. */
#define _GNU_SOURCE
#include "internal.h"

#include <dlfcn.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

static int strict_scan;

void ef_mpk_set_strict_scan(int on) { strict_scan = on; }

/* What this process rewrote.  ld.so and the host's libc are shared by
 * every namespace, so a later scan finds ud2 there and learns from this
 * list that it was a wrpkru or xrstor. */
#define MPK_REWRITES 64
static struct {
	uintptr_t addr;
	const char *insn;
} rewrites[MPK_REWRITES];
static unsigned nrewrites;

static const char *rewritten(const unsigned char *p)
{
	for (unsigned i = 0; i < nrewrites; i++)
		if (rewrites[i].addr == (uintptr_t)p)
			return rewrites[i].insn;
	return NULL;
}

static uint64_t uleb(const unsigned char **p)
{
	uint64_t v = 0;
	unsigned shift = 0;
	unsigned char b;
	do {
		b = *(*p)++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	return v;
}

/* How far above the stack pointer the caller's frame (the CFA) is where
 * the function holding pc starts, from the object's unwind tables
 * (.eh_frame_hdr, .eh_frame): 8 for a function entered by a call, 24 for
 * ld.so's lazy-binding trampolines (_dl_runtime_resolve_*,
 * _dl_runtime_profile_*), which only the PLT of a lazily bound object
 * enters, after pushing two words.  -1 where the tables do not say in the
 * form binutils and glibc write them. */
static long entry_cfa(const struct mpk_object *o, uintptr_t pc)
{
	const unsigned char *hdr = NULL, *fde, *cie, *p, *cie_end, *end;
	uint32_t n, lo = 0, hi, len, back;
	int32_t tab[2], begin, range;
	uint64_t reg = 7, off = 8;

	for (unsigned j = 0; j < o->phnum; j++)
		if (o->phdr[j].p_type == PT_GNU_EH_FRAME)
			hdr = (const unsigned char *)(o->addr + o->phdr[j].p_vaddr);
	/* Version 1, a 4-byte pointer to .eh_frame, a udata4 count, a
	 * table of sdata4 pairs relative to the header, sorted. */
	if (!hdr || hdr[0] != 1 || (hdr[1] & 0x07) != 0x03 || hdr[2] != 0x03 ||
	    hdr[3] != 0x3b)
		return -1;
	memcpy(&n, hdr + 8, 4);
	for (hi = n; hi - lo > 1; ) {
		uint32_t mid = lo + (hi - lo) / 2;
		memcpy(tab, hdr + 12 + 8 * (size_t)mid, 8);
		if ((uintptr_t)(hdr + tab[0]) <= pc)
			lo = mid;
		else
			hi = mid;
	}
	if (!n)
		return -1;
	memcpy(tab, hdr + 12 + 8 * (size_t)lo, 8);
	fde = hdr + tab[1];
	memcpy(&len, fde, 4);
	memcpy(&back, fde + 4, 4);
	memcpy(&begin, fde + 8, 4);
	memcpy(&range, fde + 12, 4);
	if (len == 0 || len == 0xffffffffu || !back ||
	    pc < (uintptr_t)(fde + 8) + begin || pc >= (uintptr_t)(fde + 8) + begin + range)
		return -1;
	end = fde + 4 + len;
	cie = fde + 4 - back;
	memcpy(&len, cie, 4);
	cie_end = cie + 4 + len;
	/* "zR" with pc-relative sdata4 addresses, as read above. */
	p = cie + 9;
	if (cie[8] != 1 || strcmp((const char *)p, "zR"))
		return -1;
	p += 3;
	uleb(&p);                       /* code alignment */
	uleb(&p);                       /* data alignment (its bytes) */
	p++;                            /* return address column */
	if (uleb(&p) != 1 || *p++ != 0x1b)
		return -1;
	/* The CIE's initial instructions, then the FDE's up to the first
	 * advance: the rule at the function's first instruction. */
	for (int part = 0; part < 2; part++) {
		if (part) {
			p = fde + 16;
			p += uleb(&p);          /* augmentation data */
			cie_end = end;
		}
		while (p < cie_end) {
			unsigned char op = *p++;
			if (op == 0x00)                         /* nop */
				continue;
			if ((op & 0xc0) == 0x80)                /* offset */
				uleb(&p);
			else if (op == 0x0c)                    /* def_cfa */
				reg = uleb(&p), off = uleb(&p);
			else if (op == 0x0e)                    /* def_cfa_offset */
				off = uleb(&p);
			else if ((op & 0xc0) == 0x40 || (op >= 0x02 && op <= 0x04))
				break;                          /* advance_loc */
			else
				return -1;
		}
	}
	return reg == 7 ? (long)off : -1;
}

int ef_mpk_bind_now(char **argv)
{
	const char *now = getenv("LD_BIND_NOW");

	if (now && *now)
		return 0;
	setenv("LD_BIND_NOW", "1", 1);
	execv("/proc/self/exe", argv);
	return -1;
}

/* Why some object of the process binds lazily, now or when loaded later,
 * or NULL when none does: ld.so writes its lazy resolver's address into
 * GOT[2] of each object it leaves lazy (its PLT jumps there), and binds
 * every later load at once only when LD_BIND_NOW was set.  -z now on the
 * program binds the program alone; libc.so.6 stays lazy. */
static const char *lazy_object(char *buf, size_t len)
{
	const struct r_debug_extended *r = NULL;
	const char *now = getenv("LD_BIND_NOW");

	for (const ElfW(Dyn) *d = _DYNAMIC; d->d_tag != DT_NULL; d++)
		if (d->d_tag == DT_DEBUG)
			r = (const struct r_debug_extended *)d->d_un.d_ptr;
	if (!r || r->base.r_version < 2)
		return "the loader does not list its link namespaces";
	for (; r; r = r->r_next)
		for (const struct link_map *l = r->base.r_map; l; l = l->l_next) {
			uintptr_t got = 0;
			int jmprel = 0;
			for (const ElfW(Dyn) *d = l->l_ld; d && d->d_tag != DT_NULL; d++) {
				if (d->d_tag == DT_PLTGOT)
					got = d->d_un.d_ptr;
				jmprel |= d->d_tag == DT_JMPREL;
			}
			/* A read-only dynamic section holds unrelocated values. */
			if (got && got < l->l_addr)
				got += l->l_addr;
			if (jmprel && got && ((const uintptr_t *)got)[2]) {
				snprintf(buf, len, "%s binds lazily", l->l_name && *l->l_name
					 ? mpk_base_name(l->l_name) : "the program");
				return buf;
			}
		}
	return now && *now ? NULL : "LD_BIND_NOW is not set, so objects loaded "
		"later bind lazily";
}

/* Why the bytes of h cannot be rewritten to trap, or NULL when they can:
 * rewritten are only places no host code runs.  A wrpkru inside pkey_set
 * (the runtime writes PKRU itself and calls no pkey_set); an xrstor of
 * ld.so's lazy-binding trampolines, while no object binds lazily. */
static const char *unfixable(const ef_mpk_scan_hit *h, const struct mpk_object *o,
			     int ldso, char *buf, size_t len)
{
	const ElfW(Sym) *sym = NULL;
	const char *lazy;
	char what[120];
	Dl_info info;

	if (!strcmp(h->insn, "wrpkru"))
		return dladdr1((void *)h->addr, &info, (void **)&sym, RTLD_DL_SYMENT) &&
		       sym && info.dli_sname && !strcmp(info.dli_sname, "pkey_set") &&
		       h->addr + 3 <= (uintptr_t)info.dli_saddr + sym->st_size
			? NULL : "not inside pkey_set";
	if (!ldso || entry_cfa(o, h->addr) != 24)
		return "not inside ld.so's lazy-binding trampolines";
	if (!(lazy = lazy_object(what, sizeof what)))
		return NULL;
	snprintf(buf, len, "%s: ld.so's lazy resolver may run (run with "
		 "LD_BIND_NOW=1)", lazy);
	return buf;
}

/* ud2 over the first two bytes: mprotect (host code may; the page keeps its
 * key) to write, back to read and execute.  Executable throughout, in case
 * the code of mprotect itself shares the page. */
static ef_status rewrite(const ef_mpk_scan_hit *h)
{
	uintptr_t lo = h->addr & ~(uintptr_t)(MPK_PAGE - 1);
	size_t bytes = (h->addr + 2 - lo + MPK_PAGE - 1) & ~(size_t)(MPK_PAGE - 1);

	if (nrewrites == MPK_REWRITES)
		return mpk_fail(EF_E_NOMEM, "more than %u rewrites of wrpkru/xrstor "
				"bytes in one process", MPK_REWRITES);
	if (mprotect((void *)lo, bytes, PROT_READ | PROT_WRITE | PROT_EXEC))
		return mpk_fail(EF_E_UNAVAILABLE, "mprotect(%s, writable): %m", h->where);
	memcpy((void *)h->addr, "\x0f\x0b", 2);
	if (mprotect((void *)lo, bytes, PROT_READ | PROT_EXEC))
		return mpk_fail(EF_E_UNAVAILABLE, "mprotect(%s, read and execute): %m",
				h->where);
	rewrites[nrewrites].addr = h->addr;
	rewrites[nrewrites++].insn = h->insn;
	return EF_OK;
}

struct scan {
	struct ef_mpk_ns *ns;
	unsigned kept;                  /* hits that stay as they are */
	char why[400];                  /* why the first of them does */
	char buf[200];
};

/* Every offset of l's executable segments that holds the bytes of wrpkru
 * (0f 01 ef) or xrstor (0f ae /5 with a memory operand), or a ud2 this
 * process wrote over them: code that could write PKRU if foreign code
 * jumped there. */
static void scan_object(struct scan *s, const struct link_map *l, const char *prefix)
{
	struct ef_mpk_ns *ns = s->ns;
	const char *name = mpk_base_name(l->l_name);
	int ldso = l->l_addr == getauxval(AT_BASE);
	struct mpk_object o;

	if (mpk_object_of(l, &o))
		return;
	for (unsigned j = 0; j < o.phnum; j++) {
		const ElfW(Phdr) *ph = &o.phdr[j];
		const unsigned char *p = (const unsigned char *)(o.addr + ph->p_vaddr);
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		for (size_t b = 0; b + 2 < ph->p_filesz; b++) {
			ef_mpk_scan_hit hit = { .addr = (uintptr_t)(p + b) };
			const char *why = NULL;
			if (p[b] != 0x0f)
				continue;
			if (p[b + 1] == 0x01 && p[b + 2] == 0xef)
				hit.insn = "wrpkru";
			else if (p[b + 1] == 0xae && ((p[b + 2] >> 3) & 7) == 5 &&
				 (p[b + 2] >> 6) != 3)
				hit.insn = "xrstor";
			else if (p[b + 1] == 0x0b && (hit.insn = rewritten(p + b)))
				hit.neutralized = 1;
			if (!hit.insn)
				continue;
			snprintf(hit.where, sizeof hit.where, "%s%s+%#lx", prefix,
				 name && *name ? name : "?", (unsigned long)(hit.addr - o.addr));
			if (!hit.neutralized && (ns->policy != EF_MPK_SEALED ||
			    (why = unfixable(&hit, &o, ldso, s->buf, sizeof s->buf))) &&
			    !s->kept++)
				snprintf(s->why, sizeof s->why, "%s at %s%s%s", hit.insn,
					 hit.where, why ? ": " : "", why ? why : "");
			if (ns->nhits++ < EF_MPK_SCAN_KEPT)
				ns->hits[ns->nhits - 1] = hit;
		}
	}
}

/* The namespace's objects (ld.so, shared with the host, among them) and
 * the host's libc, whose pkey_set foreign code can jump to as well.
 * Under sealed every hit is rewritten to trap, or the set is refused; with
 * strict scanning a hit that stays refuses it too. */
ef_status mpk_scan_namespace(struct ef_mpk_ns *ns)
{
	struct scan s = { .ns = ns };
	struct link_map *lm, *libc;
	Dl_info info;

	if (mpk_namespace_head(ns, &lm))
		return mpk_fail(EF_E_UNAVAILABLE, "dlinfo: %s", dlerror());
	if (!dladdr1((void *)mprotect, &info, (void **)&libc, RTLD_DL_LINKMAP))
		return mpk_fail(EF_E_UNAVAILABLE, "dladdr: the host's libc not found");
	ns->nhits = 0;
	for (const struct link_map *l = lm; l; l = l->l_next)
		scan_object(&s, l, "");
	scan_object(&s, libc, "host ");
	if (ns->policy == EF_MPK_SEALED && !s.kept && ns->nhits > EF_MPK_SCAN_KEPT)
		snprintf(s.why, sizeof s.why, "of those past the first %u, which "
			 "are not kept to be rewritten", EF_MPK_SCAN_KEPT), s.kept = 1;
	if (s.kept && (ns->policy == EF_MPK_SEALED || strict_scan))
		return mpk_fail(EF_E_UNAVAILABLE, "refused by %s: %u wrpkru/xrstor byte "
				"sequence%s in code foreign code can reach, %u not "
				"neutralized, the first %s",
				ns->policy == EF_MPK_SEALED ? "the sealed policy"
							    : "strict scanning",
				ns->nhits, ns->nhits == 1 ? "" : "s", s.kept, s.why);
	for (unsigned k = 0; k < ns->nhits && k < EF_MPK_SCAN_KEPT; k++) {
		ef_mpk_scan_hit *h = &ns->hits[k];
		ef_status st;
		if (ns->policy != EF_MPK_SEALED || h->neutralized)
			continue;
		if ((st = rewrite(h)))
			return st;
		h->neutralized = 1;
	}
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
