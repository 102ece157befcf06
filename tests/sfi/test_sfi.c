/* test_sfi.c: the sfi runtime's suite.  Foreign code of the test module
 * (tests/sfi/foreign.c, "sfitest") that reads out of bounds, aborts,
 * exhausts the stack or calls through a mistyped table entry ends its call
 * with EF_E_FAULT and poisons its domain, and the host goes on with a fresh
 * one; callbacks run host code and return; 0..100 arguments arrive intact
 * (ubench's module against the native library); a pointer outside the
 * sandbox is refused by upgrade, and a host pointer given to foreign code
 * reaches nothing of the host's; a second thread is refused while one is
 * inside; and a fault that is not foreign code's reaches the handler the
 * program had before. */
#include "../unit/check.h"
#include "../../runtimes/sfi/calls.h"
#include "../../workloads/ubench/ubench.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>

#define OPEN(d, set) CHECK_MSG(ef_sfi_open(d, set) == EF_OK, "open %s: %s", set, ef_sfi_error())
#define ST(d, T, fn, ...) EF_SFI_CALL(d, sfitest, T, fn, ##__VA_ARGS__)

/* A domain's calls after a trap: the trap's status, then at once the
 * same for every later call, the reason in the fault message. */
static void check_poisoned(ef_domain *d, const char *what, const char *reason)
{
	char buf[256];
	const char *m;
	unsigned char *p = ef_heap_alloc(d, 16, 16);

	CHECK_MSG(ef_sfi_call_status() == EF_E_FAULT, "%s: no fault reported", what);
	m = ef_sfi_fault_message(d, buf, sizeof buf);
	CHECK_MSG(m && strstr(m, reason), "%s: fault message %s lacks \"%s\"", what,
		  m ? m : "(none)", reason);
	CHECK_MSG(ST(d, uint32_t, efst_pass, ef_sfi_ptr(d->runtime_state, p)) == 0,
		  "%s: a poisoned domain answered", what);
	CHECK_MSG(ef_sfi_call_status() == EF_E_FAULT, "%s: a poisoned domain's call "
		  "did not fail", what);
}

/* A fresh domain over the same set works. */
static void check_fresh(const char *what)
{
	ef_domain d;
	unsigned char *p;

	OPEN(&d, "sfitest");
	p = ef_heap_alloc(&d, 16, 16);
	CHECK_MSG(ef_sfi_host(d.runtime_state,
			      ST(&d, uint32_t, efst_pass, ef_sfi_ptr(d.runtime_state, p))) == p,
		  "%s: a fresh domain does not work", what);
	CHECK_MSG(ef_sfi_call_status() == EF_OK, "%s: fresh domain's call failed", what);
	ef_sfi_close(&d);
}

/* A fault in host code, with a handler the program installed before the
 * runtime's: the handler gets it.  First, before any domain opens. */
static sigjmp_buf host_jb;
static volatile sig_atomic_t host_faults;
static void host_handler(int sig, siginfo_t *si, void *ctx)
{
	(void)sig, (void)si, (void)ctx;
	host_faults++;
	siglongjmp(host_jb, 1);
}

static void host_fault_goes_to_its_handler(void)
{
	struct sigaction sa = { .sa_sigaction = host_handler, .sa_flags = SA_SIGINFO }, old;
	void *volatile page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ef_domain d;

	CHECK(page != MAP_FAILED);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old);
	OPEN(&d, "sfitest");          /* installs the runtime's handler */
	if (!sigsetjmp(host_jb, 1))
		(void)*(volatile char *)page;
	CHECK_MSG(host_faults == 1, "the host's fault reached %d handlers", host_faults);
	/* And a trap still is the runtime's. */
	CHECK(ST(&d, uint32_t, efst_read, 0xfffffff0u) == 0);
	check_poisoned(&d, "after a host fault", "out-of-bounds");
	CHECK(host_faults == 1);
	ef_sfi_close(&d);
	munmap(page, 4096);
}

static void trap_out_of_bounds(void)
{
	ef_domain d;

	OPEN(&d, "sfitest");
	CHECK(ST(&d, uint32_t, efst_read, 0xfffffff0u) == 0);
	check_poisoned(&d, "out of bounds", "out-of-bounds");
	ef_sfi_close(&d);
	check_fresh("out of bounds");
}

static void trap_unreachable(void)
{
	ef_domain d;

	OPEN(&d, "sfitest");
	EF_SFI_CALL_VOID(&d, sfitest, efst_abort);
	check_poisoned(&d, "abort", "unreachable");
	ef_sfi_close(&d);
	check_fresh("abort");
}

