/* Unit tests of parsers/record/nd_record: strings (with NULs), fields,
 * lookups, naming from layouts, provider comparison, reset, clear. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nd_record.h"

/* Strings are copied; a NUL inside becomes U+2400. */
static void test_record_set_string(void)
{
	char *s = NULL;

	CHECK(nd_record_set_string(&s, "abc", 2) == 0);
	CHECK_STR(s, "ab");
	CHECK(nd_record_set_string(&s, "", 0) == 0);
	CHECK_STR(s, "");
	CHECK(nd_record_set_string(&s, "a\0b\0", 4) == 0);
	CHECK_STR(s, "a" ND_RECORD_NUL_SYMBOL "b" ND_RECORD_NUL_SYMBOL);
	CHECK(strlen(s) == 8);
	free(s);
}

/* Fields: named and unnamed, lookup of the first match, naming from a
 * layout that is shorter or longer than the fields. */
static void test_record_fields(void)
{
	static const char *const layout[] = {"First", "Second", "Third"};
	nd_record ev;

	nd_record_init(&ev);
	CHECK(ev.version == -1 && ev.level == -1 && ev.task == -1 && ev.file_offset == -1);
	CHECK(nd_record_add_field(&ev, NULL, "v0", 2) == 0);
	CHECK(nd_record_add_field(&ev, "Named", "v1", 2) == 0);
	CHECK(nd_record_add_field(&ev, NULL, "v2\0x", 4) == 0);
	CHECK(nd_record_add_field(&ev, "Named", "again", 5) == 0);
	CHECK(ev.nfields == 4);
	CHECK_STR(nd_record_field(&ev, "Named"), "v1");
	CHECK(nd_record_field(&ev, "First") == NULL);
	CHECK_STR(ev.fields[2].value, "v2" ND_RECORD_NUL_SYMBOL "x");
	CHECK(nd_record_name_fields(&ev, layout, 3) == 0);
	CHECK_STR(nd_record_field(&ev, "First"), "v0");
	CHECK_STR(ev.fields[1].name, "Named");
	CHECK_STR(nd_record_field(&ev, "Third"), "v2" ND_RECORD_NUL_SYMBOL "x");
	CHECK(nd_record_field(&ev, "Second") == NULL);
	nd_record_reset(&ev);
	CHECK(ev.nfields == 0 && ev.fields == NULL && ev.provider == NULL);
	CHECK(nd_record_field(&ev, "Named") == NULL);
	CHECK(nd_record_name_fields(&ev, layout, 3) == 0);
}

/* Clear: an empty record again that keeps its field array and one block
 * of strings (a first string larger than a quarter block is not kept);
 * what is added after it reads back; ASan sees nothing lost. */
static void test_record_clear(void)
{
	char big[2048];
	nd_field *fields;
	nd_record ev;
	int i;

	nd_record_init(&ev);
	CHECK(nd_record_set_string(&ev.provider, "p", 1) == 0);
	ev.event_id = 6272;
	ev.version = 2;
	for (i = 0; i < 40; i++)
		CHECK(nd_record_add_field(&ev, "Name", "a value of some length", 22) == 0);
	fields = ev.fields;
	nd_record_clear(&ev);
	CHECK(ev.nfields == 0 && ev.provider == NULL && ev.event_id == 0 && ev.version == -1);
	CHECK(ev.fields == fields && ev.capfields >= 40 && ev.strings != NULL);
	CHECK(nd_record_field(&ev, "Name") == NULL);
	CHECK(nd_record_add_field(&ev, "Other", "x\0y", 3) == 0);
	CHECK(ev.fields == fields);
	CHECK_STR(nd_record_field(&ev, "Other"), "x" ND_RECORD_NUL_SYMBOL "y");
	nd_record_reset(&ev);
	memset(big, 'b', sizeof(big));
	CHECK(nd_record_add_field(&ev, NULL, big, sizeof(big)) == 0);
	nd_record_clear(&ev);
	CHECK(ev.strings == NULL && ev.nfields == 0);
	CHECK(nd_record_add_field(&ev, NULL, "short", 5) == 0);
	CHECK_STR(ev.fields[0].value, "short");
	nd_record_clear(&ev);
	nd_record_clear(&ev);
	CHECK(ev.strings != NULL);
	nd_record_reset(&ev);
	CHECK(ev.fields == NULL && ev.strings == NULL);
}

/* A field named by a length: the name is cut there (not read to a NUL),
 * NULs in name and value kept as the symbol, NULL unnamed; a name and
 * value larger than a quarter block together get a block of their own,
 * and the strings before and after stay readable. */
