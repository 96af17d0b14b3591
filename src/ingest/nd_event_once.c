#include "nd_event_once.h"

#include "nd_db.h"
#include "nd_once_sql.h"

/* ?1 computer, ?2 channel, ?3 record id, ?4 the time's millisecond (ticks),
 * ?5 the time itself: served by the events' unique index. */
static const char find_sql[] =
	"SELECT 1 FROM events e WHERE" ND_EVENT_ONCE_SQL("?1", "?2", "?3", "?4", "?5") " LIMIT 1";

int nd_event_once(nd_event_once_state *o, nd_store *s, const nd_record *ev, nd_error *err)
{
	int64_t ts = ev->has_time ? ev->time : ev->written_time;
	int rc;

	if (!ev->record_id || ts <= 0)
		return 0;
	/* none with this record id yet: nothing to ask (a log's ids grow) */
	rc = nd_store_may_hold_record(s, ev->computer ? ev->computer : "", ev->channel ? ev->channel : "",
				      ev->record_id, err);
	if (rc <= 0)
		return rc;
	if (!o->find &&
	    nd_db_prepare(nd_store_db(s), find_sql, ND_DB_PERSISTENT, &o->find, "events", err) != 0)
		return -1;
	nd_db_reset(o->find);
	rc = nd_db_bind_text_static(o->find, 1, ev->computer ? ev->computer : "", "events", err) ||
		     nd_db_bind_text_static(o->find, 2, ev->channel ? ev->channel : "", "events", err) ||
		     nd_db_bind_int64(o->find, 3, (int64_t)ev->record_id, "events", err) ||
		     nd_db_bind_int64(o->find, 4, ts - ts % 10000, "events", err) ||
		     nd_db_bind_int64(o->find, 5, ts, "events", err)
		 ? -1
		 : nd_db_step(o->find, "events", err);
	nd_db_reset(o->find);
	return rc < 0 ? -1 : rc == 1;
}

void nd_event_once_done(nd_event_once_state *o)
{
	nd_db_finalize(o->find);
	o->find = NULL;
}
