/* test_csv.c: quoting, the never-overwrite rule, and rows reaching the file
 * as soon as they are written; the reader: RFC 4180 fields, records of any
 * length and width, a last record cut short told from a malformed one. */
#include "check.h"
#include "../../harness/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static char dir[] = "/tmp/efbench-csv-XXXXXX";

static void path_in_dir(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static size_t read_all(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len - 1);
	if (fd >= 0)
		close(fd);
	buf[n < 0 ? 0 : n] = 0;
	return n < 0 ? 0 : (size_t)n;
}

static void quoting(void)
{
	ef_csv_row r;

	ef_csv_begin(&r);
	ef_csv_str(&r, "plain");
	ef_csv_str(&r, "a,b");
	ef_csv_str(&r, "say \"hi\"");
	ef_csv_str(&r, "two\nlines");
	ef_csv_str(&r, "");
	ef_csv_u64(&r, 18446744073709551615ull);
	ef_csv_f64(&r, 0.25);
	ef_csv_f64(&r, 0.0 / 0.0);
	ef_csv_f64(&r, 57550123.5);
	r.buf[r.len] = 0;
	CHECK_MSG(!strcmp(r.buf, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,"
			  "18446744073709551615,0.25,,57550123.5"), "got <%s>", r.buf);
	CHECK(r.fields == 9);
}

static void flushes_each_row(void)
{
	char path[256], err[256], buf[256];
	ef_csv_row r;

	path_in_dir(path, sizeof path, "flush.csv");
	int fd = ef_csv_create(path, err, sizeof err);
	CHECK_MSG(fd >= 0, "%s", err);
	ef_csv_begin(&r);
	ef_csv_str(&r, "x");
	CHECK(ef_csv_write(fd, &r) == 0);
	/* Visible to another reader before close: nothing is buffered. */
	CHECK(read_all(path, buf, sizeof buf) == 2 && !strcmp(buf, "x\n"));
	ef_csv_begin(&r);
	ef_csv_str(&r, "y");
	ef_csv_str(&r, "z");
	CHECK(ef_csv_write(fd, &r) == 0);
	CHECK(read_all(path, buf, sizeof buf) == 6 && !strcmp(buf, "x\ny,z\n"));
	close(fd);
	unlink(path);
}

static void never_overwrites(void)
{
	char path[256], err[256] = "", buf[64];

	path_in_dir(path, sizeof path, "exists.csv");
	FILE *f = fopen(path, "w");
	CHECK(f);
	if (!f)
		return;
	fputs("precious\n", f);
	fclose(f);
	CHECK(ef_csv_create(path, err, sizeof err) < 0);
	CHECK_MSG(strstr(err, "refusing to overwrite") != NULL, "message: %s", err);
	read_all(path, buf, sizeof buf);
	CHECK(!strcmp(buf, "precious\n"));
	unlink(path);
}

/* A file appears with its first lines in it, and never over another. */
static void created_with_its_head(void)
{
	char path[256], err[256] = "", buf[64];
	int fd;

	path_in_dir(path, sizeof path, "head.csv");
	fd = ef_csv_create_with(path, "a,b\n", 4, err, sizeof err);
	CHECK_MSG(fd >= 0, "%s", err);
	CHECK(read_all(path, buf, sizeof buf) == 4 && !strcmp(buf, "a,b\n"));
	CHECK(ef_csv_create_with(path, "x\n", 2, err, sizeof err) < 0);
	CHECK_MSG(strstr(err, "refusing to overwrite") != NULL, "message: %s", err);
	CHECK(read_all(path, buf, sizeof buf) == 4 && !strcmp(buf, "a,b\n"));
	if (fd >= 0)
		close(fd);
	unlink(path);
}

/* A row that does not fit whole (here: a file-size limit in the middle of
 * it) leaves the file as it was, and says why. */
static void failed_row_leaves_no_part(void)
{
	char path[256], err[256] = "", buf[256], big[600];
	struct rlimit was, lim;
	ef_csv_row r;
	int fd, rc, e;

	path_in_dir(path, sizeof path, "cut.csv");
	fd = ef_csv_create_with(path, "head\n", 5, err, sizeof err);
	CHECK_MSG(fd >= 0, "%s", err);
	if (fd < 0 || getrlimit(RLIMIT_FSIZE, &was))
		return;
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	ef_csv_begin(&r);
	ef_csv_str(&r, big);
	signal(SIGXFSZ, SIG_IGN);
	lim = was;
	lim.rlim_cur = 100;
	setrlimit(RLIMIT_FSIZE, &lim);
	rc = ef_csv_write(fd, &r);
	e = errno;
	setrlimit(RLIMIT_FSIZE, &was);
	signal(SIGXFSZ, SIG_DFL);
	CHECK(rc == -1 && e == EFBIG);
	CHECK_MSG(read_all(path, buf, sizeof buf) == 5 && !strcmp(buf, "head\n"),
		  "the file holds %zu bytes", strlen(buf));
	ef_csv_begin(&r);
	ef_csv_str(&r, "next");
	CHECK(ef_csv_write(fd, &r) == 0);
	CHECK(read_all(path, buf, sizeof buf) == 10 && !strcmp(buf, "head\nnext\n"));
	close(fd);
	unlink(path);
}

