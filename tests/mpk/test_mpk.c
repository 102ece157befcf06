/* test_mpk.c: the mpk runtime's test suite.  Runs natively where the CPU
 * and kernel have protection keys, and under QEMU TCG (scripts/mpk-vm)
 * everywhere else; without protection keys each test is skipped with the
 * reason, after checking that the reason agrees with CPUID.
 *
 * Every domain here runs the default strict policy (key 0 neither readable
 * nor writable by foreign code) unless a test says otherwise. */
#define _GNU_SOURCE
#include "../unit/check.h"
#include "../../targets/mpk/mpk.h"
#include "../../workloads/ubench/ubench.h"
#include "mpktest.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <cpuid.h>
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/ucontext.h>
#include <sys/wait.h>
#include <unistd.h>

static ef_domain dom;
static int opened;

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

/* Calls an armed gate with patterns in every callee-saved register and
 * returns a mask of those that came back changed (bit 6: DF set). */
uint64_t callee_saved_check(void *gate);
__asm__(".text\n"
	"callee_saved_check:\n"
	"	push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
	"	sub $8, %rsp\n"
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
	void *gate;

	if (!need_domain())
		return;
	/* efmt_clobber overwrites rbx, rbp, r12-r15 and sets DF. */
	gate = EF_MPK_ARM_(&dom, efmt_clobber, 8);
	CHECK_MSG(callee_saved_check(gate) == 0, "changed: %#llx",
		  (unsigned long long)callee_saved_check(gate));
	/* The check itself sees a clobber when there is no gate between. */
	CHECK(callee_saved_check((void *)efmt_clobber) == 0x7f);
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

/* Faults: the call runs in a child; its SIGSEGV handler (installed with
 * ef_mpk_sigaction, so it runs with host protections) reports what the
 * kernel said through a pipe. */
struct fault {
	int sig, code, pkey;
	uint64_t addr;
};
static int fault_pipe[2];

static void report_fault(int sig, siginfo_t *si, void *uc)
{
	struct fault f = { sig, si->si_code, si->si_pkey, (uint64_t)si->si_addr };
	(void)uc;
	if (write(fault_pipe[1], &f, sizeof f) != sizeof f)
		_exit(3);
	_exit(42);
}

/* Runs fn(arg) in a child.  Returns the child's wait status; *f holds the
 * fault it reported (sig 0 when none). */
static int in_child(void (*fn)(void *), void *arg, struct fault *f)
{
	struct sigaction sa = { .sa_sigaction = report_fault, .sa_flags = SA_SIGINFO };
	int status = -1;
	pid_t pid;

	memset(f, 0, sizeof *f);
	if (pipe(fault_pipe))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct sigaction dfl = { .sa_handler = SIG_DFL };
		close(fault_pipe[0]);
		ef_mpk_sigaction(SIGSEGV, &sa, NULL);
		ef_mpk_sigaction(SIGBUS, &sa, NULL);
		ef_mpk_sigaction(SIGILL, &dfl, NULL);
		fn(arg);
		_exit(0);
	}
	close(fault_pipe[1]);
	if (read(fault_pipe[0], f, sizeof *f) != sizeof *f)
		memset(f, 0, sizeof *f);
	close(fault_pipe[0]);
	waitpid(pid, &status, 0);
	return status;
}

static uint64_t host_global = 0x600d;
static __thread uint64_t host_tls = 0x7157;
static volatile uint64_t *target;

static void foreign_read(void *arg) { (void)arg; INV(efmt_read, target); }
static void foreign_write(void *arg) { (void)arg; INV_VOID(efmt_write, target, (uint64_t)1); }

static void expect_pku_fault(const char *what, void (*fn)(void *), volatile uint64_t *p)
{
	struct fault f;
	uint64_t before = *p;
	int status;

	target = p;
	status = in_child(fn, NULL, &f);
	CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 42,
		  "%s: child status %#x, no fault reported", what, status);
	CHECK_MSG(f.sig == SIGSEGV && f.code == SEGV_PKUERR && f.pkey == 0 &&
		  f.addr == (uint64_t)p, "%s: signal %d code %d key %d addr %#llx "
		  "(want SIGSEGV SEGV_PKUERR key 0 %p)", what, f.sig, f.code, f.pkey,
		  (unsigned long long)f.addr, (void *)p);
	CHECK(*p == before);
}

static void test_host_memory_denied(void)
{
	uint64_t stack_word = 0x57ac;
	uint64_t *heap_word;

	if (!need_domain())
		return;
	heap_word = malloc(sizeof *heap_word);
	*heap_word = 0x4ea9;
	expect_pku_fault("read of a host global", foreign_read, &host_global);
	expect_pku_fault("write of a host global", foreign_write, &host_global);
	expect_pku_fault("read of the host heap", foreign_read, heap_word);
	expect_pku_fault("write of the host heap", foreign_write, heap_word);
	expect_pku_fault("read of the host stack", foreign_read, &stack_word);
	expect_pku_fault("write of the host stack", foreign_write, &stack_word);
	expect_pku_fault("read of host TLS", foreign_read, &host_tls);
	expect_pku_fault("write of host TLS", foreign_write, &host_tls);
	free(heap_word);
	/* The same calls on foreign memory work. */
	uint64_t *fw = ef_heap_alloc(&dom, 8, 8);
	INV_VOID(efmt_write, fw, (uint64_t)99);
	CHECK(INV(efmt_read, fw) == 99);
	ef_heap_free(&dom, fw);
}

