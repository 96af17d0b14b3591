/* Unit tests of src/platform/nd_evtlog: the structured query asked of the
 * Windows Event Log (its text, XML escaping, the split of a provider's
 * ranges over several <Select> elements), and the error of opening a
 * channel where there is no Windows Event Log.
 *
 *   test_nd_evtlog TMPDIR SRCDIR */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "nd_evtlog.h"

/* Counts the occurrences of what in s. Returns the count. */
static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

/* Two providers, one id and one range each: one Select per provider. */
static void test_query_text(void)
{
	static const nd_evtlog_range audit[] = {{6272, 6280}}, ras[] = {{20227, 20227}, {20220, 20221}};
	const nd_evtlog_select sel[] = {{"Microsoft-Windows-Security-Auditing", audit, 1}, {"RasClient", ras, 2}};
	nd_buf b = {0};

	CHECK(nd_evtlog_query(&b, "Security", sel, 2) == 0);
	CHECK_STR(b.data, "<QueryList><Query Id=\"0\" Path=\"Security\">"
			  "<Select Path=\"Security\">*[System[Provider[@Name='Microsoft-Windows-Security-Auditing'] and "
			  "((EventID&gt;=6272 and EventID&lt;=6280))]]</Select>"
			  "<Select Path=\"Security\">*[System[Provider[@Name='RasClient'] and "
			  "(EventID=20227 or (EventID&gt;=20220 and EventID&lt;=20221))]]</Select>"
			  "</Query></QueryList>");
	nd_buf_free(&b);
}

/* Names are XML-escaped; a provider with a single quote gets double ones,
 * one with both cannot be written. */
static void test_query_escaping(void)
{
	static const nd_evtlog_range one[] = {{1, 1}};
	const nd_evtlog_select quote[] = {{"O'Brien", one, 1}}, both[] = {{"a'b\"c", one, 1}};
	nd_buf b = {0};

	CHECK(nd_evtlog_query(&b, "Microsoft-Windows-CAPI2/Operational&<x>", quote, 1) == 0);
	CHECK(strstr(b.data, "Path=\"Microsoft-Windows-CAPI2/Operational&amp;&lt;x&gt;\"") != NULL);
	CHECK(strstr(b.data, "Provider[@Name=&quot;O&#39;Brien&quot;]") != NULL);
	CHECK(strchr(b.data, '\'') == NULL);
	nd_buf_reset(&b);
	CHECK(nd_evtlog_query(&b, "Application", both, 1) == -1);
	nd_buf_free(&b);
}

/* 40 single ids take 41 expressions with the provider's: two Selects, each
 * within Windows' limit, together asking for every id. */
static void test_query_split(void)
{
	nd_evtlog_range r[40];
	nd_evtlog_select sel = {"NPS", r, 40};
	nd_buf b = {0};
	char id[32];
	size_t i, ok = 0;

	for (i = 0; i < 40; i++)
		r[i].first = r[i].last = (uint32_t)(100 + 2 * i);
	CHECK(nd_evtlog_query(&b, "System", &sel, 1) == 0);
	CHECK(count(b.data, "<Select ") == 2);
	CHECK(count(b.data, "Provider[@Name='NPS']") == 2);
	for (i = 0; i < 40; i++) {
		snprintf(id, sizeof(id), "EventID=%u)", (unsigned)r[i].first);
		ok += count(b.data, id);
		snprintf(id, sizeof(id), "EventID=%u ", (unsigned)r[i].first);
		ok += count(b.data, id);
	}
	CHECK(ok == 40);
	/* The first Select holds the provider's test and 31 ids: 32 expressions. */
	CHECK(count(strstr(b.data, "<Select "), "EventID=") - count(strstr(b.data, "</Select>"), "EventID=") == 31);
	nd_buf_free(&b);
}

/* Opening a channel where there is no Event Log API fails and says so;
 * on Windows a channel that does not exist fails too. */
static void test_open_fails(void)
{
	nd_evtlog *l = (nd_evtlog *)&l;
	nd_error err;

	err.message[0] = '\0';
	CHECK(nd_evtlog_open(&l, "No-Such-Channel-npsdiag", "<QueryList/>", NULL, &err) == -1);
	CHECK(l == NULL);
	CHECK(strstr(err.message, "No-Such-Channel-npsdiag") != NULL);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	test_query_text();
	test_query_escaping();
	test_query_split();
	test_open_fails();
	return check_report();
}
