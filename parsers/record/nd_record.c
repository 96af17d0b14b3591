#include "nd_record.h"

#include <stdlib.h>
#include <string.h>

#include "nd_ascii.h"
#include "nd_vec.h"

void nd_record_init(nd_record *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->version = -1;
	ev->level = -1;
	ev->task = -1;
	ev->file_offset = -1;
}

void nd_record_reset(nd_record *ev)
{
	size_t i;

	free(ev->provider);
	free(ev->source_name);
	free(ev->provider_guid);
	free(ev->channel);
	free(ev->computer);
	free(ev->user_sid);
	free(ev->binary);
	for (i = 0; i < ev->nfields; i++) {
		free(ev->fields[i].name);
		free(ev->fields[i].value);
	}
	free(ev->fields);
	nd_record_init(ev);
}

int nd_record_set_string(char **slot, const char *s, size_t n)
{
	size_t i, nuls = 0, k = 0;
	char *p;

	if (!n || !memchr(s, '\0', n)) {
		if (!(p = malloc(n + 1)))
			return -1;
		if (n)
			memcpy(p, s, n);
		p[n] = '\0';
		free(*slot);
		*slot = p;
		return 0;
	}
	for (i = 0; i < n; i++)
		nuls += s[i] == '\0';
	p = malloc(n + 2 * nuls + 1);
	if (!p)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] != '\0') {
			p[k++] = s[i];
			continue;
		}
		memcpy(p + k, ND_RECORD_NUL_SYMBOL, 3);
		k += 3;
	}
	p[k] = '\0';
	free(*slot);
	*slot = p;
	return 0;
}

int nd_record_add_field(nd_record *ev, const char *name, const char *value, size_t value_len)
{
	nd_field *f;

	if (nd_vec_reserve(&ev->fields, &ev->capfields, ev->nfields + 1, sizeof(*ev->fields)) != 0)
		return -1;
	f = &ev->fields[ev->nfields];
	f->name = NULL;
	f->value = NULL;
	if ((name && nd_record_set_string(&f->name, name, strlen(name)) != 0) ||
	    nd_record_set_string(&f->value, value, value_len) != 0) {
		free(f->name);
		return -1;
	}
	ev->nfields++;
	return 0;
}

const char *nd_record_field(const nd_record *ev, const char *name)
{
	size_t i;

	for (i = 0; i < ev->nfields; i++)
		if (ev->fields[i].name && strcmp(ev->fields[i].name, name) == 0)
			return ev->fields[i].value;
	return NULL;
}

int nd_record_name_fields(nd_record *ev, const char *const *names, size_t nnames)
{
	size_t i;

	for (i = 0; i < ev->nfields && i < nnames; i++) {
		if (ev->fields[i].name || !names[i])
			continue;
		if (nd_record_set_string(&ev->fields[i].name, names[i], strlen(names[i])) != 0)
			return -1;
	}
	return 0;
}

int nd_record_provider_is(const nd_record *ev, const char *name)
{
	return (ev->provider && nd_ascii_casecmp(ev->provider, name) == 0) ||
	       (ev->source_name && nd_ascii_casecmp(ev->source_name, name) == 0);
}
