/* foreign.c: libefmpktest.so, see mpktest.h. */
#define _GNU_SOURCE
#include "mpktest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

uint64_t efmt_empty(void) { return 0; }
uint64_t efmt_read(const volatile uint64_t *p) { return *p; }
void efmt_write(volatile uint64_t *p, uint64_t v) { *p = v; }
efmt_u128 efmt_u128_make(uint64_t lo, uint64_t hi) { return (efmt_u128){ lo, hi }; }
efmt_d2 efmt_d2_make(double x, double y) { return (efmt_d2){ x, y }; }

double efmt_dsum(double a0, double a1, double a2, double a3, double a4,
		 double a5, double a6, double a7, double a8, double a9)
{
	/* Weighted, so that swapped arguments change the sum. */
	return a0 + 2 * a1 + 3 * a2 + 4 * a3 + 5 * a4 + 6 * a5 + 7 * a6 +
	       8 * a7 + 9 * a8 + 10 * a9;
}

double efmt_mixed(uint64_t i0, double d0, uint64_t i1, double d1, uint64_t i2,
		  double d2, uint64_t i3, double d3, uint64_t i4, double d4,
		  uint64_t i5, double d5, uint64_t i6, double d6, uint64_t i7,
		  double d7, uint64_t i8, double d8, float f9)
{
	uint64_t h = i0 + 3 * i1 + 5 * i2 + 7 * i3 + 11 * i4 + 13 * i5 +
		     17 * i6 + 19 * i7 + 23 * i8;
	return (double)h + d0 + 2 * d1 + 3 * d2 + 4 * d3 + 5 * d4 + 6 * d5 +
	       7 * d6 + 8 * d7 + 9 * d8 + 10 * (double)f9;
}

float efmt_fhalf(float x) { return x / 2; }

__asm__(".globl efmt_clobber\n"
	".type efmt_clobber, @function\n"
	"efmt_clobber:\n"
	"	movabs $0x1111111111111111, %rbx\n"
	"	movabs $0x2222222222222222, %rbp\n"
	"	movabs $0x3333333333333333, %r12\n"
	"	movabs $0x4444444444444444, %r13\n"
	"	movabs $0x5555555555555555, %r14\n"
	"	movabs $0x6666666666666666, %r15\n"
	"	std\n"
	"	mov $7, %eax\n"
	"	ret\n"
	".size efmt_clobber, . - efmt_clobber\n");

__asm__(".globl efmt_regs\n"
	".type efmt_regs, @function\n"
	"efmt_regs:\n"
	"	mov %rax, 0(%rdi)\n mov %rbx, 8(%rdi)\n mov %rbp, 16(%rdi)\n"
	"	mov %r10, 24(%rdi)\n mov %r11, 32(%rdi)\n mov %r12, 40(%rdi)\n"
	"	mov %r13, 48(%rdi)\n mov %r14, 56(%rdi)\n mov %r15, 64(%rdi)\n"
	"	mov %rsi, 72(%rdi)\n mov %rdx, 80(%rdi)\n mov %rcx, 88(%rdi)\n"
	"	xor %ecx, %ecx\n"
	"	rdpkru\n"
	"	mov %rax, 96(%rdi)\n"
	"	xor %eax, %eax\n"
	"	ret\n"
	".size efmt_regs, . - efmt_regs\n");

uint64_t efmt_seen[EFMT_S_N];
extern uint64_t efmt_seen_h[EFMT_S_N]
	__attribute__((alias("efmt_seen"), visibility("hidden")));
__asm__(".globl efmt_regs_all\n"
	".type efmt_regs_all, @function\n"
	"efmt_regs_all:\n"
	"	mov %rax, efmt_seen_h+0(%rip)\n"
	"	mov %rbx, efmt_seen_h+8(%rip)\n"
	"	mov %rcx, efmt_seen_h+16(%rip)\n"
	"	mov %rdx, efmt_seen_h+24(%rip)\n"
	"	mov %rsi, efmt_seen_h+32(%rip)\n"
	"	mov %rdi, efmt_seen_h+40(%rip)\n"
	"	mov %rbp, efmt_seen_h+48(%rip)\n"
	"	mov %r8, efmt_seen_h+56(%rip)\n"
	"	mov %r9, efmt_seen_h+64(%rip)\n"
	"	mov %r10, efmt_seen_h+72(%rip)\n"
	"	mov %r11, efmt_seen_h+80(%rip)\n"
	"	mov %r12, efmt_seen_h+88(%rip)\n"
	"	mov %r13, efmt_seen_h+96(%rip)\n"
	"	mov %r14, efmt_seen_h+104(%rip)\n"
	"	mov %r15, efmt_seen_h+112(%rip)\n"
	"	vmovdqu %ymm0, efmt_seen_h+120(%rip)\n"
	"	vmovdqu %ymm1, efmt_seen_h+152(%rip)\n"
	"	vmovdqu %ymm2, efmt_seen_h+184(%rip)\n"
	"	vmovdqu %ymm3, efmt_seen_h+216(%rip)\n"
	"	vmovdqu %ymm4, efmt_seen_h+248(%rip)\n"
	"	vmovdqu %ymm5, efmt_seen_h+280(%rip)\n"
	"	vmovdqu %ymm6, efmt_seen_h+312(%rip)\n"
	"	vmovdqu %ymm7, efmt_seen_h+344(%rip)\n"
	"	vmovdqu %ymm8, efmt_seen_h+376(%rip)\n"
	"	vmovdqu %ymm9, efmt_seen_h+408(%rip)\n"
	"	vmovdqu %ymm10, efmt_seen_h+440(%rip)\n"
	"	vmovdqu %ymm11, efmt_seen_h+472(%rip)\n"
	"	vmovdqu %ymm12, efmt_seen_h+504(%rip)\n"
	"	vmovdqu %ymm13, efmt_seen_h+536(%rip)\n"
	"	vmovdqu %ymm14, efmt_seen_h+568(%rip)\n"
	"	vmovdqu %ymm15, efmt_seen_h+600(%rip)\n"
	"	vzeroupper\n"
	"	xor %eax, %eax\n"
	"	ret\n"
	".size efmt_regs_all, . - efmt_regs_all\n");

