#include "ew_chunk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILETIME_UNIX_EPOCH 116444736000000000LL
#define NSYS 18 /* values of the System template; the last is EventData */

/* Value types of Binary XML. */
enum {
	T_NULL = 0x00, T_STRING = 0x01, T_U8 = 0x04, T_U16 = 0x06, T_U32 = 0x08, T_U64 = 0x0a,
	T_GUID = 0x0f, T_FILETIME = 0x11, T_SID = 0x13, T_HEX32 = 0x14, T_HEX64 = 0x15,
	T_BINXML = 0x21, T_BINARY = 0x0e, T_STRING_ARRAY = 0x81
};

/* A cursor writing into the chunk; overflow is sticky and checked once. */
typedef struct cursor {
	ew_chunk *c;
	uint32_t p;
	int overflow;
	size_t nnames0; /* names known when the record began, to roll back */
} cursor;

static const uint8_t type_codes[] = {T_STRING, T_SID, T_U8, T_U16, T_U32, T_U64, T_HEX32, T_HEX64, T_GUID, T_FILETIME};

/* Writes n bytes at the cursor. Returns nothing (sets overflow). */
static void put(cursor *k, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (k->overflow || (size_t)k->p + n > EW_CHUNK_SIZE - 8) {
		k->overflow = 1;
		return;
	}
	memcpy(k->c->b + k->p, p, n);
	k->p += (uint32_t)n;
}

/* Little-endian writers at the cursor. Return nothing. */
static void put8(cursor *k, uint8_t v) { put(k, &v, 1); }
static void put16(cursor *k, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	put(k, b, 2);
}
static void put32(cursor *k, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	put(k, b, 4);
}
static void put64(cursor *k, uint64_t v)
{
	put32(k, (uint32_t)v);
	put32(k, (uint32_t)(v >> 32));
}

void ew_set32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}
void ew_set64(uint8_t *b, uint64_t v)
{
	ew_set32(b, (uint32_t)v);
	ew_set32(b + 4, (uint32_t)(v >> 32));
}

/* Little-endian loads at a chunk offset. Return the value. */
static uint32_t get32(const uint8_t *b) { return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24); }
static uint16_t get16(const uint8_t *b) { return (uint16_t)(b[0] | (b[1] << 8)); }
static uint64_t get64(const uint8_t *b) { return get32(b) | ((uint64_t)get32(b + 4) << 32); }

