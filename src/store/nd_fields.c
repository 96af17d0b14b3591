#include "nd_fields.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_ascii.h"
#include "nd_crc32.h"
#include "nd_escape.h"

int nd_fields_encode(nd_buf *out, const nd_field *f, size_t n, int names)
{
	size_t i;

	nd_buf_reset(out);
	if (nd_buf_append(out, "[", 1))
		return -1;
	for (i = 0; i < n; i++) {
		const char *s = names ? f[i].name : f[i].value;
		size_t len = s ? strlen(s) : 0;
		char *o;

		/* a comma and the string, each byte escaped as \u00XX at worst */
		if (len > (SIZE_MAX - 8) / 6 || nd_buf_reserve(out, 6 * len + 8) != 0)
			return -1;
		o = out->data + out->len;
		if (i)
			*o++ = ',';
		if (s)
			o = nd_escape_json_sql(o, s, len);
		else {
			memcpy(o, "null", 4);
			o += 4;
		}
		out->len = (size_t)(o - out->data);
	}
	return nd_buf_append(out, "]", 1);
}

int nd_fields_encode_rest(nd_buf *out, const nd_field *f, size_t n, const int *col, const char *const *typed)
{
	size_t i;

	nd_buf_reset(out);
	for (i = 0; i < n; i++) {
		const char *v = f[i].value;
		size_t len;
		char *o;

		/* the typed row's text is mostly this very value */
		if (v && col && col[i] >= 0 && typed[col[i]] && (typed[col[i]] == v || strcmp(typed[col[i]], v) == 0))
			continue;
		len = v ? strlen(v) : 0;
		/* a brace or comma, the position, the string, the closing brace */
		if (len > (SIZE_MAX - 40) / 6 || nd_buf_reserve(out, 6 * len + 40) != 0)
			return -1;
		o = out->data + out->len;
		*o++ = out->len ? ',' : '{';
		o += snprintf(o, 24, "\"%zu\":", i);
		if (v)
			o = nd_escape_json_sql(o, v, len);
		else {
			memcpy(o, "null", 4);
			o += 4;
		}
		out->len = (size_t)(o - out->data);
	}
	return out->len ? nd_buf_append(out, "}", 1) : 0;
}

/* Returns p past JSON white space. */
static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* Reads 4 hex digits at p into *v. Returns 0, or -1. */
static int hex4(const char *p, uint32_t *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		uint32_t d = nd_ascii_hex(p[i]);

		if (d > 15)
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

/* Decodes the JSON string whose opening quote is at *p into out and moves
 * *p past its closing quote. Returns 0, or -1 when malformed or out of
 * memory. */
static int get_string(const char **p, nd_buf *out)
{
	const char *s = *p + 1, *run = s;

	for (;; s++) {
		uint32_t cp, lo;
		char c;

		if (*s == '\0')
			return -1;
		if (*s != '"' && *s != '\\')
			continue;
		if (nd_buf_append(out, run, (size_t)(s - run)) != 0)
			return -1;
		if (*s == '"')
			break;
		c = *++s;
		if (c == 'u') {
			if (hex4(s + 1, &cp) != 0)
				return -1;
			s += 4;
			if (cp >= 0xD800 && cp < 0xDC00 && s[1] == '\\' && s[2] == 'u' && hex4(s + 3, &lo) == 0 &&
			    lo >= 0xDC00 && lo < 0xE000) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				s += 6;
			}
			if (nd_buf_append_utf8(out, cp) != 0)
				return -1;
		} else {
			const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t", *at = c ? strchr(from, c) : NULL;

			if (!at || nd_buf_append(out, to + (at - from), 1) != 0)
				return -1;
		}
		run = s + 1;
	}
	*p = s + 1;
	return 0;
}

int nd_fields_next(const char **p, nd_buf *out, int *null)
{
	const char *s = skip_ws(*p), *e;

	nd_buf_reset(out);
	*null = 0;
	if (*s == '[') {
		s = skip_ws(s + 1);
		if (*s == ']') {
			*p = s;
			return 0;
		}
	} else if (*s == ',')
		s = skip_ws(s + 1);
	else
		return *s == ']' ? 0 : -1;
	if (*s == '"') {
		if (get_string(&s, out) != 0)
			return -1;
		*p = s;
		return 1;
	}
	for (e = s; *e && *e != ',' && *e != ']' && *e != ' ' && *e != '\t' && *e != '\n' && *e != '\r'; e++)
		if (*e == '[' || *e == '{' || *e == '"')
			return -1;
	if (e == s || nd_buf_append(out, s, (size_t)(e - s)) != 0)
		return -1;
	*null = strcmp(out->data, "null") == 0;
	if (*null)
		nd_buf_reset(out);
	*p = e;
	return 1;
}

