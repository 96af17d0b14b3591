/* nd_once_sql: the SQL conditions under which an event is one already
 * stored from another log, written once for both ways of asking: one
 * event at a time with placeholders (src/ingest: nd_event_once,
 * nd_decision_once) and a batch of events in a staging table (nd_store on
 * a database server). Each macro takes the SQL of the new event's values;
 * "e" is the stored event and "a" its nps_audit_events row. */
#ifndef ND_ONCE_SQL_H
#define ND_ONCE_SQL_H

/* The same event with another time in the same millisecond (an export
 * that keeps milliseconds): CMP computer, CHN channel, RID record id, MS
 * the time's millisecond (ticks), TS the time. */
#define ND_EVENT_ONCE_SQL(CMP, CHN, RID, MS, TS)                                                                       \
	" e.computer = " CMP " AND e.channel = " CHN " AND e.record_id = " RID " AND e.ts >= " MS " AND e.ts < " MS    \
	" + 10000 AND e.ts <> " TS

/* The same NPS decision from the other kind of log: EID event id, TS time
 * (ticks), CMP computer, CODE reason code (0: none), USER user, WIN how
 * far apart the times may be (ticks). */
#define ND_SAME_DECISION_SQL(EID, TS, CMP, CODE, USER, WIN)                                                            \
	" e.event_id = " EID " AND e.ts BETWEEN " TS " - CAST(" WIN " AS BIGINT) AND " TS " + " WIN                    \
	" AND coalesce(a.reason_code, 0) = " CODE " AND lower(coalesce(a.fq_subject_user_name, '')) = lower(" USER ")" \
	" AND (lower(e.computer) = lower(" CMP ") OR lower(substr(e.computer, 1, length(" CMP ") + 1)) = lower(" CMP   \
	") || '.'"                                                                                                     \
	"  OR lower(substr(" CMP ", 1, length(e.computer) + 1)) = lower(e.computer) || '.')"

#endif
