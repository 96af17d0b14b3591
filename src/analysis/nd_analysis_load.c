#include "nd_analysis_load.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "nd_buf.h"
#include "nd_cpu.h"
#include "nd_db.h"
#include "nd_db_sqlite.h"
#include "nd_family.h"
#include "nd_fields.h"
#include "nd_hash.h"
#include "nd_hugemem.h"
#include "nd_radix.h"
#include "nd_slots.h"
#include "nd_sort.h"
#include "nd_time.h"
#include "nd_u64set.h"
#include "nd_vec.h"

typedef nd_analysis_dial dial;

#define LAST_COLUMNS 16

/* The column of the time an event was logged with: SQLite computes
 * time_created from ts unless time_text holds another text; PostgreSQL
 * stores time_created (logged_time). */
#define TIME_SQLITE "time_text"
#define TIME_PG "time_created"

/* A field_names row: the rule-read name (an index of d->names, nnames
 * for none) of each position, the name itself where read; and, for the
 * events of family fam, the query column (nd_fields_typed_index) whose
 * typed value gives back each position's, -1 for none (col NULL: not
 * worked out for the query being read). */
typedef struct names_row {
	int64_t id;
	size_t *k;
	char **name;
	size_t n;
	const nd_family *fam;
	int *col;
} names_row;

/* The field_names rows that name a field the rules read, by id. */
typedef struct names_map {
	names_row *v;
	size_t n, cap;
} names_map;

/* A list of fields of an event: d->fields[at .. at + n), and its hash (a
 * multiply-xor chain of the name and value ids from the process's hash
 * key: ids are handed out in arrival order, which an attacker influences
 * but does not choose). A slot of the load's lists (list_find): n 0 when
 * empty. */
typedef struct field_list {
	uint64_t h;
	uint32_t at;
	uint16_t n;
} field_list;

/* What a row leaves to the row after (later_do), so that the cache misses
 * of its look-ups overlap with SQLite's step to that row: their slots
 * are fetched when the row is read (at 1M x 1M a decision's hint and
 * field list miss the cache, in tables as large as the fleet's users). */
typedef struct later {
	nd_domain_hint hint; /* names to keep as a hint (hint_keep; user NULL: none) */
	uint64_t hint_h;     /* their hash */
	size_t event;        /* the index + 1 of the event whose fields to share (share_fields), 0: none */
	uint64_t list_h;     /* the hash of its fields */
} later;

/* The state of one load. */
typedef struct load {
	nd_db *db;
	nd_analysis_data *d;
	const nd_analysis_data *hosts; /* whose hosts host_col looks up: d, or the data a side load is for */
	nd_error *err;
	int oom;       /* a string copy failed */
	int64_t since; /* only events with a greater id (0: all) */
	int beside;    /* the decisions may be read on a second connection (side_start): nd_analysis_load's */
	int pg;        /* PostgreSQL: events.time_created is stored (no time_text): the queries' second form */
	const char *time; /* the last logged time kept (the next is most often the same) */
	int afresh;    /* a row that since does not allow (nd_analysis_load_more returns 1) */
	int redial;    /* since: a dial may change the server of a client failure loaded before */
	const char **added; /* since: the hosts not known before (strings of the pool) */
	size_t nadded, cap_added;
	size_t *moved; /* since, when hosts were added: each old host's new index */
	nd_u64set *coids; /* with a cursor: the fingerprints of the client failures' host and CoId */
	size_t rows;   /* rows read */
	int64_t top;   /* the highest event id read */
	dial *dials;   /* by host, CoId, then time and ref (since: the first of each) */
	size_t ndials, cap_dials;
	nd_domain_hint *hint_set; /* the names of d->hints, by their hash (hint_find; user NULL: empty) */
	size_t nhint_set;         /* its slots: a power of two, 0 before the first hint */
	dial *fresh; /* since: the first of each host and CoId new since */
	size_t nfresh, cap_fresh;
	const char *last[LAST_COLUMNS]; /* the shared copy col_id gave for each column of the query's last row */
	uint32_t last_id[LAST_COLUMNS]; /* and its id */
	const char *last_host; /* the name of the host host_col gave last in the query (NULL: none) */
	size_t host;           /* and its index */
	names_map names; /* read once a query reads fields (names_read) */
	int names_read;
	int fields_at;   /* the column of events.names_ref in the query's rows (then fields, then the typed
			  * columns, at index), -1 when it reads no fields */
	int *index;      /* nd_fields_typed_columns of the query being read */
	nd_buf sql;      /* the query with the columns of its events' fields (fields_sql) */
	nd_buf tmp;      /* a field's value being decoded */
	field_list *lists; /* the distinct lists of fields the load's events have, by their hash (list_find) */
	size_t nlists, slots_lists; /* how many, and the slots (a power of two, 0 before the first) */
	later later;
	_Atomic int64_t *line; /* the decisions' read on a second connection shares them (side_takes), else NULL */
	int64_t taken;         /* there: the last decision it took */
	int64_t limit;         /* and the last it may take (INT64_MAX until the caller's thread splits them) */
	int64_t until;         /* with since, a part of the decisions the caller's thread takes: the last id */
	_Atomic int *stop;     /* the second connection's: set when its rows are no longer wanted (side_stop) */
} load;

/* Returns the shared string of id as the load that added it sees it: on
 * the load's own thread, nd_analysis_s reads the copy the caller's thread
 * pairs with (rest_beside), which has no id added since. NULL for
 * ND_STR_NONE. */
static const char *own_str(const load *l, uint32_t id)
{
	return id == ND_STR_NONE ? NULL : l->d->strings.v[id];
}

/* Keeps id as the id of the text of column c in the row being read, for
 * the next row's (text_id). Returns id. */
static uint32_t remember(load *l, int c, uint32_t id)
{
	if (c < LAST_COLUMNS) {
		l->last_id[c] = id;
		l->last[c] = own_str(l, id);
	}
	return id;
}

/* Returns the id of a shared copy of v, the text of column c of the row
 * being read (nd_analysis_s): ND_STR_NONE when NULL or empty, unless
 * keep_empty (then ""). The same text as the row before in that column (a
 * fleet's rows in time order repeat domains, NAS, types) is the copy
 * given then, without looking it up. Sets l->oom when out of memory. */
static uint32_t text_id(load *l, int c, const char *v, int keep_empty)
{
	if (c < LAST_COLUMNS && v && *v && l->last[c] && strcmp(v, l->last[c]) == 0)
		return l->last_id[c];
	return remember(l, c, nd_analysis_str_id(l->d, v, keep_empty, &l->oom));
}

/* Column c of a row, read ahead of its id (text_ask, text_take) or host
 * (host_ask, host_take). */
typedef struct asked {
	const char *v; /* its text */
	uint64_t h;    /* its hash, its slot fetched ahead, unless known or empty */
	int known;     /* the same text as the row before in that column (host: the host of the row before) */
} asked;

/* Reads column c of st into x: when its id is to be looked up (not the
 * row before's text), hashes it and fetches its slot into the cache, so
 * that the rest of the row is read meanwhile (text_take). Returns
 * nothing. */
static void text_ask(load *l, nd_stmt *st, int c, asked *x)
{
	x->v = nd_db_column_text(st, c);
	x->known = c < LAST_COLUMNS && x->v && *x->v && l->last[c] && strcmp(x->v, l->last[c]) == 0;
	x->h = !x->known && x->v && *x->v ? nd_intern_hash(&l->d->strings, x->v) : 0;
}

/* Fetches into the cache the string that the look-up of x (text_ask or
 * host_ask, in t: the strings' slots or the hosts') will compare, its
 * slot fetched then: a row's strings are fetched together, so that their
 * cache misses overlap (at 1M x 1M a decision's user and FQ name, a
 * client failure's user and computer, each one of 50k). Returns nothing. */
static void text_peek(const nd_strslots *t, const asked *x)
{
	if (!x->known && x->h && t->n)
		nd_strslots_prefetch_string(t, x->h);
}

/* Returns the id of the shared copy of column c that text_ask read into
 * x, as text_id does. Sets l->oom when out of memory. */
static uint32_t text_take(load *l, int c, const asked *x, int keep_empty)
{
	if (x->known)
		return l->last_id[c];
	if (!x->v || !*x->v)
		return text_id(l, c, x->v, keep_empty);
	return remember(l, c, nd_analysis_str_id_hashed(l->d, x->v, x->h, &l->oom));
}

/* Returns the id of a shared copy of column c of st, as text_id. */
static uint32_t col_id(load *l, nd_stmt *st, int c, int keep_empty)
{
	return text_id(l, c, nd_db_column_text(st, c), keep_empty);
}

/* Returns the shared copy of column c of st, as col_id gives its id. */
static const char *col(load *l, nd_stmt *st, int c, int keep_empty)
{
	return own_str(l, col_id(l, st, c, keep_empty));
}

/* Reads column c of st, a computer name, into x: unless it is the host of
 * the row before (the NPS servers of the decisions), hashes it and
 * fetches its slot into the cache, so that the rest of the row is read
 * meanwhile (host_take). Returns nothing. */
static void host_ask(load *l, nd_stmt *st, int c, asked *x)
{
	x->v = nd_db_column_text(st, c);
	if (!x->v)
		x->v = "";
	x->known = l->last_host && strcmp(x->v, l->last_host) == 0;
	x->h = x->known ? 0 : nd_analysis_host_hash(l->hosts, x->v);
}

/* Returns the host index of the computer host_ask read into x, or nhosts
 * when unknown. */
static size_t host_take(load *l, const asked *x)
{
	if (!x->known) {
		l->host = nd_analysis_host_hashed(l->hosts, x->v, x->h);
		l->last_host = l->host < l->hosts->nhosts ? l->hosts->hosts[l->host] : NULL;
	}
	return l->host;
}

/* Returns the host index of column c of st, or nhosts when unknown
 * (host_ask, then host_take). */
static size_t host_col(load *l, nd_stmt *st, int c)
{
	asked x;

	host_ask(l, st, c, &x);
	return host_take(l, &x);
}

/* Frees what a names row holds. Returns nothing. */
static void row_free(names_row *r)
{
	size_t j;

	for (j = 0; r->name && j < r->n; j++)
		free(r->name[j]);
	free(r->name);
	free(r->k);
	free(r->col);
}

/* Frees what the load holds for reading fields. Returns nothing. */
static void fields_free(load *l)
{
	size_t i;

	for (i = 0; i < l->names.n; i++)
		row_free(&l->names.v[i]);
	free(l->names.v);
	free(l->index);
	nd_buf_free(&l->sql);
	nd_buf_free(&l->tmp);
	free(l->lists);
	l->lists = NULL;
	l->nlists = l->slots_lists = 0;
}

/* Reads the field_names rows (ordered by id) into l->names, keeping those
 * that name a field the rules read (a row that is not a JSON array names
 * nothing). Returns 0, or -1 with err set. */
