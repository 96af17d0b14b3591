#include "nd_results.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_batch.h"
#include "nd_db.h"
#include "nd_diagnose_write.h"
#include "nd_incidents.h"
#include "nd_result_feed.h"
#include "nd_schema.h"
#include "nd_sort.h"
#include "nd_time.h"
#include "nd_vec.h"

#define BLOCK_SIZE 65536
#define ND_XSTR(x) #x
#define ND_STR(x) ND_XSTR(x)

/* A block of the arena that holds the strings of the current view. */
typedef struct block {
	struct block *next;
	size_t used, size;
	alignas(max_align_t) char data[];
} block;

/* The statements of a run, prepared once. */
enum { S_INCIDENTS, S_EVIDENCE, S_EVIDENCE_ALL, S_TOTAL, S_FIELDS, S_FACTS, S_EVENT, S_COUNT };

/* The evidence of an incident: its columns from c0 on. */
#define EVIDENCE_COLUMNS                                                                                              \
	"ie.event_ref, ie.role, ie.attempt, ie.delta_ticks, e.event_id, e.provider, e.computer, e.time_created, e.ts,"  \
	" rc.coid FROM incident_events ie JOIN events e ON e.id = ie.event_ref"                                        \
	" LEFT JOIN ras_client_events rc ON rc.event_ref = ie.event_ref"

/* The incidents selected, open ones first, with every column of the table
 * in its order (as a kept diagnosis's rows: view_incident reads both). */
#define INCIDENTS_SQL                                                                                                 \
	"SELECT i.id, i.kind, i.cause_id, i.confidence, i.match, i.identity, i.user_name, i.client, i.vpn_server,"    \
	" i.nps_server, i.client_error, i.nps_event_id, i.nps_reason, i.count, i.paired, i.first_ts, i.last_ts,"      \
	" i.first_time, i.last_time, i.status, i.resolved_ts, i.resolved_time, i.key"                                 \
	" FROM nd_results_ids s CROSS JOIN incidents i" /* the selected ids first (SQLite keeps a CROSS JOIN's order) */ \
	" WHERE i.id = s.id AND (CAST(?1 AS INTEGER) IS NULL OR (CASE i.kind WHEN 'finding' THEN 1 ELSE 0 END) = ?1)" \
	" ORDER BY i.kind = 'finding', i.status = 'resolved', i.id"

/* S_EVIDENCE: the first ?2 events of an incident in time order. S_EVIDENCE_ALL
 * and S_FACTS: the rows of the incidents from ?1 to ?2 in incident order
 * (column 0 the incident), read as a cursor (ordered): all the evidence in
 * no order, sorted here per incident (a sort in SQL was most of what reading
 * an incident cost), the facts column of each (nd_incidents_fact_next). */
static const char *const sql[S_COUNT] = {
	NULL, /* INCIDENTS_SQL, prepared by prepare_incidents */
	"SELECT 0, " EVIDENCE_COLUMNS " WHERE ie.incident_id = ?1 ORDER BY e.ts, e.id, ie.role LIMIT ?2",
	"SELECT ie.incident_id, " EVIDENCE_COLUMNS " WHERE ie.incident_id BETWEEN ?1 AND ?2 ORDER BY ie.incident_id",
	"SELECT count(*) FROM incident_events ie JOIN events e ON e.id = ie.event_ref WHERE ie.incident_id = ?1",
	"SELECT event_ref, name, value FROM event_fields WHERE event_ref = ?1 ORDER BY pos",
	"SELECT id, facts FROM incidents WHERE id BETWEEN ?1 AND ?2 AND facts IS NOT NULL ORDER BY id",
	"SELECT e.event_id, e.provider, e.computer, e.time_created, e.ts, rc.coid FROM events e"
	" LEFT JOIN ras_client_events rc ON rc.event_ref = e.id WHERE e.id = ?1",
};

/* A code with its name (the code tables), for views built from a kept
 * diagnosis. */
typedef struct code_name {
	int64_t code;
	const char *symbol, *meaning;
} code_name;

/* A statement of rows in incident order (column 0), kept open from one
 * incident to the next: the next incident's rows are most often the next
 * rows, so reading them steps on instead of running the statement once per
 * incident (which cost more than the rows). */
typedef struct ordered {
	nd_stmt *st;
	int started; /* st runs */
	int row;     /* st is on a row, of incident id (else done) */
	int64_t id;
	int64_t last;   /* the last incident read: rows up to it are passed */
	int64_t to;     /* the last incident the current run reaches */
	int reach;      /* a run reaches to the end (else one incident a run) */
	int ranged;     /* the statement's ?2 is the last incident of a run */
} ordered;

/* Where the rows of a kept incident's view are: its incidents row and
 * runs of events and facts rows in rows (r->rows, or a chunk of the feed
 * it was built into). */
typedef struct view_rows {
	const nd_result_rows *rows;
	size_t inc, ev, nev, fact, nfact;
} view_rows;

/* Rows stepped over to reach an incident before the statement is run again
 * from it instead (a run costs about as much). */
#define ORDERED_SKIP 16

struct nd_results {
	nd_db *db;
	nd_stmt *st[S_COUNT];
	size_t selected;
	nd_res_cause *causes; /* by cause_id */
	size_t ncauses;
	block *causes_arena, *arena; /* the causes' strings; the current view's */
	nd_res_incident inc;
	ordered evidence, facts, fields; /* S_EVIDENCE_ALL, S_FACTS, S_FIELDS */
	size_t cap_facts, cap_events, cap_attempts, cap_slots;
	nd_res_attempt *slots; /* by attempt number while loading */
	const char **pairs;    /* names and values while loading */
	size_t cap_pairs;
	const nd_diagnosis *x; /* kept: views are built from it (nd_results_open_kept) */
	nd_row_plan *plan;     /* x: its facts looked up once */
	nd_result_rows rows;   /* x: the rows of a view built outside the feed */
	view_rows view;        /* x: the rows of the current view */
	nd_result_feed *feed;  /* x: where the rows go to be stored (nd_results_feed), NULL: nowhere */
	unsigned char *fed;    /* x: per id (from 1) whether it is in the feed */
	size_t nfed;           /* x: ids in the feed */
	size_t unfed;          /* x: no id below it is out of the feed (feed_rest) */
	int64_t *order;        /* x: the selected ids in walk order */
	size_t norder, pos;
	nd_res_which which;
	code_name *ras, *nps; /* the code tables, by code */
	size_t nras, nnps;
	int (*gate)(void *ctx, nd_error *err); /* called before the database is next used (nd_results_gate) */
	void *gate_ctx;
};

/* Steps c on. Returns 1 on a row (c->id its incident), 0 when done, -1 on
 * a database error. */
static int ordered_step(ordered *c)
{
	int rc = nd_db_step(c->st, "results", NULL);

	c->row = rc == 1;
	if (c->row)
		c->id = nd_db_column_int64(c->st, 0);
	return rc;
}

/* Runs c again from incident id. Returns as ordered_step. */
static int ordered_run(ordered *c, int64_t id)
{
	nd_db_reset(c->st);
	c->started = 1;
	c->row = 0;
	c->to = c->reach ? INT64_MAX : id;
	if (nd_db_bind_int64(c->st, 1, id, "results", NULL) != 0 ||
	    (c->ranged && nd_db_bind_int64(c->st, 2, c->to, "results", NULL) != 0))
		return -1;
	return ordered_step(c);
}

/* Puts c on the first row of incident id: steps on when that is near, else
 * runs the statement again from id (also when id is not after the last one
 * read or beyond what the run reaches). Returns 1 on a row of id, 0 when
 * id has none, -1 on a database error. */
static int ordered_seek(ordered *c, int64_t id)
{
	int k, rc = c->row;

	if (!c->started || id <= c->last || id > c->to)
		rc = ordered_run(c, id);
	for (k = 0; rc == 1 && c->id < id && k < ORDERED_SKIP; k++)
		rc = ordered_step(c);
	if (rc == 1 && c->id < id)
		rc = ordered_run(c, id);
	c->last = id;
	return rc < 0 ? -1 : rc == 1 && c->id == id;
}

