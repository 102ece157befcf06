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

#define DARG(i) , (uint64_t)(i) << 32 | (2000u + 3u * (i))
#define CHECK_DARGS(n) CHECK(CALL(efpt_dargs##n, EF_LIST(EF_SEQ_##n, DARG)) == \
			     efpt_dargs##n(EF_LIST(EF_SEQ_##n, DARG)));

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
	EFPT_DARITIES(CHECK_DARGS)
	CHECK(ef_pmp_call.fault.faulted == 0);
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
	CHECK(ef_pmp_call.fault.faulted == 0);
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
	CHECK(ef_pmp_call.fault.faulted == 1);
	CHECK(ef_pmp_call.fault.mcause == mcause);
	CHECK(ef_pmp_call.fault.mtval == mtval);
	if (ef_pmp_call.fault.mcause != mcause || ef_pmp_call.fault.mtval != mtval) {
		snprintf(buf, sizeof buf, "# trap: mcause %lu mtval %#lx mepc %#lx\n",
			 (unsigned long)ef_pmp_call.fault.mcause,
			 (unsigned long)ef_pmp_call.fault.mtval,
			 (unsigned long)ef_pmp_call.fault.mepc);
		say(buf);
	}
	/* The host continues, and the next call is normal. */
	CHECK(CALL(efpt_args2, 1u, 2u) == efpt_args2(1u, 2u));
	CHECK(ef_pmp_call.fault.faulted == 0);
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
	CHECK(ef_pmp_call.fault.faulted == 0 && host_word == before + 1);
	/* An address of the table with no callback registered answers 0. */
	CHECK(EF_PMP_CALL(d.stack_sp, efpt_call_back,
			  (cb_t)ef_pmp_callback_address(slot + 1), (uint64_t)7) == 1);
	/* Nor does a callback whose stacked arguments are not in the domain. */
	CHECK(CALL(efpt_call_back, cb, (uint64_t)7) == 1);
	CHECK(ef_pmp_call.fault.faulted == 0 && host_word == before + 1);
	host_word = before;
	CHECK(ef_pmp_call.fault.faulted == 0);
	ef_pmp_close(&d);
}

/* After a callback, foreign code sees its own s0-s11, sp and tp, and in
 * the registers the callee may clobber no host value (they are cleared). */
static void test_callback_registers(void)
{
	ef_domain d;
	unsigned slot;
	uint64_t r;

	CHECK(ef_pmp_open(&d, "test") == EF_OK);
	CHECK(ef_callback_add(&d, host_callback, &slot) == EF_OK);
	r = EF_PMP_CALL(d.stack_sp, efpt_callback_regs, (cb_t)ef_pmp_callback_address(slot));
	CHECK((uint32_t)r == 0);
	CHECK((uint32_t)(r >> 32) == 0);
	CHECK(ef_pmp_call.fault.faulted == 0);
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
	CHECK(ef_pmp_call.fault.faulted == 0 && b == a + 1);
	after = pmp_read();
	CHECK(!memcmp(&after, &armed, sizeof armed));
	pmp_deny_all();
	CHECK(CALL(efpt_count) == a + 2 && ef_pmp_call.fault.faulted == 0);

	ef_pmp_set_cold(0);
	CHECK(CALL(efpt_count) == a + 3);
	pmp_deny_all();
	CHECK(CALL(efpt_count) == 0);
	CHECK(ef_pmp_call.fault.faulted == 1 && ef_pmp_call.fault.mcause == 1 &&
	      ef_pmp_call.fault.mtval == (uint32_t)(uintptr_t)efpt_count);
	ef_pmp_set_cold(0);     /* the entries changed: write them again */
	CHECK(CALL(efpt_count) == a + 4 && ef_pmp_call.fault.faulted == 0);
}

/* The budgets of DESIGN.md, measured as ubench measures them: the host's
 * loop around EF_PMP_INVOKE against the same loop around a direct call,
 * ROUNDS times, in instructions (deterministic under QEMU -icount). */
#define ROUNDS 1000
static volatile uint64_t sink;
#define COUNT(total, expr) do {                                            \
	uint64_t t0_ = ef_pmp_instret();                                   \
	for (uint32_t i = 0; i < ROUNDS; i++)                              \
		sink += (expr);                                            \
	(total) = ef_pmp_instret() - t0_;                                  \
} while (0)

/* Instructions the gate adds to ROUNDS calls of an empty function, warm
 * or cold (the first warm call writes the PMP entries, uncounted). */
static uint64_t gate_round_trip(ef_domain *d, int cold)
{
	uint64_t direct, gate;
	uint32_t (*volatile fn)(void) = efpt_empty;

	COUNT(direct, fn());
	ef_pmp_set_cold(cold);
	EF_PMP_INVOKE(d, efpt_empty);
	COUNT(gate, EF_PMP_INVOKE(d, efpt_empty));
	ef_pmp_set_cold(0);
	return gate - direct;
}

