/* tables.h: efreport's paper tables (efreport --tables), the same tables
 * in Markdown and in LaTeX (booktabs), one pair per host, target and unit:
 *   - microbenchmarks, in the shape of the Omniglot paper's: invoke (0, 6
 *     and 100 arguments), callback, upgrade (1 and 64 live allocations)
 *     and the checks of a 1 MiB buffer; a column per mode (and policy),
 *     each cell the median with its 95% confidence interval;
 *   - library overheads: validate/unsafe, invoke/unsafe, full/unsafe of
 *     every benchmark of the library workloads, each cell the ratio with
 *     its interval as overheads.csv has it.
 * Numbers as format.h writes them; the formats are in results/SCHEMA.md
 * ("Paper tables"). */
#ifndef EF_TABLES_H
#define EF_TABLES_H

#include "results.h"

#include <stdio.h>

/* The first line of each file, by which efreport knows its own output. */
#define EF_TABLES_MD_HEAD "# efbench tables"
#define EF_TABLES_TEX_HEAD "% efbench tables (booktabs): \\input{tables} into a document"
#define EF_TABLES_STANDALONE_HEAD "% efbench tables: a document around tables.tex"

/* tables.md; inputs are the files named in its first paragraph. */
void ef_tables_markdown(FILE *f, const ef_results *R, const char *const *inputs, int ninputs);
/* tables.tex: a table environment each, for a document that loads booktabs. */
void ef_tables_latex(FILE *f, const ef_results *R);
/* tables-standalone.tex: a document that compiles tables.tex (pdflatex). */
void ef_tables_standalone(FILE *f);

#endif
