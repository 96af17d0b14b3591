#include "nd_diagnose.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_analysis_load.h"
#include "nd_buf.h"
#include "nd_correlate.h"
#include "nd_cpu.h"
#include "nd_diagnose_write.h"
#include "nd_evidence.h"
#include "nd_group.h"
#include "nd_hash.h"
#include "nd_incidents.h"
#include "nd_judge.h"
#include "nd_keys.h"
#include "nd_sort.h"
#include "nd_time.h"
#include "nd_vec.h"

/* The incidents of the previous run with their keys, as nd_keys sees
 * them, read from the store. */
typedef struct old_keys {
	nd_key_incident *v;
	size_t n, cap;
	int64_t *refs;
	size_t nrefs, cap_refs;
	size_t *start; /* the first ref of each incident in refs (refs moves as it grows) */
	size_t cap_start;
	int64_t id;         /* of the incident being read */
	int first_client;   /* its first event is a client failure */
} old_keys;

/* Takes the stored event row as its incident's first event when it is
 * the first attempt's client failure, else its decision (a finding: its
 * first event); *first_ref and *first_client are the incident's so far.
 * Returns nothing. */
static void first_event(const nd_incident_key_row *row, int64_t *first_ref, int *first_client)
{
	if (row->attempt == 1 && !*first_client && (!*first_ref || row->client)) {
		*first_ref = row->ref;
		*first_client = row->client;
	}
}

/* nd_incidents_key_fn: adds one stored event of an incident to o.
 * Returns 0, or -1 with err set. */
static int old_key_row(void *ctx, const nd_incident_key_row *row, nd_error *err)
{
	old_keys *o = ctx;
	nd_key_incident *x;
	size_t len;

	if (!o->n || row->id != o->id) {
		if (nd_vec_reserve(&o->v, &o->cap, o->n + 1, sizeof(*o->v)) ||
		    nd_vec_reserve(&o->start, &o->cap_start, o->n + 1, sizeof(*o->start)))
			return nd_error_set(err, "out of memory");
		x = &o->v[o->n];
		memset(x, 0, sizeof(*x)); /* who: not used for old keys (at 1M incidents 12 MB of copies) */
		len = strlen(row->key);
		memcpy(x->key, row->key, len < ND_KEY_MAX ? len : ND_KEY_MAX - 1);
		x->first_ts = row->first_ts;
		o->start[o->n++] = o->nrefs;
		o->id = row->id;
		o->first_client = 0;
	}
	x = &o->v[o->n - 1];
	first_event(row, &x->first_ref, &o->first_client);
	if (nd_vec_reserve(&o->refs, &o->cap_refs, o->nrefs + 1, sizeof(*o->refs)))
		return nd_error_set(err, "out of memory");
	o->refs[o->nrefs++] = row->ref;
	x->nrefs++;
	return 0;
}

/* Reads the previous run's keys into o (refs ascending per incident, as
 * the store gives them). Returns 0, or -1 with err set. */
static int read_old_keys(nd_store *s, old_keys *o, nd_error *err)
{
	size_t i;

	if (nd_incidents_keys(s, old_key_row, o, err) != 0)
		return -1;
	nd_vec_fit(&o->v, &o->cap, o->n, sizeof(*o->v));
	nd_vec_fit(&o->refs, &o->cap_refs, o->nrefs, sizeof(*o->refs));
	for (i = 0; i < o->n; i++)
		o->v[i].refs = o->refs + o->start[i];
	free(o->start); /* needed only while refs could move */
	o->start = NULL;
	o->cap_start = 0;
	return 0;
}

/* Frees o. Returns nothing. */
static void old_keys_free(old_keys *o)
{
	free(o->v);
	free(o->refs);
	free(o->start);
}

/* How many keys ahead new_keys and read_old fetch the slot of a key in
 * the ring. */
#define KEYS_AHEAD 16

/* A key of the previous run as old_read keeps it: its value
 * (nd_keys_value_of), or OLD_TEXT and the index of its text in texts (a
 * key not made by nd_keys: a store written by another program). */
#define OLD_TEXT ((uint64_t)1 << 63)
/* The position of an event that is not loaded. */
#define NO_POSITION UINT32_MAX

/* An incident of the previous run as old_read keeps it: 24 bytes, and 4
 * an event (at 1M incidents 31 MB, where the texts and refs of old_keys
 * were 80 MB). */
typedef struct old_incident {
	int64_t first_ts;
	uint64_t key;   /* its value, or OLD_TEXT | the index of its text */
	uint32_t first; /* the position of its first event in the data's events */
	uint32_t end;   /* its events' positions: pos[end of the one before .. end) */
} old_incident;

/* The previous run's incidents with their keys, read (and the old results
 * emptied after them) on a thread of their own while the new run judges
 * and groups: they need the store's connection alone, and the data
 * loaded, not the new groups (at 1M incidents the read is 1.4 CPU s). */
typedef struct old_read {
	nd_store *s;
	const nd_analysis_data *d;
	int any;         /* the store has keys (nd_incidents_keyed) */
	nd_keyring ring; /* the made keys read, held */
	old_incident *v;
	size_t n, cap;
	uint32_t *pos; /* the positions of their events in d->events (NO_POSITION: not loaded) */
	size_t npos, cap_pos;
	nd_key *texts; /* the keys not made by nd_keys */
	size_t ntexts, cap_texts;
	int64_t id, first_ref; /* of the incident being read */
	int first_client;      /* its first event is a client failure */
	int started, rc;
	_Atomic int stop; /* the run failed: the read ends at its next row, the clear is not made (old_read_end) */
	nd_error err;
	pthread_t thread;
} old_read;

/* Returns the position of the event ref in d's events, or NO_POSITION. */
static uint32_t position_of(const nd_analysis_data *d, int64_t ref)
{
	const nd_event *e = ref ? nd_analysis_event(d, ref) : NULL;

	return e ? (uint32_t)(e - d->events) : NO_POSITION;
}

/* nd_incidents_key_fn: adds one stored event of an incident to the
 * old_read ctx. Returns 0, or -1 with err set. */
