/* test_mpk.c: the mpk runtime's test suite.  Runs natively where the CPU
 * and kernel have protection keys, and under QEMU TCG (scripts/mpk-vm)
 * everywhere else; without protection keys each test is skipped with the
 * reason, after checking that the reason agrees with CPUID.
 *
 * Every domain here runs the policy EFBENCH_MPK_POLICY names (strict, the
 * default: key 0 neither readable nor writable by foreign code; or sealed:
 * no system calls from foreign code either), unless a test says otherwise;
 * scripts/mpk-vm runs the suite under both. */
#define _GNU_SOURCE
#include "../unit/check.h"
#include "../../runtimes/mpk/mpk.h"
/* The shadow page and the gates' exits, for the cross-domain attack. */
#include "../../runtimes/mpk/internal.h"
#include "../../workloads/ubench/ubench.h"
#include "mpktest.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <cpuid.h>
#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/ucontext.h>
#include <sys/wait.h>
#include <unistd.h>

static ef_domain dom;
static int opened;
static ef_mpk_policy policy = EF_MPK_STRICT;

static int sealed(void)
{
	return policy == EF_MPK_SEALED;
}

/* A fault that no test expects ends the suite with a line saying where. */
static void fatal_signal(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	Dl_info info = { 0 };
	char line[512];
	int n;

	dladdr((void *)rip, &info);
	n = snprintf(line, sizeof line, "FAIL mpk suite: signal %d (code %d, "
		     "address %p, key %d) at %s+%#lx\n", sig, si->si_code,
		     si->si_addr, sig == SIGSEGV ? (int)si->si_pkey : -1,
		     info.dli_fname ? info.dli_fname : "?",
		     (unsigned long)(rip - (uintptr_t)info.dli_fbase));
	if (write(1, line, (size_t)n) < 0)
		_exit(2);
	_exit(1);
}

/* The suite's domain, opened on first use; 0 (test skipped or failed)
 * when there is none. */
static int need_domain(void)
{
	const char *why;
	ef_status s;

	if (opened)
		return 1;
	if ((why = ef_mpk_unavailable())) {
		ef_check_skip(why);
		return 0;
	}
	if (getenv("EFBENCH_MPK_POLICY") && !strcmp(getenv("EFBENCH_MPK_POLICY"), "sealed"))
		policy = EF_MPK_SEALED;
	ef_mpk_set_policy(policy);
	{
		struct sigaction sa = { .sa_sigaction = fatal_signal,
					.sa_flags = SA_SIGINFO };
		ef_mpk_sigaction(SIGSEGV, &sa, NULL);
		ef_mpk_sigaction(SIGBUS, &sa, NULL);
		ef_mpk_sigaction(SIGILL, &sa, NULL);
	}
	s = ef_mpk_open(&dom, "mpktest", NULL);
	if (s) {
		ef_check_fail(__FILE__, __LINE__, "ef_mpk_open: %s: %s",
			      ef_strerror(s), ef_mpk_error());
		return 0;
	}
	opened = 1;
	return 1;
}

#define INV(fn, ...) EF_MPK_INVOKE(&dom, fn, ##__VA_ARGS__)
#define INV_VOID(fn, ...) EF_MPK_INVOKE_VOID(&dom, fn, ##__VA_ARGS__)

static void test_availability_matches_cpuid(void)
{
	unsigned a, b, c = 0, d;
	int pku = 0, ospke = 0;
	const char *why = ef_mpk_unavailable();

	if (__get_cpuid_count(7, 0, &a, &b, &c, &d))
		pku = !!(c & bit_PKU), ospke = !!(c & bit_OSPKE);
	if (!pku)
		CHECK(why && strstr(why, "PKU"));
	else if (!ospke)
		CHECK(why && strstr(why, "OSPKE"));
	else
		CHECK_MSG(!why || strstr(why, "pkey_alloc"), "%s", why);
	if (why)
		printf("# mpk unavailable here: %s\n", why);
	else
		printf("# thread block switch: %s\n", getenv("EFBENCH_MPK_FSGSBASE") &&
		       !strcmp(getenv("EFBENCH_MPK_FSGSBASE"), "0") ? "arch_prctl (forced)"
		       : "wrfsbase where the kernel allows it");
}

/* The ProtectionKey of the mapping holding addr, from /proc/self/smaps. */
static int key_of(const void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	int in = 0, key = -1;
	uintptr_t p = (uintptr_t)addr;

	if (!f)
		return -2;
	while (fgets(line, sizeof line, f)) {
		unsigned long s, e;
		if (sscanf(line, "%lx-%lx ", &s, &e) == 2 && strchr(line, ' ') &&
		    line[strspn(line, "0123456789abcdef")] == '-')
			in = p >= s && p < e;
		else if (in && sscanf(line, "ProtectionKey: %d", &key) == 1)
			break;
	}
	fclose(f);
	return key;
}

static void test_namespace_is_tagged(void)
{
	void *hash, *data;
	int key;

	if (!need_domain())
		return;
	key = ef_mpk_key(&dom);
	CHECK(key > 0 && key != ef_mpk_shared_key() && ef_mpk_shared_key() > 0);
	/* The namespace's libsodium code and data carry the domain's key;
	 * the host's own libsodium does not. */
	hash = ef_mpk_symbol(&dom, "crypto_generichash");
	data = ef_mpk_symbol(&dom, "efbench_domain_stub");
	CHECK(hash && hash != (void *)crypto_generichash);
	CHECK_MSG(key_of(hash) == key, "namespace code has key %d", key_of(hash));
	CHECK_MSG(key_of(data) == key, "namespace data has key %d", key_of(data));
	CHECK(key_of((void *)crypto_generichash) == 0);
	/* Host memory: key 0. */
	CHECK(key_of(&dom) == 0);
	/* The domain's argument memory and its heap carry its key. */
	CHECK(key_of(dom.heap_lo) == key && key_of(dom.stack_top - 1) == key);
	uint64_t where = INV(efmt_heap, 100);
	ef_ref r;
	CHECK(where > 1);
	CHECK(key_of((void *)where) == key);
	CHECK(ef_upgrade(&dom, (void *)where, 100, 16, EF_READ, &r) == EF_OK);
}

static void test_register_arguments(void)
{
	if (!need_domain())
		return;
	CHECK(INV(efub_args0) == efub_args0());
	CHECK(INV(efub_args1, 11) == efub_args1(11));
	CHECK(INV(efub_args2, 11, 12) == efub_args2(11, 12));
	CHECK(INV(efub_args3, 11, 12, 13) == efub_args3(11, 12, 13));
	CHECK(INV(efub_args4, 11, 12, 13, 14) == efub_args4(11, 12, 13, 14));
	CHECK(INV(efub_args5, 11, 12, 13, 14, 15) == efub_args5(11, 12, 13, 14, 15));
	CHECK(INV(efub_args6, 11, 12, 13, 14, 15, 16) ==
	      efub_args6(11, 12, 13, 14, 15, 16));
	CHECK(INV(efmt_fhalf, 5.0f) == 2.5f);
}

#define ARG(i) , 1000 + 7 * i
static void test_stacked_arguments(void)
{
	if (!need_domain())
		return;
	CHECK(INV(efub_args7, EF_LIST(EF_SEQ_7, ARG)) == efub_args7(EF_LIST(EF_SEQ_7, ARG)));
	CHECK(INV(efub_args10, EF_LIST(EF_SEQ_10, ARG)) == efub_args10(EF_LIST(EF_SEQ_10, ARG)));
	CHECK(INV(efub_args25, EF_LIST(EF_SEQ_25, ARG)) == efub_args25(EF_LIST(EF_SEQ_25, ARG)));
	CHECK(INV(efub_args50, EF_LIST(EF_SEQ_50, ARG)) == efub_args50(EF_LIST(EF_SEQ_50, ARG)));
	CHECK(INV(efub_args100, EF_LIST(EF_SEQ_100, ARG)) ==
	      efub_args100(EF_LIST(EF_SEQ_100, ARG)));
	/* Vector registers: eight in xmm0-7, the rest stacked. */
	CHECK(INV(efmt_dsum, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.25, 10.5) ==
	      efmt_dsum(1.5, 2, 3, 4, 5, 6, 7, 8, 9.25, 10.5));
	/* Interleaved: 9 integers (3 stacked) and 10 floating (2 stacked). */
	CHECK(INV(efmt_mixed, 1, 0.5, 2, 1.5, 3, 2.5, 4, 3.5, 5, 4.5, 6, 5.5,
		  7, 6.5, 8, 7.5, 9, 8.5, 9.5f) ==
	      efmt_mixed(1, 0.5, 2, 1.5, 3, 2.5, 4, 3.5, 5, 4.5, 6, 5.5,
			 7, 6.5, 8, 7.5, 9, 8.5, 9.5f));
}

static void test_return_kinds(void)
{
	if (!need_domain())
		return;
	efmt_u128 u = INV(efmt_u128_make, 0x0123456789abcdefull, 0xfedcba9876543210ull);
	CHECK(u.lo == 0x0123456789abcdefull && u.hi == 0xfedcba9876543210ull);
	efmt_d2 d2 = INV(efmt_d2_make, 1.25, -3.5);
	CHECK(d2.x == 1.25 && d2.y == -3.5);
	CHECK(INV(efmt_dsum, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0) == 1.0);
	CHECK(INV(efmt_empty) == 0);
}

/* Calls an armed gate (target in r10) with patterns in every callee-saved
 * register and returns a mask of those that came back changed (bit 6: DF
 * set). */
