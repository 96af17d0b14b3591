/* Unit tests of nd_cert_evidence_attach on facts columns written by hand
 * (docs/diagnose.md, incident_facts): a column that is no JSON array of
 * [name, value] (two strings) and null (not JSON, not an array, elements
 * that are not pairs of strings, text after it, cut, huge, deep, a NUL
 * inside) fails naming its incident, and no incident's column changes,
 * the ones already attached to in the same run included; a good column
 * stays as written up to its last element (nulls too), the fact after it. Usage:
 * test_nd_cert_evidence TMP_DIR SRC_DIR. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "nd_cert.h"
#include "nd_cert_evidence.h"
#include "nd_db.h"
#include "nd_incidents.h"
#include "nd_store.h"

/* The facts of incident 1 (a good column, attached to before incident 2). */
#define FACTS_1 "[[\"nps.A\",\"x\"]]"

/* Stores incidents 1, 2 and 3 of cause c, their facts column NULL.
 * Returns 0, or -1. */
static int make_incidents(nd_store *s)
{
	nd_error err;

	if (nd_incidents_begin(s, &err) != 0 || nd_incidents_clear(s, &err) != 0 ||
	    nd_db_exec(nd_store_db(s),
		       "INSERT INTO incidents(id, kind, cause_id, confidence, match, count, paired, first_ts, last_ts,"
		       " first_time, last_time, status) VALUES"
		       " (1, 'incident', 'c', 'likely', 'client-only', 1, 0, 1, 1, 'x', 'x', 'open'),"
		       " (2, 'incident', 'c', 'likely', 'client-only', 1, 0, 2, 2, 'x', 'x', 'open'),"
		       " (3, 'incident', 'c', 'likely', 'client-only', 1, 0, 3, 3, 'x', 'x', 'open')",
		       "t", &err) != 0 ||
	    nd_store_commit(s, &err) != 0) {
		fprintf(stderr, "make_incidents: %s\n", err.message);
		return -1;
	}
	return 0;
}

/* Sets the facts column of incident id to text (NULL: SQL NULL), followed
 * by a NUL and tail when tail is not NULL. Returns 0, or -1. */
static int set_facts(nd_db *db, int64_t id, const char *text, const char *tail)
{
	nd_stmt *st = NULL;
	int rc = nd_db_prepare(db, "UPDATE incidents SET facts = ? || coalesce(char(0) || ?, '') WHERE id = ?", 0, &st,
			       "t", NULL) == 0 &&
			 nd_db_bind_text(st, 1, text, "t", NULL) == 0 && nd_db_bind_text(st, 2, tail, "t", NULL) == 0 &&
			 nd_db_bind_int64(st, 3, id, "t", NULL) == 0 && nd_db_step(st, "t", NULL) == 0
		     ? 0
		     : -1;

	nd_db_finalize(st);
	return rc;
}

/* Copies every incident's facts column, byte for byte (hex), into out.
 * Returns out. */
static const char *all_facts(nd_db *db, char *out, size_t n)
{
	nd_stmt *st = NULL;

	snprintf(out, n, "(failed)");
	if (nd_db_prepare(db,
			  "SELECT group_concat(id || ':' || coalesce(hex(facts), 'NULL'), ' ') FROM"
			  " (SELECT id, facts FROM incidents ORDER BY id) d",
			  0, &st, "t", NULL) == 0 &&
	    nd_db_step(st, "t", NULL) == 1 && nd_db_column_text(st, 0))
		snprintf(out, n, "%s", nd_db_column_text(st, 0));
	nd_db_finalize(st);
	return out;
}

/* Returns the facts column of incident id as text ("NULL" for none), cut
 * at a NUL, in out. */
static const char *facts_of(nd_db *db, int64_t id, char *out, size_t n)
{
	nd_stmt *st = NULL;

	snprintf(out, n, "(failed)");
	if (nd_db_prepare(db, "SELECT coalesce(facts, 'NULL') FROM incidents WHERE id = ?", 0, &st, "t", NULL) == 0 &&
	    nd_db_bind_int64(st, 1, id, "t", NULL) == 0 && nd_db_step(st, "t", NULL) == 1)
		snprintf(out, n, "%s", nd_db_column_text(st, 0));
	nd_db_finalize(st);
	return out;
}

/* A column of incident 2 that attach must refuse: text, then a NUL and
 * tail when tail is not NULL. */
typedef struct bad_column {
	const char *text, *tail;
} bad_column;

/* Attaches to incident 2 holding each bad column in turn (incident 1
 * holding FACTS_1, incident 3 none): each fails naming incident 2, and
 * no column changes. */
