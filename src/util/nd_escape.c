#include "nd_escape.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Decodes one UTF-8 sequence at s (n bytes left). Returns its length and
 * sets *cp, or 0 when the bytes are not valid UTF-8 (overlong forms,
 * surrogates and values past U+10FFFF are invalid). */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0)
		len = 2, c = s[0] & 0x1F, min = 0x80;
	else if ((s[0] & 0xF0) == 0xE0)
		len = 3, c = s[0] & 0x0F, min = 0x800;
	else if ((s[0] & 0xF8) == 0xF0)
		len = 4, c = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* How escape() treats characters for each output. */
enum { FOR_TEXT, FOR_HTML, FOR_MD, FOR_CSV, FOR_JSON };

/* The characters no output passes raw besides C0, DEL and C1: Unicode's
 * format characters (Cf: soft hyphen, bidirectional marks, overrides and
 * isolates, zero width space, joiners, word joiner, invisible operators,
 * BOM, interlinear annotation, tags...) and the line and paragraph
 * separators (Zl, Zp), as of Unicode 15. Sorted, for a binary search. */
static const uint32_t hidden[][2] = {
	{0x00AD, 0x00AD},   {0x0600, 0x0605},   {0x061C, 0x061C},   {0x06DD, 0x06DD},   {0x070F, 0x070F},
	{0x0890, 0x0891},   {0x08E2, 0x08E2},   {0x180E, 0x180E},   {0x200B, 0x200F},   {0x2028, 0x202E},
	{0x2060, 0x2064},   {0x2066, 0x206F},   {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},   {0x110BD, 0x110BD},
	{0x110CD, 0x110CD}, {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001},
	{0xE0020, 0xE007F},
};

/* Returns 1 for a character that could hide, reorder or fake text on a
 * screen: C0 and C1 controls, DEL and the hidden[] characters. */
