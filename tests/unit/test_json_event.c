/* json_event: each export shape onto nd_record, with the spellings real
 * exports use (numbers as strings, EventID with Qualifiers, /Date(ms)/,
 * time zone offsets, Winlogbeat's paramN, SID objects), and the objects
 * that are not events. */
#include <json-c/json.h>

#include "check.h"
#include "json_event.h"
#include "nd_time.h"

/* Parses the JSON text into rec. Returns what nd_json_event_parse returns. */
static int parse(const char *text, nd_record *rec, nd_error *err)
{
	json_object *o = json_tokener_parse(text);
	int rc;

	CHECK(o != NULL);
	rc = nd_json_event_parse(o, rec, err);
	json_object_put(o);
	return rc;
}

/* Returns the ticks of an ISO time. */
static int64_t at(const char *iso)
{
	int64_t t = 0;

	nd_time_parse_iso(iso, &t);
	return t;
}

static void test_ecs(void)
{
	nd_record r;
	nd_error err;

	nd_record_init(&r);
	CHECK(parse("{\"@timestamp\":\"2025-03-14T10:12:43.123+01:00\",\"winlog\":{\"provider_name\":\"RasClient\","
		    "\"event_id\":\"20227\",\"record_id\":\"77\",\"channel\":\"Application\",\"computer_name\":\"C1\","
		    "\"event_data\":{\"param1\":\"a\",\"param2\":\"b\\u0000c\",\"Binary\":\"00FF\"}}}",
		    &r, &err) == 0);
	CHECK_STR(r.provider, "RasClient");
	CHECK(r.event_id == 20227);
	CHECK(r.record_id == 77);
	CHECK(r.has_time && r.time == at("2025-03-14T09:12:43.123Z"));
	CHECK(r.nfields == 2 && r.fields[0].name == NULL && r.fields[1].name == NULL);
	CHECK_STR(r.fields[1].value, "b" ND_RECORD_NUL_SYMBOL "c");
	CHECK_STR(r.binary, "00FF");
	CHECK(parse("{\"@timestamp\":\"yesterday\",\"winlog\":{\"provider_name\":\"x\",\"event_id\":1}}", &r, &err) == -1);
	CHECK_STR(err.message, "no valid @timestamp");
	CHECK(parse("{\"@timestamp\":\"2025-03-14T10:12:43Z\",\"winlog\":{\"provider_name\":\"x\",\"event_id\":-1}}", &r,
		    &err) == -1);
	nd_record_reset(&r);
}

static void test_evtx_dump(void)
{
	nd_record r;
	nd_error err;

	nd_record_init(&r);
	CHECK(parse("{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"RasClient\"}},"
		    "\"EventID\":{\"#attributes\":{\"Qualifiers\":16384},\"#text\":20227},\"Version\":0,"
		    "\"Keywords\":\"0x80000000000000\",\"TimeCreated\":{\"#attributes\":{\"SystemTime\":"
		    "\"2025-03-14T09:12:43.512345Z\"}},\"EventRecordID\":5,\"Channel\":\"Application\"},"
		    "\"EventData\":{\"Data\":{\"#text\":[\"x\",\"853\"]},\"Binary\":\"AB\"}}}",
		    &r, &err) == 0);
	CHECK(r.event_id == 20227 && r.has_qualifiers && r.qualifiers == 16384);
	CHECK(r.keywords == 0x80000000000000ULL && r.version == 0 && r.record_id == 5);
	CHECK(r.time == at("2025-03-14T09:12:43.512345Z"));
	CHECK(r.nfields == 2 && !r.fields[1].name);
	CHECK_STR(r.fields[1].value, "853");
	CHECK_STR(r.binary, "AB");
	CHECK(parse("{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"x\"}},\"EventID\":1}}}", &r,
		    &err) == -1);
	nd_record_reset(&r);
}

static void test_winevent(void)
{
	nd_record r;
	nd_error err;

	nd_record_init(&r);
	CHECK(parse("{\"Id\":20227,\"Qualifiers\":null,\"Keywords\":-9214364837600034816,\"RecordId\":9,"
		    "\"ProviderName\":\"RasClient\",\"LogName\":\"Application\",\"MachineName\":\"C1\","
		    "\"TimeCreated\":\"\\/Date(1741943563123)\\/\",\"Properties\":[{\"Value\":\"a\"},"
		    "{\"Value\":{\"BinaryLength\":12,\"Value\":\"S-1-5-18\"}},{\"Value\":853},{\"Value\":null}]}",
		    &r, &err) == 0);
	CHECK(r.event_id == 20227 && !r.has_qualifiers);
	CHECK(r.keywords == 0x8020000000000000ULL);
	CHECK(r.time == 1741943563123LL * 10000);
	CHECK(r.nfields == 4);
	CHECK_STR(r.fields[1].value, "S-1-5-18");
	CHECK_STR(r.fields[2].value, "853");
	CHECK_STR(r.fields[3].value, "");
	CHECK(parse("{\"Id\":1,\"ProviderName\":\"x\",\"TimeCreated\":\"/Date(x)/\"}", &r, &err) == -1);
	CHECK(parse("{\"npsdiag\":\"0.1.0\"}", &r, &err) == -1);
	CHECK_STR(err.message, "not an event (no winlog, Event or ProviderName)");
	nd_record_reset(&r);
}

int main(void)
{
	test_ecs();
	test_evtx_dump();
	test_winevent();
	return check_report();
}
