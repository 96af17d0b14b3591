/* nd_correlate: pairs client failures with the NPS decisions that explain
 * them, on loaded data (nd_analysis_data); no database, no I/O.
 *
 * Each RasClient 20227 is one attempt (several 20227 with the same CoId on
 * the same client are one attempt and its retries). An attempt is paired
 * with at most one NPS decision (6272, 6273, 6274) and a decision with at
 * most one attempt, on evidence only:
 *   - identity: the same account after nd_identity normalisation, with
 *     NetBIOS/DNS domain pairs learned from the NPS events and computer
 *     names; never across accounts;
 *   - time: the client logs the failure at most `window` seconds after the
 *     NPS decision, on the two hosts' clocks corrected by an offset
 *     estimated per client/NPS host pair (the offset that puts the most
 *     candidate pairs inside the window, the one nearest zero on ties):
 *     within +-`skew` seconds any offset, beyond it up to
 *     +-ND_CORRELATE_WIDE_S only one that at least two pairs agree on;
 *   - eligibility: a client failure whose code never reaches NPS (a rule
 *     says `nps = absent` for it: 809, 13801, ...) is never paired; a
 *     decision for another kind of access (NASPortType other than
 *     Virtual, unless its NAS is the server the client dialled) is never
 *     paired with a client failure and resolves only non-VPN attempts;
 *   - order: per identity and client/NPS host pair, an earlier decision
 *     goes with an earlier failure (pairs of one pair of clocks never
 *     cross in time); of those assignments the one with the most pairs,
 *     then the most compatible code/reason pairs (a rule names both),
 *     then the smallest sum of corrected delays. Host pairs of one
 *     identity (two laptops, two NPS servers) are independent; when their
 *     best assignments want the same failure or decision, the host pair
 *     with the better assignment chooses first.
 * Client failures without a decision and denials without a client failure
 * are attempts on their own; grants (6272) not paired with a failure and
 * RasClient 20225 (connected) are kept as the events that resolve earlier
 * failures of the same identity, NPS 6280 (unlocked) as those that resolve
 * an NPS account lockout.
 *
 * Attempts point into the data by index; the result holds no copy of an
 * event and allocates nothing per pair.
 */
#ifndef ND_CORRELATE_H
#define ND_CORRELATE_H

#include <stddef.h>
#include <stdint.h>

#include "nd_analysis_data.h"
#include "nd_error.h"
#include "nd_strpool.h"

#define ND_NONE ((size_t)-1)

/* No event on that side of an attempt (its client or nps), no host
 * (its lineup_host). */
#define ND_ATTEMPT_NONE UINT32_MAX

/* An attempt (64 bytes: there is one per client failure and unpaired
 * denial, a million and more in a fleet's month; its events, retries and
 * hosts count in 32 bits, as the correlation's items do). Its key, the
 * normalised identity ("" when none could be read), is the correlation's
 * ids[id]. */
typedef struct nd_attempt {
	int64_t ts; /* the client failure's time, else the NPS decision's */
	int64_t client_ref, nps_ref; /* their refs, 0 when absent */
	int64_t lineup;              /* lines_up: client time minus NPS time (ticks), raw clocks */
	uint32_t client;             /* index in the data's clients, ND_ATTEMPT_NONE */
	uint32_t nps;                /* index in the data's decisions, ND_ATTEMPT_NONE */
	uint32_t id;                 /* the index of its key in the correlation's ids */
	uint32_t lineup_host;        /* lines_up: the host of the other side, else ND_ATTEMPT_NONE */
	uint32_t retry, nretries;    /* more 20227 of the same CoId: retries[retry .. retry + nretries) */
	unsigned char vpn;           /* a client failure or a VPN decision (not 802.1X Wi-Fi/wired) */
	unsigned char lines_up;      /* unpaired, but lines up with an unpaired attempt of its identity */
} nd_attempt;

/* A grant or a successful connect: resolves earlier failures of key (of
 * the same kind: VPN or not). */
typedef struct nd_resolution {
	const char *key;
	uint32_t id; /* the index of key in the correlation's ids */
	int64_t ref, ts;
	int vpn;
} nd_resolution;

/* The clock offset estimated for one client/NPS host pair (host indices
 * of the data) from its candidate pairs. */
typedef struct nd_pair_offset {
	size_t client, nps;
	int64_t offset; /* ticks: client clock minus NPS clock */
} nd_pair_offset;

/* A candidate pair as the offset estimate sees it: of which identity (a
 * key of the correlation), which host pair, and its delta. */
typedef struct nd_cand {
	const char *key;
	size_t chost, nhost;
	int64_t delta; /* ticks: client time minus NPS time, raw clocks */
} nd_cand;

