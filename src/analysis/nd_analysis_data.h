/* nd_analysis_data: what the diagnosis reads from the store, as plain
 * arrays (filled by nd_analysis_load, or by hand in the unit tests), and
 * the look-ups the rules make in it: an event's fields, the nearest event
 * of a list. Nothing here touches the database.
 *
 * Hosts are the distinct computer names in byte order, so that comparing
 * two host indices compares the names. Strings live in the pool, each
 * distinct value once (a fleet logs the same user, domain, NAS and field
 * values again and again); a NULL string is a value that was absent or
 * empty. Events are every event a rule may read (client failures, NPS
 * decisions, the events finding rules judge and the events incident rules
 * look for nearby), sorted by ref; by_ts lists them by time.
 */
#ifndef ND_ANALYSIS_DATA_H
#define ND_ANALYSIS_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "nd_error.h"
#include "nd_intern.h"
#include "nd_rules.h"
#include "nd_strslots.h"
#include "nd_strpool.h"

#define ND_COID_TEXT 39 /* a CoId that is a GUID as text, with its NUL */

/* A RasClient 20227 (56 bytes: a fleet's month is millions of them). Its
 * CoId as RasClient logs it, a GUID in braces and upper-case hex
 * ({8-4-4-4-12}), is held as the 16 bytes of its 32 digits in text order
 * (comparing the bytes compares the texts), not as a 39-byte copy: 23 MB
 * less at 1M failures; any other text is a pool copy. Read it with
 * nd_analysis_coid. */
typedef struct nd_client_failure {
	int64_t ref, ts;
	const char *dialled; /* the first server address of the CoId on the host */
	union {
		const char *text; /* when not coid_guid: a pool copy, NULL when none */
		unsigned char guid[16];
	} coid;
	uint32_t user; /* an id of the shared strings (nd_analysis_s), ND_STR_NONE when absent */
	uint32_t host; /* an index of hosts, as nd_event's */
	uint32_t code;
	unsigned char has_code;
	unsigned char coid_guid; /* coid holds a GUID's bytes */
} nd_client_failure;

#define ND_STR_NONE UINT32_MAX /* the id of an absent string (nd_analysis_str_id) */

/* An NPS decision: 6272 granted, 6273 denied, 6274 discarded (64 bytes:
 * a fleet's month is millions of them). Its strings are ids of the shared
 * strings (nd_analysis_s), ND_STR_NONE when absent or unset. */
typedef struct nd_decision {
	int64_t ref, ts;
	uint32_t host; /* an index of hosts, as nd_event's */
	uint32_t event;
	uint32_t user;       /* SubjectUserName */
	uint32_t domain, fq; /* SubjectDomainName, FullyQualifiedSubjectUserName */
	uint32_t nas;        /* NASIdentifier, else ClientName */
	uint32_t port_type;  /* NASPortType: Virtual for VPN */
	uint32_t auth_type;  /* AuthenticationType: EAP, PEAP, MS-CHAPv2, PAP, ... */
	uint32_t nas_addr;   /* ClientIPAddress: the RADIUS client's address */
	int has_reason;
	uint32_t reason;
} nd_decision;

/* A RasClient 20225 (connected). */
typedef struct nd_connect {
	int64_t ref, ts;
	size_t host;
	const char *user;
} nd_connect;

/* A CAPI2 event that reports a failure (src/model/fam_capi2.c): certificate
 * evidence for the NPS decisions of its host (nd_evidence). */
typedef struct nd_capi2_event {
	int64_t ref, ts;
	size_t host;
	uint32_t id;    /* 11, 30, 41, 53, 90 */
	uint32_t error; /* 0: none */
	const char *subject, *failing, *url, *error_name, *process, *task;
} nd_capi2_event;

/* The names of one NPS audit event, from which domain pairs are learned. */
typedef struct nd_domain_hint {
	const char *user, *domain, *fq;
} nd_domain_hint;

/* The time events were logged with, where it is not the text of their ts
 * (nd_time_format): an event before 1970, or a time written by hand. One
 * entry for a run of events ref .. last that have the same text. */
typedef struct nd_logged_time {
	int64_t ref, last;
	const char *text;
} nd_logged_time;

/* Why an event was loaded (flags). */
#define ND_EVENT_SUBJECT 1 /* a client failure or an NPS decision */
#define ND_EVENT_FINDING 2 /* a finding rule judges it */
#define ND_EVENT_NEAR 4    /* an incident rule looks for it nearby */

