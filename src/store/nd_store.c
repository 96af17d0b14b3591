#include "nd_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nd_buf.h"
#include "nd_schema.h"
#include "nd_time.h"

#define MAX_FAMILIES 16

struct nd_store {
	sqlite3 *db;
	int in_tx;
	sqlite3_stmt *ins_event;
	sqlite3_stmt *ins_field;
	sqlite3_stmt *ins_typed[MAX_FAMILIES];
	sqlite3_stmt *get_chunk;
	sqlite3_stmt *put_chunk;
};

/* Fills err with SQLite's message for what failed. Returns -1. */
static int db_error(nd_store *s, nd_error *err, const char *what)
{
	return nd_error_set(err, "database: %s: %s", what, sqlite3_errmsg(s->db));
}

/* Runs SQL without results. Returns 0, or -1 with err set. */
static int exec(nd_store *s, const char *sql, nd_error *err)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		nd_error_set(err, "database: %s", msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Prepares a statement kept for the life of the store. Returns 0, or -1
 * with err set. */
static int prepare(nd_store *s, const char *sql, sqlite3_stmt **st, nd_error *err)
{
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
		return db_error(s, err, "prepare");
	return 0;
}

/* Prepares the INSERT of each family's typed table. Returns 0, or -1 with
 * err set. */
static int prepare_typed(nd_store *s, nd_error *err)
{
	const nd_family *const *f;
	size_t n = 0, i;

	for (f = nd_families(); *f; f++, n++) {
		nd_buf sql = {0};
		int rc = 0;

		if (n >= MAX_FAMILIES)
			return nd_error_set(err, "too many event families");
		if (!(*f)->table)
			continue;
		rc |= nd_buf_append(&sql, "INSERT INTO ", 12);
		rc |= nd_buf_append(&sql, (*f)->table, strlen((*f)->table));
		rc |= nd_buf_append(&sql, "(event_ref", 10);
		for (i = 0; i < (*f)->ncolumns; i++) {
			rc |= nd_buf_append(&sql, ",", 1);
			rc |= nd_buf_append(&sql, (*f)->columns[i].name, strlen((*f)->columns[i].name));
		}
		rc |= nd_buf_append(&sql, ") VALUES(?", 10);
		for (i = 0; i < (*f)->ncolumns; i++)
			rc |= nd_buf_append(&sql, ",?", 2);
		rc |= nd_buf_append(&sql, ")", 1);
		if (rc) {
			nd_buf_free(&sql);
			return nd_error_set(err, "out of memory");
		}
		rc = prepare(s, sql.data, &s->ins_typed[n], err);
		nd_buf_free(&sql);
		if (rc)
			return -1;
	}
	return 0;
}

int nd_store_open(nd_store **out, const char *path, nd_error *err)
{
	nd_store *s = calloc(1, sizeof(*s));
	nd_buf schema = {0};
	char sql[128];

	*out = NULL;
	if (!s)
		return nd_error_set(err, "out of memory");
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		nd_error_set(err, "%s: cannot open database: %s", path,
			     s->db ? sqlite3_errmsg(s->db) : "out of memory");
		nd_store_close(s);
		return -1;
	}
	sqlite3_busy_timeout(s->db, 10000);
	if (nd_schema_sql(&schema) != 0) {
		nd_store_close(s);
		return nd_error_set(err, "out of memory");
	}
	snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO meta VALUES('schema_version','%d');",
		 ND_SCHEMA_VERSION);
	if (exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", err) ||
	    exec(s, "BEGIN", err) || exec(s, schema.data, err) || exec(s, sql, err) || exec(s, "COMMIT", err) ||
	    prepare(s,
		    "INSERT OR IGNORE INTO events(family,provider,event_id,qualifiers,version,level,task,keywords,"
		    "time_created,ts,record_id,channel,computer,user_sid,binary,source_id,file_offset,written_ts)"
		    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		    &s->ins_event, err) ||
	    prepare(s, "INSERT INTO event_fields(event_ref,pos,name,value) VALUES(?,?,?,?)", &s->ins_field, err) ||
	    prepare(s, "SELECT fingerprint FROM source_chunks WHERE source_id=? AND chunk_offset=?", &s->get_chunk,
		    err) ||
	    prepare(s, "INSERT OR REPLACE INTO source_chunks(source_id,chunk_offset,fingerprint) VALUES(?,?,?)",
		    &s->put_chunk, err) ||
	    prepare_typed(s, err)) {
		nd_buf_free(&schema);
		nd_error_prefix(err, "%s", path);
		nd_store_close(s);
		return -1;
	}
	nd_buf_free(&schema);
	*out = s;
	return 0;
}

