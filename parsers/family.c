#include "family.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

extern const nd_family nd_family_rasclient;
extern const nd_family nd_family_nps_audit;
extern const nd_family nd_family_nps_service;
extern const nd_family nd_family_remoteaccess;
extern const nd_family nd_family_kdc;

static const nd_family *const all_families[] = {
	&nd_family_rasclient, &nd_family_nps_audit, &nd_family_nps_service, &nd_family_remoteaccess,
	&nd_family_kdc,       NULL,
};

const nd_family *const *nd_families(void)
{
	return all_families;
}

/* Returns 1 if name is one of the family's providers, else 0. */
static int has_provider(const nd_family *f, const char *name)
{
	const char *const *p;

	for (p = f->providers; *p; p++)
		if (strcmp(*p, name) == 0)
			return 1;
	return 0;
}

const nd_family *nd_family_match(const char *provider_lc, const char *source_lc, uint32_t event_id)
{
	const nd_family *const *f;

	for (f = all_families; *f; f++) {
		if (!(*f)->wants(event_id))
			continue;
		if (!*provider_lc || has_provider(*f, provider_lc) || (*source_lc && has_provider(*f, source_lc)))
			return *f;
	}
	return NULL;
}

/* Copies s folded to lower-case ASCII into out[n]. Returns out. */
static char *fold(const char *s, char *out, size_t n)
{
	size_t i;

	for (i = 0; s && s[i] && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
	return out;
}

const nd_family *nd_family_for_event(const nd_event *ev)
{
	char p[128], s[128];

	if (!ev->provider || !*ev->provider)
		return NULL;
	return nd_family_match(fold(ev->provider, p, sizeof(p)), fold(ev->source_name, s, sizeof(s)),
			       ev->event_id);
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

int nd_name_fields_after_coid(nd_event *ev, const char *const *names, size_t nnames)
{
	static const char *const coid[] = {"CoId"};
	size_t i;

	if (ev->nfields == 0 || ev->fields[0].name || !is_coid(ev->fields[0].value))
		return nd_event_name_fields(ev, names, nnames);
	if (nd_event_name_fields(ev, coid, 1) != 0)
		return -1;
	for (i = 1; i < ev->nfields && i - 1 < nnames; i++) {
		if (ev->fields[i].name || !names[i - 1])
			continue;
		if (nd_event_set_string(&ev->fields[i].name, names[i - 1], strlen(names[i - 1])) != 0)
			return -1;
	}
	return 0;
}
