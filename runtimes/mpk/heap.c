/* heap.c: libefheap.so, the domain heap of the mpk runtime.
 *
 * Every domain's stub names this library first in its DT_NEEDED list, so in
 * the domain's link namespace its malloc family wins symbol lookup: the
 * foreign libraries and the namespace's own libc copy allocate here.  The
 * arena is one reserved mapping that the host tags with the domain's key
 * right after loading (efheap_arena), so everything foreign code allocates
 * lies in memory it may use and the host may not be tricked into trusting
 * anything else.  Its bookkeeping lives inside the arena: foreign code can
 * corrupt it, which harms only the domain, because only foreign code (under
 * the domain's protection) ever runs this allocator.  The host's own
 * allocations in the domain (arguments) use a separate heap whose metadata
 * stays in host memory (runtimes/common/domain.c).
 *
 * The allocator: power-of-two size classes from 16 B, each block preceded by
 * a 16-byte header, free lists per class, bump allocation from the arena.
 * One thread at a time runs in a domain, so there is no lock.
 *
 * It also defines __tls_get_addr for the namespace: the domain's thread
 * block (runtimes/mpk/thread.c) carries a dtv with every TLS block of the
 * namespace allocated up front, so a lookup is two loads from %fs:8 and
 * never reads the dynamic loader's own data, which stays host memory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define EFHEAP_RESERVE ((size_t)1 << 30)
#define EFHEAP_MIN_SHIFT 4
#define EFHEAP_CLASSES 40
#define EFHEAP_MAGIC 0xef4ea9u

struct header {
	uint32_t cls;       /* block size is 1 << cls */
	uint32_t magic;
	uint64_t offset;    /* from the block's start to the user pointer */
};

static unsigned char *arena, *arena_next, *arena_end;
static void *free_list[EFHEAP_CLASSES];

static int arena_init(void)
{
	void *p;

	if (arena)
		return 0;
	p = mmap(NULL, EFHEAP_RESERVE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	arena = arena_next = p;
	arena_end = arena + EFHEAP_RESERVE;
	return 0;
}

/* The host asks where the arena is, to tag it with the domain's key. */
void efheap_arena(void **base, size_t *size)
{
	arena_init();
	*base = arena;
	*size = arena ? EFHEAP_RESERVE : 0;
}

static unsigned class_of(size_t bytes)
{
	unsigned c = EFHEAP_MIN_SHIFT;
	while (((size_t)1 << c) < bytes)
		c++;
	return c;
}

/* A block of at least `bytes` whose user pointer is aligned to `align`. */
static void *alloc(size_t bytes, size_t align)
{
	size_t need;
	unsigned c;
	unsigned char *block;
	uintptr_t user;
	struct header *h;

	if (align < 16)
		align = 16;
	if (bytes > EFHEAP_RESERVE || align > EFHEAP_RESERVE / 2 ||
	    (align & (align - 1)) || arena_init()) {
		errno = ENOMEM;
		return NULL;
	}
	need = bytes + sizeof(struct header) + (align > 16 ? align : 0);
	c = class_of(need);
	if (c >= EFHEAP_CLASSES) {
		errno = ENOMEM;
		return NULL;
	}
	if (free_list[c]) {
		block = free_list[c];
		free_list[c] = *(void **)block;
	} else {
		if ((size_t)(arena_end - arena_next) < ((size_t)1 << c)) {
			errno = ENOMEM;
			return NULL;
		}
		block = arena_next;
		arena_next += (size_t)1 << c;
	}
	user = ((uintptr_t)block + sizeof(struct header) + align - 1) & ~(uintptr_t)(align - 1);
	h = (struct header *)user - 1;
	h->cls = c;
	h->magic = EFHEAP_MAGIC;
	h->offset = user - (uintptr_t)block;
	return (void *)user;
}

static struct header *header_of(void *p)
{
	struct header *h = (struct header *)p - 1;
	if ((unsigned char *)p < arena || (unsigned char *)p >= arena_next ||
	    h->magic != EFHEAP_MAGIC)
		__builtin_trap();       /* a pointer this heap never gave out */
	return h;
}

void free(void *p)
{
	struct header *h;
	unsigned char *block;

	if (!p)
		return;
	h = header_of(p);
	block = (unsigned char *)p - h->offset;
	h->magic = 0;
	*(void **)block = free_list[h->cls];
	free_list[h->cls] = block;
}

void *malloc(size_t n) { return alloc(n, 16); }

void *calloc(size_t n, size_t size)
{
	void *p;
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	p = alloc(n * size, 16);
	if (p)
		memset(p, 0, n * size);
	return p;
}

size_t malloc_usable_size(void *p)
{
	struct header *h;
	if (!p)
		return 0;
	h = header_of(p);
	return ((size_t)1 << h->cls) - h->offset;
}

void *realloc(void *p, size_t n)
{
	size_t have;
	void *q;

	if (!p)
		return malloc(n);
	if (!n) {
		free(p);
		return NULL;
	}
	have = malloc_usable_size(p);
	if (n <= have)
		return p;
	q = malloc(n);
	if (q) {
		memcpy(q, p, have);
		free(p);
	}
	return q;
}

void *memalign(size_t align, size_t n) { return alloc(n, align); }
void *aligned_alloc(size_t align, size_t n) { return alloc(n, align); }
void *valloc(size_t n) { return alloc(n, 4096); }
void *pvalloc(size_t n) { return alloc((n + 4095) & ~(size_t)4095, 4096); }

int posix_memalign(void **out, size_t align, size_t n)
{
	void *p;
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	p = alloc(n, align);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

typedef struct { unsigned long module, offset; } tls_index;

void *__tls_get_addr(tls_index *ti)
{
	char **dtv;
	__asm__("mov %%fs:8, %0" : "=r"(dtv));
	/* dtv entries are { block, to_free }: two words per module. */
	if (!dtv[2 * ti->module])
		__builtin_trap();
	return dtv[2 * ti->module] + ti->offset;
}
