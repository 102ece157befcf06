/* utf8_lookup.h: the lookup-table UTF-8 validator of Keiser and Lemire
 * ("Validating UTF-8 in less than one instruction per byte", Software:
 * Practice and Experience 51(5), 2021), written once over a small vector
 * vocabulary.  validate.c includes it once per vector width, after
 * defining:
 *
 *   UTF8_TARGET       the target attribute ("sse4.1", "avx2")
 *   UTF8_FN(name)     the name of this width's copy of a function
 *   V_TYPE, V_BYTES   the vector type and its size in bytes (16 or 32)
 *   V_LOAD(p)         unaligned load
 *   V_TABLE(t)        the 16-byte table t in every 128-bit lane
 *   V_SPLAT(b)        byte b in every place
 *   V_AND, V_OR, V_XOR, V_SUBS (unsigned saturating byte subtraction)
 *   V_SHR4(v)         each 16-bit lane shifted right by 4 (not masked)
 *   V_SHUFFLE(t, i)   t[i & 15] per byte within a lane (0 where i >= 0x80)
 *   V_PREV(v, prev, k) the vector of the bytes k places before v's
 *   V_ANY(v)          whether any bit of v is set
 *   V_HIGH(v)         the high bit of every byte, as an int mask
 *
 * and the tables utf8_byte1_high, utf8_byte1_low, utf8_byte2_high and
 * utf8_incomplete_max, and UTF8_BLOCK.  It undefines the macros above at
 * its end, for the next width's.  Each byte of the input is loaded once,
 * in order, as ef.h promises of validators. */

#define UTF8_FN_ATTR static inline __attribute__((always_inline, target(UTF8_TARGET)))

/* The nibble of every byte the tables are indexed by. */
UTF8_FN_ATTR V_TYPE UTF8_FN(high_nibbles)(V_TYPE v)
{
	return V_AND(V_SHR4(v), V_SPLAT(0x0f));
}

/* Errors of v, whose previous vector in the input is prev: the three
 * table lookups find what is wrong with each pair of adjacent bytes (the
 * tables' comment in validate.c); a byte that must be the third or fourth of
 * a character (2 or 3 places after an E0..FF lead) has to be a
 * continuation byte after a continuation byte (TWO_CONTS, which is
 * otherwise an error), so XOR with that requirement leaves only errors. */
UTF8_FN_ATTR V_TYPE UTF8_FN(errors)(V_TYPE v, V_TYPE prev)
{
	V_TYPE prev1 = V_PREV(v, prev, 1);
	V_TYPE pairs = V_AND(V_AND(V_SHUFFLE(V_TABLE(utf8_byte1_high), UTF8_FN(high_nibbles)(prev1)),
				V_SHUFFLE(V_TABLE(utf8_byte1_low), V_AND(prev1, V_SPLAT(0x0f)))),
			  V_SHUFFLE(V_TABLE(utf8_byte2_high), UTF8_FN(high_nibbles)(v)));
	/* Only E0..FF leave a high bit after subtracting 0x60, F0..FF after
	 * subtracting 0x70. */
	V_TYPE third = V_SUBS(V_PREV(v, prev, 2), V_SPLAT(0xe0 - 0x80));
	V_TYPE fourth = V_SUBS(V_PREV(v, prev, 3), V_SPLAT(0xf0 - 0x80));
	V_TYPE must_continue = V_AND(V_OR(third, fourth), V_SPLAT(0x80));

	return V_XOR(must_continue, pairs);
}

/* Non-zero where v's last three bytes begin a character they do not end:
 * the next block must continue it, and the input must not end there. */
UTF8_FN_ATTR V_TYPE UTF8_FN(incomplete)(V_TYPE v)
{
	return V_SUBS(v, V_LOAD(utf8_incomplete_max + sizeof utf8_incomplete_max - V_BYTES));
}

/* One block of UTF8_BLOCK bytes at s; whether it held more than ASCII.  A
 * block of ASCII only needs the previous block to be complete; it leaves
 * *prev as it was, since a complete block's last bytes are judged the same
 * as ASCII by the next block (a continuation byte after either is an
 * error, anything else is fine).  Otherwise each vector is checked against
 * the one before. */
UTF8_FN_ATTR int UTF8_FN(block)(const unsigned char *s, V_TYPE *prev, V_TYPE *incomplete,
				 V_TYPE *error)
{
	V_TYPE v[UTF8_BLOCK / V_BYTES], any = V_SPLAT(0);

	for (unsigned i = 0; i < UTF8_BLOCK / V_BYTES; i++) {
		v[i] = V_LOAD(s + i * V_BYTES);
		any = V_OR(any, v[i]);
	}
	if (!V_HIGH(any)) {
		*error = V_OR(*error, *incomplete);
		return 0;
	}
	*error = V_OR(*error, UTF8_FN(errors)(v[0], *prev));
	for (unsigned i = 1; i < UTF8_BLOCK / V_BYTES; i++)
		*error = V_OR(*error, UTF8_FN(errors)(v[i], v[i - 1]));
	*prev = v[UTF8_BLOCK / V_BYTES - 1];
	*incomplete = UTF8_FN(incomplete)(*prev);
	return 1;
}

/* The validator: whole blocks in place, the last part block from a zeroed
 * copy (zeros are ASCII, so a character cut off by the end is an error
 * there as it would be before ASCII).  It returns at the first block
 * beyond ASCII that shows an error; runs of ASCII go untested, for speed. */
static __attribute__((target(UTF8_TARGET))) ef_status UTF8_FN(lookup)(const void *p, size_t n)
{
	const unsigned char *s = p;
	V_TYPE prev = V_SPLAT(0), incomplete = V_SPLAT(0), error = V_SPLAT(0);
	size_t done = 0;

	for (; n - done >= UTF8_BLOCK; done += UTF8_BLOCK) {
		if (UTF8_FN(block)(s + done, &prev, &incomplete, &error) && V_ANY(error))
			return EF_E_INVALID;
	}
	if (done < n) {
		unsigned char last[UTF8_BLOCK] = { 0 };
		memcpy(last, s + done, n - done);
		UTF8_FN(block)(last, &prev, &incomplete, &error);
	}
	return V_ANY(V_OR(error, incomplete)) ? EF_E_INVALID : EF_OK;
}

#undef UTF8_FN_ATTR
#undef UTF8_TARGET
#undef UTF8_FN
#undef V_TYPE
#undef V_BYTES
#undef V_LOAD
#undef V_TABLE
#undef V_SPLAT
#undef V_AND
#undef V_OR
#undef V_XOR
#undef V_SUBS
#undef V_SHR4
#undef V_SHUFFLE
#undef V_PREV
#undef V_ANY
#undef V_HIGH