/* A call that never returns: the watchdog ends it at the time limit. */
static void hang_times_out(void)
{
	ef_domain d;
	struct timespec t0, t1;

	OPEN(&d, "sfitest");
	ef_sfi_set_timeout(0.3);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	EF_SFI_CALL_VOID(&d, sfitest, efst_spin);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	ef_status s = ef_sfi_call_status();
	char buf[256];
	const char *why = ef_sfi_fault_message(&d, buf, sizeof buf);
	CHECK_MSG(s == EF_E_TIMEOUT, "a hang: %s, not %s", ef_strerror(s), ef_strerror(EF_E_TIMEOUT));
	CHECK_MSG(why && strstr(why, "time limit"), "the fault says \"%s\"", why ? why : "nothing");
	CHECK_MSG(took >= 0.3 && took < 5, "the hang ended after %.2f s (limit 0.3 s)", took);
	ef_sfi_set_timeout(10);
	ef_sfi_close(&d);
	check_fresh("a hang");
}

static void trap_stack_exhaustion(void)
{
	ef_domain d;

	OPEN(&d, "sfitest");
	CHECK(ST(&d, uint64_t, efst_deep, 1ull << 40) == 0);
	check_poisoned(&d, "deep recursion", "exhausted");
	ef_sfi_close(&d);
	check_fresh("deep recursion");
	/* Twice: the alternate stack is still there. */
	OPEN(&d, "sfitest");
	CHECK(ST(&d, uint64_t, efst_deep, 1ull << 40) == 0);
	check_poisoned(&d, "deep recursion again", "exhausted");
	ef_sfi_close(&d);
}

static uint64_t host_cb(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
			uint64_t e, uint64_t f)
{
	return a * 10 + b + c + d + e + f;
}

static void trap_call_indirect(void)
{
	ef_domain d;
	unsigned slot;
	void *addr;

	OPEN(&d, "sfitest");
	CHECK(ef_callback_add(&d, host_cb, &slot) == EF_OK);
	addr = ef_sfi_callback_address(&d, slot);
	CHECK(addr);
	/* The host function's entry called as (i32) -> i32. */
	CHECK(ST(&d, uint32_t, efst_call_wrong, (uint32_t)(uintptr_t)addr) == 0);
	check_poisoned(&d, "mistyped call_indirect", "call_indirect");
	ef_sfi_close(&d);
	/* And an index past the table's end. */
	OPEN(&d, "sfitest");
	CHECK(ST(&d, uint32_t, efst_call_wrong, 100000u) == 0);
	check_poisoned(&d, "call_indirect out of the table", "call_indirect");
	ef_sfi_close(&d);
	check_fresh("call_indirect");
}

static ef_domain *cb_domain;
static uint64_t cb_epoch;
static uint64_t epoch_cb(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
			 uint64_t e, uint64_t f)
{
	cb_epoch = cb_domain->epoch;
	/* Host code: the thread is not inside foreign code now. */
	CHECK(ef_sfi_self.cur == NULL);
	return host_cb(a, b, c, d, e, f);
}

static void callbacks_run_host_code(void)
{
	ef_domain d;
	unsigned slot[3];
	void *addr[3];
	uint64_t before;

	OPEN(&d, "sfitest");
	cb_domain = &d;
	CHECK(ef_callback_add(&d, host_cb, &slot[0]) == EF_OK);
	CHECK(ef_callback_add(&d, epoch_cb, &slot[1]) == EF_OK);
	CHECK(ef_callback_add(&d, host_cb, &slot[2]) == EF_OK);
	for (int i = 0; i < 3; i++) {
		addr[i] = ef_sfi_callback_address(&d, slot[i]);
		CHECK(addr[i]);
	}
	CHECK(addr[0] != addr[1] && addr[1] != addr[2]);
	CHECK(ef_sfi_callback_address(&d, slot[1]) == addr[1]);
	CHECK(ef_sfi_callback_address(&d, 3) == NULL);  /* not registered */
	for (uint64_t x = 0; x < 5; x++) {
		CHECK(ST(&d, uint64_t, efst_call_back, (uint32_t)(uintptr_t)addr[0], x) ==
		      x * 10 + 15 + 1);
		before = d.epoch;
		CHECK(ST(&d, uint64_t, efst_call_back, (uint32_t)(uintptr_t)addr[1], x) ==
		      x * 10 + 15 + 1);
		CHECK_MSG(cb_epoch == before + 1, "the epoch did not advance on "
			  "the callback's entry");
	}
	CHECK(ef_sfi_call_status() == EF_OK);
	/* ubench's efub_call_back, through EF_RT_INVOKE's wrapper. */
	ef_sfi_close(&d);
	OPEN(&d, "ubench");
	CHECK(ef_callback_add(&d, host_cb, &slot[0]) == EF_OK);
	addr[0] = ef_sfi_callback_address(&d, slot[0]);
	CHECK(ef_sfi_call_efub_call_back(&d, (ef_callback_fn)addr[0], 4) == 41);
	CHECK(ef_sfi_call_status() == EF_OK);
	ef_sfi_close(&d);
}