/* 40 bytes: a fleet's month is millions of them. */
typedef struct nd_event {
	int64_t ref, ts;
	uint32_t family, provider; /* ids of the shared strings (nd_analysis_s) */
	uint32_t id;
	uint32_t host;    /* an index of hosts (nhosts: unknown; fewer than 4G, nd_analysis_add_host) */
	uint32_t field;   /* its values in fields[field .. field + nfields) (events with the same values may share them) */
	uint16_t nfields; /* (at most one per name the rules read) */
	uint16_t flags;
} nd_event;

/* A value of an event field a rule reads: name indexes names, value the
 * shared strings (strings.v). 8 bytes: at 1M NPS decisions the rules read
 * 5M values. */
typedef struct nd_field_value {
	uint32_t name, value;
} nd_field_value;

typedef struct nd_analysis_data {
	const char **hosts;
	size_t nhosts, cap_hosts;
	nd_strslots host_slots; /* the hosts by name (nd_analysis_host) */
	nd_client_failure *clients;
	size_t nclients, cap_clients;
	nd_decision *decisions;
	size_t ndecisions, cap_decisions;
	nd_connect *connects;
	size_t nconnects, cap_connects;
	nd_decision *unlocks; /* NPS 6279 locked / 6280 unlocked the account (no reason, no NAS) */
	size_t nunlocks, cap_unlocks;
	nd_domain_hint *hints;
	size_t nhints, cap_hints;
	nd_capi2_event *capi2; /* by time, then ref */
	size_t ncapi2, cap_capi2;
	nd_event *events;
	size_t nevents, cap_events;
	uint32_t *by_ts; /* nevents indices of events, by time then ref (fewer than 4G events: nd_analysis_index) */
	size_t cap_by_ts;
	uint32_t *by_ref; /* where nd_analysis_event looks: by_ref[k] the first event whose ref - ref_low, shifted
			   * right by ref_shift, is k or more (nby_ref + 1 of them; NULL: none) */
	size_t nby_ref;
	int64_t ref_low;
	unsigned ref_shift;
	nd_field_value *fields;
	size_t nfields, cap_fields;
	nd_logged_time *times; /* of the events, by ref (nd_analysis_times_sort) */
	size_t ntimes, cap_times;
	const char **names; /* the event_fields names the rules read, distinct without case */
	size_t nnames, cap_names;
	uint32_t *last_value; /* of each name, the value nd_analysis_add_field gave last (ND_STR_NONE: none yet) */
	size_t nlast_value;
	int64_t *redialled; /* the refs of the client failures loaded before the last nd_analysis_load_more */
	size_t nredialled, cap_redialled; /* whose server it changed (a dial stored later), ascending */
	nd_strpool pool;
	nd_intern strings; /* the distinct values of nd_analysis_str in the pool (after nd_analysis_fit, their index
			    * only when more will be loaded) */
	const char **frozen; /* while the load adds strings on a thread of its own and the caller's thread
			      * pairs (nd_analysis_load's meanwhile): a copy of strings.v as it was then, which
			      * nd_analysis_s reads (strings.v may move under it); else NULL */
} nd_analysis_data;

/* Appends a zeroed element to one of the arrays of d (a decision's or a
 * client failure's strings absent: ND_STR_NONE). Returns it, or NULL when
 * out of memory. */
nd_client_failure *nd_analysis_add_client(nd_analysis_data *d);
nd_decision *nd_analysis_add_decision(nd_analysis_data *d);
nd_connect *nd_analysis_add_connect(nd_analysis_data *d);
nd_decision *nd_analysis_add_unlock(nd_analysis_data *d);
nd_domain_hint *nd_analysis_add_hint(nd_analysis_data *d);
nd_capi2_event *nd_analysis_add_capi2(nd_analysis_data *d);
nd_event *nd_analysis_add_event(nd_analysis_data *d);

/* Appends to the values of e (the last event given values, or one with
 * none yet) the value of field name (an index of d->names), a shared copy
 * of value (nd_analysis_str keeping empty). Returns 0, or -1 when out of
 * memory (or e has 64K values). */
int nd_analysis_add_field(nd_analysis_data *d, nd_event *e, size_t name, const char *value);

/* nd_analysis_add_field of a value interned already: id, a string of
 * d->strings (nd_analysis_str_id keeping empty). Returns 0, or -1 when
 * out of memory, e has 64K values or id is ND_STR_NONE (the lookup that
 * gave it failed). */
int nd_analysis_add_field_id(nd_analysis_data *d, nd_event *e, size_t name, uint32_t id);

