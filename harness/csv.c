/* csv.c: see csv.h. */
#include "csv.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ef_csv_create(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC,
		      0644);
	if (fd < 0)
		snprintf(err, errlen, "%s: %s", path,
			 errno == EEXIST ? "exists; refusing to overwrite"
					 : strerror(errno));
	return fd;
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

int ef_csv_write(int fd, ef_csv_row *r)
{
	const char *p = r->buf;
	size_t left;

	put(r, '\n');
	if (r->overflow)
		return -1;
	for (left = r->len; left;) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		left -= (size_t)n;
	}
	return 0;
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
