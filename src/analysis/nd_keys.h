/* nd_keys: stable incident keys. Positional ids (1, 2, ... in output
 * order) change whenever an earlier incident appears; a key stays with
 * an incident across re-diagnoses, so that `tail`, a ticket or a script
 * can follow it:
 *   - a new incident gets a key made from who it is about (identity, or a
 *     finding's host) and its first attempt's event;
 *   - an incident that shares an event with an incident of the previous
 *     run keeps that one's key, even when its cause or first attempt
 *     changed;
 *   - when an old incident splits, the part holding its first event keeps
 *     the key (else the part that begins first) and the others get new
 *     keys;
 *   - when old incidents merge, the merged one keeps the key of the one
 *     that began first.
 * Pure: the store keeps the keys (nd_incidents). */
#ifndef ND_KEYS_H
#define ND_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "nd_error.h"

#define ND_KEY_MAX 16 /* 12 hex digits and a NUL */

/* A key's text, alone: what the results of an incident need of it once
 * the keys are given (16 bytes a group, not an nd_key_incident's 56). */
typedef struct nd_key {
	char s[ND_KEY_MAX];
} nd_key;

typedef struct nd_key_incident {
	const char *who;     /* identity, or the finding's host (old incidents: NULL) */
	int64_t first_ts;    /* its first attempt's (or event's) time */
	int64_t first_ref;   /* and event: the client failure, else the NPS decision */
	const int64_t *refs; /* its events (attempts' client failures and decisions), ascending */
	size_t nrefs;
	char key[ND_KEY_MAX]; /* old: its key; new: the key given */
} nd_key_incident;

/* Makes the key of an incident about who whose first event is ref, the
 * n-th try (0 first; a later try when the key is taken). Returns out. */
char *nd_keys_make(const char *who, int64_t ref, unsigned n, char out[ND_KEY_MAX]);

/* Returns the value of the key nd_keys_make makes (its 12 hex digits: 48
 * bits), without its text. */
uint64_t nd_keys_value(const char *who, int64_t ref, unsigned n);

/* Returns the value (nd_keys_value) of key when it is a made key (12
 * lowercase hex digits), else -1. */
int64_t nd_keys_value_of(const char *key);

/* Writes the key of value v (nd_keys_value) into out. Returns out. */
char *nd_keys_text(uint64_t v, char out[ND_KEY_MAX]);

/* Gives each of the incidents fresh[0..nfresh) a key: the key of an
 * incident of old[0..nold) (the previous run) it continues, else a new one
 * that no incident of either holds. Returns 0, or -1 with err set. */
int nd_keys_assign(const nd_key_incident *old, size_t nold, nd_key_incident *fresh, size_t nfresh, nd_error *err);

/* The keys the incidents of a run hold, kept from run to run (`tail`), so
 * that a run that gives keys to some incidents only can tell a new key
 * from a taken one. Only made keys (12 hex digits: nd_keys_make) are held,
 * as numbers: a made key never equals another text, and 8 bytes a slot
 * (at 1M incidents 16 MB) is a third of what their texts in an index
 * took. Zeroed is empty. */
typedef struct nd_keyring {
	uint64_t *slots; /* open addressing: 0 empty, else the key's value + 1, the top bit set while held */
	size_t nslots, n;
} nd_keyring;

/* Makes r hold the keys of v[0..n) and no other. Returns 0, or -1 with
 * err set. */
int nd_keyring_fill(nd_keyring *r, const nd_key_incident *v, size_t n, nd_error *err);

/* Frees r and empties it. Returns nothing. */
void nd_keyring_free(nd_keyring *r);

/* Makes room in r for n keys more than it has, so that adding them moves
 * none (a table grown twice as it fills moves each key about twice).
 * Returns 0, or -1 with err set. */
int nd_keyring_reserve(nd_keyring *r, size_t n, nd_error *err);

/* Asks the processor to fetch the slot of the made key of value v
 * (nd_keys_value) in r (a hint: keys taken in a row from a table of
 * megabytes each wait on memory otherwise). Returns nothing. */
void nd_keyring_prefetch(const nd_keyring *r, uint64_t v);

/* Makes r hold the made key of value v (nd_keys_value) when it does not.
 * Returns 1 when taken, 0 when r holds it already (the incident then
 * takes its next try: nd_keys_new), -1 with err set. */
int nd_keyring_take(nd_keyring *r, uint64_t v, nd_error *err);

/* Gives an incident about who whose first event is ref the first of its
 * made keys (nd_keys_make, tries 0, 1, ...) that r does not hold, into
 * out, and makes r hold it: a new incident's key. Returns 0, or -1 with
 * err set. */
