/* Unit tests of src/store/nd_fields: the JSON of an event's fields, read
 * back by nd_fields_next and by SQLite's json functions alike, and the
 * field_names rows a writer finds again. Databases in memory. */
#include <string.h>

#include "check.h"
#include "nd_db_sqlite.h"
#include "nd_fields.h"
#include "nd_schema.h"

/* Values that need escaping, U+2400 (a NUL as stored), non-BMP, empty. */
static const char *const values[] = {
	"plain", "quo\"te \\ back", "tab\there\nnl\r\b\f", "ctl\x01\x1f", "nul\xE2\x90\x80sym", "\xF0\x9F\x98\x80 \xE7\x94\xB0", "",
};
#define NVALUES (sizeof(values) / sizeof(values[0]))

/* Fills f with values, every other one unnamed. Returns nothing. */
static void fields(nd_field *f)
{
	static char *names[] = {"A", NULL, "C/@d", NULL, "E", "F\"", NULL};
	size_t i;

	for (i = 0; i < NVALUES; i++) {
		f[i].name = names[i];
		f[i].value = (char *)(uintptr_t)values[i];
	}
}

/* Encoding and nd_fields_next give back every name and value. */
static void test_round_trip(void)
{
	nd_field f[NVALUES];
	nd_buf names = {0}, vals = {0}, out = {0};
	const char *p, *q;
	size_t i;
	int null;

	fields(f);
	CHECK(nd_fields_encode(&names, f, NVALUES, 1) == 0 && nd_fields_encode(&vals, f, NVALUES, 0) == 0);
	CHECK_STR(names.data, "[\"A\",null,\"C/@d\",null,\"E\",\"F\\\"\",null]");
	p = vals.data;
	q = names.data;
	for (i = 0; i < NVALUES; i++) {
		CHECK(nd_fields_next(&p, &out, &null) == 1 && !null);
		CHECK_STR(out.data, values[i]);
		CHECK(nd_fields_next(&q, &out, &null) == 1);
		CHECK(null == !f[i].name);
		if (f[i].name)
			CHECK_STR(out.data, f[i].name);
	}
	CHECK(nd_fields_next(&p, &out, &null) == 0);
	CHECK(nd_fields_next(&p, &out, &null) == 0);
	CHECK(nd_fields_encode(&vals, f, 0, 0) == 0);
	CHECK_STR(vals.data, "[]");
	p = vals.data;
	CHECK(nd_fields_next(&p, &out, &null) == 0);
	nd_buf_free(&names);
	nd_buf_free(&vals);
	nd_buf_free(&out);
}

/* What other writers may write: spaces, numbers, \u escapes, surrogate
 * pairs, \/; and what is not an array of scalars. */
static void test_foreign_json(void)
{
	const char *p = " [ 16 , \"a\\u00e9\\ud83d\\ude00\\/\" ,null,true ] ";
	const char *bad[] = {"", "{}", "[[1]]", "[\"open", "[\"bad\\x\"]", "[\"\\u12\"]", "[1,{}]"};
	nd_buf out = {0};
	size_t i;
	int null, rc;

	CHECK(nd_fields_next(&p, &out, &null) == 1 && !null);
	CHECK_STR(out.data, "16");
	CHECK(nd_fields_next(&p, &out, &null) == 1);
	CHECK_STR(out.data, "a\xC3\xA9\xF0\x9F\x98\x80/");
	CHECK(nd_fields_next(&p, &out, &null) == 1 && null && out.len == 0);
	CHECK(nd_fields_next(&p, &out, &null) == 1 && !null);
	CHECK_STR(out.data, "true");
	CHECK(nd_fields_next(&p, &out, &null) == 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = bad[i];
		while ((rc = nd_fields_next(&p, &out, &null)) == 1)
			;
		CHECK(rc == -1);
	}
	nd_buf_free(&out);
}

/* SQLite reads the encoding as it is meant (json_each), and escapes a
 * string as nd_fields does (json_array). */
