/* keys.c: the protection keys the mpk runtime allocates besides each
 * domain's (the shared read-only key, the alternate signal stacks' key),
 * what they cover, and the PKRU values the gates write. */
#define _GNU_SOURCE
#include "internal.h"

#include <elf.h>
#include <errno.h>
#include <string.h>
#include <signal.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

uint32_t ef_mpk_host_pkru;
int mpk_shared_key = -1;
/* The alternate signal stacks' key: before Linux 6.12 the kernel writes a
 * signal frame under the interrupted PKRU, and a fault on the foreign
 * stack (its overflow above all) must still get a frame somewhere, so
 * every domain may write it.  Where the kernel writes frames whatever
 * the PKRU (ef_mpk_altstacks_closed), no domain may. */
int mpk_altstack_key = -1;
static int altstacks_closed = -1;       /* not probed yet */

int ef_mpk_shared_key(void) { return mpk_shared_key; }

/* The probe's signal handler: ends the child without touching its stack,
 * which the handler's PKRU denies. */
void mpk_probe_delivered(int sig);
__asm__(".text\n"
	".type mpk_probe_delivered, @function\n"
	"mpk_probe_delivered:\n"
	"	mov $231, %eax\n"          /* exit_group(0) */
	"	xor %edi, %edi\n"
	"	syscall\n"
	"	ud2\n"
	".size mpk_probe_delivered, . - mpk_probe_delivered\n");

/* 1 when the kernel delivers a signal on an alternate stack whose key the
 * interrupted PKRU denies (Linux 6.12 and later open every key while
 * they write the frame); else it cannot write the frame and kills the
 * process.  Found out in a child: a raw fork, so that no fork handler
 * runs there. */
static int frames_need_no_access(void)
{
	int status;
	pid_t pid = (pid_t)syscall(SYS_fork);

	if (pid < 0)
		return 0;
	if (pid == 0) {
		struct sigaction sa;
		stack_t ss = { .ss_size = MPK_ALTSTACK };
		sigset_t usr1;
		int k = pkey_alloc(0, PKEY_DISABLE_ACCESS);
		struct rlimit no_core = { 0, 0 };

		/* Where the kernel kills it, no core file and no crash report. */
		setrlimit(RLIMIT_CORE, &no_core);
		prctl(PR_SET_DUMPABLE, 0);
		ss.ss_sp = mmap(NULL, MPK_ALTSTACK, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = mpk_probe_delivered;
		sa.sa_flags = SA_ONSTACK;
		sigfillset(&sa.sa_mask);
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		if (k < 0 || ss.ss_sp == MAP_FAILED ||
		    pkey_mprotect(ss.ss_sp, MPK_ALTSTACK, PROT_READ | PROT_WRITE, k) ||
		    sigaltstack(&ss, NULL) || sigaction(SIGUSR1, &sa, NULL) ||
		    sigprocmask(SIG_UNBLOCK, &usr1, NULL))
			syscall(SYS_exit_group, 3);
		syscall(SYS_tgkill, syscall(SYS_getpid), syscall(SYS_gettid), SIGUSR1);
		syscall(SYS_exit_group, 4);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int ef_mpk_altstacks_closed(void)
{
	if (altstacks_closed < 0)
		altstacks_closed = frames_need_no_access();
	return altstacks_closed;
}

ef_status mpk_keys_init(void)
{
	uintptr_t ldso = getauxval(AT_BASE);
	struct link_map ld = { .l_addr = ldso };
	struct mpk_object o;

	mpk_shared_key = pkey_alloc(0, 0);
	if (mpk_shared_key < 0)
		return mpk_fail(EF_E_UNAVAILABLE, "pkey_alloc: %s", strerror(errno));
	/* The shadow page: the gate writes it under host PKRU; foreign code
	 * reads it. */
	if (pkey_mprotect(ef_mpk_shadow, MPK_PAGE, PROT_READ | PROT_WRITE, mpk_shared_key))
		return mpk_fail(EF_E_UNAVAILABLE, "pkey_mprotect(shadow page): %s",
				strerror(errno));
	/* What the dynamic loader's code needs to read while foreign code
	 * runs: ld.so's RELRO segment, which holds _rtld_global_ro (the page
	 * size for getpagesize() and sysconf(), CPU features, the vDSO entry
	 * points).  It is read-only for everyone already; the shared key lets
	 * foreign code read it.  ld.so's writable data (_rtld_global: link
	 * maps, TLS generation, locks) stays host memory: dlmopen binds every
	 * symbol at load (RTLD_NOW) and the domain's __tls_get_addr reads
	 * only the domain's dtv (heap.c), so foreign code never needs it. */
	if (mpk_object_of(&ld, &o))
		return mpk_fail(EF_E_UNAVAILABLE, "cannot read ld.so's program headers");
	for (unsigned j = 0; j < o.phnum; j++) {
		const ElfW(Phdr) *ph = &o.phdr[j];
		uintptr_t lo, hi;
		if (ph->p_type != PT_GNU_RELRO)
			continue;
		lo = (ldso + ph->p_vaddr) & ~(uintptr_t)(MPK_PAGE - 1);
		hi = (ldso + ph->p_vaddr + ph->p_memsz) & ~(uintptr_t)(MPK_PAGE - 1);
		if (hi > lo && pkey_mprotect((void *)lo, hi - lo, PROT_READ, mpk_shared_key))
			return mpk_fail(EF_E_UNAVAILABLE, "pkey_mprotect(ld.so RELRO): %s",
					strerror(errno));
	}
	mpk_altstack_key = pkey_alloc(0, 0);
	if (mpk_altstack_key < 0)
		return mpk_fail(EF_E_UNAVAILABLE, "pkey_alloc: %s", strerror(errno));
	ef_mpk_altstacks_closed();      /* probed before any domain opens */
	mpk_host_pkru_changed();
	return EF_OK;
}

/* The host's PKRU, as the gates restore it: every key the runtime
 * allocated is open to the host (pkey_alloc opened it in this thread). */
void mpk_host_pkru_changed(void)
{
	ef_mpk_host_pkru = mpk_rdpkru();
	for (unsigned i = 0; i < EF_MPK_SLOTS; i++)
		MPK_SHADOW(i)->host = ef_mpk_host_pkru;
}

/* PKRU while the domain with `key` runs: every key denied but its own,
 * the shared key read-only, and key 0 readable under EF_MPK_HOST_READ. */
uint32_t mpk_foreign_pkru(int key, ef_mpk_policy p)
{
	uint32_t v = 0xffffffffu;
	v &= ~(3u << (2 * key));
	v &= ~(1u << (2 * mpk_shared_key));
	if (!ef_mpk_altstacks_closed())
		v &= ~(3u << (2 * mpk_altstack_key));
	if (p == EF_MPK_HOST_READ)
		v &= ~1u;
	return v;
}
