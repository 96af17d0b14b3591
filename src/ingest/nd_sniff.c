#include "nd_sniff.h"

#include <string.h>

#include "nd_archive.h"
#include "nps_text.h"
#include "text_decode.h"

/* Returns 1 if c is XML white space, else 0. */
static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Returns the offset just past the first lit in s[i..n), or n when absent. */
static size_t past(const char *s, size_t i, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	for (; i + k <= n; i++)
		if (memcmp(s + i, lit, k) == 0)
			return i + k;
	return n;
}

/* Returns 1 if lit occurs in s[i..n), else 0. */
static int has(const char *s, size_t i, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	for (; i + k <= n; i++)
		if (s[i] == lit[0] && memcmp(s + i, lit, k) == 0)
			return 1;
	return 0;
}

/* Returns 1 if the ASCII text s[0..n) is event XML: <Event or <Events after
 * white space, declarations and comments, else 0. */
static int is_event_xml(const char *s, size_t n)
{
	size_t i = 0;

	for (;;) {
		while (i < n && is_space(s[i]))
			i++;
		if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0)
			i = past(s, i + 4, n, "-->");
		else if (n - i >= 2 && (memcmp(s + i, "<?", 2) == 0 || memcmp(s + i, "<!", 2) == 0))
			i = past(s, i + 2, n, ">");
		else
			break;
	}
	return n - i >= 7 && memcmp(s + i, "<Event", 6) == 0 &&
	       (s[i + 6] == 's' || s[i + 6] == '>' || is_space(s[i + 6]));
}

/* Returns 1 if the ASCII text s[i..n) is a JSON export of events: an
 * object whose first member name follows, or an array whose first object
 * follows (so that an INI file's "[section]" is not taken for one), holding
 * a name only event exports use (Winlogbeat's "winlog" or its agent name,
 * evtx_dump's "System", Get-WinEvent's "ProviderName"): other JSON, such
 * as npsdiag's own reports, is not an input. Else returns 0. */
static int is_json(const char *s, size_t i, size_t n)
{
	static const char *const names[] = {"\"winlog", "\"winlogbeat\"", "\"System\"", "\"ProviderName\""};
	char open = s[i];
	size_t k;

	if (open != '{' && open != '[')
		return 0;
	for (i++; i < n && is_space(s[i]); i++)
		;
	if (i == n || (open == '{' ? s[i] != '"' : s[i] != '{'))
		return 0;
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (has(s, i, n, names[k]))
			return 1;
	return 0;
}

nd_input_format nd_sniff(const uint8_t *p, size_t n)
{
	char ascii[ND_SNIFF_BYTES];
	size_t bom, i, j, k = 0;
	nd_text_encoding enc;

	if (n >= 8 && memcmp(p, "ElfFile", 8) == 0)
		return ND_INPUT_EVTX;
	if (nd_archive_is_archive(p, n))
		return ND_INPUT_ARCHIVE;
	enc = nd_text_detect(p, n, &bom);
	/* The ASCII skeleton of the text: enough to see its first markup. */
	for (i = bom; i < n && k < sizeof(ascii); i += enc == ND_TEXT_UTF8 ? 1 : 2) {
		uint8_t c = p[i], other = 0;

		if (enc != ND_TEXT_UTF8) {
			if (i + 1 >= n)
				break;
			c = enc == ND_TEXT_UTF16LE ? p[i] : p[i + 1];
			other = enc == ND_TEXT_UTF16LE ? p[i + 1] : p[i];
		}
		ascii[k++] = (char)(other || c >= 0x80 ? 0x7f : c);
	}
	for (i = 0; i < k && is_space(ascii[i]); i++)
		;
	if (i == k)
		return ND_INPUT_EMPTY;
	/* A DTS log line is also an <Event>: asked first. */
	for (j = i; j < k && ascii[j] != '\n' && ascii[j] != '\r'; j++)
		;
	if ((j < k || k < sizeof(ascii)) && nd_nps_text_line_format(ascii + i, j - i) != ND_NPS_TEXT_NONE)
		return ND_INPUT_NPS_TEXT;
	if (is_event_xml(ascii, k))
		return ND_INPUT_XML;
	if (is_json(ascii, i, k))
		return ND_INPUT_JSON;
	return ND_INPUT_UNKNOWN;
}
