#include "nd_correlate.h"

#include <stdlib.h>
#include <string.h>

#include "nd_identity.h"
#include "nd_sort.h"
#include "nd_time.h"
#include "nd_vec.h"

#define KEY_MAX (2 * ND_IDENTITY_PART_MAX + 2)

/* A client failure or an NPS decision being paired, with what its sort
 * orders need (so that no sort needs a context). */
typedef struct item {
	const char *key, *coid;
	int64_t ts, ref;
	size_t host;
	size_t idx;             /* in the data's clients or decisions */
	size_t retry, nretries; /* client: its retries in the result */
} item;

/* A candidate pairing of client item c with NPS item n. */
typedef struct candidate {
	size_t c, n;
	size_t chost, nhost; /* the host pair */
	int64_t delta;       /* client time minus NPS time, raw clocks */
	int64_t offset;      /* the host pair's estimated clock offset */
} candidate;

/* The state of one correlation run. */
typedef struct run {
	const nd_analysis_data *d;
	nd_correlation *out;
	nd_error *err;
	nd_domains *domains;
	item *clients, *nps;
	size_t nclients, nnps;
	int64_t window, skew; /* ticks */
} run;

/* Returns 1 if v is an unset NPS value (NULL, "" or "-"), else 0. */
static int unset(const char *v)
{
	return !v || !*v || strcmp(v, "-") == 0;
}

/* Returns the name of host h ("" when unknown). */
static const char *host_name(const nd_analysis_data *d, size_t h)
{
	return h < d->nhosts ? d->hosts[h] : "";
}

/* Learns NetBIOS/DNS domain pairs from the NPS names (SubjectUserName
 * user@realm or host/NAME.dns against SubjectDomainName and
 * FullyQualifiedSubjectUserName DOMAIN\user) and the DNS domains of the
 * host names. Returns 0, or -1 with err set. */
static int learn_domains(run *r)
{
	size_t i;

	for (i = 0; i < r->d->nhints; i++) {
		const nd_domain_hint *h = &r->d->hints[i];
		const char *fq = h->fq ? h->fq : "";
		nd_identity id, fqid;

		if (nd_identity_parse(h->user ? h->user : "", NULL, &id) != 0 || !strchr(id.domain, '.'))
			continue;
		if (!unset(h->domain) && nd_domains_same(r->domains, id.domain, h->domain, r->err) != 0)
			return -1;
		if (strchr(fq, '\\') && nd_identity_parse(fq, NULL, &fqid) == 0 && strcmp(fqid.user, id.user) == 0 &&
		    nd_domains_same(r->domains, id.domain, fqid.domain, r->err) != 0)
			return -1;
	}
	for (i = 0; i < r->d->nhosts; i++) {
		nd_identity id;

		if (nd_identity_of_computer(r->d->hosts[i], &id) == 0 &&
		    nd_domains_known(r->domains, id.domain, r->err) != 0)
			return -1;
	}
	return 0;
}

/* Returns the key of id in the result's pool ("" when parsed is not 0),
 * or NULL with err set when out of memory. */
static const char *key_of(run *r, int parsed, const nd_identity *id)
{
	char buf[KEY_MAX];
	const char *k;

	if (parsed != 0)
		return "";
	if (!(k = nd_strpool_add(&r->out->keys, nd_domains_key(r->domains, id, buf, sizeof(buf)))))
		nd_error_set(r->err, "out of memory");
	return k;
}

/* Returns the key of a client-side user on host h: the device for a
 * missing or system user, else the user. NULL with err set when out of
 * memory. */
static const char *client_key(run *r, const char *user, size_t h)
{
	nd_identity id;
	int ok = !user || nd_identity_is_system(user) ? nd_identity_of_computer(host_name(r->d, h), &id)
						      : nd_identity_parse(user, NULL, &id);

	return key_of(r, ok, &id);
}

/* Returns the key of an NPS decision (SubjectUserName with
 * SubjectDomainName, else FullyQualifiedSubjectUserName). NULL with err set
 * when out of memory. */
