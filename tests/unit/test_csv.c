/* test_csv.c: quoting, the never-overwrite rule, and rows reaching the file
 * as soon as they are written. */
#include "check.h"
#include "../../harness/csv.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static const ef_test tests[] = {
	{ "csv/quoting", quoting },
	{ "csv/flushes_each_row", flushes_each_row },
	{ "csv/never_overwrites", never_overwrites },
	{ "csv/overflow_is_an_error", overflow_is_an_error },
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