int nd_fields_rest_next(const char **p, size_t *pos, nd_buf *out, int *null)
{
	const char *s = skip_ws(*p);
	char *end;

	nd_buf_reset(out);
	*null = 0;
	if (*s == '{') {
		s = skip_ws(s + 1);
		if (*s == '}') {
			*p = s;
			return 0;
		}
	} else if (*s == ',')
		s = skip_ws(s + 1);
	else
		return *s == '}' ? 0 : -1;
	if (*s != '"' || get_string(&s, out) != 0 || !out->len || out->data[0] < '0' || out->data[0] > '9')
		return -1;
	*pos = (size_t)strtoull(out->data, &end, 10);
	if (*end)
		return -1;
	s = skip_ws(s);
	if (*s != ':')
		return -1;
	s = skip_ws(s + 1);
	nd_buf_reset(out);
	if (strncmp(s, "null", 4) == 0) {
		*null = 1;
		s += 4;
	} else if (*s != '"' || get_string(&s, out) != 0)
		return -1;
	*p = s;
	return 1;
}

int nd_fields_typed_joins(nd_buf *b)
{
	const nd_family *const *f, *const *g;
	int rc = 0;

	for (f = nd_families(); *f && rc == 0; f++) {
		const char *sep = "";

		if (!(*f)->table || nd_family_table_seen(f))
			continue;
		rc = nd_buf_printf(b, "\n  LEFT JOIN %s t_%s ON t_%s.event_ref = e.id AND e.family IN (", (*f)->table,
				   (*f)->table, (*f)->table);
		for (g = f; *g && rc == 0; g++)
			if ((*g)->table && strcmp((*g)->table, (*f)->table) == 0) {
				rc = nd_buf_printf(b, "%s'%s'", sep, (*g)->name);
				sep = ", ";
			}
		rc = rc || nd_buf_printf(b, ")");
	}
	return rc;
}

/* Returns 1 when want wants one of the '|'-separated field names of spec,
 * else 0. */
static int spec_wanted(const char *spec, int (*want)(void *ctx, const char *name), void *ctx)
{
	char one[128];

	while (*spec) {
		const char *bar = strchr(spec, '|');
		size_t n = bar ? (size_t)(bar - spec) : strlen(spec);

		if (n < sizeof(one)) {
			memcpy(one, spec, n);
			one[n] = '\0';
			if (want(ctx, one))
				return 1;
		}
		spec += n + (bar ? 1 : 0);
	}
	return 0;
}

size_t nd_fields_typed_count(void)
{
	const nd_family *const *f;
	size_t n = 0;

	for (f = nd_families(); *f; f++)
		if ((*f)->table)
			n += (*f)->ncolumns;
	return n;
}

/* Returns where the nd_fields_typed_columns query reads column c (of
 * family *f) for a family before *f that has the same table and column of the
 * same type, or -1. */
static int read_already(const nd_family *const *f, const nd_column *c, const int *index)
{
	const nd_family *const *g;
	size_t i, k = 0;

	for (g = nd_families(); g != f; g++)
		for (i = 0; (*g)->table && i < (*g)->ncolumns; i++, k++)
			if (index[k] >= 0 && strcmp((*g)->table, (*f)->table) == 0 &&
			    strcmp((*g)->columns[i].name, c->name) == 0 && ((*g)->columns[i].type == ND_COL_TEXT) == (c->type == ND_COL_TEXT))
				return index[k];
	return -1;
}

int nd_fields_typed_columns(nd_buf *b, const char *table, const char *alias, int at,
			    int (*want)(void *ctx, const char *name), void *ctx, int *index)
{
	const nd_family *const *f;
	size_t i, k = 0;
	int rc = 0;

	for (f = nd_families(); *f && rc == 0; f++)
		for (i = 0; (*f)->table && i < (*f)->ncolumns && rc == 0; i++, k++) {
			const nd_column *c = &(*f)->columns[i];

			index[k] = -1;
			if (c->type == ND_COL_BINARY_LE32 || (table && strcmp((*f)->table, table) != 0) ||
			    !spec_wanted(c->field, want, ctx))
				continue;
			/* a column of a table another family shares, read already */
			if ((index[k] = read_already(f, c, index)) >= 0)
				continue;
			index[k] = at++;
			rc = nd_buf_printf(b, c->type == ND_COL_TEXT ? ", %s%s.%s" : ", CAST(%s%s.%s AS TEXT)",
					   table ? "" : "t_", table ? alias : (*f)->table, c->name);
		}
	return rc;
}