uint64_t callee_saved_check(void *gate, void *target);
__asm__(".text\n"
	"callee_saved_check:\n"
	"	push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
	"	sub $8, %rsp\n"
	"	mov %rsi, %r10\n"
	"	movabs $0xa1a1a1a1a1a1a1a1, %rbx\n"
	"	movabs $0xb2b2b2b2b2b2b2b2, %rbp\n"
	"	movabs $0xc3c3c3c3c3c3c3c3, %r12\n"
	"	movabs $0xd4d4d4d4d4d4d4d4, %r13\n"
	"	movabs $0xe5e5e5e5e5e5e5e5, %r14\n"
	"	movabs $0xf6f6f6f6f6f6f6f6, %r15\n"
	"	call *%rdi\n"
	"	xor %eax, %eax\n"
	"	movabs $0xa1a1a1a1a1a1a1a1, %rcx\n cmp %rcx, %rbx\n setne %dl\n or %dl, %al\n"
	"	movabs $0xb2b2b2b2b2b2b2b2, %rcx\n cmp %rcx, %rbp\n setne %dl\n shl $1, %dl\n or %dl, %al\n"
	"	movabs $0xc3c3c3c3c3c3c3c3, %rcx\n cmp %rcx, %r12\n setne %dl\n shl $2, %dl\n or %dl, %al\n"
	"	movabs $0xd4d4d4d4d4d4d4d4, %rcx\n cmp %rcx, %r13\n setne %dl\n shl $3, %dl\n or %dl, %al\n"
	"	movabs $0xe5e5e5e5e5e5e5e5, %rcx\n cmp %rcx, %r14\n setne %dl\n shl $4, %dl\n or %dl, %al\n"
	"	movabs $0xf6f6f6f6f6f6f6f6, %rcx\n cmp %rcx, %r15\n setne %dl\n shl $5, %dl\n or %dl, %al\n"
	"	pushf\n pop %rcx\n shr $10, %rcx\n and $1, %ecx\n shl $6, %ecx\n or %ecx, %eax\n"
	"	cld\n"
	"	add $8, %rsp\n"
	"	pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
	"	ret\n");

static void test_callee_saved_registers(void)
{
	void *gate, *fn;

	if (!need_domain())
		return;
	/* efmt_clobber overwrites rbx, rbp, r12-r15 and sets DF. */
	gate = EF_MPK_ARM_(&dom, efmt_clobber, &fn, 8);
	CHECK_MSG(callee_saved_check(gate, fn) == 0, "changed: %#llx",
		  (unsigned long long)callee_saved_check(gate, fn));
	/* The check itself sees a clobber when there is no gate between. */
	CHECK(callee_saved_check((void *)efmt_clobber, NULL) == 0x7f);
}

/* Calls an armed gate with the six integer argument registers from v[],
 * the target in r10, a host value, 0x4057a0a0a0a0a0NN, in every other
 * general register (rax, rbx, rbp, r11-r15) and ymm0-15 from y[]. */
#define HOST_VALUE_MASK 0xffffffffffffff00ull
#define HOST_VALUE 0x4057a0a0a0a0a000ull
void regs_all_probe(void *gate, const uint64_t *v, const uint64_t *y, void *target);
__asm__(".text\n"
	"regs_all_probe:\n"
	"	push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
	"	sub $24, %rsp\n"
	"	mov %rdi, (%rsp)\n"
	"	mov %rcx, 8(%rsp)\n"
	"	vmovdqu 0(%rdx), %ymm0\n vmovdqu 32(%rdx), %ymm1\n"
	"	vmovdqu 64(%rdx), %ymm2\n vmovdqu 96(%rdx), %ymm3\n"
	"	vmovdqu 128(%rdx), %ymm4\n vmovdqu 160(%rdx), %ymm5\n"
	"	vmovdqu 192(%rdx), %ymm6\n vmovdqu 224(%rdx), %ymm7\n"
	"	vmovdqu 256(%rdx), %ymm8\n vmovdqu 288(%rdx), %ymm9\n"
	"	vmovdqu 320(%rdx), %ymm10\n vmovdqu 352(%rdx), %ymm11\n"
	"	vmovdqu 384(%rdx), %ymm12\n vmovdqu 416(%rdx), %ymm13\n"
	"	vmovdqu 448(%rdx), %ymm14\n vmovdqu 480(%rdx), %ymm15\n"
	"	mov %rsi, %r11\n"
	"	mov 0(%r11), %rdi\n mov 8(%r11), %rsi\n mov 16(%r11), %rdx\n"
	"	mov 24(%r11), %rcx\n mov 32(%r11), %r8\n mov 40(%r11), %r9\n"
	"	movabs $0x4057a0a0a0a0a001, %rax\n movabs $0x4057a0a0a0a0a002, %rbx\n"
	"	movabs $0x4057a0a0a0a0a003, %rbp\n mov 8(%rsp), %r10\n"
	"	movabs $0x4057a0a0a0a0a00b, %r11\n movabs $0x4057a0a0a0a0a00c, %r12\n"
	"	movabs $0x4057a0a0a0a0a00d, %r13\n movabs $0x4057a0a0a0a0a00e, %r14\n"
	"	movabs $0x4057a0a0a0a0a00f, %r15\n"
	"	call *(%rsp)\n"
	"	add $24, %rsp\n"
	"	pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
	"	vzeroupper\n"
	"	ret\n");

/* What foreign code finds in the registers the gate sets or clears.  Both
 * policies: the PKRU written in rax, the target in r10, the foreign stack
 * in rbp, its thread block in r13, copies of rcx and rdx in r14 and r15
 * (a call with four arguments).  Sealed: none of the host's values
 * anywhere, rbx and r11 cleared, r12 the thread page | 1.  Strict clears
 * nothing (gate.S: under strict foreign code reads host memory through
 * system calls anyway): rbx, r11 (but where arch_prctl switches the
 * thread block) and r12 keep the host's values, and so do
 * the argument registers a call does not use (here r8, r9) and the vector
 * registers; test_gate_clears_unused_arguments checks sealed's clearing. */
static void test_gate_clears_host_registers(void)
{
	static const char *const name[EFMT_NREGS] = {
		"rax", "rbx", "rbp", "r10", "r11", "r12", "r13", "r14", "r15",
		"rsi", "rdx", "rcx", "PKRU" };
	const uint64_t b = 0x5eed0001, c = 0x5eed0002, d = 0x5eed0003;
	const ef_mpk_slot *slot;
	uint64_t *out, r[EFMT_NREGS], y[64];
	void *gate, *fn;

	if (!need_domain())
		return;
	slot = dom.runtime_state;
	out = ef_heap_alloc(&dom, sizeof r, 16);
	CHECK(out);
	if (!out)
		return;
	for (unsigned j = 0; j < 64; j++)
		y[j] = HOST_VALUE | (0x40 + j);
	gate = EF_MPK_ARM_(&dom, efmt_regs, &fn, 8, out, b, c, d);
	regs_all_probe(gate, (const uint64_t[6]){ (uintptr_t)out, b, c, d,
		HOST_VALUE | 8, HOST_VALUE | 9 }, y, fn);
	CHECK(ef_mpk_call_status() == EF_OK);
	memcpy(r, out, sizeof r);
	ef_heap_free(&dom, out);
	if (sealed()) {
		for (unsigned i = 0; i < EFMT_NREGS; i++)
			CHECK_MSG((r[i] & HOST_VALUE_MASK) != HOST_VALUE, "foreign code "
				  "found the host's %#llx in %s", (unsigned long long)r[i], name[i]);
		CHECK_MSG(r[EFMT_RBX] == 0 && r[EFMT_R11] == 0 &&
			  r[EFMT_R12] == ef_mpk_tls.owner,
			  "rbx %#llx, r11 %#llx, r12 %#llx: not cleared (r12 the "
			  "thread page | 1)", (unsigned long long)r[EFMT_RBX],
			  (unsigned long long)r[EFMT_R11], (unsigned long long)r[EFMT_R12]);
	} else {
		/* r11: what the arch_prctl gates' syscall leaves there, the
		 * flags. */
		CHECK_MSG(r[EFMT_RBX] == (HOST_VALUE | 2) && r[EFMT_R12] == (HOST_VALUE | 0xc) &&
			  (r[EFMT_R11] == (HOST_VALUE | 0xb) || !ef_mpk_uses_fsgsbase()),
			  "strict: rbx %#llx, r11 %#llx, r12 %#llx, not the host's",
			  (unsigned long long)r[EFMT_RBX], (unsigned long long)r[EFMT_R11],
			  (unsigned long long)r[EFMT_R12]);
	}
	CHECK(r[EFMT_RAX] == r[EFMT_PKRU]);                  /* the PKRU written */
	CHECK(r[EFMT_R10] == (uintptr_t)ef_mpk_symbol(&dom, "efmt_regs"));
	CHECK(r[EFMT_RBP] == (uintptr_t)dom.stack_sp);       /* the foreign stack */
	CHECK(r[EFMT_R13] == slot->tcb);                     /* its thread block */
	CHECK(r[EFMT_R14] == d && r[EFMT_R15] == c);         /* copies of rcx, rdx */
	CHECK(r[EFMT_RSI] == b && r[EFMT_RDX] == c && r[EFMT_RCX] == d);
}

/* A call with k = 0..6 integer arguments, the other argument registers
 * and every vector register holding host values: the k arguments arrive;
 * under sealed, the other argument registers and ymm0-15 arrive cleared
 * (zmm16-31 and k0-k7 are cleared on AVX-512 machines, which QEMU does
 * not emulate) and no other general register holds a host value; under
 * strict, rax, rbp, r10 and r13 hold none (the gate's own), the others
 * may. */