typedef struct nd_correlation {
	nd_attempt *attempts; /* ordered by ts, then client ref, then NPS ref */
	size_t n, cap;
	size_t *retries; /* client indices */
	size_t nretries, cap_retries;
	nd_resolution *resolutions; /* ordered by ts, then ref */
	size_t nres, cap_res;
	nd_resolution *unlocks; /* NPS 6280, ordered by key, then ts and ref: resolve NPS lockouts (reason 64) */
	size_t nunlocks, cap_unlocks;
	nd_resolution *locks; /* NPS 6279, ordered the same: the context of NPS lockouts */
	size_t nlocks, cap_locks;
	const char **ids; /* the distinct keys in byte order: comparing two ids compares the keys */
	size_t nids;
	nd_pair_offset *offsets; /* the host pairs with a candidate pair, by client then NPS host */
	size_t noffsets;
	uint64_t domains; /* a hash of the domain pairs learned: equal when keys are made the same way */
	nd_strpool keys;
	/* Kept only when the params ask (keep), for nd_correlate_again: */
	const char **client_key, **decision_key, **connect_key, **unlock_key; /* per event of the data, in ids */
	nd_cand *cands; /* every candidate pair, by host pair then delta */
	size_t ncands;
	const char **again; /* made by nd_correlate_again: the keys (in ids) of the identities paired again, */
	size_t nagain;      /* by address; the others' attempts are the previous correlation's: */
	size_t *was;        /* per attempt, its index there (ND_NONE: paired again) */
	size_t made[4]; /* how many clients, decisions, connects and unlocks the data had */
	int64_t top;    /* the highest ref among them */
	double window_s, skew_s;
} nd_correlation;

typedef struct nd_correlate_params {
	double window_s;
	double skew_s;
	const uint32_t *nopair; /* client codes that never reach NPS, ascending */
	size_t nnopair;
	const uint64_t *compatible; /* (client code << 32 | NPS reason) a rule names together, ascending */
	size_t ncompatible;
	int keep; /* keep what nd_correlate_again needs (the keys of the events, the candidates) */
	const nd_cand *others; /* candidates of identities not in the data, by host pair then delta: */
	size_t nothers;        /* the offset estimate counts them as its own */
} nd_correlate_params;

/* Fills the code lists of p from the enabled incident rules: nopair, the
 * client errors of rules with `nps = absent`; compatible, each client
 * error with each NPS reason of one rule. Returns 0, or -1 with err set;
 * free with nd_correlate_params_free. */
int nd_correlate_params_rules(nd_correlate_params *p, const nd_rules *rules, nd_error *err);

/* Frees the code lists of p. Returns nothing. */
void nd_correlate_params_free(nd_correlate_params *p);

/* Returns 1 if a decision may pair with a VPN client failure (port_type
 * unset or Virtual, or its NAS is the server dialled), else 0. */
int nd_correlate_vpn(const char *port_type, const char *nas, const char *dialled);

/* Correlates every client failure and NPS decision of d. Returns 0 with
 * *out filled, or -1 with err set. */
int nd_correlate(const nd_analysis_data *d, const nd_correlate_params *p, nd_correlation *out, nd_error *err);

/* The orders of a correlation's arrays (qsort comparators; nd_correlate_again
 * merges in them): attempts by time, client ref, NPS ref; resolutions by
 * time, ref; locks and unlocks by identity, time, ref. Each returns <0, 0
 * or >0. */
int nd_correlate_attempt_order(const void *pa, const void *pb);
int nd_correlate_res_time_order(const void *pa, const void *pb);
int nd_correlate_res_key_order(const void *pa, const void *pb);

/* Correlates d again after events were added to it (refs above prev->top;
 * the others unchanged but for d->redialled) from prev, a correlation of
 * d before them made with p->keep and the same window and skew: only the
 * identities the new events and the redialled client failures belong to
 * are paired again, and with them every identity of a
 * client/NPS host pair whose clock offset estimate moves (docs/diagnose.md,
 * "Under `tail`"); the rest is carried over. Gives what nd_correlate
 * gives (p->keep set). Returns 0 with *out filled and prev emptied, 1 when
 * it cannot (the domains learned changed, or prev is not of d: correlate
 * in full; prev is left as it was), or -1 with err set. */
int nd_correlate_again(const nd_analysis_data *d, const nd_correlate_params *p, nd_correlation *prev,
		       nd_correlation *out, nd_error *err);

/* Renumbers the hosts c names (line-ups, offsets, candidates) after the
 * data's hosts were renumbered: host h is map[h] now (h below n, every
 * host c names; nd_analysis_insert_hosts keeps their order, so c's orders
 * hold). Returns nothing. */
void nd_correlation_move_hosts(nd_correlation *c, const size_t *map, size_t n);

/* The clock offset (seconds) tolerated without --skew when at least two
 * candidate pairs of a client/NPS host pair agree on it (Kerberos
 * tolerates 5 minutes; remote clients drift). */
#define ND_CORRELATE_WIDE_S 300.0

/* Estimates the clock offset of one client/NPS host pair from the deltas
 * (client time minus NPS time, ticks, sorted ascending) of its candidate
 * pairs: the start in [-wide, wide] of the window that holds the most
 * deltas, nearest zero on ties, where a start beyond +-skew must hold at
 * least two. Returns the offset (ticks). */
int64_t nd_correlate_offset(const int64_t *delta, size_t n, int64_t window, int64_t skew, int64_t wide);

/* Finds, in v[0..n) (ordered by key, then time), the last event of key at
 * or before ts. Returns it, or NULL. */
const nd_resolution *nd_correlate_last(const nd_resolution *v, size_t n, const char *key, int64_t ts);

/* Frees a correlation. Returns nothing. */
void nd_correlation_free(nd_correlation *c);

#endif
