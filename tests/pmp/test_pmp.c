/* test_pmp.c: the PMP runtime's test suite, a firmware of its own.  Each
 * test prints PASS/FAIL lines on the UART (scripts/pmp-run passes them on to
 * scripts/run-tests); the exit status is the number of failures. */
#include "../../runtimes/pmp/pmp.h"
#include "pmptest.h"

#include <stdio.h>
#include <string.h>

static unsigned failures, checks_failed_in_test;
static const char *current;

static void say(const char *s) { ef_board_puts(s); }

static void check_fail(int line, const char *what)
{
	char buf[256];
	snprintf(buf, sizeof buf, "FAIL pmp %s (%s): tests/pmp/test_pmp.c:%d: %s\n",
		 current, ef_board_name, line, what);
	say(buf);
	checks_failed_in_test++;
}
#define CHECK(c) do { if (!(c)) check_fail(__LINE__, #c); } while (0)

static void run(const char *name, void (*fn)(void))
{
	char buf[160];
	current = name;
	checks_failed_in_test = 0;
	fn();
	if (!checks_failed_in_test) {
		snprintf(buf, sizeof buf, "PASS pmp %s (%s)\n", name, ef_board_name);
		say(buf);
	}
	failures += checks_failed_in_test != 0;
}

#define SP ((uintptr_t)__foreign_stack_hi)
#define CALL(fn, ...) EF_PMP_CALL(SP, fn, ##__VA_ARGS__)

#define ARG(i) , 1000u + 7u * i
#define CHECK_ARGS(n) CHECK(CALL(efpt_args##n, EF_LIST(EF_SEQ_##n, ARG)) == \
			    efpt_args##n(EF_LIST(EF_SEQ_##n, ARG)));

static void test_arguments(void)
{
	CHECK(CALL(efpt_args0) == efpt_args0());
	EFPT_ARITIES(CHECK_ARGS)
	CHECK(CALL(efpt_wide, 1ull << 40, 2ull, 3ull, 4ull, 5ull << 33, 6ull) ==
	      efpt_wide(1ull << 40, 2, 3, 4, 5ull << 33, 6));
	CHECK(CALL(efpt_mixed, 1u, 2ull << 40, 3u, 4ull << 36, 5u, 6ull << 35, 7u) ==
	      efpt_mixed(1u, 2ull << 40, 3u, 4ull << 36, 5u, 6ull << 35, 7u));
	CHECK(CALL(efpt_mixed9, 1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 10ull << 33) ==
	      efpt_mixed9(1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 10ull << 33));
	CHECK(ef_pmp_fault.faulted == 0);
}

extern char __foreign_tls[];

static void test_no_host_value_reaches_foreign_code(void)
{
	CHECK(CALL(efpt_leak) == 0);
	CHECK(CALL(efpt_tp) == (uintptr_t)__foreign_tls);
}

static void test_foreign_data(void)
{
	uint32_t a = CALL(efpt_count), b = CALL(efpt_count);
	CHECK(a >= 101 && b == a + 1);
}

extern char __foreign_libc_heap_lo[], __foreign_libc_heap_hi[];

static void test_foreign_c_library(void)
{
	uintptr_t p = CALL(efpt_malloc_address);
	uint32_t r = CALL(efpt_libc, 100u);
	char buf[80];
	if (r != 99u + 1000000u + 0x80000000u) {
		snprintf(buf, sizeof buf, "# efpt_libc returned %#lx, malloc %#lx\n",
			 (unsigned long)r, (unsigned long)p);
		say(buf);
	}
	CHECK(r == 99u + 1000000u + 0x80000000u);
	CHECK(ef_pmp_fault.faulted == 0);
	CHECK(p >= (uintptr_t)__foreign_libc_heap_lo && p < (uintptr_t)__foreign_libc_heap_hi);
}

static volatile uint32_t host_word = 0x600d;

static uint32_t host_function(void)
{
	host_word++;
	return 7;
}

/* A call that must trap: mcause and mtval as given; then the host goes on. */
static void expect_trap(uint32_t mcause, uint32_t mtval, uint32_t got)
{
	char buf[160];
	CHECK(got == 0);
	CHECK(ef_pmp_fault.faulted == 1);
	CHECK(ef_pmp_fault.mcause == mcause);
	CHECK(ef_pmp_fault.mtval == mtval);
	if (ef_pmp_fault.mcause != mcause || ef_pmp_fault.mtval != mtval) {
		snprintf(buf, sizeof buf, "# trap: mcause %lu mtval %#lx mepc %#lx\n",
			 (unsigned long)ef_pmp_fault.mcause,
			 (unsigned long)ef_pmp_fault.mtval,
			 (unsigned long)ef_pmp_fault.mepc);
		say(buf);
	}
	/* The host continues, and the next call is normal. */
	CHECK(CALL(efpt_args2, 1u, 2u) == efpt_args2(1u, 2u));
	CHECK(ef_pmp_fault.faulted == 0);
}