/* Steps c on within incident id. Returns 1 on its next row, 0 past its
 * last, -1 on a database error. */
static int ordered_next(ordered *c, int64_t id)
{
	int rc = ordered_step(c);

	return rc < 0 ? -1 : rc == 1 && c->id == id;
}

/* Stops c (its statement holds nothing until it runs again). Returns
 * nothing. */
static void ordered_stop(ordered *c)
{
	nd_db_reset(c->st);
	c->started = c->row = 0;
}

/* Allocates n bytes (aligned) in the arena *a. Returns them, or NULL when
 * out of memory. */
static void *arena_alloc(block **a, size_t n)
{
	block *b = *a;

	n = (n + alignof(max_align_t) - 1) / alignof(max_align_t) * alignof(max_align_t);
	if (!b || b->size - b->used < n) {
		size_t size = n > BLOCK_SIZE ? n : BLOCK_SIZE;

		if (!(b = malloc(sizeof(block) + size)))
			return NULL;
		b->next = *a;
		b->used = 0;
		b->size = size;
		*a = b;
	}
	b->used += n;
	return b->data + b->used - n;
}

/* Copies s into the arena (NULL stays NULL). Returns the copy, or NULL
 * with *oom set. */
static const char *arena_str(block **a, const char *s, int *oom)
{
	size_t n;
	char *c;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	if (!(c = arena_alloc(a, n))) {
		*oom = 1;
		return NULL;
	}
	return memcpy(c, s, n);
}

/* Empties an arena, keeping its newest block for the next strings (a
 * view's strings fit in one: a block malloc'ed per view cost more than
 * copying them). Returns nothing. */
static void arena_reset(block **a)
{
	block *b = *a;

	if (!b)
		return;
	while (b->next) {
		block *next = b->next->next;

		free(b->next);
		b->next = next;
	}
	b->used = 0;
}

/* Frees an arena. Returns nothing. */
static void arena_free(block **a)
{
	while (*a) {
		block *next = (*a)->next;

		free(*a);
		*a = next;
	}
}

/* Returns column c as text or NULL. */
static const char *text(nd_stmt *st, int c)
{
	return nd_db_column_text(st, c);
}

/* Compares cause ids (bsearch). */
static int by_cause_id(const void *key, const void *c)
{
	return strcmp(key, ((const nd_res_cause *)c)->cause_id);
}

/* Returns the cause with id, or NULL. */
static const nd_res_cause *find_cause(const nd_results *r, const char *id)
{
	return id && r->ncauses ? bsearch(id, r->causes, r->ncauses, sizeof(*r->causes), by_cause_id) : NULL;
}

/* Counts the rows of the bound statement st and resets it for reading
 * them. Returns 0 with *n set, or -1 on a database error. */
static int count_rows(nd_stmt *st, size_t *n)
{
	int rc;

	for (*n = 0; (rc = nd_db_step(st, "results", NULL)) == 1; (*n)++)
		;
	nd_db_reset(st);
	return rc == 0 ? 0 : -1;
}

/* Reads column 0 of every row of the bound statement st into an array of
 * strings in the causes' arena: counted first, then filled, since the
 * arena cannot grow an array. Returns 0 with *v and *n set (*oom set when
 * out of memory), or -1 on a database error. */
static int load_strings(nd_results *r, nd_stmt *st, const char ***v, size_t *n, int *oom)
{
	size_t count;
	int rc = 0;

	*v = NULL;
	*n = 0;
	if (count_rows(st, &count) != 0)
		return -1;
	if (count && !(*v = arena_alloc(&r->causes_arena, count * sizeof(**v)))) {
		*oom = 1;
		return 0;
	}
	while (!*oom && *n < count && (rc = nd_db_step(st, "results", NULL)) == 1)
		(*v)[(*n)++] = arena_str(&r->causes_arena, text(st, 0), oom);
	return rc == 1 || rc == 0 ? 0 : -1;
}

/* Loads the causes with their steps, commands and sources. Returns 0, or
 * -1 with err set. */
static int load_causes(nd_results *r, nd_error *err)
{
	nd_stmt *cs = NULL, *ss = NULL, *ms = NULL, *os = NULL;
	size_t cap = 0;
	int rc = -1, oom = 0, dberr = 0, step = 0;

	if (nd_db_prepare(r->db,
			  "SELECT cause_id, kind, title, confidence, explanation, rule_file, rule_line FROM causes"
			  " ORDER BY cause_id",
			  0, &cs, "results (has diagnose run on this database?)", err) != 0 ||
	    nd_db_prepare(r->db, "SELECT step, text FROM cause_steps WHERE cause_id = ?1 ORDER BY step", 0, &ss,
			  "results", err) != 0 ||
	    nd_db_prepare(r->db, "SELECT command FROM cause_commands WHERE cause_id = ?1 AND step = ?2 ORDER BY pos", 0,
			  &ms, "results", err) != 0 ||
	    nd_db_prepare(r->db, "SELECT source FROM cause_sources WHERE cause_id = ?1 ORDER BY pos", 0, &os, "results",
			  err) != 0)
		goto out;
	while ((step = nd_db_step(cs, "results", NULL)) == 1) {
		nd_res_cause *c;
		size_t n;

		if (nd_vec_reserve(&r->causes, &cap, r->ncauses + 1, sizeof(*r->causes)) != 0) {
			oom = 1;
			break;
		}
		c = &r->causes[r->ncauses];
		memset(c, 0, sizeof(*c));
		c->index = r->ncauses++;
		c->cause_id = arena_str(&r->causes_arena, text(cs, 0), &oom);
		c->kind = arena_str(&r->causes_arena, text(cs, 1), &oom);
		c->title = arena_str(&r->causes_arena, text(cs, 2), &oom);
		c->confidence = arena_str(&r->causes_arena, text(cs, 3), &oom);
		c->explanation = arena_str(&r->causes_arena, text(cs, 4), &oom);
		c->rule_file = arena_str(&r->causes_arena, text(cs, 5), &oom);
		c->rule_line = nd_db_column_int64(cs, 6);
		if (oom)
			break;
		/* Counted first, then filled: the arena cannot grow an array. */
		nd_db_reset(ss);
		nd_db_bind_text(ss, 1, c->cause_id, "results", NULL);
		if ((dberr = count_rows(ss, &n)) != 0)
			break;
		if (n && !(c->steps = arena_alloc(&r->causes_arena, n * sizeof(*c->steps)))) {
			oom = 1;
			break;
		}
		while (c->nsteps < n && nd_db_step(ss, "results", NULL) == 1) {
			nd_res_step *s = &c->steps[c->nsteps++];

			s->step = nd_db_column_int64(ss, 0);
			s->text = arena_str(&r->causes_arena, text(ss, 1), &oom);
			nd_db_reset(ms);
			nd_db_bind_text(ms, 1, c->cause_id, "results", NULL);
			nd_db_bind_int64(ms, 2, s->step, "results", NULL);
			if ((dberr = load_strings(r, ms, &s->cmds, &s->ncmds, &oom)) != 0)
				break;
		}
		if (oom || dberr)
			break;
		nd_db_reset(os);
		nd_db_bind_text(os, 1, c->cause_id, "results", NULL);
		if ((dberr = load_strings(r, os, &c->sources, &c->nsources, &oom)) != 0 || oom)
			break;
	}
	if (oom)
		nd_error_set(err, "out of memory");
	else if (dberr || step != 0)
		nd_db_fail(r->db, "results", err);
	else
		rc = 0;
out:
	nd_db_finalize(cs);
	nd_db_finalize(ss);
	nd_db_finalize(ms);
	nd_db_finalize(os);
	return rc;
}

/* Puts the selected ids in nd_results_ids, ND_BATCH_ROWS to an INSERT.
 * Returns 0, or -1 with err set. */
