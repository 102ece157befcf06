/* meta.c: see meta.h. */
#define _GNU_SOURCE
#include "meta.h"
#include "child.h"
#include "clock.h"
#include "ef_lists.h"

#include <brotli/encode.h>
#include <sodium.h>

#include <dirent.h>
#include <gnu/libc-version.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

#ifndef EF_GIT_COMMIT
#define EF_GIT_COMMIT "unknown"
#endif
#ifndef EF_CFLAGS
#define EF_CFLAGS "unknown"
#endif

/* First line of a file, without its newline; "unknown" when unreadable. */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	if (!f || !fgets(buf, (int)len, f))
		snprintf(buf, len, "unknown");
	else
		buf[strcspn(buf, "\n")] = 0;
	if (f)
		fclose(f);
}

void ef_host_facts_read(ef_host_facts *f)
{
	char line[512];
	FILE *cpu;

	if (gethostname(f->host, sizeof f->host))
		snprintf(f->host, sizeof f->host, "unknown");
	f->host[sizeof f->host - 1] = 0;
	snprintf(f->cpu_model, sizeof f->cpu_model, "unknown");
	cpu = fopen("/proc/cpuinfo", "r");
	while (cpu && fgets(line, sizeof line, cpu)) {
		char *colon = strchr(line, ':');
		if (colon && (!strncmp(line, "model name", 10) ||
			      !strncmp(line, "uarch", 5))) {
			colon += 1 + (colon[1] == ' ');
			colon[strcspn(colon, "\n")] = 0;
			snprintf(f->cpu_model, sizeof f->cpu_model, "%s", colon);
			break;
		}
	}
	if (cpu)
		fclose(cpu);
}

void ef_meta_put(FILE *out, const char *key, const char *value)
{
	fprintf(out, "%s=", key);
	for (; *value; value++)
		fputc(*value == '\n' || *value == '\r' ? ' ' : *value, out);
	fputc('\n', out);
}

static void put_file(FILE *out, const char *key, const char *path)
{
	char buf[256];
	read_line(path, buf, sizeof buf);
	ef_meta_put(out, key, buf);
}

static void put_yesno(FILE *out, const char *key, int v)
{
	ef_meta_put(out, key, v ? "yes" : "no");
}

/* Protection-key and FSGSBASE support as the CPU and the kernel report it. */
static void put_cpu_features(FILE *out)
{
#if defined(__x86_64__)
	unsigned a, b = 0, c = 0, d;
	int leaf7 = __get_cpuid_count(7, 0, &a, &b, &c, &d);
	put_yesno(out, "cpuid_pku", leaf7 && (c >> 3 & 1));
	put_yesno(out, "cpuid_ospke", leaf7 && (c >> 4 & 1));
	put_yesno(out, "cpuid_fsgsbase", leaf7 && (b & 1));
	/* HWCAP2_FSGSBASE (bit 1): the kernel lets user space use it. */
	put_yesno(out, "kernel_fsgsbase", getauxval(AT_HWCAP2) >> 1 & 1);
#else
	(void)put_yesno;
	ef_meta_put(out, "cpuid_pku", "not x86");
#endif
}

static void put_turbo(FILE *out)
{
	char buf[64];
	read_line("/sys/devices/system/cpu/intel_pstate/no_turbo", buf, sizeof buf);
	if (strcmp(buf, "unknown")) {
		ef_meta_put(out, "turbo", buf[0] == '1' ? "off" : "on");
		return;
	}
	read_line("/sys/devices/system/cpu/cpufreq/boost", buf, sizeof buf);
	ef_meta_put(out, "turbo", strcmp(buf, "unknown") ? (buf[0] == '1' ? "on" : "off")
						  : "unknown");
}

/* What scripts/node-setup applied (the summary line of its state file),
 * and the CPUs this process may run on. */
static void put_node_setup(FILE *out)
{
	const char *path = getenv("EFBENCH_NODE_STATE");
	char line[512], cpus[256] = "";
	FILE *f = fopen(path ? path : "/run/efbench-node-state", "r");
	int found = 0, n = 0;
	cpu_set_t set;

	while (f && !found && fgets(line, sizeof line, f))
		if (!strncmp(line, "# summary: ", 11)) {
			line[strcspn(line, "\n")] = 0;
			ef_meta_put(out, "node_setup", line + 11);
			found = 1;
		}
	if (f)
		fclose(f);
	if (!found)
		ef_meta_put(out, "node_setup", "not applied (scripts/node-setup)");
	if (!sched_getaffinity(0, sizeof set, &set)) {
		for (int c = 0; c < CPU_SETSIZE && n >= 0 && (size_t)n < sizeof cpus; c++)
			if (CPU_ISSET(c, &set))
				n += snprintf(cpus + n, sizeof cpus - (size_t)n, "%s%d", n ? "," : "", c);
		ef_meta_put(out, "cpus_allowed", cpus);
	}
}

/* A stable, anonymous name of this machine, so that two machines with one
 * host name are never taken for one: /etc/machine-id (or, without it,
 * D-Bus's /var/lib/dbus/machine-id) hashed with FNV-1a; "unknown" where
 * neither can be read. */
