/* fuzz_utf8.c: the fuzz target of the UTF-8 validators (runtimes/common/
 * validate.c).  Every implementation this CPU has, and ef_valid_utf8,
 * must give the scalar DFA's verdict on the input, and on a copy of it at
 * each offset 0..63 from a 64-byte boundary (so that the vector loads meet
 * every alignment); a disagreement aborts.  Each copy is allocated to its
 * exact size, so AddressSanitizer sees a read past the end. */
#include "../../runtimes/common/validate_utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void agree(const unsigned char *s, size_t n, int want)
{
	unsigned offset = (unsigned)((uintptr_t)s % 64);
	ef_utf8_validator *fn;

	if ((ef_valid_utf8(s, n) == EF_OK) != want) {
		fprintf(stderr, "ef_valid_utf8 (%s) disagrees with the scalar DFA on "
			"%zu bytes at offset %u\n", ef_valid_utf8_chosen(), n, offset);
		abort();
	}
	for (unsigned i = 0; ef_valid_utf8_name(i); i++) {
		fn = ef_valid_utf8_impl(ef_valid_utf8_name(i));
		if (fn && (fn(s, n) == EF_OK) != want) {
			fprintf(stderr, "%s says %s, the scalar DFA %s: %zu bytes at "
				"offset %u\n", ef_valid_utf8_name(i), want ? "invalid" : "valid",
				want ? "valid" : "invalid", n, offset);
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	int want = ef_valid_utf8_impl("scalar")(data, size) == EF_OK;
	void *copy;

	agree(data, size, want);
	for (unsigned offset = 0; offset < 64; offset++) {
		if (posix_memalign(&copy, 64, offset + size + !(offset + size)))
			abort();
		memcpy((unsigned char *)copy + offset, data, size);
		agree((unsigned char *)copy + offset, size, want);
		free(copy);
	}
	return 0;
}
