/* strmap.c: see strmap.h.  Open addressing with linear probing, at most
 * half full. */
#include "strmap.h"
#include "bench.h"
#include "results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void append(ef_key *k, const void *p, size_t n)
{
	if (k->len + n > k->cap)
		k->b = ef_xrealloc(k->b, k->cap = 2 * (k->len + n));
	memcpy(k->b + k->len, p, n);
	k->len += n;
}

void ef_key_clear(ef_key *k)
{
	k->len = 0;
}

void ef_key_add(ef_key *k, const char *s)
{
	append(k, s, strlen(s) + 1);
}

void ef_key_num(ef_key *k, unsigned long long v)
{
	char s[24];
	snprintf(s, sizeof s, "%llu", v);
	ef_key_add(k, s);
}

void ef_key_u64(ef_key *k, uint64_t v)
{
	append(k, &v, sizeof v);
}

void ef_key_free(ef_key *k)
{
	free(k->b);
	memset(k, 0, sizeof *k);
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;    /* FNV-1a, then a final mix */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return ef_splitmix64(&h);
}

/* The slot of k: its own, or the empty one where it would go. */
static struct ef_map_slot *find(const ef_map *m, const ef_key *k, uint64_t h)
{
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct ef_map_slot *s = &m->slot[i];
		if (!s->len || (s->hash == h && s->len == k->len &&
				!memcmp(m->keys + s->at, k->b, k->len)))
			return s;
	}
}

size_t ef_map_get(const ef_map *m, const ef_key *k)
{
	const struct ef_map_slot *s;

	if (!m->cap)
		return EF_MAP_NONE;
	s = find(m, k, hash_bytes(k->b, k->len));
	return s->len ? s->value : EF_MAP_NONE;
}

size_t ef_map_add(ef_map *m, const ef_key *k, size_t value)
{
	uint64_t h = hash_bytes(k->b, k->len);
	struct ef_map_slot *s;

	if (2 * (m->n + 1) > m->cap) {
		struct ef_map_slot *old = m->slot;
		size_t oldcap = m->cap;
		m->cap = m->cap ? 2 * m->cap : 64;
		m->slot = memset(ef_xrealloc(NULL, m->cap * sizeof *m->slot), 0,
				 m->cap * sizeof *m->slot);
		for (size_t i = 0; i < oldcap; i++) {
			size_t j = old[i].hash & (m->cap - 1);
			if (!old[i].len)
				continue;
			while (m->slot[j].len)
				j = (j + 1) & (m->cap - 1);
			m->slot[j] = old[i];
		}
		free(old);
	}
	s = find(m, k, h);
	if (s->len)
		return s->value;
	if (m->keys_len + k->len > m->keys_cap)
		m->keys = ef_xrealloc(m->keys, m->keys_cap = 2 * (m->keys_len + k->len));
	memcpy(m->keys + m->keys_len, k->b, k->len);
	*s = (struct ef_map_slot){ m->keys_len, k->len, value, h };
	m->keys_len += k->len;
	m->n++;
	return EF_MAP_NONE;
}

void ef_map_free(ef_map *m)
{
	free(m->slot);
	free(m->keys);
	memset(m, 0, sizeof *m);
}
