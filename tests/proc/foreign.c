/* foreign.c: libefproctest.so, the proc suite's foreign library. */
#define _GNU_SOURCE
#include "proctest.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

uint64_t efpt_empty(void) { return 0x600d; }

uint64_t efpt_args8(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
		    uint64_t f, uint64_t g, uint64_t h)
{
	uint64_t v[8] = { a, b, c, d, e, f, g, h }, x = 0xcbf29ce484222325ull;
	for (int i = 0; i < 8; i++)
		x = (x ^ v[i]) * 0x100000001b3ull;
	return x;
}

void *efpt_fill(unsigned char *buf, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		buf[i] = (unsigned char)(i * 7 + 1);
	return buf;
}

uint64_t efpt_call_back(uint64_t (*cb)(uint64_t, uint64_t, uint64_t, uint64_t,
				       uint64_t, uint64_t), uint64_t x)
{
	return cb(x, 1, 2, 3, 4, 5) + 1;
}

void efpt_crash(void) { *(volatile int *)0 = 1; }

void efpt_hang(void)
{
	for (;;)
		__asm__ volatile("" ::: "memory");
}

void efpt_exit(int status) { _exit(status); }

uint64_t efpt_read(const uint64_t *p) { return *(const volatile uint64_t *)p; }

int64_t efpt_open(const char *path)
{
	int fd = open(path, O_RDONLY);
	return fd < 0 ? -errno : fd;
}

int64_t efpt_write_stdout(void)
{
	ssize_t n = write(1, "x", 1);
	return n < 0 ? -errno : n;
}

int64_t efpt_kill_parent(void)
{
	return kill(getppid(), SIGKILL) ? -errno : 0;
}

int64_t efpt_map_exec(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? -errno : 0;
}

int64_t efpt_int80(void)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20) : "memory");
	return r;
}

void efpt_poke32(uint32_t *p, uint32_t v)
{
	*(volatile uint32_t *)p = v;
	while (*(volatile uint32_t *)p == v)
		;
}

uint64_t efpt_getpid(void) { return (uint64_t)getpid(); }

int efpt_alloc(uint64_t bytes)
{
	void *p = malloc(bytes);
	free(p);
	return p != NULL;
}

int efpt_getenv(const char *name)
{
	return getenv(name) != NULL;
}

int64_t efpt_setaffinity_parent(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	return sched_setaffinity(getppid(), sizeof set, &set) ? -errno : 0;
}

uint64_t efpt_getcpu(void) { return (uint64_t)sched_getcpu(); }
