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

/* A cause object as written, but for its confidence (the incident's). */
typedef struct nd_json_cause {
	nd_buf text;  /* {"id":..,"title":.. then ,"explanation":..}; empty: not made yet */
	size_t split; /* where the confidence goes */
} nd_json_cause;

/* Texts made once per code of a code table (by nd_res_code.index), each
 * an nd_buf, empty while not made. */
typedef struct nd_json_codes {
	nd_buf *v;
	size_t n;
} nd_json_codes;

/* The cause objects of one results reader, each escaped once and copied
 * onto every line of its incidents (nd_res_cause.index), and so the
 * client_error objects (ras) and the reason part of the nps_decision
 * objects (nps). Zero it to start. */
typedef struct nd_json_causes {
	nd_json_cause *v;
	size_t n;
	nd_json_codes ras, nps;
} nd_json_causes;

/* Frees the cached objects. Returns nothing. */
void nd_json_causes_free(nd_json_causes *jc);

/* Appends the object of a loaded incident or finding. line: the object is a
 * JSONL line of its own and starts with "schema_version"; news: NULL, or
 * "new" / "grown" (tail) as a "news" member; jc: NULL, or the cause objects
 * of the reader i comes from. Returns nothing (failures are kept in o). */
void nd_json_incident(nd_out *o, const nd_res_incident *i, int line, const char *news, nd_json_causes *jc);

/* Appends {"code":..,"symbol":..,"meaning":..} for a code, or null.
 * Returns nothing. */
void nd_json_code(nd_out *o, const nd_res_code *c);

/* Appends the NPS decision object of an incident, or null. Returns
 * nothing. */
void nd_json_nps_decision(nd_out *o, const nd_res_incident *i);

/* Appends the facts array ([{"name":..,"value":..}]). Returns nothing. */
void nd_json_facts(nd_out *o, const nd_res_incident *i);

/* Returns the host an incident is about, for a SIEM's host column: the
 * client computer (else the VPN server, else the NPS server); for a finding
 * the host that logged it. NULL when none is known. */
const char *nd_json_host(const nd_res_incident *i);

/* Appends s as a JSON string, or null. Returns nothing. */
void nd_json_str(nd_out *o, const char *s);

#endif
