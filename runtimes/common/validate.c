/* validate.c: validators for foreign values, shared by every runtime.
 *
 * UTF-8 follows RFC 3629 (no overlong forms, no surrogates, nothing above
 * U+10FFFF).  ASCII runs are skipped 16 bytes at a time; everything else goes
 * through a shift-based DFA: each byte selects a 64-bit row holding, for every
 * state, the next state's bit offset within a row, so one step is a load, a
 * shift and a mask, and the loop-carried dependency is a single shift.
 */
#include "../ef.h"

#include <string.h>

/* States are offsets (multiples of 6) into a row.  ACCEPT must be 0. */
enum {
	S_ACCEPT = 0,  /* between characters */
	S_REJECT = 6,  /* absorbing */
	S_TAIL1 = 12,  /* one more 80..BF */
	S_TAIL2 = 18,  /* two more 80..BF */
	S_TAIL3 = 24,  /* three more 80..BF */
	S_E0 = 30,     /* after E0: A0..BF (no overlong 3-byte forms) */
	S_ED = 36,     /* after ED: 80..9F (no surrogates) */
	S_F0 = 42,     /* after F0: 90..BF (no overlong 4-byte forms) */
	S_F4 = 48,     /* after F4: 80..8F (nothing above U+10FFFF) */
};

/* Row entry: from state `s` go to state `next`. */
#define T(s, next) ((uint64_t)(next) << (s))
/* Everything not named rejects; REJECT maps to itself because its entry is
 * the row's default: rows are built from S_REJECT (6) shifted to each state. */
#define REJECTS (T(S_ACCEPT, S_REJECT) | T(S_REJECT, S_REJECT) | \
		 T(S_TAIL1, S_REJECT) | T(S_TAIL2, S_REJECT) |     \
		 T(S_TAIL3, S_REJECT) | T(S_E0, S_REJECT) |        \
		 T(S_ED, S_REJECT) | T(S_F0, S_REJECT) | T(S_F4, S_REJECT))
/* Replace state s's entry of a row: clear its 6 bits, set the new one. */
#define SET(row, s, next) (((row) & ~((uint64_t)63 << (s))) | T(s, next))

#define LEAD(next) SET(REJECTS, S_ACCEPT, next)
#define ROW_ASCII LEAD(S_ACCEPT)
#define ROW_LEAD2 LEAD(S_TAIL1)
#define ROW_E0 LEAD(S_E0)
#define ROW_LEAD3 LEAD(S_TAIL2)
#define ROW_ED LEAD(S_ED)
#define ROW_F0 LEAD(S_F0)
#define ROW_LEAD4 LEAD(S_TAIL3)
#define ROW_F4 LEAD(S_F4)
#define CONT_COMMON SET(SET(SET(REJECTS, S_TAIL1, S_ACCEPT), S_TAIL2, S_TAIL1), \
			S_TAIL3, S_TAIL2)
/* Continuation bytes, split by which restricted second bytes they satisfy. */
#define ROW_80_8F SET(SET(CONT_COMMON, S_ED, S_TAIL1), S_F4, S_TAIL2)
#define ROW_90_9F SET(SET(CONT_COMMON, S_ED, S_TAIL1), S_F0, S_TAIL2)
#define ROW_A0_BF SET(SET(CONT_COMMON, S_E0, S_TAIL1), S_F0, S_TAIL2)

static const uint64_t utf8_rows[256] = {
	[0x00 ... 0x7f] = ROW_ASCII,
	[0x80 ... 0x8f] = ROW_80_8F,
	[0x90 ... 0x9f] = ROW_90_9F,
	[0xa0 ... 0xbf] = ROW_A0_BF,
	[0xc0 ... 0xc1] = REJECTS,
	[0xc2 ... 0xdf] = ROW_LEAD2,
	[0xe0] = ROW_E0,
	[0xe1 ... 0xec] = ROW_LEAD3,
	[0xed] = ROW_ED,
	[0xee ... 0xef] = ROW_LEAD3,
	[0xf0] = ROW_F0,
	[0xf1 ... 0xf3] = ROW_LEAD4,
	[0xf4] = ROW_F4,
	[0xf5 ... 0xff] = REJECTS,
};

#define HIGH_BITS 0x8080808080808080ull

static inline uint64_t load64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

ef_status ef_valid_utf8(const void *p, size_t n)
{
	const unsigned char *s = p, *end = s + n;
	uint64_t state = S_ACCEPT;

	while (end - s >= 16) {
		if (state == S_ACCEPT &&
		    !((load64(s) | load64(s + 8)) & HIGH_BITS)) {
			s += 16;
			continue;
		}
		for (const unsigned char *stop = s + 16; s < stop; s++)
			state = (utf8_rows[*s] >> state) & 63;
		if (state == S_REJECT)
			return EF_E_INVALID;
	}
	for (; s < end; s++)
		state = (utf8_rows[*s] >> state) & 63;
	return state == S_ACCEPT ? EF_OK : EF_E_INVALID;
}

ef_status ef_valid_bool(const void *p)
{
	return *(const unsigned char *)p <= 1 ? EF_OK : EF_E_INVALID;
}

ef_status ef_valid_enum(int32_t v, int32_t lo, int32_t hi)
{
	return v >= lo && v <= hi ? EF_OK : EF_E_INVALID;
}

ef_status ef_valid_cstr(const void *p, size_t cap, size_t *len)
{
	const char *nul = memchr(p, 0, cap);

	if (!nul)
		return EF_E_INVALID;
	*len = (size_t)(nul - (const char *)p);
	return EF_OK;
}

ef_status ef_upgrade_bool(const ef_domain *d, const void *p, ef_ref *out)
{
	ef_status s = ef_upgrade(d, p, 1, 1, EF_READ, out);
	return s ? s : ef_valid_bool(p);
}

ef_status ef_upgrade_utf8(const ef_domain *d, const void *p, size_t n,
			  ef_ref *out)
{
	ef_status s = ef_upgrade(d, p, n ? n : 1, 1, EF_READ, out);
	return s ? s : ef_valid_utf8(p, n);
}

ef_status ef_upgrade_cstr(const ef_domain *d, const void *p, size_t cap,
			  size_t *len, ef_ref *out)
{
	ef_status s;

	if (!cap)
		return EF_E_ARG;
	s = ef_upgrade(d, p, cap, 1, EF_READ, out);
	return s ? s : ef_valid_cstr(p, cap, len);
}
