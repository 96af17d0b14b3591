/* nd_json: the one JSON object of an incident or finding (docs/results-json.md),
 * written by `diagnose --format json|jsonl`, `report --format json` and
 * `tail --format jsonl` alike. */
#ifndef ND_JSON_H
#define ND_JSON_H

#include "nd_out.h"
#include "nd_results.h"

/* The version of the JSON documents and lines (1 before the schema was
 * written down). */
#define ND_JSON_SCHEMA_VERSION 2

/* Appends the object of a loaded incident or finding. line: the object is a
 * JSONL line of its own and starts with "schema_version"; news: NULL, or
 * "new" / "grown" (tail) as a "news" member. Returns nothing (failures are
 * kept in o). */
void nd_json_incident(nd_out *o, const nd_res_incident *i, int line, const char *news);

/* Appends s as a JSON string, or null. Returns nothing. */
void nd_json_str(nd_out *o, const char *s);

#endif