static int load_names(load *l)
{
	nd_analysis_data *d = l->d;
	names_map *m = &l->names;
	nd_stmt *st = NULL;
	int rc;

	if (nd_db_prepare(l->db, "SELECT id, names FROM field_names ORDER BY id", 0, &st, "load", NULL) != 0)
		return nd_db_fail(l->db, "field names", l->err);
	while ((rc = nd_db_step(st, "load", NULL)) == 1) {
		const char *p = nd_db_column_text(st, 1);
		names_row r = {nd_db_column_int64(st, 0), NULL, NULL, 0, NULL, NULL};
		size_t cap = 0, ncap = 0, used = 0;
		int null, more = 0, oom = 0;

		while (p && (more = nd_fields_next(&p, &l->tmp, &null)) == 1) {
			if ((oom = nd_vec_reserve(&r.k, &cap, r.n + 1, sizeof(*r.k)) != 0 ||
				   nd_vec_reserve(&r.name, &ncap, r.n + 1, sizeof(*r.name)) != 0))
				break;
			r.k[r.n] = null ? d->nnames : nd_analysis_name(d, l->tmp.data);
			r.name[r.n] = NULL;
			if (r.k[r.n] != d->nnames && !(r.name[r.n] = strdup(l->tmp.data))) {
				oom = 1;
				break;
			}
			used += r.k[r.n++] != d->nnames;
		}
		if (!oom && used && more == 0) {
			if (nd_vec_reserve(&m->v, &m->cap, m->n + 1, sizeof(*m->v)) == 0) {
				m->v[m->n++] = r;
				continue;
			}
			oom = 1;
		}
		row_free(&r);
		if (oom) {
			nd_db_finalize(st);
			return nd_error_set(l->err, "out of memory");
		}
	}
	nd_db_finalize(st);
	return rc == 0 ? 0 : nd_db_fail(l->db, "field names", l->err);
}

/* Returns the names row id of m, or NULL. */
static names_row *names_of(const names_map *m, int64_t id)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->n && m->v[lo].id == id ? &m->v[lo] : NULL;
}

/* Sets, for the events of family fam, the query column of each rule-read
 * position of r (nd_fields_typed_index). Returns 0, or -1 when out of
 * memory. */
static int row_family(names_row *r, const nd_family *fam, const int *index)
{
	size_t j;

	if (r->col && r->fam == fam)
		return 0;
	if (!r->col && !(r->col = malloc(r->n * sizeof(*r->col))))
		return -1;
	for (j = 0; j < r->n; j++)
		r->col[j] = r->name[j] && fam ? nd_fields_typed_index(index, fam, nd_family_column_of(fam, r->name[j])) : -1;
	r->fam = fam;
	return 0;
}

/* Returns the family called name, or NULL. */
static const nd_family *family_named(const char *name)
{
	const nd_family *const *f;

	for (f = nd_families(); name && *f; f++)
		if (strcmp((*f)->name, name) == 0)
			return *f;
	return NULL;
}

/* Returns 1 when the rules read the field called name, else 0. */
static int rules_read(void *ctx, const char *name)
{
	const nd_analysis_data *d = ctx;

	return nd_analysis_name(d, name) != d->nnames;
}

/* Returns the position of the column t (n bytes) among the first ncols
 * columns of the select list sel (separated by ", "), or -1. */
static int fixed_column(const char *sel, int ncols, const char *t, size_t n)
{
	const char *end;
	int k;

	for (k = 0; k < ncols && (end = strstr(sel, ", ")) != NULL; k++, sel = end + 2)
		if ((size_t)(end - sel) == n && memcmp(sel, t, n) == 0)
			return k;
	return -1;
}

/* Drops from l->sql (a select list: the query's first ncols columns,
 * e.names_ref, e.fields, then from byte typed on the typed columns, each
 * after ", ") the typed columns that repeat one of the first ncols (a
 * decision's SubjectUserName, NASPortType and AuthenticationType: SQLite
 * read each twice a row, and the user name was looked up twice), l->index
 * giving that column instead and the later ones renumbered. Returns
 * nothing. */
static void drop_repeated(load *l, int ncols, size_t typed)
{
	const char *sel = l->sql.data + strlen("SELECT ");
	char *in = l->sql.data + typed, *out = in, *end = l->sql.data + l->sql.len;
	int old = ncols + 2, now = ncols + 2, to;
	size_t k, n, count = nd_fields_typed_count();

	if (strncmp(l->sql.data, "SELECT ", strlen("SELECT ")) != 0)
		return;
	for (; in < end; in += 2 + n, old++) { /* in: ", " and the column */
		const char *next = strstr(in + 2, ", ");

		n = (size_t)((next ? next : end) - (in + 2));
		if ((to = fixed_column(sel, ncols, in + 2, n)) < 0) {
			memmove(out, in, 2 + n);
			out += 2 + n;
			to = now++;
		}
		for (k = 0; k < count; k++) /* a value renumbered is below every later old one */
			if (l->index[k] == old)
				l->index[k] = to;
	}
	l->sql.len = (size_t)(out - l->sql.data);
	*out = '\0';
}

/* Sets l->sql to sql (a query whose first ncols columns a row function
 * reads; its FROM clause names the events e) with, after those, the
 * columns that give the fields of its events: events.names_ref, .fields,
 * then each typed column the rules read (nd_fields_typed_columns: of the
 * typed table read as alias, or with table NULL of every typed table,
 * joined after "FROM events e"), and l->fields_at to where they start.
 * When the rules read no field of any field_names row, l->sql is sql and
 * l->fields_at -1. Returns 0, or -1 with err set. */
static int fields_sql(load *l, const char *sql, int ncols, const char *table, const char *alias)
{
	const char *from = strstr(sql, " FROM ");
	size_t i, typed;
	int rc;

	l->fields_at = -1;
	nd_buf_reset(&l->sql);
	if (l->d->nnames && !l->names_read) {
		if (load_names(l) != 0)
			return -1;
		l->names_read = 1;
	}
	if (!l->names.n || !from)
		return nd_buf_append(&l->sql, sql, strlen(sql) + 1) ? nd_error_set(l->err, "out of memory") : 0;
	for (i = 0; i < l->names.n; i++) { /* another query's columns */
		free(l->names.v[i].col);
		l->names.v[i].col = NULL;
	}
	if (!l->index && !(l->index = malloc((nd_fields_typed_count() + 1) * sizeof(*l->index))))
		return nd_error_set(l->err, "out of memory");
	rc = nd_buf_append(&l->sql, sql, (size_t)(from - sql)) || nd_buf_printf(&l->sql, ", e.names_ref, e.fields");
	typed = l->sql.len;
	if (!rc && !(rc = nd_fields_typed_columns(&l->sql, table, alias, ncols + 2, rules_read, l->d, l->index)))
		drop_repeated(l, ncols, typed);
	if (!rc && !table) {
		const char *after = " FROM events e";

		rc = strncmp(from, after, strlen(after)) != 0 || nd_buf_append(&l->sql, after, strlen(after)) ||
		     nd_fields_typed_joins(&l->sql);
		from += strlen(after);
	}
	if (rc || nd_buf_append(&l->sql, from, strlen(from) + 1))
		return nd_error_set(l->err, "out of memory");
	l->fields_at = ncols;
	return 0;
}

/* Returns the slot of the lists of l (made) that holds the n fields at f
 * (of hash h), else the empty one where they go. */
static field_list *list_find(const load *l, uint64_t h, const nd_field_value *f, uint16_t n)
{
	size_t at = (size_t)h & (l->slots_lists - 1);
	field_list *v;

	while ((v = &l->lists[at])->n &&
	       (v->h != h || v->n != n || memcmp(&l->d->fields[v->at], f, n * sizeof(*f)) != 0))
		at = (at + 1) & (l->slots_lists - 1);
	return v;
}

/* Makes the lists of l anew with room for one more (nd_slots_size), each
 * put in by its hash. Returns 0, or -1 when out of memory. */
static int grow_lists(load *l)
{
	size_t n = nd_slots_size(l->nlists + 1), i, at;
	field_list *v;

	if (!n || !(v = nd_hugemem_calloc(n, sizeof(*v))))
		return -1;
	for (i = 0; i < l->slots_lists; i++) {
		if (!l->lists[i].n)
			continue;
		for (at = (size_t)l->lists[i].h & (n - 1); v[at].n; at = (at + 1) & (n - 1))
			; /* the lists are distinct: the first empty slot */
		v[at] = l->lists[i];
	}
	free(l->lists);
	l->lists = v;
	l->slots_lists = n;
	return 0;
}

/* Hashes the fields of event e, which were just added (the last of
 * d->fields), and fetches their slot among the lists of l into the cache:
 * share_fields shares them when the next row is read (l->later). Returns
 * 0, or -1 when out of memory. */
static int list_ask(load *l, const nd_event *e)
{
	const nd_field_value *f = &l->d->fields[e->field];
	uint64_t h = nd_hash_key_of_process()->k0;
	size_t i;

	for (i = 0; i < e->nfields; i++)
		h = (h ^ ((uint64_t)f[i].name << 32 | f[i].value)) * 0x9E3779B97F4A7C15u;
	h = nd_hash_word(h ^ h >> 29); /* the chain above is keyed only at its start */
	if ((l->nlists + 1) * 2 > l->slots_lists && grow_lists(l) != 0)
		return -1;
	__builtin_prefetch(&l->lists[(size_t)h & (l->slots_lists - 1)]);
	l->later.event = (size_t)(e - l->d->events) + 1;
	l->later.list_h = h;
	return 0;
}

/* Makes event e, whose fields (of hash h, list_ask) are the last of
 * d->fields, share those of an earlier event of the load with the same
 * fields, giving its own back: a fleet's decisions have a few lists of
 * names and values (at 1M decisions 5M fields, 40 MB, in about 50k
 * lists). The lists have room for one more (list_ask). Returns
 * nothing. */
static void share_fields(load *l, nd_event *e, uint64_t h)
{
	field_list *v = list_find(l, h, &l->d->fields[e->field], e->nfields);

	if (v->n) {
		l->d->nfields -= e->nfields;
		e->field = v->at;
		return;
	}
	*v = (field_list){h, e->field, e->nfields};
	l->nlists++;
}

/* Adds to event e, the event of row st of a query with its fields
 * (l->fields_at), the first value of each rule-read name among its
 * fields: the value in events.fields where there is one, else the typed
 * column's; shared with an earlier event that has the same when the next
 * row is read (list_ask). Returns 0, or -1 when out of memory. */
static int event_fields(load *l, nd_event *e, nd_stmt *st)
{
	nd_analysis_data *d = l->d;
	names_row *r =
	    nd_db_column_null(st, l->fields_at) ? NULL : names_of(&l->names, nd_db_column_int64(st, l->fields_at));
	const char *p = r ? nd_db_column_text(st, l->fields_at + 1) : NULL;
	size_t j, at = 0;
	int null = 0, more = p ? nd_fields_rest_next(&p, &at, &l->tmp, &null) : 0;

	if (!r)
		return 0;
	if (row_family(r, family_named(own_str(l, e->family)), l->index) != 0)
		return -1;
	for (j = 0; j < r->n; j++) {
		const char *v = NULL;
		int c = -1;

		while (more == 1 && at < j)
			more = nd_fields_rest_next(&p, &at, &l->tmp, &null);
		if (r->k[j] == d->nnames)
			continue;
		if (more == 1 && at == j)
			v = null ? NULL : l->tmp.data ? l->tmp.data : "";
		else if ((c = r->col[j]) >= 0)
			v = nd_db_column_text(st, c);
		if (!v)
			continue;
		if (e->nfields && nd_analysis_field_of(d, e, r->k[j]))
			continue;
		/* a column the row's function read (drop_repeated): its copy, known already */
		if (c >= 0 && c < l->fields_at ? nd_analysis_add_field_id(d, e, r->k[j], text_id(l, c, v, 1)) != 0
					       : nd_analysis_add_field(d, e, r->k[j], v) != 0)
			return -1;
	}
	return e->nfields ? list_ask(l, e) : 0;
}

