/* The replay feed of nd_channel (tail --channel-replay DIR, a test aid):
 * gives the <Event> renderings in the files of DIR/CHANNEL/ (names
 * starting with '.' left out, so that a writer can rename a finished file
 * in) in record id order, those after its bookmark, as the Windows Event
 * Log API would. When it has given all, it reads the files again for
 * renderings with higher record ids. It keeps the renderings not yet given
 * in memory: it is meant for tests, not for large logs. */
#include "nd_channel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_xml.h"
#include "nd_buf.h"
#include "nd_dir.h"
#include "nd_escape.h"
#include "nd_file.h"
#include "nd_sort.h"
#include "nd_vec.h"

/* One rendering not given yet. */
typedef struct replay_event {
	uint64_t id;
	char *xml;
	size_t len;
} replay_event;

typedef struct replay {
	char *dir;     /* DIR/CHANNEL */
	char *channel;
	uint64_t last; /* record id of the last event given, or of the bookmark */
	replay_event *q;
	size_t n, cap, pos;
	char *given;   /* the rendering given last */
	nd_buf bm;
	nd_record ev;
} replay;

/* Frees the renderings not given. Returns nothing. */
static void drop_queue(replay *r)
{
	size_t i;

	for (i = r->pos; i < r->n; i++)
		free(r->q[i].xml);
	r->n = r->pos = 0;
}

/* nd_channel_feed_ops: closes a replay. */
static void replay_close(void *feed)
{
	replay *r = feed;

	if (!r)
		return;
	drop_queue(r);
	free(r->q);
	free(r->dir);
	free(r->channel);
	free(r->given);
	nd_buf_free(&r->bm);
	nd_record_reset(&r->ev);
	free(r);
}

/* nd_channel_feed_ops: opens the replay of DIR/CHANNEL after bookmark (its
 * RecordId). */
static int replay_open(const void *arg, const char *channel, const char *query, const char *bookmark, void **feed,
		       nd_error *err)
{
	const char *dir = arg, *id;
	replay *r = calloc(1, sizeof(*r));
	nd_buf path = {0};
	unsigned long long last;

	(void)query;
	if (!r || nd_buf_printf(&path, "%s/%s", dir, channel) != 0 || !(r->channel = strdup(channel))) {
		nd_buf_free(&path);
		replay_close(r);
		return nd_error_set(err, "out of memory");
	}
	nd_record_init(&r->ev);
	r->dir = path.data;
	if (bookmark) {
		if (!(id = strstr(bookmark, "RecordId='")) || sscanf(id + 10, "%llu", &last) != 1) {
			replay_close(r);
			return nd_error_set(err, "channel %s: the stored bookmark is not one of a replay", channel);
		}
		r->last = last;
	}
	*feed = r;
	return 0;
}

/* Orders renderings by record id. */
static int by_id(const void *a, const void *b)
{
	const replay_event *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Orders names. */
static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Returns the offset in s[0..n) of the first "<Event" that is not
 * "<Events", or n. */
static size_t event_start(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 7 <= n; i++)
		if (memcmp(s + i, "<Event", 6) == 0 && (s[i + 6] == ' ' || s[i + 6] == '>' || s[i + 6] == '\t' ||
							s[i + 6] == '\r' || s[i + 6] == '\n'))
			return i;
	return n;
}

/* Queues the renderings in b whose record id is above r->last. Returns 0,
 * or -1 with err set (a rendering that cannot be read, out of memory). */
static int queue_file(replay *r, const char *path, const nd_buf *b, nd_error *err)
{
	size_t off = 0, used;
	int rc;

	while ((rc = nd_xml_parse_event(b->data + off, b->len - off, &r->ev, &used, err)) == 1) {
		size_t start = off + event_start(b->data + off, used);
		replay_event *e;

		if (r->ev.record_id > r->last) {
			if (nd_vec_reserve(&r->q, &r->cap, r->n + 1, sizeof(*r->q)) != 0)
				return nd_error_set(err, "out of memory");
			e = &r->q[r->n];
			e->id = r->ev.record_id;
			e->len = off + used - start;
			if (!(e->xml = malloc(e->len + 1)))
				return nd_error_set(err, "out of memory");
			memcpy(e->xml, b->data + start, e->len);
			e->xml[e->len] = '\0';
			r->n++;
		}
		off += used;
	}
	return rc < 0 ? nd_error_prefix(err, "%s", path) : 0;
}

/* Reads the whole file at path into b. Returns 0, or -1 with err set. */
static int read_file(const char *path, nd_buf *b, nd_error *err)
{
	char chunk[65536];
	FILE *fp;
	size_t n;
	int rc = 0;

	if (nd_file_open_read(path, &fp, NULL, err) != 0)
		return -1;
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		rc = nd_buf_append(b, chunk, n) != 0 ? nd_error_set(err, "out of memory") : 0;
	if (rc == 0 && ferror(fp))
		rc = nd_error_set(err, "%s: read error", path);
	fclose(fp);
	return rc;
}

/* Reads the files of the replay's directory again, queueing the renderings
 * after the last one given, in record id order. Returns 0, or -1 with err
 * set. */
static int refill(replay *r, nd_error *err)
{
	nd_dir_names names;
	nd_buf path = {0}, b = {0};
	size_t i;
	int rc = 0;

	drop_queue(r);
	if (nd_dir_list(r->dir, &names, err) != 0)
		return -1;
	nd_sort(names.v, names.n, sizeof(char *), by_name);
	for (i = 0; rc == 0 && i < names.n; i++) {
		if (names.v[i][0] == '.')
			continue;
		nd_buf_reset(&path);
		nd_buf_reset(&b);
		if (nd_buf_printf(&path, "%s/%s", r->dir, names.v[i]) != 0)
			rc = nd_error_set(err, "out of memory");
		else
			rc = read_file(path.data, &b, err) || queue_file(r, path.data, &b, err) ? -1 : 0;
	}
	nd_dir_names_free(&names);
	nd_buf_free(&path);
	nd_buf_free(&b);
	if (rc != 0) {
		drop_queue(r);
		return -1;
	}
	nd_sort(r->q, r->n, sizeof(*r->q), by_id);
	return 0;
}

/* nd_channel_feed_ops: the next rendering of a replay. */
static int replay_next(void *feed, const char **xml, size_t *len, nd_error *err)
{
	replay *r = feed;
	replay_event *e;

	if (r->pos == r->n && refill(r, err) != 0)
		return -1;
	if (r->pos == r->n)
		return 0;
	e = &r->q[r->pos++];
	free(r->given);
	r->given = e->xml;
	r->last = e->id;
	*xml = e->xml;
	*len = e->len;
	return 1;
}

/* nd_channel_feed_ops: the bookmark of a replay, shaped as Windows renders
 * one. */
static const char *replay_bookmark(void *feed, nd_error *err)
{
	replay *r = feed;

	nd_buf_reset(&r->bm);
	if (nd_buf_printf(&r->bm, "<BookmarkList>\r\n  <Bookmark Channel='") != 0 ||
	    nd_escape_html(&r->bm, r->channel) != 0 ||
	    nd_buf_printf(&r->bm, "' RecordId='%llu' IsCurrent='true'/>\r\n</BookmarkList>",
			  (unsigned long long)r->last) != 0) {
		nd_error_set(err, "out of memory");
		return NULL;
	}
	return r->bm.data;
}

const nd_channel_feed_ops *nd_channel_replay(void)
{
	static const nd_channel_feed_ops ops = {"replay", replay_open, replay_next, replay_bookmark, replay_close};

	return &ops;
}