static void test_bad(nd_store *s, const nd_cert_set *set)
{
	static char huge[1 << 20], deep[4096];
	static const bad_column bad[] = {
	    {"", NULL},
	    {"not json", NULL},
	    {"{\"a\":\"b\"}", NULL},
	    {"\"a\"", NULL},
	    {"[1]", NULL},
	    {"[\"a\",\"b\"]", NULL},
	    {"[[]]", NULL},
	    {"[[\"a\"]]", NULL},
	    {"[[\"a\",\"b\",\"c\"]]", NULL},
	    {"[[\"a\",1]]", NULL},
	    {"[[1,\"b\"]]", NULL},
	    {"[[\"a\",null]]", NULL},
	    {"[[\"a\",true]]", NULL},
	    {"[[a,b]]", NULL},
	    {"[[\"a\",[\"b\"]]]", NULL},
	    {"[[\"a\",{\"b\":1}]]", NULL},
	    {"[[\"a\" \"b\"]]", NULL},
	    {"[[\"a\",\"b\"],]", NULL},
	    {"[[\"a\",\"b\"]] x", NULL},
	    {"[[\"a\",\"b\"]][]", NULL},
	    {"[[\"a\",\"b\"]", NULL},
	    {"[[\"a\",\"b", NULL},
	    {"[[\"a\",\"b\\", NULL},
	    {"[[\"a\",\"\\u12\"]]", NULL},
	    {"[[\"a\",\"\\q\"]]", NULL},
	    {"[nul]", NULL},
	    {"[[\"a\",\"b\"][]", NULL},               /* a [ after an element opens nothing */
	    {"[null[]", NULL},
	    {"[[\"a\",\"b\"],null[]", NULL},
	    {"[null[[\"a\",\"b\"]]", NULL},
	    {"[[\"a\",\"b\"][[\"c\",\"d\"]]", NULL},
	    {"[[\"a\",\"b\"]]", "junk"},           /* a NUL after the array */
	    {"[[\"a\",\"b\"]", ",[\"c\",\"d\"]]"}, /* a NUL inside it */
	    {"[[\"a\",\"b\"],null]", ""},          /* a NUL at the end */
	    {huge, NULL},                          /* cut, 1 MB in */
	    {deep, NULL},                          /* 4095 brackets deep */
	};
	static char before[1 << 22], after[1 << 22]; /* the huge column in hex */
	nd_db *db = nd_store_db(s);
	size_t k;

	memset(huge, 'x', sizeof(huge) - 1);
	memcpy(huge, "[[\"a\",\"", 7);
	memset(deep, '[', sizeof(deep) - 1);
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		nd_error err;
		int refused;

		CHECK(set_facts(db, 1, FACTS_1, NULL) == 0 && set_facts(db, 2, bad[k].text, bad[k].tail) == 0 &&
		      set_facts(db, 3, NULL, NULL) == 0);
		all_facts(db, before, sizeof(before));
		nd_error_clear(&err);
		/* attach refuses the column, naming incident 2 */
		refused = nd_cert_evidence_attach(s, set, &err) == -1 &&
			  strstr(err.message, "incident 2: its facts column") != NULL;
		CHECK(refused);
		if (!refused)
			fprintf(stderr, "  bad column %zu (%.40s): %s\n", k, bad[k].text, err.message);
		CHECK_STR(all_facts(db, after, sizeof(after)), before);
	}
}

/* Attaches to good columns: the fact after the others, their nulls and
 * white space kept; none or an empty array starts anew. */
static void test_good(nd_store *s, const nd_cert_set *set)
{
	static const char *const good[][2] = {
	    {NULL, "[[\"cert.x\",\"m \\\"1\\\"\"]]"},
	    {"[]", "[[\"cert.x\",\"m \\\"1\\\"\"]]"},
	    {" [ \n] ", "[[\"cert.x\",\"m \\\"1\\\"\"]]"},
	    {"[null]", "[null,[\"cert.x\",\"m \\\"1\\\"\"]]"},
	    {" [ [\"a\" , \"b\\u00e9\"] , null ] ", " [ [\"a\" , \"b\\u00e9\"] , null,[\"cert.x\",\"m \\\"1\\\"\"]]"},
	    {"[[\"a\",\"\"],null,[\"b\",\"c\"]]", "[[\"a\",\"\"],null,[\"b\",\"c\"],[\"cert.x\",\"m \\\"1\\\"\"]]"},
	};
	nd_db *db = nd_store_db(s);
	char got[512];
	size_t k;

	for (k = 0; k < sizeof(good) / sizeof(good[0]); k++) {
		nd_error err;

		CHECK(set_facts(db, 1, FACTS_1, NULL) == 0 && set_facts(db, 2, good[k][0], NULL) == 0 &&
		      set_facts(db, 3, NULL, NULL) == 0);
		nd_error_clear(&err);
		CHECK(nd_cert_evidence_attach(s, set, &err) == 3);
		CHECK_STR(facts_of(db, 1, got, sizeof(got)), "[[\"nps.A\",\"x\"],[\"cert.x\",\"m \\\"1\\\"\"]]");
		CHECK_STR(facts_of(db, 2, got, sizeof(got)), good[k][1]);
		CHECK_STR(facts_of(db, 3, got, sizeof(got)), "[[\"cert.x\",\"m \\\"1\\\"\"]]");
	}
}

int main(int argc, char **argv)
{
	char path[4096], message[] = "m \"1\"";
	nd_cert_finding f = {"x", ND_CERT_ERROR, 0, NULL, "c", message, NULL};
	nd_cert_set set;
	nd_store *s = NULL;
	nd_error err;

	if (argc != 3) {
		fprintf(stderr, "usage: test_nd_cert_evidence TMP_DIR SRC_DIR\n");
		return 2;
	}
	/* a chain without certificates (no leaf: any user) and one finding of cause c */
	memset(&set, 0, sizeof(set));
	set.findings = &f;
	set.nfindings = 1;
	snprintf(path, sizeof(path), "%s/cert_evidence.db", argv[1]);
	remove(path);
	CHECK(nd_store_open(&s, path, &err) == 0);
	if (s && make_incidents(s) == 0) {
		test_bad(s, &set);
		test_good(s, &set);
	}
	if (s)
		nd_store_close(s);
	return check_report();
}
