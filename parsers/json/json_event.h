/* json_event: one event exported as a JSON object, as the nd_record the
 * .evtx it came from gives. Three shapes are read, told apart by their
 * members:
 *
 *   Winlogbeat / Elastic Common Schema   {"@timestamp": .., "winlog": {"event_id", "provider_name",
 *                                         "channel", "computer_name", "record_id", "version",
 *                                         "event_data": {..}, "user_data": {..}}}; Winlogbeat's
 *                                         names for unnamed <Data> ("param1"..) become unnamed
 *   evtx_dump (Rust)                     {"Event": {"System": {..}, "EventData": {..}}}: the XML as
 *                                         JSON, attributes under "#attributes", text under "#text"
 *   Get-WinEvent | ConvertTo-Json        {"Id", "ProviderName", "LogName", "MachineName", "RecordId",
 *                                         "TimeCreated": "/Date(ms)/", "Properties": [{"Value"}..]}:
 *                                         the properties are unnamed, for the family layouts to name
 */
#ifndef ND_JSON_EVENT_H
#define ND_JSON_EVENT_H

#include <stdint.h>

#include <json-c/json.h>

#include "nd_error.h"
#include "nd_record.h"

/* Reads the event id of the event object o, in whichever shape, without
 * building the record. Returns 0 with *id set, or -1 when o has none. */
int nd_json_event_id(json_object *o, uint32_t *id);

/* Fills rec (reset first) from the event object o. Returns 0, or -1 with
 * err set when o is none of the shapes or lacks an event id, provider or
 * valid time. */
int nd_json_event_parse(json_object *o, nd_record *rec, nd_error *err);

#endif
