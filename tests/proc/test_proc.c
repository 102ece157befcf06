/* test_proc.c: the proc runtime (runtimes/proc/proc.h): calls, arguments,
 * shared buffers and callbacks work; a crash, an exit, a hang, a broken
 * channel and every forbidden system call end at the sandbox, and the host
 * goes on with a fresh one. */
#define _GNU_SOURCE
#include "../unit/check.h"
#include "../../runtimes/proc/proc.h"
#include "../../runtimes/proc/chan.h"
#include "proctest.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define INV(fn, ...) EF_PROC_INVOKE(&d, fn, ##__VA_ARGS__)

static ef_domain d;

static int open_set(const char *set)
{
	ef_status s = ef_proc_open(&d, set);
	const char *why = ef_proc_unavailable();

	if (s == EF_E_UNAVAILABLE && why) {
		ef_check_skip(why);
		return -1;
	}
	CHECK_MSG(s == EF_OK, "open: %s: %s", ef_strerror(s), ef_proc_error());
	return s ? -1 : 0;
}

static int open_domain(void)
{
	return open_set("proctest");
}

static int alive(pid_t pid)
{
	return pid > 0 && kill(pid, 0) == 0;
}

/* Alive and not a zombie (a sandbox whose host died is reaped by whoever
 * inherits it, maybe never in a container). */
static int running(pid_t pid)
{
	char path[64], buf[256] = "";
	const char *end;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof buf, f))
		*buf = 0;
	fclose(f);
	end = strrchr(buf, ')');
	return end && end[1] && end[2] != 'Z';
}

static void calls_and_arguments(void)
{
	uint64_t want = 0xcbf29ce484222325ull;
	uint64_t v[8] = { 1, ~0ull, 3, 1ull << 63, 5, 6, 7, 0x1234567890abcdefull };

	if (open_domain())
		return;
	for (int i = 0; i < 8; i++)
		want = (want ^ v[i]) * 0x100000001b3ull;
	CHECK(INV(efpt_empty) == 0x600d);
	CHECK(INV(efpt_args8, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]) == want);
	CHECK(ef_proc_call_status() == EF_OK);
	/* The sandbox is another process. */
	CHECK(INV(efpt_getpid) == (uint64_t)ef_proc_pid(&d));
	CHECK((pid_t)ef_proc_pid(&d) != getpid());
	ef_proc_close(&d);
}

/* Domain memory is the same bytes on both sides; host memory is not there. */
static void memory_shared_and_host_unreachable(void)
{
	static uint64_t secret = 0x5ec7e7;
	unsigned char *buf;

	if (open_domain())
		return;
	buf = ef_heap_alloc(&d, 4096, 16);
	CHECK(buf);
	if (!buf)
		goto out;
	CHECK(INV(efpt_fill, buf, (uint64_t)4096) == buf);
	for (unsigned i = 0; i < 4096; i++)
		if (buf[i] != (unsigned char)(i * 7 + 1)) {
			CHECK_MSG(0, "byte %u is %u", i, buf[i]);
			break;
		}
	/* Reading a host address: the sandbox has nothing there. */
	uint64_t got = INV(efpt_read, &secret);
	ef_status s = ef_proc_call_status();
	CHECK_MSG(got != secret, "the sandbox read host memory");
	CHECK_MSG(s == EF_E_FAULT, "reading host memory: %s", ef_strerror(s));
	CHECK(INV(efpt_empty) == 0x600d && ef_proc_call_status() == EF_OK);
out:
	ef_proc_close(&d);
}

static ef_domain *cb_domain;
static uint64_t cb_sum(uint64_t a, uint64_t b, uint64_t c, uint64_t dd,
		       uint64_t e, uint64_t f)
{
	return a * 1000 + b + c + dd + e + f;
}

/* A callback that calls into the domain again. */
static uint64_t cb_nested(uint64_t a, uint64_t b, uint64_t c, uint64_t dd,
			  uint64_t e, uint64_t f)
{
	(void)b, (void)c, (void)dd, (void)e, (void)f;
	if (a == 0)
		return EF_PROC_INVOKE(cb_domain, efpt_empty);
	return EF_PROC_INVOKE(cb_domain, efpt_call_back,
			      ef_proc_callback_address(cb_domain, 1), a - 1) + 10;
}

