/* foreign.c: the sfi suite's foreign library (tests/sfi/test_sfi.c),
 * compiled to WebAssembly as the module "sfitest": functions that
 * misbehave in each way the runtime must stop. */
#include <stdint.h>
#include <stdlib.h>

/* Returns its argument. */
void *efst_pass(void *p)
{
	return p;
}

/* A pointer outside the linear memory (near the top of the 4 GiB a
 * wasm32 pointer can name). */
void *efst_outside(void)
{
	return (void *)(uintptr_t)0xfffff000u;
}

/* Reads a byte at an address of its choosing: beyond the memory, a trap. */
unsigned efst_read(uintptr_t addr)
{
	return *(volatile unsigned char *)addr;
}

/* abort(): in wasm, unreachable. */
void efst_abort(void)
{
	abort();
}

/* Recursion that is no loop (the result is used twice), so each level
 * takes a frame of the host's stack: deep enough, it exhausts it. */
uint64_t efst_deep(uint64_t n)
{
	uint64_t r;

	if (n == 0)
		return 1;
	r = efst_deep(n - 1);
	return r * r + n;
}

typedef uint64_t (*efst_cb)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
			    uint64_t);

/* Calls cb(x, 1, 2, 3, 4, 5) and returns its result plus one. */
uint64_t efst_call_back(efst_cb cb, uint64_t x)
{
	return cb(x, 1, 2, 3, 4, 5) + 1;
}

/* Calls function table entry `index` with a type it does not have. */
uint32_t efst_call_wrong(uint32_t index)
{
	uint32_t (*f)(uint32_t) = (uint32_t (*)(uint32_t))(uintptr_t)index;
	return f(7);
}

/* Calls cb until *flag is non-zero (the host sets it), then returns it;
 * the calls keep the compiler from reading the flag once. */
uint32_t efst_wait(efst_cb cb, volatile uint32_t *flag)
{
	while (!*flag)
		cb(0, 0, 0, 0, 0, 0);
	return *flag;
}

/* Allocates n bytes with the module's malloc (growing the memory) and
 * writes its last byte: a pointer the host may then upgrade. */
void *efst_grow(uint32_t n)
{
	unsigned char *p = malloc(n);
	if (p)
		p[n - 1] = 0x5a;
	return p;
}

/* Never returns: only the time limit ends it. */
void efst_spin(void)
{
	volatile uint32_t n = 0;
	for (;;)
		n++;
}