int nd_fields_typed_index(const int *index, const nd_family *fam, int c)
{
	const nd_family *const *f;
	size_t k = 0;

	for (f = nd_families(); *f && *f != fam; f++)
		if ((*f)->table)
			k += (*f)->ncolumns;
	return *f && fam->table && c >= 0 && (size_t)c < fam->ncolumns ? index[k + (size_t)c] : -1;
}

/* Empties slot i. Returns nothing. */
static void slot_clear(nd_fields_names *c, size_t i)
{
	free(c->slot[i].key);
	c->slot[i].key = NULL;
	c->slot[i].id = 0;
}

int nd_fields_names_key(nd_buf *out, const nd_field *f, size_t n)
{
	size_t j, len = 0;
	char *o;

	nd_buf_reset(out);
	for (j = 0; j < n; j++)
		len += 1 + (f[j].name ? strlen(f[j].name) + 1 : 0);
	if (nd_buf_reserve(out, len) != 0)
		return -1;
	o = out->data;
	for (j = 0; j < n; j++) {
		*o++ = f[j].name ? 1 : 0;
		if (f[j].name) {
			size_t m = strlen(f[j].name) + 1;

			memcpy(o, f[j].name, m);
			o += m;
		}
	}
	*o = '\0';
	out->len = len;
	return 0;
}

/* Remembers key (len bytes) as the key of the names of row id, in the next
 * slot (nothing when out of memory). Returns nothing. */
static void slot_fill(nd_fields_names *c, const char *key, size_t len, int64_t id)
{
	size_t i = c->next;
	char *k;

	c->next = (c->next + 1) % ND_FIELDS_SLOTS;
	slot_clear(c, i);
	if (!(k = malloc(len ? len : 1)))
		return;
	if (len)
		memcpy(k, key, len);
	c->slot[i].key = k;
	c->slot[i].len = len;
	c->slot[i].id = id;
}

int nd_fields_names_of(nd_fields_names *c, nd_db *db, const nd_field *f, size_t n, int64_t *id, nd_error *err)
{
	if (nd_fields_names_key(&c->key, f, n) != 0)
		return nd_error_set(err, "out of memory");
	return nd_fields_names_of_key(c, db, f, n, c->key.data, c->key.len, id, err);
}

int nd_fields_names_of_key(nd_fields_names *c, nd_db *db, const nd_field *f, size_t n, const char *key, size_t len,
			   int64_t *id, nd_error *err)
{
	uint32_t crc;
	size_t i;
	int rc;

	for (i = 0; i < ND_FIELDS_SLOTS; i++)
		if (c->slot[i].id && c->slot[i].len == len && (!len || memcmp(c->slot[i].key, key, len) == 0)) {
			*id = c->slot[i].id;
			return 0;
		}
	if (nd_fields_encode(&c->json, f, n, 1) != 0)
		return nd_error_set(err, "out of memory");
	crc = nd_crc32(0, (const uint8_t *)c->json.data, c->json.len);
	if ((!c->get && nd_db_prepare(db, "SELECT id FROM field_names WHERE crc = ? AND names = ?", ND_DB_PERSISTENT,
				      &c->get, "field_names", err)) ||
	    (!c->put && nd_db_prepare(db, "INSERT INTO field_names(crc, names) VALUES(?, ?) RETURNING id",
				      ND_DB_PERSISTENT, &c->put, "field_names", err)))
		return -1;
	if (nd_db_bind_int64(c->get, 1, crc, "field_names", err) ||
	    nd_db_bind_text(c->get, 2, c->json.data, "field_names", err))
		return -1;
	rc = nd_db_step(c->get, "field_names", err);
	if (rc == 1) {
		*id = nd_db_column_int64(c->get, 0);
		nd_db_reset(c->get);
	} else if (rc == 0) {
		if (nd_db_bind_int64(c->put, 1, crc, "field_names", err) ||
		    nd_db_bind_text(c->put, 2, c->json.data, "field_names", err) ||
		    (rc = nd_db_step(c->put, "field_names", err)) < 0)
			return -1;
		if (rc == 0)
			return nd_error_set(err, "database: field_names: no id returned");
		*id = nd_db_column_int64(c->put, 0);
		if (nd_db_step(c->put, "field_names", err) != 0)
			return -1;
	} else
		return -1;
	slot_fill(c, key, len, *id);
	return 0;
}

void nd_fields_names_forget(nd_fields_names *c)
{
	size_t i;

	for (i = 0; i < ND_FIELDS_SLOTS; i++)
		slot_clear(c, i);
}

void nd_fields_names_free(nd_fields_names *c)
{
	nd_fields_names_forget(c);
	nd_buf_free(&c->json);
	nd_buf_free(&c->key);
	nd_db_finalize(c->get);
	nd_db_finalize(c->put);
	c->get = c->put = NULL;
}
