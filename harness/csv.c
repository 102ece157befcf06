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

#define NAME(NAME, name) #name,
const char *const ef_column_names[EF_COL_COUNT] = { EF_COLUMNS(NAME) };
#undef NAME

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

int ef_csv_beside(const char *csv, const char *ext, char *out, size_t len)
{
	size_t n = strlen(csv);

	if (n > 4 && !strcmp(csv + n - 4, ".csv"))
		n -= 4;
	return snprintf(out, len, "%.*s%s", (int)n, csv, ext) < (int)len ? 0 : -1;
}

int ef_sidecar_path(const char *csv, char *out, size_t len)
{
	return ef_csv_beside(csv, ".meta", out, len);
}

void ef_csv_begin(ef_csv_row *r)
{
	r->len = 0;
	r->fields = 0;
	r->overflow = 0;
}

void ef_csv_header(ef_csv_row *r)
{
	ef_csv_begin(r);
	for (unsigned c = 0; c < EF_COL_COUNT; c++)
		ef_csv_str(r, ef_column_names[c]);
	ef_csv_end(r);
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
	free(r->starts);
	free(r->fields);
	r->buf = NULL;
	r->starts = NULL;
	r->fields = NULL;
}

/* Room in buf for one more byte of unquoted text at len; -1 without. */
static int reserve(ef_csv_reader *r, size_t len)
{
	size_t cap = r->cap ? 2 * r->cap : 256;
	char *b;

	if (len < r->cap)
		return 0;
	if (!(b = realloc(r->buf, cap)))
		return -1;
	r->buf = b;
	r->cap = cap;
	return 0;
}

static int append(ef_csv_reader *r, size_t *len, char c)
{
	if (reserve(r, *len))
		return -1;
	r->buf[(*len)++] = c;
	return 0;
}

/* Room for field number n; -1 without. */
static int reserve_field(ef_csv_reader *r, unsigned n)
{
	unsigned cap = r->nfields_cap ? 2 * r->nfields_cap : 32;
	size_t *s;
	char **f;

	if (n < r->nfields_cap)
		return 0;
	if (!(s = realloc(r->starts, cap * sizeof *s)))
		return -1;
	r->starts = s;
	if (!(f = realloc(r->fields, cap * sizeof *f)))
		return -1;
	r->fields = f;
	r->nfields_cap = cap;
	return 0;
}

/* A quoted field, from its opening quote: 0 when it closed, 1 when the
 * data ended on the line it opened on (a cut record), -1 otherwise. */
static int quoted(ef_csv_reader *r, size_t *len)
{
	unsigned opened = r->next_line;

	for (r->p++;; r->p++) {
		if (r->p >= r->end)
			return r->next_line == opened ? 1 : -1;
		if (*r->p == '"') {
			if (r->p + 1 >= r->end || r->p[1] != '"') {
				r->p++;
				return 0;
			}
			r->p++;
		}
		r->next_line += *r->p == '\n';
		if (append(r, len, *r->p))
			return -1;
	}
}

int ef_csv_read(ef_csv_reader *r, char ***fields)
{
	size_t len = 0;
	unsigned n = 0;

	if (r->p >= r->end)
		return 0;
	r->line = r->next_line;
	r->cut = 0;
	for (;;) {
		if (reserve_field(r, n))
			return -1;
		r->starts[n++] = len;
		if (r->p < r->end && *r->p == '"') {
			int q = quoted(r, &len);
			if (q < 0)
				return -1;
			if (q > 0) {
				r->cut = 1;
				break;
			}
			if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
				return -1;
		} else {
			while (r->p < r->end && *r->p != ',' && *r->p != '\n' &&
			       !(*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n'))
				if (append(r, &len, *r->p++))
					return -1;
		}
		if (append(r, &len, 0))
			return -1;
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == '\r')
			r->p++;
		if (r->p < r->end && *r->p == '\n')
			r->p++;
		else if (r->p < r->end)
			return -1;      /* a lone CR after a quoted field */
		else
			r->cut = 1;
		break;
	}
	if (append(r, &len, 0))
		return -1;
	r->next_line++;
	for (unsigned i = 0; i < n; i++)
		r->fields[i] = r->buf + r->starts[i];
	*fields = r->fields;
	return (int)n;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int ef_csv_parse_count(const char *s, unsigned long long *out)
{
	unsigned long long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (!is_digit(*s) || v > (~0ull - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int ef_csv_parse_value(const char *s, double *out)
{
	const char *p = s;
	char *end;

	if (!is_digit(*p))
		return -1;
	while (is_digit(*p))
		p++;
	if (*p == '.') {
		if (!is_digit(*++p))
			return -1;
		while (is_digit(*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p += p[1] == '+' || p[1] == '-';
		if (!is_digit(*++p))
			return -1;
		while (is_digit(*p))
			p++;
	}
	if (*p)
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	return end == p && !errno && isfinite(*out) ? 0 : -1;
}
