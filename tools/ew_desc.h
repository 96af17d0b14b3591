/* ew_desc: the event description format read by evtxwrite (documented in
 * docs/evtxwrite.md): file-level defaults, then `event PROVIDER ID` blocks
 * of `key value` lines, with `data [NAME[:TYPE]] = VALUE` fields. */
#ifndef EW_DESC_H
#define EW_DESC_H

#include <stddef.h>
#include <stdint.h>

#define EW_ERR_MAX 512

typedef enum ew_type {
	EW_STRING, /* 0x01 UTF-16 string */
	EW_SID,    /* 0x13 */
	EW_U8,     /* 0x04 */
	EW_U16,    /* 0x06 */
	EW_U32,    /* 0x08 */
	EW_U64,    /* 0x0a */
	EW_HEX32,  /* 0x14 */
	EW_HEX64,  /* 0x15 */
	EW_GUID,   /* 0x0f */
	EW_FILETIME /* 0x11 */
} ew_type;

typedef struct ew_data {
	char *name; /* NULL: an unnamed classic value */
	ew_type type;
	char *value; /* UTF-8, escapes resolved */
} ew_data;

typedef struct ew_event {
	char *provider;
	char *guid; /* NULL for classic sources */
	char *computer;
	char *channel;
	char *user; /* SID text or NULL */
	char *userdata; /* UserData payload element, or NULL: EventData */
	uint32_t event_id;
	int qualifiers; /* -1: absent */
	int version;    /* -1: absent */
	int level, task, opcode;
	uint64_t keywords;
	int has_keywords;
	uint32_t pid, tid;
	int64_t *times; /* 100 ns ticks since 1970: one copy per time */
	size_t ntimes;
	ew_data *data;
	size_t ndata;
	uint8_t *binary;
	size_t nbinary;
	int has_binary;
	unsigned repeat;     /* copies per time, at least 1 */
	int64_t repeat_step; /* ticks between those copies */
	int line;            /* where the block starts */
} ew_event;

typedef struct ew_desc {
	const char *path; /* as given to ew_desc_read, not owned */
	ew_event *events;
	size_t count;
	uint64_t first_record;
} ew_desc;

/* Parses the description file at path into d. Returns 0, or -1 with
 * "path:line: what" in err. */
int ew_desc_read(const char *path, ew_desc *d, char err[EW_ERR_MAX]);

/* Frees a description. Returns nothing. */
void ew_desc_free(ew_desc *d);

#endif
