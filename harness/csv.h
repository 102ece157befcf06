/* csv.h: the columns of a results file, result rows, RFC 4180 quoting,
 * one write(2) per row; and the reader that the report tools read them
 * back with.
 *
 * A file is created only where none exists, so an existing file is never
 * overwritten, and each row reaches the kernel as soon as it is complete,
 * whole or not at all: an interrupted run, or one whose disk fills up,
 * leaves every finished row and no partial one. */
#ifndef EF_CSV_H
#define EF_CSV_H

#include <stddef.h>
#include <stdint.h>

#define EF_CSV_ROW_MAX 4096

/* The columns of a results file, in order: X(NAME, name) gives EF_COL_NAME
 * and the name in the header.  The writer (efbench), the readers
 * (efreport, efcompare) and `efbench --schema`, which the scripts and
 * tests that write or check a header read, all take them from here;
 * results/SCHEMA.md says what each holds (a test checks that it lists
 * these, in this order). */
#define EF_COLUMNS(X)                    \
	X(RUN_ID, run_id)                \
	X(HOST, host)                    \
	X(CPU, cpu_model)                \
	X(TARGET, target)                \
	X(POLICY, policy)                \
	X(MODE, mode)                    \
	X(WORKLOAD, workload)            \
	X(BENCH, benchmark)              \
	X(PARAM, parameter)              \
	X(ITERATIONS, iterations)        \
	X(VALUE, value)                  \
	X(UNIT, unit)                    \
	X(REPETITION, repetition)        \
	X(STATUS, status)                \
	X(MESSAGE, message)              \
	X(PROCESS, process)              \
	X(CPU_NS, cpu_ns)

#define EF_COLUMN_ENUM_(NAME, name) EF_COL_##NAME,
enum ef_column { EF_COLUMNS(EF_COLUMN_ENUM_) EF_COL_COUNT };
#undef EF_COLUMN_ENUM_
extern const char *const ef_column_names[EF_COL_COUNT];
/* Columns added after the first release, which older files lack: the
 * readers take such a file with these columns empty. */
#define EF_COL_FIRST_OPTIONAL EF_COL_PROCESS

typedef struct ef_csv_row {
	char buf[EF_CSV_ROW_MAX];
	size_t len;
	unsigned fields;
	int overflow;
} ef_csv_row;

/* Create path for appending, holding the len bytes of head from the
 * moment it has its name (where the file system can: O_TMPFILE); -1 with a
 * message in err when it exists or cannot be created or written. */
int ef_csv_create_with(const char *path, const char *head, size_t len,
		       char *err, size_t errlen);
/* The same, empty. */
int ef_csv_create(const char *path, char *err, size_t errlen);
/* A file beside a results CSV: its name with .csv replaced by (or else
 * followed by) ext, into out; -1 when it does not fit in len bytes. */
int ef_csv_beside(const char *csv, const char *ext, char *out, size_t len);
/* The CSV's sidecar: ef_csv_beside with .meta. */
int ef_sidecar_path(const char *csv, char *out, size_t len);

void ef_csv_begin(ef_csv_row *r);
/* The header: every column's name, in order; terminated as by ef_csv_end. */
void ef_csv_header(ef_csv_row *r);
void ef_csv_str(ef_csv_row *r, const char *s);
void ef_csv_u64(ef_csv_row *r, uint64_t v);
void ef_csv_f64(ef_csv_row *r, double v);   /* NaN: empty field */
/* Terminate the row: r->buf holds r->len bytes ending in a newline; -1
 * (errno EOVERFLOW) when it did not fit. */
int ef_csv_end(ef_csv_row *r);
/* Terminate the row and write it whole; -1 with errno set on overflow
 * (EOVERFLOW) or a failed write, after which the file ends where it did
 * before (a disk that fills up never leaves part of a row). */
int ef_csv_write(int fd, ef_csv_row *r);

/* Reading: the records of a file held in memory, one at a time. */
typedef struct ef_csv_reader {
	const char *p, *end;
	unsigned line;          /* line on which the record last read starts */
	unsigned next_line;
	int cut;                /* the record last read ends without a line end */
	char *buf;              /* the record's unquoted fields, NUL-ended */
	size_t cap;
	size_t *starts;         /* where each field starts in buf */
	char **fields;          /* the same, as pointers, once buf stays put */
	unsigned nfields_cap;
} ef_csv_reader;

void ef_csv_reader_init(ef_csv_reader *r, const char *data, size_t len);
/* The next record's fields into *fields (valid until the next call);
 * returns their count, 0 at the end, -1 for a quoted field followed by
 * anything but a comma or line end, or for a quote still open at the end
 * of the data after a line break (one not closed; a quote open on the last
 * line is a cut record).  The last record of data that does not end in a
 * line break sets cut: a row whose writing was cut short.  Memory grows
 * with the longest record; ef_csv_reader_free releases it. */
int ef_csv_read(ef_csv_reader *r, char ***fields);
void ef_csv_reader_free(ef_csv_reader *r);

/* Fields as the writer writes them, and nothing else: 0, or -1 (also what
 * efbench's command line takes as a count).  A count:
 * digits only (no sign, space or base prefix), within 64 bits.  A value:
 * a non-negative decimal number as %.12g writes one (digits, an optional
 * fraction, an optional exponent), finite. */
int ef_csv_parse_count(const char *s, unsigned long long *out);
int ef_csv_parse_value(const char *s, double *out);

#endif