static void test_foreign_load_from_host_data_traps(void)
{
	expect_trap(5, (uint32_t)(uintptr_t)&host_word, CALL(efpt_read, &host_word));
}

static void test_foreign_load_from_host_stack_traps(void)
{
	volatile uint32_t local = 42;
	expect_trap(5, (uint32_t)(uintptr_t)&local, CALL(efpt_read, &local));
	CHECK(local == 42);
}

static void test_foreign_store_to_host_traps(void)
{
	CALL(efpt_write, &host_word, 1u);
	expect_trap(7, (uint32_t)(uintptr_t)&host_word, 0);
	CHECK(host_word == 0x600d);
}

static void test_foreign_jump_to_host_code_traps(void)
{
	expect_trap(1, (uint32_t)(uintptr_t)host_function, CALL(efpt_jump, host_function));
	CHECK(host_word == 0x600d);
}

static void test_foreign_ecall_traps(void)
{
	expect_trap(8, 0, CALL(efpt_ecall));
}

static uint64_t host_callback(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
			      uint64_t e, uint64_t f)
{
	host_word++;            /* host data, reachable only as the host */
	return a * 1000000 + b * 100000 + c * 10000 + d * 1000 + e * 100 + f;
}

typedef uint64_t (*cb_t)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* The runtime contract's fault hook: a trap inside a domain's call stays
 * reported until the domain closes, so the harness sees it after a
 * benchmark's run, not only as a wrong digest. */
static void test_fault_reported_until_close(void)
{
	ef_domain d;
	char buf[160];
	const char *why;

	CHECK(ef_pmp_open(&d, "test") == EF_OK);
	CHECK(ef_pmp_fault_message(&d, buf, sizeof buf) == NULL);
	CHECK(EF_PMP_INVOKE(&d, efpt_args2, 1u, 2u) == efpt_args2(1u, 2u));
	CHECK(ef_pmp_fault_message(&d, buf, sizeof buf) == NULL);
	CHECK(EF_PMP_INVOKE(&d, efpt_read, &host_word) == 0);
	CHECK(EF_PMP_INVOKE(&d, efpt_args2, 1u, 2u) == efpt_args2(1u, 2u));
	why = ef_pmp_fault_message(&d, buf, sizeof buf);
	CHECK(why && strstr(why, "mcause 5,"));
	ef_pmp_close(&d);
	CHECK(ef_pmp_open(&d, "test") == EF_OK);
	CHECK(ef_pmp_fault_message(&d, buf, sizeof buf) == NULL);
	ef_pmp_close(&d);
}

static void test_callbacks(void)
{
	ef_domain d;
	unsigned slot;
	uint32_t before = host_word;

	CHECK(ef_pmp_open(&d, "test") == EF_OK);
	CHECK(ef_callback_add(&d, host_callback, &slot) == EF_OK);
	cb_t cb = (cb_t)ef_pmp_callback_address(slot);
	/* The host function ran as the host, with all six arguments (the last
	 * two from the foreign stack, which must be the domain's). */
	CHECK(EF_PMP_CALL(d.stack_sp, efpt_call_back, cb, (uint64_t)7) == 7234507ull);
	CHECK(ef_pmp_fault.faulted == 0 && host_word == before + 1);
	/* An address of the table with no callback registered answers 0. */
	CHECK(EF_PMP_CALL(d.stack_sp, efpt_call_back,
			  (cb_t)ef_pmp_callback_address(slot + 1), (uint64_t)7) == 1);
	/* Nor does a callback whose stacked arguments are not in the domain. */
	CHECK(CALL(efpt_call_back, cb, (uint64_t)7) == 1);
	CHECK(ef_pmp_fault.faulted == 0 && host_word == before + 1);
	host_word = before;
	CHECK(ef_pmp_fault.faulted == 0);
	ef_pmp_close(&d);
}

/* The PMP entries, read back. */
struct pmp_state { uint32_t cfg0, addr[4]; };
static struct pmp_state pmp_read(void)
{
	struct pmp_state p;
	__asm__ volatile("csrr %0, pmpcfg0" : "=r"(p.cfg0));
	__asm__ volatile("csrr %0, pmpaddr0" : "=r"(p.addr[0]));
	__asm__ volatile("csrr %0, pmpaddr1" : "=r"(p.addr[1]));
	__asm__ volatile("csrr %0, pmpaddr2" : "=r"(p.addr[2]));
	__asm__ volatile("csrr %0, pmpaddr3" : "=r"(p.addr[3]));
	return p;
}