static const char *nps_key(run *r, const nd_decision *n)
{
	const char *fq = n->fq ? n->fq : "";
	nd_identity id;
	int ok = nd_identity_parse(n->user ? n->user : "", unset(n->domain) ? NULL : n->domain, &id) == 0 ||
		 (strchr(fq, '\\') && nd_identity_parse(fq, NULL, &id) == 0);

	return key_of(r, !ok, &id);
}

/* Returns -1, 0 or 1 as a < b, a == b, a > b. */
static int cmp64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

/* Returns -1, 0 or 1 as a < b, a == b, a > b. */
static int cmpz(size_t a, size_t b)
{
	return a < b ? -1 : a > b;
}

/* qsort: items by identity, then time, then ref. */
static int by_key_time(const void *pa, const void *pb)
{
	const item *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	return c ? c : (c = cmp64(a->ts, b->ts)) ? c : cmp64(a->ref, b->ref);
}

/* qsort: client items by identity, client, CoId, time, ref. */
static int by_coid(const void *pa, const void *pb)
{
	const item *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	if (c || (c = cmpz(a->host, b->host)) || (c = strcmp(a->coid ? a->coid : "", b->coid ? b->coid : "")))
		return c;
	return (c = cmp64(a->ts, b->ts)) ? c : cmp64(a->ref, b->ref);
}

/* Returns 1 if a and b are failures of one connection attempt: same
 * identity, client and CoId. */
static int same_attempt(const item *a, const item *b)
{
	return a->key[0] && a->coid && b->coid && strcmp(a->key, b->key) == 0 && strcmp(a->coid, b->coid) == 0 &&
	       a->host == b->host;
}

/* Makes the items of the client failures and NPS decisions with their
 * keys. Returns 0, or -1 with err set. */
static int make_items(run *r)
{
	size_t i;

	r->clients = calloc(r->d->nclients + 1, sizeof(*r->clients));
	r->nps = calloc(r->d->ndecisions + 1, sizeof(*r->nps));
	if (!r->clients || !r->nps)
		return nd_error_set(r->err, "out of memory");
	for (i = 0; i < r->d->nclients; i++) {
		const nd_client_failure *c = &r->d->clients[i];

		r->clients[i] = (item){client_key(r, c->user, c->host), c->coid, c->ts, c->ref, c->host, i, 0, 0};
		if (!r->clients[i].key)
			return -1;
	}
	r->nclients = r->d->nclients;
	for (i = 0; i < r->d->ndecisions; i++) {
		const nd_decision *n = &r->d->decisions[i];

		r->nps[i] = (item){nps_key(r, n), NULL, n->ts, n->ref, n->host, i, 0, 0};
		if (!r->nps[i].key)
			return -1;
	}
	r->nnps = r->d->ndecisions;
	return 0;
}

/* Folds client failures of one attempt (same_attempt) into the first as
 * retries, then sorts the clients by identity and time. Returns 0, or -1
 * with err set. */
static int fold_retries(run *r)
{
	nd_correlation *o = r->out;
	size_t i, out = 0;

	nd_sort(r->clients, r->nclients, sizeof(*r->clients), by_coid);
	for (i = 0; i < r->nclients; i++) {
		item *a = &r->clients[i], *first = out ? &r->clients[out - 1] : NULL;

		if (first && same_attempt(first, a)) {
			if (nd_vec_reserve(&o->retries, &o->cap_retries, o->nretries + 1, sizeof(*o->retries)) != 0)
				return nd_error_set(r->err, "out of memory");
			if (first->nretries++ == 0)
				first->retry = o->nretries;
			o->retries[o->nretries++] = a->idx;
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
	int c = cmpz(a->chost, b->chost);

	return c ? c : (c = cmpz(a->nhost, b->nhost)) ? c : cmp64(a->delta, b->delta);
}

/* qsort: candidates by corrected delay, then client and NPS item. */
static int by_delay(const void *pa, const void *pb)
{
	const candidate *a = pa, *b = pb;
	int c = cmp64(a->delta - a->offset, b->delta - b->offset);

	return c ? c : (c = cmpz(a->c, b->c)) ? c : cmpz(a->n, b->n);
}

/* Collects the candidate pairs: same identity, delta within
 * [-skew, window + skew]. Returns 0 with *out and *nout set, or -1 with
 * err set. */
static int find_candidates(run *r, candidate **out, size_t *nout)
{
	size_t i = 0, j = 0, k, m, n = 0, cap = 0;
	candidate *v = NULL;

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

				if (d < -r->skew || d > r->window + r->skew)
					continue;
				if (nd_vec_reserve(&v, &cap, n + 1, sizeof(*v)) != 0) {
					free(v);
					return nd_error_set(r->err, "out of memory");
				}
				v[n++] = (candidate){k, m, r->clients[k].host, r->nps[m].host, d, 0};
			}
		}
		i = ie;
		j = je;
	}
	*out = v;
	*nout = n;
	return 0;
}

