/* Unit tests of src/util/nd_line: lines with and without a final newline,
 * a line longer than the first buffer, a NUL inside a line, an empty file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nd_line.h"

/* Returns a temporary file holding n bytes of text, rewound. */
static FILE *file_of(const char *text, size_t n)
{
	FILE *fp = tmpfile();

	CHECK(fp != NULL);
	if (fp) {
		CHECK(fwrite(text, 1, n, fp) == n);
		rewind(fp);
	}
	return fp;
}

/* Three lines, the last without its newline, then the end. */
static void test_lines(void)
{
	static const char text[] = "first\n\nlast";
	FILE *fp = file_of(text, sizeof(text) - 1);
	char *buf = NULL;
	size_t cap = 0;

	if (!fp)
		return;
	CHECK(nd_line_read(&buf, &cap, fp) == 6 && strcmp(buf, "first\n") == 0);
	CHECK(nd_line_read(&buf, &cap, fp) == 1 && strcmp(buf, "\n") == 0);
	CHECK(nd_line_read(&buf, &cap, fp) == 4 && strcmp(buf, "last") == 0);
	CHECK(nd_line_read(&buf, &cap, fp) == -1);
	free(buf);
	fclose(fp);
}

/* A line of 5000 bytes grows the buffer; a NUL byte counts in the length. */
static void test_long_and_nul(void)
{
	char text[5004], *buf = NULL;
	size_t cap = 0;
	FILE *fp;

	memset(text, 'x', 5000);
	memcpy(text + 5000, "\na\0b", 4);
	if (!(fp = file_of(text, sizeof(text))))
		return;
	CHECK(nd_line_read(&buf, &cap, fp) == 5001 && cap > 5001 && buf[4999] == 'x' && buf[5001] == '\0');
	CHECK(nd_line_read(&buf, &cap, fp) == 3 && strlen(buf) == 1);
	CHECK(nd_line_read(&buf, &cap, fp) == -1);
	free(buf);
	fclose(fp);
}

/* An empty file has no line, and leaves the buffer alone. */
static void test_empty(void)
{
	FILE *fp = file_of("", 0);
	char *buf = NULL;
	size_t cap = 0;

	if (!fp)
		return;
	CHECK(nd_line_read(&buf, &cap, fp) == -1 && buf == NULL && cap == 0);
	fclose(fp);
}

int main(void)
{
	test_lines();
	test_long_and_nul();
	test_empty();
	return check_report();
}
