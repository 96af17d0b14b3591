/* Fuzz target: the whole pipeline through the public API on one input
 * file: format recognition, the parser it picks (EVTX with our decoder or,
 * for inputs of odd size, libevtx alone; event XML, JSON, NPS text logs), the event families, the
 * store, the diagnosis with the shipped rules and every results writer
 * (text, JSON, JSON lines, HTML, Markdown, CSV) to /dev/null. The input
 * becomes a file as fuzz_evtx_image.h says, so seeds may be whole .evtx
 * files, single chunks or any other input. Each input gets a fresh
 * database. The shipped rules are found
 * through $NPSDIAG_RULES, set to the source tree's when missing. Problems with the input are
 * expected; a database or write error aborts, as does a crash or
 * sanitizer report. Built for libFuzzer with -DNPSDIAG_FUZZ=ON (clang),
 * and for ctest with driver.c. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_evtx_image.h"
#include "fuzz_tmp.h"
#include "npsdiag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with the API's message. Returns nothing. */
static void fail(const char *what, const npsdiag_error *err)
{
	fprintf(stderr, "fuzz_pipeline: %s: %s\n", what, err->message);
	abort();
}

/* Writes n bytes of p to the file at path, replacing it. Returns 0, or -1. */
static int put_file(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");
	int rc = fp && fwrite(p, 1, n, fp) == n ? 0 : -1;

	if (fp && fclose(fp) != 0)
		rc = -1;
	return rc;
}

/* Returns a session on a fresh database for one input, and the input
 * file's path in path (size bytes). Every input starts from a copy of an
 * empty database made once per process, so that what an input does never
 * depends on the inputs before it (a finding reproduces from its file
 * alone) and the schema is not written again for each. Aborts on failure. */
static npsdiag_session *session(char *path, size_t size)
{
	static char db[4200];
	char side[4210];
	static uint8_t *empty;
	static size_t nempty;
	npsdiag_options o = {NPSDIAG_WRITE, db, NULL, 0};
	npsdiag_session *s = NULL;
	npsdiag_error err;
	const char *dir = fuzz_tmp_dir("fuzz_pipeline");

	if (!dir)
		abort();
#ifdef ND_FUZZ_RULES_DIR
	if (!getenv("NPSDIAG_RULES"))
		setenv("NPSDIAG_RULES", ND_FUZZ_RULES_DIR, 0);
#endif
	snprintf(path, size, "%s/input-%ld", dir, (long)getpid());
	snprintf(db, sizeof(db), "%s/pipeline-%ld.db", dir, (long)getpid());
	if (!empty) {
		remove(db);
		if (npsdiag_open(&s, &o, &err) != 0)
			fail("open", &err);
		npsdiag_close(s);
		if (!(empty = fuzz_slurp(db, &nempty)))
			abort();
	}
	snprintf(side, sizeof(side), "%s-wal", db);
	remove(side);
	snprintf(side, sizeof(side), "%s-shm", db);
	remove(side);
	if (put_file(db, empty, nempty) != 0)
		abort();
	if (npsdiag_open(&s, &o, &err) != 0)
		fail("open", &err);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const formats[] = {"text", "json", "jsonl", "html", "md", "csv"};
	static const char *const decoders[] = {"fast", "libevtx"};
	char path[4200];
	char *paths[1] = {path};
	npsdiag_session *s = session(path, sizeof(path));
	npsdiag_ingest_totals totals;
	npsdiag_write_options wo;
	npsdiag_error err;
	FILE *null;
	size_t i;

	memset(&wo, 0, sizeof(wo));
	if (fuzz_evtx_image(path, data, size) != 0)
		abort();
	if (npsdiag_set_decoder(s, decoders[size & 1], &err) != 0)
		fail("decoder", &err);
	if (npsdiag_ingest(s, paths, 1, NULL, &totals, &err) != 0)
		fail("ingest", &err);
	if (npsdiag_diagnose(s, NULL, NULL, &err) != 0)
		fail("diagnose", &err);
	if (!(null = fopen("/dev/null", "w")))
		abort();
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (npsdiag_write_results(s, formats[i], NULL, &wo, null, NULL, &err) != 0)
			fail(formats[i], &err);
	fclose(null);
	npsdiag_close(s);
	return 0;
}
