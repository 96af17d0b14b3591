/* nd_escape: event-derived text made safe for output. Event strings are
 * attacker-controlled (a RADIUS user name can hold ESC, newlines, invalid
 * UTF-8 or bidirectional overrides). */
#ifndef ND_ESCAPE_H
#define ND_ESCAPE_H

#include "nd_buf.h"

/* Appends s as a JSON string (with quotes) to b: valid UTF-8, invalid
 * bytes as U+FFFD, quotes, backslashes and control characters escaped; a
 * NULL s appends null. Returns 0, or -1 when out of memory. */
int nd_escape_json(nd_buf *b, const char *s);

/* Appends s for a terminal to b: control characters (C0, DEL, C1),
 * bidirectional controls and invalid bytes as \xNN or \u{NNNN}, the rest
 * as is. Returns 0, or -1 when out of memory. */
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
 * newlines kept inside the quotes, invalid bytes as U+FFFD, and a leading
 * ' when the value starts with = + - @ TAB or CR (a spreadsheet would
 * take it for a formula). Returns 0, or -1. */
int nd_escape_csv(nd_buf *b, const char *s);

#endif
