#include "record_diff.h"

#include <string.h>

const char *const rd_bug_names[RD_NBUGS] = {
	"negative integer (libevtx renders it wrong)",
	"character outside the BMP (libevtx shifts it)",
	"NUL in a string (libevtx cuts it, or keeps an ANSI string's trailing NULs; we keep U+2400 inside, drop trailing)",
	"'&' or '\"' in an attribute value (libevtx does not escape it)",
	"'<' or '&' in a value that is not UTF-16 (libevtx does not escape it)",
	"value starting with U+FEFF or U+FFFE (libevtx drops it as a byte-order mark)",
	"record ends at the end of its chunk (libevtx drops it)",
	"libevtx cannot read the record",
};

/* Returns 1 if s holds a 4-byte UTF-8 sequence, else 0. */
static int has_non_bmp(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0xF0)
			return 1;
	return 0;
}

/* Returns 1 if s is a negative decimal number, else 0. */
static int is_negative(const char *s)
{
	if (*s != '-' || !s[1])
		return 0;
	for (s++; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Returns 1 if l is f followed by one or more U+2400, else 0: libevtx
 * writes an ANSI string's NULs raw into its XML, trailing ones included,
 * and event_xml keeps each as U+2400; the fast path drops trailing NULs. */
static int trailing_nuls(const char *f, const char *l)
{
	size_t n = strlen(f);

	if (strncmp(f, l, n) != 0 || !l[n])
		return 0;
	for (l += n; *l; l += 3)
		if (strncmp(l, "\xe2\x90\x80", 3) != 0)
			return 0;
	return 1;
}

/* Classifies a difference in a string whose fast value is f and libevtx
 * value l (attr: it came from an attribute). Returns the documented bug,
 * or -1. */
static int classify(const char *f, const char *l, int attr)
{
	if (!f)
		return -1;
	if (strstr(f, "\xe2\x90\x80") || (l && trailing_nuls(f, l)))
		return RD_NUL;
	if (strncmp(f, "\xef\xbb\xbf", 3) == 0 || strncmp(f, "\xef\xbf\xbe", 3) == 0)
		return RD_BOM;
	if (has_non_bmp(f))
		return RD_NON_BMP;
	if (is_negative(f))
		return RD_NEGATIVE;
	if (attr && (strchr(f, '&') || strchr(f, '"')))
		return RD_ATTRIBUTE;
	if (!attr && (strchr(f, '<') || strchr(f, '&')))
		return RD_UNESCAPED;
	return -1;
}

/* Compares a string member. Returns 1 for an undocumented difference. */
static int diff_str(const char *where, const char *what, const char *f, const char *l, int attr,
		    unsigned long *bugs, FILE *out)
{
	int bug;

	if ((!f && !l) || (f && l && strcmp(f, l) == 0))
		return 0;
	bug = classify(f, l, attr);
	if (bug >= 0) {
		bugs[bug]++;
		return 0;
	}
	if (out)
		fprintf(out, "FAIL %s: %s: fast \"%.160s\", libevtx \"%.160s\"\n", where, what, f ? f : "(null)",
			l ? l : "(null)");
	return 1;
}

/* Compares a number member. Returns 1 when different. */
static int diff_num(const char *where, const char *what, long long f, long long l, FILE *out)
{
	if (f == l)
		return 0;
	if (out)
		fprintf(out, "FAIL %s: %s: fast %lld, libevtx %lld\n", where, what, f, l);
	return 1;
}

/* Returns 1 when the fast value v holds a character libevtx may write
 * unescaped into its XML (in an attribute value, or an ANSI string's
 * text), so that event_xml misreads the rest of the record: RD_ATTRIBUTE,
 * RD_UNESCAPED. */
static int breaks_xml(const char *v)
{
	return strpbrk(v, "<&\"") != NULL;
}

/* Returns 1 when field fl came from an attribute (its name ends in
 * "@name"), else 0. */
static int attribute_field(const nd_field *fl)
{
	return fl->name && (fl->name[0] == '@' || strstr(fl->name, "/@"));
}

int rd_system_attribute_broken(const char *xml, size_t len)
{
	const char *end = xml + len, *p = xml, *q;
	const char *sys = NULL;

	/* Up to </System>: what follows is the event's data, whose own breaks
	 * rd_compare tells field by field. */
	for (q = xml; q + 9 <= end; q++)
		if (memcmp(q, "</System>", 9) == 0) {
			sys = q;
			break;
		}
	end = sys ? sys : end;
	while (p < end) {
		if (*p++ != '<')
			continue;
		/* in a tag: each value ends at the next '"', which must be followed
		 * by the tag's white space, '/', '?' or '>' */
		while (p < end && *p != '>') {
			if (p + 1 < end && p[0] == '=' && p[1] == '"') {
				for (q = p + 2; q < end && *q != '"'; q++)
					;
				if (q + 1 < end && !strchr(" \t\r\n/>?", q[1]))
					return 1;
				p = q + 1;
				continue;
			}
			p++;
		}
	}
	return 0;
}

int rd_system_again(const char *xml, size_t len)
{
	const char *end = xml + len, *p;

	for (p = xml; p + 9 <= end && memcmp(p, "</System>", 9) != 0; p++)
		;
	if (p + 9 > end)
		return 0;
	for (p += 9; p + 8 <= end; p++)
		if (memcmp(p, "<System", 7) == 0 && memchr(" \t\r\n/>", p[7], 6))
			return 1;
	return 0;
}

int rd_compare(const nd_record *f, const nd_record *l, const char *where, unsigned long *bugs, FILE *out)
{
	int bad = 0;
	size_t i;

	bad += diff_str(where, "provider", f->provider, l->provider, 1, bugs, out);
	bad += diff_str(where, "source_name", f->source_name, l->source_name, 1, bugs, out);
	bad += diff_str(where, "provider_guid", f->provider_guid, l->provider_guid, 1, bugs, out);
	bad += diff_str(where, "user_sid", f->user_sid, l->user_sid, 1, bugs, out);
	bad += diff_str(where, "channel", f->channel, l->channel, 0, bugs, out);
	bad += diff_str(where, "computer", f->computer, l->computer, 0, bugs, out);
	bad += diff_str(where, "binary", f->binary, l->binary, 0, bugs, out);
	bad += diff_num(where, "event_id", f->event_id, l->event_id, out);
	bad += diff_num(where, "qualifiers", f->qualifiers, l->qualifiers, out);
	bad += diff_num(where, "has_qualifiers", f->has_qualifiers, l->has_qualifiers, out);
	bad += diff_num(where, "version", f->version, l->version, out);
	bad += diff_num(where, "level", f->level, l->level, out);
	bad += diff_num(where, "task", f->task, l->task, out);
	bad += diff_num(where, "keywords", (long long)f->keywords, (long long)l->keywords, out);
	bad += diff_num(where, "time", f->time, l->time, out);
	bad += diff_num(where, "has_time", f->has_time, l->has_time, out);
	bad += diff_num(where, "record_id", (long long)f->record_id, (long long)l->record_id, out);
	bad += diff_num(where, "file_offset", f->file_offset, l->file_offset, out);
	bad += diff_num(where, "written_time", f->written_time, l->written_time, out);
	for (i = 0; i < f->nfields && i < l->nfields; i++) {
		int attr = attribute_field(&f->fields[i]);
		char what[64];

		/* Where libevtx's XML went wrong, the fields after it (their
		 * number too) are event_xml's misreading of it. */
		if (strcmp(f->fields[i].value, l->fields[i].value) != 0 && breaks_xml(f->fields[i].value)) {
			bugs[attr ? RD_ATTRIBUTE : RD_UNESCAPED]++;
			return bad;
		}
		snprintf(what, sizeof(what), "field %zu name", i);
		bad += diff_str(where, what, f->fields[i].name, l->fields[i].name, 1, bugs, out);
		snprintf(what, sizeof(what), "field %zu value", i);
		bad += diff_str(where, what, f->fields[i].value, l->fields[i].value, 0, bugs, out);
	}
	return bad + diff_num(where, "number of fields", (long long)f->nfields, (long long)l->nfields, out);
}