static int select_ids(nd_results *r, const nd_print_filter *f, nd_error *err)
{
	static const nd_print_filter all = {0};
	nd_batch b;
	int64_t *ids = NULL;
	size_t n, i;
	int rc = 0;

	memset(&b, 0, sizeof(b));
	if (r->x) { /* every incident of the diagnosis (its caller reads a selection back): not what
		     * the table holds now, which another process may have rewritten since the commit */
		if (!(ids = malloc((r->x->g.n + 1) * sizeof(*ids))))
			return nd_error_set(err, "out of memory");
		for (n = 0; n < r->x->g.n; n++)
			ids[n] = (int64_t)n + 1;
	} else if (nd_select_incidents(r->db, f ? f : &all, &ids, &n, err) != 0) {
		return -1;
	}
	r->selected = n;
	if (nd_db_exec(r->db,
		       "CREATE TEMP TABLE IF NOT EXISTS nd_results_ids(id INTEGER PRIMARY KEY);"
		       "DELETE FROM nd_results_ids;",
		       "results", err) != 0 ||
	    nd_batch_open(&b, r->db, "INSERT INTO nd_results_ids(id)", 1, "", "results", err) != 0)
		rc = -1;
	for (i = 0; rc == 0 && i < n; i++) {
		nd_batch_int(&b, ids[i]);
		rc = nd_batch_row(&b, err);
	}
	if (rc == 0)
		rc = nd_batch_flush(&b, err);
	nd_batch_close(&b);
	if (r->x) {
		r->order = ids;
		r->norder = n;
	} else {
		free(ids);
	}
	return rc;
}

/* Prepares the incidents statement. Returns 0, or -1 with err set. */
static int prepare_incidents(nd_results *r, nd_error *err)
{
	if (nd_db_prepare(r->db, INCIDENTS_SQL, 0, &r->st[S_INCIDENTS], "results", NULL) == 0)
		return 0;
	return nd_db_fail(r->db, "results", err);
}

static int open_reader(nd_results *r, nd_db *db, const nd_print_filter *f, nd_error *err);

/* Reads a code table (SELECT code, symbol, meaning ... ORDER BY code)
 * into *v. Returns 0, or -1 with err set. */
static int load_codes(nd_results *r, const char *query, code_name **v, size_t *n, nd_error *err)
{
	nd_stmt *st = NULL;
	size_t cap = 0;
	int rc = 0, oom = 0;

	if (nd_db_prepare(r->db, query, 0, &st, "results", NULL) != 0)
		return nd_db_fail(r->db, "results", err);
	while (!oom && (rc = nd_db_step(st, "results", NULL)) == 1) {
		code_name *c;

		if (nd_vec_reserve(v, &cap, *n + 1, sizeof(**v)) != 0) {
			oom = 1;
			break;
		}
		c = &(*v)[(*n)++];
		c->code = nd_db_column_int64(st, 0);
		c->symbol = arena_str(&r->causes_arena, text(st, 1), &oom);
		c->meaning = arena_str(&r->causes_arena, text(st, 2), &oom);
	}
	if (!oom && rc != 0)
		nd_db_fail(r->db, "results", err);
	nd_db_finalize(st);
	if (oom)
		return nd_error_set(err, "out of memory");
	return rc == 0 ? 0 : -1;
}

/* Returns 1 if id (of x) is resolved, else 0. */
static int resolved(const nd_diagnosis *x, int64_t id)
{
	return x->g.v[id - 1].resolved_ref != 0;
}

/* Puts r->order (ids ascending, as nd_select_incidents gives them) in
 * walk order: incidents before findings, open before resolved, by id (as
 * the incidents query orders them). Returns 0, or -1 with err set (an id
 * the diagnosis does not have). */
static int order_kept(nd_results *r, nd_error *err)
{
	const nd_diagnosis *x = r->x;
	int64_t *sorted;
	size_t i, n = 0, pass;

	for (i = 0; i < r->norder; i++)
		if (r->order[i] < 1 || (uint64_t)r->order[i] > (uint64_t)x->g.n)
			return nd_error_set(err, "results: incident %lld is not the diagnosis's", (long long)r->order[i]);
	if (!(sorted = malloc((r->norder + 1) * sizeof(*sorted))))
		return nd_error_set(err, "out of memory");
	for (pass = 0; pass < 4; pass++) /* incidents open, resolved; findings open, resolved */
		for (i = 0; i < r->norder; i++)
			if (x->g.v[r->order[i] - 1].finding == (pass >= 2) && resolved(x, r->order[i]) == (int)(pass & 1))
				sorted[n++] = r->order[i];
	free(r->order);
	r->order = sorted;
	return 0;
}

/* qsort: causes by id. */
static int cause_order(const void *a, const void *b)
{
	return strcmp(((const nd_res_cause *)a)->cause_id, ((const nd_res_cause *)b)->cause_id);
}

/* Returns an arena copy of the n pointers v (NULL when n is 0), or NULL
 * with *oom set. */
static const char **pointers(nd_results *r, char *const *v, size_t n, int *oom)
{
	const char **c;
	size_t i;

	if (!n)
		return NULL;
	if (!(c = arena_alloc(&r->causes_arena, n * sizeof(*c)))) {
		*oom = 1;
		return NULL;
	}
	for (i = 0; i < n; i++)
		c[i] = v[i];
	return c;
}

/* Makes the causes of a kept diagnosis from its rules (strings kept by
 * reference): what the writer stores of the enabled ones, as load_causes
 * reads them. Returns 0, or -1 with err set. */
static int causes_of_rules(nd_results *r, nd_error *err)
{
	const nd_rules *rules = r->x->rules;
	size_t i, j, n = 0;
	int oom = 0;

	for (i = 0; i < rules->n; i++)
		n += !rules->v[i]->disabled;
	if (n && !(r->causes = calloc(n, sizeof(*r->causes))))
		return nd_error_set(err, "out of memory");
	for (i = 0; i < rules->n && !oom; i++) {
		const nd_rule *u = rules->v[i];
		nd_res_cause *c;

		if (u->disabled)
			continue;
		c = &r->causes[r->ncauses++];
		c->cause_id = u->id;
		c->kind = u->kind == ND_RULE_FINDING ? "finding" : "incident";
		c->title = u->title;
		c->confidence = u->confidence;
		c->explanation = u->explanation;
		c->rule_file = u->file;
		c->rule_line = (int64_t)u->line;
		c->sources = pointers(r, u->sources, u->nsources, &oom);
		c->nsources = u->nsources;
		if (u->nsteps && !(c->steps = arena_alloc(&r->causes_arena, u->nsteps * sizeof(*c->steps))))
			oom = 1;
		for (j = 0; !oom && j < u->nsteps; j++) {
			c->steps[j].step = (int64_t)j + 1;
			c->steps[j].text = u->steps[j].text;
			c->steps[j].cmds = pointers(r, u->steps[j].commands, u->steps[j].ncommands, &oom);
			c->steps[j].ncmds = u->steps[j].ncommands;
		}
		c->nsteps = u->nsteps;
	}
	if (oom)
		return nd_error_set(err, "out of memory");
	nd_sort(r->causes, r->ncauses, sizeof(*r->causes), cause_order);
	for (i = 0; i < r->ncauses; i++)
		r->causes[i].index = i;
	return 0;
}

int nd_results_open_kept(nd_results **out, nd_db *db, const nd_print_filter *f, const nd_diagnosis *x,
			 nd_error *err)
{
	nd_results *r;
	size_t i;

	*out = NULL;
	if (!(r = calloc(1, sizeof(*r))))
		return nd_error_set(err, "out of memory");
	r->x = x;
	if (nd_row_plan_make(x, &r->plan, err) != 0 || nd_result_rows_open(&r->rows, err) != 0) {
		nd_row_plan_free(r->plan);
		free(r);
		return -1;
	}
	if (open_reader(r, db, f, err) != 0)
		return -1;
	if (!f) { /* every incident and finding, without the selection table */
		if (!(r->order = malloc((x->g.n + 1) * sizeof(*r->order)))) {
			nd_results_close(r);
			return nd_error_set(err, "out of memory");
		}
		for (i = 0; i < x->g.n; i++)
			r->order[i] = (int64_t)i + 1;
		r->norder = r->selected = x->g.n;
	}
	if (order_kept(r, err) != 0) {
		nd_results_close(r);
		return -1;
	}
	*out = r;
	return 0;
}

