#include "nd_correlate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_ascii.h"
#include "nd_correlate_retries.h"
#include "nd_hash.h"
#include "nd_identity.h"
#include "nd_intern.h"
#include "nd_slots.h"
#include "nd_sort.h"
#include "nd_time.h"
#include "nd_vec.h"

#define KEY_MAX (2 * ND_IDENTITY_PART_MAX + 2)

_Static_assert(sizeof(nd_attempt) <= 64, "an attempt is 64 bytes: a million and more of them at pairing's peak");

/* A client failure or an NPS decision being paired (56 bytes: there are
 * two million at 1M x 1M). Indices are 32 bits (nd_correlate refuses more
 * events); its key is the correlation's ids[id], its event the data's
 * clients[idx] or decisions[idx]. */
typedef struct item {
	int64_t ts, ref;
	int64_t lineup;       /* unpaired, but a candidate outside the window: its delta */
	uint32_t lineup_host; /* then the other side's host, else UINT32_MAX */
	uint32_t id;          /* of key: interned, then ranked */
	uint32_t host;
	uint32_t idx;             /* in the data's clients or decisions */
	uint32_t retry, nretries; /* client: its retries in the result */
	uint32_t code;            /* client: its code; decision: its reason */
	unsigned char has_code;   /* code was logged */
	unsigned char vpn;        /* client: always; decision: a VPN decision */
	unsigned char pairable;   /* client: its code may reach NPS */
} item;

/* A candidate pairing of client item c with NPS item n (64 bytes, not 96:
 * there are about as many as client failures). */
typedef struct candidate {
	int64_t delta;  /* client time minus NPS time, raw clocks */
	int64_t offset; /* the host pair's estimated clock offset */
	int64_t sum;    /* of the chain's corrected delays */
	size_t prev;    /* the best chain before this pair, ND_NONE */
	uint32_t c, n;
	uint32_t id;           /* the identity */
	uint32_t chost, nhost; /* the host pair */
	uint32_t pairs, ncompatible;
	uint32_t compatible; /* a rule names the client code with the NPS reason */
} candidate;

/* The key id made for a combination of logged string ids (a, b, c);
 * id UINT32_MAX: an empty slot. */
typedef struct memo_slot {
	uint32_t a, b, c, id;
} memo_slot;

/* The key ids made so far, by the strings they were made from: a fleet
 * logs each user's names again and again (at 1M failures and 1M
 * decisions, 50k users), and making a key parses, looks domains up and
 * formats. Open addressing, at most half full. */
typedef struct memo {
	memo_slot *v;
	size_t n, cap; /* cap: a power of two, or 0 */
} memo;

/* The state of one correlation run. */
typedef struct run {
	const nd_analysis_data *d;
	nd_correlation *out;
	nd_error *err;
	const nd_correlate_params *p;
	nd_domains *domains;
	nd_intern ids;                    /* the keys */
	memo client_ids, nps_ids;         /* the ids of clients' (user, host), decisions' (fq, user, domain) */
	uint32_t *client_id, *decision_id; /* the keys of the data's client failures and decisions, */
	uint32_t *connect_id, *unlock_id;  /* connects and unlocks */
	item *clients, *nps;
	size_t nclients, nnps;
	int64_t window, skew; /* ticks */
	int64_t wide;         /* the largest offset two agreeing pairs may establish, ticks */
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

/* A DNS domain (UPN suffix or device domain) and a NetBIOS domain that an
 * NPS event names together: parts of the loaded strings, compared without
 * case. */
typedef struct domain_pair {
	const char *dns, *netbios;
	size_t ndns, nnetbios;
} domain_pair;

/* Returns <0, 0 or >0 as a[0..na) sorts before, with or after b[0..nb),
 * ASCII case folded. */
static int part_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	size_t i;

	for (i = 0; i < na && i < nb; i++)
		if (nd_ascii_lower((unsigned char)a[i]) != nd_ascii_lower((unsigned char)b[i]))
			return nd_ascii_lower((unsigned char)a[i]) - nd_ascii_lower((unsigned char)b[i]);
	return na < nb ? -1 : na > nb;
}

/* qsort: domain pairs by DNS name, then NetBIOS name. */
static int pair_order(const void *pa, const void *pb)
{
	const domain_pair *a = pa, *b = pb;
	int c = part_cmp(a->dns, a->ndns, b->dns, b->ndns);

	return c ? c : part_cmp(a->netbios, a->nnetbios, b->netbios, b->nnetbios);
}

/* Sorts v[0..*n) and drops repeated pairs. Returns nothing. */
static void unique_pairs(domain_pair *v, size_t *n)
{
	size_t i, out = 0;

	nd_sort(v, *n, sizeof(*v), pair_order);
	for (i = 0; i < *n; i++)
		if (!out || pair_order(&v[out - 1], &v[i]) != 0)
			v[out++] = v[i];
	*n = out;
}

/* Adds the pair (dns, netbios[0..nnetbios)) to *v, unless it is the last
 * one added (most users of a fleet name the same pair); the vector is kept
 * to its distinct pairs as it grows, so that it stays as small as the set
 * of domains. Returns 0, or -1 when out of memory. */
static int add_pair(domain_pair **v, size_t *n, size_t *cap, const char *dns, const char *netbios, size_t nnetbios)
{
	domain_pair p = {dns, netbios, strlen(dns), nnetbios};

	if (!nnetbios || (nnetbios == 1 && *netbios == '-') || memchr(netbios, '.', nnetbios) ||
	    (*n && pair_order(&(*v)[*n - 1], &p) == 0))
		return 0;
	if (*n == *cap && *cap >= 1024) {
		unique_pairs(*v, n);
		if (*n > *cap / 2 && nd_vec_reserve(v, cap, *cap * 2, sizeof(**v)) != 0)
			return -1;
	}
	if (nd_vec_reserve(v, cap, *n + 1, sizeof(**v)) != 0)
		return -1;
	(*v)[(*n)++] = p;
	return 0;
}

/* Unions the pair's two names in r's domain table. Returns 0, or -1 with
 * err set. */
static int same_domain(run *r, const domain_pair *p)
{
	char dns[ND_IDENTITY_PART_MAX], netbios[ND_IDENTITY_PART_MAX];

	snprintf(dns, sizeof(dns), "%.*s", (int)(p->ndns < sizeof(dns) ? p->ndns : sizeof(dns) - 1), p->dns);
	snprintf(netbios, sizeof(netbios), "%.*s",
		 (int)(p->nnetbios < sizeof(netbios) ? p->nnetbios : sizeof(netbios) - 1), p->netbios);
	return nd_domains_same(r->domains, dns, netbios, r->err);
}

/* Returns the DNS domain part of an NPS SubjectUserName as logged
 * ("user@dns" or "host/NAME.dns"), or NULL when it names none. */
static const char *dns_part(const char *user)
{
	const char *at = strrchr(user, '@');

	if (!at && nd_ascii_lower((unsigned char)user[0]) == 'h' && nd_ascii_lower((unsigned char)user[1]) == 'o' &&
	    nd_ascii_lower((unsigned char)user[2]) == 's' && nd_ascii_lower((unsigned char)user[3]) == 't' &&
	    user[4] == '/')
		at = strchr(user + 5, '.');
	return at ? at + 1 : NULL;
}

/* Returns the hash h (0 to start) continued over s[0..n), ASCII case
 * folded, then an empty part, so that where a string ends counts:
 * nd_hash_more over pieces of at most 64 folded bytes. Keyed: the names
 * are an attacker's, and two lists of domains with one signature would
 * let `tail` keep identity keys made from the other (an unkeyed FNV-1a
 * of 64 bits can be made to collide). */
static uint64_t fold_hash(uint64_t h, const char *s, size_t n)
{
	char piece[64];
	size_t i, k;

	for (i = 0; i < n; i += k) {
		for (k = 0; k < sizeof(piece) && i + k < n; k++)
			piece[k] = (char)nd_ascii_lower((unsigned char)s[i + k]);
		h = nd_hash_more(h, piece, k);
	}
	return nd_hash_more(h, "", 0);
}

