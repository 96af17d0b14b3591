/* Unit tests of nd_out, the output sink: bytes arrive in order and
 * unchanged, and the first failed write is remembered, stops the writer
 * and is reported naming the output. Numbers are written as "%lld"
 * writes them. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nd_escape.h"
#include "nd_out.h"

/* Writes into a large memory FILE: everything arrives, escaped. */
static void test_writes(void)
{
	char mem[256] = "";
	FILE *f = fmemopen(mem, sizeof(mem), "w");
	nd_out o;
	nd_error err;

	nd_out_init(&o, f, "memory");
	nd_out_put(&o, "a=");
	nd_out_esc(&o, nd_escape_json, "q\"\n");
	nd_out_printf(&o, " n=%d", 42);
	nd_out_mem(&o, "!xyz", 1);
	nd_out_quoted(&o, ",\"k\":", 5, "abc", 3);
	nd_out_put(&o, " ");
	nd_out_int(&o, 0);
	nd_out_put(&o, " ");
	nd_out_int(&o, -1234567890123LL);
	nd_out_put(&o, " ");
	nd_out_int(&o, INT64_MIN);
	nd_out_put(&o, " ");
	nd_out_int(&o, INT64_MAX);
	CHECK(nd_out_finish(&o, &err) == 0);
	fclose(f);
	CHECK_STR(mem, "a=\"q\\\"\\n\" n=42!,\"k\":\"abc\" 0 -1234567890123 -9223372036854775808 9223372036854775807");
}

/* nd_out_int writes what "%lld" writes, for every number of digits
 * (around each power of ten) and both signs. */
static void test_ints(void)
{
	char *text = NULL, want[64];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	nd_buf all = {0};
	nd_out o;
	nd_error err;
	int64_t p = 1, d;
	int k;

	if (!f)
		return;
	nd_out_init(&o, f, "memory");
	for (k = 0; k < 19; k++, p = k < 19 ? p * 10 : p) { /* up to 10^18 */
		for (d = -2; d <= 2; d++) {
			int64_t v = p + d;

			nd_out_int(&o, v);
			nd_out_int(&o, -v);
			nd_out_put(&o, ",");
			snprintf(want, sizeof(want), "%lld%lld,", (long long)v, (long long)-v);
			nd_buf_append(&all, want, strlen(want));
		}
	}
	CHECK(nd_out_finish(&o, &err) == 0);
	fclose(f);
	CHECK(text && all.data && strcmp(text, all.data) == 0);
	free(text);
	nd_buf_free(&all);
}

/* A FILE that holds 8 bytes: the write fails when the buffer is flushed,
 * later appends are dropped, the error names the output. */
static void test_small_buffer(void)
{
	char mem[8];
	FILE *f = fmemopen(mem, sizeof(mem), "w");
	nd_out o;
	nd_error err;
	int i;

	setvbuf(f, NULL, _IONBF, 0);
	nd_out_init(&o, f, "report.html");
	for (i = 0; i < 10; i++)
		nd_out_put(&o, "0123456789");
	CHECK(nd_out_flush(&o) == -1);
	CHECK(o.failed != 0);
	nd_out_put(&o, "more");
	CHECK(o.len == 0);
	CHECK(nd_out_finish(&o, &err) == -1);
	CHECK(strstr(err.message, "report.html: cannot write") == err.message);
	fclose(f);
}

/* /dev/full: more than the buffer holds, so that a write fails before the
 * end; the first error (ENOSPC) is the one reported. */
static void test_dev_full(void)
{
	FILE *f = fopen("/dev/full", "w");
	nd_out o;
	nd_error err;
	int i;

	if (!f) {
		printf("no /dev/full: skipped\n");
		return;
	}
	nd_out_init(&o, f, "standard output");
	for (i = 0; i < 20000; i++)
		nd_out_put(&o, "0123456789");
	CHECK(o.failed == ENOSPC);
	CHECK(nd_out_finish(&o, &err) == -1);
	CHECK(strstr(err.message, "standard output: cannot write: ") == err.message);
	CHECK(strstr(err.message, strerror(ENOSPC)) != NULL);
	fclose(f);
}

/* Appends that fill the buffer to the byte, cross its end, and one larger
 * than it (written straight through) arrive whole and in order. */
static void test_sizes(void)
{
	static char big[ND_OUT_SIZE + 4000], back[2 * ND_OUT_SIZE + 4100];
	FILE *f = tmpfile();
	nd_out o;
	nd_error err;
	size_t k, n;

	for (k = 0; k < sizeof(big); k++)
		big[k] = (char)('a' + k % 23);
	CHECK(f != NULL);
	if (!f)
		return;
	nd_out_init(&o, f, "tmpfile");
	nd_out_mem(&o, big, ND_OUT_SIZE - 1); /* fills but one byte */
	nd_out_lit(&o, "#");                  /* fills it */
	nd_out_lit(&o, "@!");                 /* does not fit */
	nd_out_mem(&o, big, sizeof(big));     /* larger than the buffer */
	nd_out_quoted(&o, "=", 1, big, 9);    /* does not fit either */
	nd_out_lit(&o, "end");
	CHECK(nd_out_finish(&o, &err) == 0);
	rewind(f);
	n = fread(back, 1, sizeof(back), f);
	CHECK(n == ND_OUT_SIZE + 2 + sizeof(big) + 12 + 3);
	CHECK(memcmp(back, big, ND_OUT_SIZE - 1) == 0);
	CHECK(memcmp(back + ND_OUT_SIZE - 1, "#@!", 3) == 0);
	CHECK(memcmp(back + ND_OUT_SIZE + 2, big, sizeof(big)) == 0);
	CHECK(memcmp(back + ND_OUT_SIZE + 2 + sizeof(big), "=\"abcdefghi\"end", 15) == 0);
	fclose(f);
}

int main(void)
{
	test_writes();
	test_ints();
	test_sizes();
	test_small_buffer();
	test_dev_full();
	return check_report();
}
