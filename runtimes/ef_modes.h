/* ef_modes.h: the four modes every workload runs in (see docs/design.md),
 * and reference mode: on target host only, where a workload has one,
 * another program's code for the same work (ubench's UTF-8 validation
 * beside Rust's from_utf8), which no overhead takes but budgets compare
 * with.  The harness and the mode layer (ef_mode.h) both take their names
 * from here. */
#ifndef EF_MODES_H
#define EF_MODES_H

/* X(NAME, name), in the order of the numbers below. */
#define EF_MODES(X)                                                   \
	X(UNSAFE, unsafe)       /* direct call with host pointers */  \
	X(VALIDATE, validate)   /* mock domain, all checks on */      \
	X(INVOKE, invoke)       /* real gate, checks compiled out */  \
	X(FULL, full)           /* real gate and all checks */        \
	X(REFERENCE, reference) /* another program's code, no domain */

/* Numbers, not an enum: #if EF_MODE == EF_MODE_VALIDATE must see them.
 * They follow the order of EF_MODES. */
#define EF_MODE_UNSAFE 0
#define EF_MODE_VALIDATE 1
#define EF_MODE_INVOKE 2
#define EF_MODE_FULL 3
#define EF_MODE_REFERENCE 4
#define EF_MODE_COUNT 5

#endif
