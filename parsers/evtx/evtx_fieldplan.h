/* evtx_fieldplan: the steps of a compiled template definition (written by
 * evtx_binxml, docs/decoder.md "Template plans") and the field plan compiled
 * from them: which substitution or fixed text goes to which System value,
 * <Data> field or <Binary>, and which are only checked, so that a record of
 * that definition is taken into its nd_record straight from its values,
 * with no element tree (docs/decoder.md "Field plans").
 *
 * The compiler knows the structure build_record reads (Event, System and
 * its children, EventData and its Data and Binary) and nothing of values:
 * it fails on what a field plan cannot express (UserData, text mixed with
 * elements or with substitutions, a System child with elements, deep
 * nesting), and the decoder then builds the tree as before. What depends on
 * a record's values (a missing value, an array, nested Binary XML where
 * text is read) the decoder checks for each record.
 */
#ifndef ND_EVTX_FIELDPLAN_H
#define ND_EVTX_FIELDPLAN_H

#include <stddef.h>
#include <stdint.h>

#include "nd_buf.h"

/* A string in a buffer of the decoder: offset and length. */
typedef struct bx_str {
	uint32_t off, len;
} bx_str;

/* What the local part of a name is, among the names a record is taken by
 * (build_record); found once per name and chunk. */
enum bx_role {
	NM_OTHER,
	NM_EVENT,
	NM_SYSTEM,
	NM_EVENT_DATA,
	NM_USER_DATA,
	NM_PROVIDER,
	NM_TIME_CREATED,
	NM_SECURITY,
	NM_EVENT_ID,
	NM_VERSION,
	NM_LEVEL,
	NM_TASK,
	NM_KEYWORDS,
	NM_EVENT_RECORD_ID,
	NM_CHANNEL,
	NM_COMPUTER,
	NM_DATA,
	NM_BINARY,
	NM_NAME,
	NM_GUID,
	NM_EVENT_SOURCE_NAME,
	NM_SYSTEM_TIME,
	NM_USER_ID,
	NM_QUALIFIERS,
	NM_COUNT
};

/* A name in the decoder's names; its local part ("Data" of "e:Data")
 * starts local bytes in. */
typedef struct bx_name {
	uint32_t off, len, local;
	uint8_t role; /* enum bx_role of the local part */
} bx_name;

/* What a step of a compiled template definition does. */
enum bx_op_kind {
	OP_OPEN,       /* an element starts */
	OP_ATTR_TEXT,  /* an attribute with a fixed value (text) */
	OP_ATTR_SUBST, /* an attribute whose value is substitution subst */
	OP_TEXT,       /* a fixed piece of text: a value token, character or entity reference */
	OP_SUBST,      /* content from substitution subst */
	OP_CLOSE       /* the element ends; an array element repeats from its OP_OPEN */
};

/* One step of a compiled template definition: the definition's tokens as
 * read once, names and fixed text already converted. */
typedef struct bx_op {
	uint8_t kind;
	uint8_t opt;    /* the substitution token was an optional one (0x0e) */
	uint16_t subst; /* index of the substitution value */
	uint32_t jump;  /* OP_CLOSE: its OP_OPEN */
	bx_name name;
	bx_str text; /* in the decoder's fixed text */
} bx_op;

/* Where a definition's elements are: the whole document (an <Event>), or
 * children of <Event> (a nested EventData instance). */
enum bx_fctx { FCTX_DOCUMENT, FCTX_EVENT };

/* What a field step is. */
enum bx_fkind {
	FK_ELEM,  /* an element; its FK_ATTR steps follow */
	FK_ATTR,  /* an attribute of the element before */
	FK_NESTED /* nested Binary XML (a template instance) in <Event>: children of <Event> */
};

/* Where an element's text or an attribute's value goes (build_record). */
enum bx_ftarget {
	FT_CHECK,     /* nowhere: only rendered (a value it cannot render refuses the record) */
	FT_PROVIDER,  /* System/Provider: its attributes only */
	FT_TIME,      /* System/TimeCreated: its attribute only */
	FT_SECURITY,  /* System/Security: its attribute only */
	FT_EVENT_ID,  /* System/EventID */
	FT_VERSION,   /* System/Version */
	FT_LEVEL,     /* System/Level */
	FT_TASK,      /* System/Task */
	FT_KEYWORDS,  /* System/Keywords */
	FT_RECORD_ID, /* System/EventRecordID */
	FT_CHANNEL,   /* System/Channel */
	FT_COMPUTER,  /* System/Computer */
	FT_DATA,      /* EventData/Data: a field */
	FT_BINARY,    /* EventData/Binary */
	/* attributes */
	FT_NAME,       /* Provider/@Name, or Data/@Name (the field's name) */
	FT_GUID,       /* Provider/@Guid */
	FT_SOURCE,     /* Provider/@EventSourceName */
	FT_SYSTEM_TIME, /* TimeCreated/@SystemTime */
	FT_USER_ID,    /* Security/@UserID */
	FT_QUALIFIERS  /* EventID/@Qualifiers */
};

/* Where a step's text comes from. */
enum bx_fsrc {
	FS_NONE,  /* an element without content: "" */
	FS_FIXED, /* fixed text (text, in the decoder's fixed text) */
	FS_SUBST  /* substitution subst (opt: an optional one) */
};

/* One step of a field plan. */
typedef struct bx_fop {
	uint8_t kind;   /* enum bx_fkind */
	uint8_t target; /* enum bx_ftarget */
	uint8_t src;    /* enum bx_fsrc */
	uint8_t opt;
	uint16_t subst;
	uint16_t nattrs; /* FK_ELEM: the FK_ATTR steps after it */
	bx_str text; /* FS_FIXED: in the field plan's block of out->text */
} bx_fop;

/* Field steps, of any number of field plans, and their fixed texts. */
typedef struct bx_fsteps {
	bx_fop *fops;
	size_t n, cap;
	nd_buf text; /* the fixed texts of each field plan, one block each, every text NUL-terminated */
} bx_fsteps;

/* Compiles the steps ops[0..count) of a definition whose elements are in
 * context ctx (enum bx_fctx) into field steps appended to out; fixed is the
 * decoder's fixed text (a single line feed as the only text of an element
 * is empty, as in the tree). The fixed texts the steps take are appended
 * to out->text, NUL-terminated, as one block: a step's text.off counts from
 * the block's start (out->text.len before the call), so that a record
 * copies the block once. *nsubst: 1 + the highest substitution index the
 * steps read (0: none). Returns 0; -1 when a field plan cannot express
 * the definition, or out of memory (out is then as it was). */
int nd_evtx_fieldplan_compile(const bx_op *ops, uint32_t count, const char *fixed, int ctx, bx_fsteps *out,
			      uint32_t *nsubst);

#endif