uint32_t ew_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
	static uint32_t table[256];
	size_t i;

	if (!table[1])
		for (i = 0; i < 256; i++) {
			uint32_t c = (uint32_t)i;
			int j;

			for (j = 0; j < 8; j++)
				c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	crc = ~crc;
	for (i = 0; i < n; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* Decodes one UTF-8 sequence at *s (advancing it). Returns the code point,
 * U+FFFD for a bad sequence. */
static uint32_t utf8_next(const char **s)
{
	const unsigned char *u = (const unsigned char *)*s;
	uint32_t cp;
	int n, i;

	if (u[0] < 0x80) {
		(*s)++;
		return u[0];
	}
	n = u[0] >= 0xF0 ? 3 : u[0] >= 0xE0 ? 2 : u[0] >= 0xC0 ? 1 : 0;
	cp = n == 3 ? u[0] & 0x07 : n == 2 ? u[0] & 0x0F : u[0] & 0x1F;
	for (i = 1; i <= n; i++) {
		if ((u[i] & 0xC0) != 0x80) {
			*s += i;
			return 0xFFFD;
		}
		cp = (cp << 6) | (u[i] & 0x3F);
	}
	*s += n ? n + 1 : 1;
	return n ? cp : 0xFFFD;
}

/* Writes a UTF-8 string as UTF-16LE (surrogate pairs outside the BMP).
 * Returns the number of UTF-16 units written. */
static uint32_t put_utf16(cursor *k, const char *s)
{
	uint32_t units = 0;

	while (*s) {
		uint32_t cp = utf8_next(&s);

		if (cp >= 0x10000) {
			cp -= 0x10000;
			put16(k, (uint16_t)(0xD800 + (cp >> 10)));
			put16(k, (uint16_t)(0xDC00 + (cp & 0x3FF)));
			units += 2;
		} else {
			put16(k, (uint16_t)cp);
			units++;
		}
	}
	return units;
}

/* Returns the number of UTF-16 units of a UTF-8 string. */
static uint32_t utf16_len(const char *s)
{
	uint32_t n = 0;

	while (*s)
		n += utf8_next(&s) >= 0x10000 ? 2 : 1;
	return n;
}

/* Writes a reference to a name: its offset, followed by the name itself
 * the first time it is used in the chunk (and entered in the name table).
 * Returns nothing. */
static void put_name(cursor *k, const char *name)
{
	ew_chunk *c = k->c;
	uint32_t hash = 0, off, bucket;
	const char *s;
	size_t i;

	for (i = 0; i < c->nnames; i++)
		if (!strcmp(c->names[i].utf8, name)) {
			put32(k, c->names[i].offset);
			return;
		}
	if (c->nnames == EW_MAX_NAMES) {
		k->overflow = 1;
		return;
	}
	off = k->p + 4;
	put32(k, off);
	for (s = name; *s;) {
		uint32_t cp = utf8_next(&s);

		hash = hash * 65599 + cp;
	}
	bucket = (hash & 0xffff) % 64;
	put32(k, get32(c->b + 128 + 4 * bucket)); /* next in bucket: the old head */
	put16(k, (uint16_t)hash);
	put16(k, (uint16_t)utf16_len(name));
	put_utf16(k, name);
	put16(k, 0);
	if (k->overflow)
		return;
	ew_set32(c->b + 128 + 4 * bucket, off);
	c->names[c->nnames].utf8 = strdup(name);
	if (!c->names[c->nnames].utf8) {
		k->overflow = 1;
		return;
	}
	c->names[c->nnames++].offset = off;
}

/* Opens an element: token, dependency id, a size patched by close_elem,
 * name, and (with attributes) an attribute-list size patched by
 * end_attrs. Returns the offset of the element's size field. */
static uint32_t open_elem(cursor *k, const char *name, int has_attrs)
{
	uint32_t size_at;

	put8(k, has_attrs ? 0x41 : 0x01);
	put16(k, 0xFFFF);
	size_at = k->p;
	put32(k, 0);
	put_name(k, name);
	if (has_attrs)
		put32(k, 0);
	return size_at;
}

/* Returns the offset of the attribute list size of the element opened at
 * size_at with name (call before the first attribute). */
static uint32_t attrs_at(cursor *k)
{
	return k->p - 4;
}

/* Writes an attribute name; more: more attributes follow. Returns nothing. */
static void attr(cursor *k, const char *name, int more)
{
	put8(k, more ? 0x46 : 0x06);
	put_name(k, name);
}

/* Writes an optional substitution token. Returns nothing. */
static void subst(cursor *k, uint16_t index, uint8_t type)
{
	put8(k, 0x0e);
	put16(k, index);
	put8(k, type);
}

/* Writes a literal string value token. Returns nothing. */
static void text(cursor *k, const char *s)
{
	put8(k, 0x05);
	put8(k, T_STRING);
	put16(k, (uint16_t)utf16_len(s));
	put_utf16(k, s);
}

/* Patches the attribute list size, measured from list_at + 4 to here.
 * Returns nothing. */
static void end_attrs(cursor *k, uint32_t list_at)
{
	if (!k->overflow)
		ew_set32(k->c->b + list_at, k->p - (list_at + 4));
}

/* Closes an element (empty: 0x03, else end tag 0x04 after the content)
 * and patches its size. Returns nothing. */
static void close_elem(cursor *k, uint32_t size_at, int empty)
{
	put8(k, empty ? 0x03 : 0x04);
	if (!k->overflow)
		ew_set32(k->c->b + size_at, k->p - (size_at + 4));
}

/* <name>{sub}</name>. Returns nothing. */
static void simple_elem(cursor *k, const char *name, uint16_t index, uint8_t type)
{
	uint32_t at = open_elem(k, name, 0);

	put8(k, 0x02);
	subst(k, index, type);
	close_elem(k, at, 0);
}

/* <name a1={s1} [a2={s2}]/>. Returns nothing. */
static void attr_elem(cursor *k, const char *name, const char *a1, uint16_t s1, uint8_t t1, const char *a2,
		      uint16_t s2, uint8_t t2)
{
	uint32_t at = open_elem(k, name, 1), list = attrs_at(k);

	attr(k, a1, a2 != NULL);
	subst(k, s1, t1);
	if (a2) {
		attr(k, a2, 0);
		subst(k, s2, t2);
	}
	end_attrs(k, list);
	put8(k, 0x03);
	if (!k->overflow)
		ew_set32(k->c->b + at, k->p - (at + 4));
}

/* The body of the System template (Computer is a literal in it). Returns
 * nothing. */
static void body_system(cursor *k, const ew_event *ev)
{
	uint32_t event_at, list, sys_at, at;

	event_at = open_elem(k, "Event", 1);
	list = attrs_at(k);
	attr(k, "xmlns", 0);
	text(k, "http://schemas.microsoft.com/win/2004/08/events/event");
	end_attrs(k, list);
	put8(k, 0x02);
	sys_at = open_elem(k, "System", 0);
	put8(k, 0x02);
	attr_elem(k, "Provider", "Name", 14, T_STRING, "Guid", 15, T_GUID);
	at = open_elem(k, "EventID", 1);
	list = attrs_at(k);
	attr(k, "Qualifiers", 0);
	subst(k, 4, T_U16);
	end_attrs(k, list);
	put8(k, 0x02);
	subst(k, 3, T_U16);
	close_elem(k, at, 0);
	simple_elem(k, "Version", 11, T_U8);
	simple_elem(k, "Level", 0, T_U8);
	simple_elem(k, "Task", 2, T_U16);
	simple_elem(k, "Opcode", 1, T_U8);
	simple_elem(k, "Keywords", 5, T_HEX64);
	attr_elem(k, "TimeCreated", "SystemTime", 6, T_FILETIME, NULL, 0, 0);
	simple_elem(k, "EventRecordID", 10, T_U64);
	attr_elem(k, "Correlation", "ActivityID", 7, T_GUID, "RelatedActivityID", 13, T_GUID);
	attr_elem(k, "Execution", "ProcessID", 8, T_U32, "ThreadID", 9, T_U32);
	simple_elem(k, "Channel", 16, T_STRING);
	at = open_elem(k, "Computer", 0);
	put8(k, 0x02);
	text(k, ev->computer);
	close_elem(k, at, 0);
	attr_elem(k, "Security", "UserID", 12, T_SID, NULL, 0, 0);
	close_elem(k, sys_at, 0);
	subst(k, 17, T_BINXML);
	close_elem(k, event_at, 0);
}

/* The body of an EventData template: named Data with one substitution
 * each (manifest events), or one string-array <Data> and a <Binary>
 * (classic events). Returns nothing. */
static void body_eventdata(cursor *k, const ew_event *ev)
{
	uint32_t ed_at = open_elem(k, "EventData", 0), at, list;
	size_t i;

	put8(k, 0x02);
	if (ev->ndata && ev->data[0].name) {
		for (i = 0; i < ev->ndata; i++) {
			at = open_elem(k, "Data", 1);
			list = attrs_at(k);
			attr(k, "Name", 0);
			text(k, ev->data[i].name);
			end_attrs(k, list);
			put8(k, 0x02);
			subst(k, (uint16_t)i, type_codes[ev->data[i].type]);
			close_elem(k, at, 0);
		}
	} else {
		simple_elem(k, "Data", 0, T_STRING_ARRAY);
		simple_elem(k, "Binary", 1, T_BINARY);
	}
	close_elem(k, ed_at, 0);
}

/* One element of a UserData payload being written. */
typedef struct ud_open {
	const char *name; /* the path segment, '+' dropped */
	size_t len;
	uint32_t size_at, list_at;
	int in_attrs; /* the start tag is open: attributes may follow */
	int has_kids; /* elements written inside */
} ud_open;

#define UD_MAX_DEPTH 32

/* Splits data name i of a UserData event into its element segments (in
 * seg[], starting at name, '/'-separated) and the attribute after "@", if
 * any. Returns the number of segments (at most UD_MAX_DEPTH). */
static size_t ud_split(const char *name, const char *seg[UD_MAX_DEPTH], size_t len[UD_MAX_DEPTH], const char **attr)
{
	size_t n = 0;
	const char *s = name;

	*attr = NULL;
	while (*s && n < UD_MAX_DEPTH) {
		const char *e = strchr(s, '/');
		size_t l = e ? (size_t)(e - s) : strlen(s);

		if (*s == '@') {
			*attr = s + 1;
			break;
		}
		seg[n] = s;
		len[n++] = l;
		if (!e)
			break;
		s = e + 1;
	}
	return n;
}

/* Returns 1 if segment s (l bytes, maybe with a leading '+') names the open
 * element o and does not ask for a new one, else 0. */
static int ud_same(const ud_open *o, const char *s, size_t l)
{
	return *s != '+' && o->len == l && memcmp(o->name, s, l) == 0;
}

/* Writes the name of segment s (l bytes, '+' dropped) into buf. Returns
 * buf. */
static const char *ud_name(char *buf, size_t n, const char *s, size_t l)
{
	if (*s == '+') {
		s++;
		l--;
	}
	snprintf(buf, n, "%.*s", (int)l, s);
	return buf;
}

/* Ends the start tag of the open element o, content to follow. Returns
 * nothing. */
static void ud_content(cursor *k, ud_open *o)
{
	if (o->in_attrs) {
		end_attrs(k, o->list_at);
		put8(k, 0x02);
		o->in_attrs = 0;
	}
}

/* Closes the open element o. Returns nothing. */
static void ud_close(cursor *k, ud_open *o)
{
	if (o->in_attrs) {
		end_attrs(k, o->list_at);
		close_elem(k, o->size_at, 1);
	} else {
		close_elem(k, o->size_at, 0);
	}
}

/* The body of a UserData template: <UserData><ROOT> (no namespace, as in
 * CAPI2's events) and the
 * elements the data names are paths of: "A/B/@attr" an attribute of B
 * inside A, "A/B" the text of B. Consecutive names share their open
 * elements; a segment written "+B" starts a new B, and so does an attribute
 * or text for an element whose content has begun. Every value is one
 * substitution. Returns nothing. */
static void body_userdata(cursor *k, const ew_event *ev)
{
	ud_open open[UD_MAX_DEPTH];
	size_t depth = 0, i, j;
	uint32_t ud_at = open_elem(k, "UserData", 0), root_at;
	char nm[256];

	put8(k, 0x02);
	root_at = open_elem(k, ev->userdata, 0);
	put8(k, 0x02);
	for (i = 0; i < ev->ndata; i++) {
		const char *seg[UD_MAX_DEPTH], *at, *nseg[UD_MAX_DEPTH], *nat;
		size_t len[UD_MAX_DEPTH], nlen[UD_MAX_DEPTH];
		size_t m = ud_split(ev->data[i].name, seg, len, &at), nm2 = 0;
		int more = 0;

		for (j = 0; j < depth && j < m && ud_same(&open[j], seg[j], len[j]); j++)
			;
		/* An attribute or text for an element already open goes there
		 * only while it can; else that element is repeated. */
		if (j == m && m == depth && m > 0 && ((at && !open[m - 1].in_attrs) || (!at && open[m - 1].has_kids)))
			j--;
		while (depth > j)
			ud_close(k, &open[--depth]);
		if (i + 1 < ev->ndata && at) {
			nm2 = ud_split(ev->data[i + 1].name, nseg, nlen, &nat);
			more = nat && nm2 == m;
			for (j = 0; more && j < m; j++)
				more = nseg[j][0] != '+' && nlen[j] == len[j] && memcmp(nseg[j], seg[j], len[j]) == 0;
		}
		while (depth < m) {
			ud_open *o = &open[depth];
			int attrs = at && depth + 1 == m;

			if (depth > 0) {
				ud_content(k, &open[depth - 1]);
				open[depth - 1].has_kids = 1;
			}
			o->name = seg[depth][0] == '+' ? seg[depth] + 1 : seg[depth];
			o->len = seg[depth][0] == '+' ? len[depth] - 1 : len[depth];
			o->size_at = open_elem(k, ud_name(nm, sizeof(nm), seg[depth], len[depth]), attrs);
			o->list_at = attrs ? attrs_at(k) : 0;
			o->in_attrs = attrs;
			o->has_kids = 0;
			if (!attrs)
				put8(k, 0x02);
			depth++;
		}
		if (at) {
			attr(k, at, more);
			subst(k, (uint16_t)i, type_codes[ev->data[i].type]);
		} else {
			ud_content(k, &open[depth - 1]);
			subst(k, (uint16_t)i, type_codes[ev->data[i].type]);
			ud_close(k, &open[--depth]);
		}
	}
	while (depth > 0)
		ud_close(k, &open[--depth]);
	close_elem(k, root_at, 0);
	close_elem(k, ud_at, 0);
}

/* Derives a template GUID from its shape key (FNV-1a, twice). Returns
 * nothing. */
static void key_guid(const char *key, uint8_t guid[16])
{
	uint64_t h1 = 1469598103934665603ULL, h2 = 1099511628211ULL * 31;
	const char *s;

	for (s = key; *s; s++) {
		h1 = (h1 ^ (uint8_t)*s) * 1099511628211ULL;
		h2 = (h2 ^ (uint8_t)*s) * 14029467366897019727ULL;
	}
	ew_set64(guid, h1);
	ew_set64(guid + 8, h2);
}

/* Writes a template instance for the template of key (body written by
 * body() when the template is new in this chunk). Returns nothing. */
static void instance(cursor *k, const char *key, void (*body)(cursor *, const ew_event *), const ew_event *ev)
{
	ew_chunk *c = k->c;
	uint8_t guid[16];
	uint32_t def, id, size_at, bucket;
	size_t i;

	key_guid(key, guid);
	id = get32(guid);
	put8(k, 0x0c);
	put8(k, 0x01);
	put32(k, id);
	for (i = 0; i < c->ntemplates; i++)
		if (!memcmp(c->templates[i].guid, guid, 16)) {
			put32(k, c->templates[i].offset);
			return;
		}
	if (c->ntemplates == EW_MAX_TEMPLATES) {
		k->overflow = 1;
		return;
	}
	def = k->p + 4;
	put32(k, def);
	bucket = id % 32;
	put32(k, get32(c->b + 384 + 4 * bucket)); /* next definition in the bucket */
	put(k, guid, 16);
	size_at = k->p;
	put32(k, 0);
	put8(k, 0x0f);
	put8(k, 0x01);
	put8(k, 0x01);
	put8(k, 0x00);
	body(k, ev);
	put8(k, 0x00); /* EOF */
	if (k->overflow)
		return;
	ew_set32(c->b + size_at, k->p - (size_at + 4));
	ew_set32(c->b + 384 + 4 * bucket, def);
	memcpy(c->templates[c->ntemplates].guid, guid, 16);
	c->templates[c->ntemplates++].offset = def;
}

/* One substitution value: type and bytes (pointing into scratch). */
typedef struct value {
	uint8_t type;
	uint32_t size;
	const uint8_t *p;
} value;

/* Scratch space for encoded values of one record. */
typedef struct scratch {
	uint8_t b[EW_CHUNK_SIZE];
	uint32_t n;
	int overflow;
} scratch;

/* Appends bytes to the scratch. Returns where they start. */
static uint8_t *sput(scratch *s, const void *p, size_t n)
{
	uint8_t *at = s->b + s->n;

	if (s->overflow || s->n + n > sizeof(s->b)) {
		s->overflow = 1;
		return s->b;
	}
	memcpy(at, p, n);
	s->n += (uint32_t)n;
	return at;
}

/* Encodes an integer value of width bytes. Returns the value. */
static value v_int(scratch *s, uint8_t type, uint64_t v, int width)
{
	uint8_t b[8];
	value r;

	ew_set64(b, v);
	r.type = type;
	r.size = (uint32_t)width;
	r.p = sput(s, b, (size_t)width);
	return r;
}

/* Encodes a UTF-8 string as UTF-16 (array: NUL-terminated items, items
 * separated in the input by the separator byte sep, 0 for none). Returns
 * the value. */
static value v_string(scratch *s, const char *str, uint8_t type)
{
	value r;
	uint32_t start = s->n;

	r.type = type;
	while (*str) {
		uint32_t cp = utf8_next(&str);
		uint8_t b[4];

		if (cp >= 0x10000) {
			cp -= 0x10000;
			b[0] = (uint8_t)(0xD800 + (cp >> 10));
			b[1] = (uint8_t)((0xD800 + (cp >> 10)) >> 8);
			b[2] = (uint8_t)(0xDC00 + (cp & 0x3FF));
			b[3] = (uint8_t)((0xDC00 + (cp & 0x3FF)) >> 8);
			sput(s, b, 4);
		} else {
			b[0] = (uint8_t)cp;
			b[1] = (uint8_t)(cp >> 8);
			sput(s, b, 2);
		}
	}
	r.p = s->b + start;
	r.size = s->n - start;
	return r;
}

/* Encodes a braced GUID. Returns 0 with *r set, or -1. */
static int v_guid(scratch *s, const char *text, value *r)
{
	unsigned a, b, c2, d[8];
	uint8_t g[16];
	int i;

	if (sscanf(text, "{%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x}", &a, &b, &c2, &d[0], &d[1], &d[2], &d[3], &d[4],
		   &d[5], &d[6], &d[7]) != 11)
		return -1;
	ew_set32(g, a);
	g[4] = (uint8_t)b;
	g[5] = (uint8_t)(b >> 8);
	g[6] = (uint8_t)c2;
	g[7] = (uint8_t)(c2 >> 8);
	for (i = 0; i < 8; i++)
		g[8 + i] = (uint8_t)d[i];
	r->type = T_GUID;
	r->size = 16;
	r->p = sput(s, g, 16);
	return 0;
}

/* Encodes a SID "S-1-5-21-...". Returns 0 with *r set, or -1. */
static int v_sid(scratch *s, const char *text, value *r)
{
	uint8_t b[8 + 4 * 15];
	unsigned long long auth;
	unsigned long sub;
	const char *p = text;
	char *end;
	int n = 0, i;

	if (strncmp(p, "S-1-", 4) != 0)
		return -1;
	auth = strtoull(p + 4, &end, 10);
	if (end == p + 4 || auth > 0xFFFFFFFFFFFFULL)
		return -1;
	for (i = 0; i < 6; i++)
		b[2 + i] = (uint8_t)(auth >> (8 * (5 - i)));
	p = end;
	while (*p == '-' && n < 15) {
		sub = strtoul(p + 1, &end, 10);
		if (end == p + 1 || sub > 0xFFFFFFFFUL)
			return -1;
		ew_set32(b + 8 + 4 * n++, (uint32_t)sub);
		p = end;
	}
	if (*p)
		return -1;
	b[0] = 1;
	b[1] = (uint8_t)n;
	r->type = T_SID;
	r->size = 8 + 4 * (uint32_t)n;
	r->p = sput(s, b, r->size);
	return 0;
}

/* Encodes one named data field by its type. Returns 0 with *r set, or -1
 * with err set. */
static int v_data(scratch *s, const ew_data *d, value *r, char err[EW_ERR_MAX])
{
	unsigned long long v;
	char *end;

	switch (d->type) {
	case EW_STRING:
		*r = v_string(s, d->value, T_STRING);
		return 0;
	case EW_SID:
		if (v_sid(s, d->value, r) == 0)
			return 0;
		break;
	case EW_GUID:
		if (v_guid(s, d->value, r) == 0)
			return 0;
		break;
	default:
		v = strtoull(d->value, &end, 0);
		if (*d->value && !*end) {
			static const int widths[] = {0, 0, 1, 2, 4, 8, 4, 8, 0, 8};

			*r = v_int(s, type_codes[d->type], v, widths[d->type]);
			return 0;
		}
	}
	snprintf(err, EW_ERR_MAX, "data %s: \"%.60s\" does not fit its type", d->name, d->value);
	return -1;
}

/* Encodes the EventData values of ev into vals. Returns their count, or -1
 * with err set. */
static int eventdata_values(scratch *s, const ew_event *ev, value *vals, char err[EW_ERR_MAX])
{
	size_t i;

	if (ev->ndata && ev->data[0].name) {
		for (i = 0; i < ev->ndata; i++)
			if (v_data(s, &ev->data[i], &vals[i], err) != 0)
				return -1;
		return (int)ev->ndata;
	}
	/* Classic: one string array (NUL-terminated items) and the binary. */
	{
		uint32_t start = s->n;

		for (i = 0; i < ev->ndata; i++) {
			static const uint8_t nul[2] = {0, 0};

			v_string(s, ev->data[i].value, T_STRING);
			sput(s, nul, 2);
		}
		vals[0].type = ev->ndata ? T_STRING_ARRAY : T_NULL;
		vals[0].p = s->b + start;
		vals[0].size = s->n - start;
		vals[1].type = ev->has_binary ? T_BINARY : T_NULL;
		vals[1].size = ev->has_binary ? (uint32_t)ev->nbinary : 0;
		vals[1].p = ev->has_binary ? sput(s, ev->binary, ev->nbinary) : s->b;
		return 2;
	}
}

/* Writes a value array. Returns nothing. */
static void put_values(cursor *k, const value *v, int n)
{
	int i;

	put32(k, (uint32_t)n);
	for (i = 0; i < n; i++) {
		put16(k, (uint16_t)v[i].size);
		put8(k, v[i].type);
		put8(k, 0);
	}
	for (i = 0; i < n; i++)
		put(k, v[i].p, v[i].size);
}

/* Builds the shape key of an event's EventData template. Returns 0, or -1
 * when it does not fit. */
static int eventdata_key(const ew_event *ev, char *key, size_t n)
{
	size_t used;
	size_t i;

	if (!(ev->ndata && ev->data[0].name)) {
		snprintf(key, n, "eventdata:classic");
		return 0;
	}
	used = (size_t)snprintf(key, n, "%s:", ev->userdata ? ev->userdata : "eventdata");
	for (i = 0; i < ev->ndata; i++) {
		int w = snprintf(key + used, n - used, "%s:%d,", ev->data[i].name, (int)ev->data[i].type);

		if (w < 0 || (size_t)w >= n - used)
			return -1;
		used += (size_t)w;
	}
	return 0;
}

void ew_chunk_init(ew_chunk *c)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->b, "ElfChnk", 8);
	c->free = 512;
}