int nd_results_open(nd_results **out, nd_db *db, const nd_print_filter *f, nd_error *err)
{
	nd_results *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return nd_error_set(err, "out of memory");
	if (open_reader(r, db, f, err) != 0)
		return -1;
	*out = r;
	return 0;
}

/* Opens r (allocated, x set or not) on db: selects the ids, loads the
 * causes and prepares the statements. Returns 0, or -1 with err set (r
 * then closed). */
static int open_reader(nd_results *r, nd_db *db, const nd_print_filter *f, nd_error *err)
{
	int i, reach;

	nd_error_clear(err);
	r->db = db;
	if ((r->x ? f && select_ids(r, f, err) != 0 : select_ids(r, f, err) != 0) ||
	    (r->x ? causes_of_rules(r, err) : load_causes(r, err)) != 0 ||
	    load_codes(r, "SELECT code, symbol, meaning FROM ras_error_codes ORDER BY code", &r->ras, &r->nras, err) ||
	    load_codes(r, "SELECT code, symbol, meaning FROM nps_reason_codes ORDER BY code", &r->nps, &r->nnps, err)) {
		nd_results_close(r);
		return -1;
	}
	if (!r->x && prepare_incidents(r, err) != 0) { /* kept: incidents come from memory */
		nd_results_close(r);
		return -1;
	}
	for (i = 1; i < S_COUNT; i++) {
		if (nd_db_prepare(db, sql[i], 0, &r->st[i], "results", NULL) != 0) {
			nd_db_fail(r->db, "results", err);
			nd_results_close(r);
			return -1;
		}
	}
	/* A run of the PostgreSQL backend reads all its rows at once: one
	 * incident a run there. */
	reach = nd_db_dialect_of(db) == ND_DB_SQLITE;
	r->evidence = (ordered){.st = r->st[S_EVIDENCE_ALL], .reach = reach, .ranged = 1};
	r->facts = (ordered){.st = r->st[S_FACTS], .reach = reach, .ranged = 1};
	r->fields = (ordered){.st = r->st[S_FIELDS]};
	return 0;
}

void nd_results_gate(nd_results *r, int (*fn)(void *ctx, nd_error *err), void *ctx)
{
	r->gate = fn;
	r->gate_ctx = ctx;
}

static void feed_rest(nd_results *r);

/* Passes r's gate before the database is used (once). Returns 0, or -1
 * with err set (the gate's). */
static int pass_gate(nd_results *r, nd_error *err)
{
	int (*fn)(void *, nd_error *) = r->gate;

	feed_rest(r); /* first: the writer may be waiting for the rows */
	r->gate = NULL;
	return fn && fn(r->gate_ctx, err) != 0 ? -1 : 0;
}

int nd_results_feed(nd_results *r, nd_result_feed *feed, nd_error *err)
{
	free(r->fed);
	r->fed = NULL;
	r->feed = NULL;
	r->nfed = 0;
	r->unfed = 1;
	if (feed && !(r->fed = calloc(r->x->g.n + 1, 1))) {
		nd_result_feed_end(feed, 0);
		return nd_error_set(err, "out of memory");
	}
	r->feed = feed;
	return 0;
}

int nd_results_release(nd_results *r, nd_error *err)
{
	return pass_gate(r, err);
}

void nd_results_close(nd_results *r)
{
	int i;

	if (!r)
		return;
	if (r->feed) /* not released: the writer must not commit */
		nd_result_feed_end(r->feed, 0);
	for (i = 0; i < S_COUNT; i++)
		nd_db_finalize(r->st[i]);
	arena_free(&r->arena);
	arena_free(&r->causes_arena);
	free(r->causes);
	free(r->inc.facts);
	free(r->inc.events);
	free(r->inc.attempts);
	free(r->slots);
	free(r->pairs);
	nd_result_rows_close(&r->rows);
	nd_row_plan_free(r->plan);
	free(r->fed);
	free(r->order);
	free(r->ras);
	free(r->nps);
	free(r);
}

size_t nd_results_selected(const nd_results *r)
{
	return r->selected;
}

void nd_results_rewind(nd_results *r, nd_res_which which)
{
	nd_stmt *st = r->st[S_INCIDENTS];

	r->pos = 0;
	r->which = which;
	if (r->x)
		return; /* the statements are not used (and the database may be busy) */
	nd_db_reset(st);
	ordered_stop(&r->evidence);
	ordered_stop(&r->facts);
	ordered_stop(&r->fields);
	if (which == ND_RES_ALL)
		nd_db_bind_null(st, 1, "results", NULL);
	else
		nd_db_bind_int64(st, 1, which == ND_RES_FINDINGS, "results", NULL);
}

/* Returns column col of row row of b as text, or NULL. */
static const char *row_text(const nd_batch *b, size_t row, size_t col)
{
	const char *v = NULL;
	int64_t i;

	return nd_batch_get(b, row, col, &i, &v) == 2 ? v : NULL;
}

/* Returns column col of row of b as an integer (0 when NULL), *has set
 * when not NULL (has may be NULL). */
static int64_t row_int(const nd_batch *b, size_t row, size_t col, int *has)
{
	const char *v;
	int64_t i = 0;
	int kind = nd_batch_get(b, row, col, &i, &v);

	if (has)
		*has = kind == 1;
	return kind == 1 ? i : 0;
}

/* Compares codes (bsearch). */
static int by_code(const void *key, const void *c)
{
	int64_t a = *(const int64_t *)key, b = ((const code_name *)c)->code;

	return a < b ? -1 : a > b;
}

/* An incident's row in the incidents table's column order: the
 * statement's current row (st), or row row of a kept incident's rows (b,
 * from nd_diagnosis_rows). */
typedef struct inc_row {
	nd_stmt *st;
	const nd_batch *b;
	size_t row;
} inc_row;

/* Returns column c of w as text, or NULL. */
static const char *inc_text(const inc_row *w, int c)
{
	return w->st ? text(w->st, c) : row_text(w->b, w->row, (size_t)c);
}

/* Returns column c of w as an integer (0 when NULL), *has set when not
 * NULL (has may be NULL). */
static int64_t inc_int(const inc_row *w, int c, int *has)
{
	int h;

	if (!w->st)
		return row_int(w->b, w->row, (size_t)c, has);
	h = !nd_db_column_null(w->st, c);
	if (has)
		*has = h;
	return h ? nd_db_column_int64(w->st, c) : 0;
}

/* Sets a code from column c of w and its names from the code table v.
 * Returns nothing. */
static void inc_code(const inc_row *w, int c, const code_name *v, size_t n, nd_res_code *out)
{
	const code_name *k;

	out->code = inc_int(w, c, &out->has);
	k = out->has && n ? bsearch(&out->code, v, n, sizeof(*v), by_code) : NULL;
	out->symbol = k ? k->symbol : NULL;
	out->meaning = k ? k->meaning : NULL;
	out->index = k ? (size_t)(k - v) + 1 : 0;
}

/* Sets r's view of an incident from its row w. Returns 1 (*out set), or
 * -1 with err set. */
