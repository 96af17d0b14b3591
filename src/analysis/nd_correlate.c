#include "nd_correlate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_sort.h"
#include "nd_vec.h"
#include "nd_time.h"

/* A candidate pairing of client failure c with NPS decision n. */
typedef struct candidate {
	size_t c, n;
	int64_t delta;  /* client time minus NPS time, raw clocks */
	size_t pair;    /* host pair index */
	int64_t offset; /* the host pair's estimated clock offset */
} candidate;

/* The state of one correlation run. */
typedef struct run {
	sqlite3 *db;
	nd_error *err;
	nd_domains *domains;
	nd_attempt *clients, *nps;
	size_t nclients, nnps, cap_clients, cap_nps;
	int64_t window, skew; /* ticks */
} run;

/* Fills err from SQLite. Returns -1. */
static int db_fail(run *r, const char *what)
{
	return nd_error_set(r->err, "database: %s: %s", what, sqlite3_errmsg(r->db));
}

/* Returns a copy of column col of st, or NULL when it is NULL or empty. */
static char *dup_col(sqlite3_stmt *st, int col)
{
	const char *v = (const char *)sqlite3_column_text(st, col);

	return v && *v ? strdup(v) : NULL;
}

/* Returns column col as text, "" when NULL. */
static const char *text_col(sqlite3_stmt *st, int col)
{
	const char *v = (const char *)sqlite3_column_text(st, col);

	return v ? v : "";
}

/* Returns 1 if v is an unset NPS value (NULL, "" or "-"), else 0. */
static int unset(const char *v)
{
	return !v || !*v || strcmp(v, "-") == 0;
}

/* Frees the strings of an attempt. Returns nothing. */
static void free_attempt(nd_attempt *a)
{
	free(a->client_user);
	free(a->client_computer);
	free(a->coid);
	free(a->dialled);
	free(a->retries);
	free(a->nps_user);
	free(a->nps_computer);
	free(a->nas);
}

/* Learns NetBIOS/DNS domain pairs from the NPS events (SubjectUserName
 * user@realm or host/NAME.dns against SubjectDomainName and
 * FullyQualifiedSubjectUserName DOMAIN\user) and the DNS domains of the
 * computer names. Returns 0, or -1 with err set. */
static int learn_domains(run *r)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(r->db,
			       "SELECT subject_user_name, subject_domain_name, fq_subject_user_name FROM nps_audit_events"
			       " ORDER BY event_ref",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(r, "learn domains");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *domain = text_col(st, 1), *fq = text_col(st, 2);
		nd_identity id, fqid;

		if (nd_identity_parse(text_col(st, 0), NULL, &id) != 0 || !strchr(id.domain, '.'))
			continue;
		if (!unset(domain) && nd_domains_same(r->domains, id.domain, domain, r->err) != 0)
			goto fail;
		if (strchr(fq, '\\') && nd_identity_parse(fq, NULL, &fqid) == 0 && strcmp(fqid.user, id.user) == 0 &&
		    nd_domains_same(r->domains, id.domain, fqid.domain, r->err) != 0)
			goto fail;
	}
	if (rc != SQLITE_DONE)
		goto db;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(r->db, "SELECT DISTINCT computer FROM events ORDER BY 1", -1, &st, NULL) != SQLITE_OK)
		return db_fail(r, "learn domains");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		nd_identity id;

		if (nd_identity_of_computer(text_col(st, 0), &id) == 0 &&
		    nd_domains_known(r->domains, id.domain, r->err) != 0)
			goto fail;
	}
	if (rc != SQLITE_DONE)
		goto db;
	sqlite3_finalize(st);
	return 0;
db:
	db_fail(r, "learn domains");
fail:
	sqlite3_finalize(st);
	return -1;
}

/* Appends a zeroed attempt to *v (*n elements, capacity *cap). Returns it,
 * or NULL when out of memory. */
static nd_attempt *add_attempt(nd_attempt **v, size_t *n, size_t *cap)
{
	if (nd_vec_reserve(v, cap, *n + 1, sizeof(**v)) != 0)
		return NULL;
	memset(&(*v)[*n], 0, sizeof(**v));
	return &(*v)[(*n)++];
}

/* Loads the client failures (RasClient 20227) with their identity and the
 * server dialled (20222/20223 of the same CoId). Returns 0, or -1 with err
 * set. */
