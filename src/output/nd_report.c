#include "nd_report.h"

#include <stdlib.h>

#include "nd_report_data.h"

/* Puts the selected incident ids in the temporary table report_ids that
 * the report queries join. Returns 0, or -1 with err set. */
static int select_into_temp(sqlite3 *db, const nd_print_filter *f, nd_error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t *ids = NULL;
	size_t n, i;
	int rc = 0;

	if (nd_select_incidents(db, f, &ids, &n, err) != 0)
		return -1;
	if (sqlite3_exec(db, "CREATE TEMP TABLE IF NOT EXISTS report_ids(id INTEGER PRIMARY KEY);"
			     "DELETE FROM report_ids;", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO report_ids(id) VALUES(?1)", -1, &st, NULL) != SQLITE_OK)
		rc = -1;
	for (i = 0; rc == 0 && i < n; i++) {
		sqlite3_bind_int64(st, 1, ids[i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = -1;
		sqlite3_reset(st);
	}
	if (rc != 0)
		nd_error_set(err, "database: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	free(ids);
	return rc;
}

int nd_report_write(sqlite3 *db, const nd_print_filter *f, const nd_report_options *o, FILE *out, nd_error *err)
{
	nd_rep r = {db, o, out, {0}, 0, err};
	int rc;

	nd_error_clear(err);
	if (select_into_temp(db, f, err) != 0)
		return -1;
	switch (o->format) {
	case ND_REPORT_HTML:
		rc = nd_report_html(&r);
		break;
	case ND_REPORT_MD:
		rc = nd_report_md(&r);
		break;
	default:
		rc = nd_report_csv(&r);
		break;
	}
	if (rc == 0 && r.rc == 0 && r.b.len && fwrite(r.b.data, 1, r.b.len, out) != r.b.len)
		r.rc = -1;
	nd_buf_free(&r.b);
	if (rc == 0 && (r.rc != 0 || fflush(out) != 0))
		return nd_error_set(err, "cannot write the report (out of memory or disk full)");
	return rc;
}