static int view_incident(nd_results *r, const inc_row *w, const nd_res_incident **out, nd_error *err)
{
	nd_res_incident *i = &r->inc;

	i->id = inc_int(w, 0, NULL);
	i->kind = inc_text(w, 1);
	i->finding = i->kind && strcmp(i->kind, "finding") == 0;
	if (!(i->cause = find_cause(r, inc_text(w, 2))))
		return nd_error_set(err, "database: incident %lld has an unknown cause", (long long)i->id);
	i->confidence = inc_text(w, 3);
	i->match = inc_text(w, 4);
	i->identity = inc_text(w, 5);
	i->user = inc_text(w, 6);
	i->client = inc_text(w, 7);
	i->vpn = inc_text(w, 8);
	i->nps = inc_text(w, 9);
	inc_code(w, 10, r->ras, r->nras, &i->client_error);
	i->nps_event_id = inc_int(w, 11, &i->has_nps_event_id);
	inc_code(w, 12, r->nps, r->nnps, &i->nps_reason);
	i->count = inc_int(w, 13, NULL);
	i->paired = inc_int(w, 14, NULL);
	i->first_ts = inc_int(w, 15, NULL);
	i->last_ts = inc_int(w, 16, NULL);
	i->first = inc_text(w, 17);
	i->last = inc_text(w, 18);
	i->status = inc_text(w, 19);
	i->resolved = inc_text(w, 21);
	i->key = inc_text(w, 22);
	*out = i;
	return 1;
}

/* Ends r's feed, complete when every incident is in it. Returns
 * nothing. */
static void feed_end(nd_results *r)
{
	nd_result_feed_end(r->feed, r->nfed == r->x->g.n);
	r->feed = NULL;
}

/* Builds the rows of incident id of r->x into to, after the rows there,
 * as r's view. Returns 0, or -1 with err set. */
static int build_into(nd_results *r, size_t id, nd_result_rows *to, nd_error *err)
{
	view_rows *v = &r->view;

	v->rows = to;
	v->inc = nd_batch_rows(&to->incidents);
	v->ev = nd_batch_rows(&to->events);
	v->fact = nd_batch_rows(&to->facts);
	if (nd_diagnosis_rows(r->x, r->plan, id - 1, to, err) != 0)
		return -1;
	v->nev = nd_batch_rows(&to->events) - v->ev;
	v->nfact = nd_batch_rows(&to->facts) - v->fact;
	return 0;
}

/* Builds the rows of incident id into r's feed (build_into). Returns 0,
 * 1 when the writer gave up (the feed then ended: its error is told), or
 * -1 with err set (the feed then ended incomplete). */
static int feed_build(nd_results *r, size_t id, nd_error *err)
{
	nd_result_rows *to = nd_result_feed_rows(r->feed);

	if (!to || build_into(r, id, to, err) != 0) {
		feed_end(r);
		return to ? -1 : 1;
	}
	nd_result_feed_added(r->feed, id);
	r->fed[id] = 1;
	r->nfed++;
	return 0;
}

/* Puts the incidents below id that are not in r's feed yet into it, so
 * that its writer inserts in id order, as the tables keep them (an insert
 * out of order costs SQLite more than building the rows again; the walk
 * prints the open incidents first): built (with build set, while the
 * writer is behind), else named to it for the writer to build. Returns 0
 * (the feed ended when the writer gave up), or -1 with err set (the feed
 * then ended incomplete). */
static int feed_upto(nd_results *r, size_t id, int build, nd_error *err)
{
	size_t first;

	while (r->feed && r->unfed < id) {
		if (r->fed[r->unfed]) {
			r->unfed++;
			continue;
		}
		if (build && nd_result_feed_behind(r->feed)) {
			if (feed_build(r, r->unfed, err) < 0)
				return -1;
			r->unfed++;
			continue;
		}
		for (first = r->unfed; r->unfed < id && !r->fed[r->unfed]; r->unfed++) {
			r->fed[r->unfed] = 1;
			r->nfed++;
		}
		if (nd_result_feed_skip(r->feed, first, r->unfed - 1) != 0) { /* the writer gave up */
			nd_result_feed_end(r->feed, 0);
			r->feed = NULL;
		}
	}
	return 0;
}

/* Names the incidents not in r's feed yet to it (none built: the
 * current view may be in the feed's chunk) and ends it. Returns
 * nothing. */
static void feed_rest(nd_results *r)
{
	nd_error ignored; /* not building, feed_upto does not fail */

	if (r->feed)
		feed_upto(r, r->x->g.n + 1, 0, &ignored);
	if (r->feed)
		feed_end(r);
}

/* Builds the rows of incident id of r->x for its view: into the chunk of
 * r's feed, after the incidents below it that the walk has not reached,
 * when it is not in the feed yet; else into r->rows. Returns 0, or -1
 * with err set (the feed then ended incomplete). */
static int build_view(nd_results *r, size_t id, nd_error *err)
{
	int rc;

	if (r->feed && !r->fed[id]) {
		if (feed_upto(r, id, 1, err) != 0)
			return -1;
		if (r->feed && (rc = feed_build(r, id, err)) <= 0) {
			if (rc == 0 && r->nfed == r->x->g.n)
				feed_end(r); /* every incident is in: the writer goes on to its commit */
			return rc;
		}
	}
	nd_batch_forget(&r->rows.incidents);
	nd_batch_forget(&r->rows.events);
	nd_batch_forget(&r->rows.facts);
	return build_into(r, id, &r->rows, err);
}

/* nd_results_next on a kept diagnosis: the next id of the walk, its view
 * from the rows it is stored as. Returns as nd_results_next. */
static int next_kept(nd_results *r, const nd_res_incident **out, nd_error *err)
{
	inc_row w;
	int64_t id = 0;

	while (r->pos < r->norder) {
		id = r->order[r->pos++];
		if (r->which == ND_RES_ALL || (r->which == ND_RES_FINDINGS) == r->x->g.v[id - 1].finding)
			break;
		id = 0;
	}
	if (!id)
		return 0;
	if (build_view(r, (size_t)id, err) != 0)
		return -1;
	w = (inc_row){.b = &r->view.rows->incidents, .row = r->view.inc};
	return view_incident(r, &w, out, err);
}

int nd_results_next(nd_results *r, const nd_res_incident **out, nd_error *err)
{
	inc_row w = {.st = r->st[S_INCIDENTS]};
	nd_res_incident *i = &r->inc;
	int rc;

	arena_reset(&r->arena);
	i->nfacts = i->nevents = i->events_total = i->nattempts = 0;
	i->loaded = 0;
	if (r->x)
		return next_kept(r, out, err);
	rc = nd_db_step(w.st, "results", NULL);
	if (rc == 0) {
		ordered_stop(&r->evidence);
		ordered_stop(&r->facts);
		return 0;
	}
	if (rc != 1)
		return nd_db_fail(r->db, "results", err);
	return view_incident(r, &w, out, err);
}

/* Puts the name and value name and value (NULL: "") after the count
 * pairs in r->pairs, copied into the arena. Returns 0, or -1 when out of
 * memory. */
static int pair_put(nd_results *r, size_t count, const char *name, const char *value)
{
	int oom = nd_vec_reserve(&r->pairs, &r->cap_pairs, 2 * count + 2, sizeof(*r->pairs)) != 0;

	if (!oom) {
		r->pairs[2 * count] = arena_str(&r->arena, name ? name : "", &oom);
		r->pairs[2 * count + 1] = arena_str(&r->arena, value ? value : "", &oom);
	}
	return oom ? -1 : 0;
}

/* Gives the count pairs in r->pairs as arena arrays. Returns 0, or -1
 * with err set when out of memory. */
static int pairs_out(nd_results *r, size_t count, const char ***names, const char ***values, size_t *n, nd_error *err)
{
	size_t k;

	if (!count)
		return 0;
	if (!(*names = arena_alloc(&r->arena, count * sizeof(**names))) ||
	    !(*values = arena_alloc(&r->arena, count * sizeof(**values))))
		return nd_error_set(err, "out of memory");
	for (k = 0; k < count; k++) {
		(*names)[k] = r->pairs[2 * k];
		(*values)[k] = r->pairs[2 * k + 1];
	}
	*n = count;
	return 0;
}

/* Reads the name/value rows (columns 1 and 2) of id from c into arena
 * arrays, in one pass (through r->pairs). Returns 0, or -1 with err set
 * when out of memory or on a database error (*n holds what was read). */