static void test_gate_clears_unused_arguments(void)
{
	static const unsigned argreg[6] = { EFMT_S_RDI, EFMT_S_RSI, EFMT_S_RDX,
		EFMT_S_RCX, EFMT_S_R8, EFMT_S_R9 };
	uint64_t v[6], y[64], *seen;
	void *gate = NULL, *fn = NULL;

	if (!need_domain())
		return;
	seen = ef_mpk_symbol(&dom, "efmt_seen");
	CHECK(seen);
	if (!seen)
		return;
	for (unsigned j = 0; j < 64; j++)
		y[j] = HOST_VALUE | (0x40 + j);
	for (unsigned k = 0; k <= 6; k++) {
		for (unsigned j = 0; j < 6; j++)
			v[j] = j < k ? 0x5eed0000u + j : HOST_VALUE | (0x20 + j);
		switch (k) {
		case 0: gate = EF_MPK_ARM_(&dom, efmt_regs_all, &fn, 8); break;
		case 1: gate = EF_MPK_ARM_(&dom, efmt_regs_all, &fn, 8, v[0]); break;
		case 2: gate = EF_MPK_ARM_(&dom, efmt_regs_all, &fn, 8, v[0], v[1]); break;
		case 3: gate = EF_MPK_ARM_(&dom, efmt_regs_all, &fn, 8, v[0], v[1], v[2]); break;
		case 4: gate = EF_MPK_ARM_(&dom, efmt_regs_all, &fn, 8, v[0], v[1], v[2],
					   v[3]); break;
		case 5: gate = EF_MPK_ARM_(&dom, efmt_regs_all, &fn, 8, v[0], v[1], v[2],
					   v[3], v[4]); break;
		case 6: gate = EF_MPK_ARM_(&dom, efmt_regs_all, &fn, 8, v[0], v[1], v[2],
					   v[3], v[4], v[5]); break;
		}
		memset(seen, 0xee, EFMT_S_N * sizeof *seen);
		regs_all_probe(gate, v, y, fn);
		CHECK(ef_mpk_call_status() == EF_OK);
		for (unsigned j = 0; j < 6; j++) {
			uint64_t got = seen[argreg[j]];
			if (j < k)
				CHECK_MSG(got == v[j], "%u arguments: argument %u "
					  "is %#llx", k, j, (unsigned long long)got);
			else if (sealed())
				CHECK_MSG(got == 0, "%u arguments: unused argument "
					  "register %u holds %#llx", k, j,
					  (unsigned long long)got);
		}
		for (unsigned j = 0; j <= EFMT_S_R15; j++) {
			int gates_own = j == EFMT_S_RAX || j == EFMT_S_RBP ||
				j == EFMT_S_R10 || j == EFMT_S_R13;
			if (!sealed() && !gates_own)
				continue;
			CHECK_MSG((seen[j] & HOST_VALUE_MASK) != HOST_VALUE,
				  "%u arguments: register %u holds the host's %#llx",
				  k, j, (unsigned long long)seen[j]);
		}
		if (sealed())
			for (unsigned j = 0; j < 64; j++)
				CHECK_MSG(seen[EFMT_S_YMM0 + j] == 0, "%u arguments: "
					  "ymm%u word %u holds %#llx", k, j / 4, j % 4,
					  (unsigned long long)seen[EFMT_S_YMM0 + j]);
	}
}

/* Sets every bit of zmm16-31 and of k0-k7, calls fn, and stores what
 * they hold then in out[]: sixteen 64-byte registers, then eight masks. */
void avx512_probe(uint64_t *out, void (*fn)(void));
__asm__(".text\n"
	"avx512_probe:\n"
	"	.irp z, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31\n"
	"	vpternlogd $0xff, %zmm\\z, %zmm\\z, %zmm\\z\n"
	"	.endr\n"
	"	.irp k, 0, 1, 2, 3, 4, 5, 6, 7\n"
	"	kxnorw %k0, %k0, %k\\k\n"
	"	.endr\n"
	"	push %rdi\n"
	"	call *%rsi\n"
	"	pop %rdi\n"
	"	.irp z, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31\n"
	"	vmovdqu64 %zmm\\z, (\\z-16)*64(%rdi)\n"
	"	.endr\n"
	"	.irp k, 0, 1, 2, 3, 4, 5, 6, 7\n"
	"	kmovw %k\\k, %eax\n"
	"	mov %rax, 1024+8*\\k(%rdi)\n"
	"	.endr\n"
	"	vzeroupper\n"
	"	ret\n"
	"avx512_keep:\n"
	"	ret\n");
void avx512_keep(void);
void ef_mpk_clear_avx512(void);

/* What a sealed gate's X entries and callback returns clear on AVX-512
 * machines (zmm16-31 and k0-k7, which vzeroall leaves) comes back zero;
 * without the call it would not.  Runs natively where the CPU has AVX-512
 * (QEMU does not emulate it), without a domain. */
static void test_clear_avx512(void)
{
	uint64_t out[1024 / 8 + 8];
	unsigned left;

	__builtin_cpu_init();
	if (!__builtin_cpu_supports("avx512f")) {
		ef_check_skip("no AVX-512 on this CPU");
		return;
	}
	avx512_probe(out, avx512_keep);
	CHECK(out[0] == ~0ull && out[127] == ~0ull && out[128 + 7] == 0xffff);
	avx512_probe(out, ef_mpk_clear_avx512);
	left = 0;
	for (unsigned j = 0; j < sizeof out / sizeof *out; j++)
		left += out[j] != 0;
	CHECK_MSG(left == 0, "%u words of zmm16-31 and k0-k7 not cleared", left);
}

static void test_thread_local_storage(void)
{
	if (!need_domain())
		return;
	/* The domain's copy of the library's dynamic TLS, not the host's. */
	uint64_t a = INV(efmt_tls_bump), b = INV(efmt_tls_bump);
	CHECK(b == a + 1 && a >= 41);
	CHECK(efmt_tls_bump() == 41);
	/* errno of the namespace's libc: static TLS in the domain's block. */
	errno = 0;
	CHECK(INV(efmt_errno_erange) == ERANGE);
	CHECK(errno == 0);
}

static void test_libsodium_generichash(void)
{
	static const size_t sizes[] = { 0, 1, 64, 4096, 1 << 20 };
	unsigned char *in, *out, want[32];

	if (!need_domain())
		return;
	CHECK(sodium_init() >= 0);
	CHECK(INV(sodium_init) >= 0);
	in = ef_heap_alloc(&dom, 1 << 20, 16);
	out = ef_heap_alloc(&dom, 32, 16);
	CHECK(in && out);
	if (!in || !out)
		return;
	for (size_t i = 0; i < 1 << 20; i++)
		in[i] = (unsigned char)(i * 131 + (i >> 9));
	for (unsigned k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		memset(out, 0, 32);
		CHECK(crypto_generichash(want, 32, in, sizes[k], NULL, 0) == 0);
		CHECK(INV(crypto_generichash, out, (size_t)32, in,
			  (unsigned long long)sizes[k], NULL, (size_t)0) == 0);
		CHECK_MSG(!memcmp(out, want, 32), "digest of %zu bytes differs", sizes[k]);
	}
	ef_heap_free(&dom, in);
	ef_heap_free(&dom, out);
}

static void test_brotli_round_trip(void)
{
	static const char text[] = "It is a truth universally acknowledged, that a "
		"single man in possession of a good fortune, must be in want of a "
		"wife. However little known the feelings or views of such a man may "
		"be on his first entering a neighbourhood, this truth is so well "
		"fixed in the minds of the surrounding families. ";
	size_t n = 64 * 1024, cap = 2 * n, want_size = cap;
	unsigned char *in, *enc, *dec, *want;
	size_t *enc_size, *dec_size;

	if (!need_domain())
		return;
	in = ef_heap_alloc(&dom, n, 16);
	enc = ef_heap_alloc(&dom, cap, 16);
	dec = ef_heap_alloc(&dom, n, 16);
	enc_size = ef_heap_alloc(&dom, sizeof *enc_size, 8);
	dec_size = ef_heap_alloc(&dom, sizeof *dec_size, 8);
	want = malloc(cap);
	CHECK(in && enc && dec && enc_size && dec_size && want);
	if (!in || !enc || !dec || !enc_size || !dec_size || !want)
		return;
	for (size_t i = 0; i < n; i++)
		in[i] = (unsigned char)text[i % (sizeof text - 1)];
	CHECK(BrotliEncoderCompress(BROTLI_DEFAULT_QUALITY, BROTLI_DEFAULT_WINDOW,
				    BROTLI_MODE_GENERIC, n, in, &want_size, want));
	*enc_size = cap;
	CHECK(INV(BrotliEncoderCompress, BROTLI_DEFAULT_QUALITY, BROTLI_DEFAULT_WINDOW,
		  BROTLI_MODE_GENERIC, n, in, enc_size, enc) == BROTLI_TRUE);
	CHECK(*enc_size == want_size && !memcmp(enc, want, want_size));
	*dec_size = n;
	CHECK(INV(BrotliDecoderDecompress, *enc_size, enc, dec_size, dec) ==
	      BROTLI_DECODER_RESULT_SUCCESS);
	CHECK(*dec_size == n && !memcmp(dec, in, n));
	free(want);
	ef_heap_free(&dom, in), ef_heap_free(&dom, enc), ef_heap_free(&dom, dec);
	ef_heap_free(&dom, enc_size), ef_heap_free(&dom, dec_size);
}

/* Attacks.  Each runs in a child (a fault poisons a namespace and costs
 * a protection key; a failed defence must not hurt the rest of the
 * suite), which returns 0 when the attack was stopped and the host works
 * afterwards, else 1 with the reason in why. */
#define REQUIRE(cond, ...) do {                                          \
	if (!(cond)) {                                                   \
		int n_ = snprintf(why, whylen, "line %d: ", __LINE__);   \
		snprintf(why + n_, whylen - (size_t)n_, __VA_ARGS__);    \
		return 1;                                                \
	}                                                                \
} while (0)

static const char *attack_arg;
static void attack(const char *what, int (*fn)(char *why, size_t whylen),
		   const char *arg)
{
	char why[512] = "";
	int p[2], status = -1;
	pid_t pid;

	if (!need_domain())
		return;
	attack_arg = arg;
	if (pipe(p)) {
		CHECK_MSG(0, "pipe: %s", strerror(errno));
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int r;
		close(p[0]);
		r = fn(why, sizeof why);
		if (write(p[1], why, strlen(why)) < 0)
			_exit(3);
		fflush(stdout);
		_exit(r ? 1 : 0);
	}
	close(p[1]);
	if (read(p[0], why, sizeof why - 1) < 0)
		why[0] = 0;
	close(p[0]);
	waitpid(pid, &status, 0);
	CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "%s: %s (child status %#x)", what, why[0] ? why : "no reason given",
		  status);
}

static uint64_t host_global = 0x600d;
static __thread uint64_t host_tls = 0x7157;

/* After a call that should have faulted: the call returned 0 with
 * EF_E_FAULT, the fault says what happened, the host runs on, the
 * poisoned domain refuses at once, and a fresh domain works. */