/* What a host that programs the PMP for its own purposes between calls
 * might leave: the entries still enabled (with none at all, QEMU refuses
 * the gate's mret itself) but granting nothing, so U-mode can touch
 * nothing.  Through pmpcfg0, whose writes QEMU's TLB notices (it may keep
 * translations across writes of pmpaddr alone). */
static void pmp_deny_all(void)
{
	const uint32_t tor_only = 0x08u << 8 | 0x08u << 24;
	__asm__ volatile("csrw pmpcfg0, %0" : : "r"(tor_only) : "memory");
}

/* Cold mode writes the entries before every call: with their permissions
 * taken away after a call, the next one still runs, and leaves them as they
 * were.  Warm mode writes them only when told that they changed: the same
 * change ends its next call with an instruction access fault (so it is
 * what the cold check sees undone). */
static void test_cold_rearms_every_call(void)
{
	struct pmp_state armed, after;
	uint32_t a, b;

	ef_pmp_set_cold(1);
	a = CALL(efpt_count);
	armed = pmp_read();
	CHECK(armed.cfg0 != 0);
	pmp_deny_all();
	b = CALL(efpt_count);
	CHECK(ef_pmp_fault.faulted == 0 && b == a + 1);
	after = pmp_read();
	CHECK(!memcmp(&after, &armed, sizeof armed));
	pmp_deny_all();
	CHECK(CALL(efpt_count) == a + 2 && ef_pmp_fault.faulted == 0);

	ef_pmp_set_cold(0);
	CHECK(CALL(efpt_count) == a + 3);
	pmp_deny_all();
	CHECK(CALL(efpt_count) == 0);
	CHECK(ef_pmp_fault.faulted == 1 && ef_pmp_fault.mcause == 1 &&
	      ef_pmp_fault.mtval == (uint32_t)(uintptr_t)efpt_count);
	ef_pmp_set_cold(0);     /* the entries changed: write them again */
	CHECK(CALL(efpt_count) == a + 4 && ef_pmp_fault.faulted == 0);
}

/* Instructions per round trip of an empty function: direct, warm, cold. */
#define ROUNDS 1000
static void test_round_trip_budget(void)
{
	char buf[200];
	uint64_t t0, direct, warm, cold;
	volatile uint32_t sink = 0;
	uint32_t (*volatile fn)(void) = efpt_empty;

	t0 = ef_pmp_instret();
	for (int i = 0; i < ROUNDS; i++)
		sink += fn();
	direct = ef_pmp_instret() - t0;
	ef_pmp_set_cold(0);
	CALL(efpt_empty);
	t0 = ef_pmp_instret();
	for (int i = 0; i < ROUNDS; i++)
		sink += CALL(efpt_empty);
	warm = ef_pmp_instret() - t0;
	ef_pmp_set_cold(1);
	t0 = ef_pmp_instret();
	for (int i = 0; i < ROUNDS; i++)
		sink += CALL(efpt_empty);
	cold = ef_pmp_instret() - t0;
	ef_pmp_set_cold(0);
	snprintf(buf, sizeof buf, "# pmp %s: instructions per round trip of an "
		 "empty function: direct %lu, warm gate %lu (+%lu), cold gate %lu (+%lu)\n",
		 ef_board_name, (unsigned long)(direct / ROUNDS),
		 (unsigned long)(warm / ROUNDS), (unsigned long)((warm - direct) / ROUNDS),
		 (unsigned long)(cold / ROUNDS), (unsigned long)((cold - direct) / ROUNDS));
	say(buf);
	CHECK(warm - direct <= 100 * ROUNDS);
	CHECK(cold > warm);
}

int main(void)
{
	run("arguments in a0-a7 and stacked, words and 8-byte mixed, returns in a0 and a0:a1", test_arguments);
	run("no host register value reaches foreign code", test_no_host_value_reaches_foreign_code);
	run("foreign code keeps its own data", test_foreign_data);
	run("foreign C library: malloc in the foreign heap, errno in foreign TLS", test_foreign_c_library);
	run("foreign load from host data traps (mcause 5)", test_foreign_load_from_host_data_traps);
	run("foreign load from the host stack traps (mcause 5)", test_foreign_load_from_host_stack_traps);
	run("foreign store to host data traps (mcause 7)", test_foreign_store_to_host_traps);
	run("foreign jump into host code traps (mcause 1)", test_foreign_jump_to_host_code_traps);
	run("foreign ecall outside the springboard ends the call", test_foreign_ecall_traps);
	run("a trap in a domain's call is reported until the domain closes", test_fault_reported_until_close);
	run("foreign code calls host callbacks, which run as the host", test_callbacks);
	run("cold mode rewrites changed PMP entries before every call; warm does not", test_cold_rearms_every_call);
	run("warm round trip within 100 instructions of a direct call", test_round_trip_budget);
	return (int)failures;
}