/* Returns the first index of the sorted d[0..n) whose value is >= x (above
 * 0) or > x (above 1). */
static size_t bound(const int64_t *d, size_t n, int64_t x, int above)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d[mid] < x || (above && d[mid] == x))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Returns how many of the sorted d[0..n) lie in [lo, lo + w]. */
static size_t count_in(const int64_t *d, size_t n, int64_t lo, int64_t w)
{
	return bound(d, n, lo + w, 1) - bound(d, n, lo, 0);
}

int64_t nd_correlate_offset(const int64_t *delta, size_t n, int64_t window, int64_t skew)
{
	int64_t best = 0;
	size_t best_count = count_in(delta, n, 0, window), i;

	for (i = 0; i < n && skew; i++) {
		int64_t lo = delta[i] < -skew ? -skew : delta[i] > skew ? skew : delta[i];
		size_t c = count_in(delta, n, lo, window);

		if (c > best_count || (c == best_count && (lo < 0 ? -lo : lo) < (best < 0 ? -best : best))) {
			best = lo;
			best_count = c;
		}
	}
	return best;
}

/* Sets each candidate's offset: that of its host pair. v is sorted by pair
 * and delta. Returns 0, or -1 with err set. */
static int estimate_offsets(run *r, candidate *v, size_t n)
{
	int64_t *delta = malloc((n + 1) * sizeof(*delta));
	size_t s = 0, e, i;

	if (!delta)
		return nd_error_set(r->err, "out of memory");
	while (s < n) {
		int64_t off;

		for (e = s; e < n && v[e].chost == v[s].chost && v[e].nhost == v[s].nhost; e++)
			delta[e - s] = v[e].delta;
		off = nd_correlate_offset(delta, e - s, r->window, r->skew);
		for (i = s; i < e; i++)
			v[i].offset = off;
		s = e;
	}
	free(delta);
	return 0;
}

/* Appends an attempt of client item c and NPS item n (either NULL).
 * Returns 0, or -1 with err set. */
static int add_attempt(run *r, const item *c, const item *n)
{
	nd_correlation *o = r->out;
	nd_attempt *a;

	if (nd_vec_reserve(&o->attempts, &o->cap, o->n + 1, sizeof(*o->attempts)) != 0)
		return nd_error_set(r->err, "out of memory");
	a = &o->attempts[o->n++];
	a->key = c ? c->key : n->key;
	a->ts = c ? c->ts : n->ts;
	a->client = c ? c->idx : ND_NONE;
	a->client_ref = c ? c->ref : 0;
	a->retry = c ? c->retry : 0;
	a->nretries = c ? c->nretries : 0;
	a->nps = n ? n->idx : ND_NONE;
	a->nps_ref = n ? n->ref : 0;
	return 0;
}

/* Appends a resolution event. Returns 0, or -1 with err set. */
static int add_resolution(run *r, const char *key, int64_t ref, int64_t ts)
{
	nd_correlation *o = r->out;

	if (nd_vec_reserve(&o->resolutions, &o->cap_res, o->nres + 1, sizeof(*o->resolutions)) != 0)
		return nd_error_set(r->err, "out of memory");
	o->resolutions[o->nres++] = (nd_resolution){key, ref, ts};
	return 0;
}

