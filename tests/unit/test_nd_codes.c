/* Unit tests of src/store/nd_codes: loading the code tables writes only
 * when the files changed; a read-only store keeps what it has; explain.
 *
 *   test_nd_codes TMPDIR SRCDIR */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nd_codes.h"
#include "nd_store.h"
#include "nd_db_sqlite.h"

/* Copies file name from src to dst, appending extra. Returns 0, or -1. */
static int copy(const char *src, const char *dst, const char *name, const char *extra)
{
	char a[4096 + 64], b[4096 + 64], buf[8192];
	FILE *in, *out;
	size_t n;
	int rc = 0;

	snprintf(a, sizeof(a), "%s/%s", src, name);
	snprintf(b, sizeof(b), "%s/%s", dst, name);
	in = fopen(a, "rb");
	out = fopen(b, "wb");
	if (!in || !out)
		rc = -1;
	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	if (rc == 0 && extra)
		fputs(extra, out);
	if (in)
		fclose(in);
	if (out && fclose(out) != 0)
		rc = -1;
	return rc;
}

/* Returns the integer result of a query on s. */
static long long count(nd_store *s, const char *q)
{
	sqlite3_stmt *st = NULL;
	long long n = -1;

	if (sqlite3_prepare_v2((sqlite3 *)nd_db_sqlite_handle(nd_store_db(s)), q, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Loading: the first load fills the tables and records the fingerprint;
 * a second load of the same files writes nothing (it succeeds while
 * another connection holds the write lock); a changed file is loaded. */
static void test_codes_load(const char *dir, const char *codes)
{
	char path[4096 + 16];
	sqlite3 *holder = NULL;
	nd_store *s = NULL;
	nd_error err;
	long long nps;

	snprintf(path, sizeof(path), "%s/t.db", dir);
	CHECK(copy(codes, dir, ND_CODES_NPS_FILE, NULL) == 0);
	CHECK(copy(codes, dir, ND_CODES_RAS_FILE, NULL) == 0);
	CHECK(nd_store_open(&s, path, &err) == 0);
	CHECK(nd_codes_load(s, dir, &err) == 0);
	nps = count(s, "SELECT count(*) FROM nps_reason_codes");
	CHECK(nps > 10);
	CHECK(count(s, "SELECT count(*) FROM ras_error_codes WHERE code = 853") == 1);
	CHECK(count(s, "SELECT count(*) FROM meta WHERE key = 'codes_fingerprint'") == 1);

	CHECK(sqlite3_open(path, &holder) == SQLITE_OK);
	CHECK(sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
	CHECK(nd_codes_load(s, dir, &err) == 0);
	sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(holder);

	CHECK(copy(codes, dir, ND_CODES_NPS_FILE, "999999\tTEST_SYMBOL\ta test row\n") == 0);
	CHECK(nd_codes_load(s, dir, &err) == 0);
	CHECK(count(s, "SELECT count(*) FROM nps_reason_codes") == nps + 1);
	/* Inside the caller's transaction. */
	CHECK(copy(codes, dir, ND_CODES_NPS_FILE, NULL) == 0);
	CHECK(nd_store_begin(s, &err) == 0);
	CHECK(nd_codes_load(s, dir, &err) == 0);
	CHECK(nd_store_commit(s, &err) == 0);
	CHECK(count(s, "SELECT count(*) FROM nps_reason_codes") == nps);
	nd_store_close(s);
}

/* Bad input: a missing directory, a bad code, a header without meaning;
 * a failed load leaves the tables as they were. */
static void test_codes_load_bad(const char *dir, const char *codes)
{
	char path[4096 + 16], bad[4096 + 16];
	nd_store *s = NULL;
	nd_error err;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/t.db", dir);
	CHECK(nd_store_open(&s, path, &err) == 0);
	CHECK(nd_codes_load(s, "/nonexistent/codes", &err) == -1);
	CHECK(strstr(err.message, "/nonexistent/codes/" ND_CODES_NPS_FILE) != NULL);
	CHECK(copy(codes, dir, ND_CODES_NPS_FILE, "12x\tX\tbad code\n") == 0);
	CHECK(nd_codes_load(s, dir, &err) == -1);
	CHECK(strstr(err.message, "is not a code") != NULL);
	snprintf(bad, sizeof(bad), "%s/%s", dir, ND_CODES_RAS_FILE);
	fp = fopen(bad, "wb");
	CHECK(fp != NULL);
	if (fp) {
		fputs("code\tsymbol\n1\tX\n", fp);
		fclose(fp);
	}
	CHECK(copy(codes, dir, ND_CODES_NPS_FILE, NULL) == 0);
	CHECK(nd_codes_load(s, dir, &err) == -1);
	CHECK(strstr(err.message, "lacks a code or meaning column") != NULL);
	CHECK(count(s, "SELECT count(*) FROM ras_error_codes WHERE code = 853") == 1);
	CHECK(copy(codes, dir, ND_CODES_RAS_FILE, NULL) == 0);
	nd_store_close(s);
}

/* A read-only store keeps the tables it has, even when the files changed;
 * with none it says so. */
static void test_codes_load_readonly(const char *dir, const char *codes)
{
	char path[4096 + 16];
	nd_store *s = NULL;
	nd_error err;

	snprintf(path, sizeof(path), "%s/t.db", dir);
	CHECK(copy(codes, dir, ND_CODES_NPS_FILE, "999998\tX\tchanged\n") == 0);
	CHECK(nd_store_open_readonly(&s, path, &err) == 0);
	CHECK(nd_codes_load(s, dir, &err) == 0);
	CHECK(count(s, "SELECT count(*) FROM nps_reason_codes WHERE code = 999998") == 0);
	nd_store_close(s);
	snprintf(path, sizeof(path), "%s/empty.db", dir);
	CHECK(nd_store_open(&s, path, &err) == 0);
	nd_store_close(s);
	CHECK(nd_store_open_readonly(&s, path, &err) == 0);
	CHECK(nd_codes_load(s, dir, &err) == -1);
	CHECK(strstr(err.message, "no code tables and is read-only") != NULL);
	nd_store_close(s);
	CHECK(copy(codes, dir, ND_CODES_NPS_FILE, NULL) == 0);
}

/* Explain prints a row's columns; an unknown code is 0; a missing file -1. */
static void test_codes_explain(const char *dir, const char *codes)
{
	char out[4096 + 16], text[8192];
	nd_error err;
	FILE *fp;
	size_t n;

	snprintf(out, sizeof(out), "%s/explain.txt", dir);
	fp = fopen(out, "w+");
	CHECK(fp != NULL);
	if (!fp)
		return;
	CHECK(nd_codes_explain(codes, ND_CODES_RAS_FILE, 853, fp, &err) == 1);
	CHECK(nd_codes_explain(codes, ND_CODES_RAS_FILE, 4000000000u, fp, &err) == 0);
	rewind(fp);
	n = fread(text, 1, sizeof(text) - 1, fp);
	text[n] = '\0';
	fclose(fp);
	CHECK(strstr(text, "ERROR_EAP_USER_CERT_INVALID") != NULL);
	CHECK(nd_codes_explain(dir, "missing.tsv", 853, stdout, &err) == -1);
	CHECK(strstr(err.message, "missing.tsv") != NULL);
}

int main(int argc, char **argv)
{
	char dir[2048], codes[2048 + 16];

	if (argc < 3) {
		fprintf(stderr, "usage: test_nd_codes TMPDIR SRCDIR\n");
		return 2;
	}
	snprintf(codes, sizeof(codes), "%s/rules/codes", argv[2]);
	snprintf(dir, sizeof(dir), "%s/nd_codes.XXXXXX", argv[1]);
	if (!mkdtemp(dir)) {
		perror(dir);
		return 2;
	}
	test_codes_load(dir, codes);
	test_codes_load_bad(dir, codes);
	test_codes_load_readonly(dir, codes);
	test_codes_explain(dir, codes);
	return check_report();
}