void ew_chunk_free(ew_chunk *c)
{
	size_t i;

	for (i = 0; i < c->nnames; i++)
		free(c->names[i].utf8);
	c->nnames = 0;
}

int ew_chunk_add(ew_chunk *c, const ew_event *ev, uint64_t id, int64_t t, char err[EW_ERR_MAX])
{
	static scratch s;
	value sys[NSYS], data[1024];
	cursor k = {c, c->free, 0, c->nnames};
	uint8_t tables[384];
	char key[8192];
	uint32_t start = c->free, desc17 = 0, nested, size;
	int nd, i;
	size_t ntemplates = c->ntemplates;

	if (ev->ndata > 1024 || eventdata_key(ev, key, sizeof(key)) != 0) {
		snprintf(err, EW_ERR_MAX, "too many data fields");
		return -1;
	}
	s.n = 0;
	s.overflow = 0;
	memset(sys, 0, sizeof(sys));
	sys[0] = v_int(&s, T_U8, (uint64_t)ev->level, 1);
	if (ev->guid)
		sys[1] = v_int(&s, T_U8, (uint64_t)ev->opcode, 1);
	sys[2] = v_int(&s, T_U16, (uint64_t)ev->task, 2);
	sys[3] = v_int(&s, T_U16, ev->event_id, 2);
	if (ev->qualifiers >= 0)
		sys[4] = v_int(&s, T_U16, (uint64_t)ev->qualifiers, 2);
	sys[5] = v_int(&s, T_HEX64,
		       ev->has_keywords ? ev->keywords : ev->guid ? 0x8000000000000000ULL : 0x80000000000000ULL, 8);
	sys[6] = v_int(&s, T_FILETIME, (uint64_t)(t + FILETIME_UNIX_EPOCH), 8);
	if (ev->guid) {
		sys[8] = v_int(&s, T_U32, ev->pid, 4);
		sys[9] = v_int(&s, T_U32, ev->tid, 4);
	}
	sys[10] = v_int(&s, T_U64, id, 8);
	if (ev->version >= 0)
		sys[11] = v_int(&s, T_U8, (uint64_t)ev->version, 1);
	if (ev->user && v_sid(&s, ev->user, &sys[12]) != 0) {
		snprintf(err, EW_ERR_MAX, "user \"%.60s\" is not a SID", ev->user);
		return -1;
	}
	sys[14] = v_string(&s, ev->provider, T_STRING);
	if (ev->guid && v_guid(&s, ev->guid, &sys[15]) != 0) {
		snprintf(err, EW_ERR_MAX, "guid \"%.60s\" is not {8-4-4-4-12}", ev->guid);
		return -1;
	}
	sys[16] = v_string(&s, ev->channel, T_STRING);
	nd = eventdata_values(&s, ev, data, err);
	if (nd < 0)
		return -1;
	if (s.overflow) {
		snprintf(err, EW_ERR_MAX, "the event is larger than a chunk");
		return -1;
	}
	memcpy(tables, c->b + 128, sizeof(tables));

	/* Record header; size and copy of size are written at the end. */
	put(&k, "**\0\0", 4);
	put32(&k, 0);
	put64(&k, id);
	put64(&k, (uint64_t)(t + FILETIME_UNIX_EPOCH));
	put8(&k, 0x0f);
	put8(&k, 0x01);
	put8(&k, 0x01);
	put8(&k, 0x00);
	{
		char syskey[512];

		snprintf(syskey, sizeof(syskey), "system:%s", ev->computer);
		instance(&k, syskey, body_system, ev);
	}
	/* Values 0-16 then 17, the EventData fragment, whose size is known only
	 * once it is written. */
	put32(&k, NSYS);
	for (i = 0; i < NSYS; i++) {
		if (i == 17)
			desc17 = k.p;
		put16(&k, (uint16_t)sys[i].size);
		put8(&k, i == 17 ? T_BINXML : sys[i].type);
		put8(&k, 0);
	}
	for (i = 0; i < NSYS - 1; i++)
		put(&k, sys[i].p, sys[i].size);
	nested = k.p;
	put8(&k, 0x0f);
	put8(&k, 0x01);
	put8(&k, 0x01);
	put8(&k, 0x00);
	instance(&k, key, ev->userdata ? body_userdata : body_eventdata, ev);
	put_values(&k, data, nd);
	if (!k.overflow && k.p - nested > 0xffff)
		k.overflow = 1;
	if (!k.overflow)
		ew_set32(c->b + desc17, (k.p - nested) | ((uint32_t)T_BINXML << 16));
	put8(&k, 0x00); /* EOF */
	while (!k.overflow && (k.p - start + 4) % 8)
		put8(&k, 0);
	put32(&k, 0);
	/* A record must not end exactly at the chunk's end (libevtx drops it);
	 * put() already keeps 8 bytes free. */
	if (k.overflow) {
		size_t n;

		for (n = k.nnames0; n < c->nnames; n++)
			free(c->names[n].utf8);
		c->nnames = k.nnames0;
		c->ntemplates = ntemplates;
		memcpy(c->b + 128, tables, sizeof(tables));
		memset(c->b + start, 0, EW_CHUNK_SIZE - start);
		if (c->records == 0) {
			snprintf(err, EW_ERR_MAX, "the event does not fit in an empty chunk");
			return -1;
		}
		return 0;
	}
	size = k.p - start;
	ew_set32(c->b + start + 4, size);
	ew_set32(c->b + k.p - 4, size);
	if (!c->records)
		c->first_id = id;
	c->prev_off = c->last_off;
	c->prev_free = c->free;
	c->last_id = id;
	c->last_off = start;
	c->free = k.p;
	c->records++;
	return 1;
}

