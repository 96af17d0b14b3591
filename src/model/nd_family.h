/* nd_family: the event families npsdiag keeps, one file each (fam_*.c).
 *
 * A family says which events it takes (providers and event ids), how to
 * name the unnamed fields of classic events (their layouts), and which
 * fields go into the columns of its typed table. The store builds the
 * table and its INSERT from this description, so adding a family or a
 * column is a change in one place.
 */
#ifndef ND_FAMILY_H
#define ND_FAMILY_H

#include <stddef.h>
#include <stdint.h>

#include "nd_record.h"

typedef enum nd_column_type {
	ND_COL_TEXT,      /* the field's text */
	ND_COL_CODE,      /* an error/reason code: decimal, negative decimal or 0x-hex, stored as an
			     unsigned 32-bit integer (HRESULTs as 0x8xxxxxxx) */
	ND_COL_BINARY_LE32 /* the event's <Binary> hex text read as a little-endian DWORD */
} nd_column_type;

typedef struct nd_column {
	const char *name;  /* SQL column name */
	const char *field; /* field name; alternatives separated by '|' */
	nd_column_type type;
	const char *doc; /* one line for docs/schema.md */
} nd_column;

typedef struct nd_family {
	const char *name;  /* stored in events.family */
	const char *table; /* typed table, or NULL for none */
	const char *const *providers; /* accepted Provider/@Name or EventSourceName, lower case */
	/* Returns 1 if the family takes this event id, else 0. */
	int (*wants)(uint32_t event_id);
	/* Names the unnamed fields of ev from the family's layouts. Returns 0,
	 * or -1 when out of memory. May be NULL. */
	int (*name_fields)(nd_record *ev);
	const nd_column *columns;
	size_t ncolumns;
	const char *doc;
	/* The family that logs the same NPS decisions (ND_EVENT_GRANTED,
	 * ND_EVENT_DENIED) from another log into the same typed table, so that
	 * a decision is stored once (nps_audit and nps_text name each other),
	 * or NULL. */
	const char *twin;
} nd_family;

/* The NPS decisions: granted and denied access. */
#define ND_EVENT_GRANTED 6272
#define ND_EVENT_DENIED 6273

/* Returns 1 when an event of family f with this id is an NPS decision
 * that the twin family's log may hold too, else 0. */
int nd_family_is_decision(const nd_family *f, uint32_t event_id);

/* Returns the NULL-terminated list of all families. */
const nd_family *const *nd_families(void);

/* Returns 1 when a family before *f in nd_families() has *f's typed table
 * (some families share one), else 0: code that goes through the tables
 * takes each once. */
int nd_family_table_seen(const nd_family *const *f);

/* Returns the family that takes an event with this provider name, event
 * source name (NULL or "" for none) and event id, names compared ASCII
 * case-insensitively, or NULL. An empty provider matches on the event id
 * alone (used when the raw filter could not read the provider). */
const nd_family *nd_family_match(const char *provider, const char *source, uint32_t event_id);

/* Returns the index of the column of f that gives back the text of a field
 * called name (compared exactly): the first ND_COL_TEXT column whose field
 * names it, else the first ND_COL_CODE column (as decimal text), else -1.
 * The store leaves out of events.fields the values such a column holds
 * (docs/schema.md), and the event_fields view reads them back from it. */
int nd_family_column_of(const nd_family *f, const char *name);

/* Returns the family that takes a parsed event, or NULL. */
const nd_family *nd_family_for_event(const nd_record *ev);

/* Parses a code as written in events: "853", "-2146762487", "0x800B0109".
 * Returns 0 and sets *code (unsigned 32-bit), or -1 if s is not a code. */
int nd_parse_code(const char *s, uint32_t *code);

/* Names the fields of a classic event whose first value may be a
 * connection id ("{GUID}" or "CoId={GUID}"): that one becomes "CoId" and
 * the rest are named from names[]. Returns 0, or -1 when out of memory. */
int nd_name_fields_after_coid(nd_record *ev, const char *const *names, size_t nnames);

#endif
