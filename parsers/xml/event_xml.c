#include "event_xml.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nd_buf.h"
#include "nd_time.h"

/* A cursor over the document. */
typedef struct xml_cursor {
	const char *p;
	const char *end;
	const char *start;
	nd_buf text; /* scratch: decoded text or attribute value */
} xml_cursor;

/* One start tag, as seen. Names and attribute slices point into the input. */
typedef struct xml_tag {
	const char *name;
	size_t name_len;
	const char *attrs; /* raw attribute text */
	size_t attrs_len;
	int is_end;   /* </name> */
	int is_empty; /* <name/> */
} xml_tag;

/* Returns 1 if the n bytes at s are the literal lit, else 0. */
static int name_is(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* Returns the local part of a possibly prefixed name ("e:Data" -> "Data")
 * by adjusting *s and *n. */
static void local_name(const char **s, size_t *n)
{
	const char *c = memchr(*s, ':', *n);

	if (c) {
		*n -= (size_t)(c + 1 - *s);
		*s = c + 1;
	}
}

/* Appends the decoded form of raw text (entities &lt; &gt; &amp; &quot;
 * &apos; &#N; &#xH;) to b. An unknown or broken entity is kept literally.
 * Returns 0, or -1 when out of memory. */
static int decode_text(nd_buf *b, const char *s, size_t n)
{
	const char *e = s + n;

	while (s < e) {
		const char *amp = memchr(s, '&', (size_t)(e - s));
		const char *semi;

		if (!amp)
			return nd_buf_append(b, s, (size_t)(e - s));
		if (nd_buf_append(b, s, (size_t)(amp - s)) != 0)
			return -1;
		semi = memchr(amp, ';', (size_t)(e - amp) < 12 ? (size_t)(e - amp) : 12);
		s = amp + 1;
		if (semi) {
			size_t k = (size_t)(semi - amp - 1);
			const char *ent = amp + 1;
			int rc = 1;

			if (name_is(ent, k, "lt"))
				rc = nd_buf_append(b, "<", 1);
			else if (name_is(ent, k, "gt"))
				rc = nd_buf_append(b, ">", 1);
			else if (name_is(ent, k, "amp"))
				rc = nd_buf_append(b, "&", 1);
			else if (name_is(ent, k, "quot"))
				rc = nd_buf_append(b, "\"", 1);
			else if (name_is(ent, k, "apos"))
				rc = nd_buf_append(b, "'", 1);
			else if (k >= 2 && ent[0] == '#') {
				char num[16], *stop;
				unsigned long cp;
				int hex = ent[1] == 'x' || ent[1] == 'X';

				memcpy(num, ent + 1 + hex, k - 1 - (size_t)hex);
				num[k - 1 - (size_t)hex] = '\0';
				errno = 0;
				cp = strtoul(num, &stop, hex ? 16 : 10);
				if (*num && !*stop && !errno && cp <= 0x10FFFF)
					rc = nd_buf_append_utf8(b, (uint32_t)cp);
			}
			if (rc < 0)
				return -1;
			if (rc == 0) {
				s = semi + 1;
				continue;
			}
		}
		if (nd_buf_append(b, "&", 1) != 0)
			return -1;
	}
	return 0;
}

/* Skips comments, processing instructions and declarations, and reads the
 * next tag at or after c->p. The raw text before it is returned in *text
 * and *text_len. Returns 1 with *tag set, 0 at the end of input, or -1 when
 * a tag is not closed. */
static int next_tag(xml_cursor *c, xml_tag *tag, const char **text, size_t *text_len)
{
	const char *lt, *q;

	*text = c->p;
	for (;;) {
		lt = memchr(c->p, '<', (size_t)(c->end - c->p));
		if (!lt) {
			*text_len = (size_t)(c->end - *text);
			c->p = c->end;
			return 0;
		}
		if (c->end - lt >= 4 && memcmp(lt, "<!--", 4) == 0) {
			const char *close = NULL;

			for (q = lt + 4; q + 3 <= c->end; q++)
				if (memcmp(q, "-->", 3) == 0) {
					close = q;
					break;
				}
			if (!close)
				return -1;
			c->p = close + 3;
			continue;
		}
		if (c->end - lt >= 2 && (lt[1] == '?' || lt[1] == '!')) {
			q = memchr(lt, '>', (size_t)(c->end - lt));
			if (!q)
				return -1;
			c->p = q + 1;
			continue;
		}
		break;
	}
	*text_len = (size_t)(lt - *text);
	memset(tag, 0, sizeof(*tag));
	q = lt + 1;
	if (q < c->end && *q == '/') {
		tag->is_end = 1;
		q++;
	}
	tag->name = q;
	while (q < c->end && *q != '>' && *q != '/' && *q != ' ' && *q != '\t' && *q != '\r' &&
	       *q != '\n')
		q++;
	tag->name_len = (size_t)(q - tag->name);
	tag->attrs = q;
	/* Find the closing '>' outside quoted attribute values. libevtx does not
	 * escape attribute values, so a quote only ends at its matching quote. */
	while (q < c->end && *q != '>') {
		if (*q == '"' || *q == '\'') {
			const char *m = memchr(q + 1, *q, (size_t)(c->end - q - 1));

			if (!m)
				return -1;
			q = m;
		}
		q++;
	}
	if (q >= c->end)
		return -1;
	tag->attrs_len = (size_t)(q - tag->attrs);
	if (tag->attrs_len && tag->attrs[tag->attrs_len - 1] == '/') {
		tag->is_empty = 1;
		tag->attrs_len--;
	}
	c->p = q + 1;
	local_name(&tag->name, &tag->name_len);
	return tag->name_len ? 1 : -1;
}

/* Steps over the next attribute of the n bytes at *p: its raw name in *an,
 * *al and its raw value in *v, *vl. Returns 1 when an attribute was read,
 * 0 at the end (or where the attribute text is broken). */
static int next_attr(const char **p, const char *e, const char **an, size_t *al, const char **v, size_t *vl)
{
	const char *q = *p, *ve;

	for (;;) {
		while (q < e && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'))
			q++;
		if (q >= e)
			return 0;
		*an = q;
		while (q < e && *q != '=' && *q != ' ' && *q != '\t' && *q != '\r' && *q != '\n')
			q++;
		*al = (size_t)(q - *an);
		while (q < e && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'))
			q++;
		if (q < e && *q == '=')
			break;
		*p = q;
	}
	q++;
	while (q < e && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'))
		q++;
	if (q >= e || (*q != '"' && *q != '\''))
		return 0;
	*v = q + 1;
	ve = memchr(*v, *q, (size_t)(e - *v));
	if (!ve)
		return 0;
	*vl = (size_t)(ve - *v);
	*p = ve + 1;
	return 1;
}

/* Finds attribute `name` in a tag and decodes its value into c->text.
 * Returns 1 when found, 0 when absent, -1 when out of memory. */
static int tag_attr(xml_cursor *c, const xml_tag *tag, const char *name)
{
	const char *p = tag->attrs, *e = tag->attrs + tag->attrs_len, *an, *v;
	size_t nl = strlen(name), al, vl;

	while (next_attr(&p, e, &an, &al, &v, &vl)) {
		local_name(&an, &al);
		if (al == nl && memcmp(an, name, nl) == 0) {
			nd_buf_reset(&c->text);
			return decode_text(&c->text, v, vl) == 0 ? 1 : -1;
		}
	}
	return 0;
}

/* Reads decoded text content up to the end tag of the element just opened
 * (which has no child elements we care about) into c->text. Child markup is
 * skipped, its text kept. Returns 0, or -1 when the element is not closed. */
static int element_text(xml_cursor *c, const xml_tag *open)
{
	int depth = 1;

	nd_buf_reset(&c->text);
	if (open->is_empty)
		return 0;
	while (depth > 0) {
		xml_tag t;
		const char *text;
		size_t tl;
		int rc = next_tag(c, &t, &text, &tl);

		if (rc <= 0)
			return -1;
		if (decode_text(&c->text, text, tl) != 0)
			return -1;
		if (t.is_end)
			depth--;
		else if (!t.is_empty)
			depth++;
	}
	return 0;
}

/* Returns the text in c->text: "" when nothing was ever put there (an empty
 * element or attribute leaves the buffer unallocated). */
static const char *text_of(const xml_cursor *c)
{
	return c->text.data ? c->text.data : "";
}

/* Parses an unsigned decimal or 0x-hex number. Returns 0 and sets *v, or
 * -1. */
static int parse_u64(const char *s, uint64_t *v)
{
	char *stop;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &stop, 0);
	while (*stop == ' ' || *stop == '\t' || *stop == '\r' || *stop == '\n')
		stop++;
	return (*stop || errno) ? -1 : 0;
}

/* Parses a small non-negative integer into *out (left alone when the text
 * is not a number). Returns nothing. */
static void parse_int(const char *s, int *out)
{
	uint64_t v;

	if (parse_u64(s, &v) == 0 && v <= 0x7fffffff)
		*out = (int)v;
}

/* Copies c->text into *slot. Returns 0, or -1 when out of memory. */
static int take_text(xml_cursor *c, char **slot)
{
	return nd_record_set_string(slot, text_of(c), c->text.len);
}

/* Handles one child element of <System>. Returns 0, or -1 with err set. */
static int parse_system_child(xml_cursor *c, const xml_tag *t, nd_record *ev, int *have_id, nd_error *err)
{
	uint64_t v;
	int rc;

#define ATTR(name, slot)                                                                          \
	do {                                                                                      \
		rc = tag_attr(c, t, name);                                                        \
		if (rc < 0 || (rc == 1 && take_text(c, slot) != 0))                               \
			return nd_error_set(err, "out of memory");                                \
	} while (0)

	if (name_is(t->name, t->name_len, "Provider")) {
		ATTR("Name", &ev->provider);
		ATTR("Guid", &ev->provider_guid);
		ATTR("EventSourceName", &ev->source_name);
		return element_text(c, t) ? nd_error_set(err, "unclosed <Provider>") : 0;
	}
	if (name_is(t->name, t->name_len, "TimeCreated")) {
		rc = tag_attr(c, t, "SystemTime");
		if (rc < 0)
			return nd_error_set(err, "out of memory");
		if (rc == 1) {
			if (nd_time_parse_iso(text_of(c), &ev->time) != 0)
				return nd_error_set(err, "bad TimeCreated SystemTime \"%.64s\"", text_of(c));
			ev->has_time = 1;
		}
		return element_text(c, t) ? nd_error_set(err, "unclosed <TimeCreated>") : 0;
	}
	if (name_is(t->name, t->name_len, "Security")) {
		ATTR("UserID", &ev->user_sid);
		return element_text(c, t) ? nd_error_set(err, "unclosed <Security>") : 0;
	}
	if (name_is(t->name, t->name_len, "EventID")) {
		rc = tag_attr(c, t, "Qualifiers");
		if (rc < 0)
			return nd_error_set(err, "out of memory");
		if (rc == 1 && parse_u64(text_of(c), &v) == 0) {
			ev->qualifiers = (uint32_t)v;
			ev->has_qualifiers = 1;
		}
		if (element_text(c, t) != 0)
			return nd_error_set(err, "unclosed <EventID>");
		if (parse_u64(text_of(c), &v) != 0 || v > 0xffffffffu)
			return nd_error_set(err, "bad EventID \"%.32s\"", text_of(c));
		ev->event_id = (uint32_t)v;
		*have_id = 1;
		return 0;
	}
#undef ATTR
	if (element_text(c, t) != 0)
		return nd_error_set(err, "unclosed <%.*s>", (int)t->name_len, t->name);
	if (name_is(t->name, t->name_len, "Version"))
		parse_int(text_of(c), &ev->version);
	else if (name_is(t->name, t->name_len, "Level"))
		parse_int(text_of(c), &ev->level);
	else if (name_is(t->name, t->name_len, "Task"))
		parse_int(text_of(c), &ev->task);
	else if (name_is(t->name, t->name_len, "Keywords")) {
		if (parse_u64(text_of(c), &v) == 0)
			ev->keywords = v;
	} else if (name_is(t->name, t->name_len, "EventRecordID")) {
		if (parse_u64(text_of(c), &v) == 0)
			ev->record_id = v;
	} else if (name_is(t->name, t->name_len, "Channel")) {
		if (take_text(c, &ev->channel) != 0)
			return nd_error_set(err, "out of memory");
	} else if (name_is(t->name, t->name_len, "Computer")) {
		if (take_text(c, &ev->computer) != 0)
			return nd_error_set(err, "out of memory");
	}
	return 0;
}

/* Adds c->text as a field named by the n bytes at name (NULL: unnamed).
 * Returns 0, or -1 with err set. */
static int add_field(xml_cursor *c, nd_record *ev, const char *name, size_t n, nd_error *err)
{
	char nm[ND_XML_FIELD_NAME_MAX + 1];

	if (name) {
		if (n >= sizeof(nm))
			n = sizeof(nm) - 1;
		memcpy(nm, name, n);
		nm[n] = '\0';
	}
	if (nd_record_add_field(ev, name ? nm : NULL, text_of(c), c->text.len) != 0)
		return nd_error_set(err, "out of memory");
	return 0;
}

/* Parses one <Data> element of EventData: named, unnamed, or holding
 * <string> array items. Returns 0, or -1 with err set. */
static int parse_data(xml_cursor *c, const xml_tag *open, nd_record *ev, nd_error *err)
{
	char name[256];
	size_t name_len = 0;
	int named, rc, strings = 0;
	nd_buf raw = {0};

	rc = tag_attr(c, open, "Name");
	if (rc < 0)
		return nd_error_set(err, "out of memory");
	named = rc == 1;
	if (named) {
		name_len = c->text.len < sizeof(name) ? c->text.len : sizeof(name) - 1;
		memcpy(name, text_of(c), name_len);
	}
	if (open->is_empty) {
		nd_buf_reset(&c->text);
		return add_field(c, ev, named ? name : NULL, name_len, err);
	}
	/* Collect the text; a <string> child is one array item. */
	for (;;) {
		xml_tag t;
		const char *text;
		size_t tl;

		rc = next_tag(c, &t, &text, &tl);
		if (rc <= 0) {
			nd_buf_free(&raw);
			return nd_error_set(err, "unclosed <Data>");
		}
		if (!t.is_end && name_is(t.name, t.name_len, "string")) {
			if (element_text(c, &t) != 0 || add_field(c, ev, NULL, 0, err) != 0) {
				nd_buf_free(&raw);
				return nd_error_set(err, "bad <string> in <Data>");
			}
			strings++;
			continue;
		}
		if (decode_text(&raw, text, tl) != 0) {
			nd_buf_free(&raw);
			return nd_error_set(err, "out of memory");
		}
		if (t.is_end)
			break;
		if (!t.is_empty && element_text(c, &t) != 0) {
			nd_buf_free(&raw);
			return nd_error_set(err, "unclosed element in <Data>");
		}
	}
	rc = 0;
	if (!strings) {
		nd_buf tmp = c->text;

		c->text = raw;
		rc = add_field(c, ev, named ? name : NULL, name_len, err);
		c->text = tmp;
	}
	nd_buf_free(&raw);
	return rc;
}

/* Parses <EventData> until its end tag. Returns 0, or -1 with err set. */
static int parse_event_data(xml_cursor *c, nd_record *ev, nd_error *err)
{
	int depth = 1;

	while (depth > 0) {
		xml_tag t;
		const char *text;
		size_t tl;
		int rc = next_tag(c, &t, &text, &tl);

		if (rc <= 0)
			return nd_error_set(err, "unclosed event payload");
		if (t.is_end) {
			depth--;
			continue;
		}
		if (name_is(t.name, t.name_len, "Data")) {
			if (parse_data(c, &t, ev, err) != 0)
				return -1;
		} else if (name_is(t.name, t.name_len, "Binary")) {
			if (element_text(c, &t) != 0)
				return nd_error_set(err, "unclosed <Binary>");
			if (take_text(c, &ev->binary) != 0)
				return nd_error_set(err, "out of memory");
		} else if (!t.is_empty) {
			if (element_text(c, &t) != 0)
				return nd_error_set(err, "unclosed element in EventData");
		}
	}
	return 0;
}

int nd_xml_is_xmlns(const char *s, size_t n)
{
	return (n == 5 && memcmp(s, "xmlns", 5) == 0) || (n > 6 && memcmp(s, "xmlns:", 6) == 0);
}

/* Adds c->text as a UserData field named path + suffix (n bytes at s),
 * while the event has fewer than ND_XML_USERDATA_FIELDS of them (*count).
 * Returns 0, or -1 with err set. */
static int add_user_field(xml_cursor *c, nd_record *ev, nd_buf *path, const char *s, size_t n, size_t *count,
			  nd_error *err)
{
	size_t keep = path->len;
	int rc;

	if (*count >= ND_XML_USERDATA_FIELDS)
		return 0;
	(*count)++;
	if (nd_buf_append(path, s, n) != 0)
		return nd_error_set(err, "out of memory");
	rc = add_field(c, ev, path->data, path->len, err);
	path->len = keep;
	return rc;
}

/* Adds the attributes of tag t, namespace declarations left out, as fields
 * "path/@name". Returns 0, or -1 with err set. */
static int user_attrs(xml_cursor *c, const xml_tag *t, nd_record *ev, nd_buf *path, size_t *count, nd_error *err)
{
	const char *p = t->attrs, *e = t->attrs + t->attrs_len, *an, *v;
	size_t al, vl;

	while (next_attr(&p, e, &an, &al, &v, &vl)) {
		char nm[ND_XML_FIELD_NAME_MAX + 3];

		if (nd_xml_is_xmlns(an, al))
			continue;
		local_name(&an, &al);
		if (al > ND_XML_FIELD_NAME_MAX)
			al = ND_XML_FIELD_NAME_MAX;
		memcpy(nm, "/@", 2);
		memcpy(nm + 2, an, al);
		nd_buf_reset(&c->text);
		if (decode_text(&c->text, v, vl) != 0)
			return nd_error_set(err, "out of memory");
		if (add_user_field(c, ev, path, nm, al + 2, count, err) != 0)
			return -1;
	}
	return 0;
}

/* Parses the payload of <UserData> up to </UserData> (event_xml.h: which
 * fields, named how, within which bounds). Returns 0, or -1 with err set. */
static int parse_user_data(xml_cursor *c, nd_record *ev, nd_error *err)
{
	size_t lens[ND_XML_USERDATA_DEPTH + 1], count = 0;
	nd_buf path = {0};
	int depth = 0, rc = 0;

	for (;;) {
		xml_tag t, n;
		const char *text, *save;
		size_t tl;

		if (next_tag(c, &t, &text, &tl) <= 0) {
			rc = nd_error_set(err, "unclosed UserData element");
			break;
		}
		if (t.is_end) {
			if (depth == 0)
				break;
			path.len = lens[--depth];
			continue;
		}
		/* t opens an element depth levels below the payload element. */
		if (depth > ND_XML_USERDATA_DEPTH) {
			if (!t.is_empty && element_text(c, &t) != 0) {
				rc = nd_error_set(err, "unclosed UserData element");
				break;
			}
			continue;
		}
		lens[depth] = path.len;
		if (depth > 0) {
			if ((path.len && nd_buf_append(&path, "/", 1) != 0) ||
			    nd_buf_append(&path, t.name, t.name_len) != 0) {
				rc = nd_error_set(err, "out of memory");
				break;
			}
			if (user_attrs(c, &t, ev, &path, &count, err) != 0) {
				rc = -1;
				break;
			}
		}
		nd_buf_reset(&c->text);
		if (!t.is_empty) {
			/* A leaf has text and an end tag right after it. */
			save = c->p;
			if (next_tag(c, &n, &text, &tl) <= 0) {
				rc = nd_error_set(err, "unclosed UserData element");
				break;
			}
			if (!n.is_end) {
				c->p = save;
				depth++;
				continue;
			}
			if (decode_text(&c->text, text, tl) != 0) {
				rc = nd_error_set(err, "out of memory");
				break;
			}
		}
		if (add_user_field(c, ev, &path, depth ? "" : t.name, depth ? 0 : t.name_len, &count, err) != 0) {
			rc = -1;
			break;
		}
		path.len = lens[depth];
	}
	nd_buf_free(&path);
	return rc;
}

/* Parses the children of <Event> up to </Event>. Returns 0, or -1 with err
 * set. */
static int parse_event_body(xml_cursor *c, nd_record *ev, nd_error *err)
{
	int have_id = 0, in_system = 0, depth = 1;

	while (depth > 0) {
		xml_tag t;
		const char *text;
		size_t tl;
		int rc = next_tag(c, &t, &text, &tl);

		if (rc <= 0)
			return nd_error_set(err, "unclosed <Event>");
		if (t.is_end) {
			if (in_system && name_is(t.name, t.name_len, "System"))
				in_system = 0;
			depth--;
			continue;
		}
		if (in_system) {
			if (parse_system_child(c, &t, ev, &have_id, err) != 0)
				return -1;
		} else if (name_is(t.name, t.name_len, "System")) {
			if (!t.is_empty) {
				in_system = 1;
				depth++;
			}
		} else if (name_is(t.name, t.name_len, "EventData") ||
			   name_is(t.name, t.name_len, "UserData")) {
			if (!t.is_empty &&
			    (name_is(t.name, t.name_len, "UserData") ? parse_user_data(c, ev, err)
								     : parse_event_data(c, ev, err)) != 0)
				return -1;
		} else if (!t.is_empty) {
			/* RenderingInfo, ProcessingErrorData, ...: skipped. */
			if (element_text(c, &t) != 0)
				return nd_error_set(err, "unclosed <%.*s>", (int)t.name_len, t.name);
		}
	}
	if (!have_id)
		return nd_error_set(err, "event has no <EventID>");
	return 0;
}

int nd_xml_parse_event(const char *xml, size_t len, nd_record *ev, size_t *consumed, nd_error *err)
{
	xml_cursor c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.p = c.start = xml;
	c.end = xml + len;
	nd_record_reset(ev);
	for (;;) {
		xml_tag t;
		const char *text;
		size_t tl;

		rc = next_tag(&c, &t, &text, &tl);
		if (rc == 0) {
			if (consumed)
				*consumed = len;
			nd_buf_free(&c.text);
			return 0;
		}
		if (rc < 0) {
			nd_buf_free(&c.text);
			return nd_error_set(err, "malformed XML at offset %zu", (size_t)(c.p - xml));
		}
		if (!t.is_end && name_is(t.name, t.name_len, "Event"))
			break;
	}
	rc = parse_event_body(&c, ev, err);
	if (consumed)
		*consumed = (size_t)(c.p - xml);
	nd_buf_free(&c.text);
	if (rc != 0) {
		nd_error_prefix(err, "event XML");
		return -1;
	}
	return 1;
}