static int read_row(void *ctx, const nd_incident_key_row *row, nd_error *err)
{
	old_read *o = ctx;
	old_incident *x;

	if (atomic_load_explicit(&o->stop, memory_order_relaxed))
		return nd_error_set(err, "stopped");
	if (!o->n || row->id != o->id) {
		int64_t v = nd_keys_value_of(row->key);

		if (o->n)
			o->v[o->n - 1].first = position_of(o->d, o->first_ref);
		if (nd_vec_reserve(&o->v, &o->cap, o->n + 1, sizeof(*o->v)))
			return nd_error_set(err, "out of memory");
		x = &o->v[o->n++];
		x->first_ts = row->first_ts;
		if (v >= 0)
			x->key = (uint64_t)v;
		else {
			size_t len = strlen(row->key);

			if (nd_vec_reserve(&o->texts, &o->cap_texts, o->ntexts + 1, sizeof(*o->texts)))
				return nd_error_set(err, "out of memory");
			memset(&o->texts[o->ntexts], 0, sizeof(*o->texts));
			memcpy(o->texts[o->ntexts].s, row->key, len < ND_KEY_MAX ? len : ND_KEY_MAX - 1);
			x->key = OLD_TEXT | o->ntexts++;
		}
		o->id = row->id;
		o->first_ref = 0;
		o->first_client = 0;
	}
	x = &o->v[o->n - 1];
	first_event(row, &o->first_ref, &o->first_client);
	if (o->npos >= UINT32_MAX - 1)
		return nd_error_set(err, "too many incident events to key (they count in 32 bits)");
	if (nd_vec_reserve(&o->pos, &o->cap_pos, o->npos + 1, sizeof(*o->pos)))
		return nd_error_set(err, "out of memory");
	o->pos[o->npos++] = position_of(o->d, row->ref);
	x->end = (uint32_t)o->npos;
	return 0;
}

/* Reads the previous run's incidents into o, holds their made keys in
 * its ring (made big enough at once, their slots fetched ahead), then
 * empties the old results. Returns 0, or -1 with o->err set. */
static int read_old(old_read *o)
{
	size_t i;

	if (o->d->nevents >= NO_POSITION)
		return nd_error_set(&o->err, "too many events to key (they count in 32 bits)");
	if (o->any && nd_incidents_keys(o->s, read_row, o, &o->err) != 0)
		return -1;
	if (o->n)
		o->v[o->n - 1].first = position_of(o->d, o->first_ref);
	nd_vec_fit(&o->v, &o->cap, o->n, sizeof(*o->v));
	nd_vec_fit(&o->pos, &o->cap_pos, o->npos, sizeof(*o->pos));
	if (atomic_load(&o->stop))
		return nd_error_set(&o->err, "stopped");
	if (o->n && nd_keyring_reserve(&o->ring, o->n, &o->err) != 0)
		return -1;
	for (i = 0; i < o->n; i++) {
		if (i + KEYS_AHEAD < o->n && !(o->v[i + KEYS_AHEAD].key & OLD_TEXT))
			nd_keyring_prefetch(&o->ring, o->v[i + KEYS_AHEAD].key);
		if (!(o->v[i].key & OLD_TEXT) && nd_keyring_take(&o->ring, o->v[i].key, &o->err) < 0)
			return -1;
	}
	return atomic_load(&o->stop) ? nd_error_set(&o->err, "stopped") : nd_incidents_renew(o->s, &o->err);
}

/* The thread: reads o. Returns NULL. */
static void *read_work(void *arg)
{
	old_read *o = arg;

	o->rc = read_old(o);
	return NULL;
}

/* Starts reading the previous run's incidents of s into o (zeroed), their
 * events found in d (loaded whole), on a thread of its own: nothing else
 * may use the store's connection until old_read_end. Returns 0, or -1
 * with err set. */
static int old_read_begin(old_read *o, nd_store *s, const nd_analysis_data *d, nd_error *err)
{
	o->s = s;
	o->d = d;
	if (nd_incidents_keyed(s, &o->any, err) != 0)
		return -1;
	o->started = pthread_create(&o->thread, NULL, read_work, o) == 0;
	if (!o->started) /* read here, now */
		o->rc = read_old(o);
	return 0;
}

/* Waits for the read of o to end; without err (the run failed: its
 * outcome no longer matters) stops it first at its next row, before the
 * clear (at 1M incidents the read is 1.4 CPU s). Returns 0, or -1 with
 * err (when not NULL) set to its error. */
static int old_read_end(old_read *o, nd_error *err)
{
	if (!err)
		atomic_store(&o->stop, 1);
	if (o->started)
		pthread_join(o->thread, NULL);
	o->started = 0;
	if (o->rc == 0)
		return 0;
	if (err)
		*err = o->err;
	return -1;
}

/* Frees the incidents o read (its read ended), not its ring. Returns
 * nothing. */
static void old_read_drop(old_read *o)
{
	free(o->v);
	free(o->pos);
	free(o->texts);
	o->v = NULL;
	o->pos = NULL;
	o->texts = NULL;
	o->n = o->cap = o->npos = o->cap_pos = o->ntexts = o->cap_texts = 0;
}

/* Frees what o holds (its read ended). Returns nothing. */
static void old_read_free(old_read *o)
{
	old_read_drop(o);
	nd_keyring_free(&o->ring);
	memset(o, 0, sizeof(*o));
}

struct nd_diagnose_memory {
	nd_written written;    /* empty: nothing to compare with */
	nd_diagnose_params p;  /* of the run that wrote it */
	nd_buf stamp;          /* the stored results as that run left them (stamp) */
	int64_t version;       /* the data_version that run left (0: unknown) */
	nd_analysis_data d;    /* what the last run loaded, when loaded */
	nd_analysis_cursor cur; /* where that load got to */
	int loaded;
	nd_correlation c; /* the last run's correlation of d (made with keep), when correlated */
	int correlated;
	const nd_rule **cause; /* of each attempt of c */
	nd_grouping g; /* the last run's grouping of c, when correlated */
	uint64_t *sig; /* of each incident id written (group_sig), while d holds what that run loaded */
	size_t nsig;
	old_keys keys; /* the incidents written with their keys, as read_old_keys would read them (n 0: none) */
	nd_keyring ring; /* their keys, when ringed */
	int ringed;
};

