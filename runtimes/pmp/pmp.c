/* pmp.c: the PMP runtime's state and PMP programming. */
#include "pmp.h"

#include <stddef.h>
#include <stdio.h>

struct ef_pmp_call ef_pmp_call;
struct ef_pmp_fault ef_pmp_fault;
_Static_assert(offsetof(struct ef_pmp_fault, count) == 16, "start.S: the trap count");
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
static uint32_t faults_at_open;   /* ef_pmp_fault.count when it opened */

ef_status ef_pmp_open(ef_domain *d, const char *set)
{
	ef_status s;
	(void)set;      /* one library set per firmware: the foreign run */
	s = ef_domain_open(d, &ef_pmp_runtime, NULL);
	if (!s) {
		open_domain = d;
		faults_at_open = ef_pmp_fault.count;
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
	if (d != open_domain || ef_pmp_fault.count == faults_at_open)
		return NULL;
	snprintf(buf, len, "foreign code trapped (%lu calls since the domain "
		 "opened), the call ended: mcause %lu, mtval %#lx, mepc %#lx",
		 (unsigned long)(ef_pmp_fault.count - faults_at_open),
		 (unsigned long)ef_pmp_fault.mcause, (unsigned long)ef_pmp_fault.mtval,
		 (unsigned long)ef_pmp_fault.mepc);
	return buf;
}

extern char ef_pmp_callback_base[];

void *ef_pmp_callback_address(unsigned slot)
{
	return slot < EF_MAX_CALLBACKS ? ef_pmp_callback_base + 4 * slot : NULL;
}

/* From start.S, in M-mode: run callback `slot` with foreign registers r
 * (x0-x31); its result goes to r's a0:a1.  ef_callback_fn takes six 64-bit
 * arguments: four in a0-a7, two on the foreign stack, which is upgraded as
 * foreign memory before the host reads it.  A slot that is not registered,
 * or a stack outside the domain, ends in a result of 0. */
void ef_pmp_callback(unsigned slot, uint32_t *r)
{
	ef_domain *d = open_domain;
	const uint32_t *st;
	uint64_t a[6], v = 0;
	ef_ref ref;

	if (d && slot < d->ncallbacks &&
	    !ef_upgrade(d, (void *)(uintptr_t)r[2], 16, 4, EF_READ, &ref)) {
		st = ref.ptr;
		for (unsigned i = 0; i < 4; i++)
			a[i] = r[10 + 2 * i] | (uint64_t)r[11 + 2 * i] << 32;
		a[4] = st[0] | (uint64_t)st[1] << 32;
		a[5] = st[2] | (uint64_t)st[3] << 32;
		ef_epoch_advance(d);
		v = d->callbacks[slot](a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	r[10] = (uint32_t)v;
	r[11] = (uint32_t)(v >> 32);
}
