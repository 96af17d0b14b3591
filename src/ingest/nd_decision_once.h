/* nd_decision_once: the same NPS decision seen in the NPS server's
 * Security log (6272/6273, family nps_audit) and in its text accounting
 * log (family nps_text) is stored once: the first one ingested stays (the
 * stored events may already be referenced by diagnosis results, so none is
 * replaced; ingest the Security log first to keep its reason text and
 * 100 ns times).
 *
 * Two decisions are the same when they have the same event id (packet
 * type), NPS server (the text log's NetBIOS name is the first label of the
 * Security log's computer), user (FullyQualifiedSubjectUserName), reason
 * code, and times within one second of each other (the text log's
 * resolution, after its time zone is applied). */
#ifndef ND_DECISION_ONCE_H
#define ND_DECISION_ONCE_H

#include "nd_error.h"
#include "nd_family.h"
#include "nd_record.h"
#include "nd_store.h"

/* Before ev (of family fam, its fields named) is stored: looks for the
 * same decision stored from the other kind of log. *find is the look-up,
 * prepared on the first call that needs it (NULL before) and kept for the
 * next ones: preparing it was a third of an NPS server's ingest. The
 * caller finalizes it (nd_db_finalize) before closing s. Returns 1 when
 * ev must not be stored (already there), 0 when it must, -1 with err set
 * when the store failed. */
int nd_decision_once(nd_store *s, nd_stmt **find, const nd_family *fam, const nd_record *ev, nd_error *err);

/* For a text-log decision ev (its fields named, its time read as UTC):
 * calls each with ev's time minus that of every Security-log decision of
 * the same event id, server, user and reason code at most window ticks
 * away (64 at most): the candidates for the log's zone offset. Returns 0,
 * or -1 with err set when the store failed. */
int nd_decision_offsets(nd_store *s, const nd_record *ev, int64_t window, void (*each)(void *ctx, int64_t delta),
			void *ctx, nd_error *err);

#endif
