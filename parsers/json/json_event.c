#include "json_event.h"

#include <stdlib.h>
#include <string.h>

#include "nd_time.h"

/* Returns 1 when o is a JSON object, else 0 (also for NULL): what
 * json_object_object_foreach needs, which dereferences the object's table
 * without looking. */
static int is_object(json_object *o)
{
	return json_object_is_type(o, json_type_object);
}

/* Returns member name of o, or NULL when o is not an object or has none
 * (a JSON null is NULL too). */
static json_object *member(json_object *o, const char *name)
{
	json_object *v = NULL;

	if (!is_object(o) || !json_object_object_get_ex(o, name, &v))
		return NULL;
	return v;
}

/* Returns v's "#text" member when v is an evtx_dump element with
 * attributes, else v. */
static json_object *text_of(json_object *v)
{
	json_object *t = member(v, "#text");

	return t ? t : v;
}

/* Returns the text of a scalar (a string as it is, a number or boolean as
 * JSON writes it; an object or array as JSON text) and its length in *n;
 * "" for null. */
static const char *value_text(json_object *v, size_t *n)
{
	const char *s;

	if (!v) {
		*n = 0;
		return "";
	}
	if (json_object_is_type(v, json_type_string)) {
		*n = (size_t)json_object_get_string_len(v);
		return json_object_get_string(v);
	}
	s = json_object_is_type(v, json_type_object) || json_object_is_type(v, json_type_array)
		    ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
		    : json_object_get_string(v);
	*n = s ? strlen(s) : 0;
	return s ? s : "";
}

/* Replaces *slot with the text of v, unless v is null or absent. Returns 0,
 * or -1 when out of memory. */
static int set_text(char **slot, json_object *v)
{
	const char *s;
	size_t n;

	if (!v)
		return 0;
	s = value_text(v, &n);
	return nd_record_set_string(slot, s, n);
}

/* Reads an unsigned number given as a JSON integer, a decimal string or a
 * "0x" hexadecimal string. Returns 0 and sets *out, or -1 when v is none. */
static int get_u64(json_object *v, uint64_t *out)
{
	const char *s;
	char *end;

	if (json_object_is_type(v, json_type_int)) {
		if (json_object_get_int64(v) < 0) {
			/* ConvertTo-Json writes Keywords as a signed long. */
			*out = (uint64_t)json_object_get_int64(v);
			return 0;
		}
		*out = json_object_get_uint64(v);
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return -1;
	s = json_object_get_string(v);
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	*out = strtoull(s, &end, s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10);
	return *end ? -1 : 0;
}

/* Sets *out to the small number v holds, when it holds one. Returns
 * nothing. */
static void get_int(json_object *v, int *out)
{
	uint64_t u;

	if (v && get_u64(v, &u) == 0 && u <= 0xFFFF)
		*out = (int)u;
}

/* Reads an ISO 8601 time with 'Z', no zone or a +HH:MM / -HH:MM offset.
 * Returns 0 and sets *ticks, or -1. */
static int parse_iso_zoned(const char *s, int64_t *ticks)
{
	char buf[64];
	size_t n = strlen(s);
	int64_t off = 0;

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n + 1);
	if (n > 19 && (buf[n - 6] == '+' || buf[n - 6] == '-') && buf[n - 3] == ':') {
		char *end;
		long h = strtol(buf + n - 5, &end, 10), m;

		if (end != buf + n - 3 || h > 23)
			return -1;
		m = strtol(buf + n - 2, &end, 10);
		if (*end || m > 59)
			return -1;
		off = (h * 60 + m) * 60 * ND_TICKS_PER_SECOND;
		if (buf[n - 6] == '+')
			off = -off;
		buf[n - 6] = '\0';
	}
	if (nd_time_parse_iso(buf, ticks) != 0)
		return -1;
	*ticks += off;
	return 0;
}

/* Reads a time: ISO 8601, or .NET's "/Date(ms)/" (ConvertTo-Json). Returns
 * 0 and sets rec's time, or -1. */
static int set_time(nd_record *rec, json_object *v)
{
	const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;

	if (!s)
		return -1;
	if (strncmp(s, "/Date(", 6) == 0) {
		char *end;
		long long ms = strtoll(s + 6, &end, 10);

		if (end == s + 6 || (strcmp(end, ")/") != 0 && end[0] != '+' && end[0] != '-') ||
		    ms > INT64_MAX / 10000 || ms < INT64_MIN / 10000)
			return -1;
		rec->time = (int64_t)ms * 10000;
	} else if (parse_iso_zoned(s, &rec->time) != 0) {
		return -1;
	}
	rec->has_time = 1;
	return 0;
}

