/* Fuzz target: family classification and field naming (src/model) and the
 * store's event write (src/store) on a record built from the input. The
 * input is read as: family choice, event id choice, version, then fields
 * as (flags, name, value) with names and values cut at 0xFF bytes; flags
 * say whether a field is named. The record goes through
 * nd_family_for_event and the family's field naming, then is stored twice
 * inside a transaction that is rolled back: the first write stores it (or
 * fails cleanly), the second must find it already there. One database per
 * process, in the target's scratch directory (fuzz_tmp.h). Built for
 * libFuzzer with -DNPSDIAG_FUZZ=ON (clang), and for ctest with driver.c. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_tmp.h"
#include "nd_family.h"
#include "nd_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input being read. */
typedef struct reader {
	const uint8_t *p;
	size_t n;
} reader;

/* Returns the next byte, 0 past the end. */
static uint8_t next_byte(reader *r)
{
	uint8_t b = 0;

	if (r->n) {
		b = *r->p++;
		r->n--;
	}
	return b;
}

/* Returns the length of the next string (up to a 0xFF byte or the end)
 * and sets *s to it; the 0xFF is consumed. */
static size_t next_string(reader *r, const char **s)
{
	const uint8_t *end = memchr(r->p, 0xFF, r->n);
	size_t len = end ? (size_t)(end - r->p) : r->n;

	*s = (const char *)r->p;
	r->p += len;
	r->n -= len;
	if (end) {
		r->p++;
		r->n--;
	}
	return len;
}

/* Returns the event ids of 0..65535 that family f takes, listed in ids
 * (up to max). Returns their number. */
static size_t wanted_ids(const nd_family *f, uint32_t *ids, size_t max)
{
	size_t n = 0;
	uint32_t id;

	for (id = 0; id < 65536 && n < max; id++)
		if (f->wants(id))
			ids[n++] = id;
	return n;
}

/* Returns the database of this process, opened once, with its source id
 * in *source; aborts when it cannot be made. */
static nd_store *store(int64_t *source)
{
	static nd_store *s;
	static int64_t id;
	char path[4200];
	nd_error err;
	const char *dir = fuzz_tmp_dir("fuzz_store");

	if (!s) {
		if (!dir)
			abort();
		snprintf(path, sizeof(path), "%s/store-%ld.db", dir, (long)getpid());
		remove(path);
		if (nd_store_open(&s, path, &err) != 0 || nd_store_begin(s, &err) != 0 ||
		    nd_store_source(s, "fuzz", 0, 0, &id, &err) != 0 || nd_store_commit(s, &err) != 0) {
			fprintf(stderr, "fuzz_store: %s\n", err.message);
			abort();
		}
	}
	*source = id;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint32_t ids[64][256];
	static size_t nids[64];
	static size_t nfam;
	const nd_family *const *fams = nd_families();
	const nd_family *f, *got;
	reader r = {data, size};
	nd_record ev;
	nd_error err;
	const char *s;
	size_t len, k;
	int64_t source;
	nd_store *st = store(&source);
	int rc;

	if (!nfam)
		for (; fams[nfam] && nfam < 64; nfam++)
			nids[nfam] = wanted_ids(fams[nfam], ids[nfam], 256);
	k = next_byte(&r) % nfam;
	f = fams[k];
	nd_record_init(&ev);
	if (nd_record_set_string(&ev.provider, f->providers[0], strlen(f->providers[0])) != 0 ||
	    nd_record_set_string(&ev.channel, "Security", 8) != 0 ||
	    nd_record_set_string(&ev.computer, "NPS01.lab.example", 17) != 0)
		abort();
	ev.event_id = nids[k] ? ids[k][next_byte(&r) % nids[k]] : 0;
	ev.version = next_byte(&r) % 4;
	ev.has_time = 1;
	ev.time = (int64_t)(next_byte(&r) + 1) * 10000000 + 132000000000000000;
	ev.record_id = next_byte(&r);
	while (r.n && ev.nfields < 64) {
		uint8_t flags = next_byte(&r);
		const char *name = NULL;
		char nbuf[64];

		if (flags & 1) {
			len = next_string(&r, &s);
			if (len >= sizeof(nbuf))
				len = sizeof(nbuf) - 1;
			memcpy(nbuf, s, len);
			nbuf[len] = '\0';
			name = nbuf;
		}
		len = next_string(&r, &s);
		if (nd_record_add_field(&ev, name, s, len) != 0)
			abort();
	}
	got = nd_family_for_event(&ev);
	if (got && got->name_fields && got->name_fields(&ev) != 0)
		abort();
	if (got) {
		if (nd_store_begin(st, &err) != 0)
			abort();
		rc = nd_store_event(st, source, got, &ev, &err);
		if (rc == 1 && nd_store_event(st, source, got, &ev, &err) != 0)
			abort();
		nd_store_rollback(st);
	}
	nd_record_reset(&ev);
	return 0;
}
