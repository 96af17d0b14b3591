/* nd_record: one event log record, normalized, independent of the input
 * format it came from (an EVTX record rendered by libevtx, wevtutil XML, a
 * text log line): System values and fields, named or positional. Parsers
 * fill it and know nothing else; the event model (src/model) classifies it
 * into a family and names its positional fields; the store writes it. All
 * strings are UTF-8 and owned by the record. */
#ifndef ND_RECORD_H
#define ND_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "nd_buf.h"

typedef struct nd_field {
	char *name;  /* Data/@Name, a name given by a family layout, or NULL */
	char *value; /* never NULL; "" for an empty <Data/> */
} nd_field;

/* Where the names and values of a record's fields are kept (nd_record.c):
 * blocks that never move, freed together by nd_record_reset. */
typedef struct nd_record_block nd_record_block;

typedef struct nd_record {
	char *provider;      /* System/Provider/@Name */
	char *source_name;   /* System/Provider/@EventSourceName, or NULL */
	char *provider_guid; /* System/Provider/@Guid, or NULL */
	uint32_t event_id;   /* System/EventID (low 16 bits for classic events) */
	uint32_t qualifiers; /* System/EventID/@Qualifiers when has_qualifiers */
	int has_qualifiers;
	int version; /* System/Version, -1 when absent */
	int level;   /* System/Level, -1 when absent */
	int task;    /* System/Task, -1 when absent */
	uint64_t keywords;
	int64_t time; /* TimeCreated/@SystemTime in ticks (see nd_time.h) */
	int has_time;
	uint64_t record_id; /* System/EventRecordID */
	char *channel;
	char *computer;
	char *user_sid; /* System/Security/@UserID, or NULL */
	char *binary;   /* EventData/Binary as hex text, or NULL */
	nd_field *fields; /* their names and values live in strings: change them with nd_record_* only */
	size_t nfields;
	size_t capfields;
	nd_record_block *strings;
	/* Where the record came from; filled by the input parser. */
	int64_t file_offset;  /* -1 when unknown */
	int64_t written_time; /* EVTX record header time in ticks, 0 when unknown */
	/* What the record's consumer worked out from the fields and binary,
	 * on the thread that decoded the record (opaque here): emptied by every
	 * nd_record_* function that changes the fields, and by nd_record_clear
	 * and nd_record_reset. */
	nd_buf prepared;
} nd_record;

/* Sets every member to its empty value. Returns nothing. */
void nd_record_init(nd_record *ev);

/* Frees everything the event owns and re-initializes it. Returns nothing. */
void nd_record_reset(nd_record *ev);

/* Empties the event as nd_record_reset does, but keeps its array of fields
 * and one block of strings for the next record decoded into it (a reader
 * decoding record after record saves their allocations). Returns nothing. */
void nd_record_clear(nd_record *ev);

/* How a NUL inside a value is kept: U+2400 SYMBOL FOR NULL, in UTF-8 (the
 * decision for the whole project: the record stays, the NUL shows). */
#define ND_RECORD_NUL_SYMBOL "\xE2\x90\x80"

/* Replaces *slot with a copy of the n bytes at s, each NUL byte among them
 * written as ND_RECORD_NUL_SYMBOL. Returns 0, or -1 when out of memory. */
int nd_record_set_string(char **slot, const char *s, size_t n);

/* Appends a field; name may be NULL. Returns 0, or -1 when out of memory. */
int nd_record_add_field(nd_record *ev, const char *name, const char *value, size_t value_len);

/* Appends a field named by the name_len bytes at name (NULL: unnamed), for
 * a caller that knows the length. Returns 0, or -1 when out of memory. */
int nd_record_add_field_n(nd_record *ev, const char *name, size_t name_len, const char *value, size_t value_len);

/* Returns n bytes in ev's strings, kept until ev is cleared or reset, for
 * a parser that writes the names and values of its fields there itself
 * (nd_record_add_field_own), or NULL when out of memory. */
char *nd_record_room(nd_record *ev, size_t n);

/* Sets *slot, one of ev's System strings (provider ... binary), to p, a
 * NUL-terminated string in ev's strings (nd_record_room), without a copy;
 * what *slot held is freed unless it was there too. Such a string is
 * freed with its block, by nd_record_clear or nd_record_reset: set that
 * slot again with this function only (nd_record_set_string would free
 * it). Returns nothing. */
void nd_record_set_own(nd_record *ev, char **slot, char *p);

/* Appends a field whose name (NULL: unnamed) and value are NUL-terminated
 * strings in ev's strings (nd_record_room), taken as they are: no copy,
 * no NUL to rewrite. Returns 0, or -1 when out of memory. */
int nd_record_add_field_own(nd_record *ev, char *name, char *value);

/* Replaces the name of field i (i < nfields) with a copy of name. Returns
 * 0, or -1 when out of memory. */
int nd_record_set_field_name(nd_record *ev, size_t i, const char *name);

/* Replaces the value of field i (i < nfields) with a copy of the n bytes at
 * value, as nd_record_set_string copies them. Returns 0, or -1 when out of
 * memory. */
int nd_record_set_field_value(nd_record *ev, size_t i, const char *value, size_t n);

/* Returns the value of the first field called name, or NULL. */
const char *nd_record_field(const nd_record *ev, const char *name);

/* Gives the unnamed fields names from a layout: names[i] for field i while
 * both last; named fields keep their names. Returns 0, or -1 when out of
 * memory. */
int nd_record_name_fields(nd_record *ev, const char *const *names, size_t nnames);

/* Returns 1 if the event's provider or event source name equals name
 * (ASCII case-insensitive), else 0. */
int nd_record_provider_is(const nd_record *ev, const char *name);

#endif
