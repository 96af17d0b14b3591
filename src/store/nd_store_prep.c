#include "nd_store_prep.h"

#include <stdlib.h>
#include <string.h>

#include "nd_ascii.h"
#include "nd_buf.h"
#include "nd_fields.h"

#define LAYOUTS 8 /* layout entries */

/* Where the typed columns of fam's events whose field names have one key
 * take their fields from: the position of each column's field, -1 for
 * none; and the other way round, the column that gives back each
 * position's value (nd_family_column_of), -1 for none. */
typedef struct layout {
	const nd_family *fam; /* NULL: an empty entry */
	char *key;            /* nd_fields_names_key */
	size_t key_len;
	int32_t *pos; /* per column */
	int *col;     /* per position, or NULL: no value left to the typed row */
} layout;

struct nd_store_prep {
	layout layouts[LAYOUTS];
	size_t next;        /* the entry to fill next */
	nd_buf key;         /* of the record being prepared */
	nd_buf rest;        /* its values the typed row does not give back */
	nd_store_col *cols; /* per column: how it is bound */
	const char **typed; /* per column: the text the typed row gives back, or NULL */
	char (*codes)[12];  /* per column: a code as decimal text */
	size_t captyped;
};

/* The start of nd_record.prepared; the columns follow, then the key, then
 * the rest's JSON and its NUL. nfields and binary are the record's when
 * prepared: a record changed past nd_record_* is not taken for prepared. */
typedef struct head {
	const nd_family *fam;
	size_t ncol, key_len, rest_len; /* rest_len 0: no rest */
	size_t nfields;
	const char *binary;
} head;

nd_store_prep *nd_store_prep_new(void)
{
	return calloc(1, sizeof(nd_store_prep));
}

/* Empties a layout entry. Returns nothing. */
static void layout_clear(layout *l)
{
	free(l->key);
	free(l->pos);
	free(l->col);
	memset(l, 0, sizeof(*l));
}

void nd_store_prep_free(nd_store_prep *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < LAYOUTS; i++)
		layout_clear(&p->layouts[i]);
	nd_buf_free(&p->key);
	nd_buf_free(&p->rest);
	free(p->cols);
	free(p->typed);
	free(p->codes);
	free(p);
}

/* Returns the position of the first field called name (n bytes), or -1. */
static int32_t field_pos(const nd_record *ev, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < ev->nfields && i < INT32_MAX; i++)
		if (ev->fields[i].name && strncmp(ev->fields[i].name, name, n) == 0 && ev->fields[i].name[n] == '\0')
			return (int32_t)i;
	return -1;
}

/* Returns the position of the first present field among the '|'-separated
 * alternatives in spec, or -1. */
static int32_t field_of(const nd_record *ev, const char *spec)
{
	while (*spec) {
		const char *bar = strchr(spec, '|');
		size_t n = bar ? (size_t)(bar - spec) : strlen(spec);
		int32_t i = field_pos(ev, spec, n);

		if (i >= 0)
			return i;
		spec += n + (bar ? 1 : 0);
	}
	return -1;
}

/* Returns the layout of fam's events named as ev is (its key in p->key),
 * made once per key; NULL when out of memory. */
static const layout *layout_of(nd_store_prep *p, const nd_family *fam, const nd_record *ev)
{
	layout *l;
	size_t i;

	for (i = 0; i < LAYOUTS; i++)
		if (p->layouts[i].fam == fam && p->layouts[i].key_len == p->key.len &&
		    (!p->key.len || memcmp(p->layouts[i].key, p->key.data, p->key.len) == 0))
			return &p->layouts[i];
	l = &p->layouts[p->next];
	p->next = (p->next + 1) % LAYOUTS;
	layout_clear(l);
	if (!(l->key = malloc(p->key.len + 1)) || !(l->pos = malloc((fam->ncolumns + 1) * sizeof(*l->pos)))) {
		layout_clear(l);
		return NULL;
	}
	if (p->key.len)
		memcpy(l->key, p->key.data, p->key.len);
	l->key_len = p->key.len;
	for (i = 0; i < fam->ncolumns; i++)
		l->pos[i] = fam->columns[i].type == ND_COL_BINARY_LE32 ? -1 : field_of(ev, fam->columns[i].field);
	/* out of memory: every value stays in events.fields */
	if (fam->table && (l->col = malloc((ev->nfields + 1) * sizeof(*l->col))) != NULL)
		for (i = 0; i < ev->nfields; i++)
			l->col[i] = nd_family_column_of(fam, ev->fields[i].name);
	l->fam = fam;
	return l;
}

/* Reads hex text as a little-endian DWORD (its first 4 bytes). Returns 0
 * and sets *v, or -1. */