void ew_chunk_finish(ew_chunk *c)
{
	uint32_t crc;

	ew_set64(c->b + 8, c->first_id);
	ew_set64(c->b + 16, c->last_id);
	ew_set64(c->b + 24, c->first_id);
	ew_set64(c->b + 32, c->last_id);
	ew_set32(c->b + 40, 128);
	ew_set32(c->b + 44, c->last_off);
	ew_set32(c->b + 48, c->free);
	ew_set32(c->b + 52, ew_crc32(0, c->b + 512, c->free - 512));
	ew_set32(c->b + 120, 1);
	crc = ew_crc32(0, c->b, 120);
	ew_set32(c->b + 124, ew_crc32(crc, c->b + 128, 384));
}

int ew_chunk_load(ew_chunk *c, const uint8_t *data)
{
	uint32_t off = 512, i;

	ew_chunk_init(c);
	if (memcmp(data, "ElfChnk", 8) != 0)
		return -1;
	memcpy(c->b, data, EW_CHUNK_SIZE);
	/* Records, by their framing. */
	while (off + 28 <= EW_CHUNK_SIZE && !memcmp(c->b + off, "**\0\0", 4)) {
		uint32_t size = get32(c->b + off + 4);

		if (size < 32 || off + size > EW_CHUNK_SIZE || get32(c->b + off + size - 4) != size)
			break;
		if (!c->records)
			c->first_id = get64(c->b + off + 8);
		c->prev_off = c->last_off;
		c->prev_free = off;
		c->last_id = get64(c->b + off + 8);
		c->last_off = off;
		c->records++;
		off += size;
	}
	c->free = off;
	memset(c->b + off, 0, EW_CHUNK_SIZE - off); /* a torn tail is overwritten */
	/* Names, from the 64-bucket table and its chains. */
	for (i = 0; i < 64; i++) {
		uint32_t n = get32(c->b + 128 + 4 * i), guard = 0;

		while (n && n + 8 < EW_CHUNK_SIZE && c->nnames < EW_MAX_NAMES && guard++ < 1000) {
			uint16_t len = get16(c->b + n + 6);
			char utf8[1024];
			size_t u = 0;
			uint32_t j;

			for (j = 0; j < len && u + 4 < sizeof(utf8) && n + 8 + 2 * j + 1 < EW_CHUNK_SIZE; j++) {
				uint16_t ch = get16(c->b + n + 8 + 2 * j);

				utf8[u++] = ch < 0x80 ? (char)ch : '?';
			}
			utf8[u] = '\0';
			c->names[c->nnames].utf8 = strdup(utf8);
			if (!c->names[c->nnames].utf8)
				break;
			c->names[c->nnames++].offset = n;
			n = get32(c->b + n);
		}
	}
	/* Templates, from the 32-bucket table and its chains. */
	for (i = 0; i < 32; i++) {
		uint32_t d = get32(c->b + 384 + 4 * i), guard = 0;

		while (d && d + 24 < EW_CHUNK_SIZE && c->ntemplates < EW_MAX_TEMPLATES && guard++ < 1000) {
			memcpy(c->templates[c->ntemplates].guid, c->b + d + 4, 16);
			c->templates[c->ntemplates++].offset = d;
			d = get32(c->b + d);
		}
	}
	return 0;
}