int nd_keys_new(nd_keyring *r, const char *who, int64_t ref, char out[ND_KEY_MAX], nd_error *err);

/* Gives each of fresh[0..nfresh) the key nd_keys_assign gives it with all
 * the incidents of the previous run, where r holds those incidents' keys
 * and old[0..nold) are those of them that share an event with fresh (the
 * others share none with fresh and keep their keys). Then r holds the keys
 * of the new run: the old ones not passed on are dropped, the new ones
 * added. Returns 0, or -1 with err set (r is then to be filled again). */
int nd_keys_assign_part(nd_keyring *r, const nd_key_incident *old, size_t nold, nd_key_incident *fresh,
			size_t nfresh, nd_error *err);

/* The new incidents of a pass, as nd_keys_pass reads them: through the
 * functions of ctx, not copied into nd_key_incidents (at 1M incidents
 * those, their events and an index of them were about 110 MB). */
typedef struct nd_keys_fresh {
	size_t n;
	const void *ctx;
	/* Sets who new incident i is about, its first time and first event
	 * (each pointer may be NULL: not wanted). Returns nothing. */
	void (*about)(const void *ctx, size_t i, const char **who, int64_t *first_ts, int64_t *first_ref);
	/* Returns how many new incidents hold event ref: holder(*at), holder(*at
	 * + 1), ... (not called by nd_keys_pass_end). */
	size_t (*holding)(const void *ctx, int64_t ref, size_t *at);
	/* Returns the new incident at place k of holding's list. */
	size_t (*holder)(const void *ctx, size_t k);
	/* Returns where the key of new incident i is written (ND_KEY_MAX bytes). */
	char *(*key)(const void *ctx, size_t i);
} nd_keys_fresh;

/* An event of a new incident (nd_keys_held). */
typedef struct nd_key_at {
	int64_t ref;
	size_t fresh; /* the incident's index */
} nd_key_at;

/* The events of an array of nd_key_incidents by ref, read by the
 * nd_keys_fresh that nd_keys_held_make makes. */
typedef struct nd_keys_held {
	nd_key_incident *v;
	nd_key_at *at; /* by ref, then incident */
	size_t nat;
} nd_keys_held;

/* Makes f read the incidents v[0..n) (their keys written into v) through
 * h, an index of their events. Returns 0, or -1 with err set. */
int nd_keys_held_make(nd_keys_held *h, nd_keys_fresh *f, nd_key_incident *v, size_t n, nd_error *err);

/* Frees the index of h: the nd_keys_fresh made with it may no longer be
 * asked for holding (nd_keys_pass_end does not). Returns nothing. */
void nd_keys_held_free(nd_keys_held *h);

/* Passes the keys of the previous run's incidents, given one at a time as
 * the store reads them, on to the incidents of the new run, as
 * nd_keys_assign does with all of them at once: so that they need not all
 * be held (at 1M incidents 80 MB). */
typedef struct nd_keys_pass {
	nd_keyring *ring; /* the keys held (not owned) */
	const nd_keys_fresh *fresh;
	size_t *got;     /* of each of fresh: the old incident (numbered from 0 as given) whose key it took, or -1 */
	int64_t *got_ts; /* that old incident's first_ts */
	size_t nold;     /* the old incidents given */
	int held_old;    /* set by the caller: ring holds the keys of the old incidents given already */
} nd_keys_pass;

/* Starts passing keys on to the incidents of fresh (read by p until
 * nd_keys_pass_free), the new keys to be made in r (which holds the
 * keys of the previous run or is empty). Returns 0, or -1 with err set
 * (p is then freed). */
int nd_keys_pass_begin(nd_keys_pass *p, nd_keyring *r, const nd_keys_fresh *fresh, nd_error *err);

/* Gives p an incident of the previous run (in the order nd_keys_assign
 * would have them; old need not outlive the call): r holds its key (made
 * to unless p->held_old), and
 * the new incident it continues takes it, unless that one continues an
 * older one too. Returns 0, or -1 with err set. */
int nd_keys_pass_old(nd_keys_pass *p, const nd_key_incident *old, nd_error *err);

/* Gives each new incident that continues none of the old ones given a new
 * key that r does not hold, and makes r hold it. Returns 0, or -1 with
 * err set. */
int nd_keys_pass_end(nd_keys_pass *p, nd_error *err);

/* Frees what p holds (not fresh nor r). Returns nothing. */
void nd_keys_pass_free(nd_keys_pass *p);

#endif
