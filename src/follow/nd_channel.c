#include "nd_channel.h"

#include <stdlib.h>
#include <string.h>

#include "event_xml.h"
#include "nd_buf.h"
#include "nd_evtlog.h"
#include "nd_family.h"
#include "nd_vec.h"

/* The event ids there are (EventID is 16 bits). */
#define ND_EVENT_IDS 65536

/* What the follower knows of one channel. */
typedef struct channel_state {
	const char *name;
	void *feed;         /* open, or NULL: opened (after the stored bookmark) at the next round */
	int64_t source;     /* its sources row */
	nd_source_stats st; /* its counts, as stored, plus those of the open transaction */
	uint64_t stored;    /* events stored in the open transaction */
	int followed;       /* told once that it is followed */
} channel_state;

struct nd_channel {
	channel_state *ch;
	size_t n;
	const nd_channel_feed_ops *ops;
	const void *arg;
	const nd_ingest_report *rep;
	const nd_tail_hooks *hooks;
	nd_evtlog_select *sel; /* what the query asks for: the kept providers and event ids */
	size_t nsel;
	nd_evtlog_range *ranges; /* of every sel, one after another */
	nd_ingest_event_state once;
	nd_record ev;
};

/* Appends to c->ranges the ranges of event ids fam takes, setting
 * *nranges to their count. Returns 0, or -1 when out of memory. */
static int family_ranges(nd_channel *c, size_t *cap, const nd_family *fam, size_t *nranges)
{
	size_t before = *nranges;
	uint32_t id;

	for (id = 0; id < ND_EVENT_IDS; id++) {
		if (!fam->wants(id))
			continue;
		if (*nranges > before && c->ranges[*nranges - 1].last + 1 == id) {
			c->ranges[*nranges - 1].last = id;
			continue;
		}
		if (nd_vec_reserve(&c->ranges, cap, *nranges + 1, sizeof(*c->ranges)) != 0)
			return -1;
		c->ranges[*nranges].first = c->ranges[*nranges].last = id;
		(*nranges)++;
	}
	return 0;
}

/* Makes c->sel: one select per provider of every family, with the family's
 * event ids. Returns 0, or -1 when out of memory. */
static int make_selects(nd_channel *c)
{
	const nd_family *const *f;
	size_t rcap = 0, scap = 0, nranges = 0, i, *first = NULL, fcap = 0;
	const char *const *p;

	for (f = nd_families(); *f; f++) {
		size_t from = nranges;

		if (family_ranges(c, &rcap, *f, &nranges) != 0)
			goto oom;
		for (p = (*f)->providers; p && *p; p++) {
			if (nd_vec_reserve(&c->sel, &scap, c->nsel + 1, sizeof(*c->sel)) != 0 ||
			    nd_vec_reserve(&first, &fcap, c->nsel + 1, sizeof(*first)) != 0)
				goto oom;
			c->sel[c->nsel].provider = *p;
			c->sel[c->nsel].nranges = nranges - from;
			first[c->nsel++] = from;
		}
	}
	/* c->ranges has its final place only now. */
	for (i = 0; i < c->nsel; i++)
		c->sel[i].ranges = c->ranges + first[i];
	free(first);
	return 0;
oom:
	free(first);
	return -1;
}

nd_channel *nd_channel_new(char *const *channels, size_t n, const nd_channel_feed_ops *feed, const void *arg,
			   const nd_ingest_report *rep, const nd_tail_hooks *hooks)
{
	nd_channel *c = calloc(1, sizeof(*c));
	size_t i;

	if (!c)
		return NULL;
	nd_record_init(&c->ev);
	c->ops = feed;
	c->arg = arg;
	c->rep = rep;
	c->hooks = hooks;
	if ((n && !(c->ch = calloc(n, sizeof(*c->ch)))) || make_selects(c) != 0) {
		nd_channel_free(c);
		return NULL;
	}
	c->n = n;
	for (i = 0; i < n; i++)
		c->ch[i].name = channels[i];
	return c;
}

/* Closes the feed of ch, if open. Returns nothing. */
static void close_feed(nd_channel *c, channel_state *ch)
{
	if (ch->feed)
		c->ops->close(ch->feed);
	ch->feed = NULL;
}

void nd_channel_free(nd_channel *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++)
		close_feed(c, &c->ch[i]);
	free(c->ch);
	free(c->sel);
	free(c->ranges);
	nd_ingest_event_done(&c->once);
	nd_record_reset(&c->ev);
	free(c);
}

/* Reads ch's stored counts and bookmark (into bm, "" when none). Returns
 * 0, or -1 with err set. */
