/* api_session: opening and closing a session, where its rules and code
 * tables are, and loading them. */
#include "api_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_codes.h"
#include "nd_exe.h"
#include "nd_file.h"
#include "nd_db.h"

int api_fail(npsdiag_error *out, const nd_error *e)
{
	if (out)
		snprintf(out->message, sizeof(out->message), "%s", e->message);
	return -1;
}

const char *npsdiag_version(void)
{
	return NPSDIAG_VERSION;
}

int npsdiag_rules_dir(char *buf, size_t size, npsdiag_error *err)
{
	static const char *const beside[] = {"rules", "../share/npsdiag/rules"};
	const char *env = getenv("NPSDIAG_RULES");
	char exe[API_PATH_MAX];
	nd_error e;
	size_t i;

	if (env && *env) {
		if ((size_t)snprintf(buf, size, "%s", env) < size)
			return 0;
		nd_error_set(&e, "$NPSDIAG_RULES is too long");
		return api_fail(err, &e);
	}
	if (nd_exe_dir(exe, sizeof(exe)) == 0)
		for (i = 0; i < sizeof(beside) / sizeof(beside[0]); i++)
			if ((size_t)snprintf(buf, size, "%s/%s", exe, beside[i]) < size && nd_file_is_dir(buf))
				return 0;
	nd_error_set(&e, "no rules directory: none beside the executable (rules/, ../share/npsdiag/rules); "
			 "set NPSDIAG_RULES");
	return api_fail(err, &e);
}

/* Returns the code tables directory: codes/ of the last rule directory
 * (the shipped one first) that has one. Returns 0, or -1 with err set. */
static int find_codes(npsdiag_session *s, nd_error *err)
{
	char path[API_PATH_MAX];
	size_t i;

	if ((size_t)snprintf(s->codes, sizeof(s->codes), "%s/codes", s->shipped) >= sizeof(s->codes))
		return nd_error_set(err, "%s: path too long", s->shipped);
	for (i = 0; i < s->ndirs; i++)
		if ((size_t)snprintf(path, sizeof(path), "%s/codes", s->dirs[i]) < sizeof(path) && nd_file_is_dir(path))
			memcpy(s->codes, path, sizeof(path));
	return 0;
}

int npsdiag_open(npsdiag_session **out, const npsdiag_options *o, npsdiag_error *err)
{
	static const nd_diagnose_params defaults = ND_DIAGNOSE_DEFAULTS;
	npsdiag_session *s = calloc(1, sizeof(*s));
	nd_file_info info;
	nd_error e;
	size_t i;

	*out = NULL;
	if (!s || (o->nrule_dirs && !(s->dirs = calloc(o->nrule_dirs, sizeof(char *))))) {
		free(s);
		nd_error_set(&e, "out of memory");
		return api_fail(err, &e);
	}
	s->mode = o->mode;
	s->params = defaults;
	if (s->mode != NPSDIAG_NO_DATABASE && !o->db) {
		nd_error_set(&e, "no database given");
		goto failed;
	}
	for (i = 0; i < o->nrule_dirs; i++, s->ndirs++)
		if (!(s->dirs[i] = strdup(o->rule_dirs[i]))) {
			nd_error_set(&e, "out of memory");
			goto failed;
		}
	if (npsdiag_rules_dir(s->shipped, sizeof(s->shipped), err) != 0) {
		npsdiag_close(s);
		return -1;
	}
	if (find_codes(s, &e) != 0)
		goto failed;
	if (s->mode == NPSDIAG_READ && !nd_store_is_server(o->db) && nd_file_stat(o->db, 1, &info) != 0) {
		nd_error_set(&e, "%s: no such database: ingest logs into it first", o->db);
		goto failed;
	}
	if (s->mode != NPSDIAG_NO_DATABASE && nd_store_open(&s->store, o->db, &e) != 0)
		goto failed;
	if (s->mode == NPSDIAG_WRITE && api_need_codes(s, &e) != 0)
		goto failed;
	*out = s;
	return 0;
failed:
	npsdiag_close(s);
	return api_fail(err, &e);
}

int npsdiag_store_describe(npsdiag_session *s, npsdiag_store_info *info, npsdiag_error *err)
{
	nd_stmt *st = NULL;
	nd_error e;
	int rc;

	memset(info, 0, sizeof(*info));
	if (!s->store) {
		nd_error_set(&e, "no database in this session");
		return api_fail(err, &e);
	}
	info->readonly = nd_store_readonly(s->store);
	/* One aggregate per SELECT: SQLite answers a lone min() or max() from
	 * the end of the ts index, but scans that index for both at once. */
	if (nd_db_prepare(nd_store_db(s->store), "SELECT (SELECT min(ts) FROM events), (SELECT max(ts) FROM events)", 0,
			  &st, "events", &e) != 0 ||
	    (rc = nd_db_step(st, "events", &e)) < 0) {
		nd_db_finalize(st);
		return api_fail(err, &e);
	}
	if (rc == 1 && !nd_db_column_null(st, 0)) {
		info->has_events = 1;
		info->first_ts = nd_db_column_int64(st, 0);
		info->last_ts = nd_db_column_int64(st, 1);
	}
	nd_db_finalize(st);
	return 0;
}

void npsdiag_close(npsdiag_session *s)
{
	size_t i;

	if (!s)
		return;
	nd_store_close(s->store);
	if (s->rules_loaded)
		nd_rules_free(&s->rules);
	for (i = 0; i < s->ndirs; i++)
		free(s->dirs[i]);
	free(s->dirs);
	free(s);
}

int api_load_rules(const npsdiag_session *s, nd_rules *r, nd_error *err)
{
	size_t i;

	if (nd_rules_init(r, err) != 0 || nd_rules_load_dir(r, s->shipped, err) != 0)
		return -1;
	for (i = 0; i < s->ndirs; i++)
		if (nd_rules_load_dir(r, s->dirs[i], err) != 0)
			return -1;
	return 0;
}

int api_need_rules(npsdiag_session *s, nd_error *err)
{
	nd_rules r;

	if (s->rules_loaded)
		return 0;
	if (api_load_rules(s, &r, err) != 0) {
		nd_rules_free(&r);
		return -1;
	}
	s->rules = r;
	s->rules_loaded = 1;
	return 0;
}

int api_need_codes(npsdiag_session *s, nd_error *err)
{
	if (s->codes_loaded)
		return 0;
	if (!s->store)
		return nd_error_set(err, "no database in this session");
	/* nd_codes_load takes the write lock only when the tables must change. */
	if (nd_codes_load(s->store, s->codes, err) != 0)
		return -1;
	s->codes_loaded = 1;
	return 0;
}

int api_writable(const npsdiag_session *s, const char *what, nd_error *err)
{
	if (s->mode == NPSDIAG_WRITE)
		return 1;
	nd_error_set(err, "%s needs a session opened for writing", what);
	return 0;
}
