#include "nd_tsv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Reads one line (without its newline, and without a trailing '\r') into
 * t->buf. Returns 1, or 0 at the end of the file, or -1 when out of memory. */
static int read_line(nd_tsv *t)
{
	size_t n = 0;
	int c;

	for (;;) {
		c = fgetc(t->fp);
		if (c == EOF && n == 0)
			return 0;
		if (n + 1 >= t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 1024;
			char *p = realloc(t->buf, cap);

			if (!p)
				return -1;
			t->buf = p;
			t->cap = cap;
		}
		if (c == EOF || c == '\n')
			break;
		t->buf[n++] = (char)c;
	}
	if (n && t->buf[n - 1] == '\r')
		n--;
	t->buf[n] = '\0';
	t->line++;
	return 1;
}

/* Splits s in place at tabs into cells (at most max). Returns the count. */
static size_t split(char *s, char **cells, size_t max)
{
	size_t n = 0;

	for (;;) {
		char *tab = strchr(s, '\t');

		if (n < max)
			cells[n++] = s;
		if (!tab)
			return n;
		*tab = '\0';
		s = tab + 1;
	}
}

int nd_tsv_open(nd_tsv *t, const char *path, nd_error *err)
{
	int rc;

	memset(t, 0, sizeof(*t));
	t->path = path;
	t->fp = fopen(path, "rb");
	if (!t->fp)
		return nd_error_set(err, "%s: cannot open: %s", path, strerror(errno));
	do
		rc = read_line(t);
	while (rc == 1 && (t->buf[0] == '#' || t->buf[0] == '\0'));
	if (rc != 1) {
		nd_tsv_close(t);
		return nd_error_set(err, "%s: no header line", path);
	}
	t->header_line = strdup(t->buf);
	if (!t->header_line) {
		nd_tsv_close(t);
		return nd_error_set(err, "out of memory");
	}
	t->ncolumns = split(t->header_line, t->header, ND_TSV_MAX_COLUMNS);
	return 0;
}

int nd_tsv_next(nd_tsv *t, nd_error *err)
{
	int rc;

	do
		rc = read_line(t);
	while (rc == 1 && (t->buf[0] == '#' || t->buf[0] == '\0'));
	if (rc < 0)
		return nd_error_set(err, "%s:%lu: out of memory", t->path, t->line);
	if (rc == 0)
		return 0;
	t->ncells = split(t->buf, t->cells, ND_TSV_MAX_COLUMNS);
	return 1;
}

int nd_tsv_column(const nd_tsv *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncolumns; i++)
		if (strcmp(t->header[i], name) == 0)
			return (int)i;
	return -1;
}

const char *nd_tsv_cell(const nd_tsv *t, int col)
{
	return (col >= 0 && (size_t)col < t->ncells) ? t->cells[col] : "";
}

void nd_tsv_close(nd_tsv *t)
{
	if (t->fp)
		fclose(t->fp);
	free(t->buf);
	free(t->header_line);
	memset(t, 0, sizeof(*t));
}
