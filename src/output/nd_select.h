/* nd_select: which stored incidents and findings a reader wants (by user,
 * host, time range, cause), for `diagnose` and `report` alike. */
#ifndef ND_SELECT_H
#define ND_SELECT_H

#include "nd_db.h"
#include <stddef.h>
#include <stdint.h>

#include "nd_error.h"

/* What to show: every filter is optional (npsdiag_filter says more). */
typedef struct nd_print_filter {
	const char *user;   /* a user as written in any form, matched against every form of the identity;
			       excludes findings */
	const char *since;  /* as given */
	const char *until;
	int64_t since_ts, until_ts;
	int64_t first_id;       /* only ids from this one on (0: every id) */
	const char *cause;      /* a cause id the results must know */
	const char *user_regex; /* PCRE2 pattern on user and identity (case-insensitive); excludes findings */
	const char *host;       /* client, VPN or NPS server: name or first DNS label, any case */
} nd_print_filter;

/* Collects the ids of the incidents and findings the filter selects, in
 * stored order (*ids is malloc'ed; free it). Returns 0 with *ids and *n
 * set, or -1 with err set (a bad --user-regex pattern reports the pattern
 * and the offset; a --cause the results do not know; no diagnose results
 * in the database). */
int nd_select_incidents(nd_db *db, const nd_print_filter *f, int64_t **ids, size_t *n, nd_error *err);

/* Returns 1 when the user as written (f->user form) names the account of an
 * incident with this user name (as logged) and identity (the normalised
 * "dns.domain\user"), either may be NULL; else 0. */
int nd_select_user_matches(const char *user, const char *user_name, const char *identity);

#endif