/* --foreign-read=host: the host readable, never writable. */
static void test_host_read_policy(void)
{
	ef_domain reader;
	ef_domain saved;
	struct fault f;
	int status;

	if (!need_domain())
		return;
	ef_mpk_set_policy(EF_MPK_HOST_READ);
	ef_status s = ef_mpk_open(&reader, "mpktest", NULL);
	ef_mpk_set_policy(EF_MPK_STRICT);
	CHECK_MSG(s == EF_OK, "%s", ef_mpk_error());
	if (s)
		return;
	CHECK(ef_mpk_key(&reader) != ef_mpk_key(&dom));
	CHECK(EF_MPK_INVOKE(&reader, efmt_read, &host_global) == 0x600d);
	/* Writes still fault: swap the suite's domain for this one. */
	saved = dom, dom = reader;
	target = &host_global;
	status = in_child(foreign_write, NULL, &f);
	dom = saved;
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);
	CHECK(f.code == SEGV_PKUERR && f.addr == (uint64_t)&host_global);
	CHECK(host_global == 0x600d);
	ef_mpk_close(&reader);
}

static void overflow(void *arg) { (void)arg; INV(efmt_recurse, (uint64_t)100000); }

static void test_foreign_stack_overflow(void)
{
	struct fault f;
	int status;

	if (!need_domain())
		return;
	/* 400 MB of frames on a 1 MiB foreign stack: the guard page below it
	 * stops the first frame past its end.  The kernel cannot push a
	 * signal frame onto the overflowed stack, so the child dies of
	 * SIGSEGV rather than run on with corrupted memory. */
	status = in_child(overflow, NULL, &f);
	CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
		  "child status %#x", status);
	CHECK(INV(efmt_recurse, (uint64_t)16) == 0);   /* a shallow one is fine */
}

static void forged_jump(void *arg)
{
	/* The entry's wrpkru with PKRU := 0 (everything open), as code that
	 * jumps into the gate would try. */
	__asm__ volatile("xor %%ecx, %%ecx\n xor %%edx, %%edx\n xor %%eax, %%eax\n"
			 "jmp *%0" : : "r"(arg) : "memory");
}

static void test_forged_pkru_jump(void)
{
	extern void *const ef_mpk_gates[EF_MPK_SLOTS][2][EF_MPK_VARIANTS];
	ef_mpk_slot *slot;
	const unsigned char *g, *wr = NULL;
	struct fault f;
	int status;

	if (!need_domain())
		return;
	slot = dom.runtime_state;
	g = slot->entry[0];
	for (unsigned i = 0; i < 256 && !wr; i++)
		if (g[i] == 0x0f && g[i + 1] == 0x01 && g[i + 2] == 0xef)
			wr = g + i;
	CHECK(wr != NULL);
	if (!wr)
		return;
	status = in_child(forged_jump, (void *)wr, &f);
	CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGILL,
		  "child status %#x: the gate let PKRU 0 through", status);
	(void)ef_mpk_gates;
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
	uint64_t (*gate)(void);
	volatile uint64_t sink = 0;

	if (!need_domain())
		return;
	if (!getenv("EFBENCH_ICOUNT")) {
		ef_check_skip("counts instructions only under QEMU -icount "
			      "(scripts/mpk-vm)");
		return;
	}
	TIMED(loop, sink += 0);
	TIMED(direct, sink += efmt_empty());
	TIMED(invoke, sink += INV(efmt_empty));
	gate = (uint64_t (*)(void))EF_MPK_ARM_(&dom, efmt_empty, 8);
	TIMED(gate_only, sink += gate());
	printf("# instructions per round trip of an empty function: loop %.1f, "
	       "direct call %.1f, EF_MPK_INVOKE %.1f (+%.1f), gate alone %.1f (+%.1f)\n",
	       loop, direct - loop, invoke - loop, invoke - direct,
	       gate_only - loop, gate_only - direct);
	CHECK(gate_only <= invoke);
	if (!ef_mpk_uses_fsgsbase()) {
		ef_check_skip("the 60-instruction budget is the wrfsbase gate's; "
			      "this one switches the thread block with arch_prctl");
		return;
	}
	CHECK_MSG(invoke - direct <= 60, "EF_MPK_INVOKE costs %.1f instructions "
		  "more than a direct call (budget 60)", invoke - direct);
}

static const ef_test tests[] = {
	{ "mpk availability agrees with CPUID", test_availability_matches_cpuid },
	{ "mpk namespace, heap and stack carry the domain key", test_namespace_is_tagged },
	{ "mpk register arguments 0-6 intact", test_register_arguments },
	{ "mpk stacked arguments up to 100 intact", test_stacked_arguments },
	{ "mpk returns in rax, rdx:rax, xmm0, xmm0:xmm1", test_return_kinds },
	{ "mpk callee-saved registers and DF survive a clobbering callee", test_callee_saved_registers },
	{ "mpk domain TLS (dynamic and libc static)", test_thread_local_storage },
	{ "mpk libsodium crypto_generichash equals direct, key 0 denied", test_libsodium_generichash },
	{ "mpk brotli round trip equals direct, key 0 denied", test_brotli_round_trip },
	{ "mpk foreign read/write of host global, heap, stack, TLS fault", test_host_memory_denied },
	{ "mpk --foreign-read=host reads but cannot write", test_host_read_policy },
	{ "mpk foreign stack overflow hits the guard page", test_foreign_stack_overflow },
	{ "mpk jump into the gate with a forged PKRU traps", test_forged_pkru_jump },
	{ "mpk signals and preemption during 5000 foreign calls", test_signals_and_preemption },
	{ "mpk gate round trip within 60 instructions of a direct call", test_gate_instruction_budget },
};

EF_TEST_MAIN(tests)