/* Keeps text (a pool copy) as the logged time of event ref: the run
 * before grows when ref follows it with the same text. Returns 0, or -1
 * when out of memory. */
int nd_analysis_add_time(nd_analysis_data *d, int64_t ref, const char *text);

/* Sorts d->times by ref and joins the runs that follow each other with
 * the same text. Returns nothing. */
void nd_analysis_times_sort(nd_analysis_data *d);

/* Returns the time event ref was logged with when it is not the text of
 * its ts, else NULL. */
const char *nd_analysis_time(const nd_analysis_data *d, int64_t ref);

/* Appends a host name (in byte order after the last one) at index
 * d->nhosts. Returns 0, or -1 with err set (also past 4G hosts). */
int nd_analysis_add_host(nd_analysis_data *d, const char *name, nd_error *err);

/* Finds a host name (hashed: a load looks up the host of every row).
 * Returns its index, or d->nhosts when it is unknown. */
size_t nd_analysis_host(const nd_analysis_data *d, const char *name);

/* Returns the hash of host name for nd_analysis_host_hashed, the slot it
 * is looked for in fetched into the cache meanwhile: a caller with other
 * work before the look-up hides the slot's cache miss (at 1M x 1M a
 * client failure's computer is one of 50k). */
uint64_t nd_analysis_host_hash(const nd_analysis_data *d, const char *name);

/* nd_analysis_host of name, whose hash nd_analysis_host_hash gave (the
 * hosts unchanged since). Returns its index, or d->nhosts when it is
 * unknown. */
size_t nd_analysis_host_hashed(const nd_analysis_data *d, const char *name, uint64_t h);

/* Puts the host names names[0..n) (distinct, none known yet, strings of
 * d's pool, in any order) among the hosts where byte order puts them, and
 * renumbers the host of every record of d: map (one more than the hosts
 * before) receives each old host's new index, and at the old count of
 * hosts (unknown) the new count. Returns 0, or -1 with err set (d is then
 * unchanged). */
int nd_analysis_insert_hosts(nd_analysis_data *d, const char **names, size_t n, size_t *map, nd_error *err);

/* Copies s into the pool once (an equal string copied before is shared):
 * NULL and "" stay NULL (absent values), unless keep_empty, which makes
 * NULL "". Returns the copy, or NULL with *oom set when out of memory. */
const char *nd_analysis_str(nd_analysis_data *d, const char *s, int keep_empty, int *oom);

/* Copies s into the pool once, as nd_analysis_str does. Returns the id
 * of the copy in d->strings (ND_STR_NONE for an absent value), or
 * ND_STR_NONE with *oom set when out of memory. */
uint32_t nd_analysis_str_id(nd_analysis_data *d, const char *s, int keep_empty, int *oom);

/* nd_analysis_str_id of s, not empty, whose hash nd_intern_hash of
 * d->strings gave (its slot fetched ahead). Returns the id, or
 * ND_STR_NONE with *oom set when out of memory. */
uint32_t nd_analysis_str_id_hashed(nd_analysis_data *d, const char *s, uint64_t h, int *oom);

/* Keeps text (NULL or "": none) as the CoId of c. Returns 0, or -1 when
 * out of memory. */
int nd_analysis_set_coid(nd_analysis_data *d, nd_client_failure *c, const char *text);

/* Returns 1 if c has a CoId, else 0. */
static inline int nd_analysis_has_coid(const nd_client_failure *c)
{
	return c->coid_guid || c->coid.text;
}

/* Returns the CoId of c as logged (a GUID's text written into buf), or
 * NULL when it has none. */
const char *nd_analysis_coid(const nd_client_failure *c, char buf[ND_COID_TEXT]);

/* Compares the CoIds of a and b as their texts (none as ""). Returns <0,
 * 0 or >0. */
int nd_analysis_coid_cmp(const nd_client_failure *a, const nd_client_failure *b);

/* Returns the shared string of id (nd_analysis_str_id), NULL for
 * ND_STR_NONE. While the load adds strings on a thread of its own
 * (d->frozen), only for an id given before. */
static inline const char *nd_analysis_s(const nd_analysis_data *d, uint32_t id)
{
	return id == ND_STR_NONE ? NULL : d->frozen ? d->frozen[id] : d->strings.v[id];
}

/* Copies s into the pool as nd_analysis_str does, without looking for an
 * equal copy: for values that are seldom repeated (a CoId names one
 * attempt), where looking would only cost a miss in a table as large as
 * the fleet. Returns the copy, or NULL as nd_analysis_str does. */