static int load_clients(run *r)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(r->db,
			       "SELECT e.id, e.ts, e.computer, c.user_name, c.code, c.coid,"
			       " (SELECT d.server_address FROM ras_client_events d JOIN events de ON de.id = d.event_ref"
			       "   WHERE c.coid IS NOT NULL AND d.coid = c.coid AND de.computer = e.computer"
			       "   AND d.server_address IS NOT NULL ORDER BY de.ts, de.id LIMIT 1)"
			       " FROM events e JOIN ras_client_events c ON c.event_ref = e.id"
			       " WHERE e.event_id = 20227 ORDER BY e.ts, e.id",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(r, "client failures");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		nd_attempt *a = add_attempt(&r->clients, &r->nclients, &r->cap_clients);
		const char *user = text_col(st, 3);
		nd_identity id;
		int ok;

		if (!a)
			goto oom;
		a->client_ref = sqlite3_column_int64(st, 0);
		a->client_ts = a->ts = sqlite3_column_int64(st, 1);
		a->client_computer = dup_col(st, 2);
		a->client_user = dup_col(st, 3);
		a->has_client_error = sqlite3_column_type(st, 4) != SQLITE_NULL;
		a->client_error = (uint32_t)sqlite3_column_int64(st, 4);
		a->coid = dup_col(st, 5);
		a->dialled = dup_col(st, 6);
		if (!a->client_computer)
			goto oom;
		if (!*user || nd_identity_is_system(user))
			ok = nd_identity_of_computer(a->client_computer, &id);
		else
			ok = nd_identity_parse(user, NULL, &id);
		if (ok == 0)
			nd_domains_key(r->domains, &id, a->key, sizeof(a->key));
	}
	if (rc != SQLITE_DONE) {
		sqlite3_finalize(st);
		return db_fail(r, "client failures");
	}
	sqlite3_finalize(st);
	return 0;
oom:
	sqlite3_finalize(st);
	return nd_error_set(r->err, "out of memory");
}

/* Loads the NPS decisions (6272 granted, 6273 denied, 6274 discarded)
 * with their identity. Returns 0, or -1 with err set. */
static int load_nps(run *r)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(r->db,
			       "SELECT e.id, e.ts, e.computer, e.event_id, a.subject_user_name, a.subject_domain_name,"
			       " a.fq_subject_user_name, a.reason_code, a.nas_identifier, a.client_name"
			       " FROM events e JOIN nps_audit_events a ON a.event_ref = e.id"
			       " WHERE e.event_id IN (6272, 6273, 6274) ORDER BY e.ts, e.id",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(r, "NPS decisions");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		nd_attempt *a = add_attempt(&r->nps, &r->nnps, &r->cap_nps);
		const char *fq = text_col(st, 6), *nas = text_col(st, 8);
		nd_identity id;

		if (!a)
			goto oom;
		a->nps_ref = sqlite3_column_int64(st, 0);
		a->nps_ts = a->ts = sqlite3_column_int64(st, 1);
		a->nps_computer = dup_col(st, 2);
		a->nps_event = (uint32_t)sqlite3_column_int(st, 3);
		a->nps_user = dup_col(st, 4);
		a->has_reason = sqlite3_column_type(st, 7) != SQLITE_NULL;
		a->nps_reason = (uint32_t)sqlite3_column_int64(st, 7);
		a->nas = !unset(nas) ? strdup(nas) : unset(text_col(st, 9)) ? NULL : strdup(text_col(st, 9));
		if (!a->nps_computer)
			goto oom;
		if (nd_identity_parse(text_col(st, 4), unset(text_col(st, 5)) ? NULL : text_col(st, 5), &id) == 0 ||
		    (strchr(fq, '\\') && nd_identity_parse(fq, NULL, &id) == 0))
			nd_domains_key(r->domains, &id, a->key, sizeof(a->key));
	}
	if (rc != SQLITE_DONE) {
		sqlite3_finalize(st);
		return db_fail(r, "NPS decisions");
	}
	sqlite3_finalize(st);
	return 0;
oom:
	sqlite3_finalize(st);
	return nd_error_set(r->err, "out of memory");
}

/* Returns -1, 0 or 1 as a < b, a == b, a > b. */
static int cmp64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

