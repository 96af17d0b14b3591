#include "evtx_fieldplan.h"

#include <string.h>

#include "nd_vec.h"

#define FP_DEPTH 16 /* elements inside elements a field plan follows */

/* Where an element is, as build_record reads it. */
enum fp_where {
	AT_DOCUMENT,   /* the document: an <Event> */
	AT_EVENT,      /* a child of <Event> */
	AT_SYSTEM,     /* a child of <System> */
	AT_EVENT_DATA, /* a child of <EventData> */
	AT_IGNORED     /* inside an element build_record does not read */
};

/* A compilation: the steps read and the field steps written. */
typedef struct fp_compile {
	const bx_op *ops;
	uint32_t count, i;
	const char *fixed;
	bx_fsteps *out;
	size_t text0; /* the block's start in out->text */
	uint32_t nsubst;
} fp_compile;

/* Cuts out->text back to len bytes. Returns nothing. */
static void cut_text(bx_fsteps *out, size_t len)
{
	out->text.len = len;
	if (out->text.data)
		out->text.data[len] = '\0';
}

/* Sets step f to take the fixed text t (of the definition's fixed text),
 * copied NUL-terminated into the block; empty text is none. Returns 0, or
 * -1 (out of memory). */
static int fixed_text(fp_compile *c, bx_fop *f, bx_str t)
{
	if (t.len == 0) {
		f->src = FS_NONE;
		return 0;
	}
	f->src = FS_FIXED;
	f->text.off = (uint32_t)(c->out->text.len - c->text0);
	f->text.len = t.len;
	if (nd_buf_append(&c->out->text, c->fixed + t.off, t.len) != 0 || nd_buf_reserve(&c->out->text, 1) != 0)
		return -1;
	c->out->text.data[++c->out->text.len] = '\0';
	return 0;
}

/* Appends a field step of kind, target and src, taking substitution and
 * text from op. Returns its index, or -1 (out of memory). */
static long push(fp_compile *c, uint8_t kind, uint8_t target, uint8_t src, const bx_op *op)
{
	bx_fop *f;

	if (nd_vec_reserve(&c->out->fops, &c->out->cap, c->out->n + 1, sizeof(*f)) != 0)
		return -1;
	f = &c->out->fops[c->out->n];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->target = target;
	f->src = src;
	if (src == FS_SUBST) {
		f->subst = op->subst;
		f->opt = op->opt;
		if ((uint32_t)op->subst + 1 > c->nsubst)
			c->nsubst = (uint32_t)op->subst + 1;
	} else if (src == FS_FIXED && fixed_text(c, f, op->text) != 0) {
		return -1;
	}
	return (long)c->out->n++;
}

/* Returns what the text of an element of role (enum bx_role) at where is
 * taken as (enum bx_ftarget). */
static uint8_t elem_target(int where, uint8_t role)
{
	static const uint8_t system[NM_COUNT] = {
	    [NM_PROVIDER] = FT_PROVIDER, [NM_TIME_CREATED] = FT_TIME, [NM_SECURITY] = FT_SECURITY,
	    [NM_EVENT_ID] = FT_EVENT_ID, [NM_VERSION] = FT_VERSION,   [NM_LEVEL] = FT_LEVEL,
	    [NM_TASK] = FT_TASK,         [NM_KEYWORDS] = FT_KEYWORDS, [NM_EVENT_RECORD_ID] = FT_RECORD_ID,
	    [NM_CHANNEL] = FT_CHANNEL,   [NM_COMPUTER] = FT_COMPUTER};

	if (where == AT_SYSTEM)
		return system[role];
	if (where == AT_EVENT_DATA && role == NM_DATA)
		return FT_DATA;
	if (where == AT_EVENT_DATA && role == NM_BINARY)
		return FT_BINARY;
	return FT_CHECK;
}

/* Returns what an attribute of role (enum bx_role) of an element taken as
 * elem (enum bx_ftarget) is taken as. */
static uint8_t attr_target(uint8_t elem, uint8_t role)
{
	switch (elem) {
	case FT_PROVIDER:
		return role == NM_NAME ? FT_NAME : role == NM_GUID ? FT_GUID : role == NM_EVENT_SOURCE_NAME ? FT_SOURCE : FT_CHECK;
	case FT_TIME:
		return role == NM_SYSTEM_TIME ? FT_SYSTEM_TIME : FT_CHECK;
	case FT_SECURITY:
		return role == NM_USER_ID ? FT_USER_ID : FT_CHECK;
	case FT_EVENT_ID:
		return role == NM_QUALIFIERS ? FT_QUALIFIERS : FT_CHECK;
	case FT_DATA:
		return role == NM_NAME ? FT_NAME : FT_CHECK;
	default:
		return FT_CHECK;
	}
}

static int element(fp_compile *c, int where, int depth);

/* Reads the children of the element open at c->i (after its attributes)
 * at where, depth elements deep, up to its OP_CLOSE; in <Event> (event) a
 * substitution is nested Binary XML. Returns 0, or -1 (no field plan). */
static int children(fp_compile *c, int where, int depth, int event)
{
	while (c->i < c->count) {
		const bx_op *op = &c->ops[c->i];

		if (op->kind == OP_CLOSE)
			return 0;
		if (op->kind == OP_OPEN) {
			if (element(c, where, depth) != 0)
				return -1;
		} else if (op->kind == OP_SUBST && event) {
			if (push(c, FK_NESTED, FT_CHECK, FS_SUBST, op) < 0)
				return -1;
			c->i++;
		} else {
			return -1; /* text mixed with elements */
		}
	}
	return -1;
}

