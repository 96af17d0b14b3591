/* Unit tests of src/util/nd_tsv: header, comments, columns by name, short
 * rows, missing files.
 *
 *   test_nd_tsv TMPDIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nd_tsv.h"

/* Writes text to dir/name into path (size n). Returns 0, or -1. */
static int write_file(const char *dir, const char *name, const char *text, char *path, size_t n)
{
	FILE *fp;

	snprintf(path, n, "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (!fp)
		return -1;
	fputs(text, fp);
	return fclose(fp) == 0 ? 0 : -1;
}

/* A file with comments, a short row and CRLF line ends. */
static void test_tsv_read(const char *dir)
{
	char path[4096];
	nd_error err;
	nd_tsv t;

	CHECK(write_file(dir, "a.tsv", "# about\ncode\tname\tnote\n1\tone\tfirst\r\n# skip\n2\ttwo\n\n", path,
			 sizeof(path)) == 0);
	CHECK(nd_tsv_open(&t, path, &err) == 0);
	CHECK(t.ncolumns == 3);
	CHECK(nd_tsv_column(&t, "name") == 1 && nd_tsv_column(&t, "none") == -1);
	CHECK(nd_tsv_next(&t, &err) == 1);
	CHECK_STR(nd_tsv_cell(&t, 0), "1");
	CHECK_STR(nd_tsv_cell(&t, 2), "first");
	CHECK(nd_tsv_next(&t, &err) == 1);
	CHECK_STR(nd_tsv_cell(&t, 1), "two");
	CHECK_STR(nd_tsv_cell(&t, 2), "");
	CHECK_STR(nd_tsv_cell(&t, -1), "");
	CHECK_STR(nd_tsv_cell(&t, 99), "");
	CHECK(nd_tsv_next(&t, &err) == 0);
	nd_tsv_close(&t);
}

/* A missing file and an empty one are errors naming the file. */
static void test_tsv_open_bad(const char *dir)
{
	char path[4096];
	nd_error err;
	nd_tsv t;

	snprintf(path, sizeof(path), "%s/missing.tsv", dir);
	CHECK(nd_tsv_open(&t, path, &err) == -1);
	CHECK(strstr(err.message, "missing.tsv") != NULL);
	CHECK(write_file(dir, "empty.tsv", "", path, sizeof(path)) == 0);
	CHECK(nd_tsv_open(&t, path, &err) == -1);
	CHECK(strstr(err.message, "empty.tsv") != NULL);
}

int main(int argc, char **argv)
{
	char dir[2048];

	if (argc < 2) {
		fprintf(stderr, "usage: test_nd_tsv TMPDIR\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/nd_tsv.XXXXXX", argv[1]);
	if (!mkdtemp(dir)) {
		perror(dir);
		return 2;
	}
	test_tsv_read(dir);
	test_tsv_open_bad(dir);
	return check_report();
}
