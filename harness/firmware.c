/* firmware.c: see firmware.h. */
#include "firmware.h"
#include "child.h"
#include "fwline.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The command's path, or NULL; into buf. */
static const char *on_path(const char *cmd, char *buf, size_t len)
{
	const char *path = getenv("PATH");

	while (path && *path) {
		size_t n = strcspn(path, ":");
		if (snprintf(buf, len, "%.*s/%s", (int)n, path, cmd) < (int)len &&
		    !access(buf, X_OK))
			return buf;
		path += n + (path[n] == ':');
	}
	return NULL;
}

/* Why cmd cannot be run: not on PATH though installed, or not installed. */
static const char *missing_command(const char *cmd)
{
	static const char *const system_dirs[] = {
		"/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin",
	};
	static char why[PATH_MAX + 128];
	char buf[PATH_MAX];

	if (on_path(cmd, buf, sizeof buf))
		return NULL;
	for (unsigned i = 0; i < sizeof system_dirs / sizeof *system_dirs; i++) {
		snprintf(buf, sizeof buf, "%s/%s", system_dirs[i], cmd);
		if (!access(buf, X_OK)) {
			snprintf(why, sizeof why, "%s is installed in %s, which is not "
				 "on PATH", cmd, system_dirs[i]);
			return why;
		}
	}
	snprintf(why, sizeof why, "%s is not installed (make deps installs it)", cmd);
	return why;
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
	const char *why_not = missing_command("qemu-system-riscv32");

	if (why_not)
		return why_not;
	if (ef_beside_exe(fw, sizeof fw, rel) || access(fw, R_OK)) {
		snprintf(why, sizeof why, "no benchmark firmware for the %s board "
			 "(build/%s): make builds it where riscv64-unknown-elf-gcc "
			 "and picolibc are installed", board, rel);
		return why;
	}
	if (ef_beside_exe(fw, sizeof fw, "../scripts/pmp-run") || access(fw, X_OK))
		return "scripts/pmp-run is not beside the build directory";
	return NULL;
}

/* Does line start with the field kind? */
static int is_kind(const char *line, const char *kind)
{
	size_t n = strlen(kind);
	return !strncmp(line, kind, n) && line[n] == ',';
}

/* One of the firmware's lines (fwline.h) into r: 1; 0 for a line of
 * another kind; -1 for one that is malformed or out of memory. */
static int parse(char *line, ef_fw_row *r)
{
	char *f[EF_FW_NFIELDS], *save = NULL, *rest;
	unsigned n = 0;
	int error = is_kind(line, EF_FW_ERROR);
	unsigned want = error ? EF_FW_ERROR_FIELDS : EF_FW_NFIELDS;

	line[strcspn(line, "\r\n")] = 0;
	if (is_kind(line, EF_FW_SKIP)) {
		char *id = line + strlen(EF_FW_SKIP) + 1, *why = strchr(id, ',');
		if (!why)
			return -1;
		*why++ = 0;
		memset(r, 0, sizeof *r);
		snprintf(r->id, sizeof r->id, "%.150s", id);
		r->skip = 1;
		r->message = strdup(why);
		return r->message ? 1 : -1;
	}
	if (!error && !is_kind(line, EF_FW_ROW))
		return 0;
	for (char *t = strtok_r(line, ",", &save); t && n < want;
	     t = strtok_r(NULL, ",", &save))
		f[n++] = t;
	rest = save;
	if (n != want)
		return -1;
	memset(r, 0, sizeof *r);
	snprintf(r->mode, sizeof r->mode, "%s", f[EF_FW_MODE]);
	snprintf(r->policy, sizeof r->policy, "%s", f[EF_FW_POLICY]);
	snprintf(r->id, sizeof r->id, "%s/%s/%s", f[EF_FW_WORKLOAD],
		 f[EF_FW_BENCHMARK], f[EF_FW_PARAMETER]);
	if (error) {
		r->message = strdup(rest && *rest ? rest : "error");
		return r->message ? 1 : -1;
	}
	r->iterations = strtoull(f[EF_FW_ITERATIONS], NULL, 10);
	r->value = strtod(f[EF_FW_VALUE], NULL);
	r->repetition = (unsigned)strtoul(f[EF_FW_REPETITION], NULL, 10);
	return strcmp(f[EF_FW_UNIT], EF_FW_UNIT_NAME) ? -1 : 1;
}

struct collect {
	ef_fw_result *out;
	unsigned cap, errors;
	int oom;
};

static void on_line(void *arg, char *line)
{
	struct collect *c = arg;
	ef_fw_row r;

	if (parse(line, &r) <= 0 || c->oom)
		return;
	if (c->out->n == c->cap) {
		ef_fw_row *nr = realloc(c->out->rows, (c->cap = c->cap * 2 + 64) * sizeof *nr);
		if (!nr) {
			free((char *)r.message);
			c->oom = 1;
			return;
		}
		c->out->rows = nr;
	}
	c->errors += r.message != NULL && !r.skip;
	c->out->rows[c->out->n++] = r;
}

int ef_firmware_run(const char *board, ef_fw_result *out,
		    volatile sig_atomic_t *stop, char *err, size_t errlen)
{
	char script[PATH_MAX], fw[PATH_MAX], rel[300], *argv[4];
	struct collect c = { out, 0, 0, 0 };
	enum ef_child_end end;
	int status = 0;

	memset(out, 0, sizeof *out);
	snprintf(rel, sizeof rel, "pmp/%s/%s", board, firmware_name());
	if (ef_beside_exe(script, sizeof script, "../scripts/pmp-run") ||
	    ef_beside_exe(fw, sizeof fw, rel)) {
		snprintf(err, errlen, "cannot locate the firmware");
		return -1;
	}
	argv[0] = script;
	argv[1] = (char *)board;
	argv[2] = fw;
	argv[3] = NULL;
	/* pmp-run limits QEMU's CPU time itself, which a loaded machine does
	 * not stretch; no wall-clock limit here. */
	end = ef_child_run(argv, 0, 0, stop, on_line, &c, &status, err, errlen);
	if (c.oom) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	switch (end) {
	case EF_CHILD_STOPPED:
		return 1;
	case EF_CHILD_FAILED:
		return -1;
	case EF_CHILD_SIGNALED:
		snprintf(err, errlen, "the %s firmware's runner was killed by signal %d "
			 "after %u lines", board, status, out->n);
		return -1;
	default:
		if (status && !c.errors) {
			snprintf(err, errlen, "the %s firmware failed (status %d%s) after %u "
				 "lines", board, status, status == 124 ?
				 ": it ran past its CPU-time limit, EFBENCH_PMP_TIMEOUT" : "",
				 out->n);
			return -1;
		}
		return 0;
	}
}

void ef_firmware_free(ef_fw_result *r)
{
	for (unsigned i = 0; i < r->n; i++)
		free((char *)r->rows[i].message);
	free(r->rows);
	memset(r, 0, sizeof *r);
}