nd_diagnose_memory *nd_diagnose_memory_new(void)
{
	return calloc(1, sizeof(nd_diagnose_memory));
}

/* Forgets the loaded data of m. Returns nothing. */
static void forget_data(nd_diagnose_memory *m)
{
	if (m->loaded)
		nd_analysis_data_free(&m->d);
	nd_analysis_cursor_free(&m->cur);
	nd_correlation_free(&m->c);
	nd_grouping_free(&m->g);
	free(m->sig);
	free(m->cause);
	m->sig = NULL;
	m->cause = NULL;
	m->nsig = 0;
	m->loaded = m->correlated = 0;
}

void nd_diagnose_memory_forget(nd_diagnose_memory *m)
{
	nd_written_free(&m->written);
	nd_buf_reset(&m->stamp);
	m->version = 0;
	forget_data(m);
	old_keys_free(&m->keys);
	memset(&m->keys, 0, sizeof(m->keys));
	nd_keyring_free(&m->ring);
	m->ringed = 0;
}

/* Keeps in m the keys a run wrote (taking keys and refs), as
 * read_old_keys reads them back: only the first event differs, which is
 * read as the lowest client failure (retries included) of the first
 * attempt (a group kept from the last run, from[i] set, has it already).
 * Returns nothing. */
static void keep_keys(nd_diagnose_memory *m, const nd_analysis_data *d, const nd_correlation *c,
		      const nd_grouping *g, const size_t *from, nd_key_incident *keys, int64_t *refs)
{
	size_t i, k;

	old_keys_free(&m->keys);
	memset(&m->keys, 0, sizeof(m->keys));
	m->keys.v = keys;
	m->keys.n = m->keys.cap = g->n;
	m->keys.refs = refs;
	for (i = 0; i < g->n; i++) {
		const nd_attempt *a = g->v[i].finding || (from && from[i] != ND_NONE) ? NULL
											: &c->attempts[g->items[g->v[i].item]];

		keys[i].who = NULL; /* not used for old keys (read_old_keys) */
		for (k = 0; a && a->client_ref && k < a->nretries; k++)
			if (d->clients[c->retries[a->retry + k]].ref < keys[i].first_ref)
				keys[i].first_ref = d->clients[c->retries[a->retry + k]].ref;
	}
}

void nd_diagnose_memory_free(nd_diagnose_memory *m)
{
	if (!m)
		return;
	nd_diagnose_memory_forget(m);
	nd_buf_free(&m->stamp);
	free(m);
}

/* Correlates d into *c: with m's correlation of d before the events just
 * added to it, only what they change (nd_correlate_again; *again set),
 * else in full. Returns 0, or -1 with err set. */
static int correlate(const nd_analysis_data *d, const nd_correlate_params *cp, nd_diagnose_memory *m,
		     nd_correlation *c, int *again, nd_error *err)
{
	int rc = 1;

	if (m && m->correlated && (rc = nd_correlate_again(d, cp, &m->c, c, err)) == -1)
		return -1;
	if (m) {
		nd_correlation_free(&m->c);
		m->correlated = 0;
	}
	*again = rc == 0;
	return rc == 0 ? 0 : nd_correlate(d, cp, c, err);
}

/* The correlation of a run's data, made while a full load reads the
 * events the rules read (nd_analysis_meanwhile). */
typedef struct pairing {
	const nd_analysis_data *d;
	const nd_correlate_params *cp;
	nd_diagnose_memory *m;
	nd_correlation *c;
	int again; /* made by nd_correlate_again */
} pairing;

/* nd_analysis_meanwhile: correlate with p. Returns 0, or -1 with err set. */
static int pair_meanwhile(void *p, nd_error *err)
{
	pairing *x = p;

	return correlate(x->d, x->cp, x->m, x->c, &x->again, err);
}

/* Loads the data of a run into *d and correlates it as p says (p->d set
 * here): without m afresh into local (*loaded: the rows read), with
 * nothing kept for a later load; with m what was stored since m's data
 * was loaded is added to it (*since: the id after which events are new),
 * or it is loaded afresh (the first run, or the store changed otherwise;
 * m's signatures are then forgotten), and m's cursor says what was read.
 * A full load correlates while it reads its last part (test: the load's
 * flags, nd_diagnose_params). Returns 0, or -1 with err set. */
static int load(nd_store *s, const nd_rules *rules, nd_diagnose_memory *m, int test, nd_analysis_data *local,
		size_t *loaded, const nd_analysis_data **d, int64_t *since, pairing *p, nd_error *err)
{
	int rc = 1;

	*since = m ? m->cur.last : 0;
	if (!m) {
		*d = p->d = local;
		return nd_analysis_load(s, rules, local, NULL, ND_LOAD_BESIDE | (test & ~ND_DIAGNOSE_FAILS), pair_meanwhile,
					p, loaded, err);
	}
	if (m->loaded && (rc = nd_analysis_load_more(s, rules, &m->d, &m->cur, err)) != 0)
		forget_data(m);
	else if (m->loaded && m->correlated && m->cur.moved) /* new hosts took their places among the others */
		nd_correlation_move_hosts(&m->c, m->cur.moved, m->cur.nmoved);
	if (rc != 0)
		*since = 0;
	*d = p->d = &m->d;
	if (rc == -1 || (rc == 1 && nd_analysis_load(s, rules, &m->d, &m->cur, 0, pair_meanwhile, p, loaded, err) != 0))
		return -1;
	m->loaded = 1;
	return rc == 1 ? 0 : pair_meanwhile(p, err);
}

/* The words of a group's signature being hashed (group_sig), a batch at a
 * time. */
typedef struct sig_words {
	nd_hash_state st;
	uint64_t w[32];
	size_t n;
} sig_words;

