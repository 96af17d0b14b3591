#include "evtxconvert_json.h"

#include <stdio.h>
#include <string.h>

#include "nd_escape.h"
#include "nd_time.h"

/* Appends "name":value-as-a-JSON-string, after a comma unless first. Returns
 * 0, or -1. */
static int str_member(nd_buf *b, const char *name, const char *value, int first)
{
	if ((!first && nd_buf_append(b, ",", 1) != 0) || nd_escape_json(b, name) != 0 || nd_buf_append(b, ":", 1) != 0)
		return -1;
	return nd_escape_json(b, value);
}

/* ECS: Winlogbeat names an unnamed <Data> "param1", "param2"... */
static int render_ecs(nd_buf *b, const nd_record *r)
{
	char when[ND_TIME_ISO_SIZE], param[32];
	size_t i;
	int rc = 0;

	rc |= nd_buf_printf(b, "{\"@timestamp\":\"%s\",\"event\":{\"code\":\"%u\",\"kind\":\"event\"},\"winlog\":{",
			    nd_time_format(r->time, when), r->event_id);
	rc |= str_member(b, "provider_name", r->provider, 1);
	if (r->provider_guid)
		rc |= str_member(b, "provider_guid", r->provider_guid, 0);
	rc |= nd_buf_printf(b, ",\"event_id\":\"%u\",\"record_id\":%llu", r->event_id,
			    (unsigned long long)r->record_id);
	if (r->version >= 0)
		rc |= nd_buf_printf(b, ",\"version\":%d", r->version);
	rc |= str_member(b, "channel", r->channel, 0);
	rc |= str_member(b, "computer_name", r->computer, 0);
	if (r->user_sid) {
		rc |= nd_buf_printf(b, ",\"user\":{");
		rc |= str_member(b, "identifier", r->user_sid, 1);
		rc |= nd_buf_append(b, "}", 1);
	}
	rc |= nd_buf_printf(b, ",\"event_data\":{");
	for (i = 0; i < r->nfields; i++) {
		snprintf(param, sizeof(param), "param%zu", i + 1);
		rc |= str_member(b, r->fields[i].name ? r->fields[i].name : param, r->fields[i].value, i == 0);
	}
	if (r->binary)
		rc |= str_member(b, "Binary", r->binary, r->nfields == 0);
	rc |= nd_buf_printf(b, "}},\"host\":{");
	rc |= str_member(b, "name", r->computer, 1);
	rc |= nd_buf_printf(b, "}}");
	return rc ? -1 : 0;
}

/* evtx_dump: the XML as JSON; unnamed <Data> values under "Data"."#text"
 * (a string for one, an array for more). */
static int render_evtx_dump(nd_buf *b, const nd_record *r)
{
	char when[ND_TIME_ISO_SIZE];
	size_t i, unnamed = 0;
	int rc = 0, first = 1;

	rc |= nd_buf_printf(b, "{\"Event\":{\"#attributes\":{\"xmlns\":"
			       "\"http://schemas.microsoft.com/win/2004/08/events/event\"},\"System\":{\"Provider\":"
			       "{\"#attributes\":{");
	rc |= str_member(b, "Name", r->provider, 1);
	if (r->provider_guid)
		rc |= str_member(b, "Guid", r->provider_guid, 0);
	if (r->source_name)
		rc |= str_member(b, "EventSourceName", r->source_name, 0);
	if (r->has_qualifiers)
		rc |= nd_buf_printf(b, "}},\"EventID\":{\"#attributes\":{\"Qualifiers\":%u},\"#text\":%u}", r->qualifiers,
				    r->event_id);
	else
		rc |= nd_buf_printf(b, "}},\"EventID\":%u", r->event_id);
	if (r->version >= 0)
		rc |= nd_buf_printf(b, ",\"Version\":%d", r->version);
	if (r->level >= 0)
		rc |= nd_buf_printf(b, ",\"Level\":%d", r->level);
	if (r->task >= 0)
		rc |= nd_buf_printf(b, ",\"Task\":%d", r->task);
	rc |= nd_buf_printf(b, ",\"Keywords\":\"0x%llx\",\"TimeCreated\":{\"#attributes\":{\"SystemTime\":\"%s\"}}",
			    (unsigned long long)r->keywords, nd_time_format(r->time, when));
	rc |= nd_buf_printf(b, ",\"EventRecordID\":%llu", (unsigned long long)r->record_id);
	rc |= str_member(b, "Channel", r->channel, 0);
	rc |= str_member(b, "Computer", r->computer, 0);
	if (r->user_sid) {
		rc |= nd_buf_printf(b, ",\"Security\":{\"#attributes\":{");
		rc |= str_member(b, "UserID", r->user_sid, 1);
		rc |= nd_buf_printf(b, "}}");
	}
	rc |= nd_buf_printf(b, "},\"EventData\":{");
	for (i = 0; i < r->nfields; i++) {
		if (!r->fields[i].name) {
			unnamed++;
			continue;
		}
		rc |= str_member(b, r->fields[i].name, r->fields[i].value, first);
		first = 0;
	}
	if (unnamed) {
		rc |= nd_buf_printf(b, "%s\"Data\":{\"#text\":%s", first ? "" : ",", unnamed > 1 ? "[" : "");
		for (i = 0, first = 1; i < r->nfields; i++) {
			if (r->fields[i].name)
				continue;
			rc |= (first ? 0 : nd_buf_append(b, ",", 1)) | nd_escape_json(b, r->fields[i].value);
			first = 0;
		}
		rc |= nd_buf_printf(b, "%s}", unnamed > 1 ? "]" : "");
	}
	if (r->binary)
		rc |= str_member(b, "Binary", r->binary, first && !unnamed);
	rc |= nd_buf_printf(b, "}}}");
	return rc ? -1 : 0;
}