/* Pairs the attempts and builds the result. Returns 0, or -1 with err
 * set. */
static int pair(run *r)
{
	candidate *v = NULL;
	size_t n = 0, i;
	char *client_taken = calloc(r->nclients + 1, 1), *nps_taken = calloc(r->nnps + 1, 1);
	int rc = -1;

	if (!client_taken || !nps_taken) {
		nd_error_set(r->err, "out of memory");
		goto out;
	}
	if (find_candidates(r, &v, &n) != 0)
		goto out;
	nd_sort(v, n, sizeof(*v), by_pair_delta);
	if (estimate_offsets(r, v, n) != 0)
		goto out;
	nd_sort(v, n, sizeof(*v), by_delay);
	for (i = 0; i < n; i++) {
		int64_t d = v[i].delta - v[i].offset;

		if (client_taken[v[i].c] || nps_taken[v[i].n] || d < 0 || d > r->window)
			continue;
		client_taken[v[i].c] = nps_taken[v[i].n] = 1;
		if (add_attempt(r, &r->clients[v[i].c], &r->nps[v[i].n]) != 0)
			goto out;
	}
	for (i = 0; i < r->nclients; i++)
		if (!client_taken[i] && add_attempt(r, &r->clients[i], NULL) != 0)
			goto out;
	for (i = 0; i < r->nnps; i++) {
		if (nps_taken[i])
			continue;
		if (r->d->decisions[r->nps[i].idx].event == 6272) {
			if (r->nps[i].key[0] && add_resolution(r, r->nps[i].key, r->nps[i].ref, r->nps[i].ts) != 0)
				goto out;
		} else if (add_attempt(r, NULL, &r->nps[i]) != 0) {
			goto out;
		}
	}
	rc = 0;
out:
	free(v);
	free(client_taken);
	free(nps_taken);
	return rc;
}

/* Adds the client connects (RasClient 20225) as resolutions. Returns 0, or
 * -1 with err set. */
static int add_connects(run *r)
{
	size_t i;

	for (i = 0; i < r->d->nconnects; i++) {
		const nd_connect *c = &r->d->connects[i];
		const char *key = client_key(r, c->user, c->host);

		if (!key || (key[0] && add_resolution(r, key, c->ref, c->ts) != 0))
			return -1;
	}
	return 0;
}

/* qsort: attempts by time, then client ref, then NPS ref. */
static int by_time(const void *pa, const void *pb)
{
	const nd_attempt *a = pa, *b = pb;
	int c = cmp64(a->ts, b->ts);

	return c ? c : (c = cmp64(a->client_ref, b->client_ref)) ? c : cmp64(a->nps_ref, b->nps_ref);
}

/* qsort: resolutions by time, then ref. */
static int res_by_time(const void *pa, const void *pb)
{
	const nd_resolution *a = pa, *b = pb;
	int c = cmp64(a->ts, b->ts);

	return c ? c : cmp64(a->ref, b->ref);
}

int nd_correlate(const nd_analysis_data *d, const nd_correlate_params *p, nd_correlation *out, nd_error *err)
{
	run r = {.d = d,
		 .out = out,
		 .err = err,
		 .domains = nd_domains_new(),
		 .window = (int64_t)(p->window_s * ND_TICKS_PER_SECOND),
		 .skew = (int64_t)(p->skew_s * ND_TICKS_PER_SECOND)};
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!r.domains)
		return nd_error_set(err, "out of memory");
	if (learn_domains(&r) == 0 && make_items(&r) == 0) {
		nd_sort(r.nps, r.nnps, sizeof(*r.nps), by_key_time);
		if (fold_retries(&r) == 0 && pair(&r) == 0 && add_connects(&r) == 0)
			rc = 0;
	}
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
	free(c->attempts);
	free(c->retries);
	free(c->resolutions);
	nd_strpool_free(&c->keys);
	memset(c, 0, sizeof(*c));
}
