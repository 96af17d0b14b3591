#include "nd_news.h"

#include <stdlib.h>
#include <string.h>

#include "nd_vec.h"

typedef struct seen {
	char *key;
	int64_t count;
} seen;

struct nd_news {
	seen *v; /* sorted by key */
	size_t n, cap;
};

nd_news *nd_news_new(void)
{
	return calloc(1, sizeof(nd_news));
}

void nd_news_free(nd_news *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->n; i++)
		free(n->v[i].key);
	free(n->v);
	free(n);
}

/* Finds key. Returns its index, or the index where it belongs with *found
 * cleared. */
static size_t find(const nd_news *n, const char *key, int *found)
{
	size_t lo = 0, hi = n->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(n->v[mid].key, key);

		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

/* Records key with count at index i (from find). Returns 0, or -1 when out
 * of memory. */
static int insert(nd_news *n, size_t i, const char *key, int64_t count)
{
	char *k = strdup(key);

	if (!k || nd_vec_reserve(&n->v, &n->cap, n->n + 1, sizeof(*n->v)) != 0) {
		free(k);
		return -1;
	}
	memmove(n->v + i + 1, n->v + i, (n->n - i) * sizeof(*n->v));
	n->v[i].key = k;
	n->v[i].count = count;
	n->n++;
	return 0;
}

/* Returns column i as text, or NULL. */
static const char *text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Sets *v and *has from column i. Returns nothing. */
static void integer(sqlite3_stmt *st, int i, int64_t *v, int *has)
{
	*has = sqlite3_column_type(st, i) != SQLITE_NULL;
	*v = *has ? sqlite3_column_int64(st, i) : 0;
}

long nd_news_scan(nd_news *n, sqlite3 *db, nd_news_fn fn, void *ctx, nd_error *err)
{
	/* The identity of an incident: what it is about and when it began.
	 * Unit separators keep event strings from running into each other. */
	static const char sql[] =
		"SELECT i.kind || char(31) || i.cause_id || char(31) || coalesce(i.identity, i.nps_server, '') ||"
		"       char(31) || i.first_ts,"
		"       i.kind, i.cause_id, c.title, i.confidence, i.match, i.user_name, i.client, i.vpn_server,"
		"       i.nps_server, i.first_time, i.last_time, i.status, i.client_error, i.nps_reason,"
		"       coalesce(i.nps_event_id, (SELECT e.event_id FROM incident_events ie JOIN events e"
		"                                 ON e.id = ie.event_ref WHERE ie.incident_id = i.id"
		"                                 AND ie.role = 'finding' LIMIT 1)),"
		"       i.count, i.paired"
		" FROM incidents i LEFT JOIN causes c ON c.cause_id = i.cause_id ORDER BY i.id";
	sqlite3_stmt *st = NULL;
	long announced = 0;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		nd_error_set(err, "reading incidents: %s", sqlite3_errmsg(db));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = text(st, 0);
		nd_news_item it;
		int found;
		size_t i;

		if (!key)
			continue;
		i = find(n, key, &found);
		memset(&it, 0, sizeof(it));
		it.count = sqlite3_column_int64(st, 16);
		if (found && n->v[i].count >= it.count)
			continue;
		it.previous_count = found ? n->v[i].count : 0;
		if (found)
			n->v[i].count = it.count;
		else if (insert(n, i, key, it.count) != 0) {
			sqlite3_finalize(st);
			nd_error_set(err, "out of memory");
			return -1;
		}
		if (!fn)
			continue;
		it.kind = text(st, 1);
		it.cause_id = text(st, 2);
		it.title = text(st, 3);
		it.confidence = text(st, 4);
		it.match = text(st, 5);
		it.user_name = text(st, 6);
		it.client = text(st, 7);
		it.vpn_server = text(st, 8);
		it.nps_server = text(st, 9);
		it.first_time = text(st, 10);
		it.last_time = text(st, 11);
		it.status = text(st, 12);
		integer(st, 13, &it.client_error, &it.has_client_error);
		integer(st, 14, &it.nps_reason, &it.has_nps_reason);
		integer(st, 15, &it.event_id, &it.has_event_id);
		it.paired = sqlite3_column_int64(st, 17);
		if (fn(ctx, &it, err) != 0) {
			sqlite3_finalize(st);
			return -1;
		}
		announced++;
	}
	if (rc != SQLITE_DONE) {
		nd_error_set(err, "reading incidents: %s", sqlite3_errmsg(db));
		announced = -1;
	}
	sqlite3_finalize(st);
	return announced;
}