static void callbacks(void)
{
	unsigned s0, s1;

	if (open_domain())
		return;
	cb_domain = &d;
	CHECK(ef_callback_add(&d, cb_sum, &s0) == EF_OK && s0 == 0);
	CHECK(ef_callback_add(&d, cb_nested, &s1) == EF_OK && s1 == 1);
	uint64_t e0 = d.epoch;
	CHECK(INV(efpt_call_back, ef_proc_callback_address(&d, s0), (uint64_t)7) ==
	      7000 + 15 + 1);
	CHECK_MSG(d.epoch >= e0 + 2, "the epoch did not advance in the callback");
	/* Three levels: each adds 1 (foreign) + 10 (host). */
	CHECK(INV(efpt_call_back, ef_proc_callback_address(&d, s1), (uint64_t)3) ==
	      0x600d + 4 + 30);
	CHECK(ef_proc_call_status() == EF_OK);
	/* An empty slot ends the call. */
	CHECK(INV(efpt_call_back, ef_proc_callback_address(&d, 9), (uint64_t)1) == 0);
	CHECK(ef_proc_call_status() == EF_E_NOCALLBACK);
	ef_proc_close(&d);
}

/* A call that ends the sandbox: the call fails with `want`, the reason
 * names `why`, the old process is gone and the next call runs in a fresh
 * one. */
static void ends_sandbox(const char *what, ef_status got, ef_status want,
			 pid_t old, const char *why)
{
	char buf[256];
	const char *msg = ef_proc_fault_message(&d, buf, sizeof buf);

	CHECK_MSG(got == want, "%s: %s, not %s", what, ef_strerror(got), ef_strerror(want));
	CHECK_MSG(msg && strstr(msg, why), "%s: the fault says \"%s\", not \"%s\"", what,
		  msg ? msg : "nothing", why);
	CHECK_MSG(!alive(old), "%s: the old sandbox %d still runs", what, (int)old);
	unsigned starts = ef_proc_starts(&d);
	CHECK_MSG(INV(efpt_empty) == 0x600d && ef_proc_call_status() == EF_OK,
		  "%s: the next call failed", what);
	CHECK_MSG(ef_proc_starts(&d) == starts + 1 && ef_proc_pid(&d) != old,
		  "%s: the next call did not start a fresh sandbox", what);
}

static void crash_ends_call(void)
{
	pid_t pid;

	if (open_domain())
		return;
	pid = ef_proc_pid(&d);
	EF_PROC_INVOKE_VOID(&d, efpt_crash);
	ends_sandbox("a crash", ef_proc_call_status(), EF_E_FAULT, pid, "signal 11");
	ef_proc_close(&d);
}

static void exit_ends_call(void)
{
	pid_t pid;

	if (open_domain())
		return;
	pid = ef_proc_pid(&d);
	EF_PROC_INVOKE_VOID(&d, efpt_exit, 7);
	ends_sandbox("exit(7)", ef_proc_call_status(), EF_E_FAULT, pid, "status 7");
	ef_proc_close(&d);
}

static double seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void hang_times_out(void)
{
	pid_t pid;
	double t0, took;

	if (open_domain())
		return;
	ef_proc_set_timeout(0.3);
	pid = ef_proc_pid(&d);
	t0 = seconds();
	EF_PROC_INVOKE_VOID(&d, efpt_hang);
	took = seconds() - t0;
	ends_sandbox("a hang", ef_proc_call_status(), EF_E_TIMEOUT, pid, "time limit");
	CHECK_MSG(took >= 0.3 && took < 5, "the hang ended after %.2f s (limit 0.3 s)", took);
	ef_proc_set_timeout(10);
	ef_proc_close(&d);
}