uint64_t efmt_recurse(uint64_t n)
{
	volatile unsigned char frame[4096];
	frame[0] = (unsigned char)n;
	frame[4095] = (unsigned char)(n >> 8);
	if (!n)
		return frame[0];
	return efmt_recurse(n - 1) + frame[4095];
}

uint64_t efmt_spin(uint64_t n, uint64_t seed)
{
	uint64_t h = seed;
	for (uint64_t i = 0; i < n; i++)
		h = (h ^ i) * 0x100000001b3ull;
	return h;
}

static __thread uint64_t tls_counter = 40;
uint64_t efmt_tls_bump(void) { return ++tls_counter; }

int efmt_errno_erange(void)
{
	errno = 0;
	(void)strtoull("999999999999999999999999999", NULL, 10);
	return errno;
}

uint64_t efmt_heap(uint64_t n)
{
	char *p = malloc(n), *q;
	uint64_t where = (uint64_t)p;
	if (!p)
		return 0;
	memset(p, 'x', n - 1);
	p[n - 1] = 0;
	q = strdup(p);
	if (!q || strlen(q) != n - 1)
		where = 1;
	free(q);
	free(p);
	return where;
}

uint64_t efmt_call(uint64_t (*f)(void)) { return f(); }

long efmt_read_fd(int fd, void *buf, unsigned long n)
{
	long r = read(fd, buf, n);
	return r < 0 ? -errno : r;
}

long efmt_syscall(long nr, long a, long b, long c, long d)
{
	long r = syscall(nr, a, b, c, d);
	return r < 0 ? -errno : r;
}

long efmt_proc_mem_write(uint64_t addr, uint64_t v)
{
	int fd = open("/proc/self/mem", O_RDWR);
	long r;
	if (fd < 0)
		return -errno;
	r = pwrite(fd, &v, sizeof v, (off_t)addr);
	r = r < 0 ? -errno : r;
	close(fd);
	return r;
}

long efmt_vm_writev(uint64_t addr, uint64_t v)
{
	struct iovec local = { &v, sizeof v }, remote = { (void *)addr, sizeof v };
	long r = process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
	return r < 0 ? -errno : r;
}

__asm__(".globl efmt_jump\n"
	".type efmt_jump, @function\n"
	"efmt_jump:\n"
	"	xor %eax, %eax\n"
	"	xor %ecx, %ecx\n"
	"	xor %edx, %edx\n"
	"	jmp *%rdi\n"
	".size efmt_jump, . - efmt_jump\n");

/* Code reuse across domains: with eax = the other domain's PKRU, jumps to
 * the wrpkru of that domain's gate entry (rdi), on a stack the other
 * domain can write (r8); the gate then calls efmt_cross_steal (r10),
 * which reads *rdx with the other domain's keys and leaves through this
 * domain's own gate exit (rcx), which returns r12 to the host. */
__asm__(".globl efmt_cross\n"
	".type efmt_cross, @function\n"
	"efmt_cross:\n"
	"	mov %esi, %eax\n"
	"	mov %rdx, %rbp\n"
	"	mov %rcx, %r13\n"
	"	lea efmt_cross_steal(%rip), %r10\n"
	"	mov %r8, %rsp\n"
	"	xor %ecx, %ecx\n"
	"	xor %edx, %edx\n"
	"	jmp *%rdi\n"
	"efmt_cross_steal:\n"
	"	mov (%rbp), %r12\n"
	"	jmp *%r13\n"
	".size efmt_cross, . - efmt_cross\n");

__asm__(".globl efmt_call_gadget\n"
	".type efmt_call_gadget, @function\n"
	"efmt_call_gadget:\n"
	"	xor %eax, %eax\n"
	"	xor %ecx, %ecx\n"
	"	xor %edx, %edx\n"
	"	call *%rdi\n"
	"	xor %ecx, %ecx\n"
	"	rdpkru\n"
	"	ret\n"
	".size efmt_call_gadget, . - efmt_call_gadget\n");

uint64_t efmt_report(uint64_t *out, uint64_t v)
{
	*out = v;
	return v;
}

uint64_t efmt_read_wait(const volatile uint64_t *p)
{
	while (!*p)
		;
	return *p;
}