static int recovered(char *why, size_t whylen, uint64_t ret, int sig,
		     int code, uint64_t addr, int pkey, unsigned access)
{
	const ef_mpk_fault *f = ef_mpk_fault_of(&dom);
	ef_domain fresh;
	char line[400];
	uint64_t *heap = malloc(64), *fw;

	REQUIRE(ret == 0, "the faulting call returned %#llx", (unsigned long long)ret);
	REQUIRE(ef_mpk_call_status() == EF_E_FAULT, "no EF_E_FAULT after the call");
	REQUIRE(f, "the domain is not poisoned");
	printf("# fault: %s\n", ef_mpk_fault_describe(f, line, sizeof line));
	REQUIRE(f->signo == sig, "signal %d, want %d", f->signo, sig);
	REQUIRE(code < 0 || f->code == code, "si_code %d, want %d", f->code, code);
	REQUIRE(!addr || f->addr == addr, "address %#lx, want %#llx",
		(unsigned long)f->addr, (unsigned long long)addr);
	REQUIRE(pkey == -2 || f->pkey == pkey, "key %d, want %d", f->pkey, pkey);
	REQUIRE(!access || f->access == access, "access %u, want %u", f->access, access);
	/* The host: its memory, heap, TLS and stack as before. */
	REQUIRE(host_global == 0x600d && host_tls == 0x7157, "host data changed");
	REQUIRE(heap, "malloc failed after the fault");
	memset(heap, 0x5a, 64);
	free(heap);
	REQUIRE(INV(efmt_empty) == 0 && ef_mpk_call_status() == EF_E_FAULT,
		"a call into the poisoned domain did not fail at once");
	REQUIRE(ef_mpk_open(&fresh, "mpktest", NULL) == EF_OK, "reopen: %s", ef_mpk_error());
	REQUIRE(ef_mpk_key(&fresh) != ef_mpk_key(&dom), "the fresh domain reuses the key");
	fw = ef_heap_alloc(&fresh, 8, 8);
	EF_MPK_INVOKE_VOID(&fresh, efmt_write, fw, (uint64_t)99);
	REQUIRE(EF_MPK_INVOKE(&fresh, efmt_read, fw) == 99 &&
		ef_mpk_call_status() == EF_OK, "the fresh domain does not work");
	REQUIRE(EF_MPK_INVOKE(&fresh, efmt_tls_bump) + 1 ==
		EF_MPK_INVOKE(&fresh, efmt_tls_bump), "fresh domain TLS");
	return 0;
}

/* Foreign code writes its thread's alternate signal stack: where the
 * kernel writes signal frames whatever the PKRU (Linux 6.12 and later),
 * no domain may, and the write faults; before, every domain must (the
 * kernel writes frames under the interrupted PKRU), and it succeeds: the
 * frame race of docs/mpk.md. */
static int altstack_write(char *why, size_t whylen)
{
	stack_t ss;
	volatile uint64_t *p;

	REQUIRE(sigaltstack(NULL, &ss) == 0 && ss.ss_sp, "no alternate signal stack");
	p = (volatile uint64_t *)((char *)ss.ss_sp + 1024);
	INV_VOID(efmt_write, p, (uint64_t)1);
	if (!ef_mpk_altstacks_closed()) {
		REQUIRE(ef_mpk_call_status() == EF_OK && *p == 1,
			"the kernel needs the alternate stacks writable, yet "
			"foreign code could not write one");
		printf("# the kernel writes signal frames under the interrupted "
		       "PKRU: domains may write the alternate stacks\n");
		return 0;
	}
	printf("# the kernel writes signal frames whatever the PKRU: the "
	       "alternate stacks are closed to domains\n");
	return recovered(why, whylen, 0, SIGSEGV, SEGV_PKUERR, (uint64_t)p, -2, EF_WRITE);
}

/* The n-th wrpkru (0f 01 ef) of slot's first gate entry, or NULL. */
static const unsigned char *gate_wrpkru(const ef_mpk_slot *slot, unsigned n)
{
	const unsigned char *g = slot->entry[0][0];
	for (unsigned i = 0, seen = 0; i < 512; i++)
		if (g[i] == 0x0f && g[i + 1] == 0x01 && g[i + 2] == 0xef && seen++ == n)
			return g + i;
	return NULL;
}

/* Foreign code of one domain jumps to the checked wrpkru of a second
 * domain's gate entry with that domain's PKRU (which it can read in the
 * shadow page), to read the second domain's memory and return the value
 * to the host through its own gate exit.  Under sealed the check after
 * that wrpkru is against the running domain's PKRU, and it traps: the
 * call ends and its domain is poisoned.  Under strict it is a known limit
 * (docs/mpk.md, README's threat model): domains are isolated from the
 * host, not from each other, against code reuse; the host is untouched
 * and the call ends normally, which the test checks so that a change
 * closing it is noticed and the documentation changes with it. */
static int cross_domain_read(char *why, size_t whylen)
{
	ef_domain d2;
	const ef_mpk_slot *s1 = dom.runtime_state, *s2;
	const unsigned char *wr;
	volatile uint64_t *secret;
	unsigned i1, i2;
	uint64_t got;

	(void)why, (void)whylen;
	ef_mpk_set_policy(policy);
	REQUIRE(ef_mpk_open(&d2, "hmac", NULL) == EF_OK, "open hmac: %s", ef_mpk_error());
	s2 = d2.runtime_state;
	i1 = (unsigned)(s1 - ef_mpk_slots), i2 = (unsigned)(s2 - ef_mpk_slots);
	REQUIRE(ef_mpk_key(&d2) != ef_mpk_key(&dom), "one key for both domains");
	secret = ef_heap_alloc(&d2, 8, 8);
	REQUIRE(secret, "no memory in the second domain");
	*secret = 0x5ec2e7c0ffee;
	wr = gate_wrpkru(s2, 0);
	REQUIRE(wr, "no wrpkru in the second domain's gate");
	got = INV(efmt_cross, wr, MPK_SHADOW(i2)->foreign,
		  secret, ef_mpk_gate_exits[i1][sealed()][ef_mpk_uses_fsgsbase()],
		  (char *)d2.stack_sp - 256);
	if (sealed()) {
		/* The attempt ends the attacker's call; the second domain is
		 * neither changed nor poisoned, and works. */
		int r = recovered(why, whylen, got, SIGILL, -1, 0, -2, 0), v;
		if (r)
			return r;
		REQUIRE(*secret == 0x5ec2e7c0ffee, "the second domain changed");
		v = EF_MPK_INVOKE(&d2, sodium_library_version_major);
		REQUIRE(v == sodium_library_version_major() && ef_mpk_call_status() == EF_OK &&
			!ef_mpk_fault_of(&d2), "the second domain does not work after "
			"the attempt (%d, want %d)", v, sodium_library_version_major());
		return 0;
	}
	REQUIRE(ef_mpk_call_status() == EF_OK && got == *secret,
		"the cross-domain read failed (status %s, %#llx): if the gates now "
		"stop it, say so in README's threat model and docs/mpk.md",
		ef_strerror(ef_mpk_call_status()), (unsigned long long)got);
	printf("# %s: a domain read another domain's memory through that domain's "
	       "gate entry (a known limit)\n", ef_mpk_policy_name(policy));
	return 0;
}

static volatile uint64_t *target;
static int read_target(char *why, size_t whylen)
{
	uint64_t r = INV(efmt_read, target);
	return recovered(why, whylen, r, SIGSEGV, SEGV_PKUERR, (uint64_t)target, 0, EF_READ);
}
static int write_target(char *why, size_t whylen)
{
	uint64_t before = *target;
	INV_VOID(efmt_write, target, (uint64_t)1);
	REQUIRE(*target == before, "the host word changed");
	return recovered(why, whylen, 0, SIGSEGV, SEGV_PKUERR, (uint64_t)target, 0, EF_WRITE);
}

static void test_host_memory_denied(void)
{
	uint64_t stack_word = 0x57ac;
	uint64_t *heap_word = malloc(sizeof *heap_word);

	*heap_word = 0x4ea9;
	target = &host_global;
	attack("read of a host global", read_target, NULL);
	attack("write of a host global", write_target, NULL);
	target = heap_word;
	attack("read of the host heap", read_target, NULL);
	attack("write of the host heap", write_target, NULL);
	target = &stack_word;
	attack("read of the host stack", read_target, NULL);
	attack("write of the host stack", write_target, NULL);
	target = &host_tls;
	attack("read of host TLS", read_target, NULL);
	attack("write of host TLS", write_target, NULL);
	free(heap_word);
	if (!opened)
		return;
	/* The same calls on foreign memory work. */
	uint64_t *fw = ef_heap_alloc(&dom, 8, 8);
	INV_VOID(efmt_write, fw, (uint64_t)99);
	CHECK(INV(efmt_read, fw) == 99);
	ef_heap_free(&dom, fw);
}

/* Host code called by foreign code runs with foreign protections. */
static uint64_t host_touch(void) { return host_global++; }
static int call_host_function(char *why, size_t whylen)
{
	uint64_t r = INV(efmt_call, host_touch);
	return recovered(why, whylen, r, SIGSEGV, SEGV_PKUERR,
			 (uint64_t)&host_global, 0, EF_READ);
}

/* The kernel honours PKRU when it copies to user memory. */
static int kernel_write(char *why, size_t whylen)
{
	int p[2];
	long r;
	REQUIRE(pipe(p) == 0, "pipe");
	REQUIRE(write(p[1], "attacker", 8) == 8, "write");
	r = INV(efmt_read_fd, p[0], (void *)&host_global, 8ul);
	if (sealed()) {
		REQUIRE(host_global == 0x600d, "host memory changed");
		return recovered(why, whylen, (uint64_t)r, SIGSYS, 2, 0, -2, 0);
	}
	REQUIRE(r == -EFAULT, "read() into host memory returned %ld, want -EFAULT", r);
	REQUIRE(host_global == 0x600d, "host memory changed");
	REQUIRE(!ef_mpk_fault_of(&dom), "an error return poisoned the domain");
	REQUIRE(INV(efmt_empty) == 0 && ef_mpk_call_status() == EF_OK, "domain broken");
	return 0;
}

