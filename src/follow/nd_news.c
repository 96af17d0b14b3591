#include "nd_news.h"

#include <stdlib.h>
#include <string.h>

#include "nd_buf.h"
#include "nd_intern.h"
#include "nd_strpool.h"
#include "nd_vec.h"

/* An announced incident: the cause and the count announced. */
typedef struct seen {
	const char *cause; /* one of causes */
	int64_t count;
} seen;

struct nd_news {
	nd_strpool pool; /* the keys */
	nd_intern keys;  /* the key of each announced incident, to its index in v: O(1) a look-up (a
			    sorted array took a memmove per new key: quadratic in a first scan of 1M) */
	seen *v;
	size_t cap;
	char **causes; /* the distinct cause ids announced (a few dozen) */
	size_t ncauses, cap_causes;
};

nd_news *nd_news_new(void)
{
	nd_news *n = calloc(1, sizeof(nd_news));

	if (n)
		n->keys.pool = &n->pool;
	return n;
}

void nd_news_free(nd_news *n)
{
	size_t i;

	if (!n)
		return;
	nd_intern_free(&n->keys);
	nd_strpool_free(&n->pool);
	for (i = 0; i < n->ncauses; i++)
		free(n->causes[i]);
	free(n->v);
	free(n->causes);
	free(n);
}

/* Finds key, adding it (with nothing announced: no cause, count 0) when
 * it is new. Returns its index in n->v, or -1 when out of memory. */
static long find(nd_news *n, const char *key)
{
	size_t before = n->keys.n;
	uint32_t id;

	if (nd_vec_reserve(&n->v, &n->cap, before + 1, sizeof(*n->v)) != 0 ||
	    (id = nd_intern_add(&n->keys, key)) == UINT32_MAX)
		return -1;
	if (id == before)
		n->v[id] = (seen){NULL, 0};
	return (long)id;
}

/* Returns the copy of cause id c that n keeps, or NULL when out of memory. */
static const char *cause_of(nd_news *n, const char *c)
{
	size_t i;

	for (i = 0; i < n->ncauses; i++)
		if (strcmp(n->causes[i], c) == 0)
			return n->causes[i];
	if (nd_vec_reserve(&n->causes, &n->cap_causes, n->ncauses + 1, sizeof(*n->causes)) != 0 ||
	    !(n->causes[n->ncauses] = strdup(c)))
		return NULL;
	return n->causes[n->ncauses++];
}

/* Makes what an incident is known by: its stable key, else (results
 * without keys) its kind, cause, identity or host and first attempt, unit
 * separators keeping event strings from running into each other. Returns
 * 0, or -1 when out of memory. */
static int identity(nd_buf *key, const nd_res_incident *i)
{
	const char *who = i->identity ? i->identity : i->nps ? i->nps : "";

	nd_buf_reset(key);
	if (i->key)
		return nd_buf_printf(key, "%s", i->key);
	return nd_buf_printf(key, "\x1f%s\x1f%s\x1f%s\x1f%lld", i->kind, i->cause->cause_id, who, (long long)i->first_ts);
}

long nd_news_scan(nd_news *n, nd_db *db, int64_t since, int64_t first, nd_news_fn fn, void *ctx, nd_error *err)
{
	nd_print_filter recent = {0};
	const nd_res_incident *it;
	nd_results *res = NULL;
	nd_buf key = {0};
	long announced = 0;
	int rc;

	if (since == INT64_MAX || first == INT64_MAX)
		return 0; /* nothing was written */
	recent.since = "the earliest incident written";
	recent.since_ts = since;
	recent.first_id = first; /* the id is the table's key: only those rows are read */
	if (nd_results_open(&res, db, since == INT64_MIN && !first ? NULL : &recent, err) != 0)
		return nd_error_prefix(err, "reading incidents: ");
	nd_results_rewind(res, ND_RES_ALL);
	while ((rc = nd_results_next(res, &it, err)) == 1) {
		const char *cause;
		int64_t previous;
		long i;

		if (identity(&key, it) != 0 || !(cause = cause_of(n, it->cause->cause_id)) ||
		    (i = find(n, key.data)) < 0) {
			rc = nd_error_set(err, "out of memory");
			break;
		}
		if (n->v[i].cause == cause && n->v[i].count >= it->count)
			continue;
		/* A new cause is news of its own, as a new incident (a new key has none). */
		previous = n->v[i].cause == cause ? n->v[i].count : 0;
		n->v[i].count = it->count;
		n->v[i].cause = cause;
		if (!fn)
			continue;
		if (nd_results_load(res, 0, 0, err) != 0) {
			rc = -1;
			break;
		}
		if (fn(ctx, it, previous, err) != 0) {
			rc = -2; /* err is fn's */
			break;
		}
		announced++;
	}
	nd_results_close(res);
	nd_buf_free(&key);
	if (rc == -1)
		nd_error_prefix(err, "reading incidents: ");
	return rc < 0 ? -1 : announced;
}
