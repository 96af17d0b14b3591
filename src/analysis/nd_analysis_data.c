#include "nd_analysis_data.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "nd_ascii.h"
#include "nd_hash.h"
#include "nd_sort.h"
#include "nd_time.h"
#include "nd_vec.h"

/* Appends a zeroed element of size bytes to *v (*n elements, capacity
 * *cap). Returns it, or NULL when out of memory. */
static void *add(void *v, size_t *n, size_t *cap, size_t size)
{
	char *e;

	if (nd_vec_reserve(v, cap, *n + 1, size) != 0)
		return NULL;
	e = *(char **)v + *n * size;
	memset(e, 0, size);
	(*n)++;
	return e;
}

int nd_analysis_add_time(nd_analysis_data *d, int64_t ref, const char *text)
{
	nd_logged_time *t = d->ntimes ? &d->times[d->ntimes - 1] : NULL;

	if (t && t->text == text && t->last + 1 == ref) {
		t->last = ref;
		return 0;
	}
	if (!(t = add(&d->times, &d->ntimes, &d->cap_times, sizeof(*d->times))))
		return -1;
	*t = (nd_logged_time){ref, ref, text};
	return 0;
}

/* qsort: logged times by ref. */
static int time_order(const void *pa, const void *pb)
{
	const nd_logged_time *a = pa, *b = pb;

	return a->ref < b->ref ? -1 : a->ref > b->ref;
}

void nd_analysis_times_sort(nd_analysis_data *d)
{
	size_t i, n = 0;

	nd_sort(d->times, d->ntimes, sizeof(*d->times), time_order);
	for (i = 0; i < d->ntimes; i++) {
		nd_logged_time *t = &d->times[i], *prev = n ? &d->times[n - 1] : NULL;

		/* an event loaded twice (a client failure a rule also looks for) overlaps its own run */
		if (prev && prev->text == t->text && t->ref <= prev->last + 1) {
			if (t->last > prev->last)
				prev->last = t->last;
			continue;
		}
		d->times[n++] = *t;
	}
	d->ntimes = n;
}

