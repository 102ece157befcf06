/* ef_trampolines.h: one C function per callback slot, for runtimes whose
 * callbacks foreign code calls as plain functions (mock; the proc
 * sandbox).  Define EF_TRAMPOLINE_DISPATCH(slot, a, b, c, d, e, f), an
 * expression of type uint64_t, before including this: the slot-th
 * trampoline returns it, and ef_trampolines[slot] is its address. */
#ifndef EF_TRAMPOLINES_H
#define EF_TRAMPOLINES_H

#include "ef_seq.h"

#include <stdint.h>

#define EF_TRAMPOLINES 128

#define EF_TRAMPOLINE_(k)                                                    \
	static uint64_t ef_trampoline_##k(uint64_t a, uint64_t b, uint64_t c, \
					  uint64_t d, uint64_t e, uint64_t f) \
	{                                                                    \
		return EF_TRAMPOLINE_DISPATCH(k, a, b, c, d, e, f);           \
	}
EF_SEQ_128(EF_TRAMPOLINE_)

#define EF_TRAMPOLINE_ADDRESS_(k) , (void *)ef_trampoline_##k
static void *const ef_trampolines[] = { EF_LIST(EF_SEQ_128, EF_TRAMPOLINE_ADDRESS_) };
_Static_assert(sizeof ef_trampolines / sizeof *ef_trampolines == EF_TRAMPOLINES,
	       "EF_SEQ_128 gives EF_TRAMPOLINES trampolines");

#endif