/* System calls that change memory or keys: the filter refuses them. */
static int memory_syscalls(char *why, size_t whylen)
{
	uintptr_t page = (uintptr_t)&host_global & ~(uintptr_t)4095;
	int key = ef_mpk_key(&dom);
	long r;

	r = INV(efmt_syscall, (long)SYS_pkey_mprotect, (long)page, 4096L,
		(long)(PROT_READ | PROT_WRITE), (long)key);
	if (sealed())       /* the first system call ends the call */
		return recovered(why, whylen, (uint64_t)r, SIGSYS, 2, 0, -2, 0);
	REQUIRE(r == -EPERM, "pkey_mprotect(host page, domain key): %ld", r);
	r = INV(efmt_syscall, (long)SYS_mprotect, (long)page, 4096L, (long)PROT_NONE, 0L);
	REQUIRE(r == -EPERM, "mprotect(host page, PROT_NONE): %ld", r);
	r = INV(efmt_syscall, (long)SYS_munmap, (long)page, 4096L, 0L, 0L);
	REQUIRE(r == -EPERM, "munmap(host page): %ld", r);
	r = INV(efmt_syscall, (long)SYS_madvise, (long)page, 4096L, (long)MADV_DONTNEED, 0L);
	REQUIRE(r == -EPERM, "madvise(host page, DONTNEED): %ld", r);
	r = INV(efmt_syscall, (long)SYS_pkey_alloc, 0L, 0L, 0L, 0L);
	REQUIRE(r == -EPERM, "pkey_alloc: %ld", r);
	r = INV(efmt_syscall, (long)SYS_pkey_free, (long)ef_mpk_shared_key(), 0L, 0L, 0L);
	REQUIRE(r == -EPERM, "pkey_free(shared key): %ld", r);
	/* Nothing changed: the host page is the host's and foreign code
	 * still cannot write it; the host still can. */
	host_global = 0x600d;
	INV_VOID(efmt_write, &host_global, (uint64_t)1);
	return recovered(why, whylen, 0, SIGSEGV, SEGV_PKUERR,
			 (uint64_t)&host_global, 0, EF_WRITE);
}

/* Writes that bypass PKRU: process_vm_writev is refused by the filter,
 * and so is opening /proc/self/mem. */
static int remote_writes(char *why, size_t whylen)
{
	long r = INV(efmt_vm_writev, (uint64_t)&host_global, (uint64_t)0xbad);
	if (sealed()) {
		REQUIRE(host_global == 0x600d, "host memory changed");
		return recovered(why, whylen, (uint64_t)r, SIGSYS, 2, 0, -2, 0);
	}
	REQUIRE(r == -EPERM, "process_vm_writev: %ld", r);
	r = INV(efmt_proc_mem_write, (uint64_t)&host_global, (uint64_t)0xbad);
	REQUIRE(r == -EPERM, "/proc/self/mem: %ld", r);
	REQUIRE(host_global == 0x600d, "host memory changed");
	/* The host itself may still open files. */
	FILE *f = fopen("/proc/self/status", "r");
	REQUIRE(f, "the host cannot open files: %s", strerror(errno));
	fclose(f);
	return 0;
}

/* A second mpktest domain, with its own namespace and key: the
 * --foreign-read=host policy's. */
static ef_status open_reader(ef_domain *d)
{
	ef_status s;
	ef_mpk_set_policy(EF_MPK_HOST_READ);
	s = ef_mpk_open(d, "mpktest", NULL);
	ef_mpk_set_policy(policy);
	return s;
}

/* --foreign-read=host: the host readable, never writable. */
static int host_read_policy(char *why, size_t whylen)
{
	ef_domain reader;
	uint64_t r;
	REQUIRE(open_reader(&reader) == EF_OK, "%s", ef_mpk_error());
	REQUIRE(ef_mpk_key(&reader) != ef_mpk_key(&dom), "same key as the strict domain");
	r = EF_MPK_INVOKE(&reader, efmt_read, &host_global);
	REQUIRE(r == 0x600d && ef_mpk_call_status() == EF_OK, "read %#llx",
		(unsigned long long)r);
	dom = reader;           /* recovered() checks the suite's domain */
	INV_VOID(efmt_write, &host_global, (uint64_t)1);
	return recovered(why, whylen, 0, SIGSEGV, SEGV_PKUERR,
			 (uint64_t)&host_global, 0, EF_WRITE);
}

static int stack_overflow(char *why, size_t whylen)
{
	uint64_t r = INV(efmt_recurse, (uint64_t)100000);
	const ef_mpk_fault *f = ef_mpk_fault_of(&dom);
	REQUIRE(f && f->stack_overflow, "not reported as a stack overflow");
	REQUIRE(f && f->addr < (uintptr_t)dom.stack_lo &&
		f->addr >= (uintptr_t)dom.stack_lo - 65536, "%#lx is not in the "
		"guard below the stack at %p", f ? (unsigned long)f->addr : 0ul,
		(void *)dom.stack_lo);
	return recovered(why, whylen, r, SIGSEGV, -1, 0, -2, 0);
}

static uint32_t rdpkru(void)
{
	uint32_t eax, edx;
	__asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

/* Foreign code jumps to the n-th wrpkru of the gate it was called through
 * (0: the entry's, 1: the exit's) with eax = 0, which opens every key: the
 * check after that wrpkru must trap. */
static int forged_pkru_jump(unsigned n, char *why, size_t whylen)
{
	const unsigned char *wr = gate_wrpkru(dom.runtime_state, n);
	const ef_mpk_fault *f;
	REQUIRE(wr, "no wrpkru %u in the gate", n);
	REQUIRE(rdpkru() != 0, "the host's PKRU is 0: writing 0 forges nothing");
	INV_VOID(efmt_jump, wr);
	f = ef_mpk_fault_of(&dom);
	REQUIRE(f && strstr(f->what, "forged"), "not reported as a forged PKRU");
	return recovered(why, whylen, 0, SIGILL, -1, 0, -2, 0);
}
static int forged_pkru_entry(char *why, size_t whylen)
{
	return forged_pkru_jump(0, why, whylen);
}
static int forged_pkru_exit(char *why, size_t whylen)
{
	return forged_pkru_jump(1, why, whylen);
}

/* Every wrpkru in the program's own code (the runtime's, gate.S) is
 * followed by a check that traps on an unexpected value: cmp with a value
 * at a RIP-relative address, then jne.  The runtime has no other wrpkru:
 * one that returned to its caller with host PKRU would let foreign code
 * jump to it and continue anywhere with every key open. */
static int program_wrpkru(struct dl_phdr_info *info, size_t size, void *arg)
{
	unsigned *counts = arg;     /* [0] all, [1] checked */
	(void)size;
	if (info->dlpi_name[0])
		return 0;           /* the program is first, with no name */
	for (unsigned j = 0; j < info->dlpi_phnum; j++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[j];
		const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		for (size_t k = 0; k + 11 < ph->p_filesz; k++) {
			if (p[k] != 0x0f || p[k + 1] != 0x01 || p[k + 2] != 0xef)
				continue;
			counts[0]++;
			counts[1] += p[k + 3] == 0x3b && p[k + 4] == 0x05 &&
				(p[k + 9] == 0x75 || (p[k + 9] == 0x0f && p[k + 10] == 0x85));
		}
	}
	return 1;
}

/* A foreign call past the time limit ends with EF_E_TIMEOUT and poisons
 * its domain; a short call in a fresh domain is not cut off. */
static int endless_call(char *why, size_t whylen)
{
	const ef_mpk_fault *f;
	ef_domain fresh;
	uint64_t r, n = 1u << 12;
	struct timespec t0, t1;
	double s;

	/* Rounds of efmt_spin that take about 0.1 s here. */
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		INV(efmt_spin, n, (uint64_t)1);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
		if (s > 0.02 || n > (uint64_t)1 << 36)
			break;
		n *= 2;
	}
	n = (uint64_t)((double)n * 0.1 / s);
	REQUIRE(ef_mpk_set_foreign_timeout(0.2) == EF_OK, "%s", ef_mpk_error());
	r = INV(efmt_spin, (uint64_t)1 << 40, (uint64_t)1);
	REQUIRE(r == 0 && ef_mpk_call_status() == EF_E_TIMEOUT,
		"the endless call returned %#llx", (unsigned long long)r);
	f = ef_mpk_fault_of(&dom);
	REQUIRE(f && strstr(f->what, "time limit"), "the domain's fault: %s",
		f ? f->what : "none");
	printf("# fault: %s\n", f->what);
	REQUIRE(host_global == 0x600d, "host memory changed");
	REQUIRE(ef_mpk_open(&fresh, "mpktest", NULL) == EF_OK, "reopen: %s", ef_mpk_error());
	/* The fresh namespace's first call, half the limit long: the
	 * watchdog's first look at a new namespace, when it came during the
	 * call, ended it at once. */
	r = EF_MPK_INVOKE(&fresh, efmt_spin, n, (uint64_t)3);
	REQUIRE(r == efmt_spin(n, 3) && ef_mpk_call_status() == EF_OK,
		"a call of 0.1 s, the first in a fresh domain, failed under a "
		"limit of 0.2 s");
	return 0;
}

/* Sealed: a domain heap that grows past its cap ends the call. */
static int heap_cap(char *why, size_t whylen)
{
	uint64_t r = INV(efmt_heap, (uint64_t)EF_MPK_HEAP_CAP + (8u << 20));
	const ef_mpk_fault *f = ef_mpk_fault_of(&dom);
	REQUIRE(f && strstr(f->what, "cap"), "the domain's fault: %s",
		f ? f->what : "none (the heap grew past its cap)");
	return recovered(why, whylen, r, SIGSEGV, -1, 0, -2, EF_WRITE);
}

