#include "nd_decision_once.h"

#include <string.h>

#include "nd_db.h"
#include "nd_once_sql.h"
#include "nd_time.h"

/* The condition shared by both directions: ?1 event id, ?2 time (ticks),
 * ?3 the other decision's computer, ?4 reason code, ?5 user, ?7 how far
 * apart the times may be (ticks). "e" is the stored decision. */
#define SAME_DECISION ND_SAME_DECISION_SQL("?1", "?2", "?3", "?4", "?5", "?7")

/* ?6: the family of the other kind of log. */
static const char find_sql[] = "SELECT 1 FROM events e JOIN nps_audit_events a ON a.event_ref = e.id"
			       " WHERE e.family = ?6 AND" SAME_DECISION " LIMIT 1";
/* The times of the Security-log decisions like a text-log one, ?7 apart. */
static const char times_sql[] = "SELECT e.ts FROM events e JOIN nps_audit_events a ON a.event_ref = e.id"
				" WHERE e.family = 'nps_audit' AND" SAME_DECISION " LIMIT 64";

/* Returns the value of the first of the fields names ('|'-separated), or
 * "". */
static const char *field_of(const nd_record *ev, const char *names)
{
	char one[64];

	while (*names) {
		size_t n = strcspn(names, "|");
		const char *v;

		if (n < sizeof(one)) {
			memcpy(one, names, n);
			one[n] = '\0';
			if ((v = nd_record_field(ev, one)))
				return v;
		}
		names += n + (names[n] == '|');
	}
	return "";
}

/* Binds the decision's values to the statement's ?1..?5 and ?7 (window,
 * ticks). Returns 0, or -1 with err set. */
static int bind(nd_stmt *st, const nd_record *ev, const char *user, const char *reason, int64_t window,
		nd_error *err)
{
	uint32_t code = 0;

	if (*reason)
		nd_parse_code(reason, &code);
	return nd_db_bind_int64(st, 1, ev->event_id, "decision", err) ||
		       nd_db_bind_int64(st, 7, window, "decision", err) ||
		       nd_db_bind_int64(st, 2, ev->time, "decision", err) ||
		       nd_db_bind_text_static(st, 3, ev->computer ? ev->computer : "", "decision", err) ||
		       nd_db_bind_int64(st, 4, code, "decision", err) || nd_db_bind_text_static(st, 5, user, "decision", err)
		   ? -1
		   : 0;
}

/* Returns the user of a text-log decision, as the Security log names it. */
static const char *text_user(const nd_record *ev)
{
	return field_of(ev, "Fully-Qualifed-User-Name|Fully-Qualified-User-Name|SAM-Account-Name");
}

int nd_decision_once(nd_store *s, nd_stmt **find, const nd_family *fam, const nd_record *ev, nd_error *err)
{
	nd_stmt *st;
	int text = strcmp(fam->name, "nps_text") == 0, rc;

	if (!nd_family_is_decision(fam, ev->event_id) || !ev->has_time)
		return 0;
	/* none of the other log's decisions stored: nothing to ask */
	if ((rc = nd_store_may_hold_family(s, fam->twin, err)) <= 0)
		return rc;
	if (!*find && nd_db_prepare(nd_store_db(s), find_sql, ND_DB_PERSISTENT, find, "decision", err) != 0)
		return -1;
	st = *find;
	if (text)
		rc = bind(st, ev, text_user(ev), field_of(ev, "Reason-Code"), ND_TICKS_PER_SECOND, err);
	else
		rc = bind(st, ev, field_of(ev, "FullyQualifiedSubjectUserName"), field_of(ev, "ReasonCode"),
			  ND_TICKS_PER_SECOND, err);
	if (rc == 0)
		rc = nd_db_bind_text_static(st, 6, fam->twin, "decision", err);
	if (rc == 0)
		rc = nd_db_step(st, "decision", err);
	if (rc == 1)
		nd_db_reset(st);
	return rc < 0 ? -1 : rc == 1;
}

int nd_decision_offsets(nd_store *s, const nd_record *ev, int64_t window, void (*each)(void *ctx, int64_t delta),
			void *ctx, nd_error *err)
{
	nd_stmt *st = NULL;
	int rc;

	if ((ev->event_id != ND_EVENT_GRANTED && ev->event_id != ND_EVENT_DENIED) || !ev->has_time)
		return 0;
	if (nd_db_prepare(nd_store_db(s), times_sql, 0, &st, "decision", err) != 0)
		return -1;
	rc = bind(st, ev, text_user(ev), field_of(ev, "Reason-Code"), window, err);
	while (rc == 0 && (rc = nd_db_step(st, "decision", err)) == 1) {
		each(ctx, ev->time - nd_db_column_int64(st, 0));
		rc = 0;
	}
	nd_db_finalize(st);
	return rc < 0 ? -1 : 0;
}