static int name_values(nd_results *r, ordered *c, int64_t id, const char ***names, const char ***values, size_t *n,
		       nd_error *err)
{
	size_t count = 0;
	int rc;

	*n = 0;
	*names = *values = NULL;
	for (rc = ordered_seek(c, id); rc == 1; rc = ordered_next(c, id))
		if (pair_put(r, count++, text(c->st, 1), text(c->st, 2)) != 0)
			return nd_error_set(err, "out of memory");
	if (rc < 0)
		return nd_db_fail(r->db, "results", err);
	return pairs_out(r, count, names, values, n, err);
}

/* Reads the facts of stored incident id (its facts column, from r->facts)
 * into arena arrays; a column that is no facts array (written by hand; a
 * NUL inside it too, which cuts the text read) becomes one fact that
 * shows it whole, up to a NUL, not a failed report. Returns 0, or -1 with
 * err set when out of memory or on a database error. */
static int stored_facts(nd_results *r, int64_t id, const char ***names, const char ***values, size_t *n,
			nd_error *err)
{
	nd_buf name = {0}, value = {0};
	const char *p, *column;
	size_t count = 0;
	int rc = ordered_seek(&r->facts, id);

	*n = 0;
	*names = *values = NULL;
	if (rc != 1)
		return rc < 0 ? nd_db_fail(r->db, "results", err) : 0;
	rc = 0;
	column = text(r->facts.st, 1);
	for (p = column; p && (rc = nd_incidents_fact_next(&p, &name, &value)) == 1; count++)
		if (pair_put(r, count, name.data, value.data) != 0)
			break;
	nd_buf_free(&name);
	nd_buf_free(&value);
	if (rc == 0 && nd_db_column_cut(r->facts.st, 1))
		rc = -1; /* a NUL inside: what follows it was not read */
	if (rc < 0) {
		count = 1;
		rc = pair_put(r, 0, "facts (not a JSON array of [name, value])", column);
	}
	if (rc != 0)
		return nd_error_set(err, "out of memory");
	return pairs_out(r, count, names, values, n, err);
}

/* Builds the attempts from the evidence: per attempt number its first
 * client failure and first NPS decision. Returns 0, or -1 when out of
 * memory. */
static int build_attempts(nd_results *r)
{
	nd_res_incident *inc = &r->inc;
	int64_t max = 0;
	size_t k;

	for (k = 0; k < inc->nevents; k++)
		if (inc->events[k].has_attempt && inc->events[k].attempt > max)
			max = inc->events[k].attempt;
	if (max <= 0 || (uint64_t)max > (uint64_t)inc->nevents + (uint64_t)inc->count + 1)
		max = 0; /* numbers from 1 to count; anything else is not an attempt list */
	if (nd_vec_reserve(&r->slots, &r->cap_slots, (size_t)max + 1, sizeof(*r->slots)) != 0)
		return -1;
	memset(r->slots, 0, ((size_t)max + 1) * sizeof(*r->slots));
	for (k = 0; k < inc->nevents && max; k++) {
		const nd_res_event *e = &inc->events[k];
		nd_res_attempt *a;

		if (!e->has_attempt || e->attempt < 1 || e->attempt > max)
			continue;
		a = &r->slots[e->attempt];
		if (strcmp(e->role, "client-failure") == 0 && (!a->client || e->ref < a->client->ref))
			a->client = e;
		else if (strcmp(e->role, "nps-decision") == 0 && (!a->nps || e->ref < a->nps->ref))
			a->nps = e;
	}
	for (k = 1; k <= (size_t)max; k++) {
		if (!r->slots[k].client && !r->slots[k].nps)
			continue;
		if (nd_vec_reserve(&inc->attempts, &r->cap_attempts, inc->nattempts + 1, sizeof(*inc->attempts)) != 0)
			return -1;
		r->slots[k].attempt = (int64_t)k;
		inc->attempts[inc->nattempts++] = r->slots[k];
	}
	return 0;
}

/* Orders evidence events as the evidence query does: by time, event,
 * role. */
static int by_time(const void *a, const void *b)
{
	const nd_res_event *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->ref != y->ref)
		return x->ref < y->ref ? -1 : 1;
	return strcmp(x->role, y->role);
}

/* Sorts the n events v with cmp: by insertion when they are few (an
 * incident's evidence is most often two or three events, which qsort
 * costs several times more), else with nd_sort. Returns nothing. */
static void sort_events(nd_res_event *v, size_t n, int (*cmp)(const void *, const void *))
{
	size_t i, k;

	if (n > 8) {
		nd_sort(v, n, sizeof(*v), cmp);
		return;
	}
	for (i = 1; i < n; i++) {
		nd_res_event e = v[i];

		for (k = i; k > 0 && cmp(&v[k - 1], &e) > 0; k--)
			v[k] = v[k - 1];
		v[k] = e;
	}
}

/* Sets e's event_id, provider, computer, time, ts and CoId from the
 * columns of st from first on (in that order), strings copied into the
 * arena; *oom set when out of memory. Returns nothing. */
static void event_columns(nd_results *r, nd_stmt *st, int first, nd_res_event *e, int *oom)
{
	e->event_id = nd_db_column_int64(st, first);
	e->provider = arena_str(&r->arena, text(st, first + 1), oom);
	e->computer = arena_str(&r->arena, text(st, first + 2), oom);
	e->time = arena_str(&r->arena, text(st, first + 3), oom);
	e->ts = nd_db_column_int64(st, first + 4);
	e->coid = arena_str(&r->arena, text(st, first + 5), oom);
}

/* Adds the evidence event on the row of st (the columns of EVIDENCE_COLUMNS
 * from 1) to the current incident. Returns 0, or -1 when out of memory. */
static int evidence_row(nd_results *r, nd_stmt *st)
{
	nd_res_incident *inc = &r->inc;
	nd_res_event *e;
	int oom = 0;

	if (nd_vec_reserve(&inc->events, &r->cap_events, inc->nevents + 1, sizeof(*inc->events)) != 0)
		return -1;
	e = &inc->events[inc->nevents++];
	memset(e, 0, sizeof(*e));
	e->ref = nd_db_column_int64(st, 1);
	e->role = arena_str(&r->arena, text(st, 2) ? text(st, 2) : "", &oom);
	e->has_attempt = !nd_db_column_null(st, 3);
	e->attempt = e->has_attempt ? nd_db_column_int64(st, 3) : 0;
	e->has_delta = !nd_db_column_null(st, 4);
	e->delta_ticks = e->has_delta ? nd_db_column_int64(st, 4) : 0;
	event_columns(r, st, 5, e, &oom);
	return oom ? -1 : 0;
}

/* Reads the evidence of the current incident: all of it, or the first
 * max_events in time order with the total counted apart. Returns 0, or -1
 * with err set. */
static int load_evidence(nd_results *r, size_t max_events, nd_error *err)
{
	nd_res_incident *inc = &r->inc;
	nd_stmt *ev = r->st[S_EVIDENCE], *tot = r->st[S_TOTAL];
	int rc, oom = 0;

	if (!max_events) {
		for (rc = ordered_seek(&r->evidence, inc->id); rc == 1 && !oom; rc = ordered_next(&r->evidence, inc->id))
			oom = evidence_row(r, r->evidence.st) != 0;
		if (oom)
			return nd_error_set(err, "out of memory");
		if (rc < 0)
			return nd_db_fail(r->db, "results", err);
		sort_events(inc->events, inc->nevents, by_time);
		inc->events_total = inc->nevents;
		return 0;
	}
	nd_db_reset(ev);
	nd_db_bind_int64(ev, 1, inc->id, "results", NULL);
	nd_db_bind_int64(ev, 2, (int64_t)max_events, "results", NULL);
	while (!oom && (rc = nd_db_step(ev, "results", NULL)) == 1)
		oom = evidence_row(r, ev) != 0;
	nd_db_reset(ev);
	if (oom)
		return nd_error_set(err, "out of memory");
	if (rc != 0)
		return nd_db_fail(r->db, "results", err);
	inc->events_total = inc->nevents;
	if (inc->nevents < max_events)
		return 0;
	/* Limited: the total is counted apart (a window over the rows made the
	 * evidence query build a table per incident). */
	nd_db_bind_int64(tot, 1, inc->id, "results", NULL);
	rc = nd_db_step(tot, "results", NULL);
	inc->events_total = (size_t)nd_db_column_int64(tot, 0);
	nd_db_reset(tot);
	return rc == 1 ? 0 : nd_db_fail(r->db, "results", err);
}

