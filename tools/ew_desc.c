#include "ew_desc.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parser state: defaults that apply to the following events. */
typedef struct parser {
	const char *path;
	int line;
	char *err;
	char computer[256];
	char channel[256];
	ew_desc *d;
} parser;

/* Sets "path:line: message". Returns -1. */
static int fail(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(parser *p, const char *fmt, ...)
{
	char msg[EW_ERR_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, EW_ERR_MAX, "%.200s:%d: %s", p->path, p->line, msg);
	return -1;
}

/* Appends the UTF-8 encoding of cp to out (room for 4 bytes is checked by
 * the caller). Returns the bytes written. */
static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Resolves the escapes of a value (\\ \n \t \r \s \u{HEX} \x{HEX}) into a
 * new string. Returns it, or NULL with the error set. */
static char *unescape(parser *p, const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(n + 1), *o = out;

	if (!out) {
		fail(p, "out of memory");
		return NULL;
	}
	while (*s) {
		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case '\\': *o++ = '\\'; s++; break;
		case 'n': *o++ = '\n'; s++; break;
		case 't': *o++ = '\t'; s++; break;
		case 'r': *o++ = '\r'; s++; break;
		case 's': *o++ = ' '; s++; break;
		case 'u':
		case 'x': {
			char *end;
			unsigned long cp;

			if (s[1] != '{') {
				free(out);
				fail(p, "\\%c must be followed by {HEX}", *s);
				return NULL;
			}
			errno = 0;
			cp = strtoul(s + 2, &end, 16);
			if (*end != '}' || end == s + 2 || errno || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
			    cp == 0) {
				free(out);
				fail(p, "bad \\%c{...}: a Unicode scalar value 1..10FFFF is needed", *s);
				return NULL;
			}
			/* An escape never produces more bytes than it took (\u{1F600} = 9). */
			o += put_utf8(o, (uint32_t)cp);
			s = end + 1;
			break;
		}
		default:
			free(out);
			fail(p, "unknown escape \\%c", *s ? *s : ' ');
			return NULL;
		}
	}
	*o = '\0';
	return out;
}

/* Parses an unsigned number (decimal or 0x-hex) no larger than max. Returns
 * 0 and sets *v, or -1 with the error set. */
static int number(parser *p, const char *s, uint64_t max, uint64_t *v, const char *what)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (!*s || *end || errno || *v > max || *s == '-')
		return fail(p, "%s: \"%s\" is not a number up to %llu", what, s, (unsigned long long)max);
	return 0;
}

/* Parses "2025-03-14T09:12:43.5123456Z". Returns 0 and sets *t (ticks since
 * 1970), or -1 with the error set. */
static int parse_time(parser *p, const char *s, int64_t *t)
{
	int y, mo, d, h, mi, se, n = 0, k;
	int64_t frac = 0, days;
	const char *f;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 || mo < 1 || mo > 12 ||
	    d < 1 || d > 31 || h > 23 || mi > 59 || se > 59)
		return fail(p, "time \"%s\" is not YYYY-MM-DDTHH:MM:SS[.fffffff]Z", s);
	f = s + n;
	if (*f == '.') {
		for (f++, k = 0; isdigit((unsigned char)*f); f++, k++)
			if (k < 7)
				frac = frac * 10 + (*f - '0');
		for (; k < 7; k++)
			frac *= 10;
	}
	if (strcmp(f, "Z") != 0 && *f)
		return fail(p, "time \"%s\": only UTC ('Z') times", s);
	/* days from civil (Hinnant) */
	{
		int64_t yy = y - (mo <= 2);
		int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
		unsigned yoe = (unsigned)(yy - era * 400);
		unsigned doy = (unsigned)((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1);
		unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

		days = era * 146097 + (int64_t)doe - 719468;
	}
	*t = ((days * 86400 + h * 3600 + mi * 60 + se) * 10000000LL) + frac;
	return 0;
}

/* Parses a duration such as 90s, 15m, 1h, 250ms. Returns 0 and sets *t
 * (ticks), or -1 with the error set. */