/* qsort: strings without ASCII case. */
static int str_fold_order(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;

	return part_cmp(a, strlen(a), b, strlen(b));
}

/* Sets the correlation's domain signature from the distinct pairs v[0..n)
 * and the distinct DNS domains of the host names: what the keys are made
 * from besides the names themselves. Returns 0, or -1 with err set. */
static int sign_domains(run *r, const domain_pair *v, size_t n)
{
	const char **dns = malloc((r->d->nhosts + 1) * sizeof(*dns));
	uint64_t h = 0;
	size_t i, nd = 0;

	if (!dns)
		return nd_error_set(r->err, "out of memory");
	for (i = 0; i < n; i++)
		h = fold_hash(fold_hash(h, v[i].dns, v[i].ndns), v[i].netbios, v[i].nnetbios);
	for (i = 0; i < r->d->nhosts; i++) {
		const char *dot = strchr(r->d->hosts[i], '.');

		/* the hosts are in byte order: most share the domain of the one before */
		if (dot && dot[1] && (nd == 0 || str_fold_order(&dns[nd - 1], &(const char *){dot + 1}) != 0))
			dns[nd++] = dot + 1;
	}
	nd_sort(dns, nd, sizeof(*dns), str_fold_order);
	for (i = 0; i < nd; i++)
		if (i == 0 || str_fold_order(&dns[i - 1], &dns[i]) != 0)
			h = fold_hash(h, dns[i], strlen(dns[i]));
	r->out->domains = h;
	free(dns);
	return 0;
}

/* Learns NetBIOS/DNS domain pairs from the NPS names (SubjectUserName
 * user@realm or host/NAME.dns against SubjectDomainName and
 * FullyQualifiedSubjectUserName DOMAIN\user) and the DNS domains of the
 * host names. A DNS name seen with two NetBIOS names (an alternate UPN
 * suffix shared by two domains) is paired with neither, so that two
 * domains never merge through it. Returns 0, or -1 with err set. */
static int learn_domains(run *r)
{
	domain_pair *v = NULL;
	size_t i, s, e, n = 0, cap = 0;
	int rc = -1;

	for (i = 0; i < r->d->nhints; i++) {
		const nd_domain_hint *h = &r->d->hints[i];
		const char *fq = h->fq ? h->fq : "", *sep = strchr(fq, '\\'), *dns;
		nd_identity id, fqid;

		if (nd_identity_parse(h->user ? h->user : "", NULL, &id) != 0 || !strchr(id.domain, '.') ||
		    !(dns = dns_part(h->user)))
			continue;
		if (h->domain && add_pair(&v, &n, &cap, dns, h->domain, strlen(h->domain)) != 0)
			goto oom;
		if (sep && nd_identity_parse(fq, NULL, &fqid) == 0 && strcmp(fqid.user, id.user) == 0 &&
		    add_pair(&v, &n, &cap, dns, fq, (size_t)(sep - fq)) != 0)
			goto oom;
	}
	unique_pairs(v, &n);
	if (sign_domains(r, v, n) != 0)
		goto out;
	for (s = 0; s < n; s = e) {
		for (e = s + 1; e < n && part_cmp(v[e].dns, v[e].ndns, v[s].dns, v[s].ndns) == 0; e++)
			;
		if (e - s == 1 && same_domain(r, &v[s]) != 0)
			goto out;
	}
	for (i = 0; i < r->d->nhosts; i++) {
		nd_identity id;

		if (nd_identity_of_computer(r->d->hosts[i], &id) == 0 &&
		    nd_domains_known(r->domains, id.domain, r->err) != 0)
			goto out;
	}
	rc = 0;
	goto out;
oom:
	nd_error_set(r->err, "out of memory");
out:
	free(v);
	return rc;
}

/* Returns the interned id of the key of id ("" when parsed is not 0), or
 * UINT32_MAX with err set when out of memory. */
static uint32_t key_of(run *r, int parsed, const nd_identity *id)
{
	char buf[KEY_MAX];
	uint32_t k = nd_intern_add(&r->ids, parsed != 0 ? "" : nd_domains_key(r->domains, id, buf, sizeof(buf)));

	if (k == UINT32_MAX)
		nd_error_set(r->err, "out of memory");
	return k;
}

/* Returns the slot of (a, b, c) in m: its id, or an empty slot to fill
 * (counted as filled), or NULL when out of memory. Hashed keyed: the ids
 * are of strings an attacker chooses. */
static memo_slot *memo_find(memo *m, uint32_t a, uint32_t b, uint32_t c)
{
	uint64_t h = nd_hash_word(nd_hash_word((uint64_t)a << 32 | b) ^ c);
	size_t at, i;

	if ((m->n + 1) * 2 > m->cap) {
		memo bigger = {NULL, 0, m->cap ? m->cap * 2 : 1024};

		if (!(bigger.v = malloc(bigger.cap * sizeof(*bigger.v))))
			return NULL;
		for (i = 0; i < bigger.cap; i++)
			bigger.v[i].id = UINT32_MAX;
		for (i = 0; i < m->cap; i++)
			if (m->v[i].id != UINT32_MAX)
				*memo_find(&bigger, m->v[i].a, m->v[i].b, m->v[i].c) = m->v[i];
		free(m->v);
		*m = bigger;
	}
	for (at = (size_t)h & (m->cap - 1); m->v[at].id != UINT32_MAX; at = (at + 1) & (m->cap - 1))
		if (m->v[at].a == a && m->v[at].b == b && m->v[at].c == c)
			return &m->v[at];
	m->v[at] = (memo_slot){a, b, c, UINT32_MAX};
	m->n++;
	return &m->v[at];
}

/* Returns the key id of a client-side user on host h: the device for a
 * missing or system user, else the user. UINT32_MAX with err set when out
 * of memory. */
static uint32_t client_key(run *r, const char *user, size_t h)
{
	nd_identity id;
	int ok = !user || nd_identity_is_system(user) ? nd_identity_of_computer(host_name(r->d, h), &id)
						      : nd_identity_parse(user, NULL, &id);

	return key_of(r, ok, &id);
}

/* Returns the key id of an NPS decision from the strongest name it logs:
 * FullyQualifiedSubjectUserName DOMAIN\sam (the account NPS resolved),
 * else SubjectUserName (as presented) with SubjectDomainName. UINT32_MAX
 * with err set when out of memory. */
static uint32_t nps_key(run *r, const nd_decision *n)
{
	const char *fq = n->fq != ND_STR_NONE ? nd_analysis_s(r->d, n->fq) : "", *user = nd_analysis_s(r->d, n->user);
	const char *domain = nd_analysis_s(r->d, n->domain);
	nd_identity id;
	int ok = (strchr(fq, '\\') && nd_identity_parse(fq, NULL, &id) == 0) ||
		 nd_identity_parse(user ? user : "", unset(domain) ? NULL : domain, &id) == 0;

	return key_of(r, !ok, &id);
}

/* Returns the key id of client failure f (client_key), made once per
 * user and host. UINT32_MAX with err set when out of memory. */
static uint32_t failure_key(run *r, const nd_client_failure *f)
{
	memo_slot *m = memo_find(&r->client_ids, f->user, f->host, 0);

	if (!m) {
		nd_error_set(r->err, "out of memory");
		return UINT32_MAX;
	}
	if (m->id == UINT32_MAX)
		m->id = client_key(r, nd_analysis_s(r->d, f->user), f->host);
	return m->id;
}

/* Returns the key id of decision n (nps_key), made once per names
 * logged. UINT32_MAX with err set when out of memory. */
