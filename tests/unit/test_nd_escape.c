/* Unit tests of src/util/nd_escape: attacker-controlled text made safe for
 * JSON, terminals, HTML, Markdown and CSV. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "nd_buf.h"
#include "nd_escape.h"

/* Runs one escaper on s into a fresh buffer. Returns the buffer's text
 * (kept in *b; free it). */
static const char *esc(int (*f)(nd_buf *, const char *), nd_buf *b, const char *s)
{
	nd_buf_reset(b);
	if (f(b, s) != 0)
		return "(failed)";
	return b->data ? b->data : "";
}

/* JSON: quotes, backslash, controls, invalid UTF-8, NULL. */
static void test_escape_json(void)
{
	nd_buf b = {0};

	CHECK_STR(esc(nd_escape_json, &b, "a\"b\\c"), "\"a\\\"b\\\\c\"");
	CHECK_STR(esc(nd_escape_json, &b, "\n\x1b"), "\"\\n\\u001b\"");
	CHECK_STR(esc(nd_escape_json, &b, "\xff"), "\"\\ufffd\"");
	CHECK_STR(esc(nd_escape_json, &b, "\xC3\xA9"), "\"\xC3\xA9\"");
	CHECK_STR(esc(nd_escape_json, &b, NULL), "null");
	CHECK_STR(esc(nd_escape_json, &b, ""), "\"\"");
	nd_buf_free(&b);
}

/* nd_escape_json_plain: every byte value at every place of the 16-byte
 * blocks and of the tail after them says "plain" exactly when the escaper
 * copies the string as it is (for ASCII; bytes from 0x80 on are never
 * plain), in strings of 1 to 40 bytes of 'a' around it. */
static void test_escape_json_plain(void)
{
	char s[41], want[45];
	nd_buf b = {0};
	size_t n, at;
	int c, bad = 0;

	CHECK(nd_escape_json_plain("", 0) == 1);
	CHECK(nd_escape_json_plain("LAB\\u000001", 11) == 0);
	CHECK(nd_escape_json_plain("CLIENT000001.lab.example", 24) == 1);
	for (n = 1; n < sizeof(s); n++) {
		for (at = 0; at < n; at++) {
			for (c = 1; c < 256; c++) {
				int plain;

				memset(s, 'a', n);
				s[n] = 0;
				s[at] = (char)c;
				snprintf(want, sizeof(want), "\"%s\"", s);
				plain = nd_escape_json_plain(s, n);
				bad += plain != (c < 0x80 && strcmp(esc(nd_escape_json, &b, s), want) == 0);
			}
		}
	}
	CHECK(bad == 0);
	nd_buf_free(&b);
}

/* nd_escape_json_sql: every byte value at every place of the 16-byte
 * blocks and of the tail after them, in strings of 1 to 40 bytes of 'a'
 * around it: quotes, backslashes and bytes below 0x20 escaped as SQLite
 * escapes them (\b \f \n \r \t, else \u00xx), every other byte as it
 * is. */
static void test_escape_json_sql(void)
{
	char s[41], out[6 * 41 + 2], want[6 * 41 + 2], one[8];
	size_t n, at;
	int c, bad = 0;
	char *end = nd_escape_json_sql(out, "", 0);

	CHECK(end == out + 2 && memcmp(out, "\"\"", 2) == 0);
	end = nd_escape_json_sql(out, "a\"\\\b\f\n\r\t\x01\x7f\xff", 11);
	CHECK(end - out == 25 && memcmp(out, "\"a\\\"\\\\\\b\\f\\n\\r\\t\\u0001\x7f\xff\"", 25) == 0);
	for (n = 1; n < sizeof(s); n++) {
		for (at = 0; at < n; at++) {
			for (c = 1; c < 256; c++) {
				memset(s, 'a', n);
				s[at] = (char)c;
				if (c == '"' || c == '\\')
					snprintf(one, sizeof(one), "\\%c", c);
				else if (c < 0x20 && strchr("\b\f\n\r\t", c))
					snprintf(one, sizeof(one), "\\%c", "btn?fr"[c - 8]);
				else if (c < 0x20)
					snprintf(one, sizeof(one), "\\u%04x", (unsigned)c);
				else
					snprintf(one, sizeof(one), "%c", c);
				snprintf(want, sizeof(want), "\"%.*s%s%.*s\"", (int)at, s, one, (int)(n - at - 1), s + at + 1);
				end = nd_escape_json_sql(out, s, n);
				bad += (size_t)(end - out) != strlen(want) || memcmp(out, want, strlen(want)) != 0;
			}
		}
	}
	CHECK(bad == 0);
}