void nd_store_close(nd_store *s)
{
	size_t i;

	if (!s)
		return;
	if (s->in_tx)
		nd_store_rollback(s);
	sqlite3_finalize(s->ins_event);
	sqlite3_finalize(s->ins_field);
	sqlite3_finalize(s->get_chunk);
	sqlite3_finalize(s->put_chunk);
	for (i = 0; i < MAX_FAMILIES; i++)
		sqlite3_finalize(s->ins_typed[i]);
	sqlite3_close(s->db);
	free(s);
}

sqlite3 *nd_store_db(nd_store *s)
{
	return s->db;
}

int nd_store_begin(nd_store *s, nd_error *err)
{
	if (exec(s, "BEGIN IMMEDIATE", err) != 0)
		return -1;
	s->in_tx = 1;
	return 0;
}

int nd_store_commit(nd_store *s, nd_error *err)
{
	if (exec(s, "COMMIT", err) != 0)
		return -1;
	s->in_tx = 0;
	return 0;
}

void nd_store_rollback(nd_store *s)
{
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = 0;
}

/* Writes the current UTC time as ISO 8601 into out[ND_TIME_ISO_SIZE].
 * Returns out. */
static char *now_iso(char *out)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return nd_time_format((int64_t)ts.tv_sec * ND_TICKS_PER_SECOND + ts.tv_nsec / 100, out);
}

int nd_store_source(nd_store *s, const char *path, int64_t size, int64_t mtime, int64_t *id, nd_error *err)
{
	sqlite3_stmt *st = NULL;
	char now[ND_TIME_ISO_SIZE];
	int rc;

	now_iso(now);
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO sources(path,size,mtime,first_ingest,last_ingest) VALUES(?1,?2,?3,?4,?4)"
			       " ON CONFLICT(path) DO UPDATE SET size=?2, mtime=?3, last_ingest=?4 RETURNING id",
			       -1, &st, NULL) != SQLITE_OK)
		return db_error(s, err, "sources");
	sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, size);
	sqlite3_bind_int64(st, 3, mtime);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_error(s, err, "sources");
}

int nd_store_source_done(nd_store *s, int64_t id, const nd_source_stats *st, nd_error *err)
{
	sqlite3_stmt *q = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db,
			       "UPDATE sources SET records=?, wanted=?, stored=stored+?, duplicates=?, skipped=?,"
			       " errors=?, warnings=? WHERE id=?",
			       -1, &q, NULL) != SQLITE_OK)
		return db_error(s, err, "sources");
	sqlite3_bind_int64(q, 1, (sqlite3_int64)st->records);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)st->wanted);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)st->stored);
	sqlite3_bind_int64(q, 4, (sqlite3_int64)st->duplicates);
	sqlite3_bind_int64(q, 5, (sqlite3_int64)st->skipped);
	sqlite3_bind_int64(q, 6, (sqlite3_int64)st->errors);
	sqlite3_bind_int64(q, 7, (sqlite3_int64)st->warnings);
	sqlite3_bind_int64(q, 8, id);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : db_error(s, err, "sources");
}

int nd_store_chunk_get(nd_store *s, int64_t source, uint64_t offset, uint32_t *fp, nd_error *err)
{
	int rc;

	sqlite3_reset(s->get_chunk);
	sqlite3_bind_int64(s->get_chunk, 1, source);
	sqlite3_bind_int64(s->get_chunk, 2, (sqlite3_int64)offset);
	rc = sqlite3_step(s->get_chunk);
	if (rc == SQLITE_ROW) {
		*fp = (uint32_t)sqlite3_column_int64(s->get_chunk, 0);
		sqlite3_reset(s->get_chunk);
		return 1;
	}
	sqlite3_reset(s->get_chunk);
	return rc == SQLITE_DONE ? 0 : db_error(s, err, "source_chunks");
}

int nd_store_chunk_put(nd_store *s, int64_t source, uint64_t offset, uint32_t fp, nd_error *err)
{
	int rc;

	sqlite3_reset(s->put_chunk);
	sqlite3_bind_int64(s->put_chunk, 1, source);
	sqlite3_bind_int64(s->put_chunk, 2, (sqlite3_int64)offset);
	sqlite3_bind_int64(s->put_chunk, 3, fp);
	rc = sqlite3_step(s->put_chunk);
	sqlite3_reset(s->put_chunk);
	return rc == SQLITE_DONE ? 0 : db_error(s, err, "source_chunks");
}

/* Binds a string or NULL. Returns nothing. */
static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Returns the value of the first present field among the '|'-separated
 * alternatives in spec, or NULL. */
