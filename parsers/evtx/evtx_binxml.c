#include "evtx_binxml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evtx_check.h"
#include "evtx_fieldplan.h"
#include "evtx_format.h"
#include "evtx_values.h"
#include "event_xml.h"
#include "nd_buf.h"
#include "nd_bytes.h"
#include "nd_time.h"
#include "nd_vec.h"

#define MAX_DEPTH 64    /* elements inside elements */
#define MAX_NESTING 8   /* Binary XML values inside values */
#define NAME_SLOTS 256  /* names of a chunk remembered, by offset */
#define PLAN_SLOTS 32   /* compiled template definitions of a chunk, by offset */
#define PLAN_OPS 8192   /* steps of the compiled definitions kept, at most */
#define KNOWN_SLOTS 32  /* compiled definitions kept across chunks, by GUID and size */
#define KNOWN_BYTES 65536 /* their copied bytes, at most (then all are dropped) */
#define FPLAN_SLOTS 64  /* field plans, by their definition's steps and context */

/* One substitution value of a template instance: where its data is. */
typedef struct bx_value {
	uint32_t off, size;
	uint8_t type;
} bx_value;

/* The values a template definition is walked with, and how elements start. */
typedef struct bx_scope {
	size_t base;    /* first value in bx->vals */
	uint32_t count; /* number of values */
	int dep_ids;    /* elements carry a dependency identifier */
	int nesting;    /* Binary XML values entered */
	int record;     /* the tokens read are a definition's being compiled */
	uint32_t fixed; /* a field plan's: where in bx->s its fixed texts are */
} bx_scope;

typedef struct bx_attr {
	bx_name name;
	bx_str value;
	uint32_t filetime; /* the chunk offset of the FILETIME value it renders, or 0 */
} bx_attr;

/* A compiled template definition: its steps, bx->ops[first..first+count). */
typedef struct bx_plan {
	uint32_t def; /* its chunk offset; 0: an empty slot */
	uint32_t first, count;
	size_t index; /* the record it was compiled for: usable for it and later ones */
} bx_plan;

/* A compiled definition kept across chunks (Windows writes the same
 * definition into each chunk, at another offset): its steps, and a copy of
 * its GUID, size and tokens to recognise it by. Its name references may
 * differ by the distance between the two offsets, nothing else. */
typedef struct bx_known {
	uint32_t def;         /* the chunk offset it was compiled at; */
	uint32_t size;        /* 0: an empty slot; else bytes copied from def + 4 */
	uint32_t first, count; /* its steps */
	uint32_t copy;        /* the copy, in bx->defs */
	uint32_t refs, nrefs; /* its name references (offsets from def), in bx->refs */
} bx_known;

/* A name reference in a known definition. */
typedef struct bx_ref {
	uint32_t at;  /* its offset from the definition's */
	int outside;  /* the name is not inside the definition: compared by its text */
	bx_name name; /* the name */
} bx_ref;

/* The field plan of a compiled definition's steps ops[first..first+count)
 * in a context (enum bx_fctx): bx->fsteps.fops[fop..fop+nfops). */
typedef struct bx_fplan_slot {
	uint32_t first, count;
	uint8_t ctx;
	uint8_t state; /* 0: an empty slot; 1: the steps have no field plan; 2: they have */
	uint32_t fop, nfops;
	uint32_t text, ntext; /* its fixed texts, in bx->fsteps.text */
	uint32_t nsubst;      /* values the field plan reads: 1 + the highest index */
} bx_fplan_slot;

/* A string the field plan takes into the record once its strings are
 * copied there: a System string (slot) or a field (named by name, or not). */
typedef struct bx_take {
	char **slot;
	int named;
	bx_str name, value;
} bx_take;

/* One element of the tree. Children are linked once complete. */
typedef struct bx_node {
	bx_name name;
	bx_str text;
	uint32_t attr, nattrs; /* attributes, consecutive in bx->attrs */
	int32_t first, last, next;
	int parts; /* pieces of text (values, references, substitutions) */
	int typed; /* a piece was not a string */
} bx_node;

struct nd_evtx_binxml {
	const uint8_t *chunk;
	const nd_evtx_chunk_walk *walk;
	size_t index; /* of the record being decoded */
	/* Per walked record: 0 not looked at yet, 1 its Binary XML passes
	 * nd_evtx_record_check, 2 it does not (libevtx is shown zeros there). */
	uint8_t checked[ND_EVTX_CHUNK_SIZE / ND_EVTX_RECORD_MIN_SIZE];
	uint32_t sound_from, sound_to; /* the last sound Binary XML range found, */
	size_t sound_index;            /* of this record */
	/* Names already read in this chunk (every record of a template reads
	 * the same ones): where in names their UTF-8 is, and the record they
	 * were first read for (a name is usable from there on). */
	struct {
		uint32_t off; /* 0: empty (no name is in the chunk header) */
		bx_name at;
		size_t index;
	} name[NAME_SLOTS];
	nd_buf names; /* every name read in this chunk, as UTF-8 */
	/* Template definitions compiled in this chunk (every record of a
	 * template walks the same definition): a record of a compiled one
	 * fills the steps with its values instead of reading the tokens. */
	bx_plan plan[PLAN_SLOTS];
	bx_op *ops;
	size_t nops, capops;
	nd_buf fixed;    /* fixed text of the steps, as UTF-8 */
	int recording;   /* a definition is being compiled */
	int record_lost; /* a step of it could not be kept */
	/* The definitions compiled in earlier chunks, their steps, fixed text
	 * and names kept (ops, fixed, names) until they grow past a bound. */
	bx_known known[KNOWN_SLOTS];
	nd_buf defs;     /* the known definitions' bytes */
	bx_ref *refs;    /* their name references */
	size_t nrefs, caprefs;
	int rec_names;    /* names read now are the tokens of the definition being compiled */
	uint32_t rec_def; /* the definition being compiled (recording): */
	uint32_t rec_end; /* its end, */
	size_t rec_refs;  /* its first name reference in refs, */
	int rec_lost;     /* and whether one of them could not be kept */
	/* The field plans of the compiled definitions (dropped with them):
	 * a record of one is taken into its nd_record with no tree. */
	bx_fplan_slot fplan[FPLAN_SLOTS];
	bx_fsteps fsteps;
	bx_take *takes;
	size_t ntakes, captakes;
	nd_buf s;        /* every name, attribute value and text of the record */
	char *base;      /* build_record: the record's copy of s */
	nd_buf path;     /* the UserData field name being built */
	bx_node *nodes;
	size_t nnodes, capnodes;
	bx_attr *attrs;
	size_t nattrs, capattrs;
	bx_value *vals;
	size_t nvals, capvals;
	int32_t root;
	char why[96];
};

nd_evtx_binxml *nd_evtx_binxml_new(void)
{
	return calloc(1, sizeof(nd_evtx_binxml));
}

void nd_evtx_binxml_free(nd_evtx_binxml *bx)
{
	if (!bx)
		return;
	nd_buf_free(&bx->s);
	nd_buf_free(&bx->names);
	nd_buf_free(&bx->fixed);
	free(bx->ops);
	nd_buf_free(&bx->defs);
	free(bx->refs);
	free(bx->fsteps.fops);
	nd_buf_free(&bx->fsteps.text);
	free(bx->takes);
	nd_buf_free(&bx->path);
	free(bx->nodes);
	free(bx->attrs);
	free(bx->vals);
	free(bx);
}

const char *nd_evtx_binxml_why(const nd_evtx_binxml *bx)
{
	return bx->why;
}

/* Notes why the record is refused. Returns -1. */
static int refuse(nd_evtx_binxml *bx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(nd_evtx_binxml *bx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(bx->why, sizeof(bx->why), fmt, ap);
	va_end(ap);
	return -1;
}

/* Returns a pointer to the string s (never NULL). */
static const char *str_at(const nd_evtx_binxml *bx, bx_str s)
{
	return bx->s.data ? bx->s.data + s.off : "";
}

/* Returns 1 if the len bytes at chunk offset off lie inside the Binary XML
 * of one record walked up to the one being decoded, which is sound, else
 * 0. Names and template definitions are only taken from there: elsewhere
 * (damage the walker skipped, space after the records) libevtx is shown
 * zeros. */
static int usable(nd_evtx_binxml *bx, uint32_t off, uint32_t len)
{
	const nd_evtx_record_ref *rec = bx->walk->records;
	size_t lo = 0, hi = bx->index + 1;
	char why[8];

	if (bx->sound_index <= bx->index && off >= bx->sound_from && off < bx->sound_to && len <= bx->sound_to - off)
		return 1;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (rec[mid].offset <= off)
			lo = mid;
		else
			hi = mid;
	}
	if (off < rec[lo].offset + ND_EVTX_RECORD_HEADER_SIZE || off >= rec[lo].offset + rec[lo].size - 4 ||
	    len > rec[lo].offset + rec[lo].size - 4 - off)
		return 0;
	if (!bx->checked[lo])
		bx->checked[lo] = nd_evtx_record_check(bx->chunk, rec[lo].offset, rec[lo].size, why, sizeof(why)) ? 2 : 1;
	if (bx->checked[lo] != 1)
		return 0;
	bx->sound_from = rec[lo].offset + ND_EVTX_RECORD_HEADER_SIZE;
	bx->sound_to = rec[lo].offset + rec[lo].size - 4;
	bx->sound_index = lo;
	return 1;
}

/* Returns the enum bx_role of the n bytes at s. */
static uint8_t role_of(const char *s, size_t n)
{
	static const char *const roles[NM_COUNT] = {
	    "",           "Event",    "System",    "EventData", "UserData", "Provider", "TimeCreated",
	    "Security",   "EventID",  "Version",   "Level",     "Task",     "Keywords", "EventRecordID",
	    "Channel",    "Computer", "Data",      "Binary",    "Name",     "Guid",     "EventSourceName",
	    "SystemTime", "UserID",   "Qualifiers"};
	uint8_t r;

	for (r = 1; r < NM_COUNT; r++)
		if (strlen(roles[r]) == n && memcmp(roles[r], s, n) == 0)
			return r;
	return NM_OTHER;
}

