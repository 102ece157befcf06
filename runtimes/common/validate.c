/* validate.c: validators for foreign values, shared by every runtime.
 *
 * UTF-8 follows RFC 3629 (no overlong forms, no surrogates, nothing above
 * U+10FFFF, no character cut off by the end).  Three implementations, one
 * verdict:
 *
 * - utf8_scalar, the reference and the fallback (every architecture): ASCII
 *   runs are skipped 16 bytes at a time; everything else goes through a
 *   shift-based DFA: each byte selects a 64-bit row holding, for every
 *   state, the next state's bit offset within a row, so one step is a
 *   load, a shift and a mask, and the loop-carried dependency is a single
 *   shift.  One byte a step is slow on text that is not ASCII: 1.7 GB/s
 *   on ubench's mixed text where the AVX2 code does 16 (AMD EPYC, 1 MiB).
 * - utf8_lookup_sse41 and utf8_lookup_avx2 (x86-64): the lookup-table
 *   algorithm of Keiser and Lemire, "Validating UTF-8 in less than one
 *   instruction per byte" (Software: Practice and Experience 51(5), 2021),
 *   over 16- and 32-byte vectors (utf8_lookup.h, written once for both).
 *   It checks every byte beside the three before it, a vector at a time,
 *   with no dependency from byte to byte, and skips 64-byte blocks of
 *   ASCII.
 *
 * ef_valid_utf8 uses the widest one the CPU has (the scalar one under 16
 * bytes), chosen at its first call (__builtin_cpu_supports, which also
 * requires the OS to save AVX state):
 * the instructions are enabled per function (target attributes), so this
 * file builds with the project's plain CFLAGS and runs on any x86-64.
 * validate_utf8.h names each implementation for the tests.
 */
#include "validate_utf8.h"

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

/* Inlined into ef_valid_utf8, whose short inputs it takes, so that they
 * cost what they did before the vector code (the firmware's and QEMU's
 * instruction-count baselines). */
static inline __attribute__((always_inline)) ef_status utf8_scalar(const void *p, size_t n)
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

#if defined(__x86_64__)
#include <immintrin.h>

/* The lookup tables of Keiser and Lemire's algorithm.  Each names, per
 * nibble, the errors a pair of adjacent bytes (byte 1, byte 2) may show;
 * a pair shows an error when all three tables name it: byte 1's high
 * nibble, byte 1's low nibble, byte 2's high nibble. */
enum {
	TOO_SHORT = 1 << 0,      /* 11______ then 0_______ or 11______ */
	TOO_LONG = 1 << 1,       /* 0_______ then 10______ */
	OVERLONG_3 = 1 << 2,     /* 11100000 100_____ */
	TOO_LARGE = 1 << 3,      /* 11110100 1001____, 101_____; F5..FF the same */
	SURROGATE = 1 << 4,      /* 11101101 101_____ */
	OVERLONG_2 = 1 << 5,     /* 1100000_ 10______ */
	TOO_LARGE_1000 = 1 << 6, /* 11110101..11111111 1000____ */
	OVERLONG_4 = 1 << 6,     /* 11110000 1000____ (F0 and F5.. share a bit) */
	TWO_CONTS = 1 << 7,      /* 10______ 10______ */
	/* Errors that every low nibble of byte 1 allows. */
	CARRY = TOO_SHORT | TOO_LONG | TWO_CONTS,
};

static const uint8_t utf8_byte1_high[16] = {
	[0x0 ... 0x7] = TOO_LONG,
	[0x8 ... 0xb] = TWO_CONTS,
	[0xc] = TOO_SHORT | OVERLONG_2,
	[0xd] = TOO_SHORT,
	[0xe] = TOO_SHORT | OVERLONG_3 | SURROGATE,
	[0xf] = TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4,
};
static const uint8_t utf8_byte1_low[16] = {
	[0x0] = CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4,
	[0x1] = CARRY | OVERLONG_2,
	[0x2 ... 0x3] = CARRY,
	[0x4] = CARRY | TOO_LARGE,
	[0x5 ... 0xc] = CARRY | TOO_LARGE | TOO_LARGE_1000,
	[0xd] = CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE,
	[0xe ... 0xf] = CARRY | TOO_LARGE | TOO_LARGE_1000,
};
static const uint8_t utf8_byte2_high[16] = {
	[0x0 ... 0x7] = TOO_SHORT,
	[0x8] = TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 |
		OVERLONG_4,
	[0x9] = TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,
	[0xa ... 0xb] = TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
	[0xc ... 0xf] = TOO_SHORT,
};
/* The largest byte each of a vector's last three places may hold without
 * beginning a character that continues past the vector: below F0, E0, C0.
 * A vector of V bytes uses the last V entries. */
static const uint8_t utf8_incomplete_max[32] = {
	[0 ... 28] = 0xff, [29] = 0xf0 - 1, [30] = 0xe0 - 1, [31] = 0xc0 - 1,
};

/* Bytes per step of the block loop: 4 SSE vectors or 2 AVX2 ones, enough
 * to hide the latency of one vector's lookups behind the next's. */
