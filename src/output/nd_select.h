/* nd_select: which stored incidents and findings a reader wants (by user
 * pattern, time range, cause), for `diagnose` and `report` alike. */
#ifndef ND_SELECT_H
#define ND_SELECT_H

#include "nd_db.h"
#include <stddef.h>
#include <stdint.h>

#include "nd_error.h"

/* What to show: every filter is optional. */
typedef struct nd_print_filter {
	const char *user;   /* PCRE2 pattern on user and identity (case-insensitive); excludes findings */
	const char *since;  /* ISO time as given */
	const char *until;
	int64_t since_ts, until_ts;
	const char *cause;
} nd_print_filter;

/* Collects the ids of the incidents and findings the filter selects, in
 * stored order (*ids is malloc'ed; free it). Returns 0 with *ids and *n
 * set, or -1 with err set (a bad --user pattern reports the pattern and
 * the offset; no diagnose results in the database). */
int nd_select_incidents(nd_db *db, const nd_print_filter *f, int64_t **ids, size_t *n, nd_error *err);

#endif
