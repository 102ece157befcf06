/* firmware.c: see firmware.h. */
#include "firmware.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* efbench lives in the build directory; the firmware under build/pmp, the
 * runner script in scripts/ beside it. */
static int build_path(char *buf, size_t len, const char *rel)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;

	if (n <= 0)
		return -1;
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = 0;
	return snprintf(buf, len, "%s/%s", exe, rel) < (int)len ? 0 : -1;
}

static int on_path(const char *cmd)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	while (path && *path) {
		size_t n = strcspn(path, ":");
		if (snprintf(buf, sizeof buf, "%.*s/%s", (int)n, path, cmd) < (int)sizeof buf &&
		    !access(buf, X_OK))
			return 1;
		path += n + (path[n] == ':');
	}
	return 0;
}

/* build/pmp/<board>/bench.elf, or the variant EFBENCH_PMP_FIRMWARE names
 * there (the regression tests' bench-gatepad.elf). */
static const char *firmware_name(void)
{
	const char *name = getenv("EFBENCH_PMP_FIRMWARE");
	return name && *name && !strchr(name, '/') ? name : "bench.elf";
}

const char *ef_firmware_unavailable(const char *board)
{
	static char why[PATH_MAX + 128];
	char fw[PATH_MAX], rel[300];

	snprintf(rel, sizeof rel, "pmp/%s/%s", board, firmware_name());
	if (!on_path("qemu-system-riscv32"))
		return "qemu-system-riscv32 is not installed (make deps installs it)";
	if (build_path(fw, sizeof fw, rel) || access(fw, R_OK)) {
		snprintf(why, sizeof why, "no benchmark firmware for the %s board "
			 "(build/%s): make builds it where riscv64-unknown-elf-gcc "
			 "and picolibc are installed", board, rel);
		return why;
	}
	if (build_path(fw, sizeof fw, "../scripts/pmp-run") || access(fw, X_OK))
		return "scripts/pmp-run is not beside the build directory";
	return NULL;
}

/* "row,MODE,POLICY,WORKLOAD,BENCH,PARAM,ITERS,VALUE,instructions,REP",
 * "error,MODE,POLICY,WORKLOAD,BENCH,PARAM,MESSAGE" or "skip,WORKLOAD,WHY". */
static int parse(char *line, ef_fw_row *r)
{
	char *f[10], *save = NULL, *rest;
	unsigned n = 0;
	int error = !strncmp(line, "error,", 6);

	line[strcspn(line, "\r\n")] = 0;
	if (!strncmp(line, "skip,", 5)) {
		/* "skip,WORKLOAD,WHY" */
		char *w = line + 5, *why = strchr(w, ',');
		if (!why)
			return -1;
		*why++ = 0;
		memset(r, 0, sizeof *r);
		snprintf(r->id, sizeof r->id, "%.150s", w);
		r->skip = 1;
		r->message = strdup(why);
		return r->message ? 1 : -1;
	}
	if (!error && strncmp(line, "row,", 4))
		return 0;
	for (char *t = strtok_r(line, ",", &save); t && n < (error ? 6u : 10u);
	     t = strtok_r(NULL, ",", &save))
		f[n++] = t;
	rest = save;
	if (n != (error ? 6u : 10u))
		return -1;
	memset(r, 0, sizeof *r);
	snprintf(r->mode, sizeof r->mode, "%s", f[1]);
	snprintf(r->policy, sizeof r->policy, "%s", f[2]);
	snprintf(r->id, sizeof r->id, "%s/%s/%s", f[3], f[4], f[5]);
	if (error) {
		r->message = strdup(rest && *rest ? rest : "error");
		return r->message ? 1 : -1;
	}
	r->iterations = strtoull(f[6], NULL, 10);
	r->value = strtod(f[7], NULL);
	r->repetition = (unsigned)strtoul(f[9], NULL, 10);
	return strcmp(f[8], "instructions") ? -1 : 1;
}

int ef_firmware_run(const char *board, ef_fw_result *out, char *err, size_t errlen)
{
	char script[PATH_MAX], fw[PATH_MAX], rel[300], cmd[3 * PATH_MAX], line[512];
	unsigned cap = 0, errors = 0;
	FILE *p;
	int status;

	memset(out, 0, sizeof *out);
	snprintf(rel, sizeof rel, "pmp/%s/%s", board, firmware_name());
	if (build_path(script, sizeof script, "../scripts/pmp-run") ||
	    build_path(fw, sizeof fw, rel)) {
		snprintf(err, errlen, "cannot locate the firmware");
		return -1;
	}
	snprintf(cmd, sizeof cmd, "'%s' '%s' '%s'", script, board, fw);
	p = popen(cmd, "r");
	if (!p) {
		snprintf(err, errlen, "cannot run %s: %s", script, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, p)) {
		ef_fw_row r;
		int k = parse(line, &r);
		if (k <= 0)
			continue;
		if (out->n == cap) {
			ef_fw_row *nr = realloc(out->rows, (cap = cap * 2 + 64) * sizeof *nr);
			if (!nr) {
				pclose(p);
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			out->rows = nr;
		}
		errors += r.message != NULL && !r.skip;
		out->rows[out->n++] = r;
	}
	status = pclose(p);
	if (status == -1 || !WIFEXITED(status) ||
	    (WEXITSTATUS(status) && !errors)) {
		snprintf(err, errlen, "the %s firmware failed (status %d) after %u "
			 "lines", board, WIFEXITED(status) ? WEXITSTATUS(status) : -1, out->n);
		return -1;
	}
	return 0;
}

void ef_firmware_free(ef_fw_result *r)
{
	for (unsigned i = 0; i < r->n; i++)
		free((char *)r->rows[i].message);
	free(r->rows);
	memset(r, 0, sizeof *r);
}
