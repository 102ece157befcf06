/* mpktest.h: the MPK test suite's foreign library (libefmpktest.so), built
 * with the stack protector on every function so that each call reads the
 * canary from the thread block, as distribution libraries do. */
#ifndef EF_MPKTEST_H
#define EF_MPKTEST_H

#include <stdint.h>

typedef struct { uint64_t lo, hi; } efmt_u128;       /* rdx:rax */
typedef struct { double x, y; } efmt_d2;             /* xmm0:xmm1 */

uint64_t efmt_empty(void);
uint64_t efmt_read(const volatile uint64_t *p);
void efmt_write(volatile uint64_t *p, uint64_t v);
efmt_u128 efmt_u128_make(uint64_t lo, uint64_t hi);
efmt_d2 efmt_d2_make(double x, double y);
double efmt_dsum(double a0, double a1, double a2, double a3, double a4,
		 double a5, double a6, double a7, double a8, double a9);
/* Integers and doubles interleaved, some of each stacked. */
double efmt_mixed(uint64_t i0, double d0, uint64_t i1, double d1, uint64_t i2,
		  double d2, uint64_t i3, double d3, uint64_t i4, double d4,
		  uint64_t i5, double d5, uint64_t i6, double d6, uint64_t i7,
		  double d7, uint64_t i8, double d8, float f9);
float efmt_fhalf(float x);
/* Overwrites every callee-saved register and returns: not ABI-conforming,
 * as hostile code need not be. */
uint64_t efmt_clobber(void);
/* Records what it finds in registers at entry, before touching any, in
 * out[]: rax, rbx, rbp, r10, r11, r12, r13, r14, r15, then its arguments
 * rsi, rdx, rcx, then (after) PKRU, at the places named below. */
enum { EFMT_RAX, EFMT_RBX, EFMT_RBP, EFMT_R10, EFMT_R11, EFMT_R12, EFMT_R13,
       EFMT_R14, EFMT_R15, EFMT_RSI, EFMT_RDX, EFMT_RCX, EFMT_PKRU, EFMT_NREGS };
uint64_t efmt_regs(uint64_t *out, uint64_t b, uint64_t c, uint64_t d);
/* Records every register it finds at entry in efmt_seen (domain memory):
 * the general registers in the order below, then ymm0-15, four words
 * each.  Takes any number of integer arguments up to six and ignores
 * them. */
enum { EFMT_S_RAX, EFMT_S_RBX, EFMT_S_RCX, EFMT_S_RDX, EFMT_S_RSI, EFMT_S_RDI,
       EFMT_S_RBP, EFMT_S_R8, EFMT_S_R9, EFMT_S_R10, EFMT_S_R11, EFMT_S_R12,
       EFMT_S_R13, EFMT_S_R14, EFMT_S_R15, EFMT_S_YMM0, EFMT_S_N = EFMT_S_YMM0 + 64 };
uint64_t efmt_regs_all();
extern uint64_t efmt_seen[EFMT_S_N];
/* Reads *secret with another domain's keys through that domain's gate
 * entry wrpkru (entry_wrpkru, its PKRU, a stack it can write) and returns
 * it through this domain's gate exit (foreign.c). */
uint64_t efmt_cross(const void *entry_wrpkru, uint32_t pkru,
		    const volatile uint64_t *secret, const void *exit, void *stack);
/* Recursion with 4 KiB frames, n deep: overflows any small stack. */
uint64_t efmt_recurse(uint64_t n);
/* n rounds of a hash: foreign work long enough to be interrupted. */
uint64_t efmt_spin(uint64_t n, uint64_t seed);
/* A thread-local counter of the library (dynamic TLS), incremented. */
uint64_t efmt_tls_bump(void);
/* strtoull of an out-of-range number: errno, in the namespace libc's own
 * static TLS, must read ERANGE afterwards. */
int efmt_errno_erange(void);
/* malloc, fill, strdup and free inside the domain; returns the malloc'd
 * pointer's address (freed) so the host can see where the heap is. */
uint64_t efmt_heap(uint64_t n);

/* Attacks.  Each returns what the system answered: a result, or -errno. */
/* Calls f: a host function, when the host passes one. */
uint64_t efmt_call(uint64_t (*f)(void));
/* read(fd, buf, n) into whatever buf is. */
long efmt_read_fd(int fd, void *buf, unsigned long n);
/* syscall(nr, a, b, c, d) through the namespace's C library. */
long efmt_syscall(long nr, long a, long b, long c, long d);
/* Writes v at addr through /proc/self/mem. */
long efmt_proc_mem_write(uint64_t addr, uint64_t v);
/* Writes v at addr with process_vm_writev on this process. */
long efmt_vm_writev(uint64_t addr, uint64_t v);
/* Jumps to target with eax = ecx = edx = 0: into a gate's wrpkru, PKRU 0
 * would open every key. */
void efmt_jump(const void *target);
/* Calls target with eax, ecx and edx 0 (a wrpkru there opens every key)
 * and returns the PKRU it runs with when target returns. */
uint32_t efmt_call_gadget(const void *target);
/* Waits until *p is non-zero and returns it. */
uint64_t efmt_read_wait(const volatile uint64_t *p);
/* Writes v to *out and returns v: a length, a bool or an enum as a
 * library might report it. */
uint64_t efmt_report(uint64_t *out, uint64_t v);

#endif