static void test_record_add_field_n(void)
{
	char big[700];
	nd_record ev;

	nd_record_init(&ev);
	CHECK(nd_record_add_field_n(&ev, "NameAndMore", 4, "value", 5) == 0);
	CHECK(nd_record_add_field_n(&ev, "a\0b", 3, "x\0", 2) == 0);
	CHECK(nd_record_add_field_n(&ev, NULL, 7, "v", 1) == 0);
	CHECK(nd_record_add_field_n(&ev, "Empty", 5, "", 0) == 0);
	memset(big, 'n', sizeof(big));
	CHECK(nd_record_add_field_n(&ev, big, sizeof(big), big, sizeof(big)) == 0);
	CHECK(nd_record_add_field_n(&ev, "Last", 4, "end", 3) == 0);
	CHECK(ev.nfields == 6);
	CHECK_STR(nd_record_field(&ev, "Name"), "value");
	CHECK_STR(ev.fields[1].name, "a" ND_RECORD_NUL_SYMBOL "b");
	CHECK_STR(ev.fields[1].value, "x" ND_RECORD_NUL_SYMBOL);
	CHECK(ev.fields[2].name == NULL);
	CHECK_STR(ev.fields[2].value, "v");
	CHECK_STR(nd_record_field(&ev, "Empty"), "");
	CHECK(strlen(ev.fields[4].name) == sizeof(big) && strlen(ev.fields[4].value) == sizeof(big));
	CHECK_STR(nd_record_field(&ev, "Last"), "end");
	nd_record_reset(&ev);
}

/* Fields whose strings the parser wrote into the record's own room: taken
 * as they are (no copy), emptied with the record, and a cleared record
 * hands its block out again; the prepared values are dropped. */
static void test_record_add_field_own(void)
{
	char *p, *again;
	nd_record ev;

	nd_record_init(&ev);
	CHECK(nd_buf_append(&ev.prepared, "x", 1) == 0);
	CHECK((p = nd_record_room(&ev, 12)) != NULL);
	memcpy(p, "Name\0value\0", 12);
	CHECK(nd_record_add_field_own(&ev, p, p + 5) == 0);
	CHECK(nd_record_add_field_own(&ev, NULL, p + 11) == 0);
	CHECK(ev.prepared.len == 0);
	CHECK(ev.nfields == 2 && ev.fields[0].name == p && ev.fields[0].value == p + 5);
	CHECK_STR(nd_record_field(&ev, "Name"), "value");
	CHECK(ev.fields[1].name == NULL);
	CHECK_STR(ev.fields[1].value, "");
	nd_record_clear(&ev);
	CHECK(ev.nfields == 0);
	CHECK((again = nd_record_room(&ev, 3000)) == p);
	nd_record_reset(&ev);
}

/* System strings in the record's own room: not freed on their own (ASan
 * would see a bad free), a malloc'ed one they replace is, and a cleared or
 * reset record lets go of both kinds. */
static void test_record_set_own(void)
{
	nd_record ev;
	char *p;

	nd_record_init(&ev);
	CHECK(nd_record_set_string(&ev.computer, "old", 3) == 0);
	CHECK((p = nd_record_room(&ev, 16)) != NULL);
	memcpy(p, "NPS01\0Security\0", 15);
	nd_record_set_own(&ev, &ev.computer, p);
	nd_record_set_own(&ev, &ev.channel, p + 6);
	CHECK_STR(ev.computer, "NPS01");
	nd_record_set_own(&ev, &ev.computer, p + 6);
	CHECK_STR(ev.computer, "Security");
	CHECK(nd_record_set_string(&ev.provider, "P", 1) == 0);
	nd_record_clear(&ev);
	CHECK(ev.computer == NULL && ev.channel == NULL && ev.provider == NULL);
	CHECK((p = nd_record_room(&ev, 4)) != NULL);
	memcpy(p, "x\0y", 4);
	nd_record_set_own(&ev, &ev.binary, p + 2);
	CHECK(nd_record_set_string(&ev.user_sid, "S-1-5-18", 8) == 0);
	nd_record_reset(&ev);
	CHECK(ev.binary == NULL && ev.user_sid == NULL && ev.strings == NULL);
}

/* Provider comparison: name or event source name, ASCII case folded. */
static void test_record_provider_is(void)
{
	nd_record ev;

	nd_record_init(&ev);
	CHECK(nd_record_provider_is(&ev, "RasClient") == 0);
	CHECK(nd_record_set_string(&ev.provider, "RasClient", 9) == 0);
	CHECK(nd_record_provider_is(&ev, "rasclient") == 1);
	CHECK(nd_record_provider_is(&ev, "Security") == 0);
	CHECK(nd_record_set_string(&ev.source_name, "SECURITY", 8) == 0);
	CHECK(nd_record_provider_is(&ev, "security") == 1);
	nd_record_reset(&ev);
}

int main(void)
{
	test_record_set_string();
	test_record_fields();
	test_record_clear();
	test_record_add_field_n();
	test_record_add_field_own();
	test_record_set_own();
	test_record_provider_is();
	return check_report();
}