#define UTF8_BLOCK 64

#define V_TYPE __m128i
#define V_BYTES 16
#define V_LOAD(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define V_TABLE(t) V_LOAD(t)
#define V_SPLAT(b) _mm_set1_epi8((char)(b))
#define V_AND _mm_and_si128
#define V_OR _mm_or_si128
#define V_XOR _mm_xor_si128
#define V_SUBS _mm_subs_epu8
#define V_SHR4(v) _mm_srli_epi16(v, 4)
#define V_SHUFFLE _mm_shuffle_epi8
#define V_PREV(v, prev, k) _mm_alignr_epi8(v, prev, 16 - (k))
#define V_ANY(v) (!_mm_testz_si128(v, v))
#define V_HIGH _mm_movemask_epi8
#define UTF8_TARGET "sse4.1"
#define UTF8_FN(name) utf8_##name##_sse41
#include "utf8_lookup.h"

/* AVX2 shuffles and shifts by bytes within each 128-bit lane: the tables
 * stand in both lanes, and the bytes before the high lane's first come
 * from the low lane (permute2x128 puts prev's high lane and v's low lane
 * side by side). */
#define V_TYPE __m256i
#define V_BYTES 32
#define V_LOAD(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define V_TABLE(t) _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)(t)))
#define V_SPLAT(b) _mm256_set1_epi8((char)(b))
#define V_AND _mm256_and_si256
#define V_OR _mm256_or_si256
#define V_XOR _mm256_xor_si256
#define V_SUBS _mm256_subs_epu8
#define V_SHR4(v) _mm256_srli_epi16(v, 4)
#define V_SHUFFLE _mm256_shuffle_epi8
#define V_PREV(v, prev, k) \
	_mm256_alignr_epi8(v, _mm256_permute2x128_si256(prev, v, 0x21), 16 - (k))
#define V_ANY(v) (!_mm256_testz_si256(v, v))
#define V_HIGH _mm256_movemask_epi8
#define UTF8_TARGET "avx2"
#define UTF8_FN(name) utf8_##name##_avx2
#include "utf8_lookup.h"

static int have_sse41(void) { return __builtin_cpu_supports("sse4.1"); }
static int have_avx2(void) { return __builtin_cpu_supports("avx2"); }
#endif

/* The implementations, worst first: the last one the CPU has is chosen. */
static const struct utf8_impl {
	const char *name;
	ef_utf8_validator *fn;
	int (*usable)(void); /* NULL: always */
} utf8_impls[] = {
	{ "scalar", utf8_scalar, NULL },
#if defined(__x86_64__)
	{ "sse4.1", utf8_lookup_sse41, have_sse41 },
	{ "avx2", utf8_lookup_avx2, have_avx2 },
#endif
};
#define N_UTF8_IMPLS (sizeof utf8_impls / sizeof *utf8_impls)

static int utf8_usable(const struct utf8_impl *impl)
{
#if defined(__x86_64__)
	/* Needed where this runs before libgcc's constructor has. */
	__builtin_cpu_init();
#endif
	return !impl->usable || impl->usable();
}

static const struct utf8_impl *utf8_best(void)
{
	const struct utf8_impl *impl = &utf8_impls[N_UTF8_IMPLS - 1];

	while (!utf8_usable(impl))
		impl--;
	return impl;
}

const char *ef_valid_utf8_name(unsigned i)
{
	return i < N_UTF8_IMPLS ? utf8_impls[i].name : NULL;
}

ef_utf8_validator *ef_valid_utf8_impl(const char *name)
{
	for (unsigned i = 0; i < N_UTF8_IMPLS; i++)
		if (!strcmp(utf8_impls[i].name, name))
			return utf8_usable(&utf8_impls[i]) ? utf8_impls[i].fn : NULL;
	return NULL;
}

const char *ef_valid_utf8_chosen(void)
{
	return utf8_best()->name;
}

#if defined(__x86_64__)
/* The first call chooses and stores the choice; threads that race to make
 * it store the same pointer. */
static ef_status utf8_choose(const void *p, size_t n);
static ef_utf8_validator *utf8_chosen = utf8_choose;

static ef_status utf8_choose(const void *p, size_t n)
{
	ef_utf8_validator *fn = utf8_best()->fn;

	__atomic_store_n(&utf8_chosen, fn, __ATOMIC_RELAXED);
	return fn(p, n);
}

ef_status ef_valid_utf8(const void *p, size_t n)
{
	/* Under 16 bytes the DFA's few steps cost less than the vector
	 * code's set-up for a part block (a zeroed copy, a block's lookups). */
	if (n < 16)
		return utf8_scalar(p, n);
	return __atomic_load_n(&utf8_chosen, __ATOMIC_RELAXED)(p, n);
}
#else
/* Nothing to choose: a direct call, which the firmware's instruction
 * counts see. */
ef_status ef_valid_utf8(const void *p, size_t n)
{
	return utf8_scalar(p, n);
}
#endif

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
