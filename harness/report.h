/* report.h: efreport's three tables of series read by results.h, each
 * written to a stream (efreport.c decides where).  The formats are in
 * results/SCHEMA.md ("Summaries"). */
#ifndef EF_REPORT_H
#define EF_REPORT_H

#include "results.h"

#include <stdio.h>

/* The first line of each file, by which efreport knows its own output. */
#define EF_REPORT_SUMMARY_HEAD "host,target,policy,workload,benchmark,parameter,mode,unit,n," \
	"median,ci_lo,ci_hi,p5,p95,cpu_model,cv,between_process,mark"
#define EF_REPORT_OVERHEADS_HEAD "host,target,policy,workload,benchmark,parameter,ratio,unit," \
	"value,ci_lo,ci_hi,difference,cpu_model,method,pairs,medians_ratio,medians_ci_lo," \
	"medians_ci_hi,mark,measure"
#define EF_REPORT_MARKDOWN_HEAD "# efbench summary"

/* summary.csv: one row per series. */
void ef_report_summary_csv(FILE *f, const ef_results *R);
/* overheads.csv: one row per series and overhead it is the numerator of. */
void ef_report_overheads_csv(FILE *f, const ef_results *R);
/* The series of one host, target and unit, in the order read: a section
 * of summary.md, a table of tables.h. */
typedef struct ef_section {
	const size_t *member;
	size_t n;
} ef_section;
/* R's sections, in the order their first series were read (*nsec of
 * them); their members point into *order.  Free both. */
ef_section *ef_report_sections(const ef_results *R, size_t **order, size_t *nsec);
/* What a unit's numbers are, for a table's title ("Wall-clock time per
 * iteration"). */
const char *ef_unit_description(const char *unit);

/* A Markdown file's first lines: head, then "From" the inputs. */
void ef_report_head(FILE *f, const char *head, const char *const *inputs, int ninputs);
/* The sentence that says how numbers are written (format.h), and a line end. */
void ef_report_numbers_note(FILE *f);

/* summary.md: both as Markdown tables, one pair per host, target and
 * unit; inputs are the files named in its first paragraph. */
void ef_report_markdown(FILE *f, const ef_results *R, const char *const *inputs, int ninputs);

#endif