static int hex_le32(const char *hex, uint32_t *v)
{
	uint32_t x = 0;
	int i;

	if (!hex || strlen(hex) < 8)
		return -1;
	for (i = 0; i < 8; i++) {
		uint32_t d = nd_ascii_hex(hex[i]);

		if (d > 15)
			return -1;
		/* byte i/2 holds bits 8*(i/2); high nibble first */
		x |= d << (8 * (i / 2) + ((i & 1) ? 0 : 4));
	}
	*v = x;
	return 0;
}

/* Works out how column i of fam is bound for ev (l its layout) into *c,
 * and the text the typed row gives back for it into p->typed[i]. Returns
 * nothing. */
static void column(nd_store_prep *p, const nd_family *fam, const layout *l, const nd_record *ev, size_t i,
		   nd_store_col *c)
{
	const nd_column *col = &fam->columns[i];
	const char *v = l->pos[i] >= 0 ? ev->fields[l->pos[i]].value : NULL;

	memset(c, 0, sizeof(*c));
	p->typed[i] = NULL;
	if (col->type == ND_COL_BINARY_LE32) {
		if (hex_le32(ev->binary, &c->code) == 0)
			c->kind = ND_STORE_COL_CODE;
	} else if (col->type == ND_COL_TEXT) {
		if (v) {
			c->kind = ND_STORE_COL_TEXT;
			c->pos = l->pos[i];
		}
		p->typed[i] = v;
	} else if (v && nd_parse_code(v, &c->code) == 0) {
		c->kind = ND_STORE_COL_CODE;
		if (col->type == ND_COL_CODE) {
			*nd_ascii_decimal(p->codes[i], c->code) = '\0';
			p->typed[i] = p->codes[i];
		}
	}
}

/* Makes room in p for n columns. Returns 0, or -1 when out of memory. */
static int columns_room(nd_store_prep *p, size_t n)
{
	nd_store_col *b;
	const char **t;
	char(*c)[12];

	if (n <= p->captyped)
		return 0;
	if (!(b = realloc(p->cols, n * sizeof(*b))))
		return -1;
	p->cols = b;
	if (!(t = realloc(p->typed, n * sizeof(*t))))
		return -1;
	p->typed = t;
	if (!(c = realloc(p->codes, n * sizeof(*c))))
		return -1;
	p->codes = c;
	p->captyped = n;
	return 0;
}

int nd_store_prep_record(nd_store_prep *p, const nd_family *fam, nd_record *ev)
{
	size_t n = fam->ncolumns, i, size;
	const layout *l;
	char *d;
	head h;

	nd_buf_reset(&ev->prepared);
	if (nd_fields_names_key(&p->key, ev->fields, ev->nfields) != 0 || columns_room(p, n + 1) != 0 ||
	    !(l = layout_of(p, fam, ev)))
		return -1;
	for (i = 0; i < n; i++)
		column(p, fam, l, ev, i, &p->cols[i]);
	if (nd_fields_encode_rest(&p->rest, ev->fields, ev->nfields, l->col, p->typed) != 0)
		return -1;
	h.fam = fam;
	h.nfields = ev->nfields;
	h.binary = ev->binary;
	h.ncol = n;
	h.key_len = p->key.len;
	h.rest_len = p->rest.len;
	size = sizeof(h) + n * sizeof(*p->cols) + h.key_len + h.rest_len;
	if (nd_buf_reserve(&ev->prepared, size) != 0)
		return -1;
	d = ev->prepared.data;
	memcpy(d, &h, sizeof(h));
	memcpy(d + sizeof(h), p->cols, n * sizeof(*p->cols));
	if (h.key_len)
		memcpy(d + sizeof(h) + n * sizeof(*p->cols), p->key.data, h.key_len);
	if (h.rest_len)
		memcpy(d + size - h.rest_len, p->rest.data, h.rest_len);
	d[size] = '\0';
	ev->prepared.len = size;
	return 0;
}

int nd_store_prep_get(const nd_record *ev, const nd_family *fam, nd_store_prepared *out)
{
	const char *d = ev->prepared.data;
	head h;

	if (ev->prepared.len < sizeof(h))
		return 0;
	memcpy(&h, d, sizeof(h));
	if (h.fam != fam || h.nfields != ev->nfields || h.binary != ev->binary)
		return 0;
	out->cols = (const nd_store_col *)(const void *)(d + sizeof(h));
	out->key = d + sizeof(h) + h.ncol * sizeof(nd_store_col);
	out->key_len = h.key_len;
	out->rest = h.rest_len ? out->key + h.key_len : NULL;
	return 1;
}