/* qsort: attempts by identity, then time, then event ids. */
static int by_key_time(const void *pa, const void *pb)
{
	const nd_attempt *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	if (c)
		return c;
	if ((c = cmp64(a->ts, b->ts)))
		return c;
	return cmp64(a->client_ref + a->nps_ref, b->client_ref + b->nps_ref);
}

/* Returns 1 if a and b are failures of one connection attempt: same
 * identity, client and CoId. */
static int same_attempt(const nd_attempt *a, const nd_attempt *b)
{
	return a->key[0] && a->coid && b->coid && strcmp(a->key, b->key) == 0 && strcmp(a->coid, b->coid) == 0 &&
	       strcmp(a->client_computer, b->client_computer) == 0;
}

/* qsort: client failures by identity, client, CoId, time, event id. */
static int by_coid(const void *pa, const void *pb)
{
	const nd_attempt *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	if (c || (c = strcmp(a->client_computer, b->client_computer)) ||
	    (c = strcmp(a->coid ? a->coid : "", b->coid ? b->coid : "")))
		return c;
	return (c = cmp64(a->ts, b->ts)) ? c : cmp64(a->client_ref, b->client_ref);
}

/* Folds client failures of one attempt (same_attempt) into the first as
 * retries, then sorts the clients by identity and time. Returns 0, or -1
 * with err set. */
static int fold_retries(run *r)
{
	size_t i, out = 0, cap = 0;

	nd_sort(r->clients, r->nclients, sizeof(*r->clients), by_coid);
	for (i = 0; i < r->nclients; i++) {
		nd_attempt *a = &r->clients[i], *first = out ? &r->clients[out - 1] : NULL;

		if (first && same_attempt(first, a)) {
			if (first->nretries == 0)
				cap = 0;
			if (nd_vec_reserve(&first->retries, &cap, first->nretries + 1, sizeof(*first->retries)))
				return nd_error_set(r->err, "out of memory");
			first->retries[first->nretries++] = a->client_ref;
			free_attempt(a);
			continue;
		}
		r->clients[out++] = *a;
	}
	r->nclients = out;
	nd_sort(r->clients, r->nclients, sizeof(*r->clients), by_key_time);
	return 0;
}

/* qsort: candidates by host pair, then delta. */
static int by_pair_delta(const void *pa, const void *pb)
{
	const candidate *a = pa, *b = pb;

	return a->pair != b->pair ? (a->pair < b->pair ? -1 : 1) : cmp64(a->delta, b->delta);
}

/* qsort: candidates by corrected delay, then client time and event ids. */
static int by_delay(const void *pa, const void *pb)
{
	const candidate *a = pa, *b = pb;
	int c = cmp64(a->delta - a->offset, b->delta - b->offset);

	return c ? c : a->c != b->c ? (a->c < b->c ? -1 : 1) : a->n != b->n ? (a->n < b->n ? -1 : 1) : 0;
}

/* Collects the candidate pairs: same identity, delta within
 * [-skew, window + skew]; each with the index of its host pair. Returns 0
 * with *out and *nout set, or -1 with err set. */
static int find_candidates(run *r, candidate **out, size_t *nout)
{
	size_t i = 0, j = 0, k, m, n = 0, cap = 0, npairs = 0, cap_pairs = 0;
	candidate *v = NULL;
	const char **pairs = NULL; /* client computer, NPS computer */

	while (i < r->nclients && j < r->nnps) {
		int c = strcmp(r->clients[i].key, r->nps[j].key);
		size_t ie = i, je = j;

		if (!r->clients[i].key[0] || c < 0) {
			i++;
			continue;
		}
		if (!r->nps[j].key[0] || c > 0) {
			j++;
			continue;
		}
		while (ie < r->nclients && strcmp(r->clients[ie].key, r->clients[i].key) == 0)
			ie++;
		while (je < r->nnps && strcmp(r->nps[je].key, r->nps[j].key) == 0)
			je++;
		for (k = i; k < ie; k++) {
			for (m = j; m < je; m++) {
				int64_t d = r->clients[k].ts - r->nps[m].ts;
				size_t p;

				if (d < -r->skew || d > r->window + r->skew)
					continue;
				for (p = 0; p < npairs; p++)
					if (strcmp(pairs[2 * p], r->clients[k].client_computer) == 0 &&
					    strcmp(pairs[2 * p + 1], r->nps[m].nps_computer) == 0)
						break;
				if (p == npairs) {
					if (nd_vec_reserve(&pairs, &cap_pairs, 2 * npairs + 2, sizeof(*pairs)) != 0)
						goto oom;
					pairs[2 * p] = r->clients[k].client_computer;
					pairs[2 * p + 1] = r->nps[m].nps_computer;
					npairs++;
				}
				if (nd_vec_reserve(&v, &cap, n + 1, sizeof(*v)) != 0)
					goto oom;
				v[n++] = (candidate){k, m, d, p, 0};
			}
		}
		i = ie;
		j = je;
	}
	free(pairs);
	*out = v;
	*nout = n;
	return 0;
oom:
	free(pairs);
	free(v);
	return nd_error_set(r->err, "out of memory");
}