/* Every system call outside the allowlist fails, and the host is unharmed. */
static void forbidden_system_calls(void)
{
	char *path;
	int64_t r;

	if (open_domain())
		return;
	path = ef_heap_alloc(&d, 32, 1);
	CHECK(path);
	if (!path)
		goto out;
	strcpy(path, "/etc/hostname");
	r = INV(efpt_open, path);
	CHECK_MSG(r == -EPERM, "open: %lld", (long long)r);
	r = INV(efpt_write_stdout);
	CHECK_MSG(r == -EPERM, "write to standard output: %lld", (long long)r);
	r = INV(efpt_kill_parent);
	CHECK_MSG(r == -EPERM, "kill the host: %lld", (long long)r);
	r = INV(efpt_map_exec);
	CHECK_MSG(r == -EPERM, "map executable memory: %lld", (long long)r);
	r = INV(efpt_setaffinity_parent);
	CHECK_MSG(r == -EPERM, "set the host's CPU affinity: %lld", (long long)r);
	CHECK(ef_proc_call_status() == EF_OK);
	/* The i386 entry kills the sandbox, not the host. */
	pid_t pid = ef_proc_pid(&d);
	INV(efpt_int80);
	ends_sandbox("int $0x80", ef_proc_call_status(), EF_E_FAULT, pid, "signal");
out:
	ef_proc_close(&d);
}

/* A library's constructor runs before the sandbox serves: already
 * confined, without writes to files or sockets. */
static void constructors_confined(void)
{
	int64_t r;

	unlink("/tmp/efbench-procctor");
	if (open_set("procctor"))
		return;
	r = INV(efpc_ctor_open_write);
	CHECK_MSG(r == -EPERM, "the constructor opened a file to write: %lld", (long long)r);
	CHECK_MSG(access("/tmp/efbench-procctor", F_OK) != 0, "the constructor created a file");
	r = INV(efpc_ctor_socket);
	CHECK_MSG(r == -EPERM, "the constructor opened a socket: %lld", (long long)r);
	ef_proc_close(&d);
}

/* The sandbox's memory is bounded, and the host's environment stays home. */
static void limits_and_environment(void)
{
	char *name;

	setenv("EFBENCH_PROC_SECRET", "hunter2", 1);
	if (open_domain())
		goto out;
	CHECK_MSG(INV(efpt_alloc, (uint64_t)1 << 20) == 1, "1 MiB cannot be allocated");
	CHECK_MSG(INV(efpt_alloc, (uint64_t)16 << 30) == 0, "16 GiB could be allocated");
	name = ef_heap_alloc(&d, 64, 1);
	CHECK(name);
	if (name) {
		strcpy(name, "EFBENCH_PROC_SECRET");
		CHECK_MSG(INV(efpt_getenv, name) == 0, "the sandbox sees the host's environment");
	}
	CHECK(ef_proc_call_status() == EF_OK);
	ef_proc_close(&d);
out:
	unsetenv("EFBENCH_PROC_SECRET");
}

/* Foreign code writes nonsense into the channel's state word. */
static void broken_channel(void)
{
	pid_t pid;

	if (open_domain())
		return;
	pid = ef_proc_pid(&d);
	uint32_t *state = (uint32_t *)(d.stack_lo - EF_PROC_CHAN_BYTES);
	EF_PROC_INVOKE_VOID(&d, efpt_poke32, state, 99u);
	ends_sandbox("a broken channel", ef_proc_call_status(), EF_E_FAULT, pid,
		     "protocol");
	ef_proc_close(&d);
}

static volatile int in_callback, release;
static uint64_t cb_wait(uint64_t a, uint64_t b, uint64_t c, uint64_t dd,
			uint64_t e, uint64_t f)
{
	(void)b, (void)c, (void)dd, (void)e, (void)f;
	in_callback = 1;
	while (!release)
		usleep(1000);
	return a;
}

static void *call_and_wait(void *arg)
{
	uint64_t r = EF_PROC_INVOKE(&d, efpt_call_back,
				    ef_proc_callback_address(&d, *(unsigned *)arg), (uint64_t)5);
	return (void *)(uintptr_t)r;
}

/* While one thread waits in a callback, another thread's call is refused
 * and the first one's goes on. */
