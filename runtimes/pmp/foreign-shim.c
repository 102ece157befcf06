/* foreign-shim.c: what the foreign C library and libsodium expect from an
 * operating system the firmware does not have, on the foreign side.  Each
 * either answers trivially or traps (ebreak), which ends the foreign call
 * with mcause 3: there is no entropy source, no process to signal, no
 * console.  Linked into every foreign blob and kept local to it. */
#include <stddef.h>
#include <stdio.h>

FILE *const stdout = NULL;
FILE *const stderr = NULL;

void sodium_misuse(void)
{
	__builtin_trap();
}

void randombytes_buf(void *buf, size_t n)
{
	(void)buf, (void)n;
	__builtin_trap();
}

void _exit(int status)
{
	(void)status;
	__builtin_trap();
}

int getpid(void)
{
	return 1;
}

int kill(int pid, int sig)
{
	(void)pid, (void)sig;
	__builtin_trap();
}