/* Returns how many of the sorted deltas d[0..n) lie in [lo, lo + w]. */
static size_t count_in(const candidate *d, size_t n, int64_t lo, int64_t w)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += d[i].delta >= lo && d[i].delta <= lo + w;
	return c;
}

/* Estimates the clock offset of each host pair: the start in [-skew, skew]
 * of the window that holds the most candidate deltas, nearest zero on
 * ties; sets each candidate's offset. v is sorted by pair and delta.
 * Returns nothing. */
static void estimate_offsets(run *r, candidate *v, size_t n)
{
	size_t s = 0, e, i;

	while (s < n) {
		int64_t best = 0;
		size_t best_count;

		for (e = s; e < n && v[e].pair == v[s].pair; e++)
			;
		best_count = count_in(v + s, e - s, 0, r->window);
		for (i = s; i < e && r->skew; i++) {
			int64_t lo = v[i].delta < -r->skew ? -r->skew : v[i].delta > r->skew ? r->skew : v[i].delta;
			size_t c = count_in(v + s, e - s, lo, r->window);

			if (c > best_count || (c == best_count && (lo < 0 ? -lo : lo) < (best < 0 ? -best : best))) {
				best = lo;
				best_count = c;
			}
		}
		for (i = s; i < e; i++)
			v[i].offset = best;
		s = e;
	}
}

/* Moves attempt *src into the result (taking its strings). Returns the
 * copy, or NULL when out of memory. */
static nd_attempt *take(nd_correlation *out, nd_attempt *src)
{
	nd_attempt *a = add_attempt(&out->attempts, &out->n, &out->cap);

	if (a) {
		*a = *src;
		memset(src, 0, sizeof(*src));
	}
	return a;
}

/* Appends a resolution event. Returns 0, or -1 when out of memory. */
static int add_resolution(nd_correlation *out, const char *key, int64_t ref, int64_t ts)
{
	nd_resolution *v;

	if (nd_vec_reserve(&out->resolutions, &out->cap_res, out->nres + 1, sizeof(*v)) != 0)
		return -1;
	v = out->resolutions;
	snprintf(v[out->nres].key, sizeof(v->key), "%s", key);
	v[out->nres].ref = ref;
	v[out->nres].ts = ts;
	out->nres++;
	return 0;
}

/* Pairs the attempts and builds the result. Returns 0, or -1 with err
 * set. */
