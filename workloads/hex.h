/* hex.h: known-answer test vectors are written in hex; this decodes them.
 * By hand, not sscanf: picolibc's scanf takes an atomic (AMO) path that the
 * opentitan board's Ibex core, which lacks the A extension, cannot run. */
#ifndef EF_HEX_H
#define EF_HEX_H

#include <stddef.h>

static inline unsigned ef_hex_digit(char c)
{
	return (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
}

/* Decode pairs of hex digits from s into out; the number of bytes. */
static inline size_t ef_hex_decode(const char *s, unsigned char *out)
{
	size_t n = 0;
	for (; s[0] && s[1]; s += 2)
		out[n++] = (unsigned char)(ef_hex_digit(s[0]) << 4 | ef_hex_digit(s[1]));
	return n;
}

#endif