static void one_thread_at_a_time(void)
{
	unsigned slot;
	pthread_t t;
	void *r = NULL;

	if (open_domain())
		return;
	CHECK(ef_callback_add(&d, cb_wait, &slot) == EF_OK);
	in_callback = release = 0;
	CHECK(pthread_create(&t, NULL, call_and_wait, &slot) == 0);
	while (!in_callback)
		usleep(1000);
	uint64_t got = INV(efpt_empty);
	ef_status s = ef_proc_call_status();
	CHECK_MSG(got == 0 && s == EF_E_BUSY, "a second thread's call: %#llx, %s",
		  (unsigned long long)got, ef_strerror(s));
	release = 1;
	pthread_join(t, &r);
	CHECK_MSG((uintptr_t)r == 6, "the first thread's call gave %lu", (unsigned long)(uintptr_t)r);
	CHECK(INV(efpt_empty) == 0x600d && ef_proc_call_status() == EF_OK);
	ef_proc_close(&d);
}

/* Host and sandbox spin on different CPUs: with the host held on CPU 0,
 * the sandbox leaves it (sharing one CPU, each spin waits out the other's
 * time slice: hundreds of µs a call). */
static void sandbox_leaves_host_cpu(void)
{
	cpu_set_t all, one;

	if (sched_getaffinity(0, sizeof all, &all) || CPU_COUNT(&all) < 2 ||
	    !CPU_ISSET(0, &all)) {
		ef_check_skip("fewer than two CPUs to spread over");
		return;
	}
	if (open_domain())
		return;
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	CHECK(sched_setaffinity(0, sizeof one, &one) == 0);
	for (int i = 0; i < 2000; i++)
		INV(efpt_empty);
	/* The scheduler may still put it there now and then. */
	unsigned shared = 0;
	for (int i = 0; i < 100; i++)
		shared += INV(efpt_getcpu) == 0;
	CHECK_MSG(shared <= 10, "%u of 100 calls ran on the host's CPU 0", shared);
	CHECK(ef_proc_call_status() == EF_OK);
	sched_setaffinity(0, sizeof all, &all);
	ef_proc_close(&d);
}

/* Closing a domain ends its sandbox; a host that dies takes its sandboxes
 * with it. */
static void sandbox_does_not_outlive(void)
{
	int fds[2];
	pid_t child, sandbox = 0;

	if (open_domain())
		return;
	pid_t pid = ef_proc_pid(&d);
	CHECK(alive(pid));
	ef_proc_close(&d);
	CHECK_MSG(!alive(pid), "the sandbox %d outlived ef_proc_close", (int)pid);

	CHECK(pipe(fds) == 0);
	child = fork();
	if (child == 0) {
		ef_domain cd;
		if (ef_proc_open(&cd, "proctest") == EF_OK) {
			pid_t p = ef_proc_pid(&cd);
			if (write(fds[1], &p, sizeof p) != sizeof p)
				_exit(1);
		}
		pause();
		_exit(0);
	}
	close(fds[1]);
	CHECK(read(fds[0], &sandbox, sizeof sandbox) == sizeof sandbox);
	close(fds[0]);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	for (int i = 0; i < 300 && running(sandbox); i++)
		usleep(10000);
	CHECK_MSG(sandbox > 0 && !running(sandbox),
		  "the sandbox %d outlived its host by 3 s", (int)sandbox);
}

static const ef_test tests[] = {
	{ "proc/calls_and_arguments", calls_and_arguments },
	{ "proc/memory_shared_and_host_unreachable", memory_shared_and_host_unreachable },
	{ "proc/callbacks", callbacks },
	{ "proc/crash_ends_call", crash_ends_call },
	{ "proc/exit_ends_call", exit_ends_call },
	{ "proc/hang_times_out", hang_times_out },
	{ "proc/forbidden_system_calls", forbidden_system_calls },
	{ "proc/constructors_confined", constructors_confined },
	{ "proc/limits_and_environment", limits_and_environment },
	{ "proc/broken_channel", broken_channel },
	{ "proc/one_thread_at_a_time", one_thread_at_a_time },
	{ "proc/sandbox_leaves_host_cpu", sandbox_leaves_host_cpu },
	{ "proc/sandbox_does_not_outlive", sandbox_does_not_outlive },
};
EF_TEST_MAIN(tests)
