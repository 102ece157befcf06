/* watchdog.c: the time limit on a call into an sfi instance.  wasm2c's
 * code has no point where it could check a clock, so a thread of the
 * runtime looks at every thread that has called into a module: one that
 * has been inside the same call (its seq unchanged, cur set) for the
 * whole limit gets EF_SFI_TIMEOUT_SIGNAL, whose handler (wasm_rt.c) ends
 * the call as a trap.  The gate pays two plain stores for it (sfi.h,
 * ef_sfi_enter); a callback's return starts the clock again. */
#define _GNU_SOURCE
#include "sfi.h"

#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WATCHED 256

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct watched {
	ef_sfi_thread *t;       /* NULL: a free entry */
	pid_t tid;
	uint64_t seq;
	double since;           /* when seq was first seen inside; 0: not */
} watched[WATCHED];
static double limit = 10;
static pthread_key_t key;
static pthread_once_t once = PTHREAD_ONCE_INIT;

void ef_sfi_set_timeout(double seconds)
{
	__atomic_store(&limit, &seconds, __ATOMIC_RELAXED);
}

double ef_sfi_timeout(void)
{
	double l;
	__atomic_load(&limit, &l, __ATOMIC_RELAXED);
	return l;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *watch(void *arg)
{
	(void)arg;
	for (;;) {
		double l = ef_sfi_timeout();
		/* A tenth of the limit, between 10 ms and 100 ms. */
		double step = l > 0 ? l / 10 : 0.1;
		struct timespec ts = { 0, (long)((step < 0.01 ? 0.01 : step > 0.1 ? 0.1 : step) * 1e9) };

		nanosleep(&ts, NULL);
		if (l <= 0)
			continue;
		double t0 = now();
		pthread_mutex_lock(&lock);
		for (unsigned i = 0; i < WATCHED; i++) {
			struct watched *w = &watched[i];
			if (!w->t)
				continue;
			void *cur = __atomic_load_n(&w->t->cur, __ATOMIC_RELAXED);
			uint64_t seq = __atomic_load_n(&w->t->seq, __ATOMIC_RELAXED);
			if (!cur) {
				w->since = 0;
				continue;
			}
			if (!w->since || seq != w->seq) {
				w->seq = seq;
				w->since = t0;
				continue;
			}
			if (t0 - w->since >= l) {
				__atomic_store_n(&w->t->expire_seq, seq, __ATOMIC_RELAXED);
				syscall(SYS_tgkill, getpid(), w->tid, EF_SFI_TIMEOUT_SIGNAL);
				w->since = t0;  /* again after another limit */
			}
		}
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

/* A thread that ends leaves the list before its thread-local state goes. */
static void unwatch(void *t)
{
	pthread_mutex_lock(&lock);
	for (unsigned i = 0; i < WATCHED; i++)
		if (watched[i].t == t)
			watched[i].t = NULL;
	pthread_mutex_unlock(&lock);
}

static void start(void)
{
	pthread_attr_t a;
	pthread_t th;
	sigset_t all, old;

	pthread_key_create(&key, unwatch);
	/* The watchdog takes no signal of the process's. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 64 << 10);
	pthread_create(&th, &a, watch, NULL);
	pthread_attr_destroy(&a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void ef_sfi_watch_thread(void)
{
	ef_sfi_thread *t = &ef_sfi_self;

	pthread_once(&once, start);
	pthread_mutex_lock(&lock);
	for (unsigned i = 0; i < WATCHED; i++)
		if (!watched[i].t) {
			watched[i] = (struct watched){ t, (pid_t)syscall(SYS_gettid), 0, 0 };
			break;
		}
	pthread_mutex_unlock(&lock);
	pthread_setspecific(key, t);
}
