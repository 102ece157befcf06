/* validate_utf8.h: the implementations behind ef_valid_utf8 (validate.c),
 * one by one, for the unit tests and the fuzz target that hold each one to
 * the scalar DFA.  Not part of the runtime interface: workloads call
 * ef_valid_utf8 (ef.h), which uses the best one this CPU has. */
#ifndef EF_VALIDATE_UTF8_H
#define EF_VALIDATE_UTF8_H

#include "../ef.h"

typedef ef_status ef_utf8_validator(const void *p, size_t n);

/* Name of the i-th implementation this build has ("scalar" first, the
 * reference; then "sse4.1" and "avx2" on x86-64), NULL past the last. */
const char *ef_valid_utf8_name(unsigned i);

/* The implementation by that name; NULL when the build does not have it
 * or this CPU lacks the instructions it needs. */
ef_utf8_validator *ef_valid_utf8_impl(const char *name);

/* The name of the one ef_valid_utf8 uses on this CPU. */
const char *ef_valid_utf8_chosen(void);

#endif
