#include "nd_escape.h"

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

int nd_escape_json(nd_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, len;
	char tmp[8];
	int rc = 0;

	if (!s)
		return nd_buf_append(b, "null", 4);
	n = strlen(s);
	rc |= nd_buf_append(b, "\"", 1);
	while (n && rc == 0) {
		uint32_t cp;

		len = utf8_next(p, n, &cp);
		if (!len) {
			rc |= nd_buf_append(b, "\\ufffd", 6);
			len = 1;
		} else if (cp == '"' || cp == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)cp;
			rc |= nd_buf_append(b, tmp, 2);
		} else if (cp == '\n') {
			rc |= nd_buf_append(b, "\\n", 2);
		} else if (cp == '\t') {
			rc |= nd_buf_append(b, "\\t", 2);
		} else if (cp < 0x20 || cp == 0x7F || cp == 0x2028 || cp == 0x2029) {
			snprintf(tmp, sizeof(tmp), "\\u%04x", (unsigned)cp);
			rc |= nd_buf_append(b, tmp, 6);
		} else {
			rc |= nd_buf_append(b, p, len);
		}
		p += len;
		n -= len;
	}
	return rc | nd_buf_append(b, "\"", 1);
}

/* How escape() treats characters for each output. */
enum { FOR_TEXT, FOR_HTML, FOR_MD, FOR_CSV };

/* Returns 1 for a character that could hide or fake text on a screen: C0
 * and C1 controls, DEL, bidirectional marks, overrides and isolates. */
static int invisible(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || (cp >= 0x200E && cp <= 0x200F) ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
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

		len = utf8_next(p, n, &cp);
		if (!len) {
			/* Invalid bytes: shown as such on a terminal, U+FFFD in documents. */
			if (how == FOR_TEXT)
				snprintf(tmp, sizeof(tmp), "\\x%02x", p[0]);
			rep = how == FOR_TEXT ? tmp : "\xEF\xBF\xBD";
			len = 1;
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
	return rc | escape(b, s, FOR_CSV) | nd_buf_append(b, "\"", 1);
}