/* Returns the name structure at chunk offset off as *out, in bx->names:
 * read once per chunk (every record of a template reads the same names),
 * and taken from there for this record or a later one. Returns 0, or -1
 * (refused). */
static int name_at(nd_evtx_binxml *bx, uint32_t off, bx_name *out)
{
	size_t slot = (off / 2) % NAME_SLOTS;
	const char *colon;
	uint32_t n, i;

	if (bx->name[slot].off == off && off && bx->name[slot].index <= bx->index) {
		*out = bx->name[slot].at;
		return 0;
	}

	if ((size_t)off + 8 > ND_EVTX_CHUNK_SIZE)
		return refuse(bx, "name outside the chunk");
	n = nd_le16(bx->chunk + off + 6);
	if (n == 0)
		return refuse(bx, "empty name");
	if ((size_t)off + 10 + 2 * (size_t)n > ND_EVTX_CHUNK_SIZE)
		return refuse(bx, "name outside the chunk");
	/* libevtx reads up to the terminator, whatever the length says, and
	 * writes any name into its XML: keep to names that read back as one. */
	for (i = 0; i < n; i++) {
		uint16_t u = nd_le16(bx->chunk + off + 8 + 2 * i);

		if (u < 0x80 && !((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
				  u == '_' || u == '-' || u == '.' || u == ':'))
			return refuse(bx, "character U+%04X in a name", u);
	}
	if (nd_le16(bx->chunk + off + 8 + 2 * n) != 0)
		return refuse(bx, "name not terminated");
	if (!usable(bx, off, 10 + 2 * n))
		return refuse(bx, "name outside the records");
	out->off = (uint32_t)bx->names.len;
	if (nd_evtx_utf16_text(&bx->names, bx->chunk + off + 8, 2 * (size_t)n) != 0)
		return refuse(bx, "bad UTF-16 in a name");
	out->len = (uint32_t)(bx->names.len - out->off);
	colon = memchr(bx->names.data + out->off, ':', out->len);
	out->local = colon ? (uint32_t)(colon + 1 - (bx->names.data + out->off)) : 0;
	out->role = role_of(bx->names.data + out->off + out->local, out->len - out->local);
	bx->name[slot].off = off;
	bx->name[slot].at = *out;
	bx->name[slot].index = bx->index;
	return 0;
}

/* Returns name's text (never NULL). */
static const char *name_str(const nd_evtx_binxml *bx, bx_name name)
{
	return bx->names.data ? bx->names.data + name.off : "";
}

/* Reads a name reference at *pos (a chunk offset, the name structure
 * inline right behind it when it points there) into *out. Advances *pos.
 * Returns 0, or -1 (refused). */
static int read_name(nd_evtx_binxml *bx, uint32_t *pos, uint32_t end, bx_name *out)
{
	uint32_t off, at = *pos;
	bx_ref *ref;

	if (*pos + 4 > end)
		return refuse(bx, "name reference cut off");
	off = nd_le32(bx->chunk + *pos);
	*pos += 4;
	if (off == *pos) {
		if (*pos + 8 > end)
			return refuse(bx, "inline name cut off");
		*pos += 8 + 2 * ((uint32_t)nd_le16(bx->chunk + *pos + 6) + 1);
		if (*pos > end)
			return refuse(bx, "inline name cut off");
	} else if (off > *pos) {
		return refuse(bx, "name reference ahead of itself");
	}
	if (name_at(bx, off, out) != 0)
		return -1;
	/* a name of the definition being compiled, for known(); once (an
	 * array element is read again for each item) */
	if (!bx->rec_names || at < bx->rec_def || at >= bx->rec_end ||
	    (bx->nrefs > bx->rec_refs && at - bx->rec_def <= bx->refs[bx->nrefs - 1].at))
		return 0;
	if (nd_vec_reserve(&bx->refs, &bx->caprefs, bx->nrefs + 1, sizeof(*bx->refs)) != 0) {
		bx->rec_lost = 1;
		return 0;
	}
	ref = &bx->refs[bx->nrefs++];
	ref->at = at - bx->rec_def;
	/* the name inside the definition: compared with it */
	ref->outside = !(off >= bx->rec_def + 24 && off + 10 + 2 * (uint64_t)nd_le16(bx->chunk + off + 6) <= bx->rec_end);
	ref->name = *out;
	return 0;
}

/* Adds an element node. Returns its index, or -1 (refused). */
static int32_t new_node(nd_evtx_binxml *bx)
{
	bx_node *n;

	if (bx->nnodes >= 0x7fffffff || nd_vec_reserve(&bx->nodes, &bx->capnodes, bx->nnodes + 1, sizeof(*n)) != 0)
		return refuse(bx, "out of memory");
	n = &bx->nodes[bx->nnodes];
	memset(n, 0, sizeof(*n));
	n->attr = (uint32_t)bx->nattrs;
	n->first = n->last = n->next = -1;
	return (int32_t)bx->nnodes++;
}

/* Links a complete element to its parent (-1: the document, where only the
 * first element counts, as in libevtx). Returns 0, or -1 (refused). */
static int link_node(nd_evtx_binxml *bx, int32_t parent, int32_t idx)
{
	bx_node *p;

	if (parent < 0) {
		if (bx->root < 0)
			bx->root = idx;
		return 0;
	}
	p = &bx->nodes[parent];
	if (p->parts)
		return refuse(bx, "text and elements mixed");
	if (p->last >= 0)
		bx->nodes[p->last].next = idx;
	else
		p->first = idx;
	p->last = idx;
	return 0;
}

/* Starts a piece of text of element idx at the end of bx->s. Returns 0, or
 * -1 (refused). */
static int begin_part(nd_evtx_binxml *bx, int32_t idx, int typed)
{
	bx_node *n = &bx->nodes[idx];

	if (n->first >= 0)
		return refuse(bx, "text and elements mixed");
	if (n->parts == 0)
		n->text.off = (uint32_t)bx->s.len;
	else if ((size_t)n->text.off + n->text.len != bx->s.len)
		return refuse(bx, "text interrupted");
	n->parts++;
	n->typed |= typed;
	return 0;
}

/* Ends a piece of text of element idx. Returns 0, or -1 (refused). */
static int end_part(nd_evtx_binxml *bx, int32_t idx)
{
	bx_node *n = &bx->nodes[idx];

	n->text.len = (uint32_t)(bx->s.len - n->text.off);
	if (n->parts > 1 && n->typed)
		return refuse(bx, "typed value mixed with text");
	return 0;
}

/* Reads a value token (0x05) at *pos and appends its string to bx->s.
 * Returns 0, or -1 (refused). */
static int read_value_token(nd_evtx_binxml *bx, uint32_t *pos, uint32_t end)
{
	uint32_t n;

	if (*pos + 4 > end || bx->chunk[*pos + 1] != ND_EVTX_TYPE_STRING)
		return refuse(bx, "value token not a string");
	n = 2 * (uint32_t)nd_le16(bx->chunk + *pos + 2);
	*pos += 4;
	if (n > end - *pos)
		return refuse(bx, "value token cut off");
	if (nd_evtx_utf16_text(&bx->s, bx->chunk + *pos, n) != 0)
		return refuse(bx, "bad UTF-16 in a value token");
	*pos += n;
	return 0;
}

/* Returns value idx of scope sc, or NULL (refused). */
static const bx_value *subst_value(nd_evtx_binxml *bx, const bx_scope *sc, uint16_t idx)
{
	if (idx >= sc->count) {
		refuse(bx, "substitution %u of %u values", idx, sc->count);
		return NULL;
	}
	return &bx->vals[sc->base + idx];
}

/* Reads a substitution token at *pos; its index as *idx. Returns its value,
 * or NULL (refused). */
static const bx_value *read_subst(nd_evtx_binxml *bx, uint32_t *pos, uint32_t end, const bx_scope *sc, uint16_t *idx)
{
	if (*pos + 4 > end) {
		refuse(bx, "substitution cut off");
		return NULL;
	}
	*idx = nd_le16(bx->chunk + *pos + 1);
	*pos += 4;
	return subst_value(bx, sc, *idx);
}

/* Adds a step of kind to the definition being compiled, when sc is part of
 * it; the fixed text of the step is bx->s from offset from on. Returns the
 * step (its other members zero), or NULL: none wanted, or it could not be
 * kept (the compilation is then lost, not the record). */
static bx_op *emit(nd_evtx_binxml *bx, const bx_scope *sc, uint8_t kind, size_t from)
{
	bx_op *op;

	if (!sc->record || bx->record_lost)
		return NULL;
	if (bx->nops >= PLAN_OPS || nd_vec_reserve(&bx->ops, &bx->capops, bx->nops + 1, sizeof(*op)) != 0 ||
	    nd_buf_append(&bx->fixed, bx->s.data ? bx->s.data + from : "", bx->s.len - from) != 0) {
		bx->record_lost = 1;
		return NULL;
	}
	op = &bx->ops[bx->nops++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->text.len = (uint32_t)(bx->s.len - from);
	op->text.off = (uint32_t)(bx->fixed.len - op->text.len);
	return op;
}

/* Appends the text of a scalar value. Returns 0, or -1 (refused). */
static int value_text(nd_evtx_binxml *bx, uint8_t type, uint32_t off, uint32_t size)
{
	if (nd_evtx_value_text(&bx->s, type, bx->chunk + off, size) != 0)
		return refuse(bx, "value of type 0x%02x (%u bytes) not rendered", type, size);
	return 0;
}

static int read_element(nd_evtx_binxml *bx, uint32_t *pos, uint32_t end, const bx_scope *sc, int32_t parent,
			int depth);
static int read_fragment(nd_evtx_binxml *bx, uint32_t *pos, uint32_t end, const bx_scope *sc, int32_t parent,
			 int depth);
static int replay(nd_evtx_binxml *bx, uint32_t first, uint32_t count, const bx_scope *sc, int32_t parent, int depth);

/* Returns the slot of the compiled definition at chunk offset def. */
static bx_plan *plan_slot(nd_evtx_binxml *bx, uint32_t def)
{
	return &bx->plan[(def * 2654435761u) >> 27];
}

/* Returns the known definition slot for the definition at chunk offset
 * def, by its GUID and size (the same definition is smaller in a chunk
 * where its names were written before it). */
static bx_known *known_slot(nd_evtx_binxml *bx, uint32_t def)
{
	return &bx->known[((nd_le32(bx->chunk + def + 4) ^ nd_le32(bx->chunk + def + 20)) * 2654435761u) >> 27];
}

/* Finds the definition at chunk offset def, of dsize bytes of tokens,
 * among those compiled in earlier chunks (or earlier in this one at another
 * offset): the same GUID, size and tokens, its name references moved by
 * the distance between the offsets. Makes it this chunk's plan for def,
 * usable from the record being decoded on. Returns the plan, or NULL. */
static bx_plan *known(nd_evtx_binxml *bx, uint32_t def, uint32_t dsize)
{
	const bx_known *k = known_slot(bx, def);
	const uint8_t *c = bx->chunk + def, *copy;
	uint32_t at = 4, i;
	bx_plan *pl;

	/* an empty slot has size 0; before the first copy defs.data is NULL */
	if (k->size != 20 + dsize)
		return NULL;
	copy = (const uint8_t *)bx->defs.data + k->copy;
	for (i = k->refs; i < k->refs + k->nrefs; i++) {
		const bx_ref *ref = &bx->refs[i];
		uint32_t r = ref->at, off = nd_le32(c + r);
		bx_name name;

		if (memcmp(c + at, copy + at - 4, r - at) != 0)
			return NULL;
		at = r + 4;
		/* a name inside the definition, moved with it; or one elsewhere
		 * in the chunk (not inline: the tokens after the reference would
		 * be its). Either is read as the walk reads it: an inside name
		 * whose bytes cover a later reference changes with it. */
		if (ref->outside ? off >= def + at : off != nd_le32(copy + r - 4) - k->def + def)
			return NULL;
		if (name_at(bx, off, &name) != 0 || name.len != ref->name.len ||
		    memcmp(name_str(bx, name), name_str(bx, ref->name), name.len) != 0)
			return NULL;
	}
	if (memcmp(c + at, copy + at - 4, 24 + dsize - at) != 0)
		return NULL;
	pl = plan_slot(bx, def);
	pl->def = def;
	pl->first = k->first;
	pl->count = k->count;
	pl->index = bx->index;
	return pl;
}

/* Keeps the plan pl, just compiled from the dsize bytes of tokens of the
 * definition at chunk offset def, for later chunks, with its name
 * references refs[rec_refs..nrefs) (none lost: rec_lost); drops those
 * references otherwise. Returns nothing. */
static void keep_known(nd_evtx_binxml *bx, const bx_plan *pl, uint32_t def, uint32_t dsize)
{
	bx_known *k = known_slot(bx, def);
	size_t copy = bx->defs.len, refs = bx->rec_refs, n = bx->nrefs - bx->rec_refs;

	bx->nrefs = refs;
	if (bx->rec_lost || copy + 20 + dsize > KNOWN_BYTES || nd_buf_append(&bx->defs, bx->chunk + def + 4, 20 + dsize) != 0)
		return;
	/* the references stay where they are: the ones of the slot's former
	 * definition are dropped with everything at the next bound */
	bx->nrefs = refs + n;
	k->def = def;
	k->size = 20 + dsize;
	k->first = pl->first;
	k->count = pl->count;
	k->copy = (uint32_t)copy;
	k->refs = (uint32_t)refs;
	k->nrefs = (uint32_t)n;
}

/* Reads the head of a template instance at *pos: its definition (inline
 * or earlier in the chunk) as *def, with *dsize bytes of tokens, the plan
 * usable for it in this record as *plp (NULL: none yet), and its value
 * array, appended to bx->vals, as *sc (nesting Binary XML values deep).
 * Advances *pos past the values. Returns 0, or -1 (refused). */
static int instance_head(nd_evtx_binxml *bx, uint32_t *pos, uint32_t end, int nesting, bx_scope *sc, uint32_t *def,
			 uint32_t *dsize, bx_plan **plp)
{
	const uint8_t *c = bx->chunk;
	uint32_t p = *pos, count, data, i;
	bx_plan *pl;

	/* every output set, whatever is refused */
	sc->base = bx->nvals;
	sc->count = 0;
	sc->dep_ids = 1;
	sc->nesting = nesting;
	sc->record = 0;
	sc->fixed = 0;
	*def = *dsize = 0;
	*plp = NULL;
	if (p + 10 > end)
		return refuse(bx, "template instance cut off");
	*def = nd_le32(c + p + 6);
	p += 10;
	if (*def == p) {
		if (p + 24 > end || nd_le32(c + p + 20) > end - p - 24)
			return refuse(bx, "inline template definition cut off");
		p += 24 + nd_le32(c + p + 20);
	} else if (*def > p || *def < ND_EVTX_CHUNK_HEADER_SIZE || *def + 24 > end) {
		return refuse(bx, "template definition at 0x%x", *def);
	}
	*dsize = nd_le32(c + *def + 20);
	pl = plan_slot(bx, *def);
	/* A compiled definition was usable for an earlier record: it is for
	 * this one (usable() only widens with the index). */
	if (pl->def != *def || pl->index > bx->index)
		pl = NULL;
	if (*dsize > ND_EVTX_CHUNK_SIZE - *def - 24 || (!pl && !usable(bx, *def, 24 + *dsize)))
		return refuse(bx, "template definition outside the records");
	if (p + 4 > end)
		return refuse(bx, "value array cut off");
	count = nd_le32(c + p);
	p += 4;
	if (count > (end - p) / 4)
		return refuse(bx, "value count %u larger than the record", count);
	sc->count = count;
	if (nd_vec_reserve(&bx->vals, &bx->capvals, bx->nvals + count, sizeof(bx_value)) != 0)
		return refuse(bx, "out of memory");
	data = p + 4 * count;
	for (i = 0; i < count; i++) {
		bx_value *v = &bx->vals[bx->nvals++];

		v->size = nd_le16(c + p + 4 * i);
		v->type = c[p + 4 * i + 2];
		v->off = data;
		if (v->size > end - data)
			return refuse(bx, "value %u runs past its record", i);
		data += v->size;
	}
	*pos = data;
	*plp = pl;
	return 0;
}

/* Reads a template instance at *pos: its definition (inline or earlier in
 * the chunk) walked with its value array. Advances *pos past the values.
 * Returns 0, or -1 (refused). */
static int read_instance(nd_evtx_binxml *bx, uint32_t *pos, uint32_t end, int32_t parent, int nesting, int depth)
{
	uint32_t def, dsize, q;
	size_t first_op, first_fixed;
	bx_plan *pl;
	bx_scope sc;
	int rc;

	if (depth > MAX_DEPTH)
		return refuse(bx, "templates nested more than %d deep", MAX_DEPTH);
	if (instance_head(bx, pos, end, nesting, &sc, &def, &dsize, &pl) != 0)
		return -1;
	if (pl || (pl = known(bx, def, dsize))) {
		rc = replay(bx, pl->first, pl->count, &sc, parent, depth + 1);
		bx->nvals = sc.base;
		return rc;
	}
	/* Compiled while walked, one definition at a time (an instance in a
	 * value walked meanwhile waits for a later record). */
	first_op = bx->nops;
	first_fixed = bx->fixed.len;
	if (!bx->recording && bx->nops < PLAN_OPS) {
		bx->recording = sc.record = 1;
		bx->rec_names = 1;
		bx->record_lost = 0;
		bx->rec_def = def;
		bx->rec_end = def + 24 + dsize;
		bx->rec_refs = bx->nrefs;
		bx->rec_lost = 0;
	}
	q = def + 24;
	/* A definition may itself hold an instance of an earlier one, or of
	 * itself: each counts as a level, so a cycle ends at MAX_DEPTH. */
	rc = read_fragment(bx, &q, def + 24 + dsize, &sc, parent, depth + 1);
	bx->nvals = sc.base;
	if (sc.record) {
		bx->recording = bx->rec_names = 0;
		if (rc == 0 && !bx->record_lost) {
			pl = plan_slot(bx, def);
			pl->def = def;
			pl->first = (uint32_t)first_op;
			pl->count = (uint32_t)(bx->nops - first_op);
			pl->index = bx->index;
			keep_known(bx, pl, def, dsize);
		} else {
			bx->nops = first_op;
			bx->fixed.len = first_fixed;
			bx->nrefs = bx->rec_refs;
		}
	}
	return rc;
}

/* Reads a nested Binary XML value (type 0x21) into element parent. Returns
 * 0, or -1 (refused). */
static int read_nested(nd_evtx_binxml *bx, const bx_value *v, const bx_scope *sc, int32_t parent, int depth)
{
	uint32_t p = v->off, end = v->off + v->size;
	bx_scope inner = *sc;
	int names, rc;

	if (sc->nesting >= MAX_NESTING)
		return refuse(bx, "Binary XML nested more than %d deep", MAX_NESTING);
	inner.nesting++;
	inner.record = 0;
	if (v->size == 0)
		return refuse(bx, "empty Binary XML value");
	/* a value's names are not the definition's, even where a damaged
	 * record's value lies inside the definition's bytes */
	names = bx->rec_names;
	bx->rec_names = 0;
	switch (bx->chunk[p] & 0xbf) {
	case ND_EVTX_TOK_OPEN_START:
		inner.dep_ids = 0;
		rc = read_element(bx, &p, end, &inner, parent, depth);
		break;
	case ND_EVTX_TOK_FRAGMENT:
		inner.dep_ids = 1;
		rc = read_fragment(bx, &p, end, &inner, parent, depth);
		break;
	case ND_EVTX_TOK_TEMPLATE:
		rc = read_instance(bx, &p, end, parent, inner.nesting, depth);
		break;
	default:
		rc = refuse(bx, "Binary XML value starts with token 0x%02x", bx->chunk[p]);
	}
	bx->rec_names = names;
	return rc;
}

/* Ends the string at the end of bx->s with a NUL kept in it (build_record
 * takes the strings of the record from a copy of bx->s). Returns 0, or -1
 * (refused). */
static int terminate(nd_evtx_binxml *bx)
{
	if (bx->s.len + 1 >= bx->s.cap && nd_buf_reserve(&bx->s, 1) != 0)
		return refuse(bx, "out of memory");
	bx->s.data[++bx->s.len] = '\0';
	return 0;
}

/* Adds attribute name to element idx, its value bx->s from offset off on,
 * rendered from the FILETIME value at chunk offset filetime (0: none).
 * Returns 0, or -1 (refused). */
static int add_attr(nd_evtx_binxml *bx, int32_t idx, bx_name name, size_t off, uint32_t filetime)
{
	bx_attr a;

	a.name = name;
	a.filetime = filetime;
	a.value.off = (uint32_t)off;
	a.value.len = (uint32_t)(bx->s.len - off);
	/* an empty value needs no NUL of its own (it reads as the final one)
	 * and leaves the text being built unbroken */
	if ((a.value.len && terminate(bx) != 0) ||
	    nd_vec_reserve(&bx->attrs, &bx->capattrs, bx->nattrs + 1, sizeof(a)) != 0)
		return refuse(bx, "out of memory");
	bx->attrs[bx->nattrs++] = a;
	bx->nodes[idx].nattrs++;
	return 0;
}

/* Adds attribute name with the text of value v to element idx; without a
 * value an optional substitution (opt) drops it. Returns 0, or -1
 * (refused). */
static int attr_subst(nd_evtx_binxml *bx, int32_t idx, bx_name name, const bx_value *v, int opt)
{
	size_t off = bx->s.len;

	if (v->type == ND_EVTX_TYPE_NULL)
		return opt ? 0 : refuse(bx, "normal substitution without a value");
	if (value_text(bx, v->type, v->off, v->size) != 0)
		return -1;
	return add_attr(bx, idx, name, off, v->type == ND_EVTX_TYPE_FILETIME ? v->off : 0);
}

/* Reads one attribute at *pos into element idx (dropped when its optional
 * value is absent). Returns 0, or -1 (refused). */
static int read_attribute(nd_evtx_binxml *bx, uint32_t *pos, uint32_t end, const bx_scope *sc, int32_t idx)
{
	const bx_value *v;
	bx_name name;
	size_t off;
	uint16_t sub;
	uint8_t tok;
	bx_op *op;

	(*pos)++;
	if (read_name(bx, pos, end, &name) != 0)
		return -1;
	if (*pos >= end)
		return refuse(bx, "attribute value cut off");
	tok = bx->chunk[*pos] & 0xbf;
	switch (tok) {
	case ND_EVTX_TOK_VALUE:
		off = bx->s.len;
		if (read_value_token(bx, pos, end) != 0)
			return -1;
		if ((op = emit(bx, sc, OP_ATTR_TEXT, off)))
			op->name = name;
		return add_attr(bx, idx, name, off, 0);
	case ND_EVTX_TOK_SUBST:
	case ND_EVTX_TOK_OPT_SUBST:
		if (!(v = read_subst(bx, pos, end, sc, &sub)))
			return -1;
		if ((op = emit(bx, sc, OP_ATTR_SUBST, bx->s.len))) {
			op->name = name;
			op->subst = sub;
			op->opt = tok == ND_EVTX_TOK_OPT_SUBST;
		}
		return attr_subst(bx, idx, name, v, tok == ND_EVTX_TOK_OPT_SUBST);
	default:
		return refuse(bx, "attribute value token 0x%02x", bx->chunk[*pos]);
	}
}

/* Returns the character an entity name stands for, or 0. */
static uint32_t entity_char(const char *s, uint32_t n)
{
	static const struct {
		const char *name;
		char c;
	} ents[] = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
	size_t i;

	for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
		if (strlen(ents[i].name) == n && memcmp(ents[i].name, s, n) == 0)
			return (uint32_t)ents[i].c;
	return 0;
}

/* Takes value v of a substitution in the content of element idx (at
 * depth): without a value *result becomes 0 (libevtx then drops the
 * element, or refuses a normal substitution, !opt); nested Binary XML; one
 * item of an array (*arr: its position, the element repeats while it is
 * not 0; *arrays set); else the value's text. Returns 0, or -1 (refused). */
static int content_subst(nd_evtx_binxml *bx, const bx_value *v, int opt, const bx_scope *sc, int32_t idx, int depth,
			 int *result, uint32_t *arr, int *arrays)
{
	if (v->type == ND_EVTX_TYPE_NULL) {
		if (!opt)
			return refuse(bx, "normal substitution without a value");
		*result = 0;
		return 0;
	}
	*result = 1;
	if (v->type == ND_EVTX_TYPE_BINXML)
		return read_nested(bx, v, sc, idx, depth + 1);
	if (v->type & ND_EVTX_TYPE_ARRAY) {
		uint32_t item = 0, took;
		uint8_t base = v->type & (uint8_t)~ND_EVTX_TYPE_ARRAY;

		if (bx->nodes[idx].parts || bx->nodes[idx].first >= 0 || *arr >= v->size)
			return refuse(bx, "array substitution with other content");
		took = nd_evtx_array_item(v->type, bx->chunk + v->off + *arr, v->size - *arr, &item);
		if (!took)
			return refuse(bx, "array of type 0x%02x (%u bytes) not rendered", v->type, v->size);
		if (begin_part(bx, idx, base != ND_EVTX_TYPE_STRING) != 0 ||
		    value_text(bx, base, v->off + *arr, item) != 0 || end_part(bx, idx) != 0)
			return -1;
		*arr += took;
		if (*arr >= v->size)
			*arr = 0;
		*arrays = 1;
		return 0;
	}
	if (begin_part(bx, idx, v->type != ND_EVTX_TYPE_STRING) != 0 || value_text(bx, v->type, v->off, v->size) != 0 ||
	    end_part(bx, idx) != 0)
		return -1;
	return 0;
}

/* Reads the content of element idx after its start tag, up to and
 * including its end tag. *result: 0 when the last substitution had no
 * value (libevtx then drops the element); *arr: position in an array value
 * (the element repeats while it is not 0). Returns 0, or -1 (refused). */
static int read_content(nd_evtx_binxml *bx, uint32_t *pos, uint32_t end, const bx_scope *sc, int32_t idx, int depth,
			int *result, uint32_t *arr)
{
	const uint8_t *c = bx->chunk;
	const bx_value *v;
	int arrays = 0;
	uint16_t sub;
	bx_op *op;

	for (;;) {
		size_t from = bx->s.len;
		uint8_t tok;

		if (*pos >= end)
			return refuse(bx, "element not closed");
		tok = c[*pos];
		if (arrays && (tok & 0xbf) != ND_EVTX_TOK_END)
			return refuse(bx, "array substitution with other content");
		switch (tok & 0xbf) {
		case ND_EVTX_TOK_OPEN_START:
			if (read_element(bx, pos, end, sc, idx, depth + 1) != 0)
				return -1;
			break;
		case ND_EVTX_TOK_END:
			(*pos)++;
			return 0;
		case ND_EVTX_TOK_VALUE:
			if (begin_part(bx, idx, 0) != 0 || read_value_token(bx, pos, end) != 0 || end_part(bx, idx) != 0)
				return -1;
			emit(bx, sc, OP_TEXT, from);
			break;
		case ND_EVTX_TOK_CHARREF: {
			uint32_t ch;

			if (*pos + 3 > end)
				return refuse(bx, "character reference cut off");
			ch = nd_le16(c + *pos + 1);
			*pos += 3;
			if (ch == 0 || (ch >= 0xD800 && ch <= 0xDFFF))
				return refuse(bx, "character reference to U+%04X", ch);
			if (begin_part(bx, idx, 0) != 0 || nd_buf_append_utf8(&bx->s, ch) != 0 || end_part(bx, idx) != 0)
				return refuse(bx, "character reference");
			emit(bx, sc, OP_TEXT, from);
			break;
		}
		case ND_EVTX_TOK_ENTITYREF: {
			bx_name name;
			uint32_t ch;

			(*pos)++;
			if (read_name(bx, pos, end, &name) != 0)
				return -1;
			ch = entity_char(name_str(bx, name), name.len);
			if (!ch)
				return refuse(bx, "unknown entity");
			if (begin_part(bx, idx, 0) != 0 || nd_buf_append_utf8(&bx->s, ch) != 0 || end_part(bx, idx) != 0)
				return refuse(bx, "entity reference");
			emit(bx, sc, OP_TEXT, from);
			break;
		}
		case ND_EVTX_TOK_SUBST:
		case ND_EVTX_TOK_OPT_SUBST:
			if (!(v = read_subst(bx, pos, end, sc, &sub)))
				return -1;
			if ((op = emit(bx, sc, OP_SUBST, from))) {
				op->subst = sub;
				op->opt = (tok & 0xbf) == ND_EVTX_TOK_OPT_SUBST;
			}
			if (content_subst(bx, v, (tok & 0xbf) == ND_EVTX_TOK_OPT_SUBST, sc, idx, depth, result, arr,
					  &arrays) != 0)
				return -1;
			break;
		default:
			return refuse(bx, "token 0x%02x in element content", tok);
		}
	}
}

/* Ends element idx: a value that is a single line feed renders as empty
 * (as in libevtx), its text (the end of bx->s) gets its NUL, and the
 * element is linked to parent unless its last substitution had no value
 * (result 0). Returns 0, or -1 (refused). */
static int end_element(nd_evtx_binxml *bx, int32_t idx, int32_t parent, int result)
{
	bx_node *n = &bx->nodes[idx];

	if (n->parts) {
		/* the text is copied to the end of bx->s when something follows
		 * it there (a nested value whose elements were all dropped) */
		if ((size_t)n->text.off + n->text.len != bx->s.len) {
			if (nd_buf_reserve(&bx->s, n->text.len) != 0)
				return refuse(bx, "out of memory");
			memcpy(bx->s.data + bx->s.len, bx->s.data + n->text.off, n->text.len);
			n->text.off = (uint32_t)bx->s.len;
			bx->s.len += n->text.len;
			bx->s.data[bx->s.len] = '\0';
		}
		if (n->parts == 1 && n->text.len == 1 && bx->s.data[n->text.off] == '\n') {
			n->text.len = 0;
			bx->s.len = n->text.off;
			bx->s.data[bx->s.len] = '\0';
		}
		if (n->text.len && terminate(bx) != 0)
			return -1;
	}
	return result ? link_node(bx, parent, idx) : 0;
}

/* Reads an element at *pos (repeated once per item when its content is an
 * array substitution) into parent. Returns 0, or -1 (refused). */
static int read_element(nd_evtx_binxml *bx, uint32_t *pos, uint32_t end, const bx_scope *sc, int32_t parent,
			int depth)
{
	const uint8_t *c = bx->chunk;
	uint32_t arr = 0, p = *pos;
	bx_scope again = *sc;
	size_t open_at = bx->nops;
	bx_op *op;

	if (depth > MAX_DEPTH)
		return refuse(bx, "elements nested more than %d deep", MAX_DEPTH);
	/* The element is compiled once, not once per array item. */
	again.record = 0;
	do {
		uint32_t size, elem_end;
		uint8_t tok;
		int result = 1;
		int32_t idx;

		p = *pos;
		tok = c[p];
		p += sc->dep_ids ? 3u : 1u;
		if (p + 4 > end)
			return refuse(bx, "element cut off");
		size = nd_le32(c + p);
		p += 4;
		if (size > end - p)
			return refuse(bx, "element larger than its container");
		elem_end = p + size;
		if ((idx = new_node(bx)) < 0 || read_name(bx, &p, elem_end, &bx->nodes[idx].name) != 0)
			return -1;
		if ((op = emit(bx, sc, OP_OPEN, bx->s.len))) {
			op->name = bx->nodes[idx].name;
			open_at = bx->nops - 1;
		}
		if (tok & 0x40) {
			if (p + 4 > elem_end)
				return refuse(bx, "attribute list cut off");
			p += 4;
			while (p < elem_end && (c[p] & 0xbf) == ND_EVTX_TOK_ATTRIBUTE)
				if (read_attribute(bx, &p, elem_end, sc, idx) != 0)
					return -1;
		}
		if (p >= elem_end)
			return refuse(bx, "start tag not closed");
		if (c[p] == ND_EVTX_TOK_CLOSE_EMPTY) {
			p++;
		} else if (c[p] == ND_EVTX_TOK_CLOSE_START) {
			p++;
			if (read_content(bx, &p, elem_end, sc, idx, depth, &result, &arr) != 0)
				return -1;
		} else {
			return refuse(bx, "token 0x%02x after the attributes", c[p]);
		}
		if (p != elem_end)
			return refuse(bx, "element size does not match its content");
		if ((op = emit(bx, sc, OP_CLOSE, bx->s.len)))
			op->jump = (uint32_t)open_at;
		if (end_element(bx, idx, parent, result) != 0)
			return -1;
		sc = &again;
	} while (arr > 0);
	*pos = p;
	return 0;
}

/* Reads a fragment at *pos: its header, then a template instance or an
 * element. Returns 0, or -1 (refused). */
static int read_fragment(nd_evtx_binxml *bx, uint32_t *pos, uint32_t end, const bx_scope *sc, int32_t parent,
			 int depth)
{
	if (*pos + 5 > end || bx->chunk[*pos] != ND_EVTX_TOK_FRAGMENT)
		return refuse(bx, "no fragment header");
	*pos += 4;
	switch (bx->chunk[*pos] & 0xbf) {
	case ND_EVTX_TOK_TEMPLATE:
		/* A definition made of an instance is walked each time. */
		if (sc->record)
			bx->record_lost = 1;
		return read_instance(bx, pos, end, parent, sc->nesting, depth);
	case ND_EVTX_TOK_OPEN_START:
		return read_element(bx, pos, end, sc, parent, depth);
	default:
		return refuse(bx, "fragment starts with token 0x%02x", bx->chunk[*pos]);
	}
}

/* Appends the fixed text of step op to bx->s. Returns 0, or -1 (refused). */
static int append_fixed(nd_evtx_binxml *bx, const bx_op *op)
{
	if (nd_buf_append(&bx->s, bx->fixed.data ? bx->fixed.data + op->text.off : "", op->text.len) != 0)
		return refuse(bx, "out of memory");
	return 0;
}

/* Builds the elements of a compiled definition, the steps
 * bx->ops[first..first+count), with the values of sc into parent, as
 * read_fragment builds them from the definition's tokens, its first element
 * at depth. Returns 0, or -1 (refused, for the reason the walk gives). */
static int replay(nd_evtx_binxml *bx, uint32_t first, uint32_t count, const bx_scope *sc, int32_t parent, int depth)
{
	/* The open elements; st[0] stands for parent (the steps of a plan
	 * other than OP_OPEN are inside an element, as in the walk). */
	struct {
		int32_t idx;
		uint32_t arr;
		int result, arrays;
	} st[MAX_DEPTH + 2];
	const bx_value *v;
	uint32_t i, carry = 0;
	int top = 0;

	st[0].idx = parent;
	st[0].arr = 0;
	st[0].result = 1;
	st[0].arrays = 0;
	for (i = first; i < first + count; i++) {
		const bx_op *op = &bx->ops[i]; /* moved by a nested instance compiled in content_subst */
		int32_t idx = st[top].idx;
		size_t off = bx->s.len;

		if (st[top].arrays && op->kind != OP_CLOSE)
			return refuse(bx, "array substitution with other content");
		switch (op->kind) {
		case OP_OPEN:
			if (depth + top > MAX_DEPTH)
				return refuse(bx, "elements nested more than %d deep", MAX_DEPTH);
			if ((idx = new_node(bx)) < 0)
				return -1;
			bx->nodes[idx].name = op->name;
			top++;
			st[top].idx = idx;
			st[top].arr = carry;
			st[top].result = 1;
			st[top].arrays = 0;
			carry = 0;
			break;
		case OP_ATTR_TEXT:
			if (append_fixed(bx, op) != 0 || add_attr(bx, idx, op->name, off, 0) != 0)
				return -1;
			break;
		case OP_ATTR_SUBST:
			if (!(v = subst_value(bx, sc, op->subst)) || attr_subst(bx, idx, op->name, v, op->opt) != 0)
				return -1;
			break;
		case OP_TEXT:
			if (begin_part(bx, idx, 0) != 0 || append_fixed(bx, op) != 0 || end_part(bx, idx) != 0)
				return -1;
			break;
		case OP_SUBST:
			if (!(v = subst_value(bx, sc, op->subst)) ||
			    content_subst(bx, v, op->opt, sc, idx, depth + top - 1, &st[top].result, &st[top].arr,
					  &st[top].arrays) != 0)
				return -1;
			break;
		default: /* OP_CLOSE */
			top--;
			if (end_element(bx, idx, st[top].idx, st[top + 1].result) != 0)
				return -1;
			if (st[top + 1].arr > 0) {
				carry = st[top + 1].arr;
				i = op->jump - 1;
			}
			break;
		}
	}
	return 0;
}

/* Returns the local part of a name ("e:Data" -> "Data") as *s, *n. */
static void local_name(const nd_evtx_binxml *bx, bx_name name, const char **s, size_t *n)
{
	*s = name_str(bx, name) + name.local;
	*n = name.len - name.local;
}

/* Whether node idx's local name is the one of r (enum bx_role). */
#define NODE_IS(bx, idx, r) ((bx)->nodes[idx].name.role == (r))

/* Finds the first attribute of node idx whose local name is the one of
 * role (enum bx_role). Returns it, or NULL. */
static const bx_attr *attr(const nd_evtx_binxml *bx, int32_t idx, uint8_t role)
{
	const bx_node *node = &bx->nodes[idx];
	uint32_t i;

	for (i = 0; i < node->nattrs; i++)
		if (bx->attrs[node->attr + i].name.role == role)
			return &bx->attrs[node->attr + i];
	return NULL;
}

/* Returns string s of the complete tree in ev's copy of bx->s (bx->base),
 * NUL-terminated. */
static char *own(const nd_evtx_binxml *bx, bx_str s)
{
	return bx->base + (s.len ? s.off : bx->s.len);
}

/* Sets *slot, one of ev's System strings, to string s in ev's copy of
 * bx->s (no copy). Returns nothing. */
static void take(const nd_evtx_binxml *bx, nd_record *ev, bx_str s, char **slot)
{
	nd_record_set_own(ev, slot, own(bx, s));
}

/* Sets *slot, one of ev's System strings, to the attribute of node idx
 * named as role (enum bx_role) when present. Returns nothing. */
static void take_attr(const nd_evtx_binxml *bx, nd_record *ev, int32_t idx, uint8_t role, char **slot)
{
	const bx_attr *a = attr(bx, idx, role);

	if (a)
		take(bx, ev, a->value, slot);
}

/* Returns string s of the complete tree, an attribute value or an
 * element's text, NUL-terminated (add_attr, end_element). */
static const char *cstr(const nd_evtx_binxml *bx, bx_str s)
{
	return s.len ? bx->s.data + s.off : "";
}

/* Reads the n bytes at p as 1-19 decimal digits without a leading zero
 * ("0" alone included) or 0x and 1-16 hexadecimal digits: the numbers
 * values render as, which strtoull reads without overflow. Returns 0 and
 * sets *v, or -1 (anything else). */
static int plain_u64(const char *p, uint32_t n, uint64_t *v)
{
	uint64_t x = 0;
	uint32_t i;

	if (n > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && n <= 18) {
		for (i = 2; i < n; i++) {
			unsigned c = (unsigned char)p[i], lower = c | 0x20;

			if (c >= '0' && c <= '9')
				x = x << 4 | (c - '0');
			else if (lower >= 'a' && lower <= 'f')
				x = x << 4 | (lower - 'a' + 10);
			else
				return -1;
		}
		*v = x;
		return 0;
	}
	if (n == 0 || n > 19 || (p[0] == '0' && n > 1))
		return -1;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(p[i] - '0');
	}
	*v = x;
	return 0;
}

/* Parses an unsigned decimal or 0x-hex number with optional white space
 * around it, as event_xml does. Returns 0 and sets *v, or -1. */
static int text_u64(nd_evtx_binxml *bx, bx_str s, uint64_t *v)
{
	const char *p;
	char *stop;

	if (plain_u64(str_at(bx, s), s.len, v) == 0)
		return 0;
	p = cstr(bx, s);
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (!*p || *p == '-')
		return -1;
	errno = 0;
	*v = strtoull(p, &stop, 0);
	while (*stop == ' ' || *stop == '\t' || *stop == '\r' || *stop == '\n')
		stop++;
	return (*stop || errno) ? -1 : 0;
}

/* Sets *out from a small non-negative number; leaves it otherwise.
 * Returns nothing. */
static void text_int(nd_evtx_binxml *bx, bx_str s, int *out)
{
	uint64_t v;

	if (text_u64(bx, s, &v) == 0 && v <= 0x7fffffff)
		*out = (int)v;
}

/* Takes one child of <System> into ev. Returns 0, or -1 (refused). */
static int system_child(nd_evtx_binxml *bx, int32_t idx, nd_record *ev, int *have_id)
{
	const bx_node *n = &bx->nodes[idx];
	const bx_attr *a;
	uint64_t v;

	if (n->first >= 0)
		return refuse(bx, "System child with elements");
	if (NODE_IS(bx, idx, NM_PROVIDER)) {
		take_attr(bx, ev, idx, NM_NAME, &ev->provider);
		take_attr(bx, ev, idx, NM_GUID, &ev->provider_guid);
		take_attr(bx, ev, idx, NM_EVENT_SOURCE_NAME, &ev->source_name);
		return 0;
	}
	if (NODE_IS(bx, idx, NM_TIME_CREATED)) {
		if (!(a = attr(bx, idx, NM_SYSTEM_TIME)))
			return 0;
		/* a FILETIME's own ticks: its text (7 digits of fraction) reads
		 * back as them */
		if (a->filetime)
			ev->time = nd_time_from_filetime(nd_le64(bx->chunk + a->filetime));
		else if (nd_time_parse_iso(cstr(bx, a->value), &ev->time) != 0)
			return refuse(bx, "bad TimeCreated SystemTime");
		ev->has_time = 1;
		return 0;
	}
	if (NODE_IS(bx, idx, NM_SECURITY)) {
		take_attr(bx, ev, idx, NM_USER_ID, &ev->user_sid);
		return 0;
	}
	if (NODE_IS(bx, idx, NM_EVENT_ID)) {
		if ((a = attr(bx, idx, NM_QUALIFIERS)) && text_u64(bx, a->value, &v) == 0) {
			ev->qualifiers = (uint32_t)v;
			ev->has_qualifiers = 1;
		}
		if (text_u64(bx, n->text, &v) != 0 || v > 0xffffffffu)
			return refuse(bx, "bad EventID");
		ev->event_id = (uint32_t)v;
		*have_id = 1;
		return 0;
	}
	if (NODE_IS(bx, idx, NM_VERSION))
		text_int(bx, n->text, &ev->version);
	else if (NODE_IS(bx, idx, NM_LEVEL))
		text_int(bx, n->text, &ev->level);
	else if (NODE_IS(bx, idx, NM_TASK))
		text_int(bx, n->text, &ev->task);
	else if (NODE_IS(bx, idx, NM_KEYWORDS)) {
		if (text_u64(bx, n->text, &v) == 0)
			ev->keywords = v;
	} else if (NODE_IS(bx, idx, NM_EVENT_RECORD_ID)) {
		if (text_u64(bx, n->text, &v) == 0)
			ev->record_id = v;
	} else if (NODE_IS(bx, idx, NM_CHANNEL))
		take(bx, ev, n->text, &ev->channel);
	else if (NODE_IS(bx, idx, NM_COMPUTER))
		take(bx, ev, n->text, &ev->computer);
	return 0;
}

/* Adds a field of text t named name (NULL: unnamed), the name cut as
 * event_xml cuts it; both strings of bx->s, copied into ev (bx->base).
 * Returns 0, or -1 (refused). */
static int add_field(nd_evtx_binxml *bx, nd_record *ev, const bx_str *name, bx_str t)
{
	int rc;

	if (name && name->len > ND_XML_FIELD_NAME_MAX)
		rc = nd_record_add_field_n(ev, str_at(bx, *name), ND_XML_FIELD_NAME_MAX, str_at(bx, t), t.len);
	else
		rc = nd_record_add_field_own(ev, name ? own(bx, *name) : NULL, own(bx, t));
	return rc == 0 ? 0 : refuse(bx, "out of memory");
}

/* Takes the children of <EventData>: <Data> fields and <Binary>. Returns 0,
 * or -1 (refused). */
static int event_data(nd_evtx_binxml *bx, int32_t idx, nd_record *ev)
{
	int32_t k;

	for (k = bx->nodes[idx].first; k >= 0; k = bx->nodes[k].next) {
		int data = NODE_IS(bx, k, NM_DATA);

		if (!data && !NODE_IS(bx, k, NM_BINARY))
			continue;
		if (bx->nodes[k].first >= 0)
			return refuse(bx, "EventData element with elements");
		if (data) {
			const bx_attr *a = attr(bx, k, NM_NAME);

			if (add_field(bx, ev, a ? &a->value : NULL, bx->nodes[k].text) != 0)
				return -1;
		} else {
			take(bx, ev, bx->nodes[k].text, &ev->binary);
		}
	}
	return 0;
}

/* Adds a UserData field with the text v, named bx->path followed by the
 * n bytes at suffix, while the event has fewer than ND_XML_USERDATA_FIELDS
 * of them (*count). Returns 0, or -1 (refused). */
static int add_user_field(nd_evtx_binxml *bx, nd_record *ev, const char *suffix, size_t n, bx_str v, size_t *count)
{
	size_t keep = bx->path.len;
	int rc;

	if (*count >= ND_XML_USERDATA_FIELDS)
		return 0;
	(*count)++;
	if (nd_buf_append(&bx->path, suffix, n) != 0)
		return refuse(bx, "out of memory");
	rc = nd_record_add_field_n(ev, bx->path.data,
				   bx->path.len < ND_XML_FIELD_NAME_MAX ? bx->path.len : ND_XML_FIELD_NAME_MAX,
				   str_at(bx, v), v.len);
	bx->path.len = keep;
	return rc == 0 ? 0 : refuse(bx, "out of memory");
}

/* Takes the fields of element idx, depth levels below the UserData payload
 * element (0: that element), as event_xml takes them (event_xml.h): its
 * attributes as "Path/@attr", a leaf's text as "Path". Returns 0, or -1
 * (refused). */
static int user_data(nd_evtx_binxml *bx, int32_t idx, nd_record *ev, int depth, size_t *count)
{
	const bx_node *node = &bx->nodes[idx];
	size_t keep = bx->path.len, n;
	const char *s;
	uint32_t i;
	int32_t k;

	if (depth > ND_XML_USERDATA_DEPTH)
		return 0;
	local_name(bx, node->name, &s, &n);
	if (depth > 0) {
		if ((bx->path.len && nd_buf_append(&bx->path, "/", 1) != 0) || nd_buf_append(&bx->path, s, n) != 0)
			return refuse(bx, "out of memory");
		for (i = 0; i < node->nattrs; i++) {
			const bx_attr *a = &bx->attrs[node->attr + i];
			char suffix[ND_XML_FIELD_NAME_MAX + 3];
			const char *an;
			size_t al;

			if (nd_xml_is_xmlns(name_str(bx, a->name), a->name.len))
				continue;
			local_name(bx, a->name, &an, &al);
			if (al > ND_XML_FIELD_NAME_MAX)
				al = ND_XML_FIELD_NAME_MAX;
			memcpy(suffix, "/@", 2);
			memcpy(suffix + 2, an, al);
			if (add_user_field(bx, ev, suffix, al + 2, a->value, count) != 0)
				return -1;
		}
	}
	if (node->first < 0) {
		if (add_user_field(bx, ev, depth ? "" : s, depth ? 0 : n, node->text, count) != 0)
			return -1;
	} else {
		for (k = node->first; k >= 0; k = bx->nodes[k].next)
			if (user_data(bx, k, ev, depth + 1, count) != 0)
				return -1;
	}
	bx->path.len = keep;
	return 0;
}

/* Fills ev from the tree, the way event_xml reads libevtx's XML. Returns 0,
 * or -1 (refused). */
static int build_record(nd_evtx_binxml *bx, nd_record *ev)
{
	int32_t k, s, u;
	int have_id = 0;
	size_t count = 0;

	if (bx->root < 0 || !NODE_IS(bx, bx->root, NM_EVENT))
		return refuse(bx, "the document is not an <Event>");
	if (bx->nodes[bx->root].parts)
		return refuse(bx, "text in <Event>");
	/* the fields' names and values are taken from a copy of bx->s */
	if (!(bx->base = nd_record_room(ev, bx->s.len + 1)))
		return refuse(bx, "out of memory");
	memcpy(bx->base, bx->s.data ? bx->s.data : "", bx->s.len + 1);
	for (k = bx->nodes[bx->root].first; k >= 0; k = bx->nodes[k].next) {
		if (NODE_IS(bx, k, NM_SYSTEM)) {
			for (s = bx->nodes[k].first; s >= 0; s = bx->nodes[s].next)
				if (system_child(bx, s, ev, &have_id) != 0)
					return -1;
		} else if (NODE_IS(bx, k, NM_EVENT_DATA)) {
			if (event_data(bx, k, ev) != 0)
				return -1;
		} else if (NODE_IS(bx, k, NM_USER_DATA)) {
			for (u = bx->nodes[k].first; u >= 0; u = bx->nodes[u].next)
				if (user_data(bx, u, ev, 0, &count) != 0)
					return -1;
		}
	}
	if (!have_id)
		return refuse(bx, "no EventID");
	return 0;
}

/* Returns the field plan of plan pl's steps in context ctx (enum
 * bx_fctx), compiled the first time it is asked for, or NULL (the steps
 * have none). */
static const bx_fplan_slot *field_plan(nd_evtx_binxml *bx, const bx_plan *pl, uint8_t ctx)
{
	bx_fplan_slot *f = &bx->fplan[((pl->first * 2654435761u) ^ ctx) % FPLAN_SLOTS];
	size_t fop = bx->fsteps.n, text = bx->fsteps.text.len;
	uint32_t nsubst;

	if (f->state && f->first == pl->first && f->count == pl->count && f->ctx == ctx)
		return f->state == 2 ? f : NULL;
	f->first = pl->first;
	f->count = pl->count;
	f->ctx = ctx;
	f->state = 1;
	if (bx->fsteps.n < PLAN_OPS &&
	    nd_evtx_fieldplan_compile(bx->ops + pl->first, pl->count, bx->fixed.data, ctx, &bx->fsteps, &nsubst) == 0) {
		f->state = 2;
		f->fop = (uint32_t)fop;
		f->nfops = (uint32_t)(bx->fsteps.n - fop);
		f->text = (uint32_t)text;
		f->ntext = (uint32_t)(bx->fsteps.text.len - text);
		f->nsubst = nsubst;
	}
	return f->state == 2 ? f : NULL;
}

/* Gives the text of field step f with the values of sc as *out, a string
 * of bx->s, NUL-terminated unless empty, as the tree has it: a value
 * rendered at the end of bx->s (content: an element's text, where a single
 * line feed is empty), a fixed text where sc's are; *filetime (when not
 * NULL) becomes the chunk offset of a FILETIME value. Returns 1; 0 when an
 * optional substitution has no value; -1 when the tree would not take the
 * value as text (the field plan gives up). */
static int fp_text(nd_evtx_binxml *bx, const bx_fop *f, const bx_scope *sc, bx_str *out, uint32_t *filetime,
		   int content)
{
	size_t off = bx->s.len;
	const bx_value *v;

	if (f->src == FS_SUBST) {
		v = &bx->vals[sc->base + f->subst];
		if (v->type == ND_EVTX_TYPE_NULL)
			return f->opt ? 0 : -1;
		if ((v->type & ND_EVTX_TYPE_ARRAY) || v->type == ND_EVTX_TYPE_BINXML ||
		    nd_evtx_value_text(&bx->s, v->type, bx->chunk + v->off, v->size) != 0)
			return -1;
		if (filetime && v->type == ND_EVTX_TYPE_FILETIME)
			*filetime = v->off;
		if (content && bx->s.len - off == 1 && bx->s.data[off] == '\n') {
			bx->s.len = off;
			bx->s.data[off] = '\0';
		}
	} else if (f->src == FS_FIXED) {
		out->off = sc->fixed + f->text.off;
		out->len = f->text.len;
		return 1;
	}
	out->off = (uint32_t)off;
	out->len = (uint32_t)(bx->s.len - off);
	if (out->len && (bx->s.len + 1 >= bx->s.cap && nd_buf_reserve(&bx->s, 1) != 0))
		return -1;
	if (out->len)
		bx->s.data[++bx->s.len] = '\0';
	return 1;
}

/* Drops what bx->s holds from off on. Returns nothing. */
static void fp_drop(nd_evtx_binxml *bx, size_t off)
{
	bx->s.len = off;
	if (bx->s.data)
		bx->s.data[off] = '\0';
}

/* Notes that string value (of bx->s) goes to System string slot, or to a
 * field named name (NULL: unnamed) when slot is NULL, once the record's
 * strings are copied (room for it reserved by fp_instance). Returns
 * nothing. */
static void fp_take(nd_evtx_binxml *bx, char **slot, const bx_str *name, bx_str value)
{
	bx_take *t = &bx->takes[bx->ntakes++];

	t->slot = slot;
	t->named = name != NULL;
	if (name)
		t->name = *name;
	t->value = value;
}

static int fp_instance(nd_evtx_binxml *bx, uint32_t *pos, uint32_t end, int nesting, uint8_t ctx, nd_record *ev,
		       int *have_id);

/* A step's value: its text (a string of bx->s), or the number it reads
 * back as when it is an integer not rendered. */
typedef struct fp_val {
	bx_str text;
	int num; /* -1: text; 0: an integer whose text is no number (negative); 1: n */
	uint64_t n;
} fp_val;

/* Returns 1 if the text of a step of target (enum bx_ftarget) is only
 * read as a number or only checked, else 0. */
static int fp_numeric(uint8_t target)
{
	return target == FT_CHECK || (target >= FT_EVENT_ID && target <= FT_RECORD_ID) || target == FT_QUALIFIERS;
}

/* Gives the value of field step f with the values of sc as *out: an
 * integer that fp_numeric steps read as a number (or only check) as that
 * number, without its text; else as fp_text gives it (filetime, content
 * as there). Returns what fp_text returns. */
static int fp_value(nd_evtx_binxml *bx, const bx_fop *f, const bx_scope *sc, fp_val *out, uint32_t *filetime,
		    int content)
{
	if (f->src == FS_SUBST && fp_numeric(f->target)) {
		const bx_value *v = &bx->vals[sc->base + f->subst];

		if ((out->num = nd_evtx_value_u64(v->type, bx->chunk + v->off, v->size, &out->n)) >= 0) {
			out->text.off = (uint32_t)bx->s.len;
			out->text.len = 0;
			return 1;
		}
	}
	out->num = -1;
	return fp_text(bx, f, sc, &out->text, filetime, content);
}

/* Reads value v as an unsigned number, as text_u64 reads its text.
 * Returns 0 and sets *n, or -1. */
static int fp_u64(nd_evtx_binxml *bx, const fp_val *v, uint64_t *n)
{
	if (v->num < 0)
		return text_u64(bx, v->text, n);
	if (!v->num)
		return -1;
	*n = v->n;
	return 0;
}

/* Sets *out from value v when it is a small non-negative number, as
 * text_int does from its text; leaves it otherwise. Returns nothing. */
static void fp_int(nd_evtx_binxml *bx, const fp_val *v, int *out)
{
	if (v->num < 0)
		text_int(bx, v->text, out);
	else if (v->num && v->n <= 0x7fffffff)
		*out = (int)v->n;
}

/* Takes the element of field step f (its attributes the steps after it)
 * into ev as build_record takes it from the tree. Returns 0, or -1 (the
 * field plan gives up). */
static int fp_element(nd_evtx_binxml *bx, const bx_fop *f, const bx_scope *sc, nd_record *ev, int *have_id)
{
	fp_val a[FT_QUALIFIERS - FT_NAME + 1], text;
	uint8_t have = 0;
	uint32_t k, ft = 0;
	uint64_t v;
	int r;

	/* most elements are <Data>, named by a fixed text or not */
	if (f->target == FT_DATA && (f->nattrs == 0 || (f->nattrs == 1 && f[1].src == FS_FIXED))) {
		bx_str name = {0, 0};

		if ((r = fp_text(bx, f, sc, &text.text, NULL, 1)) <= 0)
			return r; /* without its value the element is dropped */
		if (f->nattrs) {
			name.off = sc->fixed + f[1].text.off;
			name.len = f[1].text.len;
		}
		fp_take(bx, NULL, f->nattrs ? &name : NULL, text.text);
		return 0;
	}
	for (k = 1; k <= f->nattrs; k++) {
		const bx_fop *at = &f[k];
		size_t off = bx->s.len;
		fp_val t;

		if ((r = fp_value(bx, at, sc, &t, at->target == FT_SYSTEM_TIME ? &ft : NULL, 0)) < 0)
			return -1;
		if (at->target == FT_CHECK)
			fp_drop(bx, off);
		else if (r) {
			a[at->target - FT_NAME] = t;
			have |= (uint8_t)(1u << (at->target - FT_NAME));
		}
	}
#define HAVE(t) (have & (1u << ((t) - FT_NAME)))
#define A(t) (a[(t) - FT_NAME].text)
	{
		size_t off = bx->s.len;

		if ((r = fp_value(bx, f, sc, &text, NULL, 1)) <= 0)
			return r; /* without its value the element is dropped */
		if (f->target == FT_CHECK)
			fp_drop(bx, off);
	}
	switch (f->target) {
	case FT_PROVIDER:
		if (HAVE(FT_NAME))
			fp_take(bx, &ev->provider, NULL, A(FT_NAME));
		if (HAVE(FT_GUID))
			fp_take(bx, &ev->provider_guid, NULL, A(FT_GUID));
		if (HAVE(FT_SOURCE))
			fp_take(bx, &ev->source_name, NULL, A(FT_SOURCE));
		break;
	case FT_TIME:
		if (!HAVE(FT_SYSTEM_TIME))
			break;
		/* a FILETIME's own ticks: its text (7 digits of fraction) reads
		 * back as them */
		if (ft)
			ev->time = nd_time_from_filetime(nd_le64(bx->chunk + ft));
		else if (nd_time_parse_iso(cstr(bx, A(FT_SYSTEM_TIME)), &ev->time) != 0)
			return -1;
		ev->has_time = 1;
		break;
	case FT_SECURITY:
		if (HAVE(FT_USER_ID))
			fp_take(bx, &ev->user_sid, NULL, A(FT_USER_ID));
		break;
	case FT_EVENT_ID:
		if (HAVE(FT_QUALIFIERS) && fp_u64(bx, &a[FT_QUALIFIERS - FT_NAME], &v) == 0) {
			ev->qualifiers = (uint32_t)v;
			ev->has_qualifiers = 1;
		}
		if (fp_u64(bx, &text, &v) != 0 || v > 0xffffffffu)
			return -1;
		ev->event_id = (uint32_t)v;
		*have_id = 1;
		break;
	case FT_VERSION:
		fp_int(bx, &text, &ev->version);
		break;
	case FT_LEVEL:
		fp_int(bx, &text, &ev->level);
		break;
	case FT_TASK:
		fp_int(bx, &text, &ev->task);
		break;
	case FT_KEYWORDS:
		if (fp_u64(bx, &text, &v) == 0)
			ev->keywords = v;
		break;
	case FT_RECORD_ID:
		if (fp_u64(bx, &text, &v) == 0)
			ev->record_id = v;
		break;
	case FT_CHANNEL:
		fp_take(bx, &ev->channel, NULL, text.text);
		break;
	case FT_COMPUTER:
		fp_take(bx, &ev->computer, NULL, text.text);
		break;
	case FT_DATA:
		fp_take(bx, NULL, HAVE(FT_NAME) ? &A(FT_NAME) : NULL, text.text);
		break;
	case FT_BINARY:
		fp_take(bx, &ev->binary, NULL, text.text);
		break;
	default:
		break;
	}
#undef HAVE
#undef A
	return 0;
}

/* Takes nested Binary XML, the value of field step f, as children of
 * <Event> (read_nested). Returns 0, or -1 (the field plan gives up). */
static int fp_nested(nd_evtx_binxml *bx, const bx_fop *f, const bx_scope *sc, nd_record *ev, int *have_id)
{
	const bx_value *v = &bx->vals[sc->base + f->subst];
	uint32_t p = v->off, end = v->off + v->size;

	if (v->type != ND_EVTX_TYPE_BINXML || v->size == 0 || sc->nesting + 1 >= MAX_NESTING)
		return -1;
	if ((bx->chunk[p] & 0xbf) == ND_EVTX_TOK_FRAGMENT) {
		if (p + 5 > end || bx->chunk[p] != ND_EVTX_TOK_FRAGMENT)
			return -1;
		p += 4;
	}
	if ((bx->chunk[p] & 0xbf) != ND_EVTX_TOK_TEMPLATE)
		return -1;
	return fp_instance(bx, &p, end, sc->nesting + 1, FCTX_EVENT, ev, have_id);
}

/* Takes a template instance at *pos (nesting Binary XML values deep, its
 * elements in context ctx) into ev through its definition's field plan.
 * Advances *pos past the values. Returns 0, or -1 (no plan or field plan,
 * or the field plan gives up). */
static int fp_instance(nd_evtx_binxml *bx, uint32_t *pos, uint32_t end, int nesting, uint8_t ctx, nd_record *ev,
		       int *have_id)
{
	const bx_fplan_slot *fp;
	uint32_t def, dsize, i, last;
	bx_plan *pl;
	bx_scope sc;
	int rc = 0;

	if (instance_head(bx, pos, end, nesting, &sc, &def, &dsize, &pl) != 0 ||
	    !(pl || (pl = known(bx, def, dsize))) || !(fp = field_plan(bx, pl, ctx)) || fp->nsubst > sc.count ||
	    nd_vec_reserve(&bx->takes, &bx->captakes, bx->ntakes + fp->nfops, sizeof(bx_take)) != 0)
		return -1;
	/* the fixed texts, NUL-terminated, copied in one piece */
	sc.fixed = (uint32_t)bx->s.len;
	if (fp->ntext && nd_buf_append(&bx->s, bx->fsteps.text.data + fp->text, fp->ntext) != 0)
		return -1;
	/* the slot may take a nested instance's field plan meanwhile */
	last = fp->fop + fp->nfops;
	for (i = fp->fop; rc == 0 && i < last; i++) {
		const bx_fop *f = &bx->fsteps.fops[i];

		if (f->kind == FK_NESTED) {
			/* the room reserved above counted the nested instance as one
			 * step; its takes may have used the rest: reserve again for
			 * the steps after it */
			rc = fp_nested(bx, f, &sc, ev, have_id);
			if (rc == 0 &&
			    nd_vec_reserve(&bx->takes, &bx->captakes, bx->ntakes + (last - i), sizeof(bx_take)) != 0)
				rc = -1;
		} else {
			rc = fp_element(bx, f, &sc, ev, have_id);
			i += f->nattrs;
		}
	}
	bx->nvals = sc.base;
	return rc;
}

/* Decodes the record whose Binary XML is at pos..end into ev through the
 * field plans of its definitions, with no tree: what build_record would
 * take from the tree. Returns 0, or -1 (the tree is built instead; ev is
 * then to be cleared). */
static int fp_record(nd_evtx_binxml *bx, uint32_t pos, uint32_t end, nd_record *ev)
{
	const uint8_t *c = bx->chunk;
	int have_id = 0;
	size_t i;

	bx->ntakes = 0;
	if (pos + 5 > end || c[pos] != ND_EVTX_TOK_FRAGMENT || (c[pos + 4] & 0xbf) != ND_EVTX_TOK_TEMPLATE)
		return -1;
	pos += 4;
	if (fp_instance(bx, &pos, end, 0, FCTX_DOCUMENT, ev, &have_id) != 0 || pos >= end ||
	    c[pos] != ND_EVTX_TOK_EOF || !have_id)
		return -1;
	if (!(bx->base = nd_record_room(ev, bx->s.len + 1)))
		return -1;
	memcpy(bx->base, bx->s.data ? bx->s.data : "", bx->s.len + 1);
	for (i = 0; i < bx->ntakes; i++) {
		const bx_take *t = &bx->takes[i];

		if (t->slot)
			nd_record_set_own(ev, t->slot, own(bx, t->value));
		else if (add_field(bx, ev, t->named ? &t->name : NULL, t->value) != 0)
			return -1;
	}
	return 0;
}

void nd_evtx_binxml_chunk(nd_evtx_binxml *bx, const uint8_t *chunk, const nd_evtx_chunk_walk *walk)
{
	bx->chunk = chunk;
	bx->walk = walk;
	memset(bx->checked, 0, sizeof(bx->checked));
	memset(bx->name, 0, sizeof(bx->name));
	memset(bx->plan, 0, sizeof(bx->plan));
	/* The known definitions stay with their steps and names while these
	 * leave room for the next chunk's. */
	if (bx->nops > PLAN_OPS / 2 || bx->names.len > KNOWN_BYTES || bx->fixed.len > KNOWN_BYTES ||
	    bx->defs.len > KNOWN_BYTES / 2 || bx->fsteps.n > PLAN_OPS / 2 ||
	    bx->fsteps.text.len > KNOWN_BYTES) {
		memset(bx->known, 0, sizeof(bx->known));
		memset(bx->fplan, 0, sizeof(bx->fplan));
		bx->fsteps.n = 0;
		nd_buf_reset(&bx->fsteps.text);
		nd_buf_reset(&bx->defs);
		bx->nrefs = 0;
		nd_buf_reset(&bx->names);
		bx->nops = 0;
		nd_buf_reset(&bx->fixed);
	}
	bx->sound_from = bx->sound_to = 0;
	bx->sound_index = 0;
}

int nd_evtx_binxml_decode(nd_evtx_binxml *bx, size_t index, nd_record *ev)
{
	const nd_evtx_record_ref *rec = &bx->walk->records[index];
	uint32_t pos = rec->offset + ND_EVTX_RECORD_HEADER_SIZE, end = rec->offset + rec->size - 4;
	bx_scope top = {0, 0, 1, 0, 0, 0};

	nd_record_clear(ev);
	bx->index = index;
	bx->why[0] = '\0';
	nd_buf_reset(&bx->s);
	bx->nnodes = bx->nattrs = bx->nvals = 0;
	bx->root = -1;
	nd_buf_reset(&bx->path);
	if (fp_record(bx, pos, end, ev) == 0)
		return 0;
	/* the tree, which refuses what the field plans give up on, or decodes it */
	nd_record_clear(ev);
	bx->why[0] = '\0';
	nd_buf_reset(&bx->s);
	bx->nvals = 0;
	if (read_fragment(bx, &pos, end, &top, -1, 0) != 0 || (pos >= end || bx->chunk[pos] != ND_EVTX_TOK_EOF
								       ? refuse(bx, "no end of the document")
								       : build_record(bx, ev)) != 0) {
		nd_record_reset(ev);
		return -1;
	}
	return 0;
}
