#include "nd_cert_evidence.h"

#include <stdlib.h>
#include <string.h>

#include "nd_buf.h"
#include "nd_evidence.h"
#include "nd_db.h"
#include "nd_incidents.h"

/* Returns the leaf of the set, or NULL. */
static const nd_cert *leaf_of(const nd_cert_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->v[i].role == ND_CERT_LEAF)
			return &set->v[i];
	return NULL;
}

/* Copies the CN of an RFC 2253 subject into b (NUL-terminated). Returns
 * 1 when the subject has one, else 0 (or -1 when out of memory). */
static int subject_cn(const char *subject, nd_buf *b)
{
	const char *p = subject, *e;

	nd_buf_reset(b);
	while (p && *p) {
		if (strncmp(p, "CN=", 3) == 0) {
			p += 3;
			for (e = p; *e && *e != ','; e++)
				if (*e == '\\' && e[1])
					e++;
			return nd_buf_append(b, p, (size_t)(e - p)) == 0 && nd_buf_append(b, "", 0) == 0 ? 1 : -1;
		}
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 0;
}

int nd_cert_user_init(nd_cert_user *u, const nd_cert_set *set)
{
	memset(u, 0, sizeof(*u));
	u->leaf = leaf_of(set);
	return u->leaf && subject_cn(u->leaf->subject, &u->cn) < 0 ? -1 : 0;
}

void nd_cert_user_free(nd_cert_user *u)
{
	nd_buf_free(&u->cn);
}

/* Returns 1 if the leaf's user (its UPNs, else its CN) is user or
 * identity, or if the leaf names no user; else 0. */
static int is_user(const nd_cert_user *u, const char *user, const char *identity)
{
	size_t i;

	if (!u->leaf || (!u->leaf->upns.n && !u->cn.len))
		return 1;
	for (i = 0; i < u->leaf->upns.n; i++)
		if (nd_evidence_same_user(u->leaf->upns.v[i], user) ||
		    nd_evidence_same_user(u->leaf->upns.v[i], identity))
			return 1;
	return !u->leaf->upns.n && (nd_evidence_same_user(u->cn.data, user) || nd_evidence_same_user(u->cn.data, identity));
}

/* Returns 1 when signature ("ERROR/REASON") is t's, else 0. */
static int same_signature(const char *signature, const nd_cert_target *t)
{
	long long error, reason;
	char *end;

	if (!signature)
		return 0;
	error = strtoll(signature, &end, 10);
	if (*end != '/')
		return 0;
	reason = strtoll(end + 1, &end, 10);
	return *end == '\0' && t->has_nps_reason && t->nps_reason == reason &&
	       (!t->has_client_error || t->client_error == error);
}

int nd_cert_explains(const nd_cert_user *u, const nd_cert_finding *f, const nd_cert_target *t)
{
	if (f->severity == ND_CERT_NOTE || !t->cause)
		return 0;
	if (!(f->cause && strcmp(f->cause, t->cause) == 0) && !same_signature(f->signature, t))
		return 0;
	return is_user(u, t->user, t->identity);
}

long nd_cert_evidence_match(nd_store *s, const nd_cert_set *set, nd_cert_evidence_fn fn, void *ctx, nd_error *err)
{
	nd_cert_user u;
	nd_stmt *st = NULL;
	nd_buf name = {0};
	long count = 0;
	int rc;

	if (nd_cert_user_init(&u, set) != 0) {
		nd_cert_user_free(&u);
		return nd_error_set(err, "out of memory");
	}
	if (nd_db_prepare(nd_store_db(s),
			  "SELECT id, cause_id, user_name, identity, client_error, nps_reason FROM incidents"
			  " WHERE kind = 'incident' ORDER BY id",
			  0, &st, "incidents", err) != 0) {
		nd_cert_user_free(&u);
		return -1;
	}
	while ((rc = nd_db_step(st, "incidents", err)) == 1) {
		int64_t id = nd_db_column_int64(st, 0);
		nd_cert_target t;
		size_t i;

		t.cause = nd_db_column_text(st, 1);
		t.user = nd_db_column_text(st, 2);
		t.identity = nd_db_column_text(st, 3);
		t.has_client_error = !nd_db_column_null(st, 4);
		t.client_error = nd_db_column_int64(st, 4);
		t.has_nps_reason = !nd_db_column_null(st, 5);
		t.nps_reason = nd_db_column_int64(st, 5);
		for (i = 0; i < set->nfindings; i++) {
			const nd_cert_finding *f = &set->findings[i];

			if (!nd_cert_explains(&u, f, &t))
				continue;
			nd_buf_reset(&name);
			if (nd_buf_printf(&name, "cert.%s", f->id) != 0) {
				rc = nd_error_set(err, "out of memory");
				break;
			}
			if (fn(ctx, id, name.data, f->message, err) != 0) {
				rc = -1;
				break;
			}
			count++;
		}
		if (rc < 0)
			break;
	}
	if (rc != 0)
		nd_db_reset(st);
	nd_db_finalize(st);
	nd_cert_user_free(&u);
	nd_buf_free(&name);
	return rc < 0 ? -1 : count;
}

/* The statements of nd_cert_evidence_attach: an incident's facts column
 * read and written back, and the column being built. */
typedef struct attach {
	nd_stmt *get, *set;
	nd_buf json, name, value; /* name, value: a fact of the old column, read to check it */
} attach;

/* Appends one fact after the incident's others, in its facts column
 * (nd_incidents_fact_put), its empty positions (nulls) kept; a column
 * with no element (NULL, an empty array) starts anew. One that is no
 * array of facts (written by hand: not JSON, elements that are not two
 * strings, text after the array, a NUL inside, which would cut what is
 * read and so what is written back) fails naming the incident, and the
 * caller rolls back: no column changes. Returns 0, or -1 with err. */
static int append_fact(void *ctx, int64_t incident, const char *name, const char *value, nd_error *err)
{
	attach *a = ctx;
	const char *old, *p;
	size_t n = 0, keep = 0;
	int rc;

	nd_buf_reset(&a->json);
	if (nd_db_bind_int64(a->get, 1, incident, "incident facts", err) != 0 ||
	    (rc = nd_db_step(a->get, "incident facts", err)) < 0) {
		nd_db_reset(a->get);
		return -1;
	}
	old = rc == 1 ? nd_db_column_text(a->get, 0) : NULL;
	/* the array up to its closing bracket, the fact after its others */
	for (p = old, rc = 0; p && (rc = nd_incidents_fact_next(&p, &a->name, &a->value)) == 1;)
		;
	if (rc < 0 || nd_db_column_cut(a->get, 0)) {
		nd_db_reset(a->get);
		return rc < 0 ? nd_error_set(err,
					     "incident %lld: its facts column is no JSON array of [name, value] (two"
					     " strings) and null; nothing attached",
					     (long long)incident)
			      : nd_error_set(err, "incident %lld: its facts column holds a NUL byte; nothing attached",
					     (long long)incident);
	}
	keep = old ? nd_incidents_facts_kept(old) : 0;
	rc = keep ? nd_buf_append(&a->json, old, keep) : 0;
	nd_db_reset(a->get);
	if (rc != 0 || nd_incidents_fact_put(&a->json, &n, 1, name, value) != 0 ||
	    nd_incidents_facts_end(&a->json) != 0)
		return nd_error_set(err, "out of memory");
	rc = nd_db_bind_text(a->set, 1, a->json.data, "incident facts", err) ||
		     nd_db_bind_int64(a->set, 2, incident, "incident facts", err) ||
		     nd_db_step(a->set, "incident facts", err) < 0
		 ? -1
		 : 0;
	nd_db_reset(a->set);
	return rc;
}

long nd_cert_evidence_attach(nd_store *s, const nd_cert_set *set, nd_error *err)
{
	attach a = {NULL, NULL, {0}, {0}, {0}};
	long n = -1;

	if (nd_store_begin(s, err) != 0)
		return -1;
	/* A diagnose rewriting the results (between the parts of a renewal
	 * too: its results would replace this attach's), or another attach,
	 * waits: each column is read and written back (PostgreSQL's READ
	 * COMMITTED would let two attaches lose one's fact). */
	if (nd_incidents_turn(s, err) == 0 &&
	    nd_db_prepare(nd_store_db(s), "SELECT facts FROM incidents WHERE id = ?", 0, &a.get, "incident facts",
			  err) == 0 &&
	    nd_db_prepare(nd_store_db(s), "UPDATE incidents SET facts = ? WHERE id = ?", 0, &a.set, "incident facts",
			  err) == 0)
		n = nd_cert_evidence_match(s, set, append_fact, &a, err);
	nd_db_finalize(a.get);
	nd_db_finalize(a.set);
	nd_buf_free(&a.json);
	nd_buf_free(&a.name);
	nd_buf_free(&a.value);
	if (n < 0 || nd_store_commit(s, err) != 0) {
		nd_store_rollback(s);
		return -1;
	}
	return n;
}
