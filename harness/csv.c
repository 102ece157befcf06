/* csv.c: see csv.h. */
#define _GNU_SOURCE
#include "csv.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Write all of buf at the end of fd; on failure, cut fd back to where it
 * ended, so that it never holds part of buf.  -1 with errno set. */
static int append_whole(int fd, const char *buf, size_t len)
{
	off_t start = lseek(fd, 0, SEEK_END);
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int saved = n < 0 ? errno : ENOSPC;
			if (start >= 0 && ftruncate(fd, start) == 0)
				lseek(fd, start, SEEK_SET);
			errno = saved;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void create_error(const char *path, int e, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s", path,
		 e == EEXIST ? "exists; refusing to overwrite" : strerror(e));
}

/* The folder part of path, for O_TMPFILE. */
static void folder_of(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, len, ".");
	else if (slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

int ef_csv_create_with(const char *path, const char *head, size_t len,
		       char *err, size_t errlen)
{
	char dir[4096], proc[64];
	int fd, e;

	if (strlen(path) >= sizeof dir) {
		snprintf(err, errlen, "%.60s...: the name is longer than %zu bytes",
			 path, sizeof dir - 1);
		return -1;
	}
	/* An unnamed file, filled, then given its name only if the name is
	 * free: the name never shows a file without its first lines. */
	folder_of(path, dir, sizeof dir);
	fd = open(dir, O_TMPFILE | O_WRONLY | O_APPEND | O_CLOEXEC, 0644);
	if (fd >= 0) {
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
		if (append_whole(fd, head, len)) {
			e = errno;
			close(fd);
			create_error(path, e, err, errlen);
			return -1;
		}
		if (!linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW))
			return fd;
		e = errno;
		close(fd);
		if (e == EEXIST) {
			create_error(path, e, err, errlen);
			return -1;
		}
	}
	/* No O_TMPFILE (NFS, older kernels) or no /proc: create, then write. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0 || append_whole(fd, head, len)) {
		e = errno;
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		create_error(path, e, err, errlen);
		return -1;
	}
	return fd;
}

int ef_csv_create(const char *path, char *err, size_t errlen)
{
	return ef_csv_create_with(path, "", 0, err, errlen);
}

void ef_csv_begin(ef_csv_row *r)
{
	r->len = 0;
	r->fields = 0;
	r->overflow = 0;
}

static void put(ef_csv_row *r, char c)
{
	if (r->len + 1 < sizeof r->buf)
		r->buf[r->len++] = c;
	else
		r->overflow = 1;
}

void ef_csv_str(ef_csv_row *r, const char *s)
{
	int quote = s[strcspn(s, ",\"\r\n")] != 0;

	if (r->fields++)
		put(r, ',');
	if (quote)
		put(r, '"');
	for (; *s; s++) {
		if (*s == '"')
			put(r, '"');
		put(r, *s);
	}
	if (quote)
		put(r, '"');
}

void ef_csv_u64(ef_csv_row *r, uint64_t v)
{
	char b[24];
	snprintf(b, sizeof b, "%" PRIu64, v);
	ef_csv_str(r, b);
}

void ef_csv_f64(ef_csv_row *r, double v)
{
	char b[32] = "";
	/* 12 significant digits: an instruction count of tens of millions
	 * with a fractional part survives; %.6g would round it. */
	if (!isnan(v))
		snprintf(b, sizeof b, "%.12g", v);
	ef_csv_str(r, b);
}

int ef_csv_end(ef_csv_row *r)
{
	put(r, '\n');
	if (r->overflow) {
		errno = EOVERFLOW;
		return -1;
	}
	return 0;
}

int ef_csv_write(int fd, ef_csv_row *r)
{
	return ef_csv_end(r) ? -1 : append_whole(fd, r->buf, r->len);
}

void ef_csv_reader_init(ef_csv_reader *r, const char *data, size_t len)
{
	memset(r, 0, sizeof *r);
	r->p = data;
	r->end = data + len;
	r->next_line = 1;
}

void ef_csv_reader_free(ef_csv_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* Fields are unquoted into r->buf, each NUL-ended; at most the rest of
 * the file plus one NUL per field, so it never needs more than that. */
int ef_csv_read(ef_csv_reader *r, char **fields, unsigned max)
{
	size_t need = (size_t)(r->end - r->p) * 2 + 2, len = 0;
	size_t starts[256];
	unsigned n = 0;

	if (r->p >= r->end)
		return 0;
	if (need > r->cap) {
		char *b = realloc(r->buf, need);
		if (!b)
			return -1;
		r->buf = b;
		r->cap = need;
	}
	r->line = r->next_line;
	for (;;) {
		if (n < sizeof starts / sizeof *starts)
			starts[n] = len;
		n++;
		if (r->p < r->end && *r->p == '"') {
			r->p++;
			for (;;) {
				if (r->p >= r->end)
					return -1;
				if (*r->p == '"') {
					if (r->p + 1 < r->end && r->p[1] == '"') {
						r->buf[len++] = '"';
						r->p += 2;
						continue;
					}
					r->p++;
					break;
				}
				r->next_line += *r->p == '\n';
				r->buf[len++] = *r->p++;
			}
			if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
				return -1;
		} else {
			while (r->p < r->end && *r->p != ',' && *r->p != '\n' &&
			       !(*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n'))
				r->buf[len++] = *r->p++;
		}
		r->buf[len++] = 0;
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == '\r')
			r->p++;
		if (r->p < r->end && *r->p == '\n')
			r->p++;
		r->next_line++;
		break;
	}
	for (unsigned i = 0; i < n && i < max && i < sizeof starts / sizeof *starts; i++)
		fields[i] = r->buf + starts[i];
	return (int)n;
}
