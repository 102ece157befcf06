/* strmap.h: a map from keys to indices, for the code that reads results
 * (results.c): the series, runs, machines, benchmarks and rows seen,
 * found in constant time however many rows there are.  A map starts
 * zeroed and keeps copies of its keys in one growing block. */
#ifndef EF_STRMAP_H
#define EF_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#define EF_MAP_NONE ((size_t)-1)

/* Strings one after the other, each NUL-ended (a field never holds a
 * NUL), or 64-bit numbers one after the other: either way two keys built
 * alike are the same bytes only when their parts are equal. */
typedef struct ef_key { char *b; size_t len, cap; } ef_key;

void ef_key_clear(ef_key *k);
void ef_key_add(ef_key *k, const char *s);
void ef_key_num(ef_key *k, unsigned long long v);   /* as a string */
void ef_key_u64(ef_key *k, uint64_t v);             /* as 8 bytes */
void ef_key_free(ef_key *k);

typedef struct ef_map {
	struct ef_map_slot { size_t at, len, value; uint64_t hash; } *slot;   /* len 0: empty */
	size_t cap, n;
	char *keys;
	size_t keys_len, keys_cap;
} ef_map;

/* The value of k, or EF_MAP_NONE. */
size_t ef_map_get(const ef_map *m, const ef_key *k);
/* The value k already has; or, when it has none, EF_MAP_NONE after adding
 * k with `value`. */
size_t ef_map_add(ef_map *m, const ef_key *k, size_t value);
void ef_map_free(ef_map *m);

#endif
