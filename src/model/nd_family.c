#include "nd_family.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nd_ascii.h"

extern const nd_family nd_family_rasclient;
extern const nd_family nd_family_nps_audit;
extern const nd_family nd_family_nps_service;
extern const nd_family nd_family_remoteaccess;
extern const nd_family nd_family_kdc;
extern const nd_family nd_family_nps_text;
extern const nd_family nd_family_capi2;

static const nd_family *const all_families[] = {
	&nd_family_rasclient, &nd_family_nps_audit, &nd_family_nps_service, &nd_family_remoteaccess,
	&nd_family_kdc,       &nd_family_nps_text,  &nd_family_capi2,       NULL,
};

const nd_family *const *nd_families(void)
{
	return all_families;
}

int nd_family_table_seen(const nd_family *const *f)
{
	const nd_family *const *g;

	for (g = all_families; g != f; g++)
		if ((*g)->table && strcmp((*g)->table, (*f)->table) == 0)
			return 1;
	return 0;
}

int nd_family_is_decision(const nd_family *f, uint32_t event_id)
{
	return f->twin && (event_id == ND_EVENT_GRANTED || event_id == ND_EVENT_DENIED);
}

/* Returns 1 if name is one of the family's providers, else 0. */
static int has_provider(const nd_family *f, const char *name)
{
	const char *const *p;

	for (p = f->providers; *p; p++)
		if (nd_ascii_casecmp(*p, name) == 0)
			return 1;
	return 0;
}

const nd_family *nd_family_match(const char *provider, const char *source, uint32_t event_id)
{
	const nd_family *const *f;

	for (f = all_families; *f; f++) {
		if (!(*f)->wants(event_id))
			continue;
		if (!provider || !*provider || has_provider(*f, provider) || (source && *source && has_provider(*f, source)))
			return *f;
	}
	return NULL;
}

/* Returns 1 if the '|'-separated field names in spec include name, else 0. */
static int spec_names(const char *spec, const char *name)
{
	size_t n = strlen(name);

	while (*spec) {
		const char *bar = strchr(spec, '|');
		size_t len = bar ? (size_t)(bar - spec) : strlen(spec);

		if (len == n && memcmp(spec, name, n) == 0)
			return 1;
		spec += len + (bar ? 1 : 0);
	}
	return 0;
}

int nd_family_column_of(const nd_family *f, const char *name)
{
	int code = -1;
	size_t i;

	if (!f->table || !name)
		return -1;
	for (i = 0; i < f->ncolumns && i < INT32_MAX; i++) {
		const nd_column *c = &f->columns[i];

		if (c->type == ND_COL_BINARY_LE32 || !spec_names(c->field, name))
			continue;
		if (c->type == ND_COL_TEXT)
			return (int)i;
		if (code < 0)
			code = (int)i;
	}
	return code;
}

const nd_family *nd_family_for_event(const nd_record *ev)
{
	if (!ev->provider || !*ev->provider)
		return NULL;
	return nd_family_match(ev->provider, ev->source_name, ev->event_id);
}

int nd_parse_code(const char *s, uint32_t *code)
{
	char *stop;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return -1;
	errno = 0;
	if (*s == '-') {
		long long v = strtoll(s, &stop, 10);

		if (errno || v < INT32_MIN)
			return -1;
		*code = (uint32_t)(int32_t)v;
	} else {
		unsigned long long v = strtoull(s, &stop, (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10);

		if (errno || v > UINT32_MAX)
			return -1;
		*code = (uint32_t)v;
	}
	while (*stop == ' ' || *stop == '\t')
		stop++;
	return *stop ? -1 : 0;
}

/* Returns 1 if s is a braced GUID, optionally after "CoId=", else 0. */
static int is_coid(const char *s)
{
	size_t i;

	if (strncmp(s, "CoId=", 5) == 0)
		s += 5;
	if (strlen(s) != 38 || s[0] != '{' || s[37] != '}')
		return 0;
	for (i = 1; i < 37; i++) {
		if (i == 9 || i == 14 || i == 19 || i == 24) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}

int nd_name_fields_after_coid(nd_record *ev, const char *const *names, size_t nnames)
{
	static const char *const coid[] = {"CoId"};
	size_t i;

	if (ev->nfields == 0 || ev->fields[0].name || !is_coid(ev->fields[0].value))
		return nd_record_name_fields(ev, names, nnames);
	if (nd_record_name_fields(ev, coid, 1) != 0)
		return -1;
	for (i = 1; i < ev->nfields && i - 1 < nnames; i++) {
		if (ev->fields[i].name || !names[i - 1])
			continue;
		if (nd_record_set_field_name(ev, i, names[i - 1]) != 0)
			return -1;
	}
	return 0;
}
