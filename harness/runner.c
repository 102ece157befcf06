/* runner.c: see runner.h. */
#include "runner.h"
#include "clock.h"

#include <math.h>
#include <time.h>

#define EF_MAX_ITERS (1ull << 40)

/* Lower this (noinline) function's stack by `offset` bytes before it calls
 * the benchmark: the pad is written, so it cannot be optimized away. */
#define EF_LOWER_STACK(offset) do {                                    \
		volatile char *pad_ = __builtin_alloca(offset);        \
		pad_[0] = 0;                                            \
		__asm__ volatile("" : : "r"(pad_) : "memory");         \
	} while (0)

/* Run with the host stack lowered by `offset` bytes; returns ticks. */
static __attribute__((noinline)) uint64_t
timed_run(const ef_bench *b, void *ctx, uint64_t iters, unsigned offset)
{
	uint64_t t0, t1;

	EF_LOWER_STACK(offset);
	t0 = ef_clock_now();
	b->run(ctx, iters);
	t1 = ef_clock_now();
	return t1 - t0;
}

static unsigned draw_offset(uint64_t *rng)
{
	return 1 + (unsigned)(ef_splitmix64(rng) % 4095);
}

/* Grow the count until a run takes a tenth of the target (a hundredfold
 * a step while a run takes under a thousandth of it, tenfold after; never
 * past EF_MAX_ITERS), then scale it to the target. */
static uint64_t calibrate(const ef_bench *b, void *ctx, double target_ns)
{
	uint64_t iters = 1;
	double ns;

	for (;;) {
		ns = ef_clock_to_ns(timed_run(b, ctx, iters, 64));
		if (ns >= target_ns / 10 || iters >= EF_MAX_ITERS / 10)
			break;
		iters *= ns < target_ns / 1000 ? 100 : 10;
	}
	if (ns < 1)
		ns = 1;
	iters = (uint64_t)((double)iters * target_ns / ns) + 1;
	return iters > EF_MAX_ITERS ? EF_MAX_ITERS : iters;
}

unsigned ef_runner_draw_offsets(const ef_bench *b, void *ctx, uint64_t *rng)
{
	unsigned host_offset = draw_offset(rng);

	if (b->stack_offset)
		b->stack_offset(ctx, draw_offset(rng));
	return host_offset;
}

__attribute__((noinline)) void
ef_runner_run_lowered(const ef_bench *b, void *ctx, uint64_t iters,
		      unsigned host_offset)
{
	EF_LOWER_STACK(host_offset);
	b->run(ctx, iters);
}

void ef_runner_prepare(ef_slot *s, const ef_runner_config *cfg, uint64_t *rng)
{
	s->iters = calibrate(s->b, s->ctx, cfg->min_time_ns);
	timed_run(s->b, s->ctx, s->iters, draw_offset(rng));
}

double ef_runner_cpu_ns(void)
{
	struct timespec t;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t))
		return NAN;
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

unsigned ef_runner_round(ef_slot *const *order, unsigned n, unsigned round,
			 const ef_runner_config *cfg, uint64_t *rng)
{
	unsigned k;

	for (k = 0; k < n; k++) {
		ef_slot *s = order[k];
		unsigned host_offset;
		double ns, cpu;

		if (cfg->stop && *cfg->stop)
			break;
		host_offset = ef_runner_draw_offsets(s->b, s->ctx, rng);
		/* The CPU clock is read outside the timed run: a system call
		 * where the wall clock is a register read. */
		cpu = ef_runner_cpu_ns();
		ns = ef_clock_to_ns(timed_run(s->b, s->ctx, s->iters, host_offset));
		cpu = ef_runner_cpu_ns() - cpu;
		s->on_sample(s->arg, round, s->iters, ns / (double)s->iters,
			     cpu / (double)s->iters);
	}
	return k;
}