/* nd_escape_json_ascii: every byte value at every place of the 16-byte
 * blocks and of the tail after them says "ASCII" exactly when it is
 * printable ASCII (" and \ among them), in strings of 1 to 40 bytes of
 * 'a' around it. */
static void test_escape_json_ascii(void)
{
	char s[41];
	size_t n, at;
	int c, bad = 0;

	CHECK(nd_escape_json_ascii("", 0) == 1);
	CHECK(nd_escape_json_ascii("LAB\\u000001 \"x\"", 15) == 1);
	CHECK(nd_escape_json_ascii("tab\there", 8) == 0);
	for (n = 1; n < sizeof(s); n++) {
		for (at = 0; at < n; at++) {
			for (c = 1; c < 256; c++) {
				memset(s, 'a', n);
				s[n] = 0;
				s[at] = (char)c;
				bad += nd_escape_json_ascii(s, n) != (c >= 0x20 && c < 0x7F);
			}
		}
	}
	CHECK(bad == 0);
}

/* Terminal: controls, bidi overrides and invalid bytes made visible. */
static void test_escape_text(void)
{
	nd_buf b = {0};

	CHECK_STR(esc(nd_escape_text, &b, "ok \xC3\xA9"), "ok \xC3\xA9");
	CHECK_STR(esc(nd_escape_text, &b, "\x1b[31m"), "\\x1b[31m");
	CHECK_STR(esc(nd_escape_text, &b, "a\xE2\x80\xAE" "b"), "a\\u{202e}b");
	CHECK_STR(esc(nd_escape_text, &b, "\xC2\x9B"), "\\x9b");
	CHECK_STR(esc(nd_escape_text, &b, "\xff"), "\\xff");
	CHECK_STR(esc(nd_escape_text, &b, "\xE2\x90\x80"), "\xE2\x90\x80");
	nd_buf_free(&b);
}

