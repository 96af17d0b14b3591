/* Unit tests of src/util/nd_error: set, prefix, clear, NULL contexts and
 * over-long messages. */
#include <string.h>

#include "check.h"
#include "nd_error.h"

/* Set returns -1 and formats; clear empties. */
static void test_error_set(void)
{
	nd_error err;

	CHECK(nd_error_set(&err, "record %d of %s", 7, "x.evtx") == -1);
	CHECK_STR(err.message, "record 7 of x.evtx");
	nd_error_clear(&err);
	CHECK_STR(err.message, "");
	CHECK(nd_error_set(NULL, "ignored %d", 1) == -1);
	nd_error_clear(NULL);
}

/* Prefix keeps the message; a long one is cut, never overflowed. */
static void test_error_prefix(void)
{
	char big[2 * ND_ERROR_MAX];
	nd_error err;

	nd_error_set(&err, "record %d", 7);
	CHECK(nd_error_prefix(&err, "%s", "file.evtx") == -1);
	CHECK_STR(err.message, "file.evtx: record 7");
	CHECK(nd_error_prefix(NULL, "%s", "x") == -1);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	nd_error_set(&err, "%s", big);
	CHECK(strlen(err.message) == ND_ERROR_MAX - 1);
	nd_error_prefix(&err, "%s", "p");
	CHECK(strlen(err.message) == ND_ERROR_MAX - 1 && strncmp(err.message, "p: aaa", 6) == 0);
	nd_error_set(&err, "short");
	nd_error_prefix(&err, "%s", big);
	CHECK(strlen(err.message) < ND_ERROR_MAX);
}

int main(void)
{
	test_error_set();
	test_error_prefix();
	return check_report();
}
