/* Fuzz target: the tail's state across rounds (src/follow/nd_tail). The
 * input becomes an .evtx image (fuzz_evtx_image.h); a script drawn from a
 * generator seeded by the input's CRC then writes that image into a log
 * file piece by piece as a live EventLog service would (the header, parts
 * of chunks, whole chunks), with polling rounds between the writes, and
 * sometimes truncates the log (cleared) or renames it away and starts a
 * new one (archived). At the end the whole image is written and two more
 * rounds run. The promise checked: every event a fresh ingest of the final
 * log stores was stored by the tail too (nothing missed, whatever the
 * history), and the tail stored nothing twice (the events' unique key).
 * Two databases per input, in the target's scratch directory. Built for
 * libFuzzer with -DNPSDIAG_FUZZ=ON (clang), and for ctest with driver.c. */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_evtx_image.h"
#include "fuzz_tmp.h"
#include "nd_crc32.h"
#include "nd_ingest.h"
#include "nd_store.h"
#include "nd_tail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with a message. Returns nothing. */
static void fail(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_tail: %s: %s\n", what, msg);
	abort();
}

/* Returns the next value of a xorshift generator. */
static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Writes n bytes of image at offset off of the log (created when
 * missing). Aborts when it cannot. Returns nothing. */
static void write_at(const char *log, const uint8_t *image, size_t off, size_t n)
{
	FILE *fp = fopen(log, "r+b");

	if (!fp && !(fp = fopen(log, "w+b")))
		fail("write", log);
	if (fseek(fp, (long)off, SEEK_SET) != 0 || fwrite(image + off, 1, n, fp) != n || fclose(fp) != 0)
		fail("write", log);
}

/* Runs one tail round. Aborts when the store fails. Returns nothing. */
static void round_once(nd_tail *t, nd_store *s)
{
	uint64_t n;
	nd_error err;

	if (nd_tail_round(t, s, &n, &err) != 0)
		fail("round", err.message);
}

/* Returns the value of a one-number query on the tail's database with the
 * fresh one attached. Aborts on a database error. */
static long long count(const char *tail_db, const char *fresh_db, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;

	if (sqlite3_open_v2(tail_db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "ATTACH ? AS fresh", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, fresh_db, -1, SQLITE_STATIC) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
		fail("attach", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		fail("query", sqlite3_errmsg(db));
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t pieces[] = {24, 512, 4096, 32768, 65536};
	const char *dir = fuzz_tmp_dir("fuzz_tail");
	char log[4200], old[4300], tail_db[4200], fresh_db[4200];
	char *paths[1] = {log};
	nd_ingest_report rep = {0};
	nd_tail_hooks hooks = {0};
	nd_ingest_totals totals;
	nd_store *ts = NULL, *fs = NULL;
	nd_tail *t;
	nd_error err;
	uint8_t *image;
	size_t len = 0, pos = 0, k, nops;
	uint32_t seed;
	long long missed, twice;

	if (!dir)
		abort();
	snprintf(log, sizeof(log), "%s/Security-%ld.evtx", dir, (long)getpid());
	snprintf(old, sizeof(old), "%s.old", log);
	snprintf(tail_db, sizeof(tail_db), "%s/tail-%ld.db", dir, (long)getpid());
	snprintf(fresh_db, sizeof(fresh_db), "%s/fresh-%ld.db", dir, (long)getpid());
	remove(log);
	remove(old);
	remove(tail_db);
	remove(fresh_db);
	if (fuzz_evtx_image(log, data, size) != 0 || !(image = fuzz_slurp(log, &len)))
		fail("image", log);
	remove(log);
	seed = nd_crc32(0, data, size) | 1;
	nops = 4 + next_rand(&seed) % 13;
	if (nd_store_open(&ts, tail_db, &err) != 0 || !(t = nd_tail_new(paths, 1, &rep, &hooks)))
		fail("tail", err.message);
	for (k = 0; k < nops; k++) {
		uint32_t op = next_rand(&seed) % 10;

		if (op < 5 && pos < len) {
			size_t n = pieces[next_rand(&seed) % 5];

			n = n > len - pos ? len - pos : n;
			write_at(log, image, pos, n);
			pos += n;
		} else if (op < 8) {
			round_once(t, ts);
		} else if (op == 8 && pos) {
			pos = next_rand(&seed) % pos;
			if (truncate(log, (off_t)pos) != 0)
				pos = 0;
		} else if (op == 9) {
			rename(log, old);
			pos = 0;
		}
	}
	if (pos < len)
		write_at(log, image, pos, len - pos);
	round_once(t, ts);
	round_once(t, ts);
	nd_tail_free(t);
	nd_store_close(ts);
	if (nd_store_open(&fs, fresh_db, &err) != 0 || nd_ingest_file(fs, log, 0, 1, &rep, NULL, &totals, &err) != 0)
		fail("fresh ingest", err.message);
	nd_store_close(fs);
	missed = count(tail_db, fresh_db,
		       "SELECT count(*) FROM fresh.events f WHERE NOT EXISTS (SELECT 1 FROM main.events e WHERE "
		       "e.computer = f.computer AND e.channel = f.channel AND e.record_id = f.record_id AND e.ts = f.ts)");
	twice = count(tail_db, fresh_db,
		      "SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT computer, channel, record_id, ts FROM "
		      "main.events)) FROM main.events");
	if (missed != 0 || twice != 0) {
		fprintf(stderr, "fuzz_tail: %lld events missed, %lld stored twice\n", missed, twice);
		abort();
	}
	free(image);
	remove(log);
	remove(old);
	remove(tail_db);
	remove(fresh_db);
	return 0;
}