/* HTML: the five specials, invisibles, invalid bytes, NULL. */
static void test_escape_html(void)
{
	nd_buf b = {0};

	CHECK_STR(esc(nd_escape_html, &b, "<a href='x'>&\"</a>"),
		  "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
	CHECK_STR(esc(nd_escape_html, &b, "\x07\xff"), "\\x07\xEF\xBF\xBD");
	CHECK_STR(esc(nd_escape_html, &b, NULL), "");
	nd_buf_free(&b);
}

/* Markdown: inline syntax escaped, raw HTML defused. */
static void test_escape_md(void)
{
	nd_buf b = {0};

	CHECK_STR(esc(nd_escape_md, &b, "*a*|_b_`c`[d]~\\"), "\\*a\\*\\|\\_b\\_\\`c\\`\\[d\\]\\~\\\\");
	CHECK_STR(esc(nd_escape_md, &b, "<img src=x>&"), "&lt;img src=x&gt;&amp;");
	CHECK_STR(esc(nd_escape_md, &b, NULL), "");
	nd_buf_free(&b);
}

/* CSV: always quoted, quotes doubled, newlines kept, formulas defused. */
static void test_escape_csv(void)
{
	nd_buf b = {0};

	CHECK_STR(esc(nd_escape_csv, &b, "a,b"), "\"a,b\"");
	CHECK_STR(esc(nd_escape_csv, &b, "say \"hi\""), "\"say \"\"hi\"\"\"");
	CHECK_STR(esc(nd_escape_csv, &b, "l1\nl2"), "\"l1\nl2\"");
	CHECK_STR(esc(nd_escape_csv, &b, "=1+1"), "\"'=1+1\"");
	CHECK_STR(esc(nd_escape_csv, &b, "-2"), "\"'-2\"");
	CHECK_STR(esc(nd_escape_csv, &b, "@x"), "\"'@x\"");
	CHECK_STR(esc(nd_escape_csv, &b, ""), "\"\"");
	CHECK_STR(esc(nd_escape_csv, &b, NULL), "\"\"");
	nd_buf_free(&b);
}

/* Invisible characters (issue 9 item 10): ALM, zero width space, line and
 * paragraph separators, joiners, BOM, word joiner and invisible operators,
 * bidi embeddings, overrides and isolates, soft hyphen, a tag character;
 * as UTF-8 and as every output shows them. */
static const struct {
	const char *utf8, *text, *json;
} invisibles[] = {
	{"\xD8\x9C", "\\u{061c}", "\\u061c"},
	{"\xE2\x80\x8B", "\\u{200b}", "\\u200b"},
	{"\xE2\x80\x8C", "\\u{200c}", "\\u200c"},
	{"\xE2\x80\x8D", "\\u{200d}", "\\u200d"},
	{"\xE2\x80\xA8", "\\u{2028}", "\\u2028"},
	{"\xE2\x80\xA9", "\\u{2029}", "\\u2029"},
	{"\xE2\x80\xAA", "\\u{202a}", "\\u202a"},
	{"\xE2\x80\xAE", "\\u{202e}", "\\u202e"},
	{"\xE2\x81\xA0", "\\u{2060}", "\\u2060"},
	{"\xE2\x81\xA4", "\\u{2064}", "\\u2064"},
	{"\xE2\x81\xA6", "\\u{2066}", "\\u2066"},
	{"\xE2\x81\xA9", "\\u{2069}", "\\u2069"},
	{"\xEF\xBB\xBF", "\\u{feff}", "\\ufeff"},
	{"\xC2\xAD", "\\xad", "\\u00ad"},
	{"\xC2\x85", "\\x85", "\\u0085"},
	{"\xF3\xA0\x80\x81", "\\u{e0001}", "\\udb40\\udc01"},
};

/* Every output shows invisible characters visibly; their neighbours in the
 * table stay as they are. */
static void test_escape_invisible(void)
{
	char in[32], want[64];
	nd_buf b = {0};
	size_t i;

	for (i = 0; i < sizeof(invisibles) / sizeof(invisibles[0]); i++) {
		snprintf(in, sizeof(in), "a%sb", invisibles[i].utf8);
		snprintf(want, sizeof(want), "a%sb", invisibles[i].text);
		CHECK_STR(esc(nd_escape_text, &b, in), want);
		CHECK_STR(esc(nd_escape_html, &b, in), want);
		CHECK_STR(esc(nd_escape_md, &b, in), want);
		snprintf(want, sizeof(want), "\"a%sb\"", invisibles[i].text);
		CHECK_STR(esc(nd_escape_csv, &b, in), want);
		snprintf(want, sizeof(want), "\"a%sb\"", invisibles[i].json);
		CHECK_STR(esc(nd_escape_json, &b, in), want);
	}
	/* Visible neighbours stay: U+061B, U+200A (hair space), U+2030, U+FEFE;
	 * an emoji stays raw in JSON; CR and DEL as before. */
	CHECK_STR(esc(nd_escape_text, &b, "\xD8\x9B\xE2\x80\x8A\xE2\x80\xB0\xEF\xBB\xBE"),
		  "\xD8\x9B\xE2\x80\x8A\xE2\x80\xB0\xEF\xBB\xBE");
	CHECK_STR(esc(nd_escape_json, &b, "\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");
	CHECK_STR(esc(nd_escape_json, &b, "\r\x7f"), "\"\\u000d\\u007f\"");
	nd_buf_free(&b);
}

int main(void)
{
	test_escape_invisible();
	test_escape_json();
	test_escape_json_plain();
	test_escape_json_sql();
	test_escape_json_ascii();
	test_escape_text();
	test_escape_html();
	test_escape_md();
	test_escape_csv();
	return check_report();
}