/* Fills e (role and attempt set) from the loaded event ref of r->x.
 * Returns 1 when it has everything the evidence query reads of it (a
 * client failure's CoId among them), else 0; -1 when out of memory (*oom
 * set). */
static int event_kept(nd_results *r, int64_t ref, nd_res_event *e, int *oom)
{
	const nd_analysis_data *d = &r->x->d;
	const nd_event *ev = nd_analysis_event(d, ref);
	const nd_client_failure *c = NULL;
	const char *t;
	char *time, *coid = NULL;

	if (!ev || ev->host >= d->nhosts)
		return 0;
	if (ev->family != ND_STR_NONE && strcmp(d->strings.v[ev->family], "rasclient") == 0) {
		size_t lo = 0, hi = d->nclients; /* clients by time, then ref */

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (d->clients[mid].ts < ev->ts || (d->clients[mid].ts == ev->ts && d->clients[mid].ref < ref))
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == d->nclients || d->clients[lo].ref != ref || !nd_analysis_has_coid(c = &d->clients[lo]))
			return 0; /* another RasClient event, or no CoId loaded ("" is not kept) */
	}
	if (!(t = nd_analysis_time(d, ref)) && (ev->ts < 0 || ev->ts > ND_SCHEMA_TIME_MAX))
		return 0;
	if (!t) {
		if (!(time = arena_alloc(&r->arena, ND_TIME_ISO_SIZE))) {
			*oom = 1;
			return -1;
		}
		t = nd_time_format(ev->ts, time);
	}
	e->event_id = ev->id;
	e->provider = nd_analysis_s(d, ev->provider);
	e->computer = d->hosts[ev->host];
	e->time = t;
	e->ts = ev->ts;
	e->coid = NULL;
	if (c && c->coid_guid && !(coid = arena_alloc(&r->arena, ND_COID_TEXT))) {
		*oom = 1;
		return -1;
	}
	if (c)
		e->coid = nd_analysis_coid(c, coid); /* a GUID's text is made in the view's arena, another is x's */
	return 1;
}

/* Fills e (role and attempt set) from the events table. Returns 1, 0 when
 * the event is not stored, or -1 on a database error or when out of
 * memory (*oom set). */
static int event_stored(nd_results *r, int64_t ref, nd_res_event *e, int *oom)
{
	nd_stmt *st = r->st[S_EVENT];
	int rc;

	nd_db_reset(st);
	if (nd_db_bind_int64(st, 1, ref, "results", NULL) != 0 || (rc = nd_db_step(st, "results", NULL)) < 0)
		return -1;
	if (rc == 1)
		event_columns(r, st, 0, e, oom);
	nd_db_reset(st);
	return *oom ? -1 : rc;
}

/* Orders evidence events as by_time, then in the order they were linked
 * (held in nfields until the duplicates are dropped). */
static int by_time_linked(const void *a, const void *b)
{
	const nd_res_event *x = a, *y = b;
	int c = by_time(a, b);

	return c ? c : x->nfields < y->nfields ? -1 : x->nfields > y->nfields;
}

/* load_evidence on a kept diagnosis: the evidence rows of the view, each
 * (event, role) once as the table keeps it (the first linked), with the
 * loaded events (else read from the store). Returns 0, or -1 with err
 * set. */
static int load_evidence_kept(nd_results *r, size_t max_events, nd_error *err)
{
	const nd_batch *b = &r->view.rows->events;
	nd_res_incident *inc = &r->inc;
	size_t k, n = r->view.ev + r->view.nev, out = 0;
	int oom = 0;

	for (k = r->view.ev; k < n; k++) {
		nd_res_event *e;
		int rc;

		if (nd_vec_reserve(&inc->events, &r->cap_events, inc->nevents + 1, sizeof(*inc->events)) != 0)
			return nd_error_set(err, "out of memory");
		e = &inc->events[inc->nevents];
		memset(e, 0, sizeof(*e));
		e->ref = row_int(b, k, 1, NULL);
		e->role = row_text(b, k, 2);
		e->attempt = row_int(b, k, 3, &e->has_attempt);
		e->delta_ticks = row_int(b, k, 4, &e->has_delta);
		e->nfields = k;
		if ((rc = event_kept(r, e->ref, e, &oom)) == 0 && pass_gate(r, err) != 0)
			return -1;
		if (rc == 0)
			rc = event_stored(r, e->ref, e, &oom);
		if (rc < 0)
			return oom ? nd_error_set(err, "out of memory") : nd_db_fail(r->db, "results", err);
		inc->nevents += rc == 1;
	}
	sort_events(inc->events, inc->nevents, by_time_linked);
	for (k = 0; k < inc->nevents; k++) {
		const nd_res_event *e = &inc->events[k];

		if (out && e->ref == inc->events[out - 1].ref && strcmp(e->role, inc->events[out - 1].role) == 0)
			continue; /* linked again: the table keeps the first */
		inc->events[out] = *e;
		inc->events[out++].nfields = 0;
	}
	inc->nevents = inc->events_total = out;
	if (max_events && inc->nevents > max_events)
		inc->nevents = max_events;
	return 0;
}

/* The facts of a kept diagnosis's view, from its rows. Returns 0, or -1
 * when out of memory. */
static int load_facts_kept(nd_results *r)
{
	const nd_batch *b = &r->view.rows->facts;
	nd_res_incident *inc = &r->inc;
	size_t k, n = r->view.nfact;

	if (n && nd_vec_reserve(&inc->facts, &r->cap_facts, n, sizeof(*inc->facts)) != 0)
		return -1;
	for (k = 0; k < n; k++) {
		inc->facts[k].name = row_text(b, r->view.fact + k, 0);
		inc->facts[k].value = row_text(b, r->view.fact + k, 1);
	}
	inc->nfacts = n;
	return 0;
}

int nd_results_load(nd_results *r, size_t max_events, int fields, nd_error *err)
{
	nd_res_incident *inc = &r->inc;
	const char **names = NULL, **values = NULL;
	int oom = 0;
	size_t k;

	if (inc->loaded)
		return 0;
	if (r->x ? load_evidence_kept(r, max_events, err) : load_evidence(r, max_events, err))
		return -1;
	if (fields && inc->nevents && pass_gate(r, err) != 0)
		return -1;
	for (k = 0; fields && k < inc->nevents && k < ND_RES_FIELDS_MAX; k++) {
		nd_res_event *e = &inc->events[k];

		if (name_values(r, &r->fields, e->ref, &names, &values, &e->nfields, err) != 0)
			return -1;
		e->names = names;
		e->values = values;
	}
	if (r->x) {
		oom = load_facts_kept(r) != 0;
	} else {
		if (stored_facts(r, inc->id, &names, &values, &k, err) != 0)
			return -1;
		if (k && nd_vec_reserve(&inc->facts, &r->cap_facts, k, sizeof(*inc->facts)) != 0)
			oom = 1;
		for (inc->nfacts = 0; !oom && inc->nfacts < k; inc->nfacts++) {
			inc->facts[inc->nfacts].name = names[inc->nfacts];
			inc->facts[inc->nfacts].value = values[inc->nfacts];
		}
	}
	if (oom || (inc->nevents == inc->events_total && build_attempts(r) != 0))
		return nd_error_set(err, "out of memory");
	inc->loaded = 1;
	return 0;
}