static int load_state(nd_store *s, channel_state *ch, nd_buf *bm, nd_error *err)
{
	static const char sql[] = "SELECT records, wanted, duplicates, skipped, errors, b.bookmark FROM sources s"
				  " LEFT JOIN channel_bookmarks b ON b.source_id = s.id WHERE s.id = ?1";
	nd_stmt *q = NULL;
	int rc;

	if (nd_db_prepare(nd_store_db(s), sql, 0, &q, "channel_bookmarks", err) ||
	    nd_db_bind_int64(q, 1, ch->source, "channel_bookmarks", err)) {
		nd_db_finalize(q);
		return -1;
	}
	memset(&ch->st, 0, sizeof(ch->st));
	rc = nd_db_step(q, "channel_bookmarks", err);
	if (rc == 1) {
		ch->st.records = (uint64_t)nd_db_column_int64(q, 0);
		ch->st.wanted = (uint64_t)nd_db_column_int64(q, 1);
		ch->st.duplicates = (uint64_t)nd_db_column_int64(q, 2);
		ch->st.skipped = (uint64_t)nd_db_column_int64(q, 3);
		ch->st.errors = (uint64_t)nd_db_column_int64(q, 4);
		if (nd_db_column_text(q, 5) && nd_buf_printf(bm, "%s", nd_db_column_text(q, 5)) != 0)
			rc = nd_error_set(err, "out of memory");
	}
	nd_db_finalize(q);
	return rc < 0 ? -1 : 0;
}

/* Opens ch's feed just after its stored bookmark (its sources row made if
 * new). Returns 0, or -1 with err set. */
static int open_feed(nd_channel *c, channel_state *ch, nd_store *s, nd_error *err)
{
	nd_buf name = {0}, bm = {0}, query = {0};
	int rc = -1;

	if (nd_buf_printf(&name, "%s:%s", c->ops->kind, ch->name) != 0 ||
	    nd_evtlog_query(&query, ch->name, c->sel, c->nsel) != 0) {
		nd_error_set(err, "%s: out of memory, or a provider name no query can quote", ch->name);
		goto done;
	}
	if (nd_store_begin(s, err) != 0)
		goto done;
	if (nd_store_source(s, name.data, 0, 0, &ch->source, err) != 0 || load_state(s, ch, &bm, err) != 0 ||
	    nd_store_commit(s, err) != 0) {
		nd_store_rollback(s);
		goto done;
	}
	ch->stored = 0;
	if (c->ops->open(c->arg, ch->name, query.data, bm.len ? bm.data : NULL, &ch->feed, err) != 0)
		goto done;
	if (!ch->followed && c->hooks && c->hooks->notice)
		c->hooks->notice(c->hooks->ctx, name.data,
				 bm.len ? "following, from just after its stored bookmark"
					: "following, from its oldest event",
				 NULL);
	ch->followed = 1;
	rc = 0;
done:
	nd_buf_free(&name);
	nd_buf_free(&bm);
	nd_buf_free(&query);
	return rc;
}

/* Reports a rendering that cannot be read. Returns nothing. */
static void problem(nd_channel *c, const channel_state *ch, const char *msg)
{
	nd_error full;

	if (!c->rep || !c->rep->problem)
		return;
	nd_error_set(&full, "%s:%s: event number %llu of the channel: %s", c->ops->kind, ch->name,
		     (unsigned long long)ch->st.records, msg);
	c->rep->problem(c->rep->ctx, ND_PROBLEM_ERROR, full.message);
}

/* Stores the event rendered in xml[0..len) if a family keeps it. Returns
 * 0, or -1 with err set when the store failed. */
static int take(nd_channel *c, channel_state *ch, nd_store *s, const char *xml, size_t len, nd_error *err)
{
	const nd_family *fam;
	nd_error e;
	int rc;

	ch->st.records++;
	rc = nd_xml_parse_event(xml, len, &c->ev, NULL, &e);
	if (rc <= 0) {
		problem(c, ch, rc == 0 ? "no <Event> element" : e.message);
		ch->st.errors++;
		return 0;
	}
	if (!(fam = nd_family_for_event(&c->ev))) {
		ch->st.skipped++;
		return 0;
	}
	ch->st.wanted++;
	rc = nd_ingest_event(s, ch->source, &c->once, fam, &c->ev, err);
	if (rc < 0)
		return -1;
	if (rc == 1)
		ch->stored++;
	else if (rc == 0)
		ch->st.duplicates++;
	return 0;
}

/* Stores, in the open transaction, ch's bookmark just after the events
 * taken and its counts. Returns 0, or -1 with err set. */