/* Adds the word v to s, hashing the batch when it is full. Returns
 * nothing. */
static void sig_put(sig_words *s, uint64_t v)
{
	s->w[s->n++] = v;
	if (s->n == sizeof(s->w) / sizeof(s->w[0])) {
		nd_hash_add(&s->st, s->w, sizeof(s->w));
		s->n = 0;
	}
}

/* Returns the signature of group i of g (written with key): everything
 * its rows are made of but the stored values of its events (a ref's
 * never change) and the events near them: its id, key, rule, times and
 * resolution, the NPS lock it names, and each attempt's events, time and
 * clock line-up. Event times are the attacker's to choose, so the words
 * go through the process's keyed hash (nd_hash_add, in batches of a fixed
 * size): no one outside the process can aim two groups at one
 * signature. */
static uint64_t group_sig(const nd_analysis_data *d, const nd_correlation *c, const nd_grouping *g, size_t i,
			  const char *key)
{
	const nd_group *gr = &g->v[i];
	const nd_resolution *lock = NULL;
	sig_words s;
	size_t k, r;

	nd_hash_begin(&s.st);
	s.n = 0;
	nd_hash_add(&s.st, key, strlen(key));
	sig_put(&s, i);
	sig_put(&s, (uintptr_t)gr->rule);
	sig_put(&s, (uint64_t)gr->finding);
	sig_put(&s, gr->n);
	sig_put(&s, (uint64_t)gr->first);
	sig_put(&s, (uint64_t)gr->last);
	sig_put(&s, (uint64_t)gr->resolved_ref);
	sig_put(&s, (uint64_t)gr->resolved_ts);
	if (!gr->finding && nd_rule_mentions(gr->rule, 64, 1))
		lock = nd_correlate_last(c->locks, c->nlocks, gr->key, gr->last);
	sig_put(&s, lock ? (uint64_t)lock->ref : 0);
	for (k = 0; k < gr->n && !gr->finding; k++) {
		const nd_attempt *a = &c->attempts[g->items[gr->item + k]];

		sig_put(&s, (uint64_t)a->client_ref);
		sig_put(&s, (uint64_t)a->nps_ref);
		sig_put(&s, (uint64_t)a->ts);
		sig_put(&s, a->nretries);
		sig_put(&s, (uint64_t)a->vpn);
		sig_put(&s, (uint64_t)a->lines_up);
		sig_put(&s, (uint64_t)a->lineup);
		sig_put(&s, a->lineup_host);
		for (r = 0; r < a->nretries; r++)
			sig_put(&s, (uint64_t)d->clients[c->retries[a->retry + r]].ref);
	}
	nd_hash_add(&s.st, s.w, s.n * sizeof(s.w[0]));
	return nd_hash_end(&s.st);
}

/* The times of the events added since the last run that a group's rows
 * may look at nearby: events rules look for near an attempt, and CAPI2
 * failures (certificate evidence of a decision). */
typedef struct news {
	int64_t *near, *capi2;
	size_t nnear, ncapi2;
	int64_t wide; /* the longest near window of the rules, ticks */
} news;

/* Fills n with the events of d with an id above since. Returns 0, or -1
 * when out of memory. */
static int make_news(const nd_rules *rules, const nd_analysis_data *d, int64_t since, news *n)
{
	size_t i;
	double wide = 0;

	memset(n, 0, sizeof(*n));
	for (i = 0; i < rules->n; i++)
		if (!rules->v[i]->disabled && rules->v[i]->nevents && rules->v[i]->near_s > wide)
			wide = rules->v[i]->near_s;
	n->wide = (int64_t)(wide * ND_TICKS_PER_SECOND) + ND_TICKS_PER_SECOND;
	n->near = malloc((d->nevents + 1) * sizeof(*n->near));
	n->capi2 = malloc((d->ncapi2 + 1) * sizeof(*n->capi2));
	if (!n->near || !n->capi2)
		return -1;
	for (i = d->nevents; i > 0 && d->events[i - 1].ref > since; i--) /* by ref */
		if (d->events[i - 1].flags & ND_EVENT_NEAR)
			n->near[n->nnear++] = d->events[i - 1].ts;
	for (i = 0; i < d->ncapi2; i++)
		if (d->capi2[i].ref > since)
			n->capi2[n->ncapi2++] = d->capi2[i].ts;
	nd_sort_i64(n->near, n->nnear);
	return 0;
}

/* Returns 1 if a time of v[0..n) (ascending) lies in [lo, hi], else 0. */
static int any_in(const int64_t *v, size_t n, int64_t lo, int64_t hi)
{
	size_t a = nd_lower_i64(v, n, lo);

	return a < n && v[a] <= hi;
}

/* Returns 1 if a new event of n that a rule looks for is near attempt a,
 * else 0. */
static int near_news(const news *n, const nd_attempt *a)
{
	return any_in(n->near, n->nnear, a->ts - n->wide, a->ts + n->wide);
}

/* Returns 1 if key (a string of c's ids) is of an identity c paired
 * again, else 0. */
static int paired_again(const nd_correlation *c, const char *key)
{
	return nd_sorted_has_ptr((const void *const *)c->again, c->nagain, key);
}

/* Returns 1 if group gr may have changed with the new events of n: a
 * finding (its exposure weighs every decision of its host), an incident
 * of an identity paired again (its attempts, resolution and lock may
 * differ), or one with an attempt near enough to a new event a rule looks
 * for, or a decision near a new CAPI2 failure; else 0. */
static int sees_news(const nd_analysis_data *d, const nd_correlation *c, const nd_grouping *g, const nd_group *gr,
		     const news *n)
{
	int64_t capi2 = (int64_t)(ND_EVIDENCE_WINDOW_S + 2) * ND_TICKS_PER_SECOND;
	size_t k;

	if (gr->finding || paired_again(c, gr->key))
		return 1;
	for (k = 0; k < gr->n; k++) {
		const nd_attempt *a = &c->attempts[g->items[gr->item + k]];
		int64_t ts = a->nps != ND_ATTEMPT_NONE ? d->decisions[a->nps].ts : 0;

		if (near_news(n, a) || (a->nps != ND_ATTEMPT_NONE && any_in(n->capi2, n->ncapi2, ts - capi2, ts + capi2)))
			return 1;
	}
	return 0;
}

