#include "nd_codes.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nd_crc32.h"
#include "nd_family.h"
#include "nd_db.h"
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

/* Loads one table from path (replacing its rows). Returns 0, or -1 with
 * err set. */
static int load_table(nd_db *db, const char *path, const code_table *ct, nd_error *err)
{
	nd_stmt *st = NULL;
	char sql[1024];
	int cols[8], rc, i;
	nd_tsv t;

	if (nd_tsv_open(&t, path, err) != 0)
		return -1;
	for (i = 0; i < 8; i++)
		cols[i] = nd_tsv_column(&t, ct->columns[i]);
	if (cols[0] < 0 || nd_tsv_column(&t, "meaning") < 0) {
		nd_tsv_close(&t);
		return nd_error_set(err, "%s:1: the header lacks a code or meaning column", path);
	}
	snprintf(sql, sizeof(sql), "DELETE FROM %s", ct->table);
	rc = nd_db_exec(db, sql, ct->table, err);
	snprintf(
	    sql, sizeof(sql),
	    "INSERT INTO %s(%s,%s,%s,%s,%s,%s,%s,%s) VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(%s) DO UPDATE SET"
	    " %s=excluded.%s,%s=excluded.%s,%s=excluded.%s,%s=excluded.%s,%s=excluded.%s,%s=excluded.%s,%s=excluded.%s",
	    ct->table, ct->columns[0], ct->columns[1], ct->columns[2], ct->columns[3], ct->columns[4], ct->columns[5],
	    ct->columns[6], ct->columns[7], ct->columns[0], ct->columns[1], ct->columns[1], ct->columns[2],
	    ct->columns[2], ct->columns[3], ct->columns[3], ct->columns[4], ct->columns[4], ct->columns[5],
	    ct->columns[5], ct->columns[6], ct->columns[6], ct->columns[7], ct->columns[7]);
	if (rc == 0)
		rc = nd_db_prepare(db, sql, 0, &st, ct->table, err);
	while (rc == 0 && (rc = nd_tsv_next(&t, err)) == 1) {
		uint32_t code;

		if (nd_parse_code(nd_tsv_cell(&t, cols[0]), &code) != 0) {
			rc = nd_error_set(err, "%s:%lu: \"%.40s\" is not a code", path, t.line,
					  nd_tsv_cell(&t, cols[0]));
			break;
		}
		nd_db_clear(st);
		rc = nd_db_bind_int64(st, 1, code, ct->table, err);
		for (i = 1; i < 8 && rc == 0; i++) {
			const char *v = nd_tsv_cell(&t, cols[i]);

			if (*v)
				rc = nd_db_bind_text(st, i + 1, v, ct->table, err);
		}
		if (rc == 0)
			rc = nd_db_step(st, ct->table, err);
	}
	nd_db_finalize(st);
	nd_tsv_close(&t);
	return rc < 0 ? nd_error_prefix(err, "%s", path) : 0;
}

/* Appends "FILE SIZE CRC;" of one table file to fp (of size n) . Returns 0,
 * or -1 with err set. */
static int fingerprint_file(const char *path, const char *file, char *fp, size_t n, nd_error *err)
{
	FILE *f = fopen(path, "rb");
	uint8_t buf[8192];
	uint32_t crc = 0;
	size_t got, len = strlen(fp);
	unsigned long long size = 0;
	int bad;

	if (!f)
		return nd_error_set(err, "%s: cannot open: %s", path, strerror(errno));
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
		crc = nd_crc32(crc, buf, got);
		size += got;
	}
	bad = ferror(f);
	fclose(f);
	if (bad)
		return nd_error_set(err, "%s: cannot read", path);
	snprintf(fp + len, n - len, "%s %llu %08x;", file, size, (unsigned)crc);
	return 0;
}

/* Reads the fingerprint of the loaded tables from meta into out (""
 * when none). Returns 0, or -1 with err set. */
static int stored_fingerprint(nd_db *db, char *out, size_t n, nd_error *err)
{
	nd_stmt *st = NULL;
	int rc;

	out[0] = '\0';
	if (nd_db_prepare(db, "SELECT value FROM meta WHERE key='codes_fingerprint'", 0, &st, "meta", err))
		return -1;
	rc = nd_db_step(st, "meta", err);
	if (rc == 1 && nd_db_column_text(st, 0))
		snprintf(out, n, "%s", nd_db_column_text(st, 0));
	nd_db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* Returns 1 when both code tables have rows, 0 when one is empty, -1 with
 * err set. */
static int have_tables(nd_db *db, nd_error *err)
{
	nd_stmt *st = NULL;
	int rc;

	if (nd_db_prepare(db, "SELECT EXISTS(SELECT 1 FROM nps_reason_codes) AND EXISTS(SELECT 1 FROM ras_error_codes)",
			  0, &st, "code tables", err))
		return -1;
	rc = nd_db_step(st, "code tables", err);
	if (rc == 1)
		rc = nd_db_column_int64(st, 0) ? 1 : 0;
	nd_db_finalize(st);
	return rc;
}

/* Rewrites both tables and the fingerprint. Returns 0, or -1 with err set. */
static int load_all(nd_db *db, const char *dir, const char *fp, nd_error *err)
{
	nd_stmt *st = NULL;
	char path[4096];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, tables[i].file);
		if (load_table(db, path, &tables[i], err) != 0)
			return -1;
	}
	rc = nd_db_prepare(db,
			   "INSERT INTO meta(key,value) VALUES('codes_fingerprint',?)"
			   " ON CONFLICT(key) DO UPDATE SET value=excluded.value",
			   0, &st, "meta", err) ||
		     nd_db_bind_text(st, 1, fp, "meta", err) || nd_db_step(st, "meta", err) < 0
		 ? -1
		 : 0;
	nd_db_finalize(st);
	return rc;
}

int nd_codes_load(nd_store *s, const char *dir, nd_error *err)
{
	nd_db *db = nd_store_db(s);
	char path[4096], fp[512] = "", old[512];
	int own, rc;
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, tables[i].file);
		if (fingerprint_file(path, tables[i].file, fp, sizeof(fp), err) != 0)
			return -1;
	}
	if (stored_fingerprint(db, old, sizeof(old), err) != 0)
		return -1;
	if (strcmp(fp, old) == 0)
		return 0;
	if (nd_store_readonly(s)) {
		rc = have_tables(db, err);
		return rc < 0 ? -1
		       : rc   ? 0
			      : nd_error_set(err, "%s: the database has no code tables and is read-only", dir);
	}
	own = !nd_db_in_transaction(db);
	if (own && nd_store_begin(s, err) != 0)
		return -1;
	rc = load_all(db, dir, fp, err);
	if (own) {
		if (rc == 0)
			rc = nd_store_commit(s, err);
		if (rc != 0)
			nd_store_rollback(s);
	}
	return rc;
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
		for (i = 0; out && i < t.ncolumns; i++)
			if (*nd_tsv_cell(&t, (int)i))
				fprintf(out, "%-18s %s\n", t.header[i], nd_tsv_cell(&t, (int)i));
		nd_tsv_close(&t);
		return 1;
	}
	nd_tsv_close(&t);
	return rc < 0 ? -1 : 0;
}
