/* Fuzz target: the escapers every output uses (src/util/nd_escape) on an
 * arbitrary string, each checked against what it promises, with checks
 * written independently of the escaper:
 * - JSON: json-c parses the output back to one string, equal to the input
 *   when the input is valid UTF-8;
 * - terminal: no control character (C0, DEL, C1), no bidirectional
 *   control, line separator or BOM, no invalid UTF-8 comes out raw;
 * - HTML: the same, and no raw < > " ', every & starts an entity;
 * - Markdown: the same as the terminal, no raw < >, and each of
 *   \ ` * _ [ ] | ~ behind an odd run of backslashes;
 * - CSV: one quoted field whose inner quotes are doubled, and no formula
 *   start (= + - @) right after the opening quote.
 * A broken promise aborts. Built for libFuzzer with -DNPSDIAG_FUZZ=ON
 * (clang), and for ctest with driver.c. */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nd_escape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes one UTF-8 sequence. Returns its length with *cp set, or 0 for
 * bytes that are not valid UTF-8. */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	len = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3 : s[0] >= 0xC2 && s[0] <= 0xDF ? 2 : 0;
	if (!len || len > n)
		return 0;
	c = s[0] & (0x7F >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3Fu);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* Returns 1 when s (n bytes) is valid UTF-8, else 0. */
static int valid_utf8(const char *s, size_t n)
{
	uint32_t cp;
	size_t i, k;

	for (i = 0; i < n; i += k)
		if (!(k = decode((const unsigned char *)s + i, n - i, &cp)))
			return 0;
	return 1;
}

/* Returns 1 for a character no escaped output may carry raw: controls,
 * DEL, C1, bidirectional controls, zero-width and line separators, BOM. */
static int dangerous(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || (cp >= 0x200B && cp <= 0x200F) ||
	       (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061C || cp == 0xFEFF;
}

/* Checks an escaped output: valid UTF-8, nothing dangerous but the
 * characters in allowed, none of the ASCII characters in banned. Aborts
 * otherwise. Returns nothing. */
static void check(const nd_buf *b, const char *allowed, const char *banned)
{
	const unsigned char *s = (const unsigned char *)b->data;
	size_t i, k;
	uint32_t cp;

	for (i = 0; i < b->len; i += k) {
		if (!(k = decode(s + i, b->len - i, &cp)))
			abort();
		if (dangerous(cp) && !(cp < 0x80 && cp && strchr(allowed, (int)cp)))
			abort();
		if (cp < 0x80 && cp && strchr(banned, (int)cp))
			abort();
	}
}

/* Checks that every & in an HTML output starts an entity (&name; or
 * &#NN;). Aborts otherwise. Returns nothing. */
static void check_entities(const nd_buf *b)
{
	size_t i, j;

	for (i = 0; i < b->len; i++) {
		if (b->data[i] != '&')
			continue;
		for (j = i + 1; j < b->len && j < i + 10 && b->data[j] != ';'; j++)
			if (!((b->data[j] >= 'a' && b->data[j] <= 'z') || (b->data[j] >= '0' && b->data[j] <= '9') ||
			      b->data[j] == '#' || b->data[j] == 'x'))
				abort();
		if (j >= b->len || b->data[j] != ';' || j == i + 1)
			abort();
	}
}

/* Checks the JSON output: one JSON string that decodes to s when s is
 * valid UTF-8. Aborts otherwise. Returns nothing. */
static void check_json(const nd_buf *b, const char *s, size_t n)
{
	json_tokener *tok = json_tokener_new();
	json_object *o;

	if (!tok)
		abort();
	o = json_tokener_parse_ex(tok, b->data, (int)b->len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success || tok->char_offset != (int)b->len ||
	    !json_object_is_type(o, json_type_string))
		abort();
	if (valid_utf8(s, n) &&
	    ((size_t)json_object_get_string_len(o) != n || memcmp(json_object_get_string(o), s, n) != 0))
		abort();
	json_object_put(o);
	json_tokener_free(tok);
	check(b, "", "");
}

/* Checks the Markdown output: no raw < >, Markdown's characters each
 * after an odd run of backslashes. Aborts otherwise. Returns nothing. */
static void check_md(const nd_buf *b)
{
	size_t i, j;

	check(b, "", "<>");
	for (i = 0; i < b->len; i++) {
		if (!b->data[i] || !strchr("`*_[]|~", b->data[i]))
			continue;
		for (j = i; j > 0 && b->data[j - 1] == '\\'; j--)
			;
		if ((i - j) % 2 == 0)
			abort();
	}
}

/* Checks the CSV output: "..." with inner quotes doubled, no formula
 * start, and only newline, CR and TAB among the controls. Aborts
 * otherwise. Returns nothing. */
static void check_csv(const nd_buf *b)
{
	size_t i;

	if (b->len < 2 || b->data[0] != '"' || b->data[b->len - 1] != '"')
		abort();
	for (i = 1; i + 1 < b->len; i++)
		if (b->data[i] == '"' && b->data[++i] != '"')
			abort();
	if (b->len > 2 && strchr("=+-@\t\r", b->data[1]))
		abort();
	check(b, "\n\r\t", "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	nd_buf b = {0};
	size_t n;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	n = strlen(s);
	if (nd_escape_json(&b, s) == 0)
		check_json(&b, s, n);
	b.len = 0;
	if (nd_escape_text(&b, s) == 0)
		check(&b, "", "");
	b.len = 0;
	if (nd_escape_html(&b, s) == 0) {
		check(&b, "", "<>\"'");
		check_entities(&b);
	}
	b.len = 0;
	if (nd_escape_md(&b, s) == 0)
		check_md(&b);
	b.len = 0;
	if (nd_escape_csv(&b, s) == 0)
		check_csv(&b);
	nd_buf_free(&b);
	free(s);
	return 0;
}