/* Appends a field named name (NULL: unnamed) holding the text of v.
 * Returns 0, or -1 when out of memory. */
static int add_field(nd_record *rec, const char *name, json_object *v)
{
	size_t n;
	const char *s = value_text(v, &n);

	return nd_record_add_field(rec, name, s, n);
}

/* Returns 1 if name is Winlogbeat's name for an unnamed <Data> ("param3"),
 * else 0. */
static int is_param_name(const char *name)
{
	size_t i;

	if (strncmp(name, "param", 5) != 0 || !name[5])
		return 0;
	for (i = 5; name[i]; i++)
		if (name[i] < '0' || name[i] > '9')
			return 0;
	return 1;
}

/* Winlogbeat / ECS: the "winlog" object. Returns 0, or -1 with err set. */
static int parse_ecs(json_object *o, json_object *w, nd_record *rec, nd_error *err)
{
	json_object *data = member(w, "event_data"), *user = member(w, "user_data");
	uint64_t u;

	if (set_text(&rec->provider, member(w, "provider_name")) != 0 ||
	    set_text(&rec->provider_guid, member(w, "provider_guid")) != 0 ||
	    set_text(&rec->channel, member(w, "channel")) != 0 ||
	    set_text(&rec->computer, member(w, "computer_name")) != 0 ||
	    set_text(&rec->user_sid, member(member(w, "user"), "identifier")) != 0)
		return nd_error_set(err, "out of memory");
	if (get_u64(member(w, "event_id"), &u) != 0 || u > 0xFFFFFFFFu)
		return nd_error_set(err, "no winlog.event_id");
	rec->event_id = (uint32_t)u;
	if (get_u64(member(w, "record_id"), &u) == 0)
		rec->record_id = u;
	get_int(member(w, "version"), &rec->version);
	if (set_time(rec, member(o, "@timestamp")) != 0)
		return nd_error_set(err, "no valid @timestamp");
	if (is_object(data)) {
		json_object_object_foreach(data, name, v)
		{
			int rc = strcmp(name, "Binary") == 0 ? set_text(&rec->binary, v)
							     : add_field(rec, is_param_name(name) ? NULL : name, v);

			if (rc != 0)
				return nd_error_set(err, "out of memory");
		}
	}
	if (is_object(user)) {
		json_object_object_foreach(user, uname, uv)
		{
			if (strcmp(uname, "xml_name") != 0 && add_field(rec, uname, uv) != 0)
				return nd_error_set(err, "out of memory");
		}
	}
	return 0;
}

/* evtx_dump: the values of <Data> elements without a name. Returns 0, or
 * -1 when out of memory. */
static int add_unnamed(nd_record *rec, json_object *v)
{
	size_t i;

	v = text_of(v);
	if (!json_object_is_type(v, json_type_array))
		return add_field(rec, NULL, v);
	for (i = 0; i < json_object_array_length(v); i++)
		if (add_field(rec, NULL, text_of(json_object_array_get_idx(v, i))) != 0)
			return -1;
	return 0;
}

/* evtx_dump: the fields of EventData, or of the one element of UserData.
 * Returns 0, or -1 when out of memory. */
