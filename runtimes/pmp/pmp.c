/* pmp.c: the PMP runtime's state and PMP programming. */
#include "pmp.h"
#include "call-layout.h"

#include <stddef.h>
#include <stdio.h>

extern char __foreign_tls[], __host_tls[];

struct ef_pmp_call ef_pmp_call = {
	.springboard = (uintptr_t)ef_pmp_springboard,
	.foreign_tp = (uintptr_t)__foreign_tls,
	.host_tp = (uintptr_t)__host_tls,
};
#define AT(field, offset) _Static_assert(offsetof(struct ef_pmp_call, field) == offset, \
					 "call-layout.h: " #offset)
AT(sp, C_SP);
AT(stack_bytes, C_STACK_BYTES);
AT(springboard, C_SPRINGBOARD);
AT(foreign_tp, C_FOREIGN_TP);
AT(host_tp, C_HOST_TP);
AT(host, C_HOST);
AT(cb_slot, C_CB_SLOT);
AT(cb_sp, C_CB_SP);
AT(cb_tp, C_CB_TP);
AT(cb_ra, C_CB_RA);
AT(fault, C_FAULT);
AT(fault.faulted, C_FAULT);
AT(fault.mcause, C_FAULT + 4);
AT(fault.mtval, C_FAULT + 8);
AT(fault.mepc, C_FAULT + 12);
AT(fault.count, C_FAULT + 16);
_Static_assert(sizeof(struct ef_pmp_call) == C_SIZE, "call-layout.h: C_SIZE");

int ef_pmp_cold;
int ef_pmp_apply_needed = 1;

void ef_pmp_set_cold(int cold)
{
	ef_pmp_cold = cold;
	ef_pmp_apply_needed = 1;
}

#define PMP_R 0x01u
#define PMP_W 0x02u
#define PMP_X 0x04u
#define PMP_TOR 0x08u

/* Entry 0 (off) is the base of entry 1 (TOR: the foreign code, read and
 * execute); entry 2 (off) the base of entry 3 (TOR: its data, heaps and
 * stack, read and write).  Nothing else matches, so U-mode can touch
 * nothing else; without the lock bit the entries do not bind M-mode. */
void ef_pmp_apply(void)
{
	uint32_t cfg = (PMP_TOR | PMP_R | PMP_X) << 8 | (PMP_TOR | PMP_R | PMP_W) << 24;
	__asm__ volatile("csrw pmpaddr0, %0" : : "r"((uintptr_t)__foreign_text_lo >> 2));
	__asm__ volatile("csrw pmpaddr1, %0" : : "r"((uintptr_t)__foreign_text_hi >> 2));
	__asm__ volatile("csrw pmpaddr2, %0" : : "r"((uintptr_t)__foreign_data_lo >> 2));
	__asm__ volatile("csrw pmpaddr3, %0" : : "r"((uintptr_t)__foreign_data_hi >> 2));
	__asm__ volatile("csrw pmpcfg0, %0" : : "r"(cfg) : "memory");
	ef_pmp_apply_needed = ef_pmp_cold;
}

/* A trap in M-mode: the host's own bug. */
void ef_pmp_host_trap(uint32_t mcause, uint32_t mtval, uint32_t mepc)
{
	char line[128];
	snprintf(line, sizeof line, "FAIL pmp firmware: host trap mcause=%lu "
		 "mtval=%#lx mepc=%#lx\n", (unsigned long)mcause,
		 (unsigned long)mtval, (unsigned long)mepc);
	ef_board_puts(line);
	ef_board_exit(3);
}

/* The domain's memory (argument heap and stack, see ef_domain_open): taken
 * from the foreign run's heap, which the PMP entries cover; one domain at a
 * time, so a bump pointer that the last unmap resets. */
static uintptr_t heap_next;
static unsigned heap_maps;

static void *pmp_map(ef_domain *d, size_t bytes)
{
	uintptr_t p;
	(void)d;
	if (!heap_next)
		heap_next = (uintptr_t)__foreign_heap_lo;
	p = (heap_next + 15) & ~(uintptr_t)15;
	if (bytes > (uintptr_t)__foreign_heap_hi - p)
		return NULL;
	heap_next = p + bytes;
	heap_maps++;
	return (void *)p;
}

static void pmp_unmap(ef_domain *d, void *p, size_t bytes)
{
	(void)d, (void)p, (void)bytes;
	if (heap_maps && !--heap_maps)
		heap_next = 0;
}

const ef_runtime ef_pmp_runtime = {
	.map = pmp_map,
	.unmap = pmp_unmap,
	.unavailable = NULL,
};

static ef_domain *open_domain;
static uint32_t faults_at_open;   /* ef_pmp_call.fault.count when it opened */

ef_status ef_pmp_open(ef_domain *d, const char *set)
{
	ef_status s;
	(void)set;      /* one library set per firmware: the foreign run */
	s = ef_domain_open(d, &ef_pmp_runtime, NULL);
	if (!s) {
		open_domain = d;
		faults_at_open = ef_pmp_call.fault.count;
	}
	return s;
}

void ef_pmp_close(ef_domain *d)
{
	if (open_domain == d)
		open_domain = NULL;
	ef_domain_close(d);
}

const char *ef_pmp_fault_message(const ef_domain *d, char *buf, size_t len)
{
	if (d != open_domain || ef_pmp_call.fault.count == faults_at_open)
		return NULL;
	snprintf(buf, len, "foreign code trapped (%lu calls since the domain "
		 "opened), the call ended: mcause %lu, mtval %#lx, mepc %#lx",
		 (unsigned long)(ef_pmp_call.fault.count - faults_at_open),
		 (unsigned long)ef_pmp_call.fault.mcause, (unsigned long)ef_pmp_call.fault.mtval,
		 (unsigned long)ef_pmp_call.fault.mepc);
	return buf;
}

extern char ef_pmp_callback_base[];

void *ef_pmp_callback_address(unsigned slot)
{
	return slot < EF_MAX_CALLBACKS ? ef_pmp_callback_base + 4 * slot : NULL;
}

/* From start.S, in M-mode: run the callback of slot ef_pmp_call.cb_slot
 * and return its result to foreign code (a0:a1).  ef_callback_fn takes six
 * 64-bit arguments: the first four arrive here in a0-a7 as foreign code
 * left them, the other two lie on the foreign stack (ef_pmp_call.cb_sp),
 * which is upgraded as domain memory before the host reads it.  A slot
 * that is not registered, or a stack outside the domain, returns 0. */
uint64_t ef_pmp_callback(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	ef_domain *d = open_domain;
	unsigned slot = ef_pmp_call.cb_slot;
	const uint32_t *st;
	ef_ref ref;

	if (!d || slot >= d->ncallbacks ||
	    ef_upgrade(d, (void *)ef_pmp_call.cb_sp, 16, 4, EF_READ, &ref))
		return 0;
	st = ref.ptr;
	ef_epoch_advance(d);
	return d->callbacks[slot](x0, x1, x2, x3, st[0] | (uint64_t)st[1] << 32,
				  st[2] | (uint64_t)st[3] << 32);
}
