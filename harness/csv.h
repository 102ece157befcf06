/* csv.h: result rows, RFC 4180 quoting, one write(2) per row.
 *
 * The file is created with O_EXCL, so an existing file is never
 * overwritten, and each row reaches the kernel in a single write as soon as
 * it is complete: an interrupted run leaves every finished row and no
 * partial one. */
#ifndef EF_CSV_H
#define EF_CSV_H

#include <stddef.h>
#include <stdint.h>

#define EF_CSV_ROW_MAX 4096

typedef struct ef_csv_row {
	char buf[EF_CSV_ROW_MAX];
	size_t len;
	unsigned fields;
	int overflow;
} ef_csv_row;

/* Create path for writing; -1 with a message in err when it exists or
 * cannot be created. */
int ef_csv_create(const char *path, char *err, size_t errlen);

void ef_csv_begin(ef_csv_row *r);
void ef_csv_str(ef_csv_row *r, const char *s);
void ef_csv_u64(ef_csv_row *r, uint64_t v);
void ef_csv_f64(ef_csv_row *r, double v);   /* NaN: empty field */
/* Terminate the row and write it; -1 on error or overflow. */
int ef_csv_write(int fd, ef_csv_row *r);

#endif