/* Invalid values coming back are caught by full mode's checks. */
static int invalid_returns(char *why, size_t whylen)
{
	uint64_t *out = ef_heap_alloc(&dom, 8, 8);
	unsigned char *buf = ef_heap_alloc(&dom, 16, 16);
	ef_ref r;
	REQUIRE(out && buf, "domain heap");
	INV(efmt_report, out, (uint64_t)2);
	REQUIRE(ef_upgrade_bool(&dom, out, &r) == EF_E_INVALID, "bool 2 accepted");
	REQUIRE(ef_valid_enum((int32_t)INV(efmt_report, out, (uint64_t)7), 0, 3) ==
		EF_E_INVALID, "enum 7 of 0..3 accepted");
	REQUIRE(ef_upgrade(&dom, INV(efub_pass, (const void *)&host_global), 8, 8,
			   EF_READ, &r) == EF_E_BOUNDS, "a host pointer accepted");
	/* A length past the end of the domain's memory; one within it but
	 * past the buffer is the caller's check (n <= capacity), as the
	 * brotli workload makes. */
	INV(efmt_report, out, (uint64_t)1 << 40);
	REQUIRE(ef_upgrade(&dom, buf, (size_t)*out, 1, EF_READ, &r) == EF_E_BOUNDS,
		"a length of 1 TiB accepted");
	REQUIRE(ef_mpk_call_status() == EF_OK && !ef_mpk_fault_of(&dom), "domain broken");
	return 0;
}

/* Keys run out: a clear error, no crash. */
static int keys_exhausted(char *why, size_t whylen)
{
	ef_domain d;
	ef_status s;
	int n = 0;
	while (pkey_alloc(0, 0) >= 0)
		n++;
	ef_mpk_set_policy(EF_MPK_HOST_READ);
	s = ef_mpk_open(&d, "hmac", NULL);
	printf("# after %d more keys: ef_mpk_open: %s: %s\n", n, ef_strerror(s), ef_mpk_error());
	REQUIRE(s == EF_E_UNAVAILABLE && strstr(ef_mpk_error(), "pkey_alloc"),
		"ef_mpk_open said %s: %s", ef_strerror(s), ef_mpk_error());
	REQUIRE(INV(efmt_empty) == 0 && ef_mpk_call_status() == EF_OK,
		"the open domain stopped working");
	return 0;
}

static int strict_scan_refuses(char *why, size_t whylen)
{
	ef_domain d;
	ef_status s;
	ef_mpk_set_strict_scan(1);
	ef_mpk_set_policy(EF_MPK_HOST_READ);
	s = ef_mpk_open(&d, "sodium", NULL);
	REQUIRE(s == EF_E_UNAVAILABLE && strstr(ef_mpk_error(), "strict scanning"),
		"ef_mpk_open said %s: %s", ef_strerror(s), ef_mpk_error());
	printf("# --strict-scan: %s\n", ef_mpk_error());
	/* Remembered, not reloaded. */
	REQUIRE(ef_mpk_open(&d, "sodium", NULL) == EF_E_UNAVAILABLE, "second open");
	return 0;
}

static void test_attacks(void)
{
	attack("--foreign-read=host reads, cannot write", host_read_policy, NULL);
	attack("host function called by foreign code", call_host_function, NULL);
	attack("read() into host memory", kernel_write, NULL);
	attack("mprotect, pkey_mprotect, munmap, madvise, pkey_alloc, pkey_free",
	       memory_syscalls, NULL);
	attack("process_vm_writev and /proc/self/mem", remote_writes, NULL);
	attack("foreign stack overflow", stack_overflow, NULL);
	attack("write the thread's alternate signal stack", altstack_write, NULL);
	attack("jump into the gate's entry with a forged PKRU", forged_pkru_entry, NULL);
	attack("jump into the gate's exit with a forged PKRU", forged_pkru_exit, NULL);
	attack("a domain reads another's memory through its gate entry: stopped "
	       "under sealed, a known limit under strict", cross_domain_read, NULL);
	attack("invalid return values", invalid_returns, NULL);
	attack("a call past the time limit on foreign calls", endless_call, NULL);
	if (sealed())
		attack("a domain heap past its cap", heap_cap, NULL);
	attack("protection keys exhausted", keys_exhausted, NULL);
}

/* The first hit of d's scan at a place whose name starts with `where`. */
static const ef_mpk_scan_hit *hit_at(const ef_domain *d, const char *where)
{
	unsigned n;
	const ef_mpk_scan_hit *h = ef_mpk_scan(d, &n);
	for (unsigned k = 0; k < n && k < EF_MPK_SCAN_KEPT; k++)
		if (!strncmp(h[k].where, where, strlen(where)))
			return &h[k];
	return NULL;
}

/* Under strict, foreign code that calls pkey_set's wrpkru in its libc with
 * eax = 0 runs on with every key open: the escape sealed closes. */
static int strict_gadget_escapes(char *why, size_t whylen)
{
	const ef_mpk_scan_hit *h = hit_at(&dom, "libc.so.6+");
	uint32_t pkru;
	REQUIRE(h && !strcmp(h->insn, "wrpkru"), "no wrpkru in the namespace's libc");
	pkru = INV(efmt_call_gadget, (const void *)h->addr);
	REQUIRE(ef_mpk_call_status() == EF_OK, "the call failed");
	printf("# strict: foreign code called the wrpkru at %s and ran on with "
	       "PKRU %#x\n", h->where, pkru);
	REQUIRE(pkru == 0, "PKRU %#x after the gadget, want 0 (every key open)", pkru);
	return 0;
}

/* Sealed domains, opened in the attack's child, where the policy stays. */
static ef_status open_sealed(ef_domain *d, const char *set)
{
	ef_mpk_set_policy(EF_MPK_SEALED);
	return ef_mpk_open(d, set, NULL);
}

/* Every hit is ud2 now, the host libc's pkey_set among them; and host code
 * still never needs ld.so's lazy resolver, rewritten too: an object opened
 * with RTLD_LAZY after the rewrite calls through its PLT. */
static int sealed_neutralizes(char *why, size_t whylen)
{
	const unsigned char *set = dlsym(RTLD_DEFAULT, "pkey_set");
	const ef_mpk_scan_hit *h;
	void *(*create)(void *, void *, void *);
	void (*destroy)(void *);
	unsigned n, host = 0;
	ef_domain d;
	void *lib, *st;

	REQUIRE(open_sealed(&d, "mpktest") == EF_OK, "%s", ef_mpk_error());
	h = ef_mpk_scan(&d, &n);
	REQUIRE(n > 0 && n <= EF_MPK_SCAN_KEPT, "%u hits", n);
	for (unsigned k = 0; k < n; k++) {
		const unsigned char *b = (const unsigned char *)h[k].addr;
		printf("# sealed: %s at %s is %02x %02x now\n", h[k].insn,
		       h[k].where, b[0], b[1]);
		REQUIRE(h[k].neutralized && b[0] == 0x0f && b[1] == 0x0b,
			"%s at %s not rewritten", h[k].insn, h[k].where);
		host += !strncmp(h[k].where, "host libc.so.6+", 15);
	}
	REQUIRE(host, "nothing in the host's libc rewritten");
	REQUIRE(set, "no pkey_set in the host's libc");
	for (unsigned i = 0; i < 64; i++)
		REQUIRE(set[i] != 0x0f || set[i + 1] != 0x01 || set[i + 2] != 0xef,
			"the host's pkey_set+%#x is still wrpkru", i);
	lib = dlopen("libbrotlidec.so.1", RTLD_LAZY | RTLD_LOCAL);
	REQUIRE(lib, "%s", dlerror());
	create = (void *(*)(void *, void *, void *))dlsym(lib, "BrotliDecoderCreateInstance");
	destroy = (void (*)(void *))dlsym(lib, "BrotliDecoderDestroyInstance");
	REQUIRE(create && destroy && (st = create(NULL, NULL, NULL)), "brotli decoder");
	destroy(st);
	return 0;
}

/* A jump to a rewritten place (attack_arg: the start of its name) with
 * eax = 0 ends the call with SIGILL, and the host goes on. */
static int sealed_gadget_jump(char *why, size_t whylen)
{
	const ef_mpk_scan_hit *h;
	ef_domain d;
	REQUIRE(open_sealed(&d, "mpktest") == EF_OK, "%s", ef_mpk_error());
	h = hit_at(&d, attack_arg);
	REQUIRE(h && h->neutralized, "nothing rewritten at %s", attack_arg);
	dom = d;                /* recovered() checks the suite's domain */
	INV_VOID(efmt_jump, (const void *)h->addr);
	return recovered(why, whylen, 0, SIGILL, -1, 0, -2, 0);
}

static int sealed_strict_scan_accepts(char *why, size_t whylen)
{
	const ef_mpk_scan_hit *h;
	unsigned n;
	ef_domain d;
	ef_mpk_set_strict_scan(1);
	REQUIRE(open_sealed(&d, "sodium") == EF_OK, "%s", ef_mpk_error());
	h = ef_mpk_scan(&d, &n);
	REQUIRE(n > 0, "no hits");
	for (unsigned k = 0; k < n && k < EF_MPK_SCAN_KEPT; k++)
		REQUIRE(h[k].neutralized, "%s at %s kept", h[k].insn, h[k].where);
	return 0;
}

/* Where ld.so puts its lazy resolver in an object it binds lazily: GOT[2],
 * 0 in an object bound at load. */
static uintptr_t *got2_of(const char *lib)
{
	struct link_map *l;
	void *h = dlopen(lib, RTLD_NOLOAD | RTLD_NOW);
	if (!h || dlinfo(h, RTLD_DI_LINKMAP, &l))
		return NULL;
	for (const ElfW(Dyn) *d = l->l_ld; d->d_tag != DT_NULL; d++)
		if (d->d_tag == DT_PLTGOT)
			return (uintptr_t *)d->d_un.d_ptr + 2;
	return NULL;
}

/* Opening `set` under sealed is refused, the message naming `what` and
 * `cause`. */
static int sealed_refused(const char *set, const char *what, const char *cause,
			  char *why, size_t whylen)
{
	ef_domain d;
	ef_status s = open_sealed(&d, set);
	printf("# sealed: %s\n", ef_mpk_error());
	REQUIRE(s == EF_E_UNAVAILABLE && strstr(ef_mpk_error(), what) &&
		strstr(ef_mpk_error(), cause), "ef_mpk_open(%s) said %s: %s", set,
		ef_strerror(s), ef_mpk_error());
	return 0;
}

/* What sealed cannot rewrite refuses the set, named: a wrpkru inside
 * another instruction of a foreign library; ld.so's xrstor when an object
 * binds lazily (GOT[2] set as ld.so sets it), or when a later load may. */
