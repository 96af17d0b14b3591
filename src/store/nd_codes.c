#include "nd_codes.h"

#include <stdio.h>
#include <string.h>

#include "nd_family.h"
#include "nd_tsv.h"

/* One code table: its file, its SQL table and its columns (SQL name = TSV
 * column name). */
typedef struct code_table {
	const char *file;
	const char *table;
	const char *columns[8];
} code_table;

static const code_table tables[] = {
	{ND_CODES_NPS_FILE,
	 "nps_reason_codes",
	 {"code", "symbol", "meaning", "category", "reason_text", "underlying_status", "notes", "sources"}},
	{ND_CODES_RAS_FILE,
	 "ras_error_codes",
	 {"code", "hex", "symbol", "meaning", "relevance", "typical_causes", "related_reasons", "sources"}},
};

/* Loads one table. Returns 0, or -1 with err set. */
static int load_table(nd_store *s, const char *dir, const code_table *ct, nd_error *err)
{
	sqlite3 *db = nd_store_db(s);
	sqlite3_stmt *st = NULL;
	char path[4096], sql[512];
	int cols[8], rc, i;
	nd_tsv t;

	snprintf(path, sizeof(path), "%s/%s", dir, ct->file);
	if (nd_tsv_open(&t, path, err) != 0)
		return -1;
	for (i = 0; i < 8; i++)
		cols[i] = nd_tsv_column(&t, ct->columns[i]);
	if (cols[0] < 0 || nd_tsv_column(&t, "meaning") < 0) {
		nd_tsv_close(&t);
		return nd_error_set(err, "%s:1: the header lacks a code or meaning column", path);
	}
	snprintf(sql, sizeof(sql), "DELETE FROM %s", ct->table);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		goto db_fail;
	snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO %s(%s,%s,%s,%s,%s,%s,%s,%s) VALUES(?,?,?,?,?,?,?,?)",
		 ct->table, ct->columns[0], ct->columns[1], ct->columns[2], ct->columns[3], ct->columns[4],
		 ct->columns[5], ct->columns[6], ct->columns[7]);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto db_fail;
	while ((rc = nd_tsv_next(&t, err)) == 1) {
		uint32_t code;

		if (nd_parse_code(nd_tsv_cell(&t, cols[0]), &code) != 0) {
			nd_error_set(err, "%s:%lu: \"%.40s\" is not a code", path, t.line, nd_tsv_cell(&t, cols[0]));
			goto fail;
		}
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		sqlite3_bind_int64(st, 1, code);
		for (i = 1; i < 8; i++) {
			const char *v = nd_tsv_cell(&t, cols[i]);

			if (*v)
				sqlite3_bind_text(st, i + 1, v, -1, SQLITE_TRANSIENT);
		}
		if (sqlite3_step(st) != SQLITE_DONE)
			goto db_fail;
	}
	if (rc < 0)
		goto fail;
	sqlite3_finalize(st);
	nd_tsv_close(&t);
	return 0;
db_fail:
	nd_error_set(err, "%s: database: %s", path, sqlite3_errmsg(db));
fail:
	sqlite3_finalize(st);
	nd_tsv_close(&t);
	return -1;
}

int nd_codes_load(nd_store *s, const char *dir, nd_error *err)
{
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (load_table(s, dir, &tables[i], err) != 0)
			return -1;
	return 0;
}

int nd_codes_explain(const char *dir, const char *file, uint32_t code, FILE *out, nd_error *err)
{
	char path[4096];
	nd_tsv t;
	int rc, col;
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (nd_tsv_open(&t, path, err) != 0)
		return -1;
	col = nd_tsv_column(&t, "code");
	while ((rc = nd_tsv_next(&t, err)) == 1) {
		uint32_t c;

		if (nd_parse_code(nd_tsv_cell(&t, col), &c) != 0 || c != code)
			continue;
		for (i = 0; i < t.ncolumns; i++)
			if (*nd_tsv_cell(&t, (int)i))
				fprintf(out, "%-18s %s\n", t.header[i], nd_tsv_cell(&t, (int)i));
		nd_tsv_close(&t);
		return 1;
	}
	nd_tsv_close(&t);
	return rc < 0 ? -1 : 0;
}