static int invisible(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(hidden) / sizeof(hidden[0]);

	if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
		return 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < hidden[mid][0])
			hi = mid;
		else if (cp > hidden[mid][1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* Formats the JSON escape of cp into tmp (size bytes, 13 needed): \uXXXX,
 * or a surrogate pair past the BMP. Returns tmp. */
static const char *json_u(char *tmp, size_t size, uint32_t cp)
{
	if (cp < 0x10000)
		snprintf(tmp, size, "\\u%04x", (unsigned)cp);
	else
		snprintf(tmp, size, "\\u%04x\\u%04x", (unsigned)(0xD800 + ((cp - 0x10000) >> 10)),
			 (unsigned)(0xDC00 + ((cp - 0x10000) & 0x3FF)));
	return tmp;
}

/* Which outputs show a byte as it is: bit FOR_x of plain_for[c] is set
 * when the output FOR_x shows the printable ASCII byte c unescaped. A
 * constant table, so that the run of plain bytes (most of every value)
 * costs a load and a test per byte. */
#define FOR_ALL ((1u << FOR_TEXT) | (1u << FOR_HTML) | (1u << FOR_MD) | (1u << FOR_CSV) | (1u << FOR_JSON))
#define NOT_HTML(c) ((c) == '&' || (c) == '<' || (c) == '>' || (c) == '"' || (c) == '\'' ? 1u << FOR_HTML : 0u)
#define NOT_MD(c)                                                                                                      \
	((c) == '&' || (c) == '<' || (c) == '>' || (c) == '\\' || (c) == '`' || (c) == '*' || (c) == '_' ||            \
		 (c) == '[' || (c) == ']' || (c) == '|' || (c) == '~'                                                  \
	     ? 1u << FOR_MD                                                                                            \
	     : 0u)
#define NOT_CSV(c) ((c) == '"' ? 1u << FOR_CSV : 0u)
#define NOT_JSON(c) ((c) == '"' || (c) == '\\' ? 1u << FOR_JSON : 0u)
#define PLAIN(c) ((c) < 0x20 || (c) >= 0x7F ? 0u : FOR_ALL & ~(NOT_HTML(c) | NOT_MD(c) | NOT_CSV(c) | NOT_JSON(c)))
#define PLAIN4(c) PLAIN(c), PLAIN((c) + 1), PLAIN((c) + 2), PLAIN((c) + 3)
#define PLAIN16(c) PLAIN4(c), PLAIN4((c) + 4), PLAIN4((c) + 8), PLAIN4((c) + 12)
#define PLAIN64(c) PLAIN16(c), PLAIN16((c) + 16), PLAIN16((c) + 32), PLAIN16((c) + 48)
static const unsigned char plain_for[256] = {PLAIN64(0), PLAIN64(64), PLAIN64(128), PLAIN64(192)};

/* Returns the length of the run of bytes at p (n of them) that the output
 * `how` shows as they are. */
static size_t plain_run(const unsigned char *p, size_t n, int how)
{
	const unsigned char bit = (unsigned char)(1u << how);
	size_t k;

	for (k = 0; k < n && (plain_for[p[k]] & bit); k++)
		;
	return k;
}

/* Appends s escaped for the output `how` (FOR_*). Returns 0, or -1 when
 * out of memory. */
static int escape(nd_buf *b, const char *s, int how)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;
	char tmp[16];
	int rc = 0;

	while (n && rc == 0) {
		uint32_t cp;
		const char *rep = NULL;

		if ((len = plain_run(p, n, how)) != 0) {
			rc = nd_buf_append(b, (const char *)p, len);
			p += len;
			n -= len;
			continue;
		}
		len = utf8_next(p, n, &cp);
		if (!len) {
			/* Invalid bytes: shown as such on a terminal, U+FFFD elsewhere. */
			if (how == FOR_TEXT)
				snprintf(tmp, sizeof(tmp), "\\x%02x", p[0]);
			rep = how == FOR_TEXT ? tmp : how == FOR_JSON ? "\\ufffd" : "\xEF\xBF\xBD";
			len = 1;
		} else if (how == FOR_JSON) {
			if (cp == '"' || cp == '\\')
				rep = cp == '"' ? "\\\"" : "\\\\";
			else if (cp == '\n' || cp == '\t')
				rep = cp == '\n' ? "\\n" : "\\t";
			else if (invisible(cp))
				rep = json_u(tmp, sizeof(tmp), cp);
		} else if (how == FOR_CSV && (cp == '\n' || cp == '\r' || cp == '\t')) {
			rep = NULL; /* kept inside the quotes */
		} else if (invisible(cp)) {
			snprintf(tmp, sizeof(tmp), cp < 0x100 ? "\\x%02x" : "\\u{%04x}", (unsigned)cp);
			rep = tmp;
		} else if ((how == FOR_HTML || how == FOR_MD) && (cp == '&' || cp == '<' || cp == '>')) {
			rep = cp == '&' ? "&amp;" : cp == '<' ? "&lt;" : "&gt;";
		} else if (how == FOR_HTML && (cp == '"' || cp == '\'')) {
			rep = cp == '"' ? "&quot;" : "&#39;";
		} else if (how == FOR_MD && cp < 0x80 && strchr("\\`*_[]|~", (int)cp)) {
			tmp[0] = '\\';
			tmp[1] = (char)cp;
			tmp[2] = 0;
			rep = tmp;
		} else if (how == FOR_CSV && cp == '"') {
			rep = "\"\"";
		}
		rc |= rep ? nd_buf_append(b, rep, strlen(rep)) : nd_buf_append(b, p, len);
		p += len;
		n -= len;
	}
	return rc;
}

/* Sixteen bytes, compared lane by lane (GCC and Clang vectors: SSE2 on
 * x86-64, NEON on ARM, words elsewhere). */
typedef unsigned char nd_bytes16 __attribute__((vector_size(16)));

/* Returns nonzero when one of the 16 bytes at p is of the kinds given
 * (ORed): 1 below 0x20, 0x7F and above; 2 " or \; 4 below 0x20. Inline,
 * kinds a constant: the test of the other kinds is not made. */
static inline int json_block_kinds(const char *p, int kinds)
{
	nd_bytes16 v, m = {0};
	uint64_t w[2];

	memcpy(&v, p, sizeof(v));
	if (kinds & 1)
		m |= (nd_bytes16)((nd_bytes16)(v - 0x20) > 0x5E);
	if (kinds & 2)
		m |= (nd_bytes16)(v == '"') | (nd_bytes16)(v == '\\');
	if (kinds & 4)
		m |= (nd_bytes16)(v < 0x20);
	memcpy(w, &m, sizeof(w));
	return (w[0] | w[1]) != 0;
}

/* Fills the 16 bytes at out with bytes of the n (below 16) at s, every
 * one of them among them: two overlapping words of 8 or 4 bytes, or the
 * first, middle and last byte with a plain byte ('a') after them (a copy
 * of n bytes into a padded block cost a call). Returns nothing. */
static inline void short_block(const char *s, size_t n, char *out)
{
	const unsigned char *u = (const unsigned char *)s;
	uint64_t a = 0x6161616161616161ULL, b;
	uint32_t x, y;

	if (n >= 8) {
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
	} else if (n >= 4) {
		memcpy(&x, s, 4);
		memcpy(&y, s + n - 4, 4);
		a = b = x | (uint64_t)y << 32;
	} else {
		if (n) /* little or big end: only which lanes hold them differs */
			a = (a & ~0xFFFFFFULL) | u[0] | (uint64_t)u[n / 2] << 8 | (uint64_t)u[n - 1] << 16;
		b = a;
	}
	memcpy(out, &a, 8);
	memcpy(out + 8, &b, 8);
}

/* Returns 1 when none of the n bytes at s is of the kinds (json_block_kinds)
 * given, else 0. Inline as json_block_kinds. */
static inline int json_none(const char *s, size_t n, int kinds)
{
	char block[16];
	size_t k;

	if (n < 16) {
		short_block(s, n, block);
		return !json_block_kinds(block, kinds);
	}
	for (k = 0; k + 16 <= n; k += 16)
		if (json_block_kinds(s + k, kinds))
			return 0;
	return !json_block_kinds(s + n - 16, kinds); /* the last 16 bytes, some of them checked already */
}

int nd_escape_json_plain(const char *s, size_t n)
{
	return json_none(s, n, 3);
}

int nd_escape_json_ascii(const char *s, size_t n)
{
	return json_none(s, n, 1);
}

int nd_escape_json(nd_buf *b, const char *s)
{
	int rc;

	if (!s)
		return nd_buf_append(b, "null", 4);
	/* Statements, not one expression: the operands of | are unsequenced. */
	rc = nd_buf_append(b, "\"", 1);
	rc |= escape(b, s, FOR_JSON);
	return rc | nd_buf_append(b, "\"", 1);
}

char *nd_escape_json_sql(char *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	if (json_none(s, n, 4 | 2)) { /* most strings: copied between quotes */
		*o++ = '"';
		memcpy(o, s, n);
		o[n] = '"';
		return o + n + 1;
	}
	*o++ = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\') {
			*o++ = (char)c;
			continue;
		}
		*o++ = '\\';
		if (c == '"' || c == '\\')
			*o++ = (char)c;
		else if (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t')
			*o++ = c == '\b' ? 'b' : c == '\f' ? 'f' : c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		else {
			memcpy(o, "u00", 3);
			o[3] = hex[c >> 4];
			o[4] = hex[c & 15];
			o += 5;
		}
	}
	*o++ = '"';
	return o;
}

int nd_escape_text(nd_buf *b, const char *s)
{
	return escape(b, s, FOR_TEXT);
}

int nd_escape_html(nd_buf *b, const char *s)
{
	return escape(b, s ? s : "", FOR_HTML);
}

int nd_escape_md(nd_buf *b, const char *s)
{
	return escape(b, s ? s : "", FOR_MD);
}

int nd_escape_csv(nd_buf *b, const char *s)
{
	int rc = nd_buf_append(b, "\"", 1);

	if (!s)
		s = "";
	/* A cell starting like a formula would be run by a spreadsheet. */
	if (strchr("=+-@\t\r", s[0]) && s[0])
		rc |= nd_buf_append(b, "'", 1);
	rc |= escape(b, s, FOR_CSV);
	return rc | nd_buf_append(b, "\"", 1);
}