static int sealed_refuses(char *why, size_t whylen)
{
	uintptr_t *got2 = got2_of("libefmpktest.so"), page;
	int r;

	if (sealed_refused("mpkgadget", "wrpkru at libefmpkgadget.so+0x",
			   "not inside pkey_set", why, whylen))
		return 1;
	REQUIRE(got2 && !*got2, "libefmpktest.so's GOT[2]: %p", (void *)got2);
	/* (A set loaded anew: under sealed the suite's mpktest is loaded.) */
	if (!sealed()) {
		page = (uintptr_t)got2 & ~(uintptr_t)4095;
		REQUIRE(!mprotect((void *)page, 4096, PROT_READ | PROT_WRITE), "mprotect");
		*got2 = (uintptr_t)dlsym(RTLD_DEFAULT, "pkey_set");
		r = sealed_refused("mpktest", "xrstor at ld-linux",
				   "libefmpktest.so binds lazily", why, whylen);
		*got2 = 0;
		if (r)
			return 1;
	}
	if (sealed())         /* ld.so is rewritten already */
		return 0;
	unsetenv("LD_BIND_NOW");
	return sealed_refused("hmac", "xrstor at ld-linux",
			      "LD_BIND_NOW is not set", why, whylen);
}

/* The load-time scan finds pkey_set's wrpkru in the namespace's libc;
 * under sealed every hit is rewritten to trap, or the set refused. */
static void test_scan(void)
{
	const ef_mpk_scan_hit *h;
	unsigned n, libc = 0;

	if (!need_domain())
		return;
	h = ef_mpk_scan(&dom, &n);
	CHECK(n > 0 && h);
	for (unsigned k = 0; k < n && k < EF_MPK_SCAN_KEPT; k++) {
		const unsigned char *b = (const unsigned char *)h[k].addr;
		printf("# scan: %s at %s (%#lx)\n", h[k].insn, h[k].where,
		       (unsigned long)h[k].addr);
		/* Under sealed the suite's own namespace was rewritten. */
		CHECK(b[0] == 0x0f && (sealed() ? b[1] == 0x0b
				       : b[1] == 0x01 || b[1] == 0xae));
		libc += !strcmp(h[k].insn, "wrpkru") && strstr(h[k].where, "libc.so");
	}
	CHECK(libc >= 1);
	{
		unsigned counts[2] = { 0, 0 };
		dl_iterate_phdr(program_wrpkru, counts);
		printf("# the program's own code: %u wrpkru, %u followed by a "
		       "trapping check\n", counts[0], counts[1]);
		CHECK(counts[0] > 0 && counts[0] == counts[1]);
	}
	attack("--strict-scan refuses such a set", strict_scan_refuses, NULL);
	/* (Only while the gadget is still there: once a sealed namespace
	 * is loaded, the host libc's is rewritten too.) */
	if (!sealed())
		attack("strict: a call to pkey_set's wrpkru opens every key",
		       strict_gadget_escapes, NULL);
	attack("sealed: every hit ud2, the host libc's too; no lazy binding",
	       sealed_neutralizes, NULL);
	attack("sealed: a jump to the namespace libc's wrpkru faults",
	       sealed_gadget_jump, "libc.so.6+");
	attack("sealed: a jump to the host libc's wrpkru faults",
	       sealed_gadget_jump, "host libc.so.6+");
	attack("sealed: a jump to ld.so's xrstor faults",
	       sealed_gadget_jump, "ld-linux-x86-64.so.2+");
	attack("sealed with --strict-scan accepts a set with every hit rewritten",
	       sealed_strict_scan_accepts, NULL);
	attack("sealed refuses what it cannot rewrite, naming it", sealed_refuses, NULL);
}

/* Callbacks. */
static ef_domain *cb_dom;
static void *cb_inner;
static uint64_t cb_depth_max, cb_depth;

static uint64_t host_add(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
			 uint64_t e, uint64_t f)
{
	(void)b, (void)c, (void)d, (void)e, (void)f;
	host_global++;          /* host protections */
	host_tls++;             /* and the host's thread block */
	return a * 3;
}

/* Calls into the domain again, whose code calls back once more. */
static uint64_t host_nest(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
			  uint64_t e, uint64_t f)
{
	uint64_t r;
	(void)b, (void)c, (void)d, (void)e, (void)f;
	if (++cb_depth > cb_depth_max)
		cb_depth_max = cb_depth;
	r = a ? EF_MPK_INVOKE(cb_dom, efub_call_back, (ef_callback_fn)
			       (cb_depth < 3 ? ef_mpk_callback_address(cb_dom, 1)
					     : cb_inner), a - 1) : 100;
	cb_depth--;
	return r * 2;
}

static void test_callbacks(void)
{
	unsigned add, nest;
	uint64_t g = host_global, t = host_tls;

	if (!need_domain())
		return;
	cb_dom = &dom;
	CHECK(ef_callback_add(&dom, host_add, &add) == EF_OK);
	CHECK(ef_callback_add(&dom, host_nest, &nest) == EF_OK);
	CHECK(add == 0 && nest == 1);
	cb_inner = ef_mpk_callback_address(&dom, add);
	CHECK(INV(efub_call_back, (ef_callback_fn)cb_inner, (uint64_t)14) == 43);
	CHECK(host_global == g + 1 && host_tls == t + 1);
	/* Nested: host -> foreign -> host_nest -> foreign -> host_nest ->
	 * foreign -> host_nest -> foreign -> host_add. */
	CHECK(INV(efub_call_back, (ef_callback_fn)ef_mpk_callback_address(&dom, nest),
		  (uint64_t)5) == (((2 * 3 + 1) * 2 + 1) * 2 + 1) * 2 + 1);
	CHECK(cb_depth_max == 3 && cb_depth == 0);
	CHECK(ef_mpk_call_status() == EF_OK && !ef_mpk_fault_of(&dom));
	/* Foreign stack intact after the nested calls. */
	CHECK(INV(efub_args7, 1, 2, 3, 4, 5, 6, 7) == efub_args7(1, 2, 3, 4, 5, 6, 7));
	host_global = g;
	host_tls = t;
}

static int unregistered_callback(char *why, size_t whylen)
{
	uint64_t r = INV(efub_call_back, (ef_callback_fn)ef_mpk_callback_address(&dom, 100),
			 (uint64_t)1);
	const ef_mpk_fault *f = ef_mpk_fault_of(&dom);
	REQUIRE(f && strstr(f->what, "not registered"), "fault: %s", f ? f->what : "none");
	return recovered(why, whylen, r, 0, -1, 0, -2, 0);
}

static int other_domains_callback(char *why, size_t whylen)
{
	ef_domain other;
	uint64_t r;
	REQUIRE(open_reader(&other) == EF_OK, "%s", ef_mpk_error());
	REQUIRE(ef_callback_add(&other, host_add, &(unsigned){ 0 }) == EF_OK, "add");
	r = INV(efub_call_back, (ef_callback_fn)ef_mpk_callback_address(&other, 0),
		(uint64_t)1);
	return recovered(why, whylen, r, SIGILL, -1, 0, -2, 0);
}

static void test_callback_attacks(void)
{
	attack("call to an unregistered callback", unregistered_callback, NULL);
	attack("call to another domain's callback", other_domains_callback, NULL);
}

/* A second thread calling into the domain while the first is inside. */
static volatile uint64_t *release;
static void *inside_thread(void *arg)
{
	(void)arg;
	return (void *)(uintptr_t)INV(efmt_read_wait, release);
}

/* While a second thread's call waits inside the domain, this thread calls
 * into another domain (another slot: hmac's library set).  Under strict it
 * runs; foreign code there could jump into the exit of the gate the first
 * thread is inside and take over that thread's host stack (the strict
 * gates' known limit).  Under sealed one thread at a time runs foreign code
 * of sealed domains, so that call is refused before any foreign code runs
 * (whatever it would do), also while the first thread
 * waits in a callback of its call (its foreign frames wait below); the
 * first thread itself may call into the other domain from the callback. */
#define OTHER_VERSION(d) (uint64_t)EF_MPK_INVOKE(d, sodium_library_version_major)
#define VERSION (uint64_t)sodium_library_version_major()
static ef_domain *wait_other;
static volatile int waiting, go;
static uint64_t host_wait(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
			  uint64_t e, uint64_t f)
{
	uint64_t nested = OTHER_VERSION(wait_other);
	(void)b, (void)c, (void)d, (void)e, (void)f;
	nested = nested == VERSION && ef_mpk_call_status() == EF_OK;
	waiting = 1;
	while (!go)
		sched_yield();
	return a * 3 + nested;
}

static void *callback_thread(void *arg)
{
	uint64_t r = INV(efub_call_back, (ef_callback_fn)arg, (uint64_t)5);
	return (void *)(uintptr_t)(ef_mpk_call_status() == EF_OK ? r : 0);
}

static int other_domain_while_inside(char *why, size_t whylen)
{
	ef_domain other;
	pthread_t t;
	unsigned k;
	void *res;
	uint64_t v;

	(void)why, (void)whylen;
	ef_mpk_set_policy(policy);
	REQUIRE(ef_mpk_open(&other, "hmac", NULL) == EF_OK, "open hmac: %s", ef_mpk_error());
	REQUIRE(other.runtime_state != dom.runtime_state, "one slot for both domains");
	*release = 0;
	REQUIRE(pthread_create(&t, NULL, inside_thread, NULL) == 0, "pthread_create");
	while (!ef_mpk_inside(&dom))
		sched_yield();
	v = OTHER_VERSION(&other);
	if (sealed())
		REQUIRE(v == 0 && ef_mpk_call_status() == EF_E_BUSY, "a call into "
			"another sealed domain ran (%llu)", (unsigned long long)v);
	else
		REQUIRE(v == VERSION && ef_mpk_call_status() == EF_OK, "a call into another "
			"strict domain failed (%llu)", (unsigned long long)v);
	*release = 77;
	pthread_join(t, &res);
	REQUIRE((uintptr_t)res == 77, "the first thread's call returned %p", res);

	/* The first thread waits in a callback, after a call of its own into
	 * the other domain from there. */
	wait_other = &other;
	REQUIRE(ef_callback_add(&dom, host_wait, &k) == EF_OK, "callback");
	REQUIRE(pthread_create(&t, NULL, callback_thread,
			       ef_mpk_callback_address(&dom, k)) == 0, "pthread_create");
	while (!waiting)
		sched_yield();
	v = OTHER_VERSION(&other);
	if (sealed())
		REQUIRE(v == 0 && ef_mpk_call_status() == EF_E_BUSY, "a call into "
			"another sealed domain ran while a thread waits in a "
			"callback (%llu)", (unsigned long long)v);
	else
		REQUIRE(v == VERSION && ef_mpk_call_status() == EF_OK, "a call into another "
			"strict domain failed (%llu)", (unsigned long long)v);
	go = 1;
	pthread_join(t, &res);
	REQUIRE((uintptr_t)res == 5 * 3 + 1 + 1, "the callback thread's call "
		"returned %p (17: its call into the other domain from the "
		"callback ran)", res);
	v = OTHER_VERSION(&other);
	REQUIRE(v == VERSION && ef_mpk_call_status() == EF_OK && !ef_mpk_fault_of(&other) &&
		!ef_mpk_fault_of(&dom), "the domains failed afterwards (%llu)",
		(unsigned long long)v);
	return 0;
}

