/* evtxconvert_json: one record as the JSON an export tool writes for it
 * (docs/inputs.md): Winlogbeat's Elastic Common Schema document, the Rust
 * evtx_dump's rendering of the XML, or Get-WinEvent | ConvertTo-Json's
 * EventLogRecord (PowerShell 5.1: TimeCreated as "\/Date(ms)\/",
 * Properties an unnamed value array, SIDs as objects). */
#ifndef EVTXCONVERT_JSON_H
#define EVTXCONVERT_JSON_H

#include "nd_buf.h"
#include "nd_record.h"

typedef enum json_dialect { JSON_ECS, JSON_EVTX_DUMP, JSON_WINEVENT } json_dialect;

/* Appends r as one object of dialect to b, without a line end. Returns 0,
 * or -1 when out of memory. */
int evtxconvert_json(nd_buf *b, const nd_record *r, json_dialect dialect);

#endif
