/* evtx_filter: decides from the raw Binary XML of a record, without
 * libevtx, which event it is: its EventID and its provider name.
 *
 * Windows writes every record as a template instance: a reference to a
 * template definition (kept once per chunk) plus an array of substitution
 * values. The filter walks each template definition once per chunk to learn
 * which substitution feeds <EventID> and which feeds Provider/@Name and
 * Provider/@EventSourceName, then reads just those values from each record's
 * value array. No XML is built. Records the filter cannot read (unusual
 * layouts) are reported as "unknown" and must be decoded in full: the
 * filter may let too much through, never too little.
 */
#ifndef ND_EVTX_FILTER_H
#define ND_EVTX_FILTER_H

#include <stddef.h>
#include <stdint.h>

#define ND_EVTX_FILTER_TEMPLATES 64
#define ND_EVTX_PROVIDER_MAX 128

/* Roles of the substitutions the filter reads. */
enum { ND_EVTX_SUB_EVENT_ID, ND_EVTX_SUB_PROVIDER, ND_EVTX_SUB_SOURCE };

/* What the filter learned about one template definition. */
typedef struct nd_evtx_template_info {
	uint32_t offset;  /* definition offset in the chunk */
	int event_id_sub; /* substitution index, -1 unknown */
	int provider_sub;
	int source_sub;
	int ok; /* 1 if the definition could be walked */
	/* The three by index, each index once (event id first, then provider,
	 * then source, where two share one), so a record's values are walked
	 * with one comparison each. */
	struct {
		int index, role;
	} subs[3];
	int nsubs;
} nd_evtx_template_info;

/* The provider or source name of the last record peeked in a chunk: its
 * raw value (chunk offset and size, 0 for none) and its folded text. */
typedef struct nd_evtx_peek_name {
	uint32_t off, size;
	char text[ND_EVTX_PROVIDER_MAX];
} nd_evtx_peek_name;

/* Per-chunk cache of template information and of the last names read;
 * reset for each chunk. */
typedef struct nd_evtx_filter {
	nd_evtx_template_info templates[ND_EVTX_FILTER_TEMPLATES];
	size_t count;
	nd_evtx_peek_name provider, source;
} nd_evtx_filter;

/* What the filter read from one record. */
typedef struct nd_evtx_peek {
	int known;         /* 1 when event_id was read */
	uint32_t event_id;
	const char *provider; /* ASCII-folded; "" when unknown (the filter's: valid until its next peek) */
	const char *source;   /* EventSourceName; "" when absent (likewise) */
	/* 1 when provider and source are those of the record peeked before in
	 * this chunk, byte for byte (their text was not converted again). */
	int same_names;
} nd_evtx_peek;

/* Forgets the templates of the previous chunk. Returns nothing. */
void nd_evtx_filter_reset(nd_evtx_filter *f);

/* Reads the EventID and provider of the record at rec_off (record size
 * rec_size) in chunk. Returns 1 when the event id is known (peek filled),
 * 0 when the record's layout is not understood. */
int nd_evtx_filter_peek(nd_evtx_filter *f, const uint8_t *chunk, uint32_t rec_off, uint32_t rec_size,
			nd_evtx_peek *peek);

#endif
