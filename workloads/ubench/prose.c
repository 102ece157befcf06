/* prose.c: see prose.h.  The text is alice29.txt (alice.S), Lewis
 * Carroll's "Alice's Adventures in Wonderland" as the Canterbury corpus has
 * it.  That file is pure ASCII: it writes quotes as `...' and dashes as --.
 * As a typeset edition prints them, the prose here has ` as U+2018, ' as
 * U+2019 and -- as U+2014, three bytes each in UTF-8: in one pass 3,131 of
 * its 148,199 characters (2.1%) and 6.1% of its 154,461 bytes are not
 * ASCII, a character every 49 bytes on average, so the validators' ASCII
 * fast paths see text that is mostly, not wholly, ASCII. */
#include "prose.h"

#include <stdint.h>
#include <string.h>

extern const char efub_alice[];
extern const uint32_t efub_alice_bytes;

void efub_fill_prose(void *buf, size_t n)
{
	unsigned char *b = buf;
	size_t i = 0, k = 0;

	while (i < n) {
		const char *c = efub_alice + k;
		const char *put = c;
		size_t len = 1, used = 1;

		if (*c == '`') {
			put = "\xe2\x80\x98", len = 3;
		} else if (*c == '\'') {
			put = "\xe2\x80\x99", len = 3;
		} else if (*c == '-' && k + 1 < efub_alice_bytes && c[1] == '-') {
			put = "\xe2\x80\x94", len = 3, used = 2;
		}
		if (len > n - i) {
			memset(b + i, ' ', n - i);
			break;
		}
		memcpy(b + i, put, len);
		i += len;
		k += used;
		if (k >= efub_alice_bytes)
			k = 0;
	}
}
