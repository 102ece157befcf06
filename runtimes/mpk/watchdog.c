/* watchdog.c: the time limit on foreign calls.  A thread of the runtime
 * wakes four times per limit and looks at every domain slot: a slot whose
 * call has stayed inside with none of its domains' epochs advancing (the
 * call site advances it after every call, a callback when it enters the
 * host) for the whole limit gets its namespace marked and a SIGXCPU sent
 * to the thread inside; signals.c ends that call with EF_E_TIMEOUT when
 * the signal finds the thread still running the marked domain's code,
 * and lets it pass otherwise. */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double limit;            /* seconds; 0: none */

double mpk_foreign_timeout(void) { return limit; }

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint64_t progress(const struct ef_mpk_ns *ns)
{
	uint64_t sum = 0;
	for (unsigned k = 0; k < MPK_NS_DOMAINS; k++) {
		const ef_domain *d = ns->domains[k];
		if (d)
			sum += __atomic_load_n(&d->epoch, __ATOMIC_RELAXED);
	}
	return sum;
}

static void *watch(void *arg)
{
	uint64_t seen[EF_MPK_SLOTS] = { 0 };
	double since[EF_MPK_SLOTS] = { 0 };
	/* The namespace each slot held when last looked at: a new one starts
	 * its clock at the first look, not at 0 (which ended a fresh
	 * domain's first call at once when the look came during it). */
	const struct ef_mpk_ns *held[EF_MPK_SLOTS] = { 0 };

	(void)arg;
	for (;;) {
		double l = limit, period = l / 4 > 0.005 ? l / 4 : 0.005, t;
		struct timespec p = { (time_t)period,
			(long)((period - (double)(time_t)period) * 1e9) };
		nanosleep(&p, NULL);
		t = now();
		for (unsigned i = 0; i < mpk_nnamespaces && i < EF_MPK_SLOTS; i++) {
			struct ef_mpk_ns *ns = ef_mpk_slots[i].ns;
			uint64_t fs = mpk_slot_inside(i), tok;
			if (!ns || ns->poisoned)
				continue;
			tok = progress(ns);
			if (!fs || tok != seen[i] || !l || ns != held[i]) {
				held[i] = ns;
				seen[i] = tok, since[i] = t;
				ns->timed_out = 0;
				continue;
			}
			if (t - since[i] >= l && !ns->timed_out) {
				pid_t tid = *(const int32_t *)(fs + mpk_tid_offset);
				ns->timed_out = 1;
				syscall(SYS_tgkill, getpid(), tid, SIGXCPU);
			}
		}
	}
	return NULL;
}

/* Starts the watchdog thread, with every signal blocked in it: signals go
 * to the program's threads. */
static int started;

static int start(void)
{
	sigset_t all, old;
	pthread_attr_t a;
	pthread_t t;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	started = !pthread_create(&t, &a, watch, NULL);
	pthread_attr_destroy(&a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return started;
}

/* A child of fork has no watchdog thread: it gets its own. */
static void restart_in_child(void)
{
	started = 0;
	if (limit > 0)
		start();
}

static void register_restart(void)
{
	pthread_atfork(NULL, NULL, restart_in_child);
}

ef_status ef_mpk_set_foreign_timeout(double seconds)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	if (!(seconds >= 0))
		return EF_E_ARG;
	limit = seconds;
	if (seconds > 0 && !started) {
		if (!start())
			return mpk_fail(EF_E_UNAVAILABLE, "cannot start the watchdog "
					"thread: %s", strerror(errno));
		pthread_once(&once, register_restart);
	}
	return EF_OK;
}
