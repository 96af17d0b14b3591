#define PCRE2_CODE_UNIT_WIDTH 8
#include "nd_select.h"

#include <pcre2.h>
#include <string.h>

#include "nd_ascii.h"
#include "nd_identity.h"
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

/* Returns 1 when a and b are equal ASCII case-insensitively up to their
 * first dot (or end), else 0. */
static int same_label(const char *a, const char *b)
{
	for (; *a && *a != '.' && nd_ascii_lower((unsigned char)*a) == nd_ascii_lower((unsigned char)*b); a++, b++)
		;
	return (!*a || *a == '.') && (!*b || *b == '.');
}

/* Returns 1 when the account u (parsed from what the user wrote) is the
 * account id (parsed from an incident's user name or identity): same user,
 * or u names a device without its "$"; and u has no domain, or the same
 * domain, or one with the same first label (LAB and lab.example). Else 0. */
static int same_account(const nd_identity *u, const nd_identity *id)
{
	size_t n = strlen(u->user);

	if (strcmp(u->user, id->user) != 0 && !(strncmp(u->user, id->user, n) == 0 && strcmp(id->user + n, "$") == 0))
		return 0;
	return !u->domain[0] || strcmp(u->domain, id->domain) == 0 || same_label(u->domain, id->domain);
}

int nd_select_user_matches(const char *user, const char *user_name, const char *identity)
{
	const char *forms[2] = {user_name, identity};
	nd_identity u, id;
	size_t i;

	for (i = 0; i < 2; i++)
		if (forms[i] && nd_ascii_casecmp(user, forms[i]) == 0)
			return 1;
	if (nd_identity_parse(user, NULL, &u) != 0)
		return 0;
	for (i = 0; i < 2; i++)
		if (forms[i] && nd_identity_parse(forms[i], NULL, &id) == 0 && same_account(&u, &id))
			return 1;
	return 0;
}

/* Returns 1 when host (as given) names the host value v: the same name, or
 * the same first DNS label when either is a short name; else 0. */
static int host_is(const char *host, const char *v)
{
	if (!v)
		return 0;
	if (nd_ascii_casecmp(host, v) == 0)
		return 1;
	return (!strchr(host, '.') || !strchr(v, '.')) && same_label(host, v);
}

/* Checks that the results know cause. Returns 0, or -1 with err set. */
static int check_cause(nd_db *db, const char *cause, nd_error *err)
{
	nd_stmt *st = NULL;
	int step;

	if (nd_db_prepare(db, "SELECT 1 FROM causes WHERE cause_id = ?", 0, &st,
			  "results (has diagnose run on this database?)", err) != 0 ||
	    nd_db_bind_text(st, 1, cause, "causes", err) != 0 || (step = nd_db_step(st, "causes", err)) < 0) {
		nd_db_finalize(st);
		return -1;
	}
	nd_db_finalize(st);
	if (step == 0)
		return nd_error_set(err, "--cause '%s': no such cause in these results (npsdiag causes lists the ids)",
				    cause);
	return 0;
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
	if (f->cause && check_cause(db, f->cause, err) != 0)
		return -1;
	if (f->user_regex) {
		re = pcre2_compile((PCRE2_SPTR)f->user_regex, PCRE2_ZERO_TERMINATED,
				   PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &code, &off, NULL);
		if (!re) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(code, msg, sizeof(msg));
			return nd_error_set(err, "--user-regex '%s': bad pattern at offset %zu: %s", f->user_regex,
					    (size_t)off, (const char *)msg);
		}
		if (!(md = pcre2_match_data_create(1, NULL)))
			goto oom;
	}
	if (nd_db_prepare(db,
			  "SELECT id, kind, user_name, identity, client, vpn_server, nps_server FROM incidents"
			  " WHERE cause_id = coalesce(?1, cause_id) AND last_ts >= coalesce(?2, last_ts)"
			  " AND first_ts <= coalesce(?3, first_ts) AND id >= ?4 ORDER BY id",
			  0, &st, "results (has diagnose run on this database?)", err) != 0 ||
	    (f->cause && nd_db_bind_text(st, 1, f->cause, "results", err) != 0) ||
	    (f->since && nd_db_bind_int64(st, 2, f->since_ts, "results", err) != 0) ||
	    (f->until && nd_db_bind_int64(st, 3, f->until_ts, "results", err) != 0) ||
	    nd_db_bind_int64(st, 4, f->first_id, "results", err) != 0)
		goto out;
	while ((step = nd_db_step(st, "results", err)) == 1) {
		int finding = strcmp(text(st, 1), "finding") == 0;

		if ((re && (finding || !user_ok(re, md, text(st, 2), text(st, 3)))) ||
		    (f->user && (finding || !nd_select_user_matches(f->user, text(st, 2), text(st, 3)))) ||
		    (f->host && !host_is(f->host, text(st, 4)) && !host_is(f->host, text(st, 5)) &&
		     !host_is(f->host, text(st, 6))))
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
