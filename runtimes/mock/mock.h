/* mock.h: the runtime of `validate` mode.  No isolation: foreign functions
 * are called directly, but arguments live in the domain's tracked memory and
 * every check of ef.h runs, so the mode measures the cost of the checks. */
#ifndef EF_MOCK_H
#define EF_MOCK_H

#include "../ef.h"

extern const ef_runtime ef_mock_runtime;

/* The domain whose foreign code runs on this thread (NULL: host code).
 * Callback trampolines read it to find their host function. */
extern __thread ef_domain *ef_mock_current;

/* The address foreign code calls to reach callback `slot`. */
void *ef_mock_callback_address(unsigned slot);

/* A foreign call: note the domain for callbacks, call, and advance the
 * epoch, because foreign code may have changed its memory. */
#define EF_MOCK_INVOKE(d, fn, ...) __extension__({                      \
	ef_domain *ef_prev_ = ef_mock_current;                          \
	ef_mock_current = (d);                                          \
	__typeof__(fn(__VA_ARGS__)) ef_ret_ = fn(__VA_ARGS__);          \
	ef_mock_current = ef_prev_;                                     \
	ef_epoch_advance(d);                                            \
	ef_ret_;                                                        \
})

#define EF_MOCK_INVOKE_VOID(d, fn, ...) do {                            \
	ef_domain *ef_prev_ = ef_mock_current;                          \
	ef_mock_current = (d);                                          \
	fn(__VA_ARGS__);                                                \
	ef_mock_current = ef_prev_;                                     \
	ef_epoch_advance(d);                                            \
} while (0)

#endif