/* Returns the hash of the names of h (shared copies of l->d, so equal
 * names are equal pointers). */
static uint64_t hint_hash(const nd_domain_hint *h)
{
	const char *names[3] = {h->user, h->domain, h->fq};

	return nd_hash_more(0, names, sizeof(names));
}

/* Returns the slot of l->hint_set (made) that holds the names h (of hash
 * k), else the empty one where they go. */
static nd_domain_hint *hint_find(const load *l, uint64_t k, const nd_domain_hint *h)
{
	size_t at = (size_t)k & (l->nhint_set - 1);
	nd_domain_hint *v;

	while ((v = &l->hint_set[at])->user && (v->user != h->user || v->domain != h->domain || v->fq != h->fq))
		at = (at + 1) & (l->nhint_set - 1);
	return v;
}

/* Makes l->hint_set hold the names of every hint of d, with room for one
 * more (anew when it has not). Returns 0, or -1 when out of memory. */
static int hint_room(load *l)
{
	size_t n, i;
	nd_domain_hint *v;

	if ((l->d->nhints + 1) * 2 <= l->nhint_set)
		return 0;
	if (!(n = nd_slots_size(l->d->nhints + 1)) || !(v = nd_hugemem_calloc(n, sizeof(*v))))
		return -1;
	free(l->hint_set);
	l->hint_set = v;
	l->nhint_set = n;
	for (i = 0; i < l->d->nhints; i++) /* distinct, user not NULL (hint_keep) */
		*hint_find(l, hint_hash(&l->d->hints[i]), &l->d->hints[i]) = l->d->hints[i];
	return 0;
}

/* Keeps the names h (user not NULL) of hash k (hint_hash) as a hint
 * unless the same names are kept: learning domains needs each triple
 * once. l->hint_set has room for one more (hint_room). Returns 0, or -1
 * when out of memory. */
static int hint_keep(load *l, uint64_t k, const nd_domain_hint *h)
{
	nd_domain_hint *slot = hint_find(l, k, h), *to;

	if (slot->user)
		return 0;
	if (!(to = nd_analysis_add_hint(l->d)))
		return -1;
	*to = *slot = *h;
	return 0;
}

/* Keeps the names of an NPS audit event (shared copies, "" for none) as
 * a hint (hint_keep). Returns 0, or -1 when out of memory. */
static int hint_add(load *l, const char *user, const char *domain, const char *fq)
{
	nd_domain_hint h = {user, domain, fq};

	return hint_room(l) != 0 ? -1 : hint_keep(l, hint_hash(&h), &h);
}

/* hint_add of the names of the row being read, when the next row is read
 * (l->later): their slot is fetched into the cache now. Returns 0, or -1
 * when out of memory. */
static int hint_ask(load *l, const char *user, const char *domain, const char *fq)
{
	later *x = &l->later;

	if (hint_room(l) != 0)
		return -1;
	x->hint = (nd_domain_hint){user, domain, fq};
	x->hint_h = hint_hash(&x->hint);
	__builtin_prefetch(&l->hint_set[(size_t)x->hint_h & (l->nhint_set - 1)]);
	return 0;
}

/* Frees l->hint_set. Returns nothing. */
static void hints_free(load *l)
{
	free(l->hint_set);
	l->hint_set = NULL;
	l->nhint_set = 0;
}

/* Does what the row before left to the one being read (l->later): keeps
 * its hint and shares its fields. Returns 0, or -1 when out of memory. */
static int later_do(load *l)
{
	later *x = &l->later;
	int rc = 0;

	if (x->hint.user)
		rc = hint_keep(l, x->hint_h, &x->hint);
	if (x->event)
		share_fields(l, &l->d->events[x->event - 1], x->list_h);
	x->hint.user = NULL;
	x->event = 0;
	return rc;
}

/* The queries of a load: each fills one kind of record from a row.
 * Returns 0, 1 when the query's later rows are not wanted (side_takes),
 * or -1 when out of memory. */
typedef int (*row_fn)(load *l, nd_stmt *st);

/* Keeps the time event ref was logged with, column c of st (time_text,
 * or PostgreSQL's time_created), when it is not the text of ts. Sets
 * l->oom when out of memory. Returns nothing. */
static void logged_time(load *l, nd_stmt *st, int c, int64_t ref, int64_t ts)
{
	const char *v = nd_db_column_text(st, c);
	char iso[ND_TIME_ISO_SIZE];

	if (!v || (l->pg && strcmp(v, nd_time_format(ts, iso)) == 0))
		return;
	if (!l->time || strcmp(v, l->time) != 0)
		l->time = nd_analysis_str(l->d, v, 1, &l->oom);
	if (!l->oom && nd_analysis_add_time(l->d, ref, l->time) != 0)
		l->oom = 1;
}

/* A query of a load, in two forms: for every event, and for the events
 * stored since the id ?1 (queries[]). */
typedef struct query {
	const char *all[2], *since[2]; /* for SQLite, for PostgreSQL (load.pg) */
	row_fn fn;
	const char *what;
	int ncols;         /* for a query whose rows add events (subject_event): the columns fn reads, */
	const char *table; /* the typed table of the events read and its name in the query (fields_sql) */
	const char *alias;
} query;

/* Runs query q (with ?1 the id after which events count when l->since)
 * and, when its rows add events, the columns of their fields
 * (fields_sql), calling q->fn on each row. Returns 0, or -1 with err set
 * (q->what names the query). */
static int each_row(load *l, const query *q)
{
	const char *sql = l->since ? q->since[l->pg] : q->all[l->pg], *what = q->what;
	nd_stmt *st = NULL;
	int rc;

	memset(l->last, 0, sizeof(l->last)); /* another query's columns */
	l->last_host = NULL;
	l->fields_at = -1;
	if (q->ncols && fields_sql(l, sql, q->ncols, q->table, q->alias) != 0)
		return -1;
	if (nd_db_prepare(l->db, q->ncols ? l->sql.data : sql, 0, &st, "load", NULL) != 0 ||
	    (l->since && nd_db_bind_int64(st, 1, l->since, "load", NULL) != 0) ||
	    (l->until && nd_db_bind_int64(st, 2, l->until, "load", NULL) != 0)) {
		nd_db_finalize(st);
		return nd_db_fail(l->db, what, l->err);
	}
	while ((rc = nd_db_step(st, "load", NULL)) == 1) {
		int took;

		if (l->stop && atomic_load_explicit(l->stop, memory_order_relaxed)) {
			nd_db_finalize(st);
			return nd_error_set(l->err, "stopped");
		}
		took = later_do(l) == 0 ? q->fn(l, st) : -1;

		if (took == 1) /* the row and those after it are not this load's */
			break;
		l->rows++;
		if (took != 0 || l->oom) {
			nd_db_finalize(st);
			return nd_error_set(l->err, "out of memory");
		}
	}
	if (rc < 0) {
		nd_db_fail(l->db, what, l->err);
		nd_db_finalize(st);
		return -1;
	}
	nd_db_finalize(st);
	return later_do(l) == 0 ? 0 : nd_error_set(l->err, "out of memory");
}

/* Row: a distinct computer name (since: a host not yet known goes to
 * added). Returns 0, or -1 when out of memory. */
static int host_row(load *l, nd_stmt *st)
{
	const char *v = nd_db_column_text(st, 0);

	if (!l->since)
		return nd_analysis_add_host(l->d, v ? v : "", l->err);
	if (nd_analysis_host(l->d, v ? v : "") < l->d->nhosts)
		return 0;
	if (nd_vec_reserve(&l->added, &l->cap_added, l->nadded + 1, sizeof(*l->added)) != 0)
		return -1;
	l->added[l->nadded++] = nd_analysis_str(l->d, v ? v : "", 1, &l->oom);
	return 0;
}

/* Puts the hosts added (since) among the known ones, renumbering the
 * hosts of the data and the dials (l->moved: how). Returns 0, or -1 with
 * err set. */
static int add_hosts(load *l)
{
	size_t i;

	if (!l->nadded)
		return 0;
	if (!(l->moved = malloc((l->d->nhosts + 1) * sizeof(*l->moved))))
		return nd_error_set(l->err, "out of memory");
	if (nd_analysis_insert_hosts(l->d, l->added, l->nadded, l->moved, l->err) != 0)
		return -1;
	for (i = 0; i < l->ndials; i++)
		l->dials[i].host = l->moved[l->dials[i].host];
	return 0;
}

/* Returns the fingerprint of CoId coid (NULL: empty) on host number host
 * of d (nd_hash: keyed, so that no CoId can be made to match another's);
 * a host d does not know (nhosts: on PostgreSQL another connection may
 * commit a computer between two queries) counts as "". */
static uint64_t coid_print(const nd_analysis_data *d, size_t host, const char *coid)
{
	const char *name = host < d->nhosts ? d->hosts[host] : "";

	return nd_hash_more(nd_hash_str(name), coid ? coid : "", coid ? strlen(coid) : 0);
}

/* Notes (since) that the first dial of coid on host now names another
 * server: a client failure loaded before may have it (its fingerprint is
 * known), then l->redial is set, or l->afresh for an empty CoId (a
 * failure without one, kept as NULL, cannot tell). Returns nothing. */
static void dial_moved(load *l, size_t host, const char *coid)
{
	if (nd_u64set_has(l->coids, coid_print(l->d, host, coid))) {
		l->redial |= *coid != 0;
		l->afresh |= *coid == 0;
	}
}

/* Row: the names of an NPS audit event that is not a decision (a
 * decision's are kept by decision_row). Returns 0, or -1 when out of
 * memory. */
static int hint_row(load *l, nd_stmt *st)
{
	const char *user = col(l, st, 0, 1), *domain = col(l, st, 1, 1);

	return hint_ask(l, user, domain, col(l, st, 2, 1));
}

/* Adds the event of a client failure or an NPS decision (columns id, ts,
 * computer, event_id, family, provider at first..first+5, its logged time
 * at time) on host, the host index of its computer (host_col, which the
 * caller has looked up), with its fields when the query reads them
 * (event_fields). Returns 0, or -1 when out of memory. */
static int subject_event(load *l, nd_stmt *st, int first, int time, size_t host, unsigned flags)
{
	nd_event *e = nd_analysis_add_event(l->d);

	if (!e)
		return -1;
	e->ref = nd_db_column_int64(st, first);
	e->ts = nd_db_column_int64(st, first + 1);
	e->host = (uint32_t)host; /* fewer than 4G (nd_analysis_add_host) */
	e->id = (uint32_t)nd_db_column_int64(st, first + 3);
	e->family = col_id(l, st, first + 4, 1);
	e->provider = col_id(l, st, first + 5, 1);
	e->flags = (uint16_t)flags;
	logged_time(l, st, time, e->ref, e->ts);
	if (e->ref > l->top)
		l->top = e->ref;
	return l->fields_at >= 0 ? event_fields(l, e, st) : 0;
}

