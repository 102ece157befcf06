/* proctest.h: the proc suite's foreign library (libefproctest.so), which
 * does what a library may do and what a hostile one tries. */
#ifndef EF_PROCTEST_H
#define EF_PROCTEST_H

#include <stdint.h>

uint64_t efpt_empty(void);
/* An order-sensitive hash of its arguments, as ubench's efub_argsN. */
uint64_t efpt_args8(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
		    uint64_t, uint64_t, uint64_t);
/* Writes n bytes of i * 7 + 1 to buf; returns buf. */
void *efpt_fill(unsigned char *buf, uint64_t n);
/* cb(x, 1, 2, 3, 4, 5) + 1. */
uint64_t efpt_call_back(uint64_t (*cb)(uint64_t, uint64_t, uint64_t, uint64_t,
				       uint64_t, uint64_t), uint64_t x);
/* Hostile: each ends its call one way. */
void efpt_crash(void);          /* writes through NULL */
void efpt_hang(void);           /* never returns */
void efpt_exit(int status);
uint64_t efpt_read(const uint64_t *p);   /* reads any address */
/* Tries a system call the sandbox forbids; returns -errno or what it got. */
int64_t efpt_open(const char *path);
int64_t efpt_write_stdout(void);
int64_t efpt_kill_parent(void);
int64_t efpt_map_exec(void);
int64_t efpt_int80(void);
int64_t efpt_setaffinity_parent(void);
uint64_t efpt_getcpu(void);       /* getpid through the i386 entry */
/* Writes v over the 32-bit word at p (the channel's state, say) and waits
 * until someone changes it back. */
void efpt_poke32(uint32_t *p, uint32_t v);
uint64_t efpt_getpid(void);
/* malloc(bytes) != NULL. */
int efpt_alloc(uint64_t bytes);
/* How many variables the sandbox's environment holds, and whether one
 * named `name` is among them. */
int efpt_getenv(const char *name);

/* libefprocctor.so (set procctor): its constructor tries, while the
 * library loads, what foreign code must not do; -errno of each. */
int64_t efpc_ctor_open_write(void);
int64_t efpc_ctor_socket(void);

#endif