#define ARG(i) , 0x0123456789abcdefull * (i + 1) + i
#define CHECK_ARITY(n)                                                          \
	CHECK_MSG(ef_sfi_call_efub_args##n(&d EF_SEQ_##n(ARG)) ==               \
		  efub_args##n(EF_LIST(EF_SEQ_##n, ARG)), "%d arguments", n);
static void arguments_0_to_100(void)
{
	ef_domain d;

	OPEN(&d, "ubench");
	EFUB_ARITIES(CHECK_ARITY)
	CHECK(ef_sfi_call_status() == EF_OK);
	ef_sfi_close(&d);
}

static void pointers_across(void)
{
	ef_domain d;
	ef_ref r;
	static uint64_t host_word = 7;
	unsigned char *p;
	void *out, *big;
	uint64_t epoch;

	OPEN(&d, "sfitest");
	CHECK(d.nregions == 1);
	p = ef_heap_alloc(&d, 64, 16);
	CHECK(p);
	/* A domain pointer round trips; upgrade takes it. */
	out = ef_sfi_host(d.runtime_state, ST(&d, uint32_t, efst_pass,
					     ef_sfi_ptr(d.runtime_state, p)));
	CHECK(out == p);
	CHECK(ef_upgrade(&d, out, 64, 1, EF_READ, &r) == EF_OK);
	/* NULL stays NULL. */
	CHECK(ef_sfi_host(d.runtime_state, ST(&d, uint32_t, efst_pass, 0)) == NULL);
	/* A pointer outside the sandbox's memory is refused. */
	out = ef_sfi_host(d.runtime_state, ST(&d, uint32_t, efst_outside));
	CHECK(out);
	CHECK(ef_upgrade(&d, out, 1, 1, EF_READ, &r) == EF_E_BOUNDS);
	/* A host pointer given to foreign code names nothing it can reach. */
	CHECK(ef_sfi_ptr(d.runtime_state, &host_word) == EF_SFI_BAD_OFFSET);
	out = ef_sfi_host(d.runtime_state, ST(&d, uint32_t, efst_pass,
					     ef_sfi_ptr(d.runtime_state, &host_word)));
	CHECK(out != (void *)&host_word);
	CHECK(ef_upgrade(&d, out, 1, 1, EF_READ, &r) == EF_E_BOUNDS);
	/* Memory the module grows is the domain's too, and the epoch moved. */
	epoch = d.epoch;
	big = ef_sfi_host(d.runtime_state, ST(&d, uint32_t, efst_grow, 8u << 20));
	CHECK(d.epoch == epoch + 1);
	CHECK(big && ef_upgrade(&d, big, 8u << 20, 1, EF_READ | EF_WRITE, &r) == EF_OK);
	CHECK(big && ((unsigned char *)big)[(8u << 20) - 1] == 0x5a);
	CHECK(ef_sfi_call_status() == EF_OK);
	ef_sfi_close(&d);

	/* ubench's efub_store of a host address (the fault drill): a trap,
	 * and the host word is untouched. */
	OPEN(&d, "ubench");
	ef_sfi_call_efub_store(&d, &host_word, 99);
	CHECK(host_word == 7);
	check_poisoned(&d, "a store through a host pointer", "out-of-bounds");
	ef_sfi_close(&d);
}

/* A size_t the library writes through wasm32's 4-byte size_t. */
static void size_slots(void)
{
	ef_domain d;
	static const char text[] = "hello hello hello hello hello hello";
	size_t n = sizeof text, *enc_size, *dec_size;
	unsigned char *in, *enc, *dec;
	int rc;

	OPEN(&d, "brotli");
	in = ef_heap_alloc(&d, n, 16);
	enc = ef_heap_alloc(&d, 2 * n + 64, 16);
	dec = ef_heap_alloc(&d, n, 16);
	enc_size = ef_heap_alloc(&d, sizeof *enc_size, 16);
	dec_size = ef_heap_alloc(&d, sizeof *dec_size, 16);
	memcpy(in, text, n);
	*enc_size = 0xdeadbeef00000000ull | (2 * n + 64);
	rc = ef_sfi_call_BrotliEncoderCompress(&d, 11, 22, 0, n, in, enc_size, enc);
	CHECK(rc == 1);
	CHECK_MSG(*enc_size > 0 && *enc_size < 2 * n + 64, "encoded size %zu", *enc_size);
	*dec_size = n;
	rc = ef_sfi_call_BrotliDecoderDecompress(&d, *enc_size, enc, dec_size, dec);
	CHECK(rc == 1);
	CHECK(*dec_size == n && !memcmp(dec, text, n));
	CHECK(ef_sfi_call_status() == EF_OK);
	ef_sfi_close(&d);
}

static void wrong_module_refused(void)
{
	ef_domain d;
	char buf[200];

	OPEN(&d, "sfitest");
	CHECK(ef_sfi_call_efub_args1(&d, 1) == 0);
	CHECK(ef_sfi_call_status() == EF_E_ARG);
	CHECK(ef_sfi_fault_message(&d, buf, sizeof buf) != NULL);
	ef_sfi_close(&d);
	CHECK(ef_sfi_open(&d, "no-such-set") == EF_E_ARG);
}

struct waiter {
	ef_domain *d;
	void *cb;
	volatile uint32_t *flag;
	uint32_t got;
	ef_status status;
};

static void *wait_inside(void *arg)
{
	struct waiter *w = arg;

	w->got = ST(w->d, uint32_t, efst_wait, (uint32_t)(uintptr_t)w->cb,
		    ef_sfi_ptr(w->d->runtime_state, (const void *)w->flag));
	w->status = ef_sfi_call_status();
	return NULL;
}

static void second_thread_is_busy(void)
{
	ef_domain d;
	struct waiter w = { &d, NULL, NULL, 0, EF_OK };
	ef_sfi_state *s;
	unsigned slot;
	pthread_t th;

	OPEN(&d, "sfitest");
	s = d.runtime_state;
	CHECK(ef_callback_add(&d, host_cb, &slot) == EF_OK);
	w.cb = ef_sfi_callback_address(&d, slot);
	w.flag = ef_heap_alloc(&d, 4, 4);
	*w.flag = 0;
	CHECK(pthread_create(&th, NULL, wait_inside, &w) == 0);
	while (!__atomic_load_n(&s->inside, __ATOMIC_ACQUIRE))
		;
	CHECK(ST(&d, uint32_t, efst_pass, 8) == 0);
	CHECK(ef_sfi_call_status() == EF_E_BUSY);
	*w.flag = 3;
	pthread_join(th, NULL);
	CHECK(w.got == 3 && w.status == EF_OK);
	/* Free again: this thread's call goes in. */
	CHECK(ST(&d, uint32_t, efst_pass, 8) == 8);
	CHECK(ef_sfi_call_status() == EF_OK);
	ef_sfi_close(&d);
}

/* A trap on another thread: its own alternate stack and jump buffer. */
static void *deep_elsewhere(void *arg)
{
	ef_domain *d = arg;
	ST(d, uint64_t, efst_deep, 1ull << 40);
	return (void *)(uintptr_t)ef_sfi_call_status();
}

static void trap_on_another_thread(void)
{
	ef_domain d;
	pthread_t th;
	void *st;

	OPEN(&d, "sfitest");
	CHECK(pthread_create(&th, NULL, deep_elsewhere, &d) == 0);
	pthread_join(th, &st);
	CHECK((ef_status)(uintptr_t)st == EF_E_FAULT);
	CHECK(ST(&d, uint32_t, efst_pass, 8) == 0);
	CHECK(ef_sfi_call_status() == EF_E_FAULT);
	ef_sfi_close(&d);
	check_fresh("a trap on another thread");
}

static const ef_test tests[] = {
	{ "sfi/host_fault_goes_to_its_handler", host_fault_goes_to_its_handler },
	{ "sfi/trap_out_of_bounds", trap_out_of_bounds },
	{ "sfi/trap_unreachable", trap_unreachable },
	{ "sfi/hang_times_out", hang_times_out },
	{ "sfi/trap_stack_exhaustion", trap_stack_exhaustion },
	{ "sfi/trap_call_indirect", trap_call_indirect },
	{ "sfi/callbacks_run_host_code", callbacks_run_host_code },
	{ "sfi/arguments_0_to_100", arguments_0_to_100 },
	{ "sfi/pointers_across", pointers_across },
	{ "sfi/size_slots", size_slots },
	{ "sfi/wrong_module_refused", wrong_module_refused },
	{ "sfi/second_thread_is_busy", second_thread_is_busy },
	{ "sfi/trap_on_another_thread", trap_on_another_thread },
};
EF_TEST_MAIN(tests)