/* Returns 1 if s looks like a SID ("S-1-..."), which PowerShell writes as a
 * SecurityIdentifier object, else 0. */
static int is_sid(const char *s)
{
	return strncmp(s, "S-1-", 4) == 0;
}

/* Appends a SecurityIdentifier as ConvertTo-Json -Depth 4 writes it.
 * Returns 0, or -1. */
static int sid_object(nd_buf *b, const char *sid)
{
	int rc = nd_buf_printf(b, "{\r\n  \"BinaryLength\":  12,\r\n  \"AccountDomainSid\":  null,\r\n  \"Value\":  ");

	rc |= nd_escape_json(b, sid);
	rc |= nd_buf_printf(b, "\r\n}");
	return rc ? -1 : 0;
}

/* Appends a System number, or null when the record has none (-1). Returns
 * 0, or -1. */
static int small(nd_buf *b, int v)
{
	return v >= 0 ? nd_buf_printf(b, "%d", v) : nd_buf_printf(b, "null");
}

/* Get-WinEvent | ConvertTo-Json -Depth 4 (PowerShell 5.1), pretty-printed as
 * it does; TimeCreated keeps milliseconds only. */
static int render_winevent(nd_buf *b, const nd_record *r)
{
	size_t i;
	int rc = 0;

	rc |= nd_buf_printf(b, "{\r\n    \"Id\":  %u,\r\n    \"Version\":  ", r->event_id);
	rc |= small(b, r->version);
	rc |= nd_buf_printf(b, ",\r\n    \"Qualifiers\":  ");
	rc |= r->has_qualifiers ? nd_buf_printf(b, "%u", r->qualifiers) : nd_buf_printf(b, "null");
	rc |= nd_buf_printf(b, ",\r\n    \"Level\":  ");
	rc |= small(b, r->level);
	rc |= nd_buf_printf(b, ",\r\n    \"Task\":  ");
	rc |= small(b, r->task);
	rc |= nd_buf_printf(b, ",\r\n    \"Keywords\":  %lld,\r\n", (long long)r->keywords);
	rc |= nd_buf_printf(b, "    \"RecordId\":  %llu,\r\n    \"ProviderName\":  ", (unsigned long long)r->record_id);
	rc |= nd_escape_json(b, r->provider);
	rc |= nd_buf_printf(b, ",\r\n    \"ProviderId\":  ");
	rc |= nd_escape_json(b, r->provider_guid);
	rc |= nd_buf_printf(b, ",\r\n    \"LogName\":  ");
	rc |= nd_escape_json(b, r->channel);
	rc |= nd_buf_printf(b, ",\r\n    \"MachineName\":  ");
	rc |= nd_escape_json(b, r->computer);
	rc |= nd_buf_printf(b, ",\r\n    \"UserId\":  ");
	rc |= r->user_sid ? sid_object(b, r->user_sid) : nd_buf_printf(b, "null");
	rc |= nd_buf_printf(b, ",\r\n    \"TimeCreated\":  \"\\/Date(%lld)\\/\",\r\n    \"Properties\":  [",
			    (long long)(r->time / 10000));
	for (i = 0; i < r->nfields; i++) {
		rc |= nd_buf_printf(b, "%s\r\n                       {\r\n                           \"Value\":  ",
				    i ? "," : "");
		rc |= is_sid(r->fields[i].value) ? sid_object(b, r->fields[i].value)
						 : nd_escape_json(b, r->fields[i].value);
		rc |= nd_buf_printf(b, "\r\n                       }");
	}
	rc |= nd_buf_printf(b, "\r\n                   ]\r\n}");
	return rc ? -1 : 0;
}

int evtxconvert_json(nd_buf *b, const nd_record *r, json_dialect dialect)
{
	if (dialect == JSON_ECS)
		return render_ecs(b, r);
	if (dialect == JSON_EVTX_DUMP)
		return render_evtx_dump(b, r);
	return render_winevent(b, r);
}