static void test_second_thread(void)
{
	pthread_t t;
	void *res;
	uint64_t r;

	if (!need_domain())
		return;
	release = ef_heap_alloc(&dom, 8, 8);
	*release = 0;
	CHECK(pthread_create(&t, NULL, inside_thread, NULL) == 0);
	while (!ef_mpk_inside(&dom))
		sched_yield();
	r = INV(efmt_tls_bump);
	CHECK_MSG(r == 0 && ef_mpk_call_status() == EF_E_BUSY,
		  "a second thread got %llu", (unsigned long long)r);
	*release = 77;
	pthread_join(t, &res);
	CHECK((uintptr_t)res == 77);
	CHECK(!ef_mpk_inside(&dom));
	CHECK(INV(efmt_empty) == 0 && ef_mpk_call_status() == EF_OK);
	CHECK(!ef_mpk_fault_of(&dom));
	attack("another domain while a second thread's call is inside, or waits in "
	       "a callback: refused under sealed, runs under strict",
	       other_domain_while_inside, NULL);
	ef_heap_free(&dom, (void *)release);
}

/* Signals and preemption during foreign calls. */
static volatile sig_atomic_t alarms;
static __thread unsigned alarm_tls;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
	alarm_tls++;        /* through the host's thread block */
}

static long involuntary_switches(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long n = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "nonvoluntary_ctxt_switches: %ld", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

static void test_signals_and_preemption(void)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	struct itimerval on = { { 0, 500 }, { 0, 500 } }, off = { { 0, 0 }, { 0, 0 } };
	unsigned calls = 5000, wrong = 0;
	long before;
	pid_t hog;

	if (!need_domain())
		return;
	CHECK(ef_mpk_sigaction(SIGALRM, &sa, NULL) == 0);
	/* A busy process on the same CPUs forces preemption of this one. */
	hog = fork();
	if (hog == 0)
		for (;;)
			__asm__ volatile("");
	before = involuntary_switches();
	setitimer(ITIMER_REAL, &on, NULL);
	for (unsigned i = 0; i < calls; i++)
		if (INV(efmt_spin, (uint64_t)4000, (uint64_t)i) != efmt_spin(4000, i))
			wrong++;
	setitimer(ITIMER_REAL, &off, NULL);
	kill(hog, SIGKILL);
	waitpid(hog, NULL, 0);
	printf("# %u foreign calls: %d SIGALRM handled, %ld involuntary context "
	       "switches\n", calls, (int)alarms, involuntary_switches() - before);
	CHECK(wrong == 0);
	CHECK(alarms > 0);
	CHECK(alarm_tls == (unsigned)alarms);
	CHECK(involuntary_switches() > before);
	signal(SIGALRM, SIG_DFL);
}

/* The gate's cost in instructions, where the guest TSC counts them (QEMU
 * -icount shift=0; scripts/mpk-vm sets EFBENCH_ICOUNT=1). */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* The domain, where instructions can be counted; else the test skips. */
static int need_icount(void)
{
	if (!need_domain())
		return 0;
	if (!getenv("EFBENCH_ICOUNT")) {
		ef_check_skip("counts instructions only under QEMU -icount "
			      "(scripts/mpk-vm)");
		return 0;
	}
	return 1;
}

#define ROUNDS 2000
#define TIMED(per_call, body) do {                                       \
	uint64_t best_ = UINT64_MAX;                                     \
	for (int rep_ = 0; rep_ < 7; rep_++) {                           \
		uint64_t t0_ = rdtsc();                                  \
		for (int i_ = 0; i_ < ROUNDS; i_++) { body; }            \
		uint64_t t_ = rdtsc() - t0_;                             \
		if (t_ < best_) best_ = t_;                              \
	}                                                                \
	per_call = (double)best_ / ROUNDS;                               \
} while (0)

static void test_gate_instruction_budget(void)
{
	double direct, invoke, gate_only, loop;
	void *gate, *fn;
	volatile uint64_t sink = 0;
	int budget;

	if (!need_icount())
		return;
	budget = sealed() ? 70 : 50;
	TIMED(loop, sink += 0);
	TIMED(direct, sink += efmt_empty());
	TIMED(invoke, sink += INV(efmt_empty));
	gate = EF_MPK_ARM_(&dom, efmt_empty, &fn, 8);
	TIMED(gate_only, sink += EF_MPK_CALL_(gate, fn, efmt_empty));
	printf("# %s: instructions per round trip of an empty function: loop %.1f, "
	       "direct call %.1f, EF_MPK_INVOKE %.1f (+%.1f), gate alone %.1f (+%.1f)\n",
	       ef_mpk_policy_name(policy), loop, direct - loop, invoke - loop, invoke - direct,
	       gate_only - loop, gate_only - direct);
	CHECK(gate_only <= invoke);
	if (!ef_mpk_uses_fsgsbase()) {
		ef_check_skip("the budgets are the wrfsbase gates'; this one "
			      "switches the thread block with arch_prctl");
		return;
	}
	CHECK_MSG(invoke - direct <= budget, "EF_MPK_INVOKE costs %.1f instructions "
		  "more than a direct call under %s (budget %d)", invoke - direct,
		  ef_mpk_policy_name(policy), budget);
}

/* A callback round trip: foreign code calling a host function through the
 * callback gate, less the same call made directly (which the host function
 * allows: it touches no memory). */
static uint64_t host_identity(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
			      uint64_t e, uint64_t f)
{
	(void)b, (void)c, (void)d, (void)e, (void)f;
	return a;
}

static void test_callback_instruction_budget(void)
{
	double direct, invoke, plain, gated;
	volatile uint64_t sink = 0;
	unsigned k;
	ef_callback_fn tramp;

	if (!need_icount())
		return;
	CHECK(ef_callback_add(&dom, host_identity, &k) == EF_OK);
	tramp = (ef_callback_fn)ef_mpk_callback_address(&dom, k);
	TIMED(direct, sink += efmt_empty());
	TIMED(invoke, sink += INV(efmt_empty));
	TIMED(plain, sink += INV(efub_call_back, host_identity, (uint64_t)1));
	TIMED(gated, sink += INV(efub_call_back, tramp, (uint64_t)1));
	printf("# instructions per callback round trip: %.1f (invoke round trip "
	       "%.1f; ratio %.2f)\n", gated - plain, invoke - direct,
	       (gated - plain) / (invoke - direct));
	if (!ef_mpk_uses_fsgsbase()) {
		ef_check_skip("the callback budget is the wrfsbase gates'");
		return;
	}
	CHECK_MSG(gated - plain <= 2 * (invoke - direct), "a callback round trip "
		  "costs %.1f instructions, more than twice an invoke round trip "
		  "(%.1f)", gated - plain, invoke - direct);
}

static const ef_test tests[] = {
	{ "mpk availability agrees with CPUID", test_availability_matches_cpuid },
	{ "mpk namespace, heap and stack carry the domain key", test_namespace_is_tagged },
	{ "mpk register arguments 0-6 intact", test_register_arguments },
	{ "mpk stacked arguments up to 100 intact", test_stacked_arguments },
	{ "mpk returns in rax, rdx:rax, xmm0, xmm0:xmm1", test_return_kinds },
	{ "mpk callee-saved registers and DF survive a clobbering callee", test_callee_saved_registers },
	{ "mpk foreign code finds no host value in a register the gate clears", test_gate_clears_host_registers },
	{ "mpk 0-6 integer arguments: unused argument and vector registers cleared (sealed)", test_gate_clears_unused_arguments },
	{ "mpk AVX-512 registers vzeroall leaves: cleared (sealed, AVX-512 machines)", test_clear_avx512 },
	{ "mpk domain TLS (dynamic and libc static)", test_thread_local_storage },
	{ "mpk libsodium crypto_generichash equals direct, key 0 denied", test_libsodium_generichash },
	{ "mpk brotli round trip equals direct, key 0 denied", test_brotli_round_trip },
	{ "mpk foreign read/write of host global, heap, stack, TLS: stopped, host goes on", test_host_memory_denied },
	{ "mpk attack suite: each attack stopped, host goes on", test_attacks },
	{ "mpk load-time wrpkru/xrstor scan, --strict-scan, sealed rewrites", test_scan },
	{ "mpk callbacks, nested three deep", test_callbacks },
	{ "mpk callback attacks: unregistered slot, another domain's", test_callback_attacks },
	{ "mpk second thread refused while the first is inside (sealed: in any sealed domain)", test_second_thread },
	{ "mpk signals and preemption during 5000 foreign calls", test_signals_and_preemption },
	{ "mpk gate round trip within its budget of a direct call (strict 50, sealed 70 instructions)", test_gate_instruction_budget },
	{ "mpk callback round trip within twice an invoke round trip", test_callback_instruction_budget },
};

/* The suite runs with LD_BIND_NOW=1, as the sealed policy needs. */
int main(int argc, char **argv)
{
	(void)argc;
	if (ef_mpk_bind_now(argv)) {
		printf("FAIL mpk suite: cannot run again with LD_BIND_NOW=1: %s\n",
		       strerror(errno));
		return 1;
	}
	return ef_check_run(tests, sizeof tests / sizeof *tests);
}