int nd_results_scope(nd_results *r, nd_res_scope *sc, nd_error *err)
{
	nd_stmt *st = NULL;
	int i;

	if (nd_db_prepare(
		r->db,
		"SELECT (SELECT count(*) FROM sources), count(*), count(DISTINCT computer),"
		" (SELECT time_created FROM events ORDER BY ts LIMIT 1),"
		" (SELECT time_created FROM events ORDER BY ts DESC LIMIT 1),"
		" (SELECT count(*) FROM incidents JOIN nd_results_ids USING(id) WHERE kind = 'incident'),"
		" (SELECT count(*) FROM incidents JOIN nd_results_ids USING(id) WHERE kind = 'finding'),"
		" (SELECT coalesce(sum(count), 0) FROM incidents JOIN nd_results_ids USING(id)"
		"  WHERE kind = 'incident'),"
		" (SELECT value FROM diagnose_meta WHERE key = 'window_s'),"
		" (SELECT value FROM diagnose_meta WHERE key = 'skew_s'),"
		" (SELECT value FROM diagnose_meta WHERE key = 'gap_s') FROM events",
		0, &st, "results", NULL) != 0 ||
	    nd_db_step(st, "results", NULL) != 1) {
		nd_db_fail(r->db, "results", err);
		nd_db_finalize(st);
		return -1;
	}
	sc->files = nd_db_column_int64(st, 0);
	sc->events = nd_db_column_int64(st, 1);
	sc->hosts = nd_db_column_int64(st, 2);
	sc->incidents = nd_db_column_int64(st, 5);
	sc->findings = nd_db_column_int64(st, 6);
	sc->attempts = nd_db_column_int64(st, 7);
	snprintf(sc->first, sizeof(sc->first), "%s", text(st, 3) ? text(st, 3) : "-");
	snprintf(sc->last, sizeof(sc->last), "%s", text(st, 4) ? text(st, 4) : "-");
	for (i = 0; i < 3; i++) {
		char *v = i == 0 ? sc->window_s : i == 1 ? sc->skew_s : sc->gap_s;

		snprintf(v, sizeof(sc->window_s), "%s", text(st, 8 + i) ? text(st, 8 + i) : "?");
	}
	nd_db_finalize(st);
	return 0;
}

/* Reads the first ND_RES_SUMMARY_IDS incidents of s's cause (open ones
 * first) with ids, the prepared statement. Returns 0, or -1 on a database
 * error. */
static int summary_ids(nd_stmt *ids, nd_res_summary *s)
{
	int rc;

	nd_db_reset(ids);
	if (nd_db_bind_text(ids, 1, s->cause->cause_id, "results", NULL) != 0)
		return -1;
	while (s->nids < ND_RES_SUMMARY_IDS && (rc = nd_db_step(ids, "results", NULL)) == 1)
		s->ids[s->nids++] = nd_db_column_int64(ids, 0);
	return s->nids == ND_RES_SUMMARY_IDS || rc == 0 ? 0 : -1;
}

int nd_results_summary(nd_results *r, int (*fn)(void *ctx, const nd_res_summary *s), void *ctx, nd_error *err)
{
	nd_stmt *st = NULL, *ids = NULL;
	int rc = -1;

	if (nd_db_prepare(r->db,
			  "SELECT i.cause_id, min(i.first_time), max(i.last_time), count(*),"
			  " count(DISTINCT coalesce(i.identity, i.nps_server)), sum(i.count),"
			  " count(DISTINCT coalesce(i.client, i.nps_server)),"
			  " sum(CASE WHEN i.kind = 'incident' AND i.status <> 'resolved' THEN 1 ELSE 0 END)"
			  " FROM incidents i JOIN nd_results_ids USING(id)"
			  " GROUP BY i.cause_id, i.kind ORDER BY i.kind DESC, sum(i.count) DESC, i.cause_id",
			  0, &st, "results", NULL) != 0 ||
	    nd_db_prepare(r->db,
			  "SELECT j.id FROM incidents j JOIN nd_results_ids USING(id) WHERE j.cause_id = ?1"
			  " ORDER BY j.status = 'resolved', j.id LIMIT " ND_STR(ND_RES_SUMMARY_IDS),
			  0, &ids, "results", NULL) != 0) {
		nd_db_finalize(st);
		return nd_db_fail(r->db, "results", err);
	}
	while ((rc = nd_db_step(st, "results", NULL)) == 1) {
		nd_res_summary s = {find_cause(r, text(st, 0)),
				    text(st, 1),
				    text(st, 2),
				    nd_db_column_int64(st, 3),
				    nd_db_column_int64(st, 4),
				    nd_db_column_int64(st, 5),
				    nd_db_column_int64(st, 6),
				    nd_db_column_int64(st, 7),
				    {0},
				    0};

		if (!s.cause) {
			nd_error_set(err, "database: an incident has an unknown cause");
			break;
		}
		if (summary_ids(ids, &s) != 0) {
			rc = -1;
			break;
		}
		if (fn(ctx, &s) != 0)
			break;
	}
	if (rc != 0 && rc != 1)
		nd_db_fail(r->db, "results", err);
	nd_db_finalize(ids);
	nd_db_finalize(st);
	return rc == 0 ? 0 : -1;
}

int nd_results_axis(nd_results *r, nd_axis *a, nd_error *err)
{
	nd_stmt *st = NULL;
	int rc;

	nd_axis_init(a);
	if (nd_db_prepare(r->db,
			  "SELECT DISTINCT e.ts FROM incident_events ie"
			  " JOIN nd_results_ids s ON s.id = ie.incident_id"
			  " JOIN events e ON e.id = ie.event_ref ORDER BY e.ts",
			  0, &st, "results", NULL) != 0)
		return nd_db_fail(r->db, "results", err);
	while ((rc = nd_db_step(st, "results", NULL)) == 1)
		nd_axis_add(a, nd_db_column_int64(st, 0));
	if (rc != 0)
		nd_db_fail(r->db, "results", err);
	nd_db_finalize(st);
	nd_axis_finish(a);
	return rc == 0 ? 0 : -1;
}

int nd_results_timeline(nd_results *r, const nd_axis *a, int (*fn)(void *ctx, const nd_res_lane *l), void *ctx,
			nd_error *err)
{
	/* Every evidence event of the selection, by host then time. */
	nd_stmt *st = NULL;
	nd_res_lane *lane = calloc(1, sizeof(*lane));
	char host[256] = "";
	int have = 0, rc = -1, stopped = 0;

	if (!lane)
		return nd_error_set(err, "out of memory");
	if (nd_db_prepare(r->db,
			  "SELECT e.computer, e.ts, ie.role, e.event_id"
			  " FROM incident_events ie JOIN nd_results_ids s ON s.id = ie.incident_id"
			  " JOIN events e ON e.id = ie.event_ref ORDER BY e.computer, e.ts",
			  0, &st, "results", NULL) != 0) {
		free(lane);
		return nd_db_fail(r->db, "results", err);
	}
	while ((rc = nd_db_step(st, "results", NULL)) == 1) {
		const char *h = text(st, 0) ? text(st, 0) : "-", *role = text(st, 2) ? text(st, 2) : "";
		int64_t id = nd_db_column_int64(st, 3);
		double x = nd_axis_x(a, nd_db_column_int64(st, 1));
		int bin = (int)(x * (ND_RES_TIMELINE_BINS - 1) + 0.5);

		if (!have || strcmp(h, host) != 0) {
			if (have && fn(ctx, lane) != 0) {
				stopped = 1;
				break;
			}
			memset(lane, 0, sizeof(*lane));
			snprintf(host, sizeof(host), "%s", h);
			lane->host = host;
			have = 1;
		}
		bin = bin < 0 ? 0 : bin >= ND_RES_TIMELINE_BINS ? ND_RES_TIMELINE_BINS - 1 : bin;
		if (strcmp(role, "client-failure") == 0 || (strcmp(role, "nps-decision") == 0 && id != 6272))
			lane->failures[bin]++;
		else if (strcmp(role, "resolution") == 0 || id == 6272)
			lane->grants[bin]++;
		else
			lane->other[bin]++;
	}
	if (rc == 0 && have && fn(ctx, lane) != 0)
		stopped = 1;
	free(lane);
	if (!stopped && rc != 0)
		nd_db_fail(r->db, "results", err);
	nd_db_finalize(st);
	return !stopped && rc == 0 ? 0 : -1;
}