const char *nd_analysis_time(const nd_analysis_data *d, int64_t ref)
{
	size_t lo = 0, hi = d->ntimes;

	while (lo < hi) { /* the first run that starts after ref */
		size_t mid = lo + (hi - lo) / 2;

		if (d->times[mid].ref <= ref)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && ref <= d->times[lo - 1].last ? d->times[lo - 1].text : NULL;
}

nd_client_failure *nd_analysis_add_client(nd_analysis_data *d)
{
	nd_client_failure *c = add(&d->clients, &d->nclients, &d->cap_clients, sizeof(*d->clients));

	if (c)
		c->user = ND_STR_NONE;
	return c;
}

/* Makes the strings of decision n (NULL or not) absent. Returns n. */
static nd_decision *no_strings(nd_decision *n)
{
	if (n)
		n->user = n->domain = n->fq = n->nas = n->port_type = n->auth_type = n->nas_addr = ND_STR_NONE;
	return n;
}

nd_decision *nd_analysis_add_decision(nd_analysis_data *d)
{
	return no_strings(add(&d->decisions, &d->ndecisions, &d->cap_decisions, sizeof(*d->decisions)));
}

nd_connect *nd_analysis_add_connect(nd_analysis_data *d)
{
	return add(&d->connects, &d->nconnects, &d->cap_connects, sizeof(*d->connects));
}

nd_capi2_event *nd_analysis_add_capi2(nd_analysis_data *d)
{
	return add(&d->capi2, &d->ncapi2, &d->cap_capi2, sizeof(*d->capi2));
}

nd_decision *nd_analysis_add_unlock(nd_analysis_data *d)
{
	return no_strings(add(&d->unlocks, &d->nunlocks, &d->cap_unlocks, sizeof(*d->unlocks)));
}

nd_domain_hint *nd_analysis_add_hint(nd_analysis_data *d)
{
	return add(&d->hints, &d->nhints, &d->cap_hints, sizeof(*d->hints));
}

nd_event *nd_analysis_add_event(nd_analysis_data *d)
{
	return add(&d->events, &d->nevents, &d->cap_events, sizeof(*d->events));
}

/* Returns the id of value (not NULL) as a value of field name: the id the
 * last value of that name had when they are equal (a fleet's events in
 * time order repeat NAS, types, policies), else the interned one.
 * Returns UINT32_MAX when out of memory. */
static uint32_t field_value_id(nd_analysis_data *d, size_t name, const char *value)
{
	uint32_t id;

	if (name >= d->nlast_value) {
		uint32_t *v = realloc(d->last_value, d->nnames * sizeof(*v));
		size_t i;

		if (!v)
			return UINT32_MAX;
		for (i = d->nlast_value; i < d->nnames; i++)
			v[i] = ND_STR_NONE;
		d->last_value = v;
		d->nlast_value = d->nnames;
	}
	id = d->last_value[name];
	if (id != ND_STR_NONE && strcmp(d->strings.v[id], value) == 0)
		return id;
	d->strings.pool = &d->pool; /* d may have moved since the last call */
	if ((id = nd_intern_add(&d->strings, value)) != UINT32_MAX)
		d->last_value[name] = id;
	return id;
}

int nd_analysis_add_field(nd_analysis_data *d, nd_event *e, size_t name, const char *value)
{
	uint32_t id = field_value_id(d, name, value);

	return id == UINT32_MAX ? -1 : nd_analysis_add_field_id(d, e, name, id);
}

int nd_analysis_add_field_id(nd_analysis_data *d, nd_event *e, size_t name, uint32_t id)
{
	nd_field_value *f;

	if (id == ND_STR_NONE || d->nfields >= UINT32_MAX - e->nfields || e->nfields == UINT16_MAX)
		return -1; /* 4G values (32 GB) cannot be held anyway, nor can the rules read 64K names */
	if (!(f = add(&d->fields, &d->nfields, &d->cap_fields, sizeof(*d->fields))))
		return -1;
	if (!e->nfields)
		e->field = (uint32_t)(d->nfields - 1);
	f->name = (uint32_t)name;
	f->value = id;
	e->nfields++;
	return 0;
}

/* Indexes the hosts from first on by name, making the index anew (room
 * for twice the hosts) when it would be more than half full. Returns 0,
 * or -1 when out of memory (the index is then unchanged). */
static int index_hosts(nd_analysis_data *d, size_t first)
{
	size_t i;

	if (nd_strslots_full(&d->host_slots, d->nhosts)) {
		if (nd_strslots_make(&d->host_slots, d->nhosts) != 0)
			return -1;
		first = 0;
	}
	for (i = first; i < d->nhosts; i++) {
		uint64_t h = nd_hash_str(d->hosts[i]);

		/* fewer than 4G hosts (nd_analysis_add_host) */
		nd_strslots_put(nd_strslots_find(&d->host_slots, h, d->hosts[i]), h, d->hosts[i], (uint32_t)i);
	}
	return 0;
}

int nd_analysis_add_host(nd_analysis_data *d, const char *name, nd_error *err)
{
	const char **h =
	    d->nhosts < UINT32_MAX - 1 ? add(&d->hosts, &d->nhosts, &d->cap_hosts, sizeof(*d->hosts)) : NULL;

	if (!h || !(*h = nd_strpool_add(&d->pool, name)) || index_hosts(d, d->nhosts - 1) != 0) {
		if (h)
			d->nhosts--;
		return nd_error_set(err, "out of memory");
	}
	return 0;
}

size_t nd_analysis_host(const nd_analysis_data *d, const char *name)
{
	return nd_analysis_host_hashed(d, name, nd_hash_str(name));
}

uint64_t nd_analysis_host_hash(const nd_analysis_data *d, const char *name)
{
	uint64_t h = nd_hash_str(name);

	if (d->host_slots.n)
		nd_strslots_prefetch(&d->host_slots, h);
	return h;
}

size_t nd_analysis_host_hashed(const nd_analysis_data *d, const char *name, uint64_t h)
{
	const nd_strslot *at = d->host_slots.n ? nd_strslots_find(&d->host_slots, h, name) : NULL;

	return at && at->s ? at->i : d->nhosts;
}

/* qsort: strings in byte order. */
static int str_order(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* Renumbers the host of each of the n records of size bytes at v (the
 * host at offset in each, a size_t, or a uint32_t when narrow): a host
 * below old becomes map[host], any other (unknown) becomes unknown, now.
 * Returns nothing. */
static void move_hosts(void *v, size_t n, size_t size, size_t offset, int narrow, const size_t *map, size_t old,
		       size_t now)
{
	char *p;
	size_t i, h;
	uint32_t h32;

	if (n == 0) /* v may be NULL */
		return;
	for (i = 0, p = (char *)v + offset; i < n; i++, p += size) {
		if (narrow) {
			memcpy(&h32, p, sizeof(h32));
			h32 = (uint32_t)(h32 < old ? map[h32] : now); /* fewer than 4G (nd_analysis_insert_hosts) */
			memcpy(p, &h32, sizeof(h32));
			continue;
		}
		memcpy(&h, p, sizeof(h));
		h = h < old ? map[h] : now;
		memcpy(p, &h, sizeof(h));
	}
}

int nd_analysis_insert_hosts(nd_analysis_data *d, const char **names, size_t n, size_t *map, nd_error *err)
{
	const char **v = d->nhosts + n < UINT32_MAX ? malloc((d->nhosts + n + 1) * sizeof(*v)) : NULL;
	size_t i, a = 0, b = 0, old = d->nhosts;

	/* the hosts are renumbered: indexed anew (room enough, index_hosts cannot fail) */
	if (!v || nd_strslots_make(&d->host_slots, old + n) != 0) {
		free(v);
		return nd_error_set(err, "out of memory");
	}
	nd_sort(names, n, sizeof(*names), str_order);
	for (i = 0; a < old || b < n; i++)
		if (b == n || (a < old && strcmp(d->hosts[a], names[b]) < 0)) {
			map[a] = i;
			v[i] = d->hosts[a++];
		} else {
			v[i] = names[b++];
		}
	map[old] = old + n; /* unknown stays unknown */
	free(d->hosts);
	d->hosts = v;
	d->nhosts = d->cap_hosts = old + n;
	index_hosts(d, 0);
	n = d->nhosts;
	move_hosts(d->clients, d->nclients, sizeof(*d->clients), offsetof(nd_client_failure, host), 1, map, old, n);
	move_hosts(d->decisions, d->ndecisions, sizeof(*d->decisions), offsetof(nd_decision, host), 1, map, old, n);
	move_hosts(d->connects, d->nconnects, sizeof(*d->connects), offsetof(nd_connect, host), 0, map, old, n);
	move_hosts(d->unlocks, d->nunlocks, sizeof(*d->unlocks), offsetof(nd_decision, host), 1, map, old, n);
	move_hosts(d->capi2, d->ncapi2, sizeof(*d->capi2), offsetof(nd_capi2_event, host), 0, map, old, n);
	move_hosts(d->events, d->nevents, sizeof(*d->events), offsetof(nd_event, host), 1, map, old, n);
	return 0;
}

/* Copies s into the pool, shared with an equal copy when share. Returns
 * the copy as nd_analysis_str says. */
static const char *copy_str(nd_analysis_data *d, const char *s, int keep_empty, int share, int *oom)
{
	const char *v;
	uint32_t id;

	if (share)
		return (id = nd_analysis_str_id(d, s, keep_empty, oom)) == ND_STR_NONE ? NULL : d->strings.v[id];
	if (!s || !*s)
		s = keep_empty ? "" : NULL;
	if (!s)
		return NULL;
	if (!(v = nd_strpool_add(&d->pool, s)))
		*oom = 1;
	return v;
}

uint32_t nd_analysis_str_id(nd_analysis_data *d, const char *s, int keep_empty, int *oom)
{
	if (!s || !*s)
		s = keep_empty ? "" : NULL;
	return s ? nd_analysis_str_id_hashed(d, s, nd_hash_str(s), oom) : ND_STR_NONE;
}

uint32_t nd_analysis_str_id_hashed(nd_analysis_data *d, const char *s, uint64_t h, int *oom)
{
	uint32_t id;

	d->strings.pool = &d->pool; /* d may have moved since the last call */
	if ((id = nd_intern_add_hashed(&d->strings, s, h)) == UINT32_MAX)
		*oom = 1;
	return id; /* UINT32_MAX: ND_STR_NONE */
}

const char *nd_analysis_str(nd_analysis_data *d, const char *s, int keep_empty, int *oom)
{
	return copy_str(d, s, keep_empty, 1, oom);
}

const char *nd_analysis_str_unique(nd_analysis_data *d, const char *s, int keep_empty, int *oom)
{
	return copy_str(d, s, keep_empty, 0, oom);
}

/* The value + 1 of each upper-case hex digit, 0 for any other byte. */
static const unsigned char hex_plus1[256] = {
    ['0'] = 1, ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16};

/* The position in a GUID's text of the first of the two digits of each
 * byte. */
static const unsigned char guid_byte_at[16] = {1, 3, 5, 7, 10, 12, 15, 17, 20, 22, 25, 27, 29, 31, 33, 35};

int nd_analysis_set_coid(nd_analysis_data *d, nd_client_failure *c, const char *text)
{
	const unsigned char *t = (const unsigned char *)text;
	unsigned char guid[16];
	unsigned bad = 0;
	size_t i;
	int oom = 0;

	c->coid_guid = 0;
	c->coid.text = NULL;
	if (!text || !*text)
		return 0;
	/* the length first: every position read below is within the text */
	if (strlen(text) == ND_COID_TEXT - 1 && t[0] == '{' && t[ND_COID_TEXT - 2] == '}' && t[9] == '-' &&
	    t[14] == '-' && t[19] == '-' && t[24] == '-') {
		for (i = 0; i < sizeof(guid); i++) {
			unsigned hi = hex_plus1[t[guid_byte_at[i]]], lo = hex_plus1[t[guid_byte_at[i] + 1]];

			bad |= !hi | !lo;
			guid[i] = (unsigned char)((hi - 1) << 4 | ((lo - 1) & 15));
		}
		if (!bad) {
			memcpy(c->coid.guid, guid, sizeof(guid));
			c->coid_guid = 1;
			return 0;
		}
	}
	c->coid.text = nd_analysis_str_unique(d, text, 0, &oom);
	return oom ? -1 : 0;
}

const char *nd_analysis_coid(const nd_client_failure *c, char buf[ND_COID_TEXT])
{
	static const char digits[] = "0123456789ABCDEF";
	size_t k;

	if (!c->coid_guid)
		return c->coid.text;
	memcpy(buf, "{00000000-0000-0000-0000-000000000000}", ND_COID_TEXT);
	for (k = 0; k < sizeof(guid_byte_at); k++) {
		buf[guid_byte_at[k]] = digits[c->coid.guid[k] >> 4];
		buf[guid_byte_at[k] + 1] = digits[c->coid.guid[k] & 15];
	}
	return buf;
}

int nd_analysis_coid_cmp(const nd_client_failure *a, const nd_client_failure *b)
{
	char ba[ND_COID_TEXT], bb[ND_COID_TEXT];
	const char *ta, *tb;

	if (a->coid_guid && b->coid_guid)
		return memcmp(a->coid.guid, b->coid.guid, sizeof(a->coid.guid));
	ta = nd_analysis_coid(a, ba);
	tb = nd_analysis_coid(b, bb);
	return strcmp(ta ? ta : "", tb ? tb : "");
}

size_t nd_analysis_name(const nd_analysis_data *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nnames; i++)
		if (nd_ascii_casecmp(d->names[i], name) == 0)
			break;
	return i;
}

/* Returns 1 if name is a pseudo-field read from the event itself. */
static int pseudo(const char *name)
{
	return strcmp(name, "computer") == 0 || strcmp(name, "provider") == 0;
}

int nd_analysis_add_name(nd_analysis_data *d, const char *name, nd_error *err)
{
	const char **n;

	if (pseudo(name) || nd_analysis_name(d, name) < d->nnames)
		return 0;
	if (d->nnames >= UINT16_MAX) /* an event holds one value per name, counted in 16 bits (nd_event) */
		return nd_error_set(err, "the rules read more than %u event fields", (unsigned)UINT16_MAX);
	if (!(n = add(&d->names, &d->nnames, &d->cap_names, sizeof(*d->names))) ||
	    !(*n = nd_strpool_add(&d->pool, name)))
		return nd_error_set(err, "out of memory");
	return 0;
}

int nd_analysis_add_rule_names(nd_analysis_data *d, const nd_rules *rules, nd_error *err)
{
	size_t i, j;

	for (i = 0; i < rules->n; i++) {
		const nd_rule *r = rules->v[i];

		for (j = 0; !r->disabled && j < r->npatterns; j++)
			if (nd_analysis_add_name(d, r->patterns[j].field.name, err) != 0)
				return -1;
		for (j = 0; !r->disabled && j < r->nfacts; j++)
			if (nd_analysis_add_name(d, r->facts[j].name, err) != 0)
				return -1;
	}
	return 0;
}

/* Returns -1, 0 or 1 as a < b, a == b, a > b. */
static int cmp64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

/* qsort: events by ref. */
static int by_ref(const void *pa, const void *pb)
{
	return cmp64(((const nd_event *)pa)->ref, ((const nd_event *)pb)->ref);
}

/* An event's place in time, carried for sorting. */
typedef struct when {
	int64_t ts, ref;
	uint32_t idx;
} when;

/* qsort: by time, then ref. */
static int by_time(const void *pa, const void *pb)
{
	const when *a = pa, *b = pb;
	int c = cmp64(a->ts, b->ts);

	return c ? c : cmp64(a->ref, b->ref);
}

int nd_analysis_keep_order(void *v, size_t n, size_t old, size_t size, int (*cmp)(const void *, const void *))
{
	char *a = v, *t, *x, *y, *xe, *ye, *o;
	size_t lo = 0, hi;

	if (!old && n)
		old = 1;
	while (old < n && cmp(a + (old - 1) * size, a + old * size) <= 0)
		old++;
	if (old >= n)
		return 0;
	nd_sort(a + old * size, n - old, size, cmp);
	if (cmp(a + (old - 1) * size, a + old * size) <= 0)
		return 0;
	for (hi = old; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp(a + mid * size, a + old * size) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!(t = malloc((n - lo) * size)))
		return -1;
	memcpy(t, a + lo * size, (n - lo) * size);
	x = t;
	xe = y = t + (old - lo) * size;
	ye = t + (n - lo) * size;
	o = a + lo * size;
	while (x < xe && y < ye) {
		char **from = cmp(x, y) <= 0 ? &x : &y;

		memcpy(o, *from, size);
		*from += size;
		o += size;
	}
	memcpy(o, x < xe ? x : y, (size_t)(x < xe ? xe - x : ye - y));
	free(t);
	return 0;
}

/* Makes by_ref for the events of d (in ref order): as many parts as
 * events at most, each the refs with one value of (ref - the lowest)
 * shifted right by ref_shift, the least shift that keeps them so few (a
 * span of refs twice the events' count gives two refs a part). At 1M x 1M
 * 8 MB, against the binary search's ten cache misses a lookup among 2M
 * events. Returns 0, or -1 when out of memory (by_ref then NULL). */
static int index_refs(nd_analysis_data *d)
{
	size_t n = d->nevents, nb, i, k = 0;
	uint64_t span;
	unsigned shift = 0;

	free(d->by_ref);
	d->by_ref = NULL;
	d->nby_ref = 0;
	if (!n)
		return 0;
	span = (uint64_t)d->events[n - 1].ref - (uint64_t)d->events[0].ref;
	while ((span >> shift) >= n)
		shift++;
	nb = (size_t)(span >> shift) + 1;
	if (!(d->by_ref = malloc((nb + 1) * sizeof(*d->by_ref))))
		return -1;
	for (i = 0; i < n; i++) {
		size_t part = (size_t)(((uint64_t)d->events[i].ref - (uint64_t)d->events[0].ref) >> shift);

		while (k <= part)
			d->by_ref[k++] = (uint32_t)i;
	}
	while (k <= nb)
		d->by_ref[k++] = (uint32_t)n;
	d->nby_ref = nb;
	d->ref_low = d->events[0].ref;
	d->ref_shift = shift;
	return 0;
}

int nd_analysis_index(nd_analysis_data *d, nd_error *err)
{
	return nd_analysis_index_more(d, 0, err);
}

int nd_analysis_index_more(nd_analysis_data *d, size_t first, nd_error *err)
{
	size_t i, o, at, out = first;
	when *w;

	if (first < d->nevents &&
	    nd_analysis_keep_order(d->events + first, d->nevents - first, 0, sizeof(*d->events), by_ref) != 0)
		return nd_error_set(err, "out of memory");
	for (i = first; i < d->nevents; i++) {
		if (out > first && d->events[out - 1].ref == d->events[i].ref) {
			d->events[out - 1].flags |= d->events[i].flags;
			continue;
		}
		d->events[out++] = d->events[i];
	}
	d->nevents = out;
	if (d->nevents >= UINT32_MAX)
		return nd_error_set(err, "too many events to diagnose (they count in 32 bits)");
	if (nd_vec_reserve(&d->by_ts, &d->cap_by_ts, d->nevents + 1, sizeof(*d->by_ts)) != 0 ||
	    !(w = malloc((d->nevents - first + 1) * sizeof(*w))))
		return nd_error_set(err, "out of memory");
	for (i = first; i < d->nevents; i++)
		w[i - first] = (when){d->events[i].ts, d->events[i].ref, (uint32_t)i};
	if (nd_analysis_keep_order(w, d->nevents - first, 0, sizeof(*w), by_time) != 0) {
		free(w);
		return nd_error_set(err, "out of memory");
	}
	/* The new ones merged in with those indexed before, by time then ref,
	 * from the end: a new event is most often the newest, so only the
	 * indexed ones after the earliest new one move. */
	for (i = first, o = d->nevents - first, at = d->nevents; o > 0;) {
		const nd_event *e = i > 0 ? &d->events[d->by_ts[i - 1]] : NULL;

		if (e && (e->ts > w[o - 1].ts || (e->ts == w[o - 1].ts && e->ref > w[o - 1].ref)))
			d->by_ts[--at] = d->by_ts[--i];
		else
			d->by_ts[--at] = w[--o].idx;
	}
	free(w);
	return index_refs(d) != 0 ? nd_error_set(err, "out of memory") : 0;
}

const nd_event *nd_analysis_event(const nd_analysis_data *d, int64_t ref)
{
	size_t lo = 0, hi = d->nevents;

	if (d->by_ref) {
		uint64_t part = (uint64_t)ref - (uint64_t)d->ref_low;

		if (ref < d->ref_low || (part >>= d->ref_shift) >= d->nby_ref)
			return NULL;
		lo = d->by_ref[part];
		hi = d->by_ref[part + 1];
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->events[mid].ref == ref)
			return &d->events[mid];
		if (d->events[mid].ref < ref)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *nd_analysis_field_of(const nd_analysis_data *d, const nd_event *e, size_t name)
{
	size_t i;

	for (i = e->field; i < e->field + e->nfields; i++)
		if (d->fields[i].name == name)
			return d->strings.v[d->fields[i].value];
	return NULL;
}

size_t nd_analysis_field_pos(const nd_analysis_data *d, const char *name)
{
	if (strcmp(name, "computer") == 0)
		return ND_FIELD_COMPUTER;
	if (strcmp(name, "provider") == 0)
		return ND_FIELD_PROVIDER;
	return nd_analysis_name(d, name);
}

const char *nd_analysis_field_at(const nd_analysis_data *d, int64_t ref, size_t pos)
{
	return nd_analysis_field_in(d, ref ? nd_analysis_event(d, ref) : NULL, pos);
}

const char *nd_analysis_field_in(const nd_analysis_data *d, const nd_event *e, size_t pos)
{
	if (!e)
		return NULL;
	if (pos == ND_FIELD_COMPUTER)
		return e->host < d->nhosts ? d->hosts[e->host] : NULL;
	if (pos == ND_FIELD_PROVIDER)
		return nd_analysis_s(d, e->provider);
	return nd_analysis_field_of(d, e, pos);
}

const char *nd_analysis_field(const nd_analysis_data *d, int64_t ref, const char *name)
{
	return nd_analysis_field_at(d, ref, nd_analysis_field_pos(d, name));
}

/* Returns the first position in by_ts of an event at or after ts. */
static size_t first_at(const nd_analysis_data *d, int64_t ts)
{
	size_t lo = 0, hi = d->nevents;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->events[d->by_ts[mid]].ts < ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int64_t nd_analysis_near(const nd_analysis_data *d, const nd_rule_event *ev, size_t n, double window, int64_t center)
{
	int64_t w = (int64_t)(window * ND_TICKS_PER_SECOND), best = 0, best_dist = 0;
	size_t i, k;

	for (i = 0; i < n; i++) {
		int64_t found = 0, found_dist = 0;

		for (k = first_at(d, center - w); k < d->nevents && d->events[d->by_ts[k]].ts <= center + w; k++) {
			const nd_event *e = &d->events[d->by_ts[k]];
			int64_t dist = e->ts < center ? center - e->ts : e->ts - center;

			if (e->id != ev[i].id || (ev[i].family && (e->family == ND_STR_NONE ||
								   strcmp(ev[i].family, d->strings.v[e->family]) != 0)))
				continue;
			if (!found || dist < found_dist || (dist == found_dist && e->ref < found)) {
				found = e->ref;
				found_dist = dist;
			}
		}
		if (found && (!best || found_dist < best_dist)) {
			best = found;
			best_dist = found_dist;
		}
	}
	return best;
}

void nd_analysis_fit(nd_analysis_data *d, int keep_strings)
{
	nd_vec_fit(&d->hosts, &d->cap_hosts, d->nhosts, sizeof(*d->hosts));
	nd_vec_fit(&d->clients, &d->cap_clients, d->nclients, sizeof(*d->clients));
	nd_vec_fit(&d->decisions, &d->cap_decisions, d->ndecisions, sizeof(*d->decisions));
	nd_vec_fit(&d->connects, &d->cap_connects, d->nconnects, sizeof(*d->connects));
	nd_vec_fit(&d->unlocks, &d->cap_unlocks, d->nunlocks, sizeof(*d->unlocks));
	nd_vec_fit(&d->hints, &d->cap_hints, d->nhints, sizeof(*d->hints));
	nd_vec_fit(&d->capi2, &d->cap_capi2, d->ncapi2, sizeof(*d->capi2));
	nd_vec_fit(&d->events, &d->cap_events, d->nevents, sizeof(*d->events));
	nd_vec_fit(&d->by_ts, &d->cap_by_ts, d->nevents, sizeof(*d->by_ts));
	nd_vec_fit(&d->fields, &d->cap_fields, d->nfields, sizeof(*d->fields));
	nd_vec_fit(&d->times, &d->cap_times, d->ntimes, sizeof(*d->times));
	if (!keep_strings)
		nd_intern_drop_index(&d->strings);
}

void nd_analysis_data_free(nd_analysis_data *d)
{
	free(d->hosts);
	nd_strslots_free(&d->host_slots);
	free(d->clients);
	free(d->decisions);
	free(d->connects);
	free(d->unlocks);
	free(d->capi2);
	free(d->hints);
	free(d->events);
	free(d->by_ts);
	free(d->by_ref);
	free(d->fields);
	free(d->times);
	free(d->names);
	free(d->last_value);
	free(d->redialled);
	nd_intern_free(&d->strings);
	nd_strpool_free(&d->pool);
	memset(d, 0, sizeof(*d));
}
