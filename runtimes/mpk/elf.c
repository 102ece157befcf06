/* elf.c: the objects a namespace loaded, as the loader mapped them (program
 * headers, link map), and tagging their mappings with a protection key
 * where /proc/self/maps lists them. */
#define _GNU_SOURCE
#include "internal.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>

/* dl_iterate_phdr reports only its caller's namespace, so for a domain's
 * objects the program headers are read where the loader mapped them: a
 * shared object's first segment maps the ELF header (file offset 0,
 * address 0) at l_addr, and the header table with it. */
int mpk_object_of(const struct link_map *l, struct mpk_object *o)
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

int mpk_namespace_head(const struct ef_mpk_ns *ns, struct link_map **lm)
{
	if (dlinfo(ns->handle, RTLD_DI_LINKMAP, lm))
		return -1;
	while ((*lm)->l_prev)
		*lm = (*lm)->l_prev;
	return 0;
}

const char *mpk_base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	return slash ? slash + 1 : path;
}

/* Tag every mapping inside [lo, hi) with `key`, keeping its protection
 * (so RELRO stays read-only and gaps stay inaccessible). */
ef_status mpk_tag_range(uintptr_t lo, uintptr_t hi, int key)
{
	static char maps[1 << 20];
	size_t n = 0;
	ssize_t r;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return mpk_fail(EF_E_UNAVAILABLE, "cannot read /proc/self/maps: %s",
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
				return mpk_fail(EF_E_UNAVAILABLE, "pkey_mprotect of "
						"%#lx-%#lx failed: %s", (unsigned long)a,
						(unsigned long)b, strerror(errno));
		}
		line = next;
	}
	return EF_OK;
}