static const char *field_of(const nd_record *ev, const char *spec)
{
	char name[64];

	while (*spec) {
		const char *bar = strchr(spec, '|');
		size_t n = bar ? (size_t)(bar - spec) : strlen(spec);
		const char *v;

		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, spec, n);
		name[n] = '\0';
		v = nd_record_field(ev, name);
		if (v)
			return v;
		spec += n + (bar ? 1 : 0);
	}
	return NULL;
}

/* Reads hex text as a little-endian DWORD (its first 4 bytes). Returns 0
 * and sets *v, or -1. */
static int hex_le32(const char *hex, uint32_t *v)
{
	uint32_t x = 0;
	int i;

	if (!hex || strlen(hex) < 8)
		return -1;
	for (i = 0; i < 8; i++) {
		char c = hex[i];
		uint32_t d = (c >= '0' && c <= '9') ? (uint32_t)(c - '0')
			     : (c >= 'a' && c <= 'f') ? (uint32_t)(c - 'a' + 10)
			     : (c >= 'A' && c <= 'F') ? (uint32_t)(c - 'A' + 10)
						      : 16u;

		if (d > 15)
			return -1;
		/* byte i/2 holds bits 8*(i/2); high nibble first */
		x |= d << (8 * (i / 2) + ((i & 1) ? 0 : 4));
	}
	*v = x;
	return 0;
}

/* Inserts the typed row of a family. Returns 0, or -1 with err set. */
static int store_typed(nd_store *s, sqlite3_stmt *st, const nd_family *fam, const nd_record *ev,
		       sqlite3_int64 ref, nd_error *err)
{
	size_t i;
	int rc;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_int64(st, 1, ref);
	for (i = 0; i < fam->ncolumns; i++) {
		const nd_column *c = &fam->columns[i];
		int col = (int)i + 2;
		uint32_t code;

		if (c->type == ND_COL_BINARY_LE32) {
			if (hex_le32(ev->binary, &code) == 0)
				sqlite3_bind_int64(st, col, code);
		} else {
			const char *v = field_of(ev, c->field);

			if (c->type == ND_COL_TEXT)
				bind_text(st, col, v);
			else if (v && nd_parse_code(v, &code) == 0)
				sqlite3_bind_int64(st, col, code);
		}
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_error(s, err, fam->table);
}

int nd_store_event(nd_store *s, int64_t source, const nd_family *fam, const nd_record *ev, nd_error *err)
{
	const nd_family *const *f;
	sqlite3_stmt *st = s->ins_event;
	char iso[ND_TIME_ISO_SIZE], kw[24];
	int64_t ts = ev->has_time ? ev->time : ev->written_time;
	sqlite3_int64 ref;
	size_t i, n = 0;
	int rc;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	snprintf(kw, sizeof(kw), "0x%016llx", (unsigned long long)ev->keywords);
	bind_text(st, 1, fam->name);
	bind_text(st, 2, ev->provider ? ev->provider : "");
	sqlite3_bind_int64(st, 3, ev->event_id);
	if (ev->has_qualifiers)
		sqlite3_bind_int64(st, 4, ev->qualifiers);
	if (ev->version >= 0)
		sqlite3_bind_int(st, 5, ev->version);
	if (ev->level >= 0)
		sqlite3_bind_int(st, 6, ev->level);
	if (ev->task >= 0)
		sqlite3_bind_int(st, 7, ev->task);
	bind_text(st, 8, kw);
	bind_text(st, 9, nd_time_format(ts, iso));
	sqlite3_bind_int64(st, 10, ts);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)ev->record_id);
	bind_text(st, 12, ev->channel ? ev->channel : "");
	bind_text(st, 13, ev->computer ? ev->computer : "");
	bind_text(st, 14, ev->user_sid);
	bind_text(st, 15, ev->binary);
	sqlite3_bind_int64(st, 16, source);
	if (ev->file_offset >= 0)
		sqlite3_bind_int64(st, 17, ev->file_offset);
	if (ev->written_time)
		sqlite3_bind_int64(st, 18, ev->written_time);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_error(s, err, "events");
	if (sqlite3_changes(s->db) == 0)
		return 0;
	ref = sqlite3_last_insert_rowid(s->db);
	st = s->ins_field;
	for (i = 0; i < ev->nfields; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, ref);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		bind_text(st, 3, ev->fields[i].name);
		bind_text(st, 4, ev->fields[i].value);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return db_error(s, err, "event_fields");
	}
	for (f = nd_families(); *f && *f != fam; f++)
		n++;
	if (fam->table && store_typed(s, s->ins_typed[n], fam, ev, ref, err) != 0)
		return -1;
	return 1;
}