/* The judgement of the attempts [from, to) of c into cause: with n (c
 * made again from m's correlation, d grown by the events of n), an
 * attempt carried over keeps the cause m has for it, unless a new event a
 * rule looks for is near it. A judgement reads only the rules (its
 * matches' state is its own) and the data: parts run on threads of their
 * own. */
typedef struct verdicts {
	const nd_rules *rules;
	const nd_analysis_data *d;
	const nd_correlation *c;
	const nd_diagnose_memory *m;
	const news *n;
	const nd_rule **cause;
	size_t from, to;
	nd_error err;
	int rc;
	pthread_t thread;
} verdicts;

/* Judges the attempts of v. Returns 0, or -1 with v->err set. */
static int judge_part(verdicts *v)
{
	size_t i;

	for (i = v->from; i < v->to; i++) {
		if (v->n && v->c->was[i] != ND_NONE && !near_news(v->n, &v->c->attempts[i]))
			v->cause[i] = v->m->cause[v->c->was[i]];
		else if (nd_judge_attempt(v->rules, v->d, &v->c->attempts[i], &v->cause[i], &v->err) < 0)
			return -1;
	}
	return 0;
}

/* The thread: judges its part. Returns NULL. */
static void *judge_work(void *arg)
{
	verdicts *v = arg;

	v->rc = judge_part(v);
	return NULL;
}

/* The fewest attempts judge() shares with a second thread: fewer take
 * less time than starting one (a tail round judges a handful). */
#define JUDGE_THREAD_MIN 1024

/* Judges the attempts of c into cause (verdicts) and the events of d
 * loaded for the finding rules into rule: with a second processor and
 * JUDGE_THREAD_MIN attempts or more, the second half of the attempts on a
 * thread of its own meanwhile. Returns 0, or -1 with err set. */
static int judge(const nd_rules *rules, const nd_analysis_data *d, const nd_correlation *c,
		 const nd_diagnose_memory *m, const news *n, const nd_rule **cause, const nd_rule **rule, nd_error *err)
{
	verdicts v[2];
	int beside = 0;
	size_t k;

	for (k = 0; k < 2; k++)
		v[k] = (verdicts){.rules = rules, .d = d, .c = c, .m = m, .n = n, .cause = cause, .from = c->n, .to = c->n};
	v[0].from = 0;
	if (c->n >= JUDGE_THREAD_MIN && nd_cpu_count() > 1) {
		v[0].to = v[1].from = c->n / 2;
		beside = pthread_create(&v[1].thread, NULL, judge_work, &v[1]) == 0;
	}
	v[0].rc = judge_part(&v[0]) || nd_judge_events(rules, d, rule, &v[0].err) ? -1 : 0;
	if (beside)
		pthread_join(v[1].thread, NULL);
	else if (v[0].rc == 0)
		v[1].rc = judge_part(&v[1]);
	if (v[0].rc == 0 && v[1].rc == 0)
		return 0;
	*err = v[0].rc ? v[0].err : v[1].err;
	return -1;
}

/* Signs every group of g into *sig and, with n (c made again from m's
 * correlation, d grown by the events of n, the stored results m's),
 * marks in *same those whose signature is m's for their id and that see
 * no new event (their rows are what m's run wrote). A group kept from m's
 * grouping at its id with its key (from[i] == i, from not NULL) has m's
 * signature. Returns 0, or -1 with err set. */
static int compare_groups(const nd_diagnose_memory *m, const nd_analysis_data *d, const nd_correlation *c,
			  const nd_grouping *g, const size_t *from, const nd_key *keys, const news *n, uint64_t **sig,
			  unsigned char **same, nd_error *err)
{
	size_t i;

	*sig = malloc((g->n + 1) * sizeof(**sig));
	*same = calloc(g->n + 1, 1);
	if (!*sig || !*same)
		return nd_error_set(err, "out of memory");
	for (i = 0; i < g->n; i++) {
		(*sig)[i] = from && from[i] == i && i < m->nsig ? m->sig[i] : group_sig(d, c, g, i, keys[i].s);
		(*same)[i] = n && i < m->nsig && m->sig[i] == (*sig)[i] && !sees_news(d, c, g, &g->v[i], n);
	}
	return 0;
}

/* Returns the data version of the connection of s (nd_db_data_version),
 * which a commit by another connection changes, or 0 (PostgreSQL, or
 * unreadable). */
static int64_t data_version(nd_store *s)
{
	int64_t v;

	nd_db_data_version(nd_store_db(s), &v, NULL);
	return v;
}

/* Describes the stored results into out: the number of incidents, the last
 * id, and the run's parameters and rules files as diagnose_meta holds
 * them; another run that rewrote them leaves another description (or the
 * same results). dense says the ids are 1 to the last, as a run of this
 * connection writes them: the number is then the last id (counting reads
 * every row). Returns 0, or -1 with err set. */
static int stamp(nd_store *s, int dense, nd_buf *out, nd_error *err)
{
	nd_db *db = nd_store_db(s);
	nd_stmt *st = NULL;
	int rc;

	nd_buf_reset(out);
	if (nd_db_prepare(db,
			  dense ? "SELECT coalesce(max(id), 0), coalesce(max(id), 0) FROM incidents"
				: "SELECT count(*), coalesce(max(id), 0) FROM incidents",
			  0, &st, "results", err) != 0)
		return -1;
	rc = nd_db_step(st, "results", err);
	if (rc == 1 && nd_buf_printf(out, "%lld %lld", (long long)nd_db_column_int64(st, 0),
				     (long long)nd_db_column_int64(st, 1)) != 0)
		rc = nd_error_set(err, "out of memory");
	nd_db_finalize(st);
	if (rc != 1 || nd_db_prepare(db, "SELECT key, value FROM diagnose_meta ORDER BY key", 0, &st, "results", err))
		return -1;
	while ((rc = nd_db_step(st, "results", err)) == 1) {
		const char *k = nd_db_column_text(st, 0), *v = nd_db_column_text(st, 1);

		if (nd_buf_printf(out, "\x1f%s=%s", k ? k : "", v ? v : "") != 0) {
			rc = nd_error_set(err, "out of memory");
			break;
		}
	}
	nd_db_finalize(st);
	return rc == 0 ? 0 : -1;
}

