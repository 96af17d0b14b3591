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
