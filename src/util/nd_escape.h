/* nd_escape: event-derived text made safe for output. Event strings are
 * attacker-controlled (a RADIUS user name can hold ESC, newlines, invalid
 * UTF-8 or bidirectional overrides). */
#ifndef ND_ESCAPE_H
#define ND_ESCAPE_H

#include "nd_buf.h"

/* The invisible characters every escaper below shows escaped: C0 and C1
 * controls, DEL, and Unicode's format characters and line and paragraph
 * separators (Cf, Zl, Zp: bidirectional controls, zero width space and
 * joiners, U+061C, U+2060-2064, BOM, soft hyphen, tags...). docs/internals.md
 * "What escaping guarantees" says it per output. */

/* Appends s as a JSON string (with quotes) to b: valid UTF-8, invalid
 * bytes as \ufffd, quotes, backslashes and invisible characters escaped
 * (\n, \t, \uXXXX, a surrogate pair past the BMP: the same string, but
 * neutral when printed raw); a NULL s appends null. Returns 0, or -1 when
 * out of memory. */
int nd_escape_json(nd_buf *b, const char *s);

/* Returns 1 when nd_escape_json shows each of the n bytes at s as it is
 * (printable ASCII but " and \), else 0: a check of 16 bytes at a time,
 * for writers that then copy s between quotes. */
int nd_escape_json_plain(const char *s, size_t n);

/* Returns 1 when each of the n bytes at s is printable ASCII (" and \
 * among them: nd_escape_json escapes only those two, with a backslash),
 * else 0; checked as nd_escape_json_plain. */
int nd_escape_json_ascii(const char *s, size_t n);

/* Writes the n bytes at s at o as a JSON string (with quotes) escaped
 * as SQLite's json functions escape: quotes, backslashes and bytes below
 * 0x20 escaped (\n, \t, \u00XX), every other byte as it is (invalid
 * UTF-8 too), so that json_extract gives the same bytes back and names
 * written by SQL and by npsdiag compare equal; o has room for 6 * n + 2
 * bytes. Returns o past it. */
char *nd_escape_json_sql(char *o, const char *s, size_t n);

/* Appends s for a terminal to b: invisible characters and invalid bytes
 * as \xNN or \u{NNNN}, the rest as is. Returns 0, or -1 when out of
 * memory. */
int nd_escape_text(nd_buf *b, const char *s);

/* Appends s as HTML text or attribute value: & < > " ' as entities,
 * invisible characters (as for a terminal) shown as \xNN / \u{NNNN},
 * invalid bytes as U+FFFD; NULL as empty. Returns 0, or -1. */
int nd_escape_html(nd_buf *b, const char *s);

/* Appends s as Markdown text (inline, or in a table cell) that renders as
 * itself: \ ` * _ [ ] | ~ backslash-escaped, & < > as entities so that no
 * raw HTML gets through, invisible characters as above. Returns 0, or -1. */
int nd_escape_md(nd_buf *b, const char *s);

/* Appends s as one RFC 4180 CSV field: always quoted, quotes doubled,
 * newlines, CR and TAB kept inside the quotes, other invisible characters
 * as \xNN or \u{NNNN}, invalid bytes as U+FFFD, and a leading
 * ' when the value starts with = + - @ TAB or CR (a spreadsheet would
 * take it for a formula). Returns 0, or -1. */
int nd_escape_csv(nd_buf *b, const char *s);

#endif