static int add_evtx_dump_fields(nd_record *rec, json_object *data)
{
	if (!is_object(data))
		return 0;
	json_object_object_foreach(data, name, v)
	{
		int rc = 0;

		if (strcmp(name, "#attributes") == 0)
			continue;
		if (strcmp(name, "Data") == 0)
			rc = add_unnamed(rec, v);
		else if (strcmp(name, "Binary") == 0)
			rc = set_text(&rec->binary, text_of(v));
		else
			rc = add_field(rec, name, text_of(v));
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* evtx_dump: the "Event" object. Returns 0, or -1 with err set. */
static int parse_evtx_dump(json_object *ev, nd_record *rec, nd_error *err)
{
	json_object *sys = member(ev, "System"), *prov = member(member(sys, "Provider"), "#attributes");
	json_object *id = member(sys, "EventID"), *user = member(ev, "UserData");
	uint64_t u;

	if (set_text(&rec->provider, member(prov, "Name")) != 0 ||
	    set_text(&rec->source_name, member(prov, "EventSourceName")) != 0 ||
	    set_text(&rec->provider_guid, member(prov, "Guid")) != 0 ||
	    set_text(&rec->channel, text_of(member(sys, "Channel"))) != 0 ||
	    set_text(&rec->computer, text_of(member(sys, "Computer"))) != 0 ||
	    set_text(&rec->user_sid, member(member(member(sys, "Security"), "#attributes"), "UserID")) != 0)
		return nd_error_set(err, "out of memory");
	if (get_u64(text_of(id), &u) != 0 || u > 0xFFFFFFFFu)
		return nd_error_set(err, "no Event.System.EventID");
	rec->event_id = (uint32_t)u;
	if (get_u64(member(member(id, "#attributes"), "Qualifiers"), &u) == 0) {
		rec->qualifiers = (uint32_t)u;
		rec->has_qualifiers = 1;
	}
	get_int(text_of(member(sys, "Version")), &rec->version);
	get_int(text_of(member(sys, "Level")), &rec->level);
	get_int(text_of(member(sys, "Task")), &rec->task);
	if (get_u64(text_of(member(sys, "Keywords")), &u) == 0)
		rec->keywords = u;
	if (get_u64(text_of(member(sys, "EventRecordID")), &u) == 0)
		rec->record_id = u;
	if (set_time(rec, member(member(member(sys, "TimeCreated"), "#attributes"), "SystemTime")) != 0)
		return nd_error_set(err, "no valid Event.System.TimeCreated SystemTime");
	if (add_evtx_dump_fields(rec, member(ev, "EventData")) != 0)
		return nd_error_set(err, "out of memory");
	if (is_object(user)) {
		json_object_object_foreach(user, name, v)
		{
			if (strcmp(name, "#attributes") != 0 && add_evtx_dump_fields(rec, v) != 0)
				return nd_error_set(err, "out of memory");
		}
	}
	return 0;
}

/* ConvertTo-Json: a property value; a SecurityIdentifier is an object whose
 * "Value" is the SID text. */
static json_object *property_value(json_object *p)
{
	json_object *v = member(p, "Value"), *sid = member(v, "Value");

	return json_object_is_type(sid, json_type_string) ? sid : v;
}

/* Get-WinEvent | ConvertTo-Json: an EventLogRecord. Returns 0, or -1 with
 * err set. */
static int parse_winevent(json_object *o, nd_record *rec, nd_error *err)
{
	json_object *props = member(o, "Properties"), *uid = member(o, "UserId");
	uint64_t u;
	size_t i;

	if (set_text(&rec->provider, member(o, "ProviderName")) != 0 ||
	    set_text(&rec->provider_guid, member(o, "ProviderId")) != 0 ||
	    set_text(&rec->channel, member(o, "LogName")) != 0 ||
	    set_text(&rec->computer, member(o, "MachineName")) != 0 ||
	    set_text(&rec->user_sid, json_object_is_type(uid, json_type_string) ? uid : member(uid, "Value")) != 0)
		return nd_error_set(err, "out of memory");
	if (get_u64(member(o, "Id"), &u) != 0 || u > 0xFFFFFFFFu)
		return nd_error_set(err, "no Id");
	rec->event_id = (uint32_t)u;
	if (get_u64(member(o, "Qualifiers"), &u) == 0) {
		rec->qualifiers = (uint32_t)u;
		rec->has_qualifiers = 1;
	}
	get_int(member(o, "Version"), &rec->version);
	get_int(member(o, "Level"), &rec->level);
	get_int(member(o, "Task"), &rec->task);
	if (get_u64(member(o, "Keywords"), &u) == 0)
		rec->keywords = u;
	if (get_u64(member(o, "RecordId"), &u) == 0)
		rec->record_id = u;
	if (set_time(rec, member(o, "TimeCreated")) != 0)
		return nd_error_set(err, "no valid TimeCreated");
	for (i = 0; json_object_is_type(props, json_type_array) && i < json_object_array_length(props); i++)
		if (add_field(rec, NULL, property_value(json_object_array_get_idx(props, i))) != 0)
			return nd_error_set(err, "out of memory");
	return 0;
}

int nd_json_event_id(json_object *o, uint32_t *id)
{
	json_object *w = member(o, "winlog"), *ev = member(o, "Event");
	uint64_t u;

	if (get_u64(w ? member(w, "event_id") : ev ? text_of(member(member(ev, "System"), "EventID")) : member(o, "Id"),
		    &u) != 0 ||
	    u > 0xFFFFFFFFu)
		return -1;
	*id = (uint32_t)u;
	return 0;
}

int nd_json_event_parse(json_object *o, nd_record *rec, nd_error *err)
{
	json_object *w = member(o, "winlog"), *ev = member(o, "Event");
	int rc;

	nd_record_reset(rec);
	if (w)
		rc = parse_ecs(o, w, rec, err);
	else if (ev)
		rc = parse_evtx_dump(ev, rec, err);
	else if (member(o, "ProviderName") && member(o, "Id"))
		rc = parse_winevent(o, rec, err);
	else
		return nd_error_set(err, "not an event (no winlog, Event or ProviderName)");
	if (rc == 0 && !rec->provider)
		return nd_error_set(err, "no provider name");
	return rc;
}