static uint32_t decision_key(run *r, const nd_decision *n)
{
	memo_slot *m = memo_find(&r->nps_ids, n->fq, n->user, n->domain);

	if (!m) {
		nd_error_set(r->err, "out of memory");
		return UINT32_MAX;
	}
	if (m->id == UINT32_MAX)
		m->id = nps_key(r, n);
	return m->id;
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

/* Returns 1 if v[0..n) (each size bytes) is in cmp order, else 0. */
static int ordered(const void *v, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	const char *b = v;
	size_t i;

	for (i = 1; i < n; i++)
		if (cmp(b + (i - 1) * size, b + i * size) > 0)
			return 0;
	return 1;
}

/* qsort: items by identity, then time, then ref. */
static int by_key_time(const void *pa, const void *pb)
{
	const item *a = pa, *b = pb;
	int c = cmpz(a->id, b->id);

	return c ? c : (c = cmp64(a->ts, b->ts)) ? c : cmp64(a->ref, b->ref);
}

/* Returns 1 if the client failure of c and the decision of n are a code
 * and reason some rule names together, else 0. */
static int compatible(const run *r, const item *c, const item *n)
{
	uint64_t k = (uint64_t)c->code << 32 | n->code;
	size_t lo = 0, hi = r->p->ncompatible;

	if (!c->has_code || !n->has_code)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->p->compatible[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->p->ncompatible && r->p->compatible[lo] == k;
}

/* Ranks the interned keys (so that ids compare as the keys do) and
 * renumbers every id already handed out. Returns 0, or -1 with err set. */
static int rank_keys(run *r)
{
	uint32_t *map = malloc((r->ids.n + 1) * sizeof(*map));
	size_t i;

	if (!map || nd_intern_rank(&r->ids, map) != 0) {
		free(map);
		return nd_error_set(r->err, "out of memory");
	}
	for (i = 0; i < r->d->nclients; i++)
		r->client_id[i] = map[r->client_id[i]];
	for (i = 0; i < r->d->ndecisions; i++)
		r->decision_id[i] = map[r->decision_id[i]];
	for (i = 0; i < r->d->nconnects; i++)
		r->connect_id[i] = map[r->connect_id[i]];
	for (i = 0; i < r->d->nunlocks; i++)
		r->unlock_id[i] = map[r->unlock_id[i]];
	free(map);
	return 0;
}

/* Keeps the key of every client failure, decision, connect and unlock of
 * the data (p->keep), and the highest ref among them. Returns 0, or -1
 * with err set. */
static int keep_keys(run *r)
{
	const nd_analysis_data *d = r->d;
	nd_correlation *o = r->out;
	size_t i;

	o->client_key = malloc((d->nclients + 1) * sizeof(*o->client_key));
	o->decision_key = malloc((d->ndecisions + 1) * sizeof(*o->decision_key));
	o->connect_key = malloc((d->nconnects + 1) * sizeof(*o->connect_key));
	o->unlock_key = malloc((d->nunlocks + 1) * sizeof(*o->unlock_key));
	if (!o->client_key || !o->decision_key || !o->connect_key || !o->unlock_key)
		return nd_error_set(r->err, "out of memory");
	o->made[0] = d->nclients;
	o->made[1] = d->ndecisions;
	o->made[2] = d->nconnects;
	o->made[3] = d->nunlocks;
	for (i = 0; i < d->nclients; i++) {
		o->client_key[i] = r->ids.v[r->client_id[i]];
		o->top = d->clients[i].ref > o->top ? d->clients[i].ref : o->top;
	}
	for (i = 0; i < d->ndecisions; i++) {
		o->decision_key[i] = r->ids.v[r->decision_id[i]];
		o->top = d->decisions[i].ref > o->top ? d->decisions[i].ref : o->top;
	}
	for (i = 0; i < d->nconnects; i++) {
		o->connect_key[i] = r->ids.v[r->connect_id[i]];
		o->top = d->connects[i].ref > o->top ? d->connects[i].ref : o->top;
	}
	for (i = 0; i < d->nunlocks; i++) {
		o->unlock_key[i] = r->ids.v[r->unlock_id[i]];
		o->top = d->unlocks[i].ref > o->top ? d->unlocks[i].ref : o->top;
	}
	return 0;
}

/* Returns 1 if (ts, ref) comes after (ts2, ref2), else 0. */
static int after(int64_t ts, int64_t ref, int64_t ts2, int64_t ref2)
{
	return ts > ts2 || (ts == ts2 && ref > ref2);
}

/* Returns 1 if the data's client failures and decisions are each in order
 * of time, then ref (as loading leaves them), else 0. */
static int in_time_order(const nd_analysis_data *d)
{
	size_t i;

	for (i = 1; i < d->nclients; i++)
		if (after(d->clients[i - 1].ts, d->clients[i - 1].ref, d->clients[i].ts, d->clients[i].ref))
			return 0;
	for (i = 1; i < d->ndecisions; i++)
		if (after(d->decisions[i - 1].ts, d->decisions[i - 1].ref, d->decisions[i].ts, d->decisions[i].ref))
			return 0;
	return 1;
}

/* Sets start[k] to the number of the ids[0..n) below k (k up to nids):
 * where the first element of id k goes when they are put in order of id
 * (a counting sort). Returns nothing. */
static void id_starts(const uint32_t *ids, size_t n, uint32_t *start, size_t nids)
{
	size_t i, sum = 0;

	memset(start, 0, (nids + 1) * sizeof(*start));
	for (i = 0; i < n; i++)
		start[ids[i]]++;
	for (i = 0; i <= nids; i++) {
		size_t c = start[i];

		start[i] = (uint32_t)sum;
		sum += c;
	}
}

/* Makes the keys of the client failures, decisions, connects and unlocks,
 * interned and ranked, and the items of the failures and decisions, each
 * side ordered by identity, then time and ref: put straight in their
 * places when the data is in time order (loading leaves it so), else
 * sorted. Returns 0, or -1 with err set. */
static int make_items(run *r)
{
	const nd_analysis_data *d = r->d;
	uint32_t *start = NULL, port = ND_STR_NONE;
	unsigned char vpn = 1;
	size_t i;

	if (d->nclients >= UINT32_MAX || d->ndecisions >= UINT32_MAX || d->nhosts >= UINT32_MAX)
		return nd_error_set(r->err, "too many events to correlate (the items count in 32 bits)");
	r->clients = malloc((d->nclients + 1) * sizeof(*r->clients));
	r->nps = malloc((d->ndecisions + 1) * sizeof(*r->nps));
	r->client_id = malloc((d->nclients + 1) * sizeof(*r->client_id));
	r->decision_id = malloc((d->ndecisions + 1) * sizeof(*r->decision_id));
	r->connect_id = malloc((d->nconnects + 1) * sizeof(*r->connect_id));
	r->unlock_id = malloc((d->nunlocks + 1) * sizeof(*r->unlock_id));
	if (!r->clients || !r->nps || !r->client_id || !r->decision_id || !r->connect_id || !r->unlock_id)
		return nd_error_set(r->err, "out of memory");
	for (i = 0; i < d->nclients; i++)
		if ((r->client_id[i] = failure_key(r, &d->clients[i])) == UINT32_MAX)
			return -1;
	for (i = 0; i < d->ndecisions; i++)
		if ((r->decision_id[i] = decision_key(r, &d->decisions[i])) == UINT32_MAX)
			return -1;
	for (i = 0; i < d->nconnects; i++)
		if ((r->connect_id[i] = client_key(r, d->connects[i].user, d->connects[i].host)) == UINT32_MAX)
			return -1;
	for (i = 0; i < d->nunlocks; i++)
		if ((r->unlock_id[i] = decision_key(r, &d->unlocks[i])) == UINT32_MAX)
			return -1;
	if (rank_keys(r) != 0 || (r->p->keep && keep_keys(r) != 0))
		return -1;
	if (!(start = malloc((r->ids.n + 1) * sizeof(*start))))
		return nd_error_set(r->err, "out of memory");
	id_starts(r->client_id, d->nclients, start, r->ids.n);
	for (i = 0; i < d->nclients; i++) {
		const nd_client_failure *c = &d->clients[i];

		r->clients[start[r->client_id[i]]++] =
		    (item){c->ts,
			   c->ref,
			   0,
			   UINT32_MAX,
			   r->client_id[i],
			   c->host,
			   (uint32_t)i,
			   0,
			   0,
			   c->code,
			   c->has_code,
			   1,
			   !c->has_code || !nd_sorted_has_u32(r->p->nopair, r->p->nnopair, c->code)};
	}
	r->nclients = d->nclients;
	id_starts(r->decision_id, d->ndecisions, start, r->ids.n);
	for (i = 0; i < d->ndecisions; i++) {
		const nd_decision *n = &d->decisions[i];

		if (i == 0 || n->port_type != port) { /* most decisions name the port type of the one before */
			port = n->port_type;
			vpn = (unsigned char)nd_correlate_vpn(nd_analysis_s(d, port), NULL, NULL);
		}
		r->nps[start[r->decision_id[i]]++] = (item){n->ts,
							    n->ref,
							    0,
							    UINT32_MAX,
							    r->decision_id[i],
							    n->host,
							    (uint32_t)i,
							    0,
							    0,
							    n->reason,
							    (unsigned char)(n->has_reason != 0),
							    vpn,
							    1};
	}
	r->nnps = d->ndecisions;
	free(start);
	if (!in_time_order(d)) {
		nd_sort(r->clients, r->nclients, sizeof(*r->clients), by_key_time);
		nd_sort(r->nps, r->nnps, sizeof(*r->nps), by_key_time);
	}
	return 0;
}

/* A client failure folded into an earlier one: the client item it is a
 * retry of, and its index in the data. */
typedef struct retry_of {
	uint32_t at, idx;
} retry_of;

/* Gives the attempts their retries (pending[0..n)) in the result, each
 * attempt's as one run in time order. Returns 0, or -1 with err set. */
static int place_retries(run *r, const retry_of *pending, size_t n)
{
	nd_correlation *o = r->out;
	size_t i, sum = 0;

	if (!n)
		return 0;
	if (!(o->retries = malloc(n * sizeof(*o->retries))))
		return nd_error_set(r->err, "out of memory");
	o->nretries = o->cap_retries = n;
	for (i = 0; i < r->nclients; i++) {
		item *a = &r->clients[i];

		a->retry = a->nretries ? (uint32_t)sum : 0;
		sum += a->nretries;
		a->nretries = 0;
	}
	for (i = 0; i < n; i++) {
		item *a = &r->clients[pending[i].at];

		o->retries[a->retry + a->nretries++] = pending[i].idx;
	}
	return 0;
}

/* Folds the client failures of one attempt (nd_correlate_retries) into
 * the first as its retries; the clients stay in order of identity and
 * time. An identity's failures come together and are folded on their own
 * (those of no identity are never one attempt). Returns 0, or -1 with err
 * set. */
static int fold_retries(run *r)
{
	nd_correlate_retries t = {0};
	const nd_client_failure **f = NULL;
	uint32_t *first = NULL;
	retry_of *pending = NULL;
	size_t i, s, e, out = 0, n = 0, cap = 0, cap_f = 0, cap_first = 0;
	int rc = -1;

	for (s = 0; s < r->nclients; s = e) {
		for (e = s + 1; e < r->nclients && r->clients[e].id == r->clients[s].id; e++)
			;
		if (!r->ids.v[r->clients[s].id][0]) {
			for (i = s; i < e; i++)
				r->clients[out++] = r->clients[i];
			continue;
		}
		if (nd_vec_reserve(&f, &cap_f, e - s, sizeof(*f)) != 0 ||
		    nd_vec_reserve(&first, &cap_first, e - s, sizeof(*first)) != 0)
			goto oom;
		for (i = s; i < e; i++)
			f[i - s] = &r->d->clients[r->clients[i].idx];
		if (nd_correlate_retries_find(&t, f, e - s, first) != 0)
			goto oom;
		/* first[] of an attempt's first failure becomes its place in the
		 * result as it is put there; its retries come after it */
		for (i = s; i < e; i++) {
			uint32_t at = first[i - s];

			if (at == i - s) {
				first[i - s] = (uint32_t)out;
				r->clients[out++] = r->clients[i];
				continue;
			}
			if (nd_vec_reserve(&pending, &cap, n + 1, sizeof(*pending)) != 0)
				goto oom;
			pending[n++] = (retry_of){first[at], r->clients[i].idx};
			r->clients[first[at]].nretries++;
		}
	}
	r->nclients = out;
	rc = place_retries(r, pending, n);
	goto out;
oom:
	nd_error_set(r->err, "out of memory");
out:
	nd_correlate_retries_free(&t);
	free(f);
	free(first);
	free(pending);
	return rc;
}

/* qsort: candidates by identity, host pair, client item, then NPS item
 * descending (so that the pairs of one failure never chain to each
 * other). */
static int by_block(const void *pa, const void *pb)
{
	const candidate *a = pa, *b = pb;
	int c = cmpz(a->id, b->id);

	if (c || (c = cmpz(a->chost, b->chost)) || (c = cmpz(a->nhost, b->nhost)))
		return c;
	return (c = cmpz(a->c, b->c)) ? c : cmpz(b->n, a->n);
}

/* Returns 1 if candidates a and b are of one identity and host pair. */
static int same_block(const candidate *a, const candidate *b)
{
	return a->id == b->id && a->chost == b->chost && a->nhost == b->nhost;
}

/* Returns 1 if client item c may pair with NPS item n: its code reaches
 * NPS and the decision is for the VPN (or for the server c dialled). */
static int eligible(const run *r, const item *c, const item *n)
{
	const nd_decision *dec = &r->d->decisions[n->idx];

	return c->pairable && (n->vpn || nd_correlate_vpn(nd_analysis_s(r->d, dec->port_type),
							  nd_analysis_s(r->d, dec->nas), r->d->clients[c->idx].dialled));
}

/* Collects the candidate pairs: same identity, delta within
 * [-wide, window + wide], eligible; in order of identity, client item,
 * then NPS item descending. Both item lists are sorted by identity and
 * time, so each identity's decisions are walked once. Returns 0 with
 * *out and *nout set, or -1 with err set. */
static int find_candidates(run *r, candidate **out, size_t *nout)
{
	size_t i = 0, j = 0, k, m, n = 0, cap = 0;
	candidate *v = NULL;

	while (i < r->nclients && j < r->nnps) {
		int c = cmpz(r->clients[i].id, r->nps[j].id);
		size_t ie = i, je = j, lo, hi;

		if (!r->ids.v[r->clients[i].id][0] || c < 0) {
			i++;
			continue;
		}
		if (!r->ids.v[r->nps[j].id][0] || c > 0) {
			j++;
			continue;
		}
		while (ie < r->nclients && r->clients[ie].id == r->clients[i].id)
			ie++;
		while (je < r->nnps && r->nps[je].id == r->nps[j].id)
			je++;
		for (k = i, lo = j; k < ie; k++) {
			const item *ci = &r->clients[k];

			while (lo < je && ci->ts - r->nps[lo].ts > r->window + r->wide)
				lo++;
			for (hi = lo; hi < je && ci->ts - r->nps[hi].ts >= -r->wide; hi++)
				;
			for (m = hi; m-- > lo;) {
				if (!eligible(r, ci, &r->nps[m]))
					continue;
				if (nd_vec_reserve(&v, &cap, n + 1, sizeof(*v)) != 0) {
					free(v);
					return nd_error_set(r->err, "out of memory");
				}
				v[n++] = (candidate){ci->ts - r->nps[m].ts,
						     0,
						     0,
						     ND_NONE,
						     (uint32_t)k,
						     (uint32_t)m,
						     ci->id,
						     ci->host,
						     r->nps[m].host,
						     0,
						     0,
						     (uint32_t)compatible(r, ci, &r->nps[m])};
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

int64_t nd_correlate_offset(const int64_t *delta, size_t n, int64_t window, int64_t skew, int64_t wide)
{
	int64_t best = 0;
	size_t best_count = count_in(delta, n, 0, window), i;

	if (wide < skew)
		wide = skew;
	for (i = 0; i < n && wide; i++) {
		int64_t lo = delta[i] < -wide ? -wide : delta[i] > wide ? wide : delta[i];
		size_t c = count_in(delta, n, lo, window);

		if (c < 2 && (lo > skew || lo < -skew))
			continue;
		if (c > best_count || (c == best_count && (lo < 0 ? -lo : lo) < (best < 0 ? -best : best))) {
			best = lo;
			best_count = c;
		}
	}
	return best;
}

/* Returns -1, 0 or 1 as host pair (c, n) sorts before, with or after
 * candidate x's. */
static int pair_cmp(size_t c, size_t n, const nd_cand *x)
{
	int k = cmpz(c, x->chost);

	return k ? k : cmpz(n, x->nhost);
}

/* Returns the first of the candidates v[0..n) (by host pair) whose pair
 * is not before (c, n). */
static size_t pair_start(const nd_cand *v, size_t n, size_t c, size_t nh)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pair_cmp(c, nh, &v[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A client/NPS host pair with candidates. */
typedef struct host_pair {
	uint32_t chost, nhost;
	uint32_t at; /* its index in order of first candidate */
	uint32_t n;  /* its candidates */
	size_t start; /* where they go in order of host pair */
	int64_t offset;
} host_pair;

/* A candidate's delta and index, put in order of host pair, delta and
 * index. */
typedef struct pair_delta {
	int64_t delta;
	size_t i;
} pair_delta;

/* What an index of host pairs compares: the pairs, and the one looked
 * for. */
typedef struct pair_probe {
	const host_pair *v;
	uint32_t chost, nhost;
} pair_probe;

/* nd_slots_is_fn: whether host pair i is the probe's. */
static int is_pair(const void *ctx, uint32_t i)
{
	const pair_probe *p = ctx;

	return p->v[i].chost == p->chost && p->v[i].nhost == p->nhost;
}

/* Returns the hash of host pair (c, n) (keyed: an attacker names the
 * hosts, so influences their numbers). */
static uint64_t pair_hash(uint32_t c, uint32_t n)
{
	return nd_hash_word((uint64_t)c << 32 | n);
}

/* qsort: host pairs by client host, then NPS host. */
static int by_hosts(const void *pa, const void *pb)
{
	const host_pair *a = pa, *b = pb;
	int c = cmpz(a->chost, b->chost);

	return c ? c : cmpz(a->nhost, b->nhost);
}

/* qsort: by delta, then index. */
static int by_delta(const void *pa, const void *pb)
{
	const pair_delta *a = pa, *b = pb;
	int c = cmp64(a->delta, b->delta);

	return c ? c : cmpz(a->i, b->i);
}

/* Sorts x[0..n) by delta, then index: by insertion when they are a few
 * (a host pair's candidates mostly are, and qsort costs more to call).
 * Returns nothing. */
static void sort_deltas(pair_delta *x, size_t n)
{
	size_t i, j;

	if (n > 32) {
		nd_sort(x, n, sizeof(*x), by_delta);
		return;
	}
	for (i = 1; i < n; i++) {
		pair_delta t = x[i];

		for (j = i; j > 0 && by_delta(&x[j - 1], &t) > 0; j--)
			x[j] = x[j - 1];
		x[j] = t;
	}
}

/* Finds the host pairs of the candidates v[0..n): *out (by client, then
 * NPS host, each with its count), *nout, and of[i] the index there of
 * candidate i's. Returns 0, or -1 with err set. */
static int find_pairs(run *r, const candidate *v, size_t n, uint32_t *of, host_pair **out, size_t *nout)
{
	nd_slots index = {NULL, 0};
	host_pair *p = NULL;
	uint32_t *rank = NULL;
	size_t i, k, np = 0, cap = 0;
	int rc = -1;

	for (i = 0; i < n; i++) {
		pair_probe probe = {p, v[i].chost, v[i].nhost};
		uint32_t *slot;

		if (i > 0 && v[i].chost == v[i - 1].chost && v[i].nhost == v[i - 1].nhost) {
			of[i] = of[i - 1]; /* an identity's candidates come together */
			p[of[i]].n++;
			continue;
		}
		if (nd_slots_full(&index, np + 1)) {
			if (nd_slots_make(&index, 2 * (np + 1)) != 0)
				goto oom;
			for (k = 0; k < np; k++) {
				pair_probe again = {p, p[k].chost, p[k].nhost};

				*nd_slots_find(&index, pair_hash(p[k].chost, p[k].nhost), is_pair, &again) = (uint32_t)k + 1;
			}
		}
		slot = nd_slots_find(&index, pair_hash(v[i].chost, v[i].nhost), is_pair, &probe);
		if (!*slot) {
			if (nd_vec_reserve(&p, &cap, np + 1, sizeof(*p)) != 0)
				goto oom;
			p[np] = (host_pair){v[i].chost, v[i].nhost, (uint32_t)np, 0, 0, 0};
			*slot = (uint32_t)++np;
		}
		of[i] = *slot - 1;
		p[of[i]].n++;
	}
	nd_sort(p, np, sizeof(*p), by_hosts);
	if (!(rank = malloc((np + 1) * sizeof(*rank))))
		goto oom;
	for (k = 0, i = 0; k < np; k++) {
		rank[p[k].at] = (uint32_t)k;
		p[k].start = i;
		i += p[k].n;
	}
	for (i = 0; i < n; i++)
		of[i] = rank[of[i]];
	*out = p;
	*nout = np;
	p = NULL;
	rc = 0;
	goto out;
oom:
	nd_error_set(r->err, "out of memory");
out:
	nd_slots_free(&index);
	free(rank);
	free(p);
	return rc;
}

/* Keeps the candidates (ds: put in order of host pair and delta) in the
 * result (p->keep). Returns 0, or -1 with err set. */
static int keep_cands(run *r, const candidate *v, const pair_delta *ds, size_t n)
{
	size_t i;

	if (!(r->out->cands = malloc((n + 1) * sizeof(*r->out->cands))))
		return nd_error_set(r->err, "out of memory");
	for (i = 0; i < n; i++) {
		const candidate *c = &v[ds[i].i];

		r->out->cands[i] = (nd_cand){r->ids.v[c->id], c->chost, c->nhost, c->delta};
	}
	r->out->ncands = n;
	return 0;
}

/* Sets each candidate's offset: that of its host pair, estimated from its
 * candidates and those of p->others on the pair; lists the pairs' offsets
 * in the result, by host pair. Returns 0, or -1 with err set. */
static int estimate_offsets(run *r, candidate *v, size_t n)
{
	const nd_cand *others = r->p->others;
	uint32_t *of = malloc((n + 1) * sizeof(*of));
	pair_delta *ds = malloc((n + 1) * sizeof(*ds));
	host_pair *p = NULL;
	int64_t *delta = NULL;
	size_t np = 0, most = 0, i, j;
	int rc = -1;

	if (!of || !ds) {
		nd_error_set(r->err, "out of memory");
		goto out;
	}
	if (find_pairs(r, v, n, of, &p, &np) != 0)
		goto out;
	for (j = 0; j < np; j++)
		most = p[j].n > most ? p[j].n : most;
	if (!(delta = malloc((most + r->p->nothers + 1) * sizeof(*delta))) ||
	    !(r->out->offsets = malloc((np + 1) * sizeof(*r->out->offsets)))) {
		nd_error_set(r->err, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		ds[p[of[i]].start++] = (pair_delta){v[i].delta, i};
	for (j = 0; j < np; j++) {
		pair_delta *x = ds + p[j].start - p[j].n;
		size_t o = pair_start(others, r->p->nothers, p[j].chost, p[j].nhost), k = 0;

		sort_deltas(x, p[j].n);
		for (i = 0; i < p[j].n; i++)
			delta[k++] = x[i].delta;
		for (; o < r->p->nothers && pair_cmp(p[j].chost, p[j].nhost, &others[o]) == 0; o++)
			delta[k++] = others[o].delta;
		if (k > p[j].n)
			nd_sort_i64(delta, k);
		p[j].offset = nd_correlate_offset(delta, k, r->window, r->skew, r->wide);
		r->out->offsets[r->out->noffsets++] = (nd_pair_offset){p[j].chost, p[j].nhost, p[j].offset};
	}
	for (i = 0; i < n; i++)
		v[i].offset = p[of[i]].offset;
	rc = r->p->keep ? keep_cands(r, v, ds, n) : 0;
out:
	free(of);
	free(ds);
	free(p);
	free(delta);
	return rc;
}

/* Returns the attempt of client item c and NPS item n (either NULL). */
static nd_attempt attempt_of(const item *c, const item *n)
{
	const item *alone = c && n ? NULL : c ? c : n;
	nd_attempt a;

	a.id = c ? c->id : n->id;
	a.ts = c ? c->ts : n->ts;
	a.client = c ? c->idx : ND_ATTEMPT_NONE;
	a.client_ref = c ? c->ref : 0;
	a.retry = c ? c->retry : 0;
	a.nretries = c ? c->nretries : 0;
	a.nps = n ? n->idx : ND_ATTEMPT_NONE;
	a.nps_ref = n ? n->ref : 0;
	a.vpn = c ? 1 : n->vpn;
	a.lines_up = alone && alone->lineup_host != UINT32_MAX;
	a.lineup = a.lines_up ? alone->lineup : 0;
	a.lineup_host = a.lines_up ? alone->lineup_host : ND_ATTEMPT_NONE;
	return a;
}

/* Returns 1 if the chain ending in candidate a is better than the one
 * ending in b (ND_NONE: none): more pairs, then more compatible pairs,
 * then a smaller sum of corrected delays. */
static int better(const candidate *v, size_t a, size_t b)
{
	if (b == ND_NONE)
		return 1;
	if (v[a].pairs != v[b].pairs)
		return v[a].pairs > v[b].pairs;
	if (v[a].ncompatible != v[b].ncompatible)
		return v[a].ncompatible > v[b].ncompatible;
	return v[a].sum < v[b].sum;
}

/* Finds the best chain (by `better`) of the candidates v[s..e) of one
 * identity and host pair whose client and NPS items both increase,
 * leaving out those whose client or NPS item is taken (taken_c, taken_n;
 * both NULL: none is). tree is a Fenwick tree over the NPS items (nnps + 1
 * entries, all ND_NONE) that keeps the best chain ending below each item;
 * it is left all ND_NONE. Only its part over the block's NPS items is
 * used, as a tree of its own: the aligned power of two of items that
 * holds them, where its nodes are those of the whole tree (so ties go as
 * there) and the whole tree's other nodes are empty. Returns the chain's
 * last candidate (linked by prev), or ND_NONE. */
static size_t best_chain(const run *r, candidate *v, size_t s, size_t e, const char *taken_c, const char *taken_n,
			 size_t *tree)
{
	size_t i, t, best = ND_NONE, lo = SIZE_MAX, hi = 0, base, size;
	unsigned k = 0;

	if (s == e)
		return ND_NONE;
	for (i = s; i < e; i++) {
		lo = v[i].n < lo ? v[i].n : lo;
		hi = v[i].n > hi ? v[i].n : hi;
	}
	while (lo >> k != hi >> k)
		k++;
	base = lo >> k << k;
	size = r->nnps - base < (size_t)1 << k ? r->nnps - base : (size_t)1 << k;
	for (i = s; i < e; i++) {
		size_t prev = ND_NONE;

		if (taken_c && (taken_c[v[i].c] || taken_n[v[i].n]))
			continue;
		for (t = v[i].n - base; t > 0; t -= t & (~t + 1))
			if (tree[t] != ND_NONE && (prev == ND_NONE || better(v, tree[t], prev)))
				prev = tree[t];
		v[i].prev = prev;
		v[i].pairs = (prev == ND_NONE ? 0 : v[prev].pairs) + 1;
		v[i].ncompatible = (prev == ND_NONE ? 0 : v[prev].ncompatible) + v[i].compatible;
		v[i].sum = (prev == ND_NONE ? 0 : v[prev].sum) + v[i].delta - v[i].offset;
		for (t = v[i].n + 1 - base; t <= size; t += t & (~t + 1))
			if (better(v, i, tree[t]))
				tree[t] = i;
		if (better(v, i, best))
			best = i;
	}
	for (i = s; i < e; i++)
		for (t = v[i].n + 1 - base; t <= size; t += t & (~t + 1))
			tree[t] = ND_NONE;
	return best;
}

/* Takes the pairs of the chain ending in candidate last: sets partner,
 * taken_c and taken_n. Returns 1 if one of its items was already taken,
 * else 0. */
static int take_chain(const candidate *v, size_t last, size_t *partner, char *taken_c, char *taken_n)
{
	int clash = 0;
	size_t i;

	for (i = last; i != ND_NONE; i = v[i].prev) {
		clash |= taken_c[v[i].c] | taken_n[v[i].n];
		partner[v[i].c] = v[i].n;
		taken_c[v[i].c] = taken_n[v[i].n] = 1;
	}
	return clash;
}

/* The candidates v[s..e) of one identity and host pair, and the last of
 * their best chain (ND_NONE: none). */
typedef struct block {
	const candidate *v;
	size_t s, e, last;
} block;

/* qsort: blocks by their best chain, best first (`better`), then in
 * candidate order. */
static int by_chain(const void *pa, const void *pb)
{
	const block *a = pa, *b = pb;

	if (a->last != ND_NONE && b->last != ND_NONE &&
	    (better(a->v, a->last, b->last) || better(a->v, b->last, a->last)))
		return better(a->v, a->last, b->last) ? -1 : 1;
	if ((a->last == ND_NONE) != (b->last == ND_NONE))
		return a->last == ND_NONE ? 1 : -1;
	return cmpz(a->s, b->s);
}

/* Chooses the order-preserving assignment of the candidates v[0..n) (all
 * within the window, those of one identity together): per identity and host pair, the chain of pairs whose
 * client and NPS items both increase (pairs never cross in time on one
 * pair of clocks), best by `better`. Host pairs of one identity are
 * independent (two laptops, two NPS servers with their own clocks): when
 * their best chains share no failure or decision, together they are the
 * best assignment of the identity; when they do, the host pairs of that
 * identity choose one after another, the one with the best chain of its
 * own first, each from what the earlier ones left. Sets partner[c] (the
 * NPS item of client item c, else ND_NONE) and nps_taken. Returns 0, or -1
 * with err set. */
static int assign(run *r, candidate *v, size_t n, size_t *partner, char *nps_taken)
{
	size_t *tree = malloc((r->nnps + 1) * sizeof(*tree)), i, s, e, b, be, nb, cap = 0;
	char *taken_c = calloc(r->nclients + 1, 1);
	block *blocks = NULL;
	int rc = -1;

	if (!tree || !taken_c) {
		nd_error_set(r->err, "out of memory");
		goto out;
	}
	for (i = 0; i <= r->nnps; i++)
		tree[i] = ND_NONE;
	for (i = 0; i < r->nclients; i++)
		partner[i] = ND_NONE;
	for (s = 0; s < n; s = e) {
		int clash = 0;

		for (e = s; e < n && v[e].id == v[s].id; e++)
			;
		if (!ordered(v + s, e - s, sizeof(*v), by_block))
			nd_sort(v + s, e - s, sizeof(*v), by_block);
		for (b = s, nb = 0; b < e; b = be, nb++) {
			for (be = b; be < e && same_block(&v[be], &v[b]); be++)
				;
			if (nd_vec_reserve(&blocks, &cap, nb + 1, sizeof(*blocks)) != 0) {
				nd_error_set(r->err, "out of memory");
				goto out;
			}
			blocks[nb] = (block){v, b, be, best_chain(r, v, b, be, NULL, NULL, tree)};
			clash |= take_chain(v, blocks[nb].last, partner, taken_c, nps_taken);
		}
		if (!clash)
			continue;
		for (i = s; i < e; i++) {
			partner[v[i].c] = ND_NONE;
			taken_c[v[i].c] = nps_taken[v[i].n] = 0;
		}
		nd_sort(blocks, nb, sizeof(*blocks), by_chain);
		for (b = 0; b < nb; b++)
			take_chain(v, best_chain(r, v, blocks[b].s, blocks[b].e, taken_c, nps_taken, tree), partner,
				   taken_c, nps_taken);
	}
	rc = 0;
out:
	free(tree);
	free(taken_c);
	free(blocks);
	return rc;
}

/* The candidates within_window moves in one pass, at most (64 bytes
 * each): its scratch, whatever the number of candidates. */
#define PART_BUF 4096

/* Returns 1 if candidate x's corrected delay is within [0, window], else
 * 0. */
static int inside(const run *r, const candidate *x)
{
	int64_t d = x->delta - x->offset;

	return d >= 0 && d <= r->window;
}

/* Reverses v[0..n). Returns nothing. */
static void reverse(candidate *v, size_t n)
{
	size_t i;

	for (i = 0; i < n / 2; i++) {
		candidate t = v[i];

		v[i] = v[n - 1 - i];
		v[n - 1 - i] = t;
	}
}

/* Swaps the x candidates at v with the y after them, each part in its
 * order, through buf (room for PART_BUF) when one part fits. Returns
 * nothing. */
static void rotate(candidate *v, size_t x, size_t y, candidate *buf)
{
	if (!x || !y)
		return;
	if (x <= PART_BUF) {
		memcpy(buf, v, x * sizeof(*v));
		memmove(v, v + x, y * sizeof(*v));
		memcpy(v + y, buf, x * sizeof(*v));
	} else if (y <= PART_BUF) {
		memcpy(buf, v + x, y * sizeof(*v));
		memmove(v + y, v, x * sizeof(*v));
		memcpy(v, buf, y * sizeof(*v));
	} else {
		reverse(v, x);
		reverse(v + x, y);
		reverse(v, x + y);
	}
}

/* Moves the candidates of v[0..n) within the window (inside) to the
 * front, both parts in the order they had, with buf (room for PART_BUF)
 * as scratch: in one pass while the candidates outside fit in buf; past
 * that, the rest in halves, each partitioned so, joined by rotations
 * (n log n moves at worst). Returns how many are inside. */
static size_t partition(const run *r, candidate *v, size_t n, candidate *buf)
{
	size_t i, k = 0, m = 0, h, a, b;

	for (i = 0; i < n; i++) {
		if (inside(r, &v[i]))
			v[k++] = v[i];
		else if (m < PART_BUF)
			buf[m++] = v[i];
		else
			break;
	}
	if (m) /* into v[k..i): as many as the outside ones moved */
		memcpy(v + k, buf, m * sizeof(*v));
	if (i == n)
		return k;
	h = (n - i) / 2;
	a = partition(r, v + i, h, buf);
	b = partition(r, v + i + h, n - i - h, buf);
	rotate(v + i + a, h - a, b, buf);
	rotate(v + k, m, a + b, buf);
	return k + a + b;
}

/* Moves the candidates whose corrected delay is within [0, window] to the
 * front, both parts in the order they had (partition), with a scratch of
 * bounded size. Sets *in to how many they are. Returns 0, or -1 with err
 * set. */
static int within_window(const run *r, candidate *v, size_t n, size_t *in)
{
	candidate *buf = malloc((n < PART_BUF ? n + 1 : PART_BUF) * sizeof(*buf));

	if (!buf)
		return nd_error_set(r->err, "out of memory");
	*in = partition(r, v, n, buf);
	free(buf);
	return 0;
}

/* Marks the client failures and NPS decisions left unpaired that a
 * candidate outside the window joins (v[0..n): those candidates, as
 * find_candidates made them: by client item, then NPS item descending):
 * their attempts will say that the two line up at a clock offset, a
 * failure with the earliest such decision (its last candidate), a
 * decision with the earliest such failure (its first). Which one is
 * marked comes from that order alone (a later candidate overwrites a
 * failure's mark, not a decision's): every step between find_candidates
 * and here must keep the candidates outside the window in it
 * (estimate_offsets sorts copies, within_window's partition is stable),
 * and no order may come from a hash table's layout (nd_hash is keyed
 * anew in every process). Returns nothing. */
static void mark_lineups(run *r, const candidate *v, size_t n, const size_t *partner, const char *nps_taken)
{
	size_t i;

	for (i = 0; i < n; i++) {
		item *c = &r->clients[v[i].c], *d = &r->nps[v[i].n];

		if (partner[v[i].c] != ND_NONE || nps_taken[v[i].n])
			continue;
		c->lineup = v[i].delta;
		c->lineup_host = v[i].nhost;
		if (d->lineup_host == UINT32_MAX) {
			d->lineup = v[i].delta;
			d->lineup_host = v[i].chost;
		}
	}
}

/* Returns the position of each item of v[0..n) by the index of its event
 * in the data (nevents of them): at[idx] = i, UINT32_MAX for an event
 * without an item. NULL when out of memory. */
static uint32_t *positions(const item *v, size_t n, size_t nevents)
{
	uint32_t *at = malloc((nevents + 1) * sizeof(*at));
	size_t i;

	if (!at)
		return NULL;
	memset(at, 0xff, (nevents + 1) * sizeof(*at));
	for (i = 0; i < n; i++)
		at[v[i].idx] = (uint32_t)i;
	return at;
}

/* Adds the attempts (each client item with its partner, each NPS item
 * not taken but a grant) and the resolutions (the grants not taken, the
 * connects), each in its order: walked in the data's order, time and ref,
 * and merged, or sorted when the data is not in it. Returns 0, or -1 with
 * err set. */
static int add_results(run *r, const size_t *partner, const char *nps_taken)
{
	const nd_analysis_data *d = r->d;
	nd_correlation *o = r->out;
	uint32_t *at_c = positions(r->clients, r->nclients, d->nclients), *at_n = positions(r->nps, r->nnps, d->ndecisions);
	size_t i = 0, j = 0, n = r->nclients, nres = d->nconnects;
	int rc = -1;

	if (!at_c || !at_n)
		goto oom;
	for (j = 0; j < r->nnps; j++) {
		int grant = d->decisions[r->nps[j].idx].event == 6272;

		n += !nps_taken[j] && !grant;
		nres += !nps_taken[j] && grant;
	}
	if (!(o->attempts = malloc((n + 1) * sizeof(*o->attempts))) ||
	    !(o->resolutions = malloc((nres + 1) * sizeof(*o->resolutions))))
		goto oom;
	o->cap = n + 1;
	o->cap_res = nres + 1;
	for (i = 0, j = 0;;) {
		const item *c, *x;
		nd_attempt ac, an;

		for (; j < d->ndecisions && (nps_taken[at_n[j]] || d->decisions[j].event == 6272); j++) {
			x = &r->nps[at_n[j]];
			if (!nps_taken[at_n[j]] && r->ids.v[x->id][0])
				o->resolutions[o->nres++] = (nd_resolution){r->ids.v[x->id], x->id, x->ref, x->ts, x->vpn};
		}
		for (; i < d->nclients && at_c[i] == UINT32_MAX; i++)
			;
		if (i == d->nclients && j == d->ndecisions)
			break;
		c = i < d->nclients ? &r->clients[at_c[i]] : NULL;
		if (c)
			ac = attempt_of(c, partner[at_c[i]] == ND_NONE ? NULL : &r->nps[partner[at_c[i]]]);
		if (j < d->ndecisions)
			an = attempt_of(NULL, &r->nps[at_n[j]]);
		if (c && (j == d->ndecisions || nd_correlate_attempt_order(&ac, &an) <= 0)) {
			o->attempts[o->n++] = ac;
			i++;
		} else {
			o->attempts[o->n++] = an;
			j++;
		}
	}
	for (i = 0; i < d->nconnects; i++) {
		const nd_connect *c = &d->connects[i];

		if (r->ids.v[r->connect_id[i]][0])
			o->resolutions[o->nres++] = (nd_resolution){r->ids.v[r->connect_id[i]], r->connect_id[i], c->ref,
								    c->ts, 1};
	}
	if (nd_analysis_keep_order(o->attempts, o->n, 0, sizeof(*o->attempts), nd_correlate_attempt_order) != 0 ||
	    nd_analysis_keep_order(o->resolutions, o->nres, 0, sizeof(*o->resolutions), nd_correlate_res_time_order) !=
		0)
		goto oom;
	rc = 0;
	goto out;
oom:
	nd_error_set(r->err, "out of memory");
out:
	free(at_c);
	free(at_n);
	return rc;
}

/* Pairs the attempts and builds the result. Returns 0, or -1 with err
 * set. */
static int pair(run *r)
{
	candidate *v = NULL;
	size_t n = 0, in = 0, *partner = malloc((r->nclients + 1) * sizeof(*partner));
	char *nps_taken = calloc(r->nnps + 1, 1);
	int rc = -1;

	if (!nps_taken || !partner) {
		nd_error_set(r->err, "out of memory");
		goto out;
	}
	if (find_candidates(r, &v, &n) != 0 || estimate_offsets(r, v, n) != 0 || within_window(r, v, n, &in) != 0 ||
	    assign(r, v, in, partner, nps_taken) != 0)
		goto out;
	if (n > in)
		mark_lineups(r, v + in, n - in, partner, nps_taken);
	/* The candidates are done with: the attempts take their room (at 1M
	 * client failures each is about 100 MB). */
	free(v);
	v = NULL;
	rc = add_results(r, partner, nps_taken);
out:
	free(v);
	free(partner);
	free(nps_taken);
	return rc;
}

/* qsort: resolutions by identity, then time, then ref. Returns <0, 0 or >0. */
int nd_correlate_res_key_order(const void *pa, const void *pb)
{
	const nd_resolution *a = pa, *b = pb;
	int c = cmpz(a->id, b->id);

	return c ? c : (c = cmp64(a->ts, b->ts)) ? c : cmp64(a->ref, b->ref);
}

/* Adds the NPS locks (6279) and unlocks (6280) of identities it can read.
 * Returns 0, or -1 with err set. */
static int add_unlocks(run *r)
{
	nd_correlation *o = r->out;
	size_t i;

	for (i = 0; i < r->d->nunlocks; i++) {
		const nd_decision *u = &r->d->unlocks[i];
		uint32_t id = r->unlock_id[i];
		const char *key = r->ids.v[id];
		int lock = u->event == 6279;

		if (!key[0])
			continue;
		if (lock ? nd_vec_reserve(&o->locks, &o->cap_locks, o->nlocks + 1, sizeof(*o->locks))
			 : nd_vec_reserve(&o->unlocks, &o->cap_unlocks, o->nunlocks + 1, sizeof(*o->unlocks)))
			return nd_error_set(r->err, "out of memory");
		if (lock)
			o->locks[o->nlocks++] = (nd_resolution){key, id, u->ref, u->ts, 1};
		else
			o->unlocks[o->nunlocks++] = (nd_resolution){key, id, u->ref, u->ts, 1};
	}
	nd_sort(o->unlocks, o->nunlocks, sizeof(*o->unlocks), nd_correlate_res_key_order);
	nd_sort(o->locks, o->nlocks, sizeof(*o->locks), nd_correlate_res_key_order);
	return 0;
}

const nd_resolution *nd_correlate_last(const nd_resolution *v, size_t n, const char *key, int64_t ts)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int k = strcmp(v[mid].key, key);

		if (k < 0 || (k == 0 && v[mid].ts <= ts))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && strcmp(v[lo - 1].key, key) == 0 ? &v[lo - 1] : NULL;
}

/* qsort: attempts by time, then client ref, then NPS ref. Returns <0, 0 or >0. */
int nd_correlate_attempt_order(const void *pa, const void *pb)
{
	const nd_attempt *a = pa, *b = pb;
	int c = cmp64(a->ts, b->ts);

	return c ? c : (c = cmp64(a->client_ref, b->client_ref)) ? c : cmp64(a->nps_ref, b->nps_ref);
}

/* qsort: resolutions by time, then ref. Returns <0, 0 or >0. */
int nd_correlate_res_time_order(const void *pa, const void *pb)
{
	const nd_resolution *a = pa, *b = pb;
	int c = cmp64(a->ts, b->ts);

	return c ? c : cmp64(a->ref, b->ref);
}

int nd_correlate(const nd_analysis_data *d, const nd_correlate_params *p, nd_correlation *out, nd_error *err)
{
	run r = {.d = d,
		 .p = p,
		 .out = out,
		 .err = err,
		 .domains = nd_domains_new(),
		 .ids = {.pool = &out->keys},
		 .window = (int64_t)(p->window_s * ND_TICKS_PER_SECOND),
		 .skew = (int64_t)(p->skew_s * ND_TICKS_PER_SECOND),
		 .wide = (int64_t)((p->skew_s > ND_CORRELATE_WIDE_S ? p->skew_s : ND_CORRELATE_WIDE_S) *
				   ND_TICKS_PER_SECOND)};
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->window_s = p->window_s;
	out->skew_s = p->skew_s;
	if (!r.domains)
		return nd_error_set(err, "out of memory");
	if (learn_domains(&r) == 0 && make_items(&r) == 0 && fold_retries(&r) == 0 && pair(&r) == 0 &&
	    add_unlocks(&r) == 0)
		rc = 0;
	free(r.clients);
	free(r.nps);
	free(r.client_id);
	free(r.decision_id);
	free(r.connect_id);
	free(r.unlock_id);
	free(r.client_ids.v);
	free(r.nps_ids.v);
	nd_domains_free(r.domains);
	out->ids = r.ids.v;
	out->nids = r.ids.n;
	r.ids.v = NULL;
	nd_intern_free(&r.ids);
	if (rc != 0) {
		nd_correlation_free(out);
		return -1;
	}
	nd_vec_fit(&out->resolutions, &out->cap_res, out->nres, sizeof(*out->resolutions));
	return 0;
}

int nd_correlate_vpn(const char *port_type, const char *nas, const char *dialled)
{
	if (!port_type || nd_ascii_casecmp(port_type, "Virtual") == 0 || strcmp(port_type, "5") == 0)
		return 1;
	return nas && dialled && nd_ascii_casecmp(nas, dialled) == 0;
}

/* qsort: uint32_t ascending. */
static int u32_order(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return a < b ? -1 : a > b;
}

/* qsort: uint64_t ascending. */
static int u64_order(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return a < b ? -1 : a > b;
}

int nd_correlate_params_rules(nd_correlate_params *p, const nd_rules *rules, nd_error *err)
{
	uint32_t *nopair = NULL;
	uint64_t *compat = NULL;
	size_t i, j, k, nn = 0, cap_n = 0, nc = 0, cap_c = 0;

	for (i = 0; i < rules->n; i++) {
		const nd_rule *rule = rules->v[i];

		if (rule->disabled || rule->kind != ND_RULE_INCIDENT)
			continue;
		for (j = 0; j < rule->client_errors.n; j++) {
			if (rule->nps == ND_ABSENT) {
				if (nd_vec_reserve(&nopair, &cap_n, nn + 1, sizeof(*nopair)) != 0)
					goto oom;
				nopair[nn++] = rule->client_errors.v[j];
			}
			for (k = 0; k < rule->nps_reasons.n; k++) {
				if (nd_vec_reserve(&compat, &cap_c, nc + 1, sizeof(*compat)) != 0)
					goto oom;
				compat[nc++] = (uint64_t)rule->client_errors.v[j] << 32 | rule->nps_reasons.v[k];
			}
		}
	}
	nd_sort(nopair, nn, sizeof(*nopair), u32_order);
	nd_sort(compat, nc, sizeof(*compat), u64_order);
	p->nopair = nopair;
	p->nnopair = nn;
	p->compatible = compat;
	p->ncompatible = nc;
	return 0;
oom:
	free(nopair);
	free(compat);
	return nd_error_set(err, "out of memory");
}

void nd_correlate_params_free(nd_correlate_params *p)
{
	free((void *)(uintptr_t)p->nopair);
	free((void *)(uintptr_t)p->compatible);
	p->nopair = NULL;
	p->compatible = NULL;
	p->nnopair = p->ncompatible = 0;
}

void nd_correlation_free(nd_correlation *c)
{
	free(c->attempts);
	free(c->retries);
	free(c->resolutions);
	free(c->unlocks);
	free(c->locks);
	free(c->ids);
	free(c->offsets);
	free(c->client_key);
	free(c->decision_key);
	free(c->connect_key);
	free(c->unlock_key);
	free(c->cands);
	free(c->again);
	free(c->was);
	nd_strpool_free(&c->keys);
	memset(c, 0, sizeof(*c));
}