/* Returns the position of the first dial of coid on host in v (n, by
 * host and CoId), or where it would go. */
static size_t dial_at(const dial *v, size_t n, size_t host, const char *coid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].host < host || (v[mid].host == host && strcmp(v[mid].coid, coid) < 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Returns 1 if v[at] (of n) is a dial of coid on host, else 0. */
static int dial_is(const dial *v, size_t n, size_t at, size_t host, const char *coid)
{
	return at < n && v[at].host == host && strcmp(v[at].coid, coid) == 0;
}

/* Returns 1 if strings a and b (either NULL) are equal, else 0. */
static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Row: a RasClient event with a CoId and a server address (since: the
 * first of a host and CoId not yet known goes to fresh; one earlier than
 * the known first takes its place, dial_moved when it names another
 * server). Returns 0, or -1 when out of memory. */
static int dial_row(load *l, nd_stmt *st)
{
	dial x = {host_col(l, st, 0), nd_db_column_int64(st, 3), nd_db_column_int64(st, 4), NULL, NULL};
	const char *coid = nd_db_column_text(st, 1);
	size_t at;

	if (x.ref > l->top)
		l->top = x.ref;
	if (l->since) {
		coid = coid ? coid : "";
		at = dial_at(l->dials, l->ndials, x.host, coid);
		if (dial_is(l->dials, l->ndials, at, x.host, coid)) {
			dial *known = &l->dials[at];

			if (x.ts < known->ts || (x.ts == known->ts && x.ref < known->ref)) {
				x.server = col(l, st, 2, 0);
				if (!same_str(x.server, known->server))
					dial_moved(l, x.host, coid);
				known->ts = x.ts;
				known->ref = x.ref;
				known->server = x.server;
			}
			return 0;
		}
		if (dial_is(l->fresh, l->nfresh, l->nfresh - 1, x.host, coid))
			return 0;
		if (nd_vec_reserve(&l->fresh, &l->cap_fresh, l->nfresh + 1, sizeof(*l->fresh)) != 0)
			return -1;
		x.coid = nd_analysis_str_unique(l->d, coid, 1, &l->oom);
		x.server = col(l, st, 2, 0);
		l->fresh[l->nfresh++] = x;
		return 0;
	}
	if (nd_vec_reserve(&l->dials, &l->cap_dials, l->ndials + 1, sizeof(*l->dials)) != 0)
		return -1;
	x.coid = nd_analysis_str_unique(l->d, coid, 1, &l->oom);
	x.server = col(l, st, 2, 0);
	l->dials[l->ndials++] = x;
	return 0;
}

/* Returns the server first dialled for coid on host, or NULL. */
static const char *dialled(const load *l, size_t host, const char *coid)
{
	size_t at;

	if (!coid)
		return NULL;
	at = dial_at(l->dials, l->ndials, host, coid);
	return dial_is(l->dials, l->ndials, at, host, coid) ? l->dials[at].server : NULL;
}

/* Keeps the first dial of each host and CoId (the one dialled() finds).
 * Returns nothing. */
static void first_dials(load *l)
{
	size_t i, out = 0;

	for (i = 0; i < l->ndials; i++)
		if (!out || l->dials[out - 1].host != l->dials[i].host || strcmp(l->dials[out - 1].coid, l->dials[i].coid))
			l->dials[out++] = l->dials[i];
	l->ndials = out;
	nd_vec_fit(&l->dials, &l->cap_dials, l->ndials, sizeof(*l->dials));
}

/* Returns 1 if dial x goes before y (host, then CoId), else 0. */
static int dial_before(const dial *x, const dial *y)
{
	return x->host < y->host || (x->host == y->host && strcmp(x->coid, y->coid) < 0);
}

/* Gives each client failure loaded before (all the data holds: the new
 * ones are read after the dials) the server first dialled for its CoId
 * now, noting those whose server changed in d->redialled. Returns 0, or
 * -1 when out of memory. */
static int redial(load *l)
{
	nd_analysis_data *d = l->d;
	size_t i;

	for (i = 0; i < d->nclients; i++) {
		nd_client_failure *c = &d->clients[i];
		char buf[ND_COID_TEXT];
		const char *coid = nd_analysis_coid(c, buf), *now = dialled(l, c->host, coid);

		if (!coid || same_str(now, c->dialled)) /* no CoId: an empty one's dial loads afresh */
			continue;
		if (nd_vec_reserve(&d->redialled, &d->cap_redialled, d->nredialled + 1, sizeof(*d->redialled)) != 0)
			return -1;
		c->dialled = now;
		d->redialled[d->nredialled++] = c->ref;
	}
	nd_sort_i64(d->redialled, d->nredialled);
	return 0;
}

/* Merges the fresh dials into the dials (dial_moved for each), and
 * redials the loaded client failures when one may have a CoId among them.
 * Returns 0, or -1 when out of memory. */
static int merge_dials(load *l)
{
	dial *v;
	size_t i, a = 0, b = 0;

	for (i = 0; i < l->nfresh; i++)
		dial_moved(l, l->fresh[i].host, l->fresh[i].coid);
	if (!l->nfresh)
		return l->redial && !l->afresh ? redial(l) : 0;
	if (!(v = malloc((l->ndials + l->nfresh) * sizeof(*v))))
		return -1;
	for (i = 0; a < l->ndials || b < l->nfresh; i++)
		v[i] = b == l->nfresh || (a < l->ndials && dial_before(&l->dials[a], &l->fresh[b])) ? l->dials[a++]
											: l->fresh[b++];
	free(l->dials);
	l->dials = v;
	l->cap_dials = l->ndials = i;
	return l->redial && !l->afresh ? redial(l) : 0;
}

/* Row: a client failure. Returns 0, or -1 when out of memory. */
static int client_row(load *l, nd_stmt *st)
{
	nd_client_failure *c = nd_analysis_add_client(l->d);
	asked user, host;

	if (!c)
		return -1;
	text_ask(l, st, 6, &user); /* both look-ups' cache misses together, behind the columns read first */
	host_ask(l, st, 2, &host);
	c->ref = nd_db_column_int64(st, 0);
	c->ts = nd_db_column_int64(st, 1);
	c->has_code = !nd_db_column_null(st, 7);
	c->code = (uint32_t)nd_db_column_int64(st, 7);
	if (nd_analysis_set_coid(l->d, c, nd_db_column_text(st, 8)) != 0)
		l->oom = 1;
	text_peek(&l->hosts->host_slots, &host);
	text_peek(&l->d->strings.slots, &user);
	c->host = (uint32_t)host_take(l, &host); /* fewer than 4G (nd_analysis_add_host) */
	c->user = text_take(l, 6, &user, 0);
	c->dialled = dialled(l, c->host, nd_db_column_text(st, 8));
	return subject_event(l, st, 0, 9, c->host, ND_EVENT_SUBJECT);
}

/* Returns 1 if v is an unset NPS value (NULL, "" or "-"), else 0. */
static int unset(const char *v)
{
	return !v || !*v || strcmp(v, "-") == 0;
}

/* Returns 1 if the load l takes the decision ref, read in id order: with
 * l->line (the decisions split over two connections, split_side), as long
 * as the caller's thread has not taken those from ref on; else 0. l->line
 * holds the last decision taken (one compare-and-swap per decision), until
 * that thread puts there -(the last left to this load) - 1; this load then
 * keeps that limit and puts its last decision back, so that the other
 * thread may split again. */
static int side_takes(load *l, int64_t ref)
{
	int64_t last = l->taken;

	if (!l->line)
		return 1;
	while (ref <= l->limit && !atomic_compare_exchange_strong(l->line, &last, ref)) {
		l->limit = -last - 1;
		last = l->taken;
		atomic_store(l->line, last);
	}
	if (ref > l->limit)
		return 0;
	l->taken = ref;
	return 1;
}

/* Row: an NPS decision. Returns 0, 1 when it is not the load's
 * (side_takes), or -1 when out of memory. */
static int decision_row(load *l, nd_stmt *st)
{
	const char *nas = nd_db_column_text(st, 10), *client = nd_db_column_text(st, 11);
	const char *port = nd_db_column_text(st, 12), *auth = nd_db_column_text(st, 13);
	const char *addr = nd_db_column_text(st, 14);
	nd_decision *n;
	asked user, fq;

	if (!side_takes(l, nd_db_column_int64(st, 0)))
		return 1;
	text_ask(l, st, 6, &user); /* their look-ups' cache misses together */
	text_ask(l, st, 8, &fq);
	if (!(n = nd_analysis_add_decision(l->d)))
		return -1;
	n->ref = nd_db_column_int64(st, 0);
	n->ts = nd_db_column_int64(st, 1);
	n->host = (uint32_t)host_col(l, st, 2); /* fewer than 4G (nd_analysis_add_host) */
	n->event = (uint32_t)nd_db_column_int64(st, 3);
	text_peek(&l->d->strings.slots, &user);
	text_peek(&l->d->strings.slots, &fq);
	n->user = text_take(l, 6, &user, 0);
	n->domain = col_id(l, st, 7, 1);
	n->fq = text_take(l, 8, &fq, 1);
	n->has_reason = !nd_db_column_null(st, 9);
	n->reason = (uint32_t)nd_db_column_int64(st, 9);
	n->nas = !unset(nas) ? text_id(l, 10, nas, 0) : unset(client) ? ND_STR_NONE : text_id(l, 11, client, 0);
	n->port_type = unset(port) ? ND_STR_NONE : text_id(l, 12, port, 0);
	n->auth_type = unset(auth) ? ND_STR_NONE : text_id(l, 13, auth, 0);
	n->nas_addr = unset(addr) ? ND_STR_NONE : text_id(l, 14, addr, 0);
	if (hint_ask(l, n->user != ND_STR_NONE ? own_str(l, n->user) : nd_analysis_str(l->d, "", 1, &l->oom),
		     own_str(l, n->domain), own_str(l, n->fq)) != 0)
		return -1;
	return subject_event(l, st, 0, 15, n->host, ND_EVENT_SUBJECT);
}

/* Row: a connect. Returns 0, or -1 when out of memory. */
static int connect_row(load *l, nd_stmt *st)
{
	nd_connect *c = nd_analysis_add_connect(l->d);

	if (!c)
		return -1;
	c->ref = nd_db_column_int64(st, 0);
	c->ts = nd_db_column_int64(st, 1);
	c->host = host_col(l, st, 2);
	c->user = col(l, st, 3, 0);
	return 0;
}

/* Row: an NPS lock (6279) or unlock (6280). Returns 0, or -1 when out of
 * memory. */
static int unlock_row(load *l, nd_stmt *st)
{
	nd_decision *n = nd_analysis_add_unlock(l->d);

	if (!n)
		return -1;
	n->ref = nd_db_column_int64(st, 0);
	n->ts = nd_db_column_int64(st, 1);
	n->host = (uint32_t)host_col(l, st, 2);
	n->user = col_id(l, st, 3, 0);
	n->domain = col_id(l, st, 4, 1);
	n->fq = col_id(l, st, 5, 1);
	n->event = (uint32_t)nd_db_column_int64(st, 6);
	return 0;
}

/* Row: a CAPI2 event that reports a failure. Returns 0, or -1 when out of
 * memory. */
static int capi2_row(load *l, nd_stmt *st)
{
	nd_capi2_event *c = nd_analysis_add_capi2(l->d);

	if (!c)
		return -1;
	c->ref = nd_db_column_int64(st, 0);
	c->ts = nd_db_column_int64(st, 1);
	c->host = host_col(l, st, 2);
	c->id = (uint32_t)nd_db_column_int64(st, 3);
	c->error = (uint32_t)nd_db_column_int64(st, 4);
	c->subject = col(l, st, 5, 0);
	c->failing = col(l, st, 6, 0);
	c->url = col(l, st, 7, 0);
	c->error_name = col(l, st, 8, 0);
	c->process = col(l, st, 9, 0);
	c->task = col(l, st, 10, 0);
	return 0;
}

/* Loads the events of the rules' event lists, with their fields: for
 * finding rules the events they judge, for incident rules the events they
 * look for nearby. Returns 0, or -1 with err set. */
static int load_rule_events(load *l, const nd_rules *rules)
{
	nd_stmt *st = NULL;
	size_t i, j;
	int rc;

#define RULE_EVENTS(since, time)                                                                                       \
	"SELECT e.id, e.ts, e.computer, e.event_id, e.family, e.provider, e." time " FROM events e"                    \
	" WHERE " since "e.event_id = ?1 AND e.family = coalesce(?2, e.family)"
	static const char *const sql[2][2] = {{RULE_EVENTS("", TIME_SQLITE), RULE_EVENTS("", TIME_PG)},
					      {RULE_EVENTS("e.id > ?3 AND +", TIME_SQLITE),
					       RULE_EVENTS("e.id > ?3 AND +", TIME_PG)}};

	l->last_host = NULL;
	if (fields_sql(l, sql[l->since != 0][l->pg], 7, NULL, NULL) != 0)
		return -1;
	if (nd_db_prepare(l->db, l->sql.data, 0, &st, "load", NULL) != 0)
		return nd_db_fail(l->db, "rule events", l->err);
#undef RULE_EVENTS
	for (i = 0; i < rules->n; i++) {
		const nd_rule *r = rules->v[i];
		unsigned flags = r->kind == ND_RULE_FINDING ? ND_EVENT_FINDING : ND_EVENT_NEAR;

		for (j = 0; !r->disabled && j < r->nevents; j++) {
			nd_db_reset(st);
			nd_db_bind_int64(st, 1, (int)r->events[j].id, "load", NULL);
			if (r->events[j].family)
				nd_db_bind_text(st, 2, r->events[j].family, "load", NULL);
			else
				nd_db_bind_null(st, 2, "load", NULL);
			if (l->since)
				nd_db_bind_int64(st, 3, l->since, "load", NULL);
			while ((rc = nd_db_step(st, "load", NULL)) == 1)
				if ((l->rows++, later_do(l)) != 0 ||
				    subject_event(l, st, 0, 6, host_col(l, st, 2), flags) != 0 || l->oom) {
					nd_db_finalize(st);
					return nd_error_set(l->err, "out of memory");
				}
			if (rc != 0) {
				nd_db_fail(l->db, "rule events", l->err);
				nd_db_finalize(st);
				return -1;
			}
		}
	}
	nd_db_finalize(st);
	return later_do(l) == 0 ? 0 : nd_error_set(l->err, "out of memory");
}

/* Returns -1, 0 or 1 as (ts, ref) a is before, the same as, after b. */
static int when_cmp(int64_t ts_a, int64_t ref_a, int64_t ts_b, int64_t ref_b)
{
	if (ts_a != ts_b)
		return ts_a < ts_b ? -1 : 1;
	return ref_a < ref_b ? -1 : ref_a > ref_b;
}

/* qsort-style comparators of the loaded records by time, then ref. */
static int client_cmp(const void *a, const void *b)
{
	const nd_client_failure *x = a, *y = b;

	return when_cmp(x->ts, x->ref, y->ts, y->ref);
}

static int decision_cmp(const void *a, const void *b)
{
	const nd_decision *x = a, *y = b;

	return when_cmp(x->ts, x->ref, y->ts, y->ref);
}

static int connect_cmp(const void *a, const void *b)
{
	const nd_connect *x = a, *y = b;

	return when_cmp(x->ts, x->ref, y->ts, y->ref);
}

static int capi2_cmp(const void *a, const void *b)
{
	const nd_capi2_event *x = a, *y = b;

	return when_cmp(x->ts, x->ref, y->ts, y->ref);
}

/* The queries of a load, each in two forms: for every event, and for the
 * events stored since the id ?1. The hosts' second form keeps its column
 * (|| '') from an index: SQLite, without statistics, would rather read a
 * whole index in order than sort the few new rows. */
#define Q_HOSTS(col, since) "SELECT DISTINCT " col " FROM events" since
/* The names of the NPS audit events that are not decisions (decision_row
 * keeps theirs; SQLite's DISTINCT over every nps_audit_events row cost
 * 0.8 CPU s at 1M decisions): 6275-6280, the only other events that
 * table holds (the ids the nps_audit family keeps; nps_text stores only
 * 6272 and 6273), through the index of event ids. */
#define Q_HINTS(since)                                                                                                 \
	"SELECT a.subject_user_name, a.subject_domain_name, a.fq_subject_user_name FROM events e"                      \
	" JOIN nps_audit_events a ON a.event_ref = e.id WHERE " since "e.event_id BETWEEN 6275 AND 6280"
/* CROSS JOIN: SQLite reads ras_client_events first (it would rather scan
 * every event in an index of computer names for the order: 0.66 against
 * 0.08 CPU s at 1M events); PostgreSQL plans it as the inner join it is. */
#define Q_DIALS(since)                                                                                                 \
	"SELECT e.computer, d.coid, d.server_address, e.ts, e.id FROM ras_client_events d CROSS JOIN events e"         \
	" WHERE e.id = d.event_ref AND d.coid IS NOT NULL AND d.server_address IS NOT NULL" since                      \
	" ORDER BY e.computer, d.coid, e.ts, e.id"
/* The records of a kind (client failures, NPS decisions, ...) are read
 * from their typed table in id order, each joined to its event by id
 * (CROSS JOIN: the typed table first, so that both are read forward), and
 * sorted by time in C (nd_analysis_keep_order): at 1M NPS decisions, SQLite's
 * ORDER BY ts through the index of event ids cost 2.7 CPU s against 0.5 s
 * for the rows alone. */
#define Q_CLIENTS(since, time)                                                                                         \
	"SELECT e.id, e.ts, e.computer, e.event_id, e.family, e.provider, c.user_name, c.code, c.coid, e." time        \
	" FROM ras_client_events c CROSS JOIN events e WHERE e.id = c.event_ref AND " since "e.event_id = 20227"
#define Q_DECISIONS(since, time)                                                                                       \
	"SELECT e.id, e.ts, e.computer, e.event_id, e.family, e.provider, a.subject_user_name,"                        \
	" a.subject_domain_name, a.fq_subject_user_name, a.reason_code, a.nas_identifier, a.client_name,"              \
	" a.nas_port_type, a.authentication_type, a.client_ip_address, e." time                                        \
	" FROM nps_audit_events a CROSS JOIN events e WHERE e.id = a.event_ref AND " since                            \
	"e.event_id IN (6272, 6273, 6274)"
#define Q_CONNECTS(since)                                                                                              \
	"SELECT e.id, e.ts, e.computer, c.user_name FROM ras_client_events c CROSS JOIN events e"                      \
	" WHERE e.id = c.event_ref AND " since "e.event_id = 20225"
#define Q_UNLOCKS(since)                                                                                               \
	"SELECT e.id, e.ts, e.computer, a.subject_user_name, a.subject_domain_name, a.fq_subject_user_name,"           \
	" e.event_id FROM nps_audit_events a CROSS JOIN events e"                                                      \
	" WHERE e.id = a.event_ref AND " since "e.event_id IN (6279, 6280)"
#define Q_CAPI2(since)                                                                                                 \
	"SELECT e.id, e.ts, e.computer, e.event_id, c.error, c.subject, c.failing_subject, c.url,"                     \
	" c.error_name, c.process, c.task_id FROM capi2_events c CROSS JOIN events e"                                  \
	" WHERE e.id = c.event_ref AND " since "(c.error <> 0 OR c.failing_subject IS NOT NULL)"
/* The rows stored since ?1: events first (their other terms, +, are not
 * looked up in an index), or the typed tables'. */
#define SINCE_E "e.id > ?1 AND +"
#define SINCE_C "c.event_ref > ?1 AND "
#define SINCE_A "a.event_ref > ?1 AND "

/* Both dialects: a query without the logged time's column. */
#define BOTH(q) {q, q}
/* Each dialect's: SQLite computes time_created (from ts unless time_text
 * holds another text), PostgreSQL stores it. */
#define DIALECTS(q, since) {q(since, TIME_SQLITE), q(since, TIME_PG)}

static const query queries[] = {
	{BOTH(Q_HOSTS("computer", " ORDER BY 1")), BOTH(Q_HOSTS("computer || ''", " WHERE id > ?1")), host_row, "hosts", 0,
	 NULL, NULL},
	{BOTH(Q_HINTS("")), BOTH(Q_HINTS(SINCE_E)), hint_row, "learn domains", 0, NULL, NULL},
	{BOTH(Q_DIALS("")), BOTH(Q_DIALS(" AND d.event_ref > ?1")), dial_row, "dialled servers", 0, NULL, NULL},
	{DIALECTS(Q_CLIENTS, ""), DIALECTS(Q_CLIENTS, SINCE_C), client_row, "client failures", 10,
	 "ras_client_events", "c"},
	{DIALECTS(Q_DECISIONS, ""), DIALECTS(Q_DECISIONS, SINCE_A), decision_row, "NPS decisions", 16,
	 "nps_audit_events", "a"},
	{BOTH(Q_CONNECTS("")), BOTH(Q_CONNECTS(SINCE_C)), connect_row, "connects", 0, NULL, NULL},
	{BOTH(Q_UNLOCKS("")), BOTH(Q_UNLOCKS(SINCE_A)), unlock_row, "unlocks", 0, NULL, NULL},
	{BOTH(Q_CAPI2("")), BOTH(Q_CAPI2(SINCE_C)), capi2_row, "CAPI2 failures", 0, NULL, NULL},
};

/* A full load of a SQLite file reads the NPS decisions on two connections
 * at once. A thread of its own reads them from the lowest id up on a
 * second connection (side_start) while the caller's thread reads the
 * other queries; then the caller's thread takes the decisions of the
 * last third of the ids the thread has not read yet (split_side) and
 * reads them, and again of what is left to the thread, until little is
 * left (the two threads need not run at the same speed on a busy
 * machine), then the names of the other NPS audit events (hints):
 * both end about together (at 1M x 1M the second connection alone ran
 * 1.7 s past the other queries, one core idle). Each part goes into data
 * of its own (a pool is not shared between threads); all are moved into
 * the load's data once read (side_finish). All need only the hosts. */
#define SPLITS 8            /* the parts the caller's thread takes at most */
#define SPLIT_LEAST 64      /* ids: fewer left to the thread are not split */
#define SIDE_DONE INT64_MAX /* line: the thread has read its decisions */

typedef struct side {
	load l;
	nd_analysis_data d;
	nd_error err;
	_Atomic int64_t line; /* the split of the decisions (side_takes) */
	_Atomic int stop;     /* its rows are no longer wanted (side_stop) */
	pthread_t thread;
	int started; /* its thread runs: the read (side_run), then the sort (side_finish) */
	int rc;
} side;

/* The parts the caller's thread takes when a test sets them
 * (ND_LOAD_PARTS), else -1. */
static int forced_parts(const load *l)
{
	return ((l->beside >> 1) & 15) - 1;
}

/* Returns 1 if the rows of query q are read by the parts of a split load,
 * else 0. */
static int side_reads(const query *q)
{
	return q->fn == decision_row || q->fn == hint_row;
}

/* Reads the rows of the queries the parts of a split load read, all of
 * them, with l (a full load on one connection). Returns 0, or -1 with
 * l->err set. */
static int side_queries(load *l)
{
	size_t i;

	for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
		if (side_reads(&queries[i]) && each_row(l, &queries[i]) != 0)
			return -1;
	return 0;
}

/* The decisions' query of the parts of a split load (SQLite only), in id
 * order (the order of nps_audit_events' key: no sort): all of them for
 * the second connection's part, those after ?1 up to ?2 for the
 * caller's. */
static const query split_decisions = {
    {Q_DECISIONS("", TIME_SQLITE) " ORDER BY a.event_ref", NULL},
    {Q_DECISIONS("a.event_ref > ?1 AND a.event_ref <= ?2 AND ", TIME_SQLITE) " ORDER BY a.event_ref", NULL},
    decision_row,
    "NPS decisions",
    16,
    "nps_audit_events",
    "a"};

/* Makes x an empty part of the full load l, read on db: the hosts are
 * l's (read only, and complete: the hosts' query ran), the names the
 * fields are of are l's, at the same indexes. Returns 0, or -1 with
 * x->err set (x holds nothing). */
static int side_init(side *x, load *l, nd_db *db)
{
	size_t i;

	memset(x, 0, sizeof(*x));
	atomic_init(&x->line, 0);
	atomic_init(&x->stop, 0);
	x->l.db = db;
	x->l.d = &x->d;
	x->l.hosts = l->d;
	x->l.err = &x->err;
	x->l.limit = INT64_MAX;
	for (i = 0; i < l->d->nnames; i++)
		if (nd_analysis_add_name(&x->d, l->d->names[i], &x->err) != 0) {
			nd_analysis_data_free(&x->d);
			return -1;
		}
	return 0;
}

/* Frees what the load of part x holds besides its data and connection.
 * Returns nothing. */
static void side_done(side *x)
{
	hints_free(&x->l);
	fields_free(&x->l);
}

/* nd_radix_key_fn: the time (k 0), then the ref of a decision. */
static uint64_t decision_key(const void *e, unsigned k, const void *ctx)
{
	const nd_decision *n = e;

	(void)ctx;
	return nd_radix_i64(k == 0 ? n->ts : n->ref);
}

/* Sorts the decisions part x read by time, then ref (as decision_cmp;
 * x->rc -1 with x->err set when out of memory): by radix, since a fleet's
 * decisions in id order are not in time order (the grants; keep_order's
 * merge sort took 0.3 CPU s at 1M). Returns x->rc. */
static int side_sort(side *x)
{
	if (x->rc == 0 &&
	    nd_radix_sort_by(x->d.decisions, x->d.ndecisions, sizeof(*x->d.decisions), 2, decision_key, NULL) != 0)
		x->rc = nd_error_set(&x->err, "out of memory");
	return x->rc;
}

/* The thread: reads the decisions from the lowest id up, as far as the
 * split leaves them to it (a test's ND_LOAD_SIDE_FAILS: then fails); they
 * are sorted later (side_finish). Returns NULL. */
static void *side_work(void *arg)
{
	side *x = arg;

	x->rc = each_row(&x->l, &split_decisions);
	atomic_store(&x->line, SIDE_DONE);
	if (x->rc == 0 && (x->l.beside & ND_LOAD_SIDE_FAILS))
		x->rc = nd_error_set(&x->err, "injected failure");
	return NULL;
}

/* The thread: sorts the decisions the side load x read (side_sort).
 * Returns NULL. */
static void *sort_work(void *arg)
{
	side_sort(arg);
	return NULL;
}

/* Starts the thread of the side load x, or when it cannot, reads there
 * and then. Returns nothing. */
static void side_run(side *x)
{
	x->started = pthread_create(&x->thread, NULL, side_work, x) == 0;
	if (!x->started)
		side_work(x);
}

/* Starts reading the decisions of the full load l on a second
 * connection, when the store is a SQLite file and a second processor can
 * run it. The diagnosis holds the write lock, so the second connection
 * reads what the first does (on a read-only store a commit may fall
 * between the two: the rows newer than the count make the next load of
 * tail read everything, as on PostgreSQL). In a rollback journal's mode
 * too: the first connection has written nothing yet that could spill
 * from its cache (which would need the lock the second's read holds),
 * and the second is done before the first writes; but not on a read-only
 * store there: its diagnosis holds only a shared lock, and another
 * process waiting to commit would keep the second connection from
 * reading for its busy timeout. Returns 1 when started, else 0 (the
 * caller reads them itself). */
static int side_start(load *l, side *x)
{
	const char *path = nd_db_name(l->db);
	nd_db *db = NULL;
	nd_error err;
	int ro;

	/* a test's forced split or failure takes the second connection on any host */
	if (!l->beside || l->since || l->pg || !path || !*path || (l->beside == ND_LOAD_BESIDE && nd_cpu_count() < 2) ||
	    (nd_db_sqlite_readonly(l->db) && !nd_db_sqlite_in_wal(l->db)) ||
	    nd_db_sqlite_open(&db, path, 1, &ro, &err) != 0)
		return 0;
	if (side_init(x, l, db) != 0) {
		nd_db_close(db);
		return 0;
	}
	/* On a read-only store a commit may fall between the second
	 * connection's first read and audit_ids: ids it cannot see would go
	 * to neither thread, so it reads all the decisions (no split). */
	if (!nd_db_sqlite_readonly(l->db))
		x->l.line = &x->line;
	x->l.stop = &x->stop;
	x->l.beside = l->beside;
	if (forced_parts(l) < 0)
		side_run(x); /* else side_take starts it once split */
	return 1;
}

/* Reads into low and top the lowest id of the NPS audit events - 1 and
 * the highest (0 and 0 when none). Returns 0, or -1 with l->err set. */
static int audit_ids(load *l, int64_t *low, int64_t *top)
{
	nd_stmt *st = NULL;

	/* a subquery each: SQLite reads min() and max() of one query by a scan (59 M instructions at 100k) */
	if (nd_db_prepare(l->db,
			  "SELECT coalesce((SELECT min(event_ref) FROM nps_audit_events), 1) - 1,"
			  " coalesce((SELECT max(event_ref) FROM nps_audit_events), 0)",
			  0, &st, "load", NULL) != 0 ||
	    nd_db_step(st, "load", NULL) != 1) {
		nd_db_finalize(st);
		return nd_db_fail(l->db, "NPS decisions", l->err);
	}
	*low = nd_db_column_int64(st, 0);
	*top = nd_db_column_int64(st, 1);
	nd_db_finalize(st);
	return 0;
}

/* Splits the decisions left to the side load x (up to limit, the ids
 * from low + 1 to top holding them) between x and the caller's thread:
 * the caller's thread takes the last third of the ids x has not read yet
 * (it reads them after its other queries, sorts them and reads the hints
 * before it can take the decisions over: a smaller part, split again if
 * x is still reading when it is done, ends nearer to x's end than a half
 * does when the two threads do not run at the same speed). Returns the
 * last id left to x, or -1 when x is done, has not yet seen the last
 * split, or fewer than least ids are left to it. */
static int64_t split_side(side *x, int64_t low, int64_t top, int64_t limit, int64_t least)
{
	int64_t v = atomic_load(&x->line), from, end, split;

	for (;;) {
		if (v == SIDE_DONE || v < 0) /* done, or it has not seen the last split yet (not waited for) */
			return -1;
		from = v > low ? v : low;
		end = limit < top ? limit : top;
		if (end - from < least)
			return -1;
		split = end - (end - from) / 3;
		if (atomic_compare_exchange_weak(&x->line, &v, -split - 1))
			return split;
	}
}

/* Reads into y[0], y[1], ... (*n of them, at least one), on l's
 * connection, the decisions split_side takes from the side load x, each
 * part sorted by time (each below the one before), then the hints into
 * y[0]. A test's forced parts are split before x starts, each as if x
 * had read nothing, and x started then. Returns 0, or -1 with l->err set
 * (y then holds nothing). */
static int side_take(load *l, side *x, side *y, size_t *n)
{
	int64_t low = 0, top = 0, limit = INT64_MAX, split = -1; /* set by audit_ids (gcc cannot tell) */
	size_t i;
	int rc = audit_ids(l, &low, &top), forced = forced_parts(l);

	for (*n = 0; rc == 0 && *n < SPLITS; ++*n) {
		side *p = &y[*n];

		split = x->l.line && (forced < 0 || *n < (size_t)forced)
				? split_side(x, low, top, limit, forced < 0 ? SPLIT_LEAST : 1)
				: -1;
		if (forced >= 0 && split >= 0) { /* x not started: it keeps to that limit */
			x->l.limit = split;
			atomic_store(&x->line, 0);
		}
		if (split < 0 && *n > 0)
			break;
		if (side_init(p, l, l->db) != 0) {
			*l->err = p->err;
			rc = -1;
			break;
		}
		if (split < 0) { /* x has not been split: a part for the hints alone */
			++*n;
			break;
		}
		p->l.since = split;
		p->l.until = limit;
		rc = p->rc = each_row(&p->l, &split_decisions);
		p->l.since = p->l.until = 0;
		limit = split;
		if (rc == 0)
			rc = side_sort(p);
		if (rc != 0)
			*l->err = p->err;
	}
	if (forced >= 0)
		side_run(x);
	if (rc == 0 && (l->beside & ND_LOAD_FAILS))
		rc = nd_error_set(l->err, "injected failure");
	for (i = 0; rc == 0 && i < sizeof(queries) / sizeof(queries[0]); i++)
		if (queries[i].fn == hint_row && (rc = each_row(&y[0].l, &queries[i])) != 0)
			*l->err = y[0].err;
	for (i = 0; i < *n; i++) {
		side_done(&y[i]);
		if (rc != 0)
			nd_analysis_data_free(&y[i].d);
	}
	return rc;
}

/* Returns s, a string of another data's pool (or NULL), as l->d's copy;
 * *from and *to remember the last string moved (a run of rows repeats
 * it). Sets l->oom when out of memory. */
static const char *rehome(load *l, const char *s, const char **from, const char **to)
{
	if (s && s != *from) {
		*from = s;
		*to = nd_analysis_str(l->d, s, 1, &l->oom);
	}
	return s ? *to : NULL;
}

/* Returns id, a string of v (or ND_STR_NONE), as the id of l->d's copy:
 * map[id] (v->strings.n ids, ND_STR_NONE until met) is made the first
 * time id is met, so that each distinct string is looked up once (a
 * fleet's million decisions name some 50k users). Sets l->oom when out
 * of memory. */
static uint32_t rehome_id(load *l, const nd_analysis_data *v, uint32_t *map, uint32_t id)
{
	if (id == ND_STR_NONE)
		return ND_STR_NONE;
	if (map[id] == ND_STR_NONE)
		map[id] = nd_analysis_str_id(l->d, v->strings.v[id], 1, &l->oom);
	return map[id];
}

/* Appends the events of v to those of d, the last first, v giving back
 * the room of those moved as it goes (at 1M decisions each copy is 56 MB:
 * they never coexist in full). Returns 0, or -1 when out of memory. */
static int move_events(nd_analysis_data *d, nd_analysis_data *v)
{
	size_t n = v->nevents, k, size = sizeof(*d->events);
	nd_event *e;

	if (n > d->cap_events - d->nevents) {
		if (!(e = realloc(d->events, (d->nevents + n) * size)))
			return -1;
		d->events = e;
		d->cap_events = d->nevents + n;
	}
	while (n) {
		k = n > 65536 ? 65536 : n;
		n -= k;
		memcpy(d->events + d->nevents + n, v->events + n, k * size);
		nd_vec_fit(&v->events, &v->cap_events, n, size);
	}
	d->nevents += v->nevents;
	return 0;
}

/* Appends the fields of v to those of l->d, the events moved from v (those
 * of l->d from first to end) pointing at them, each value as the id of
 * l->d's copy (rehome_id with map). Returns 0, or -1 when out of
 * memory. */
static int move_fields(load *l, nd_analysis_data *v, uint32_t *map, size_t first, size_t end)
{
	nd_analysis_data *d = l->d;
	size_t i, base = d->nfields;

	if (!v->nfields)
		return 0;
	if (v->nfields >= UINT32_MAX - base)
		return -1;
	if (!base) { /* taken as it is: at 1M decisions 40 MB */
		free(d->fields); /* room reserved, none used */
		d->fields = v->fields;
		d->cap_fields = v->cap_fields;
		v->fields = NULL;
	} else if (nd_vec_reserve(&d->fields, &d->cap_fields, base + v->nfields, sizeof(*d->fields)) != 0)
		return -1;
	else
		memcpy(d->fields + base, v->fields, v->nfields * sizeof(*d->fields));
	d->nfields = base + v->nfields;
	for (i = base; i < d->nfields && !l->oom; i++)
		d->fields[i].value = rehome_id(l, v, map, d->fields[i].value);
	for (i = first; i < end; i++)
		if (d->events[i].nfields)
			d->events[i].field += (uint32_t)base;
	return 0;
}

/* Returns a map of v's string ids for rehome_id (each ND_STR_NONE), or
 * NULL when out of memory. */
static uint32_t *new_map(const nd_analysis_data *v)
{
	uint32_t *map = malloc((v->strings.n + 1) * sizeof(*map));
	size_t i;

	for (i = 0; map && i < v->strings.n; i++)
		map[i] = ND_STR_NONE;
	return map;
}

/* Gives the strings of n, a decision of v, as the ids of l->d's copies
 * (rehome_id with map). Returns nothing. */
static void rehome_decision(load *l, const nd_analysis_data *v, uint32_t *map, nd_decision *n)
{
	n->user = rehome_id(l, v, map, n->user);
	n->domain = rehome_id(l, v, map, n->domain);
	n->fq = rehome_id(l, v, map, n->fq);
	n->nas = rehome_id(l, v, map, n->nas);
	n->port_type = rehome_id(l, v, map, n->port_type);
	n->auth_type = rehome_id(l, v, map, n->auth_type);
	n->nas_addr = rehome_id(l, v, map, n->nas_addr);
}

/* Makes the decisions of the parts p[0 .. n) (each by time, their
 * strings l->d's) those of l->d, in time order: most often each part's
 * follow those of the part before. Returns 0, or -1 when out of
 * memory. */
static int take_decisions(load *l, side *const *p, size_t n)
{
	nd_analysis_data *d = l->d, *x = &p[0]->d;
	size_t i;

	d->decisions = x->decisions;
	d->ndecisions = x->ndecisions;
	d->cap_decisions = x->cap_decisions;
	x->decisions = NULL;
	for (i = 1; i < n; i++) {
		const nd_analysis_data *v = &p[i]->d;

		if (!v->ndecisions)
			continue;
		if (nd_vec_reserve(&d->decisions, &d->cap_decisions, d->ndecisions + v->ndecisions,
				   sizeof(*d->decisions)) != 0)
			return -1;
		memcpy(d->decisions + d->ndecisions, v->decisions, v->ndecisions * sizeof(*d->decisions));
		d->ndecisions += v->ndecisions;
	}
	return nd_analysis_keep_order(d->decisions, d->ndecisions, x->ndecisions, sizeof(*d->decisions), decision_cmp);
}

/* Appends the logged times of v (strings of its pool) to those of l->d:
 * a run of v stays one run (it may continue the last run there). Sets
 * l->oom when out of memory. Returns nothing. */
static void move_times(load *l, const nd_analysis_data *v)
{
	nd_analysis_data *d = l->d;
	const char *from = NULL, *to = NULL;
	size_t i;

	for (i = 0; i < v->ntimes && !l->oom; i++) {
		const char *text = rehome(l, v->times[i].text, &from, &to);

		if (l->oom || nd_analysis_add_time(d, v->times[i].ref, text) != 0) {
			l->oom = 1;
			return;
		}
		d->times[d->ntimes - 1].last = v->times[i].last;
	}
}

/* Makes the hints of the parts p[0 .. n) (each hint once, the first
 * part's first) the hints of l->d (which has none yet), their names
 * l->d's copies. Sets l->oom when out of memory. Returns nothing. */
static void take_hints(load *l, side *const *p, size_t n)
{
	nd_analysis_data *d = l->d, *x = &p[0]->d;
	size_t i, k;

	d->hints = x->hints;
	d->nhints = x->nhints;
	d->cap_hints = x->cap_hints;
	x->hints = NULL;
	for (i = 0; i < d->nhints; i++) {
		d->hints[i].user = nd_analysis_str(d, d->hints[i].user, 1, &l->oom);
		d->hints[i].domain = nd_analysis_str(d, d->hints[i].domain, 1, &l->oom);
		d->hints[i].fq = nd_analysis_str(d, d->hints[i].fq, 1, &l->oom);
	}
	for (k = 1; k < n; k++)
		for (i = 0; i < p[k]->d.nhints && !l->oom; i++) {
			const nd_domain_hint *h = &p[k]->d.hints[i];
			const char *user = nd_analysis_str(d, h->user, 1, &l->oom);
			const char *domain = nd_analysis_str(d, h->domain, 1, &l->oom);
			const char *fq = nd_analysis_str(d, h->fq, 1, &l->oom);

			if (!l->oom && hint_add(l, user, domain, fq) != 0)
				l->oom = 1;
		}
}

/* Waits for the side load x to end and closes its connection. Returns
 * its result (0, or -1 with x->err set). */
static int side_join(side *x)
{
	if (x->started)
		pthread_join(x->thread, NULL);
	x->started = 0;
	nd_db_close(x->l.db);
	side_done(x);
	return x->rc;
}

/* Ends the side load x, whose outcome no longer matters (the load
 * failed): it stops at its next row, not reading the rest of its part
 * (at 1M decisions up to 1.5 s). Frees what it read. Returns nothing. */
static void side_stop(side *x)
{
	atomic_store(&x->stop, 1);
	side_join(x);
	nd_analysis_data_free(&x->d);
}

/* Returns the part of p[0 .. n) whose next decision (at[i] of each) is
 * the first in time, n when none is left. */
static size_t first_part(side *const *p, const size_t *at, size_t n)
{
	size_t i, best = n;

	for (i = 0; i < n; i++)
		if (at[i] < p[i]->d.ndecisions &&
		    (best == n || decision_cmp(&p[i]->d.decisions[at[i]], &p[best]->d.decisions[at[best]]) < 0))
			best = i;
	return best;
}

/* Waits for the side load x, then moves what it and y[0 .. n) (the
 * caller's parts, side_take: each below the one before) read into l->d,
 * which has no decisions nor hints of its own yet: their events in id
 * order (x's, then y[n - 1]'s ... y[0]'s, as one connection reads them),
 * their fields and logged times, and the hints, while a thread sorts x's
 * decisions (at 1M 0.26 CPU s this thread waited for, when x sorted them
 * at the end of its read); then the decisions in time order. Their
 * strings become l->d's copies in that order. Frees the parts' data.
 * Returns 0, 1 when the second connection failed (nothing moved: the
 * caller reads them itself), or -1 with l->err set (out of memory). */
static int side_finish(load *l, side *x, side *y, size_t n)
{
	nd_analysis_data *d = l->d;
	side *p[SPLITS + 1];
	uint32_t *map[SPLITS + 1];
	size_t at[SPLITS + 1], i, k, np = n + 1;

	p[0] = x;
	for (k = 1; k < np; k++)
		p[k] = &y[np - 1 - k];
	if (side_join(x) != 0) {
		for (k = 0; k < np; k++)
			nd_analysis_data_free(&p[k]->d);
		return 1;
	}
	x->started = pthread_create(&x->thread, NULL, sort_work, x) == 0;
	if (!x->started)
		side_sort(x);
	for (k = 0; k < np; k++) {
		l->rows += p[k]->l.rows;
		l->top = p[k]->l.top > l->top ? p[k]->l.top : l->top;
		if (!(map[k] = new_map(&p[k]->d)))
			l->oom = 1;
	}
	for (k = 0; k < np && !l->oom; k++) {
		at[k] = d->nevents; /* where the part's events go */
		if (move_events(d, &p[k]->d) != 0)
			l->oom = 1;
	}
	for (k = 0; k < np && !l->oom; k++)
		for (i = at[k]; i < at[k] + p[k]->d.nevents && !l->oom; i++) {
			d->events[i].family = rehome_id(l, &p[k]->d, map[k], d->events[i].family);
			d->events[i].provider = rehome_id(l, &p[k]->d, map[k], d->events[i].provider);
		}
	for (k = 0; k < np && !l->oom; k++)
		if (move_fields(l, &p[k]->d, map[k], at[k], at[k] + p[k]->d.nevents) != 0)
			l->oom = 1;
	for (k = 0; k < np && !l->oom; k++)
		move_times(l, &p[k]->d);
	if (!l->oom)
		take_hints(l, p, np);
	if (x->started)
		pthread_join(x->thread, NULL);
	x->started = 0;
	if (x->rc != 0)
		l->oom = 1;
	for (k = 0; k < np; k++)
		at[k] = 0;
	while (!l->oom && (k = first_part(p, at, np)) < np)
		rehome_decision(l, &p[k]->d, map[k], &p[k]->d.decisions[at[k]++]);
	if (!l->oom && take_decisions(l, p, np) != 0)
		l->oom = 1;
	for (k = 0; k < np; k++) {
		free(map[k]);
		nd_analysis_data_free(&p[k]->d);
	}
	return l->oom ? nd_error_set(l->err, "out of memory") : 0;
}

/* Loads the events the rules read with their fields, and indexes the
 * events from the first (by ref) on: the part of a load that writes only
 * d's events, fields, times and strings. Returns 0, or -1 with err set. */
static int load_rest(load *l, const nd_rules *rules, size_t first)
{
	if (load_rule_events(l, rules) || nd_analysis_index_more(l->d, first, l->err))
		return -1;
	nd_analysis_times_sort(l->d);
	return 0;
}

/* load_rest on a thread of its own, on the load's connection, which the
 * caller's thread leaves alone meanwhile. */
typedef struct rest {
	load *l;
	const nd_rules *rules;
	size_t first;
	nd_error err;
	int rc;
	pthread_t thread;
} rest;

/* The thread: runs load_rest. Returns NULL. */
static void *rest_work(void *arg)
{
	rest *x = arg;

	x->rc = load_rest(x->l, x->rules, x->first);
	return NULL;
}

/* Runs load_rest on a thread of its own while meanwhile runs on the
 * caller's (l->beside, a second processor), else one after the other.
 * The records meanwhile may read are fitted first, which lowers the peak
 * (nd_analysis_fit runs after the join). load_rest adds strings, which
 * may move strings.v: meanwhile reads a copy of it (d->frozen, through
 * nd_analysis_s), made before the thread starts and freed after the join;
 * without memory for it the two run one after the other. Returns 0, or -1
 * with l->err set (the load's error, else meanwhile's). */
static int rest_beside(load *l, const nd_rules *rules, size_t first, nd_analysis_meanwhile meanwhile, void *ctx)
{
	nd_analysis_data *d = l->d;
	nd_error *err = l->err;
	rest x;
	int rc;

	nd_vec_fit(&d->clients, &d->cap_clients, d->nclients, sizeof(*d->clients));
	nd_vec_fit(&d->decisions, &d->cap_decisions, d->ndecisions, sizeof(*d->decisions));
	nd_vec_fit(&d->connects, &d->cap_connects, d->nconnects, sizeof(*d->connects));
	nd_vec_fit(&d->unlocks, &d->cap_unlocks, d->nunlocks, sizeof(*d->unlocks));
	nd_vec_fit(&d->capi2, &d->cap_capi2, d->ncapi2, sizeof(*d->capi2));
	nd_vec_fit(&d->fields, &d->cap_fields, d->nfields, sizeof(*d->fields));
	memset(&x, 0, sizeof(x));
	x.l = l;
	x.rules = rules;
	x.first = first;
	l->err = &x.err;
	if (l->beside && nd_cpu_count() >= 2 && d->strings.n &&
	    (d->frozen = malloc(d->strings.n * sizeof(*d->frozen))) != NULL) {
		memcpy(d->frozen, d->strings.v, d->strings.n * sizeof(*d->frozen));
		if (pthread_create(&x.thread, NULL, rest_work, &x) != 0) {
			free(d->frozen);
			d->frozen = NULL;
		}
	}
	if (!d->frozen) {
		l->err = err;
		return load_rest(l, rules, first) || meanwhile(ctx, err) ? -1 : 0;
	}
	rc = meanwhile(ctx, err);
	pthread_join(x.thread, NULL);
	free(d->frozen);
	d->frozen = NULL;
	l->err = err;
	if (x.rc != 0) {
		*err = x.err;
		return -1;
	}
	return rc;
}

/* Loads every event (l->since 0), or adds those stored since (stopping
 * early when l->afresh is set); with meanwhile, calls it once the records
 * are loaded (rest_beside). Returns 0, or -1 with err set. */
static int load_events(load *l, const nd_rules *rules, nd_analysis_meanwhile meanwhile, void *ctx)
{
	nd_analysis_data *d = l->d;
	size_t i, first = d->nevents, nclients = d->nclients, ndecisions = d->ndecisions;
	size_t nconnects = d->nconnects, nunlocks = d->nunlocks, ncapi2 = d->ncapi2;
	side x, y[SPLITS];
	size_t ny = 0;
	int beside = 0;

	if (!l->since && nd_analysis_add_rule_names(d, rules, l->err) != 0) /* the fields read with the events */
		return -1;
	for (i = 0; i < sizeof(queries) / sizeof(queries[0]) && !l->afresh; i++) {
		if (beside && side_reads(&queries[i]))
			continue;
		if (each_row(l, &queries[i]) != 0) {
			if (beside)
				side_stop(&x);
			return -1;
		}
		if (queries[i].fn == host_row && l->since && add_hosts(l) != 0)
			return -1;
		if (queries[i].fn == host_row)
			beside = side_start(l, &x);
		if (queries[i].fn != dial_row)
			continue;
		if (!l->since)
			first_dials(l);
		else if (merge_dials(l) != 0)
			return nd_error_set(l->err, "out of memory");
	}
	if (beside && side_take(l, &x, y, &ny) != 0) {
		side_stop(&x);
		return -1;
	}
	if (beside && (beside = side_finish(l, &x, y, ny)) == -1)
		return -1;
	if (beside == 1 && side_queries(l) != 0) /* the second connection failed */
		return -1;
	if (l->afresh)
		return 0;
	for (i = nclients; l->coids && i < d->nclients; i++) {
		char buf[ND_COID_TEXT];
		const char *coid = nd_analysis_coid(&d->clients[i], buf);

		if (nd_u64set_add(l->coids, coid_print(d, d->clients[i].host, coid)) != 0)
			return nd_error_set(l->err, "out of memory");
	}
	if (nd_analysis_keep_order(d->clients, d->nclients, nclients, sizeof(*d->clients), client_cmp) ||
	    nd_analysis_keep_order(d->decisions, d->ndecisions, ndecisions, sizeof(*d->decisions), decision_cmp) ||
	    nd_analysis_keep_order(d->connects, d->nconnects, nconnects, sizeof(*d->connects), connect_cmp) ||
	    nd_analysis_keep_order(d->unlocks, d->nunlocks, nunlocks, sizeof(*d->unlocks), decision_cmp) ||
	    nd_analysis_keep_order(d->capi2, d->ncapi2, ncapi2, sizeof(*d->capi2), capi2_cmp))
		return nd_error_set(l->err, "out of memory");
	hints_free(l); /* every hint is kept: not alive beside pairing */
	return meanwhile ? rest_beside(l, rules, first, meanwhile, ctx) : load_rest(l, rules, first);
}

/* Reads how many events the store holds, the highest id, and how many
 * have an id above since, and for SQLite the data_version (into
 * *version). With prev, the cursor of the last load on this connection:
 * when no other connection committed since (same data_version), the
 * events are prev's and those above since (this process only adds
 * events), so they are not counted. Returns 0, or -1 with err set. */
static int extent(nd_db *db, const nd_analysis_cursor *prev, int64_t since, int64_t *count, int64_t *last,
		  int64_t *newer, int64_t *version, nd_error *err)
{
	nd_stmt *st = NULL;
	int rc, known;

	if (nd_db_data_version(db, version, err) != 0)
		return -1;
	known = prev && *version && prev->version == *version && prev->count >= 0;
	if (nd_db_prepare(db,
			  known ? "SELECT 0, coalesce(max(id), 0), (SELECT count(*) FROM events WHERE id > ?1) FROM events"
				: "SELECT count(*), coalesce(max(id), 0), (SELECT count(*) FROM events WHERE id > ?1)"
				  " FROM events",
			  0, &st, "load", NULL) != 0 ||
	    nd_db_bind_int64(st, 1, since, "load", NULL) != 0 || (rc = nd_db_step(st, "load", NULL)) != 1) {
		nd_db_finalize(st);
		return nd_db_fail(db, "events", err);
	}
	*last = nd_db_column_int64(st, 1);
	*newer = nd_db_column_int64(st, 2);
	*count = known ? prev->count + *newer : nd_db_column_int64(st, 0);
	nd_db_finalize(st);
	return 0;
}

void nd_analysis_cursor_free(nd_analysis_cursor *cur)
{
	free(cur->dials);
	free(cur->moved);
	nd_u64set_free(&cur->coids);
	memset(cur, 0, sizeof(*cur));
}

int nd_analysis_load(nd_store *s, const nd_rules *rules, nd_analysis_data *out, nd_analysis_cursor *cur, int beside,
		     nd_analysis_meanwhile meanwhile, void *ctx, size_t *rows, nd_error *err)
{
	load l = {0};
	int64_t newer = 0;
	int rc = -1;

	l.db = nd_store_db(s);
	l.pg = nd_db_dialect_of(l.db) != ND_DB_SQLITE;
	l.d = out;
	l.hosts = out;
	l.beside = beside;
	l.err = err;
	memset(out, 0, sizeof(*out));
	if (cur)
		nd_analysis_cursor_free(cur);
	l.coids = cur ? &cur->coids : NULL;
	if ((!cur || extent(l.db, NULL, 0, &cur->count, &cur->last, &newer, &cur->version, err) == 0) &&
	    load_events(&l, rules, meanwhile, ctx) == 0)
		rc = 0;
	/* Rows stored after the count (PostgreSQL reads each query as of its
	 * start) would be read again: the next load reads everything. */
	if (rc == 0 && cur && l.top > cur->last)
		cur->count = -1;
	if (rc == 0 && cur) {
		cur->dials = l.dials;
		cur->ndials = cur->cap_dials = l.ndials;
		cur->loaded = l.rows;
		l.dials = NULL;
	}
	free(l.dials);
	hints_free(&l);
	fields_free(&l);
	if (rc != 0) {
		nd_analysis_data_free(out);
		return -1;
	}
	nd_analysis_fit(out, cur != NULL);
	*rows = l.rows;
	return 0;
}

int nd_analysis_load_more(nd_store *s, const nd_rules *rules, nd_analysis_data *d, nd_analysis_cursor *cur,
			  nd_error *err)
{
	load l = {0};
	int64_t count = 0, last = 0, newer = 0, version = 0; /* set by extent (gcc -O3 cannot tell) */
	int rc;

	l.db = nd_store_db(s);
	l.pg = nd_db_dialect_of(l.db) != ND_DB_SQLITE;
	l.d = d;
	l.hosts = d;
	l.err = err;
	l.since = cur->last;
	l.coids = &cur->coids;
	cur->loaded = 0;
	free(cur->moved);
	cur->moved = NULL;
	cur->nmoved = 0;
	d->nredialled = 0;
	if (extent(l.db, cur, cur->last, &count, &last, &newer, &version, err) != 0)
		return -1;
	if (count != cur->count + newer)
		return 1; /* events went away */
	cur->version = version;
	if (!newer)
		return 0;
	if (!l.since)
		return 1; /* the store was empty: nothing to add to */
	l.dials = cur->dials;
	l.ndials = cur->ndials;
	l.cap_dials = cur->cap_dials;
	rc = load_events(&l, rules, NULL, NULL);
	cur->dials = l.dials;
	cur->ndials = l.ndials;
	cur->cap_dials = l.cap_dials;
	free(l.fresh);
	hints_free(&l);
	fields_free(&l);
	free(l.added);
	if (rc != 0) {
		free(l.moved);
		return -1;
	}
	cur->moved = l.moved;
	cur->nmoved = l.moved ? d->nhosts - l.nadded : 0;
	if (l.afresh)
		return 1;
	cur->count = l.top > last ? -1 : count; /* as nd_analysis_load */
	cur->last = last;
	cur->loaded = l.rows; /* not fitted: the next round's events would grow every array again */
	return 0;
}