static void test_round_trip_budget(void)
{
	char buf[200];
	ef_domain d;
	uint64_t warm, cold;

	CHECK(ef_pmp_open(&d, "test") == EF_OK);
	warm = gate_round_trip(&d, 0);
	cold = gate_round_trip(&d, 1);
	ef_pmp_close(&d);
	snprintf(buf, sizeof buf, "# pmp %s: instructions a gate adds to a call of an "
		 "empty function: warm +%lu.%03lu, cold +%lu.%03lu\n", ef_board_name,
		 (unsigned long)(warm / ROUNDS), (unsigned long)(warm % ROUNDS),
		 (unsigned long)(cold / ROUNDS), (unsigned long)(cold % ROUNDS));
	say(buf);
	CHECK(warm <= 80 * ROUNDS);
	CHECK(cold > warm);
}

/* 8-byte stacked arguments: what 100 arguments add over 7, beyond what
 * they add to a direct call, per argument (93 more, all stacked). */
#define DVAL(k) , (uint64_t)i + (k)
static void test_stacked_argument_budget(void)
{
	char buf[200];
	ef_domain d;
	uint64_t d7, g7, d100, g100;
	uint64_t (*volatile f7)(EF_LIST(EF_SEQ_7, EFPT_DPARAM)) = efpt_dargs7;
	uint64_t (*volatile f100)(EF_LIST(EF_SEQ_100, EFPT_DPARAM)) = efpt_dargs100;

	CHECK(ef_pmp_open(&d, "test") == EF_OK);
	COUNT(d7, f7(EF_LIST(EF_SEQ_7, DVAL)));
	COUNT(d100, f100(EF_LIST(EF_SEQ_100, DVAL)));
	COUNT(g7, EF_PMP_INVOKE(&d, efpt_dargs7, EF_LIST(EF_SEQ_7, DVAL)));
	COUNT(g100, EF_PMP_INVOKE(&d, efpt_dargs100, EF_LIST(EF_SEQ_100, DVAL)));
	ef_pmp_close(&d);
	int64_t per93 = (int64_t)((g100 - d100) - (g7 - d7));
	snprintf(buf, sizeof buf, "# pmp %s: 8-byte stacked arguments: 7 arguments "
		 "+%ld over a direct call, 100 +%ld; %ld.%02ld instructions per argument\n",
		 ef_board_name, (long)((g7 - d7) / ROUNDS), (long)((g100 - d100) / ROUNDS),
		 (long)(per93 / (93 * ROUNDS)), (long)(per93 * 100 / (93 * ROUNDS) % 100));
	say(buf);
	CHECK(per93 <= 6 * 93 * ROUNDS);
}

static uint64_t sum_callback(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
			     uint64_t e, uint64_t f)
{
	return a + b + c + d + e + f;
}

/* A callback's round trip: what a call of efpt_call_back through the gate
 * adds over a direct one, less the gate's own round trip, at most twice
 * that round trip. */
static void test_callback_budget(void)
{
	char buf[200];
	ef_domain d;
	unsigned slot;
	uint64_t gate, direct, invoked;
	uint64_t (*volatile fn)(cb_t, uint64_t) = efpt_call_back;

	CHECK(ef_pmp_open(&d, "test") == EF_OK);
	CHECK(ef_callback_add(&d, sum_callback, &slot) == EF_OK);
	cb_t cb = (cb_t)ef_pmp_callback_address(slot);
	gate = gate_round_trip(&d, 0);
	COUNT(direct, fn(sum_callback, i));
	COUNT(invoked, EF_PMP_INVOKE(&d, efpt_call_back, cb, (uint64_t)i));
	CHECK(ef_pmp_call.fault.faulted == 0);
	ef_pmp_close(&d);
	int64_t callback = (int64_t)(invoked - direct - gate);
	snprintf(buf, sizeof buf, "# pmp %s: callback round trip +%ld instructions, "
		 "%ld.%02ld times the gate's +%lu\n", ef_board_name,
		 (long)(callback / ROUNDS), (long)(callback / (int64_t)gate),
		 (long)(callback * 100 / (int64_t)gate % 100), (unsigned long)(gate / ROUNDS));
	say(buf);
	CHECK(callback <= 2 * (int64_t)gate);
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
	run("after a callback foreign code has its s0-s11, sp and tp, and no host value", test_callback_registers);
	run("cold mode rewrites changed PMP entries before every call; warm does not", test_cold_rearms_every_call);
	run("warm round trip within 80 instructions of a direct call", test_round_trip_budget);
	run("8-byte stacked arguments within 6 instructions each beyond a direct call", test_stacked_argument_budget);
	run("callback round trip within twice the gate's round trip", test_callback_budget);
	return (int)failures;
}