static void put_machine_id(FILE *out)
{
	static const char *const paths[] = { "/etc/machine-id", "/var/lib/dbus/machine-id" };
	char line[128], hex[17];

	for (unsigned i = 0; i < sizeof paths / sizeof *paths; i++) {
		read_line(paths[i], line, sizeof line);
		if (strcmp(line, "unknown") && line[0]) {
			uint64_t h = 0xcbf29ce484222325ull;
			for (const char *c = line; *c; c++)
				h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
			snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
			ef_meta_put(out, "machine_id", hex);
			return;
		}
	}
	ef_meta_put(out, "machine_id", "unknown");
}

/* The versions of the libraries the workloads isolate, as loaded. */
static void put_library_versions(FILE *out)
{
	char buf[32];
	uint32_t v = BrotliEncoderVersion();

	ef_meta_put(out, "libsodium", sodium_version_string());
	snprintf(buf, sizeof buf, "%u.%u.%u", v >> 24, v >> 12 & 0xfff, v & 0xfff);
	ef_meta_put(out, "brotli", buf);
}

/* One tree: fetch-sources' note of the source it took, or why none. */
static void put_firmware_source(FILE *out, const char *tree)
{
	char path[4096], line[512], key[300];

	snprintf(key, sizeof key, "pmp_source_%s", tree);
	snprintf(line, sizeof line, "src/%s/.ready", tree);
	if (!ef_beside_exe(path, sizeof path, line)) {
		read_line(path, line, sizeof line);
		if (strcmp(line, "unknown")) {
			ef_meta_put(out, key, line);
			return;
		}
	}
	snprintf(line, sizeof line, "src/%s.missing", tree);
	if (!ef_beside_exe(path, sizeof path, line))
		read_line(path, line, sizeof line);
	else
		snprintf(line, sizeof line, "unknown");
	snprintf(path, sizeof path, "none, the firmware runs without it: %s", line);
	ef_meta_put(out, key, path);
}

/* Every tree scripts/fetch-sources was asked for (the workloads' PMP
 * libraries) left a folder or a .missing note in build/src: no list here. */
void ef_meta_firmware_sources(FILE *out)
{
	char dir[4096];
	struct dirent **e;
	int n;

	if (ef_beside_exe(dir, sizeof dir, "src") ||
	    (n = scandir(dir, &e, NULL, alphasort)) < 0)
		return;
	for (int i = 0; i < n; i++) {
		char *name = e[i]->d_name, *dot = strrchr(name, '.');
		if (dot && dot != name && !strcmp(dot, ".missing")) {
			*dot = 0;
			put_firmware_source(out, name);
		} else if (*name != '.' && e[i]->d_type == DT_DIR) {
			put_firmware_source(out, name);
		}
		free(e[i]);
	}
	free(e);
}

void ef_meta_begin(FILE *out, const char *run_id, const ef_host_facts *f,
		   int argc, char **argv)
{
	const ef_clock_info *clk = ef_clock_info_get();
	char buf[4096] = "", now[32];
	struct utsname u;
	time_t t = time(NULL);
	size_t n = 0;

	ef_meta_put(out, "run_id", run_id);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	ef_meta_put(out, "started_utc", now);
	for (int i = 0; i < argc && n < sizeof buf; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? " " : "", argv[i]);
	ef_meta_put(out, "command", buf);
	ef_meta_put(out, "git_commit", EF_GIT_COMMIT);
	ef_meta_put(out, "compiler", "gcc " __VERSION__);
	ef_meta_put(out, "cflags", EF_CFLAGS);
	/* The compiler of reference mode's code (ubench's from_utf8), or
	 * why the run has no reference rows. */
	ef_meta_put(out, "rustc", strcmp(EF_RUSTC_VERSION, "none") ? EF_RUSTC_VERSION
		    : "none: the build found no Rust compiler, so no reference rows "
		      "(make deps installs Debian's rustc; then make all)");
	ef_meta_put(out, "host", f->host);
	put_machine_id(out);
	ef_meta_put(out, "cpu_model", f->cpu_model);
	snprintf(buf, sizeof buf, "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	ef_meta_put(out, "cpus_online", buf);
	if (!uname(&u)) {
		snprintf(buf, sizeof buf, "%s %s %s %s", u.sysname, u.release,
			 u.version, u.machine);
		ef_meta_put(out, "kernel", buf);
	}
	ef_meta_put(out, "libc", gnu_get_libc_version());
	put_library_versions(out);
	put_cpu_features(out);
	put_file(out, "governor", "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
	put_turbo(out);
	put_file(out, "smt_active", "/sys/devices/system/cpu/smt/active");
	put_file(out, "aslr", "/proc/sys/kernel/randomize_va_space");
	put_node_setup(out);
	ef_meta_put(out, "clock_source", clk->source);
	snprintf(buf, sizeof buf, "%.0f", clk->tsc_hz);
	ef_meta_put(out, "tsc_hz", buf);
	put_yesno(out, "invariant_tsc", clk->invariant_tsc);
}
