/* Unit tests of nd_select: which forms of a user name the literal --user
 * matches (issue 13, item 2), and the local time of nd_localtime that the
 * text output shows with --tz. */
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "nd_localtime.h"
#include "nd_select.h"

/* Every form of an account matches it; other accounts and domains do not. */
static void test_user(void)
{
	static const char *const same[] = {"LAB\\rdeckard",        "lab\\RDECKARD",         "rdeckard",
					   "RDeckard@lab.example", "lab.example\\rdeckard", "rdeckard@LAB"};
	static const char *const other[] = {"rdeck", "OTHER\\rdeckard", "rdeckard@other.example", "bob", "",
					    "LAB\\", "rdeckard$"};
	size_t i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		CHECK(nd_select_user_matches(same[i], "LAB\\rdeckard", "lab.example\\rdeckard") == 1);
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		CHECK(nd_select_user_matches(other[i], "LAB\\rdeckard", "lab.example\\rdeckard") == 0);
	/* Only the identity known, or only the name as logged. */
	CHECK(nd_select_user_matches("LAB\\rdeckard", NULL, "lab.example\\rdeckard") == 1);
	CHECK(nd_select_user_matches("rdeckard@lab.example", "LAB\\rdeckard", NULL) == 1);
	CHECK(nd_select_user_matches("rdeckard", NULL, NULL) == 0);
	/* A device: host/NAME, NAME$ and NAME. */
	CHECK(nd_select_user_matches("host/CLIENT01.lab.example", "LAB\\CLIENT01$", "lab.example\\client01$") == 1);
	CHECK(nd_select_user_matches("CLIENT01$", "LAB\\CLIENT01$", "lab.example\\client01$") == 1);
	CHECK(nd_select_user_matches("client01", "LAB\\CLIENT01$", "lab.example\\client01$") == 1);
	CHECK(nd_select_user_matches("host/CLIENT02.lab.example", "LAB\\CLIENT01$", "lab.example\\client01$") == 0);
}

/* The local time and its offset, summer and winter, in a zone set by $TZ. */
static void test_localtime(void)
{
	nd_local_time lt;

	setenv("TZ", "<+0100>-01:00", 1); /* a fixed UTC+01:00: no zone files needed */
	tzset();
	CHECK(nd_localtime(1741943564, &lt) == 0); /* 2025-03-14T09:12:44Z */
	CHECK(lt.year == 2025 && lt.month == 3 && lt.day == 14 && lt.hour == 10 && lt.minute == 12 && lt.second == 44 &&
	      lt.offset_s == 3600);
	setenv("TZ", "<-0530>+05:30", 1);
	tzset();
	CHECK(nd_localtime(0, &lt) == 0);
	CHECK(lt.year == 1969 && lt.month == 12 && lt.day == 31 && lt.hour == 18 && lt.minute == 30 &&
	      lt.offset_s == -19800);
	setenv("TZ", "UTC0", 1);
	tzset();
	CHECK(nd_localtime(1741943564, &lt) == 0 && lt.hour == 9 && lt.offset_s == 0);
}

int main(void)
{
	test_user();
	test_localtime();
	return check_report();
}
