/* Unit tests of src/store/nd_store_prep: what a record prepared for a
 * family says of its typed columns, names and rest, that it holds for that
 * family only, and that a change of the record empties it.
 *
 *   test_nd_store_prep [TMPDIR [SRCDIR]] */
#include <string.h>

#include "check.h"
#include "nd_fields.h"
#include "nd_store_prep.h"

/* Returns the index of the typed column called name of f, or -1. */
static int col_index(const nd_family *f, const char *name)
{
	size_t i;

	for (i = 0; f && i < f->ncolumns; i++)
		if (strcmp(f->columns[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Adds a field to ev. Returns nothing. */
static void add(nd_record *ev, const char *name, const char *value)
{
	CHECK(nd_record_add_field(ev, name, value, strlen(value)) == 0);
}

static void test_prepare(void)
{
	const nd_family *nps = nd_family_match("Microsoft-Windows-Security-Auditing", NULL, 6273);
	const nd_family *ras = nd_family_match("RasClient", NULL, 20227);
	int user = col_index(nps, "subject_user_name"), code = col_index(nps, "reason_code"),
	    reason = col_index(nps, "reason"), eap = col_index(nps, "eap_type");
	nd_store_prep *p = nd_store_prep_new();
	nd_store_prepared got;
	nd_buf key = {0};
	nd_record ev;
	int round;

	CHECK(nps && ras && nps != ras && p);
	CHECK(user >= 0 && code >= 0 && reason >= 0 && eap >= 0);
	if (!nps || !ras || !p || user < 0 || code < 0 || reason < 0 || eap < 0)
		return;
	nd_record_init(&ev);
	add(&ev, "SubjectUserName", "alice");
	add(&ev, "ReasonCode", "0x10");
	add(&ev, "Reason", "bad");
	add(&ev, "Extra", "x");
	add(&ev, NULL, "y");
	CHECK(nd_store_prep_get(&ev, nps, &got) == 0);
	/* twice: the second time from the layout remembered */
	for (round = 0; round < 2; round++) {
		CHECK(nd_store_prep_record(p, nps, &ev) == 0);
		CHECK(nd_store_prep_get(&ev, ras, &got) == 0);
		CHECK(nd_store_prep_get(&ev, nps, &got) == 1);
		CHECK(got.cols[user].kind == ND_STORE_COL_TEXT && got.cols[user].pos == 0);
		CHECK(got.cols[code].kind == ND_STORE_COL_CODE && got.cols[code].code == 16);
		CHECK(got.cols[reason].kind == ND_STORE_COL_TEXT && got.cols[reason].pos == 2);
		CHECK(got.cols[eap].kind == ND_STORE_COL_NULL);
		CHECK(nd_fields_names_key(&key, ev.fields, ev.nfields) == 0);
		CHECK(got.key_len == key.len && memcmp(got.key, key.data, key.len) == 0);
		/* "0x10" is not the "16" the typed row gives back: kept */
		CHECK_STR(got.rest, "{\"1\":\"0x10\",\"3\":\"x\",\"4\":\"y\"}");
	}
	/* a change of the fields empties it; prepared again, it follows */
	CHECK(nd_record_set_field_value(&ev, 1, "16", 2) == 0);
	CHECK(nd_store_prep_get(&ev, nps, &got) == 0);
	CHECK(nd_store_prep_record(p, nps, &ev) == 0 && nd_store_prep_get(&ev, nps, &got) == 1);
	CHECK_STR(got.rest, "{\"3\":\"x\",\"4\":\"y\"}");
	/* the widest code and 0 read back as the typed row gives them */
	CHECK(nd_record_set_field_value(&ev, 1, "4294967295", 10) == 0);
	CHECK(nd_store_prep_record(p, nps, &ev) == 0 && nd_store_prep_get(&ev, nps, &got) == 1);
	CHECK(got.cols[code].code == 4294967295u);
	CHECK_STR(got.rest, "{\"3\":\"x\",\"4\":\"y\"}");
	CHECK(nd_record_set_field_value(&ev, 1, "0", 1) == 0);
	CHECK(nd_store_prep_record(p, nps, &ev) == 0 && nd_store_prep_get(&ev, nps, &got) == 1);
	CHECK(got.cols[code].kind == ND_STORE_COL_CODE && got.cols[code].code == 0);
	CHECK_STR(got.rest, "{\"3\":\"x\",\"4\":\"y\"}");
	CHECK(nd_record_set_field_name(&ev, 3, "EAPType") == 0);
	CHECK(nd_store_prep_get(&ev, nps, &got) == 0);
	CHECK(nd_store_prep_record(p, nps, &ev) == 0 && nd_store_prep_get(&ev, nps, &got) == 1);
	CHECK(got.cols[eap].kind == ND_STORE_COL_TEXT && got.cols[eap].pos == 3);
	CHECK_STR(got.rest, "{\"4\":\"y\"}");
	/* changed past nd_record_*: fewer fields, or another binary, are not taken for prepared */
	ev.nfields--;
	CHECK(nd_store_prep_get(&ev, nps, &got) == 0);
	ev.nfields++;
	CHECK(nd_store_prep_get(&ev, nps, &got) == 1);
	{
		char *was = ev.binary, other[] = "10000000";

		ev.binary = other;
		CHECK(nd_store_prep_get(&ev, nps, &got) == 0);
		ev.binary = was;
	}
	/* cleared: nothing prepared; without fields an empty key, no rest */
	nd_record_clear(&ev);
	CHECK(nd_store_prep_get(&ev, nps, &got) == 0);
	CHECK(nd_store_prep_record(p, nps, &ev) == 0 && nd_store_prep_get(&ev, nps, &got) == 1);
	CHECK(got.key_len == 0 && got.rest == NULL && got.cols[user].kind == ND_STORE_COL_NULL);
	nd_record_reset(&ev);
	nd_buf_free(&key);
	nd_store_prep_free(p);
	nd_store_prep_free(NULL);
}

int main(void)
{
	test_prepare();
	return check_report();
}
