#include "nd_record.h"

#include <stdint.h>
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

/* A block of field names and values; a record's blocks are chained, the
 * one being filled first. */
struct nd_record_block {
	nd_record_block *next;
	size_t used, size;
	char data[];
};

/* Bytes of a block: the fields of most records fit in one, so a record
 * costs one allocation for its strings, not two per field. */
#define BLOCK_SIZE 4096

/* Returns 1 if p points into one of ev's blocks, else 0. */
static int in_blocks(const nd_record *ev, const char *p)
{
	const nd_record_block *b;

	for (b = ev->strings; b; b = b->next)
		if ((uintptr_t)p >= (uintptr_t)b->data && (uintptr_t)p < (uintptr_t)b->data + b->size)
			return 1;
	return 0;
}

/* Empties *slot, one of ev's System strings: freed unless it is in ev's
 * blocks (nd_record_set_own). Returns nothing. */
static void drop(const nd_record *ev, char **slot)
{
	if (*slot && !in_blocks(ev, *slot))
		free(*slot);
	*slot = NULL;
}

/* Empties ev's System strings. Returns nothing. */
static void drop_strings(nd_record *ev)
{
	drop(ev, &ev->provider);
	drop(ev, &ev->source_name);
	drop(ev, &ev->provider_guid);
	drop(ev, &ev->channel);
	drop(ev, &ev->computer);
	drop(ev, &ev->user_sid);
	drop(ev, &ev->binary);
}

void nd_record_reset(nd_record *ev)
{
	nd_record_block *b, *next;

	drop_strings(ev);
	free(ev->fields);
	for (b = ev->strings; b; b = next) {
		next = b->next;
		free(b);
	}
	nd_buf_free(&ev->prepared);
	nd_record_init(ev);
}

void nd_record_clear(nd_record *ev)
{
	nd_field *fields = ev->fields;
	size_t capfields = ev->capfields;
	nd_record_block *keep = ev->strings;
	nd_buf prepared = ev->prepared;

	/* while the blocks are all there */
	drop_strings(ev);
	/* the first block is one of BLOCK_SIZE unless the first string was
	 * larger than a quarter of one (room) */
	if (keep && keep->size == BLOCK_SIZE) {
		ev->strings = keep->next;
		keep->next = NULL;
		keep->used = 0;
	} else {
		keep = NULL;
	}
	ev->fields = NULL;
	ev->prepared.data = NULL;
	nd_record_reset(ev);
	ev->fields = fields;
	ev->capfields = capfields;
	ev->strings = keep;
	ev->prepared = prepared;
	nd_buf_reset(&ev->prepared);
}

/* Returns the length of the n bytes at s with each NUL written as
 * ND_RECORD_NUL_SYMBOL. */
static size_t kept_len(const char *s, size_t n)
{
	size_t i, nuls = 0;

	if (!n || !memchr(s, '\0', n))
		return n;
	for (i = 0; i < n; i++)
		nuls += s[i] == '\0';
	return n + 2 * nuls;
}

/* Writes the n bytes at s to p, each NUL as ND_RECORD_NUL_SYMBOL, and a
 * terminator (kept_len(s, n) + 1 bytes). Returns p. */
static char *keep(char *p, const char *s, size_t n, size_t len)
{
	size_t i, k = 0;

	if (len == n) {
		if (n)
			memcpy(p, s, n);
		p[n] = '\0';
		return p;
	}
	for (i = 0; i < n; i++) {
		if (s[i] != '\0') {
			p[k++] = s[i];
			continue;
		}
		memcpy(p + k, ND_RECORD_NUL_SYMBOL, 3);
		k += 3;
	}
	p[k] = '\0';
	return p;
}

int nd_record_set_string(char **slot, const char *s, size_t n)
{
	size_t len = kept_len(s, n);
	char *p = malloc(len + 1);

	if (!p)
		return -1;
	free(*slot);
	*slot = keep(p, s, n, len);
	return 0;
}

/* A string larger than a quarter block gets a block of its own, behind the
 * one being filled. */
char *nd_record_room(nd_record *ev, size_t n)
{
	nd_record_block *b = ev->strings;
	size_t size = n > BLOCK_SIZE / 4 ? n : BLOCK_SIZE;

	if (b && b->size - b->used >= n) {
		b->used += n;
		return b->data + b->used - n;
	}
	if (n > SIZE_MAX - sizeof(*b) || !(b = malloc(sizeof(*b) + size)))
		return NULL;
	b->used = n;
	b->size = size;
	if (size == n && ev->strings) {
		b->next = ev->strings->next;
		ev->strings->next = b;
	} else {
		b->next = ev->strings;
		ev->strings = b;
	}
	return b->data;
}

void nd_record_set_own(nd_record *ev, char **slot, char *p)
{
	drop(ev, slot);
	*slot = p;
}

int nd_record_add_field_own(nd_record *ev, char *name, char *value)
{
	if (nd_vec_reserve(&ev->fields, &ev->capfields, ev->nfields + 1, sizeof(*ev->fields)) != 0)
		return -1;
	if (ev->prepared.len)
		nd_buf_reset(&ev->prepared);
	ev->fields[ev->nfields].name = name;
	ev->fields[ev->nfields++].value = value;
	return 0;
}

/* Returns a copy of the n bytes at s in ev's blocks (as nd_record_set_string
 * copies them), or NULL when out of memory. */
static char *copy(nd_record *ev, const char *s, size_t n)
{
	size_t len = kept_len(s, n);
	char *p = len < SIZE_MAX ? nd_record_room(ev, len + 1) : NULL;

	return p ? keep(p, s, n, len) : NULL;
}

int nd_record_add_field(nd_record *ev, const char *name, const char *value, size_t value_len)
{
	return nd_record_add_field_n(ev, name, name ? strlen(name) : 0, value, value_len);
}

int nd_record_add_field_n(nd_record *ev, const char *name, size_t name_len, const char *value, size_t value_len)
{
	size_t nl = name ? kept_len(name, name_len) + 1 : 0, vl = kept_len(value, value_len);
	nd_field *f;
	char *p;

	/* the name and the value in one piece of a block */
	if (nd_vec_reserve(&ev->fields, &ev->capfields, ev->nfields + 1, sizeof(*ev->fields)) != 0 ||
	    vl >= SIZE_MAX - nl || !(p = nd_record_room(ev, nl + vl + 1)))
		return -1;
	nd_buf_reset(&ev->prepared);
	f = &ev->fields[ev->nfields++];
	f->name = name ? keep(p, name, name_len, nl - 1) : NULL;
	f->value = keep(p + nl, value, value_len, vl);
	return 0;
}

int nd_record_set_field_name(nd_record *ev, size_t i, const char *name)
{
	char *p = copy(ev, name, strlen(name));

	if (!p)
		return -1;
	nd_buf_reset(&ev->prepared);
	ev->fields[i].name = p;
	return 0;
}

int nd_record_set_field_value(nd_record *ev, size_t i, const char *value, size_t n)
{
	char *p = copy(ev, value, n);

	if (!p)
		return -1;
	nd_buf_reset(&ev->prepared);
	ev->fields[i].value = p;
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
		if (nd_record_set_field_name(ev, i, names[i]) != 0)
			return -1;
	}
	return 0;
}

int nd_record_provider_is(const nd_record *ev, const char *name)
{
	return (ev->provider && nd_ascii_casecmp(ev->provider, name) == 0) ||
	       (ev->source_name && nd_ascii_casecmp(ev->source_name, name) == 0);
}