const char *nd_analysis_str_unique(nd_analysis_data *d, const char *s, int keep_empty, int *oom);

/* Adds a field name to d->names unless it is there (without case) or is a
 * pseudo-field ("computer", "provider"). Returns 0, or -1 with err set
 * (out of memory, or a 65,536th name: an event's values count in 16
 * bits). */
int nd_analysis_add_name(nd_analysis_data *d, const char *name, nd_error *err);

/* Adds the field names read by the enabled rules (patterns and facts; not
 * the pseudo-fields "computer" and "provider") to d->names. Returns 0, or
 * -1 with err set. */
int nd_analysis_add_rule_names(nd_analysis_data *d, const nd_rules *rules, nd_error *err);

/* Puts v (n elements of size bytes, the first old of them in cmp order)
 * in cmp order: the run in order goes on as far as it does, the rest is
 * sorted and merged in (what a load appends, read in id order, is most
 * often in order already, or goes near the end). Returns 0, or -1 when
 * out of memory (v is then in no particular order). */
int nd_analysis_keep_order(void *v, size_t n, size_t old, size_t size, int (*cmp)(const void *, const void *));

/* Finishes the events: sorts them by ref, merges one event loaded twice
 * (into the first copy: each copy has the same fields, if any) and builds
 * by_ts and by_ref. Returns 0, or -1 with err set (also for 4G events). */
int nd_analysis_index(nd_analysis_data *d, nd_error *err);

/* As nd_analysis_index for the events from first on, appended to events
 * indexed before whose refs are all lower: they are sorted and merged
 * among themselves, and by_ts gains them. Returns 0, or -1 with err set. */
int nd_analysis_index_more(nd_analysis_data *d, size_t first, nd_error *err);

/* Gives back the room the arrays of d grew into beyond what they hold
 * (they grow by doubling while loading), and, unless keep_strings (more
 * will be loaded), the index that found equal strings. Returns nothing:
 * an array that cannot shrink stays as it is. */
void nd_analysis_fit(nd_analysis_data *d, int keep_strings);

/* Returns the index of a field name in d->names (without case), or
 * d->nnames when the rules read no such field. */
size_t nd_analysis_name(const nd_analysis_data *d, const char *name);

/* Returns the loaded value of field name (an index of d->names) of event
 * e, or NULL when e has none. */
const char *nd_analysis_field_of(const nd_analysis_data *d, const nd_event *e, size_t name);

/* Returns the loaded event ref, or NULL: found in the few events of its
 * part of by_ref (at most one for every ref there could be, so about two
 * on average), or by a binary search of all without by_ref. */
const nd_event *nd_analysis_event(const nd_analysis_data *d, int64_t ref);

/* Returns the value of field name of event ref ("computer" and "provider"
 * are the event's own; other names are event_fields, compared without
 * case, first occurrence), or NULL when the event or the value is absent. */
const char *nd_analysis_field(const nd_analysis_data *d, int64_t ref, const char *name);

/* The positions of the pseudo-fields (nd_analysis_field_pos). */
#define ND_FIELD_COMPUTER ((size_t)-1)
#define ND_FIELD_PROVIDER ((size_t)-2)

/* Returns where nd_analysis_field reads field name: ND_FIELD_COMPUTER,
 * ND_FIELD_PROVIDER, or an index of d->names (d->nnames: none), for
 * nd_analysis_field_at (a name looked up once for many events). Valid
 * while d->names does not grow (the names come from the rules, at load). */
size_t nd_analysis_field_pos(const nd_analysis_data *d, const char *name);

/* nd_analysis_field of the field at pos (nd_analysis_field_pos). */
const char *nd_analysis_field_at(const nd_analysis_data *d, int64_t ref, size_t pos);

/* nd_analysis_field_at of the loaded event e (NULL: none), for a caller
 * that reads several fields of one event (a lookup by ref each cost more
 * than the value). */
const char *nd_analysis_field_in(const nd_analysis_data *d, const nd_event *e, size_t pos);

/* Finds the event of the list (id, and family unless NULL) nearest to
 * center within window seconds: per list entry the nearest (the smaller
 * ref on ties), and of those the first of the nearest. Returns its ref, 0
 * when none. */
int64_t nd_analysis_near(const nd_analysis_data *d, const nd_rule_event *ev, size_t n, double window, int64_t center);

/* Frees the data. Returns nothing. */
void nd_analysis_data_free(nd_analysis_data *d);

#endif