static int parse_duration(parser *p, const char *s, int64_t *t)
{
	char *end;
	double v = strtod(s, &end);
	double unit = !strcmp(end, "ms") ? 1e4 : !strcmp(end, "s") ? 1e7 : !strcmp(end, "m") ? 6e8
		    : !strcmp(end, "h") ? 3.6e10 : -1;

	if (end == s || unit < 0 || v < 0)
		return fail(p, "duration \"%s\" is not a number with ms, s, m or h", s);
	*t = (int64_t)(v * unit + 0.5);
	return 0;
}

/* Copies s into a new string. Returns it, or NULL with the error set. */
static char *dup(parser *p, const char *s)
{
	char *c = strdup(s);

	if (!c)
		fail(p, "out of memory");
	return c;
}

/* Parses "data [NAME[:TYPE]] = VALUE" (rest = after "data"). Returns 0, or
 * -1 with the error set. */
static int parse_data(parser *p, ew_event *ev, char *rest)
{
	static const char *const types[] = {"string", "sid", "u8", "u16", "u32", "u64", "hex32", "hex64", "guid",
					    "filetime"};
	char *eq = strchr(rest, '='), *name = rest, *value, *colon, *e;
	ew_data *dd, *nd;
	size_t i;

	if (!eq)
		return fail(p, "data needs '= VALUE'");
	*eq = '\0';
	value = eq + 1;
	while (*value == ' ' || *value == '\t')
		value++;
	while (*name == ' ' || *name == '\t')
		name++;
	e = name + strlen(name);
	while (e > name && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	nd = realloc(ev->data, (ev->ndata + 1) * sizeof(*nd));
	if (!nd)
		return fail(p, "out of memory");
	ev->data = nd;
	dd = &ev->data[ev->ndata];
	memset(dd, 0, sizeof(*dd));
	colon = strchr(name, ':');
	if (colon) {
		*colon++ = '\0';
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (!strcmp(colon, types[i]))
				break;
		if (i == sizeof(types) / sizeof(types[0]))
			return fail(p, "unknown data type \"%s\"", colon);
		dd->type = (ew_type)i;
	}
	if (*name && !(dd->name = dup(p, name)))
		return -1;
	if (!(dd->value = unescape(p, value))) {
		free(dd->name);
		return -1;
	}
	if (ev->ndata && (ev->data[0].name == NULL) != (dd->name == NULL)) {
		free(dd->name);
		free(dd->value);
		return fail(p, "an event's data must be all named (manifest) or all unnamed (classic)");
	}
	if (!dd->name && dd->type != EW_STRING) {
		free(dd->value);
		return fail(p, "unnamed (classic) data are strings");
	}
	ev->ndata++;
	return 0;
}

/* Parses hex text into ev->binary. Returns 0, or -1 with the error set. */
static int parse_binary(parser *p, ew_event *ev, const char *hex)
{
	size_t n = strlen(hex), i;

	if (n % 2)
		return fail(p, "binary needs an even number of hex digits");
	free(ev->binary);
	ev->binary = malloc(n / 2 + 1);
	if (!ev->binary)
		return fail(p, "out of memory");
	for (i = 0; i < n / 2; i++) {
		unsigned v;

		if (!isxdigit((unsigned char)hex[2 * i]) || !isxdigit((unsigned char)hex[2 * i + 1]) ||
		    sscanf(hex + 2 * i, "%2x", &v) != 1)
			return fail(p, "binary: \"%s\" is not hex", hex);
		ev->binary[i] = (uint8_t)v;
	}
	ev->nbinary = n / 2;
	ev->has_binary = 1;
	return 0;
}

/* Starts a new event block from "PROVIDER ID": the provider may contain
 * spaces ("Application Error"), the id is the last word. Returns it, or
 * NULL with the error set. */
static ew_event *new_event(parser *p, char *rest)
{
	char provider[256], *end, *last;
	unsigned long id;
	ew_event *ev, *ne;
	size_t len = strlen(rest);

	while (len && isspace((unsigned char)rest[len - 1]))
		rest[--len] = '\0';
	last = strrchr(rest, ' ');
	errno = 0;
	id = last ? strtoul(last + 1, &end, 10) : 0;
	if (!last || errno || *end || end == last + 1 || id > 65535) {
		fail(p, "event needs PROVIDER and an EVENTID up to 65535");
		return NULL;
	}
	while (last > rest && isspace((unsigned char)last[-1]))
		last--;
	len = (size_t)(last - rest);
	if (len == 0 || len >= sizeof(provider)) {
		fail(p, "event needs PROVIDER (1-255 bytes) and an EVENTID");
		return NULL;
	}
	memcpy(provider, rest, len);
	provider[len] = '\0';
	ne = realloc(p->d->events, (p->d->count + 1) * sizeof(*ne));
	if (!ne) {
		fail(p, "out of memory");
		return NULL;
	}
	p->d->events = ne;
	ev = &ne[p->d->count++];
	memset(ev, 0, sizeof(*ev));
	ev->event_id = (uint32_t)id;
	ev->qualifiers = -1;
	ev->version = -1;
	ev->level = 4;
	ev->repeat = 1;
	ev->line = p->line;
	if (!(ev->provider = dup(p, provider)) || !(ev->computer = dup(p, p->computer)) ||
	    !(ev->channel = dup(p, p->channel)))
		return NULL;
	return ev;
}

/* Returns 1 if name is a UserData path (docs/evtxwrite.md): segments
 * separated by '/', none empty, an optional leading '+' on each, an
 * "@attr" only as the last of at least two, else 0. */
static int userdata_path(const char *name)
{
	const char *s = name;
	size_t segs = 0;

	if (!name)
		return 0;
	for (;;) {
		size_t l = strcspn(s, "/");

		if (*s == '@')
			return segs > 0 && l > 1 && !s[l];
		if (l == 0 || (*s == '+' && l == 1) || memchr(s + 1, '+', l - 1) || memchr(s, '@', l))
			return 0;
		segs++;
		if (!s[l])
			return 1;
		s += l + 1;
	}
}

/* Handles one `key value` line inside an event block. Returns 0, or -1
 * with the error set. */
static int event_line(parser *p, ew_event *ev, const char *key, char *val)
{
	uint64_t v;

	if (!strcmp(key, "data")) {
		if (parse_data(p, ev, val) != 0)
			return -1;
		if (ev->userdata && !userdata_path(ev->data[ev->ndata - 1].name))
			return fail(p, "userdata data are named A/B, A/B/@attr or A/+B/@attr");
		return 0;
	}
	if (!strcmp(key, "binary"))
		return parse_binary(p, ev, val);
	if (!strcmp(key, "time")) {
		char *tok, *save = NULL;

		ev->ntimes = 0;
		for (tok = strtok_r(val, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
			int64_t *nt = realloc(ev->times, (ev->ntimes + 1) * sizeof(*nt));

			if (!nt)
				return fail(p, "out of memory");
			ev->times = nt;
			if (parse_time(p, tok, &ev->times[ev->ntimes]) != 0)
				return -1;
			ev->ntimes++;
		}
		return ev->ntimes ? 0 : fail(p, "time needs at least one time");
	}
	if (!strcmp(key, "guid")) {
		free(ev->guid);
		return (ev->guid = dup(p, val)) ? 0 : -1;
	}
	if (!strcmp(key, "userdata")) {
		free(ev->userdata);
		if (!*val || strpbrk(val, " \t/@+"))
			return fail(p, "userdata needs the name of the payload element");
		return (ev->userdata = dup(p, val)) ? 0 : -1;
	}
	if (!strcmp(key, "user")) {
		free(ev->user);
		return (ev->user = dup(p, val)) ? 0 : -1;
	}
	if (!strcmp(key, "computer")) {
		free(ev->computer);
		return (ev->computer = dup(p, val)) ? 0 : -1;
	}
	if (!strcmp(key, "channel")) {
		free(ev->channel);
		return (ev->channel = dup(p, val)) ? 0 : -1;
	}
	if (!strcmp(key, "repeat")) {
		char every[16], dur[32];
		unsigned long n;

		if (sscanf(val, "%lu %15s %31s", &n, every, dur) != 3 || strcmp(every, "every") || n < 1 ||
		    n > 10000000)
			return fail(p, "repeat needs 'COUNT every DURATION'");
		ev->repeat = (unsigned)n;
		return parse_duration(p, dur, &ev->repeat_step);
	}
	if (!strcmp(key, "keywords")) {
		ev->has_keywords = 1;
		return number(p, val, UINT64_MAX, &ev->keywords, key);
	}
	if (number(p, val, UINT32_MAX, &v, key) != 0)
		return -1;
	if (!strcmp(key, "qualifiers") && v <= 65535)
		ev->qualifiers = (int)v;
	else if (!strcmp(key, "version") && v <= 255)
		ev->version = (int)v;
	else if (!strcmp(key, "level") && v <= 255)
		ev->level = (int)v;
	else if (!strcmp(key, "task") && v <= 65535)
		ev->task = (int)v;
	else if (!strcmp(key, "opcode") && v <= 255)
		ev->opcode = (int)v;
	else if (!strcmp(key, "pid"))
		ev->pid = (uint32_t)v;
	else if (!strcmp(key, "tid"))
		ev->tid = (uint32_t)v;
	else
		return fail(p, "unknown key \"%s\" or value out of range", key);
	return 0;
}

int ew_desc_read(const char *path, ew_desc *d, char err[EW_ERR_MAX])
{
	parser p;
	char line[65536];
	ew_event *ev = NULL;
	FILE *fp = fopen(path, "r");

	memset(d, 0, sizeof(*d));
	d->first_record = 1;
	d->path = path;
	memset(&p, 0, sizeof(p));
	p.path = path;
	p.err = err;
	p.d = d;
	strcpy(p.computer, "HOST.lab.example");
	strcpy(p.channel, "Application");
	if (!fp) {
		snprintf(err, EW_ERR_MAX, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp)) {
		char *s = line, *key, *val, *e;
		size_t n = strlen(line);

		p.line++;
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			fail(&p, "line longer than %zu bytes", sizeof(line) - 2);
			goto failed;
		}
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		key = s;
		for (e = s; *e && *e != ' ' && *e != '\t'; e++)
			;
		val = *e ? e + 1 : e;
		*e = '\0';
		while (*val == ' ' || *val == '\t')
			val++;
		if (!strcmp(key, "event")) {
			if (!(ev = new_event(&p, val)))
				goto failed;
		} else if (ev) {
			if (event_line(&p, ev, key, val) != 0)
				goto failed;
		} else if (!strcmp(key, "computer") && *val && strlen(val) < sizeof(p.computer)) {
			strcpy(p.computer, val);
		} else if (!strcmp(key, "channel") && *val && strlen(val) < sizeof(p.channel)) {
			strcpy(p.channel, val);
		} else if (!strcmp(key, "first-record")) {
			if (number(&p, val, UINT64_MAX / 2, &d->first_record, key) != 0)
				goto failed;
		} else {
			fail(&p, "\"%s\" before the first event: expected computer, channel or first-record", key);
			goto failed;
		}
	}
	fclose(fp);
	for (size_t i = 0; i < d->count; i++)
		if (d->events[i].ntimes == 0 ||
		    (d->events[i].userdata &&
		     ((d->events[i].ndata && !d->events[i].data[0].name) || d->events[i].has_binary))) {
			p.line = d->events[i].line;
			fail(&p, d->events[i].ntimes ? "userdata takes named data and no binary" : "event has no time");
			ew_desc_free(d);
			return -1;
		}
	if (d->count == 0) {
		snprintf(err, EW_ERR_MAX, "%s: no events", path);
		ew_desc_free(d);
		return -1;
	}
	return 0;
failed:
	fclose(fp);
	ew_desc_free(d);
	return -1;
}

void ew_desc_free(ew_desc *d)
{
	size_t i, k;

	for (i = 0; i < d->count; i++) {
		ew_event *ev = &d->events[i];

		for (k = 0; k < ev->ndata; k++) {
			free(ev->data[k].name);
			free(ev->data[k].value);
		}
		free(ev->data);
		free(ev->provider);
		free(ev->guid);
		free(ev->computer);
		free(ev->channel);
		free(ev->user);
		free(ev->userdata);
		free(ev->binary);
		free(ev->times);
	}
	free(d->events);
	memset(d, 0, sizeof(*d));
}
