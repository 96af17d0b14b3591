/* Unit tests of nd_identity (user-name forms, domain learning) and
 * nd_escape (terminal, JSON, HTML, Markdown and CSV escaping). */
#include "../unit/check.h"
#include "nd_escape.h"
#include "nd_identity.h"

/* Returns the key of name (default domain dflt) in d, in a static buffer. */
static const char *key(nd_domains *d, const char *name, const char *dflt)
{
	static char out[600];
	nd_identity id;

	if (nd_identity_parse(name, dflt, &id) != 0)
		return "(none)";
	return nd_domains_key(d, &id, out, sizeof(out));
}

/* Returns s escaped by fn, in a static buffer. */
static const char *esc(int (*fn)(nd_buf *, const char *), const char *s)
{
	static nd_buf b;

	nd_buf_reset(&b);
	fn(&b, s);
	nd_buf_append(&b, "", 0);
	return b.data;
}

int main(void)
{
	nd_domains *d = nd_domains_new();
	nd_identity id;
	nd_error err;

	CHECK(nd_identity_parse("LAB\\RDeckard", NULL, &id) == 0);
	CHECK_STR(id.domain, "lab");
	CHECK_STR(id.user, "rdeckard");
	/* Names are kept as logged: white space and control characters are
	 * part of the name, so these are four identities (issue 9, item 12). */
	CHECK(nd_identity_parse(" LAB\\RDeckard ", NULL, &id) == 0);
	CHECK_STR(id.domain, " lab");
	CHECK_STR(id.user, "rdeckard ");
	CHECK(nd_identity_parse("\t=1+1", NULL, &id) == 0);
	CHECK_STR(id.user, "\t=1+1");
	CHECK(nd_identity_parse("\r=1+1", NULL, &id) == 0);
	CHECK_STR(id.user, "\r=1+1");
	CHECK(nd_identity_parse(" =1+1", NULL, &id) == 0);
	CHECK_STR(id.user, " =1+1");
	CHECK(nd_identity_parse("RDeckard@Lab.Example", NULL, &id) == 0);
	CHECK_STR(id.domain, "lab.example");
	CHECK(nd_identity_parse("host/CLIENT01.lab.example", NULL, &id) == 0);
	CHECK_STR(id.user, "client01$");
	CHECK_STR(id.domain, "lab.example");
	CHECK(nd_identity_parse("bob", "LAB", &id) == 0);
	CHECK_STR(id.domain, "lab");
	CHECK(nd_identity_parse("bob", "-", &id) == 0);
	CHECK_STR(id.domain, "");
	CHECK(nd_identity_parse("-", NULL, &id) == -1);
	CHECK(nd_identity_parse("", NULL, &id) == -1);
	CHECK(nd_identity_parse("lab.example/Users/Alice", NULL, &id) == -1);
	CHECK(nd_identity_is_system("SYSTEM"));
	CHECK(nd_identity_is_system("NT AUTHORITY\\SYSTEM"));
	CHECK(!nd_identity_is_system("LAB\\system"));

	/* Nothing learned: the NetBIOS name stays itself. */
	CHECK_STR(key(d, "LAB\\rdeckard", NULL), "lab\\rdeckard");
	/* A computer name makes lab.example known: LAB maps to it by first label. */
	CHECK(nd_domains_known(d, "lab.example", &err) == 0);
	CHECK_STR(key(d, "LAB\\rdeckard", NULL), "lab.example\\rdeckard");
	CHECK_STR(key(d, "rdeckard@LAB.EXAMPLE", NULL), "lab.example\\rdeckard");
	/* A second candidate by first label makes the guess ambiguous ... */
	CHECK(nd_domains_known(d, "lab.other", &err) == 0);
	CHECK_STR(key(d, "LAB\\rdeckard", NULL), "lab\\rdeckard");
	/* ... until the events pair LAB with a name: the learned pair wins. */
	CHECK(nd_domains_same(d, "corp.example", "LAB", &err) == 0);
	CHECK_STR(key(d, "LAB\\rdeckard", NULL), "corp.example\\rdeckard");
	CHECK(nd_domains_same(d, "lab.example", "LAB", &err) == 0);
	CHECK_STR(key(d, "rdeckard@corp.example", NULL), "corp.example\\rdeckard");
	CHECK_STR(key(d, "rdeckard@lab.example", NULL), "corp.example\\rdeckard");
	CHECK_STR(key(d, "OTHER\\rdeckard", NULL), "other\\rdeckard");
	CHECK_STR(key(d, "rdeckard", NULL), "rdeckard");
	nd_domains_free(d);

	CHECK_STR(esc(nd_escape_text, "LAB\\a\x1b[1m\n\xff\xe2\x80\xae" "ok \xc3\xa9"), "LAB\\a\\x1b[1m\\x0a\\xff\\u{202e}ok \xc3\xa9");
	CHECK_STR(esc(nd_escape_json, "q\"b\\s\x01\n\xff\xc0\x80\xed\xa0\x80 \xf0\x9f\x98\x80"),
		  "\"q\\\"b\\\\s\\u0001\\n\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd \xf0\x9f\x98\x80\"");
	CHECK_STR(esc(nd_escape_json, NULL), "null");
	CHECK_STR(esc(nd_escape_html, "<script>alert('x')</script> & \"q\"\xe2\x80\xae\xff"),
		  "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;\\u{202e}\xef\xbf\xbd");
	CHECK_STR(esc(nd_escape_md, "a|b *c* [l](u) <img src=x> `x` \\ 2025-03-14."), "a\\|b \\*c\\* \\[l\\](u) &lt;img src=x&gt; \\`x\\` \\\\ 2025-03-14.");
	CHECK_STR(esc(nd_escape_csv, "say \"hi\"\nnext"), "\"say \"\"hi\"\"\nnext\"");
	CHECK_STR(esc(nd_escape_csv, "=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
	CHECK_STR(esc(nd_escape_csv, "-2146762487"), "\"'-2146762487\"");
	CHECK_STR(esc(nd_escape_csv, NULL), "\"\"");
	return check_report();
}