static void test_sqlite_agrees(void)
{
	nd_field f[NVALUES];
	nd_buf vals = {0};
	nd_db *db = NULL;
	nd_stmt *st = NULL;
	nd_error err;
	size_t i = 0;
	int ro;

	fields(f);
	CHECK(nd_fields_encode(&vals, f, NVALUES, 0) == 0);
	CHECK(nd_db_sqlite_open(&db, ":memory:", 0, &ro, &err) == 0);
	CHECK(nd_db_prepare(db, "SELECT value FROM json_each(?) ORDER BY key", 0, &st, "test", &err) == 0);
	CHECK(nd_db_bind_text(st, 1, vals.data, "test", &err) == 0);
	while (nd_db_step(st, "test", &err) == 1 && i < NVALUES)
		CHECK_STR(nd_db_column_text(st, 0), values[i++]);
	CHECK(i == NVALUES);
	nd_db_finalize(st);
	for (i = 0; i < NVALUES; i++) {
		nd_buf onev = {0};

		CHECK(nd_fields_encode(&onev, &f[i], 1, 0) == 0);
		CHECK(nd_db_prepare(db, "SELECT json_array(?)", 0, &st, "test", &err) == 0);
		CHECK(nd_db_bind_text(st, 1, values[i], "test", &err) == 0);
		CHECK(nd_db_step(st, "test", &err) == 1);
		CHECK_STR(nd_db_column_text(st, 0), onev.data);
		nd_db_finalize(st);
		nd_buf_free(&onev);
	}
	nd_db_close(db);
	nd_buf_free(&vals);
}

/* The same names give the same row, also once forgotten (a rollback) and
 * after more layouts than there are slots; other names (a prefix, NULL for
 * a name, another count) another row; the row holds their JSON. */
static void test_names_of(void)
{
	nd_field f[NVALUES], g[NVALUES], h[ND_FIELDS_SLOTS];
	nd_fields_names c = {0};
	nd_db *db = NULL;
	nd_stmt *st = NULL;
	nd_error err;
	int64_t a = 0, b = 0, x = 0, y = 0;
	size_t i;
	int ro;

	fields(f);
	fields(g);
	g[0].name = NULL;
	CHECK(nd_db_sqlite_open(&db, ":memory:", 0, &ro, &err) == 0);
	CHECK(nd_schema_upgrade(db, 0, &err) == 0);
	CHECK(nd_fields_names_of(&c, db, f, NVALUES, &a, &err) == 0 && a > 0);
	CHECK(nd_fields_names_of(&c, db, g, NVALUES, &b, &err) == 0 && b > 0 && b != a);
	CHECK(nd_fields_names_of(&c, db, f, NVALUES - 1, &x, &err) == 0 && x != a && x != b);
	CHECK(nd_fields_names_of(&c, db, f, NVALUES, &y, &err) == 0 && y == a);
	nd_fields_names_forget(&c);
	CHECK(nd_fields_names_of(&c, db, f, NVALUES, &y, &err) == 0 && y == a);
	/* as many other layouts as there are slots: a run of i fields "L" */
	for (i = 0; i < ND_FIELDS_SLOTS; i++) {
		h[i].name = "L";
		h[i].value = NULL;
	}
	for (i = 1; i <= ND_FIELDS_SLOTS; i++)
		CHECK(nd_fields_names_of(&c, db, h, i, &x, &err) == 0);
	CHECK(nd_fields_names_of(&c, db, g, NVALUES, &y, &err) == 0 && y == b);
	CHECK(nd_db_prepare(db, "SELECT names FROM field_names WHERE id = ?", 0, &st, "test", &err) == 0);
	CHECK(nd_db_bind_int64(st, 1, b, "test", &err) == 0 && nd_db_step(st, "test", &err) == 1);
	CHECK_STR(nd_db_column_text(st, 0), "[null,null,\"C/@d\",null,\"E\",\"F\\\"\",null]");
	nd_db_finalize(st);
	nd_fields_names_free(&c);
	nd_db_close(db);
}

int main(void)
{
	test_round_trip();
	test_foreign_json();
	test_sqlite_agrees();
	test_names_of();
	return check_report();
}
