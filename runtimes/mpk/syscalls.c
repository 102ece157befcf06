/* syscalls.c: the mpk runtime's system-call filter.  Protection keys do
 * not cover what the kernel does on a thread's behalf with other
 * permissions: pkey_mprotect can give host memory a domain's key,
 * mprotect, munmap, mremap and madvise can change or drop it, pkey_free
 * and pkey_alloc can recycle keys, process_vm_writev and /proc/self/mem
 * write memory without looking at PKRU.  A seccomp filter, installed for
 * every thread with the first domain, answers EPERM:
 *   - to process_vm_readv, process_vm_writev and ptrace, from anyone;
 *   - to mprotect, pkey_mprotect, munmap, mremap, madvise, pkey_alloc,
 *     pkey_free, open, openat and openat2, unless the system call
 *     instruction lies in the host's C library or in ld.so.
 * The namespace has its own copy of the C library, so a foreign library
 * that makes these calls, through its libc or directly, is refused.  The
 * filter sees only the instruction pointer: foreign code that jumps to
 * a syscall instruction of the host's libc (code reuse) passes, as it
 * could also jump to a wrpkru (see the load-time scan, scan.c). */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

struct code_range { uintptr_t lo, hi; };
extern void *__tls_get_addr(void *);   /* ld.so's */

static int exec_range_of(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct code_range *r = arg;   /* r->lo: an address inside, on entry */
	(void)size;
	for (unsigned j = 0; j < info->dlpi_phnum; j++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[j];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) &&
		    r->lo >= lo && r->lo < hi) {
			r->lo = lo, r->hi = hi;
			return 1;
		}
	}
	return 0;
}

ef_status mpk_install_syscall_filter(void)
{
	static const int ip_checked[] = {
		SYS_mprotect, SYS_pkey_mprotect, SYS_munmap, SYS_mremap,
		SYS_madvise, SYS_pkey_alloc, SYS_pkey_free, SYS_open,
		SYS_openat, SYS_openat2,
	};
	static const int denied[] = {
		SYS_process_vm_readv, SYS_process_vm_writev, SYS_ptrace,
	};
	struct code_range libc = { (uintptr_t)(void *)&mprotect, 0 };
	struct code_range ldso = { (uintptr_t)(void *)&__tls_get_addr, 0 };
	struct sock_filter f[64];
	struct sock_fprog prog = { 0, f };
	unsigned n = 0, nchecked = sizeof ip_checked / sizeof *ip_checked;
	unsigned ndenied = sizeof denied / sizeof *denied;
#define ST(code, k) (f[n++] = (struct sock_filter)BPF_STMT(code, k))
#define JMP(code, k, jt, jf) (f[n++] = (struct sock_filter)BPF_JUMP(code, k, jt, jf))
	if (!dl_iterate_phdr(exec_range_of, &libc) || !dl_iterate_phdr(exec_range_of, &ldso))
		return mpk_fail(EF_E_UNAVAILABLE, "cannot find the code of the host's "
				"C library and ld.so for the system-call filter");
	/* The filter compares the high and the low halves of the address
	 * apart, so a range that crosses a 4 GiB boundary becomes two. */
	struct { uint32_t hi, lo, end; } r[4];
	unsigned m = 0;
	for (const struct code_range *c = &libc; c; c = c == &libc ? &ldso : NULL)
		for (uintptr_t a = c->lo; a < c->hi; ) {
			uintptr_t block_end = (a | 0xffffffffu) + 1;
			uintptr_t e = c->hi < block_end ? c->hi : block_end;
			r[m].hi = (uint32_t)(a >> 32), r[m].lo = (uint32_t)a;
			/* the block's last byte stays out: no end past 32 bits */
			r[m++].end = e == block_end ? 0xffffffffu : (uint32_t)e;
			a = e;
		}
	ST(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	JMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	ST(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	ST(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	/* From here: ndenied + nchecked jumps, ALLOW, then CHECK (5 per
	 * range), DENY, ALLOW. */
	unsigned check = n + ndenied + nchecked + 1, deny = check + 5 * m, at;
	for (unsigned k = 0; k < ndenied; k++) {    /* to DENY */
		at = n;
		JMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)denied[k],
		    (unsigned char)(deny - at - 1), 0);
	}
	for (unsigned k = 0; k < nchecked; k++) {   /* to CHECK */
		at = n;
		JMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)ip_checked[k],
		    (unsigned char)(check - at - 1), 0);
	}
	ST(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	/* CHECK: allowed when the instruction pointer lies in one of the
	 * ranges of libc's or ld.so's code; each range falls through to the
	 * next when it does not. */
	for (unsigned k = 0; k < m; k++) {
		ST(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer) + 4);
		JMP(BPF_JMP | BPF_JEQ | BPF_K, r[k].hi, 0, 3);
		ST(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer));
		JMP(BPF_JMP | BPF_JGE | BPF_K, r[k].lo, 0, 1);
		at = n;
		JMP(BPF_JMP | BPF_JGE | BPF_K, r[k].end, 0, (unsigned char)(deny - at));
	}
	ST(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);   /* DENY */
	ST(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
#undef ST
#undef JMP
	prog.len = (unsigned short)n;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog))
		return mpk_fail(EF_E_UNAVAILABLE, "cannot install the system-call "
				"filter: %s", strerror(errno));
	return EF_OK;
}