static void overflow_is_an_error(void)
{
	static char big[EF_CSV_ROW_MAX + 10];
	ef_csv_row r;

	memset(big, 'a', sizeof big - 1);
	ef_csv_begin(&r);
	ef_csv_str(&r, big);
	CHECK(r.overflow);
	CHECK(ef_csv_write(-1, &r) == -1);
}

/* Every record of data as "field|field|...;" with its line, cut flag and
 * field count, or "ERROR@line" where the reader refuses. */
static void read_all_records(const char *data, size_t len, char *out, size_t outlen)
{
	ef_csv_reader r;
	char **f;
	int n;
	size_t used = 0;

	out[0] = 0;
	ef_csv_reader_init(&r, data, len);
	while ((n = ef_csv_read(&r, &f)) != 0) {
		if (n < 0) {
			snprintf(out + used, outlen - used, "ERROR@%u", r.line);
			break;
		}
		for (int i = 0; i < n; i++)
			used += (size_t)snprintf(out + used, outlen - used, "%s%s", i ? "|" : "", f[i]);
		used += (size_t)snprintf(out + used, outlen - used, "%s;", r.cut ? "(cut)" : "");
	}
	ef_csv_reader_free(&r);
}

static void reader_fields(void)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "a,b\n1,2\n", "a|b;1|2;" },
		{ "a,\"b,c\",\"say \"\"hi\"\"\"\r\n", "a|b,c|say \"hi\";" },
		{ "\"two\nlines\",x\ny\n", "two\nlines|x;y;" },
		{ "a,,\n\n", "a||;;" },
		/* the last record without its line end: cut short */
		{ "a,b\n1,2", "a|b;1|2(cut);" },
		{ "a,b\n1,\"2", "a|b;1|2(cut);" },
		{ "a\n\"x\"\r", "a;x(cut);" },
		/* a quote open across a line break to the end: never closed */
		{ "a\n\"x\ny", "a;ERROR@2" },
		{ "a\n\"x\"y\n", "a;ERROR@2" },
		{ "a\n\"x\"\ry\n", "a;ERROR@2" },
	};
	char got[256];

	for (unsigned i = 0; i < sizeof cases / sizeof *cases; i++) {
		read_all_records(cases[i].in, strlen(cases[i].in), got, sizeof got);
		CHECK_MSG(!strcmp(got, cases[i].want), "case %u: got <%s>, want <%s>", i, got,
			  cases[i].want);
	}
}

/* A record longer and wider than the reader's first buffers, and its
 * line count across quoted line breaks. */
static void reader_grows(void)
{
	enum { FIELDS = 1000, WIDE = 100000 };
	size_t len = 0, cap = FIELDS * 8 + WIDE + 64;
	char *data = malloc(cap), **f;
	ef_csv_reader r;
	int n;

	for (int i = 0; i < FIELDS; i++)
		len += (size_t)snprintf(data + len, cap - len, "%s\"%d\n\"", i ? "," : "", i);
	data[len++] = '\n';
	memset(data + len, 'x', WIDE);
	len += WIDE;
	data[len++] = '\n';
	ef_csv_reader_init(&r, data, len);
	n = ef_csv_read(&r, &f);
	CHECK_MSG(n == FIELDS && !r.cut && !strcmp(f[0], "0\n") && !strcmp(f[FIELDS - 1], "999\n"),
		  "%d fields", n);
	n = ef_csv_read(&r, &f);
	CHECK_MSG(n == 1 && strlen(f[0]) == WIDE && r.line == FIELDS + 2, "%d fields, line %u", n,
		  r.line);
	CHECK(ef_csv_read(&r, &f) == 0);
	ef_csv_reader_free(&r);
	free(data);
}

static const ef_test tests[] = {
	{ "csv/quoting", quoting },
	{ "csv/flushes_each_row", flushes_each_row },
	{ "csv/never_overwrites", never_overwrites },
	{ "csv/created_with_its_head", created_with_its_head },
	{ "csv/failed_row_leaves_no_part", failed_row_leaves_no_part },
	{ "csv/overflow_is_an_error", overflow_is_an_error },
	{ "csv/reader_fields", reader_fields },
	{ "csv/reader_grows", reader_grows },
};

int main(void)
{
	int rc;
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	rc = ef_check_run(tests, sizeof tests / sizeof *tests);
	rmdir(dir);
	return rc;
}
