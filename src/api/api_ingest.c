/* api_ingest: files and directories into the session's database, the
 * caller's callbacks told in the API's terms. */
#include "api_session.h"

#include <string.h>

#include "nd_ingest.h"

/* Returns the API's stats of an ingest's. */
static npsdiag_file_stats file_stats(const nd_source_stats *st)
{
	npsdiag_file_stats o;

	o.records = st->records;
	o.wanted = st->wanted;
	o.stored = st->stored;
	o.duplicates = st->duplicates;
	o.skipped = st->skipped;
	o.errors = st->errors;
	o.warnings = st->warnings;
	o.chunks = st->chunks;
	o.unchanged = st->unchanged;
	return o;
}

/* report: passes a problem on. */
static void on_problem(void *ctx, nd_problem_kind kind, const char *msg)
{
	const npsdiag_ingest_callbacks *cb = ctx;

	if (cb->problem)
		cb->problem(cb->ctx, kind == ND_PROBLEM_ERROR ? NPSDIAG_PROBLEM_ERROR : NPSDIAG_PROBLEM_WARNING, msg);
}

/* report: passes progress on. */
static void on_progress(void *ctx, const char *path, size_t index, size_t count, uint64_t done, uint64_t total)
{
	const npsdiag_ingest_callbacks *cb = ctx;

	if (cb->progress)
		cb->progress(cb->ctx, path, index, count, done, total);
}

/* report: passes a file's outcome on. */
static void on_file_done(void *ctx, const char *path, const nd_source_stats *st, int failed)
{
	const npsdiag_ingest_callbacks *cb = ctx;
	npsdiag_file_stats o;

	if (!cb->file_done)
		return;
	o = file_stats(st);
	cb->file_done(cb->ctx, path, &o, failed);
}

/* report: passes on how a file's records were decoded. */
static void on_decoded(void *ctx, const char *path, uint64_t fast, uint64_t fallback)
{
	const npsdiag_ingest_callbacks *cb = ctx;

	if (cb->decoded)
		cb->decoded(cb->ctx, path, fast, fallback);
}

void api_ingest_report(const npsdiag_session *s, const npsdiag_ingest_callbacks *cb, npsdiag_ingest_callbacks *copy,
		       nd_ingest_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->decoder = s->decoder;
	if (!cb)
		return;
	*copy = *cb;
	rep->ctx = copy;
	rep->problem = on_problem;
	rep->progress = on_progress;
	rep->file_done = on_file_done;
	rep->decoded = on_decoded;
}

int npsdiag_set_decoder(npsdiag_session *s, const char *name, npsdiag_error *err)
{
	nd_error e;

	if (strcmp(name, "fast") == 0) {
		s->decoder = ND_EVTX_DECODER_FAST;
	} else if (strcmp(name, "libevtx") == 0) {
		s->decoder = ND_EVTX_DECODER_LIBEVTX;
	} else {
		nd_error_set(&e, "unknown decoder \"%s\": expected fast or libevtx", name);
		return api_fail(err, &e);
	}
	return 0;
}

int npsdiag_ingest(npsdiag_session *s, char *const *paths, size_t npaths, const npsdiag_ingest_callbacks *cb,
		   npsdiag_ingest_totals *totals, npsdiag_error *err)
{
	return npsdiag_ingest_with(s, paths, npaths, NULL, cb, totals, err);
}

int npsdiag_ingest_with(npsdiag_session *s, char *const *paths, size_t npaths, const npsdiag_ingest_options *o,
			const npsdiag_ingest_callbacks *cb, npsdiag_ingest_totals *totals, npsdiag_error *err)
{
	npsdiag_ingest_callbacks copy;
	nd_ingest_options opts = {0};
	nd_ingest_report rep;
	nd_ingest_totals tot;
	nd_error e;
	unsigned tries = 0;

	memset(totals, 0, sizeof(*totals));
	if (!api_writable(s, "ingest", &e))
		return api_fail(err, &e);
	if (o && o->tz) {
		if (nd_ingest_parse_tz(o->tz, &opts.tz_offset_s, &e) != 0)
			return api_fail(err, &e);
		opts.tz_given = 1;
	}
	if (o)
		opts.threads = o->threads;
	api_ingest_report(s, cb, &copy, &rep);
	/* again when a database server rolled a batch back: what was
	 * committed is skipped (checkpoints), the rest stored once */
	while (nd_ingest_paths(s->store, paths, npaths, &opts, &rep, &tot, &e) != 0)
		if (!api_retry(s, &tries, NULL))
			return api_fail(err, &e);
	totals->files = tot.files;
	totals->files_failed = tot.files_failed;
	totals->sum = file_stats(&tot.sum);
	return 0;
}