/* Gives keys their keys where keys[i] is group i of a grouping made from
 * m's (from[i]: its index there, ND_NONE for a group made again): a kept
 * group has its key already; the others get theirs from the incidents of
 * m's run that were not kept (nd_keys_assign_part, m->ring). Returns 0,
 * or -1 with err set. */
static int assign_touched(nd_diagnose_memory *m, const size_t *from, nd_key_incident *keys, size_t n,
			  nd_error *err)
{
	unsigned char *kept = calloc(m->keys.n + 1, 1);
	nd_key_incident *old = malloc((m->keys.n + 1) * sizeof(*old)), *fresh = malloc((n + 1) * sizeof(*fresh));
	size_t *at = malloc((n + 1) * sizeof(*at)), i, nold = 0, nfresh = 0;
	int rc = -1;

	if (!kept || !old || !fresh || !at) {
		nd_error_set(err, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (from[i] != ND_NONE) {
			kept[from[i]] = 1;
			continue;
		}
		fresh[nfresh] = keys[i];
		at[nfresh++] = i;
	}
	for (i = 0; i < m->keys.n; i++)
		if (!kept[i])
			old[nold++] = m->keys.v[i];
	if (nd_keys_assign_part(&m->ring, old, nold, fresh, nfresh, err) != 0)
		goto out;
	for (i = 0; i < nfresh; i++)
		memcpy(keys[at[i]].key, fresh[i].key, ND_KEY_MAX);
	rc = 0;
out:
	free(kept);
	free(old);
	free(fresh);
	free(at);
	return rc;
}

/* Copies the key of each of keys[0..n) into an array of their texts.
 * Returns it (free it), or NULL when out of memory. */
static nd_key *key_texts(const nd_key_incident *keys, size_t n)
{
	nd_key *v = malloc((n + 1) * sizeof(*v));
	size_t i;

	for (i = 0; v && i < n; i++)
		memcpy(v[i].s, keys[i].key, ND_KEY_MAX);
	return v;
}

/* Gives every group of g a new key, as nd_keys_assign gives them with no
 * previous incident, without listing their events (a first run: at 1M
 * incidents the list and the incidents as nd_keys sees them are 70 MB):
 * each its first try (nd_keys_value), taken in order in a ring made big
 * enough at once, unless an earlier group holds it (then its next tries,
 * nd_keys_new). Returns the keys' texts (free them), or NULL with err set. */
static nd_key *new_keys(const nd_analysis_data *d, const nd_correlation *c, const nd_grouping *g, nd_error *err)
{
	nd_key *v = malloc((g->n + 1) * sizeof(*v));
	uint64_t *first = malloc((g->n + 1) * sizeof(*first)); /* each group's first try */
	nd_keyring r;
	size_t i;
	int rc = 1;

	memset(&r, 0, sizeof(r));
	if (!v || !first) {
		free(v);
		free(first);
		nd_error_set(err, "out of memory");
		return NULL;
	}
	for (i = 0; i < g->n; i++)
		first[i] = nd_keys_value(g->v[i].key, nd_group_first_ref(d, c, g, i), 0);
	if (nd_keyring_reserve(&r, g->n, err) != 0)
		rc = -1;
	for (i = 0; rc > 0 && i < g->n; i++) {
		if (i + KEYS_AHEAD < g->n)
			nd_keyring_prefetch(&r, first[i + KEYS_AHEAD]);
		if ((rc = nd_keyring_take(&r, first[i], err)) > 0)
			nd_keys_text(first[i], v[i].s);
		else if (rc == 0) /* held: its next tries */
			rc = nd_keys_new(&r, g->v[i].key, nd_group_first_ref(d, c, g, i), v[i].s, err) == 0 ? 1 : -1;
	}
	nd_keyring_free(&r);
	free(first);
	if (rc < 0) {
		free(v);
		return NULL;
	}
	return v;
}

/* Gives every group of g the key nd_keys_assign gives it from the
 * previous run's incidents that o reads (its read ended here, after the
 * groups' index is made), passed on one by one to the groups read where
 * they are (nd_group_held, the events by the positions o found), or when
 * there are none a new one (new_keys). Returns the keys' texts (free
 * them), or NULL with err set. */
static nd_key *pass_old_keys(old_read *o, const nd_analysis_data *d, const nd_correlation *c, const nd_grouping *g,
			     nd_error *err)
{
	nd_key *v;
	nd_group_held held;
	nd_keys_fresh fresh;
	nd_keys_pass pass;
	nd_key_incident x;
	int64_t *refs = NULL;
	size_t i, k, start = 0, cap = 0;
	int rc = -1, made = 0;

	memset(&held, 0, sizeof(held));
	memset(&pass, 0, sizeof(pass));
	if (!(v = malloc((g->n + 1) * sizeof(*v)))) {
		old_read_end(o, NULL);
		nd_error_set(err, "out of memory");
		return NULL;
	}
	if (o->any) /* while o reads */
		made = nd_group_held_make(d, c, g, v, 1, &held, &fresh, err) == 0 ? 1 : -1;
	if (old_read_end(o, made < 0 ? NULL : err) != 0 || made < 0)
		goto out;
	if (!o->n) { /* keyed incidents without events: none to pass on */
		nd_group_held_free(&held);
		free(v);
		return new_keys(d, c, g, err);
	}
	if ((!made && nd_group_held_make(d, c, g, v, 1, &held, &fresh, err) != 0) ||
	    nd_keys_pass_begin(&pass, &o->ring, &fresh, err) != 0)
		goto out;
	pass.held_old = 1; /* as o read them */
	memset(&x, 0, sizeof(x)); /* who: not used for old keys */
	for (i = 0; i < o->n; start = o->v[i++].end) {
		const old_incident *a = &o->v[i];

		if (a->key & OLD_TEXT)
			memcpy(x.key, o->texts[a->key & ~OLD_TEXT].s, ND_KEY_MAX);
		else
			nd_keys_text(a->key, x.key);
		x.first_ts = a->first_ts;
		x.first_ref = a->first == NO_POSITION ? -1 : (int64_t)a->first;
		x.nrefs = a->end - start;
		if (nd_vec_reserve(&refs, &cap, x.nrefs, sizeof(*refs))) {
			nd_error_set(err, "out of memory");
			goto out;
		}
		for (k = 0; k < x.nrefs; k++)
			refs[k] = o->pos[start + k] == NO_POSITION ? -1 : (int64_t)o->pos[start + k];
		x.refs = refs;
		if (nd_keys_pass_old(&pass, &x, err) != 0)
			goto out;
	}
	/* Room for the new keys in the ring (made bigger once): at 1M incidents
	 * the index and the old incidents are 48 MB. */
	nd_group_held_free(&held);
	old_read_drop(o);
	if (nd_keyring_reserve(&o->ring, g->n, err) == 0)
		rc = nd_keys_pass_end(&pass, err);
out:
	nd_group_held_free(&held);
	nd_keys_pass_free(&pass);
	free(refs);
	if (rc == 0)
		return v;
	free(v);
	return NULL;
}

/* Returns 1 when m holds what the last run stored and the store (stamp
 * now) still holds it, for the same parameters; else 0. */
static int remembered(const nd_diagnose_memory *m, const nd_diagnose_params *p, const nd_buf *now)
{
	return m && m->written.h && m->p.window_s == p->window_s && m->p.skew_s == p->skew_s &&
	       m->p.gap_s == p->gap_s && now->len == m->stamp.len && memcmp(now->data, m->stamp.data, now->len) == 0;
}

static int run(nd_store *s, const nd_rules *rules, const nd_diagnose_params *p, nd_diagnose_memory *m,
	       nd_diagnosis *x, int store, nd_diagnose_stats *st, nd_error *err);

int nd_diagnose_run(nd_store *s, const nd_rules *rules, const nd_diagnose_params *p, nd_diagnose_stats *st,
		    nd_error *err)
{
	return run(s, rules, p, NULL, NULL, 1, st, err);
}

int nd_diagnose_keep(nd_store *s, const nd_rules *rules, const nd_diagnose_params *p, nd_diagnosis *x, int store,
		     nd_diagnose_stats *st, nd_error *err)
{
	memset(x, 0, sizeof(*x));
	return run(s, rules, p, NULL, x, store, st, err);
}

void nd_diagnosis_free(nd_diagnosis *x)
{
	nd_grouping_free(&x->g); /* the groups point into c: freed first */
	nd_correlation_free(&x->c);
	nd_analysis_data_free(&x->d);
	free(x->keys);
	memset(x, 0, sizeof(*x));
}

int nd_diagnose_again(nd_store *s, const nd_rules *rules, const nd_diagnose_params *p, nd_diagnose_memory *m,
		      nd_diagnose_stats *st, nd_error *err)
{
	return run(s, rules, p, m, NULL, 1, st, err);
}

/* Runs a diagnosis: with m (tail) as nd_diagnose_again, else afresh;
 * with x (and no m) keeps it there, and stores it unless store is 0 (the
 * results transaction is then left open for nd_diagnose_store). Returns 0
 * with st filled, or -1 with err set. */
static int run(nd_store *s, const nd_rules *rules, const nd_diagnose_params *p, nd_diagnose_memory *m,
	       nd_diagnosis *x, int store, nd_diagnose_stats *st, nd_error *err)
{
	nd_correlate_params cp = {p->window_s, p->skew_s, NULL, 0, NULL, 0, 0, NULL, 0};
	nd_analysis_data local;
	size_t loaded = 0;
	const nd_analysis_data *d = NULL;
	nd_correlation c;
	nd_grouping g;
	old_keys old;
	old_read early; /* without m: the previous run's keys, read while judging and grouping */
	nd_key_incident *keys = NULL;
	nd_key *texts = NULL; /* the keys given, alone */
	int64_t *key_refs = NULL;
	const nd_rule **cause = NULL, **rule = NULL;
	nd_buf now = {0};
	uint64_t *sig = NULL;
	unsigned char *same = NULL;
	size_t *from = NULL; /* regrouped: each group's index in m's grouping, or ND_NONE */
	int64_t since = 0;
	pairing pr = {NULL, &cp, m, &c, 0};
	int again = 0, regroup, rekey;
	news n = {NULL, NULL, 0, 0, 0};
	size_t i;
	int rc = -1, changes = 0;

	memset(&local, 0, sizeof(local));
	memset(&c, 0, sizeof(c));
	memset(&g, 0, sizeof(g));
	memset(&old, 0, sizeof(old));
	memset(&early, 0, sizeof(early));
	memset(st, 0, sizeof(*st));
	if (nd_correlate_params_rules(&cp, rules, err) != 0)
		goto fail;
	cp.keep = m != NULL;
	if (nd_incidents_begin(s, err) != 0) {
		nd_correlate_params_free(&cp);
		goto fail;
	}
	/* No other connection committed since m's run: the ids are as it
	 * wrote them, 1 to the last (only a run of this one rewrote them). */
	if (m && stamp(s, m->version && m->version == data_version(s), &now, err) != 0)
		goto out;
	changes = remembered(m, p, &now);
	if ((m &&
	     ((!(changes && m->keys.n) && read_old_keys(s, &old, err)) || (!changes && nd_incidents_clear(s, err)))) ||
	    load(s, rules, m, p->test, &local, &loaded, &d, &since, &pr, err))
		goto out;
	again = pr.again;
	if (!m && old_read_begin(&early, s, d, err) != 0)
		goto out;
	cause = calloc(c.n + 1, sizeof(*cause));
	rule = calloc(d->nevents + 1, sizeof(*rule));
	if (!cause || !rule) {
		nd_error_set(err, "out of memory");
		goto out;
	}
	/* Made again from m's correlation, the identities no new event touched
	 * keep their incidents (when grouped with the same gap) and, when m
	 * holds the keys written, their keys. */
	regroup = again && since && m->p.gap_s == p->gap_s;
	rekey = regroup && changes && m->ringed && m->keys.n == m->g.n;
	if ((regroup && make_news(rules, d, since, &n) != 0 && nd_error_set(err, "out of memory")) ||
	    judge(rules, d, &c, m, regroup ? &n : NULL, cause, rule, err) ||
	    (regroup ? nd_group_again(d, &c, cause, rule, p->gap_s, &m->g, m->cause, &g, &from, err)
		     : nd_group_all(d, &c, cause, rule, p->gap_s, &g, err)))
		goto out;
	/* The judgements are grouped: only tail's memory keeps the causes (at
	 * 1M attempts and 2M events the two are 24 MB). */
	for (i = 0; i < c.n; i++)
		st->unmatched += cause[i] == NULL;
	free(rule);
	rule = NULL;
	if (!m) {
		free(cause);
		cause = NULL;
	}
	if (!m && (p->test & ND_DIAGNOSE_FAILS)) {
		nd_error_set(err, "injected failure");
		goto out;
	}
	/* Without tail's memory the previous run's keys were read (and the old
	 * results emptied) meanwhile, not while loading and pairing (the peak
	 * of memory), and are passed on now. */
	if (!m ? !(texts = pass_old_keys(&early, d, &c, &g, err))
	       : nd_group_keys(d, &c, &g, rekey ? from : NULL, rekey ? m->keys.v : NULL, &keys, &key_refs, err) ||
		     (rekey ? assign_touched(m, from, keys, g.n, err)
			    : nd_keys_assign(changes && m->keys.n ? m->keys.v : old.v,
					     changes && m->keys.n ? m->keys.n : old.n, keys, g.n, err)))
		goto out;
	old_keys_free(&old); /* the previous run's keys are passed on (at 1M incidents about 80 MB) */
	memset(&old, 0, sizeof(old));
	old_read_free(&early);
	/* The ring holds the keys given (rekey: assign_touched keeps it so). */
	if (m && !rekey && (m->ringed = nd_keyring_fill(&m->ring, keys, g.n, err) == 0) == 0)
		goto out;
	if (!texts && !(texts = key_texts(keys, g.n))) {
		nd_error_set(err, "out of memory");
		goto out;
	}
	if (!m) { /* only m keeps them whole, for the next run */
		free(keys);
		free(key_refs);
		keys = NULL;
		key_refs = NULL;
	}
	st->rewritten = g.n;
	st->since = INT64_MAX;
	st->first = g.n ? 1 : INT64_MAX;
	for (i = 0; i < g.n && !changes; i++)
		if (g.v[i].last < st->since)
			st->since = g.v[i].last;
	for (i = 0; i < c.n; i++)
		st->paired += c.attempts[i].client_ref && c.attempts[i].nps_ref;
	for (i = 0; i < g.n; i++) {
		st->kept += from && from[i] != ND_NONE;
		st->keyed += !rekey || from[i] == ND_NONE;
	}
	st->attempts = c.n;
	st->loaded = m ? m->cur.loaded : loaded;
	st->incidents = g.nincidents;
	st->findings = g.n - g.nincidents;
	if (x) { /* moved: nothing of it is freed below; stored from x, now or by the caller */
		x->d = local;
		x->c = c;
		x->g = g;
		x->keys = texts;
		x->rules = rules;
		x->gap_s = p->gap_s;
		memset(&local, 0, sizeof(local));
		memset(&c, 0, sizeof(c));
		memset(&g, 0, sizeof(g));
		texts = NULL;
		if ((rc = store ? nd_diagnose_store(s, x, p, err) : 0) != 0)
			nd_diagnosis_free(x);
		goto out;
	}
	if (m && compare_groups(m, d, &c, &g, rekey ? from : NULL, texts, changes && regroup ? &n : NULL, &sig, &same,
				err))
		goto out;
	if (changes ? nd_diagnose_write_changes(s, p, d, &c, &g, texts, same, &m->written, &st->rewritten, &st->since,
						&st->first, err)
		    : nd_diagnose_write(s, rules, p, d, &c, &g, texts, m ? &m->written : NULL, err))
		goto out;
	if (m && stamp(s, 1, &m->stamp, err))
		goto out;
	if (m) /* before the commit: no other connection commits while this one writes */
		m->version = data_version(s);
	if (nd_store_commit(s, err))
		goto out;
	if (m) {
		m->p = *p;
		free(m->sig);
		m->sig = sig;
		m->nsig = g.n;
		sig = NULL;
		keep_keys(m, d, &c, &g, rekey ? from : NULL, keys, key_refs);
		keys = NULL;
		key_refs = NULL;
	}
	if (m) { /* kept for the next run */
		nd_grouping_free(&m->g);
		m->g = g;
		memset(&g, 0, sizeof(g));
		m->c = c;
		m->correlated = 1;
		memset(&c, 0, sizeof(c));
		free(m->cause);
		m->cause = cause;
		cause = NULL;
	}
	rc = 0;
out:
	old_read_end(&early, NULL); /* the store's connection is this thread's again */
	if (rc)
		nd_store_rollback(s);
	free(cause);
	free(rule);
	free(keys);
	free(texts);
	free(key_refs);
	free(sig);
	free(same);
	free(from);
	free(n.near);
	free(n.capi2);
	nd_buf_free(&now);
	old_keys_free(&old);
	old_read_free(&early);
	nd_grouping_free(&g);
	nd_correlation_free(&c);
	nd_analysis_data_free(&local);
	nd_correlate_params_free(&cp);
fail:
	if (rc && m)
		nd_diagnose_memory_forget(m);
	return rc;
}
