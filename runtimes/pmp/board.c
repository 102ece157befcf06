/* board.c: the UART and the exit of each QEMU board the firmware runs on.
 * Build with -DEF_BOARD_VIRT or -DEF_BOARD_OPENTITAN. */
#include "pmp.h"

#include <stdint.h>
#include <stdio.h>

#if defined(EF_BOARD_VIRT)
/* virt: NS16550A at 0x10000000; THR at 0, LSR at 5 (bit 5: THR empty). */
const char ef_board_name[] = "virt";
#define UART ((volatile uint8_t *)0x10000000u)
void ef_board_putc(char c)
{
	while (!(UART[5] & 0x20))
		;
	UART[0] = (uint8_t)c;
}
static void uart_drain(void)
{
	while (!(UART[5] & 0x40))      /* transmitter empty */
		;
}
#elif defined(EF_BOARD_OPENTITAN)
/* opentitan: its UART at 0x40000000: STATUS at 0x14 (bit 0 TX full, bit 2
 * TX idle), WDATA at 0x1c, CTRL at 0x10 (bit 0 TX enable, NCO in bits
 * 16-31). */
const char ef_board_name[] = "opentitan";
#define UART_REG(o) (*(volatile uint32_t *)(0x40000000u + (o)))
void ef_board_putc(char c)
{
	static int enabled;
	if (!enabled) {
		UART_REG(0x10) = 1u | (0xffffu << 16);
		enabled = 1;
	}
	while (UART_REG(0x14) & 1u)
		;
	UART_REG(0x1c) = (uint8_t)c;
}
static void uart_drain(void)
{
	while (!(UART_REG(0x14) & 4u))
		;
}
#else
#error "build the firmware with -DEF_BOARD_VIRT or -DEF_BOARD_OPENTITAN"
#endif

void ef_board_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			ef_board_putc('\r');
		ef_board_putc(*s);
	}
}

/* RISC-V semihosting: SYS_EXIT_EXTENDED with ADP_Stopped_ApplicationExit
 * and the status, which QEMU (-semihosting-config enable=on) exits with.
 * The three-instruction sequence must be uncompressed and in one page. */
static uint32_t semihost(uint32_t op, const void *arg)
{
	register uint32_t a0 __asm__("a0") = op;
	register const void *a1 __asm__("a1") = arg;
	__asm__ volatile(".option push\n"
			 ".option norvc\n"
			 ".balign 16\n"
			 "slli zero, zero, 0x1f\n"
			 "ebreak\n"
			 "srai zero, zero, 7\n"
			 ".option pop\n"
			 : "+r"(a0) : "r"(a1) : "memory");
	return a0;
}

void ef_board_exit(int status)
{
	uint32_t block[2] = { 0x20026u, (uint32_t)status };
	uart_drain();
	semihost(0x20, block);
	for (;;)
		;
}

/* picolibc's standard streams and _exit, for the shared C code (abort,
 * fprintf(stderr, ...)) built into the firmware. */
static int uart_put(char c, FILE *f)
{
	(void)f;
	if (c == '\n')
		ef_board_putc('\r');
	ef_board_putc(c);
	return (unsigned char)c;
}
static FILE uart_stream = FDEV_SETUP_STREAM(uart_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdout = &uart_stream;
FILE *const stderr = &uart_stream;

void _exit(int status)
{
	ef_board_exit(status);
}

/* abort() raises SIGABRT through these: the firmware exits 128 + signal. */
int getpid(void)
{
	return 1;
}

int kill(int pid, int sig)
{
	(void)pid;
	ef_board_exit(128 + sig);
}
