/* nd_tsv: reads the tab-separated data files in rules/ (a header line of
 * column names, then one row per line; '#' lines are comments). Columns
 * are looked up by name, so files may add or reorder columns. */
#ifndef ND_TSV_H
#define ND_TSV_H

#include <stdio.h>

#include "nd_error.h"

#define ND_TSV_MAX_COLUMNS 32

typedef struct nd_tsv {
	FILE *fp;
	const char *path;
	unsigned long line;
	char *buf;
	size_t cap;
	char *header[ND_TSV_MAX_COLUMNS];
	size_t ncolumns;
	char *cells[ND_TSV_MAX_COLUMNS];
	size_t ncells;
	char *header_line;
} nd_tsv;

/* Opens path and reads its header. Returns 0, or -1 with err set naming
 * the file. */
int nd_tsv_open(nd_tsv *t, const char *path, nd_error *err);

/* Reads the next row. Returns 1 with a row, 0 at the end, -1 with err set
 * (file:line). */
int nd_tsv_next(nd_tsv *t, nd_error *err);

/* Returns the index of the column called name, or -1. */
int nd_tsv_column(const nd_tsv *t, const char *name);

/* Returns the current row's cell in column index col ("" when the row is
 * short or col is -1). */
const char *nd_tsv_cell(const nd_tsv *t, int col);

/* Closes the file and frees the buffers. Returns nothing. */
void nd_tsv_close(nd_tsv *t);

#endif
