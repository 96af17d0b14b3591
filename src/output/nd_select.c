#define PCRE2_CODE_UNIT_WIDTH 8
#include "nd_select.h"

#include <pcre2.h>
#include <string.h>

#include "nd_db.h"
#include "nd_vec.h"

/* Returns column c as text or NULL. */
static const char *text(nd_stmt *st, int c)
{
	return nd_db_column_text(st, c);
}

/* Returns 1 if the incident's user or identity matches the pattern. */
static int user_ok(pcre2_code *re, pcre2_match_data *md, const char *user, const char *identity)
{
	return (user && pcre2_match(re, (PCRE2_SPTR)user, strlen(user), 0, 0, md, NULL) >= 0) ||
	       (identity && pcre2_match(re, (PCRE2_SPTR)identity, strlen(identity), 0, 0, md, NULL) >= 0);
}

int nd_select_incidents(nd_db *db, const nd_print_filter *f, int64_t **ids, size_t *n, nd_error *err)
{
	nd_stmt *st = NULL;
	pcre2_code *re = NULL;
	pcre2_match_data *md = NULL;
	int code, step, rc = -1;
	PCRE2_SIZE off;
	size_t cap = 0;

	*ids = NULL;
	*n = 0;
	if (f->user) {
		re = pcre2_compile((PCRE2_SPTR)f->user, PCRE2_ZERO_TERMINATED,
				   PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &code, &off, NULL);
		if (!re) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(code, msg, sizeof(msg));
			return nd_error_set(err, "--user: bad pattern \"%s\" at offset %zu: %s", f->user, (size_t)off,
					    (const char *)msg);
		}
		if (!(md = pcre2_match_data_create(1, NULL)))
			goto oom;
	}
	if (nd_db_prepare(db,
			  "SELECT id, kind, user_name, identity FROM incidents WHERE (CAST(?1 AS TEXT) IS NULL OR cause_id = ?1)"
			  " AND (CAST(?2 AS INTEGER) IS NULL OR last_ts >= ?2) AND (CAST(?3 AS INTEGER) IS NULL OR first_ts <= ?3) ORDER BY id",
			  0, &st, "results (has diagnose run on this database?)", err) != 0 ||
	    (f->cause && nd_db_bind_text(st, 1, f->cause, "results", err) != 0) ||
	    (f->since && nd_db_bind_int64(st, 2, f->since_ts, "results", err) != 0) ||
	    (f->until && nd_db_bind_int64(st, 3, f->until_ts, "results", err) != 0))
		goto out;
	while ((step = nd_db_step(st, "results", err)) == 1) {
		if (re && (strcmp(text(st, 1), "finding") == 0 || !user_ok(re, md, text(st, 2), text(st, 3))))
			continue;
		if (nd_vec_reserve(ids, &cap, *n + 1, sizeof(**ids)) != 0)
			goto oom;
		(*ids)[(*n)++] = nd_db_column_int64(st, 0);
	}
	if (step < 0)
		goto out;
	rc = 0;
	goto out;
oom:
	nd_error_set(err, "out of memory");
out:
	nd_db_finalize(st);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return rc;
}