/* Compiles the element whose OP_OPEN is at c->i, at where, depth elements
 * deep in the definition, up to and including its OP_CLOSE. Returns 0, or
 * -1 (no field plan). */
static int element(fp_compile *c, int where, int depth)
{
	const bx_op *open = &c->ops[c->i];
	uint8_t target = elem_target(where, open->name.role), seen = 0;
	size_t first = c->out->n, text = c->out->text.len;
	uint32_t nattrs = 0;
	long e;
	int inner;

	if (depth > FP_DEPTH || (where == AT_DOCUMENT && open->name.role != NM_EVENT) ||
	    (where == AT_EVENT && open->name.role == NM_USER_DATA))
		return -1;
	if ((e = push(c, FK_ELEM, target, FS_NONE, open)) < 0)
		return -1;
	for (c->i++; c->i < c->count; c->i++) {
		const bx_op *op = &c->ops[c->i];
		uint8_t at;

		if (op->kind != OP_ATTR_TEXT && op->kind != OP_ATTR_SUBST)
			break;
		at = attr_target(target, op->name.role);
		if (at != FT_CHECK) {
			/* build_record takes the first of a name: one of each */
			if (seen & (1u << (at - FT_NAME)))
				goto fail;
			seen |= (uint8_t)(1u << (at - FT_NAME));
		} else if (op->kind == OP_ATTR_TEXT) {
			continue; /* fixed text: nothing to render or check */
		}
		if (push(c, FK_ATTR, at, op->kind == OP_ATTR_TEXT ? FS_FIXED : FS_SUBST, op) < 0)
			goto fail;
		nattrs++;
	}
	if (c->i >= c->count)
		goto fail;
	if (c->ops[c->i].kind == OP_OPEN || (where == AT_DOCUMENT && c->ops[c->i].kind == OP_SUBST)) {
		/* an element with elements: only where build_record reads none
		 * of its text */
		if (where == AT_SYSTEM || target == FT_DATA || target == FT_BINARY)
			goto fail;
		inner = where == AT_DOCUMENT ? AT_EVENT
			: where == AT_EVENT && open->name.role == NM_SYSTEM ? AT_SYSTEM
			: where == AT_EVENT && open->name.role == NM_EVENT_DATA ? AT_EVENT_DATA
			: AT_IGNORED;
		if (children(c, inner, depth + 1, where == AT_DOCUMENT) != 0)
			goto fail;
	} else if (c->ops[c->i].kind == OP_SUBST) {
		/* one substitution, the whole text (several: text and typed
		 * values could mix, which the tree refuses) */
		const bx_op *op = &c->ops[c->i];

		if (where == AT_DOCUMENT || c->i + 1 >= c->count || c->ops[c->i + 1].kind != OP_CLOSE)
			goto fail;
		c->out->fops[e].src = FS_SUBST;
		c->out->fops[e].subst = op->subst;
		c->out->fops[e].opt = op->opt;
		if ((uint32_t)op->subst + 1 > c->nsubst)
			c->nsubst = (uint32_t)op->subst + 1;
		c->i++;
	} else if (c->ops[c->i].kind == OP_TEXT) {
		/* fixed pieces, one after the other in the fixed text */
		bx_str t = c->ops[c->i].text;
		int parts = 0;

		if (where == AT_DOCUMENT)
			goto fail;
		for (; c->i < c->count && c->ops[c->i].kind == OP_TEXT; c->i++, parts++) {
			if (parts && c->ops[c->i].text.off != t.off + t.len)
				goto fail;
			if (parts)
				t.len += c->ops[c->i].text.len;
		}
		if (c->i >= c->count || c->ops[c->i].kind != OP_CLOSE)
			goto fail;
		/* a single line feed renders as empty */
		if (!(parts == 1 && t.len == 1 && c->fixed[t.off] == '\n') && fixed_text(c, &c->out->fops[e], t) != 0)
			goto fail;
	}
	if (c->i >= c->count || c->ops[c->i].kind != OP_CLOSE)
		goto fail;
	c->i++;
	c->out->fops[e].nattrs = (uint16_t)nattrs;
	/* an element only checked, with nothing to check, is left out */
	if (target == FT_CHECK && nattrs == 0 && c->out->fops[e].src != FS_SUBST) {
		if (c->out->fops[e].src == FS_FIXED)
			cut_text(c->out, text); /* a leaf's: the last text */
		memmove(&c->out->fops[e], &c->out->fops[e + 1], (c->out->n - (size_t)e - 1) * sizeof(bx_fop));
		c->out->n--;
	}
	return 0;
fail:
	c->out->n = first;
	cut_text(c->out, text);
	return -1;
}

int nd_evtx_fieldplan_compile(const bx_op *ops, uint32_t count, const char *fixed, int ctx, bx_fsteps *out,
			      uint32_t *nsubst)
{
	fp_compile c;
	size_t first = out->n;

	c.ops = ops;
	c.count = count;
	c.i = 0;
	c.fixed = fixed;
	c.out = out;
	c.text0 = out->text.len;
	c.nsubst = 0;
	if (count == 0 || ops[0].kind != OP_OPEN ||
	    element(&c, ctx == FCTX_DOCUMENT ? AT_DOCUMENT : AT_EVENT, 0) != 0 || c.i != count) {
		out->n = first;
		cut_text(out, c.text0);
		return -1;
	}
	*nsubst = c.nsubst;
	return 0;
}