static int save_state(nd_channel *c, channel_state *ch, nd_store *s, nd_error *err)
{
	static const char sql[] = "INSERT INTO channel_bookmarks(source_id, bookmark) VALUES(?1, ?2)"
				  " ON CONFLICT(source_id) DO UPDATE SET bookmark = ?2";
	const char *bm = c->ops->bookmark(ch->feed, err);
	nd_source_stats st;
	nd_stmt *q = NULL;
	int rc;

	if (!bm || nd_store_flush(s, &ch->stored, &ch->st.duplicates, err) != 0)
		return -1;
	st = ch->st;
	rc = nd_db_prepare(nd_store_db(s), sql, 0, &q, "channel_bookmarks", err) ||
			     nd_db_bind_int64(q, 1, ch->source, "channel_bookmarks", err) ||
			     nd_db_bind_text(q, 2, bm, "channel_bookmarks", err) ||
			     nd_db_step(q, "channel_bookmarks", err) < 0
		     ? -1
		     : 0;
	nd_db_finalize(q);
	st.stored = ch->stored; /* added to the stored count */
	return rc == 0 ? nd_store_source_done(s, ch->source, &st, err) : -1;
}

/* Commits the open transaction with ch's bookmark and counts, adding the
 * events it stored to *stored. Returns 0, or -1 with err set. */
static int commit_batch(nd_channel *c, channel_state *ch, nd_store *s, uint64_t *stored, nd_error *err)
{
	if (save_state(c, ch, s, err) != 0 || nd_store_commit(s, err) != 0)
		return -1;
	*stored += ch->stored;
	ch->stored = 0;
	return 0;
}

/* Takes what ch's feed has, committing every ND_CHANNEL_BATCH events with
 * the bookmark after them (no transaction when there is nothing). Returns
 * 0 with *stored increased, or -1 with err set (rolled back, the feed
 * closed). */
static int channel_round(nd_channel *c, channel_state *ch, nd_store *s, uint64_t *stored, nd_error *err)
{
	unsigned batch = 0;
	const char *xml;
	size_t len;
	int rc;

	if (!ch->feed && open_feed(c, ch, s, err) != 0)
		return -1;
	while ((rc = c->ops->next(ch->feed, &xml, &len, err)) == 1) {
		if (!batch && nd_store_begin(s, err) != 0)
			goto failed;
		if (take(c, ch, s, xml, len, err) != 0)
			goto failed;
		if (++batch == ND_CHANNEL_BATCH) {
			if (commit_batch(c, ch, s, stored, err) != 0)
				goto failed;
			batch = 0;
		}
	}
	if (rc < 0 || (batch && commit_batch(c, ch, s, stored, err) != 0))
		goto failed;
	return 0;
failed:
	if (batch) /* a transaction is open */
		nd_store_rollback(s);
	/* Reopened after the stored bookmark, with the stored counts. */
	close_feed(c, ch);
	nd_error_prefix(err, "%s:%s", c->ops->kind, ch->name);
	return -1;
}

int nd_channel_round(nd_channel *c, nd_store *s, uint64_t *new_events, nd_error *err)
{
	size_t i;

	*new_events = 0;
	for (i = 0; i < c->n; i++)
		if (channel_round(c, &c->ch[i], s, new_events, err) != 0)
			return -1;
	return 0;
}

/* nd_source: one round of the channels. */
static int source_round(void *self, nd_store *s, uint64_t *new_events, nd_error *err)
{
	return nd_channel_round(self, s, new_events, err);
}

nd_source nd_channel_source(nd_channel *c)
{
	nd_source src = {c, source_round};

	return src;
}

/* nd_channel_feed_ops over nd_evtlog. */
static int evtlog_open(const void *arg, const char *channel, const char *query, const char *bookmark, void **feed,
		       nd_error *err)
{
	nd_evtlog *l;

	(void)arg;
	if (nd_evtlog_open(&l, channel, query, bookmark, err) != 0)
		return -1;
	*feed = l;
	return 0;
}

/* nd_channel_feed_ops: the next event of nd_evtlog. */
static int evtlog_next(void *feed, const char **xml, size_t *len, nd_error *err)
{
	return nd_evtlog_next(feed, xml, len, err);
}

/* nd_channel_feed_ops: the bookmark of nd_evtlog. */
static const char *evtlog_bookmark(void *feed, nd_error *err)
{
	return nd_evtlog_bookmark(feed, err);
}

/* nd_channel_feed_ops: closes nd_evtlog. */
static void evtlog_close(void *feed)
{
	nd_evtlog_close(feed);
}

const nd_channel_feed_ops *nd_channel_evtlog(void)
{
	static const nd_channel_feed_ops ops = {"eventlog", evtlog_open, evtlog_next, evtlog_bookmark, evtlog_close};

	return &ops;
}