static int pair(run *r, nd_correlation *out)
{
	candidate *v = NULL;
	size_t n = 0, i;
	char *client_taken = calloc(r->nclients + 1, 1), *nps_taken = calloc(r->nnps + 1, 1);

	if (!client_taken || !nps_taken || find_candidates(r, &v, &n) != 0)
		goto oom;
	nd_sort(v, n, sizeof(*v), by_pair_delta);
	estimate_offsets(r, v, n);
	nd_sort(v, n, sizeof(*v), by_delay);
	for (i = 0; i < n; i++) {
		nd_attempt *c = &r->clients[v[i].c], *p = &r->nps[v[i].n];
		int64_t d = v[i].delta - v[i].offset;

		if (client_taken[v[i].c] || nps_taken[v[i].n] || d < 0 || d > r->window)
			continue;
		client_taken[v[i].c] = nps_taken[v[i].n] = 1;
		c->nps_ref = p->nps_ref;
		c->nps_ts = p->nps_ts;
		c->nps_event = p->nps_event;
		c->has_reason = p->has_reason;
		c->nps_reason = p->nps_reason;
		c->nps_user = p->nps_user;
		c->nps_computer = p->nps_computer;
		c->nas = p->nas;
		p->nps_user = p->nps_computer = p->nas = NULL;
		if (!take(out, c))
			goto oom;
	}
	for (i = 0; i < r->nclients; i++)
		if (!client_taken[i] && !take(out, &r->clients[i]))
			goto oom;
	for (i = 0; i < r->nnps; i++) {
		if (nps_taken[i])
			continue;
		if (r->nps[i].nps_event == 6272) {
			if (r->nps[i].key[0] && add_resolution(out, r->nps[i].key, r->nps[i].nps_ref, r->nps[i].ts))
				goto oom;
		} else if (!take(out, &r->nps[i])) {
			goto oom;
		}
	}
	free(v);
	free(client_taken);
	free(nps_taken);
	return 0;
oom:
	free(v);
	free(client_taken);
	free(nps_taken);
	return nd_error_set(r->err, "out of memory");
}

/* Adds the client connects (RasClient 20225) as resolutions. Returns 0, or
 * -1 with err set. */
static int load_connects(run *r, nd_correlation *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(r->db,
			       "SELECT e.id, e.ts, e.computer, c.user_name FROM events e"
			       " JOIN ras_client_events c ON c.event_ref = e.id WHERE e.event_id = 20225 ORDER BY e.ts, e.id",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(r, "connects");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *user = text_col(st, 3);
		char key[ND_KEY_MAX];
		nd_identity id;
		int ok = !*user || nd_identity_is_system(user) ? nd_identity_of_computer(text_col(st, 2), &id)
							       : nd_identity_parse(user, NULL, &id);

		if (ok == 0 && add_resolution(out, nd_domains_key(r->domains, &id, key, sizeof(key)),
					      sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1)) != 0) {
			sqlite3_finalize(st);
			return nd_error_set(r->err, "out of memory");
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(r, "connects");
}

/* qsort: attempts by time, then event ids. */
static int by_time(const void *pa, const void *pb)
{
	const nd_attempt *a = pa, *b = pb;
	int c = cmp64(a->ts, b->ts);

	if (c)
		return c;
	if ((c = cmp64(a->client_ref, b->client_ref)))
		return c;
	return cmp64(a->nps_ref, b->nps_ref);
}

/* qsort: resolutions by time, then ref. */
static int res_by_time(const void *pa, const void *pb)
{
	const nd_resolution *a = pa, *b = pb;
	int c = cmp64(a->ts, b->ts);

	return c ? c : cmp64(a->ref, b->ref);
}

int nd_correlate(sqlite3 *db, const nd_correlate_params *p, nd_correlation *out, nd_error *err)
{
	run r = {.db = db,
		 .err = err,
		 .domains = nd_domains_new(),
		 .window = (int64_t)(p->window_s * ND_TICKS_PER_SECOND),
		 .skew = (int64_t)(p->skew_s * ND_TICKS_PER_SECOND)};
	size_t i;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!r.domains)
		return nd_error_set(err, "out of memory");
	if (learn_domains(&r) == 0 && load_clients(&r) == 0 && load_nps(&r) == 0) {
		nd_sort(r.nps, r.nnps, sizeof(*r.nps), by_key_time);
		if (fold_retries(&r) == 0 && pair(&r, out) == 0 && load_connects(&r, out) == 0)
			rc = 0;
	}
	for (i = 0; i < r.nclients; i++)
		free_attempt(&r.clients[i]);
	for (i = 0; i < r.nnps; i++)
		free_attempt(&r.nps[i]);
	free(r.clients);
	free(r.nps);
	nd_domains_free(r.domains);
	if (rc != 0) {
		nd_correlation_free(out);
		return -1;
	}
	nd_sort(out->attempts, out->n, sizeof(*out->attempts), by_time);
	nd_sort(out->resolutions, out->nres, sizeof(*out->resolutions), res_by_time);
	return 0;
}

void nd_correlation_free(nd_correlation *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free_attempt(&c->attempts[i]);
	free(c->attempts);
	free(c->resolutions);
	memset(c, 0, sizeof(*c));
}
