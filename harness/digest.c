/* digest.c: ef_bench_digest (runner.h), on its own so that the PMP
 * firmware, which has no clock of the native runner's, links it too. */
#include "runner.h"

int ef_bench_digest(const ef_bench *b, uint64_t param, uint64_t iters,
		    uint64_t *out, char *err, size_t errlen)
{
	void *ctx = b->setup(param, err, errlen);
	int failed;

	if (!ctx)
		return -1;
	b->run(ctx, iters);
	*out = b->result(ctx);
	failed = b->fault && b->fault(ctx, err, errlen);
	b->teardown(ctx);
	return failed ? -1 : 0;
}
