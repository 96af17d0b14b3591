/* Unit tests of nd_out, the output sink: bytes arrive in order and
 * unchanged, and the first failed write is remembered, stops the writer
 * and is reported naming the output. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
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
	CHECK_STR(mem, "a=\"q\\\"\\n\" n=42! 0 -1234567890123 -9223372036854775808 9223372036854775807");
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
	CHECK(o.b.len == 0);
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

int main(void)
{
	test_writes();
	test_small_buffer();
	test_dev_full();
	return check_report();
}
