#include "nd_ingest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_archive.h"
#include "nd_ascii.h"
#include "nd_bytes.h"
#include "nd_cpu.h"
#include "nd_crc32.h"
#include "nd_decision_once.h"
#include "nd_dir.h"
#include "nd_event_once.h"
#include "nd_file.h"
#include "json_stream.h"
#include "nd_sniff.h"
#include "nd_store_prep.h"
#include "nd_time.h"
#include "nd_vec.h"
#include "nps_text.h"
#include "xml_stream.h"

/* The longest path the walk builds, with its NUL. */
#define ND_PATH_MAX 4096
#define ND_STR_(x) #x
#define ND_STR(x) ND_STR_(x)

static int collect_dir(const char *dir, int all, nd_path_list *out, const nd_ingest_report *rep, size_t *failed,
		       int depth);

/* The sink's state while one file is ingested. */
typedef struct file_ctx {
	nd_store *store;
	const nd_ingest_report *rep;
	const nd_chunk_filter *filter;
	int64_t source;
	nd_source_stats st;
	const char *path;
	size_t index, count;
	unsigned batch;   /* chunks in the open transaction */
	int store_failed; /* the sink stopped the read because the store failed */
	int unchanged;    /* the file fully read last time (its mark): not read, nothing recorded */
	nd_error failure; /* a store error met where the reader takes none (chunk_stored) */
	/* A text input: its first bytes (already read to know its format),
	 * then the rest of the stream: in, or src (a member of an archive). */
	FILE *in;
	nd_xml_stream_read_fn src;
	void *src_ctx;
	const char *open_path; /* an EVTX input spooled from a stream: the path that opens it */
	int depth;             /* archives it is inside */
	const uint8_t *head;
	size_t head_len, head_used;
	uint64_t done, total;
	nd_file_info info; /* what stat said of the input when it was opened */
	const nd_ingest_options *opts;
	nd_ingest_event_state once; /* the look-ups of nd_ingest_event, kept while the file is read */
} file_ctx;

/* Events of a text input stored in one transaction. */
#define ND_INGEST_BATCH_EVENTS 50000

/* Appends a copy of path. Returns 0, or -1 when out of memory. */
static int list_add(nd_path_list *l, const char *path)
{
	if (nd_vec_reserve(&l->items, &l->cap, l->count + 1, sizeof(*l->items)) != 0 ||
	    !(l->items[l->count] = strdup(path)))
		return -1;
	l->count++;
	return 0;
}

void nd_path_list_free(nd_path_list *l)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* Orders directory entries by name. Returns <0, 0 or >0. */
static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Returns 1 if name ends in ".evtx" (any case), else 0. */
static int is_evtx_name(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && nd_ascii_casecmp(name + n - 5, ".evtx") == 0;
}

/* Reports an input problem. Returns nothing. */
static void report_problem(const nd_ingest_report *rep, nd_problem_kind kind, const char *msg)
{
	if (rep && rep->problem)
		rep->problem(rep->ctx, kind, msg);
}

/* Directories nested deeper than this below a named one are not searched. */
#define MAX_DEPTH 32

/* Reports that something below a named directory was skipped (an error
 * when it may have held a log: counted in *failed). Returns nothing. */
static void skipped(const nd_ingest_report *rep, size_t *failed, int may_hold_log, const char *path, const char *why,
		    const char *detail)
{
	size_t len = strlen(path);
	int cut = len > 600; /* a long path keeps its start and its end, the message its reason */
	nd_error e;

	nd_error_set(&e, "%.*s%s%s: %s%s%s, skipped", cut ? 300 : (int)len, path, cut ? "..." : "",
		     cut ? path + len - 250 : "", why, detail ? ": " : "", detail ? detail : "");
	report_problem(rep, may_hold_log ? ND_PROBLEM_ERROR : ND_PROBLEM_WARNING, e.message);
	*failed += may_hold_log != 0;
}

/* Collects the entry path (named name) of a walked directory: a file (all:
 * any, its content deciding whether and how it is read; else a *.evtx), or
 * one a symbolic link points to, is listed; a directory is searched; what
 * is skipped and could matter is named (an error when it may have held a
 * log: a *.evtx). Returns 0, or -1 when out of memory. */
static int collect_entry(const char *path, const char *name, int all, nd_path_list *out, const nd_ingest_report *rep,
			 size_t *failed, int depth)
{
	int evtx = is_evtx_name(name);
	nd_file_info st;

	if (nd_file_stat(path, 0, &st) != 0) {
		skipped(rep, failed, 1, path, "cannot read the entry", strerror(errno));
		return 0;
	}
	if (st.type == ND_FILE_DIRECTORY) {
		if (depth < MAX_DEPTH)
			return collect_dir(path, all, out, rep, failed, depth + 1);
		skipped(rep, failed, 1, path, "a directory nested deeper than " ND_STR(MAX_DEPTH) " levels", NULL);
		return 0;
	}
	if (st.type == ND_FILE_LINK) {
		/* A link to a file is followed (stat does, and reports a loop as
		 * ELOOP); a link to a directory is not: that keeps the walk a tree. */
		if (nd_file_stat(path, 1, &st) != 0) {
			int dangling = errno == ENOENT;

			skipped(rep, failed, evtx, path, dangling ? "a dangling symbolic link" : "a symbolic link",
				dangling ? NULL : strerror(errno));
			return 0;
		}
		if (st.type == ND_FILE_DIRECTORY) {
			skipped(rep, failed, 0, path, "a symbolic link to a directory (not followed)", NULL);
			return 0;
		}
	}
	if (!evtx && !all)
		return 0;
	if (st.type != ND_FILE_REGULAR) {
		skipped(rep, failed, 0, path, "not a regular file", NULL); /* a FIFO or device holds no log */
		return 0;
	}
	return list_add(out, path);
}

/* Collects the files below dir (all: every one; else *.evtx),
 * recursively, in name order, depth levels below a named directory.
 * Unreadable directories and skipped entries are reported, those that may
 * have held a log counted in *failed. Returns 0, or -1 when out of
 * memory. */
static int collect_dir(const char *dir, int all, nd_path_list *out, const nd_ingest_report *rep, size_t *failed,
		       int depth)
{
	nd_dir_names names;
	nd_error e;
	size_t i;
	int rc = 0;

	if (nd_dir_list(dir, &names, &e) != 0) {
		report_problem(rep, ND_PROBLEM_ERROR, e.message);
		(*failed)++;
		return 0;
	}
	if (names.n)
		qsort(names.v, names.n, sizeof(char *), by_name);
	for (i = 0; rc == 0 && i < names.n; i++) {
		char path[ND_PATH_MAX];
		int n = snprintf(path, sizeof(path), "%s/%s", dir, names.v[i]);

		if (n < 0 || (size_t)n >= sizeof(path))
			skipped(rep, failed, 1, path, "the path is longer than " ND_STR(ND_PATH_MAX) " bytes, at entry",
				names.v[i]);
		else
			rc = collect_entry(path, names.v[i], all, out, rep, failed, depth);
	}
	nd_dir_names_free(&names);
	return rc;
}

/* sink: asks the caller's filter whether a chunk's records must be read. */
static int sink_chunk_header(void *ctx, uint64_t offset, const uint8_t *header)
{
	file_ctx *f = ctx;

	return f->filter->want(f->filter->ctx, f->path, offset, header);
}

/* sink: the fingerprint a chunk's records had when they were stored. */
static int sink_chunk_stored(void *ctx, uint64_t offset, uint32_t *fp)
{
	file_ctx *f = ctx;
	int rc = nd_store_chunk_get(f->store, f->source, offset, fp, &f->failure);

	if (rc < 0) {
		/* This callback cannot stop the read: read the chunk, and the
		 * first callback that can (record, chunk_end) stops it. */
		f->store_failed = 1;
		return 0;
	}
	return rc;
}

/* sink: tells the caller's filter of a walked chunk. */
static void sink_chunk_walked(void *ctx, uint64_t offset, uint32_t fp)
{
	file_ctx *f = ctx;

	f->filter->walked(f->filter->ctx, f->path, offset, fp);
}

/* Stops the read when the store failed in chunk_stored. Returns -1 with err
 * set then, else 0. */
static int stop_failed(const file_ctx *f, nd_error *err)
{
	if (!f->store_failed)
		return 0;
	*err = f->failure;
	return -1;
}

/* sink: remembers a fully read chunk and commits every batch. */
static int sink_chunk_end(void *ctx, uint64_t offset, uint32_t fp, uint64_t errors, nd_error *err)
{
	file_ctx *f = ctx;

	if (stop_failed(f, err) != 0)
		return -1;
	/* A chunk with unreadable records is read again next time. */
	if (errors == 0 && nd_store_chunk_put(f->store, f->source, offset, fp, err) != 0)
		goto failed;
	if (++f->batch >= ND_INGEST_BATCH_CHUNKS) {
		if (nd_store_commit(f->store, err) != 0 || nd_store_begin_ingest(f->store, err) != 0)
			goto failed;
		f->batch = 0;
	}
	return 0;
failed:
	f->store_failed = 1;
	return -1;
}

int nd_ingest_event(nd_store *s, int64_t source, nd_ingest_event_state *st, const nd_family *fam, nd_record *ev,
		    nd_error *err)
{
	int rc;

	if (fam->name_fields && fam->name_fields(ev) != 0)
		return nd_error_set(err, "out of memory");
	/* a store that queues applies the same conditions to the batch */
	rc = nd_store_queues(s) ? 0 : nd_event_once(&st->once, s, ev, err);
	if (rc == 0 && !nd_store_queues(s))
		rc = nd_decision_once(s, &st->decision, fam, ev, err);
	if (rc == 0)
		return nd_store_event(s, source, fam, ev, err);
	return rc == 1 ? 0 : -1; /* there: from an export to the millisecond, or the decision from the other log */
}

void nd_ingest_event_done(nd_ingest_event_state *st)
{
	nd_event_once_done(&st->once);
	nd_db_finalize(st->decision);
	st->decision = NULL;
}

/* sink: wants the records of a kept family; the family is the tag. */
static const void *sink_wants(void *ctx, const char *provider, const char *source, uint32_t event_id)
{
	(void)ctx;
	return nd_family_match(provider, source, event_id);
}

/* sink, on the thread that decoded a record of family tag: works out what
 * storing it needs (nd_store_prep), with that thread's own layouts in
 * *local, so that the thread that stores only binds. A family that names
 * or adds fields (nd_ingest_event, on the storing thread: some add fields,
 * so they run once) empties what was worked out, and the storing thread
 * works it out again; so does it when out of memory here. Returns
 * nothing. */
static void sink_prepare(void *ctx, void **local, const void *tag, nd_record *ev)
{
	(void)ctx;
	if (!*local)
		*local = nd_store_prep_new();
	if (*local)
		nd_store_prep_record(*local, tag, ev);
}

/* sink: frees what sink_prepare kept for a thread. Returns nothing. */
static void sink_prepare_free(void *ctx, void *local)
{
	(void)ctx;
	nd_store_prep_free(local);
}

/* sink: names the fields of a record of family tag and stores it. */
static int sink_record(void *ctx, const void *tag, nd_record *ev, nd_error *err)
{
	file_ctx *f = ctx;
	const nd_family *fam = tag;
	int rc;

	if (stop_failed(f, err) != 0)
		return -1;
	rc = nd_ingest_event(f->store, f->source, &f->once, fam, ev, err);
	if (rc < 0) {
		f->store_failed = 1;
		return -1;
	}
	if (rc == 1)
		f->st.stored++;
	else if (rc == 0)
		f->st.duplicates++;
	return 0;
}

/* Returns msg, a message of the EVTX reader, with the path of a spooled
 * input replaced by the input's name (in buf). */
static const char *spool_message(const file_ctx *f, const char *msg, nd_error *buf)
{
	size_t n = f->open_path ? strlen(f->open_path) : 0;

	if (!n || strncmp(msg, f->open_path, n) != 0)
		return msg;
	nd_error_set(buf, "%s%s", f->path, msg + n);
	return buf->message;
}

/* sink: passes input problems on. */
static void sink_problem(void *ctx, nd_problem_kind kind, const char *msg)
{
	file_ctx *f = ctx;
	nd_error buf;

	report_problem(f->rep, kind, spool_message(f, msg, &buf));
}

/* sink: passes progress on. */
static void sink_progress(void *ctx, uint64_t done, uint64_t total)
{
	file_ctx *f = ctx;

	if (f->rep && f->rep->progress)
		f->rep->progress(f->rep->ctx, f->path, f->index, f->count, done, total);
}

/* text input (XML, NPS log): hands the already read first bytes on, then
 * the rest of the stream, telling progress. */
static int text_read(void *ctx, void *buf, size_t n, size_t *got, nd_error *err)
{
	file_ctx *f = ctx;

	if (f->head_used < f->head_len) {
		*got = f->head_len - f->head_used < n ? f->head_len - f->head_used : n;
		memcpy(buf, f->head + f->head_used, *got);
		f->head_used += *got;
	} else if (f->src) {
		if (f->src(f->src_ctx, buf, n, got, err) != 0)
			return -1;
	} else {
		*got = fread(buf, 1, n, f->in);
		if (*got == 0 && ferror(f->in))
			return nd_error_set(err, "read error");
	}
	f->done += *got;
	sink_progress(f, f->done, f->total > f->done ? f->total : f->done);
	return 0;
}

/* text input: stores an event of a kept family, counts the others, and
 * commits every ND_INGEST_BATCH_EVENTS events. */
static int text_record(void *ctx, nd_record *ev, nd_error *err)
{
	file_ctx *f = ctx;
	const nd_family *fam = nd_family_match(ev->provider, ev->source_name, ev->event_id);

	if (!fam) {
		f->st.skipped++;
		return 0;
	}
	f->st.wanted++;
	if (sink_record(f, fam, ev, err) != 0)
		return -1;
	if (++f->batch >= ND_INGEST_BATCH_EVENTS) {
		if (nd_store_commit(f->store, err) != 0 || nd_store_begin_ingest(f->store, err) != 0) {
			f->store_failed = 1;
			return -1;
		}
		f->batch = 0;
	}
	return 0;
}

/* xml and json input: wants an event whose id some family keeps. */
static int text_wants_id(void *ctx, uint32_t event_id)
{
	(void)ctx;
	return nd_family_match("", NULL, event_id) != NULL;
}

/* text input: reports a bad event or line, naming the input. */
static void text_problem(void *ctx, const char *msg)
{
	file_ctx *f = ctx;
	nd_error full;

	nd_error_set(&full, "%s: %s", f->path, msg);
	report_problem(f->rep, ND_PROBLEM_ERROR, full.message);
}


/* Accounts for a text input (event XML, NPS text log) whose reader
 * returned rc with e: a store failure stops the run, an input failure is
 * reported with the file and counted. Returns 0, or -1 with err set when
 * the store failed. */
static int text_read_done(file_ctx *f, int rc, nd_error *e, const nd_xml_stream_counts *counts, nd_error *err)
{
	if (rc != 0) {
		if (f->store_failed) {
			*err = *e;
			return -1;
		}
		nd_error_prefix(e, "%s", f->path);
		report_problem(f->rep, ND_PROBLEM_ERROR, e->message);
		f->st.errors++;
	}
	f->st.records = counts->events;
	f->st.skipped += counts->skipped;
	f->st.errors += counts->errors;
	return 0;
}
/* Reads event XML into the store. Returns 0 (input problems reported and
 * counted in f->st), or -1 with err set when the store failed. */
static int read_xml(file_ctx *f, nd_error *err)
{
	nd_xml_stream_sink sink = {f, text_wants_id, text_record, text_problem};
	nd_xml_stream_counts counts = {0};
	nd_error e;

	return text_read_done(f, nd_xml_stream_read(text_read, f, &sink, &counts, &e), &e, &counts, err);
}

/* Reads a JSON export into the store. Returns 0 (input problems reported
 * and counted in f->st), or -1 with err set when the store failed. */
static int read_json(file_ctx *f, nd_error *err)
{
	nd_xml_stream_sink sink = {f, text_wants_id, text_record, text_problem};
	nd_xml_stream_counts counts = {0};
	nd_error e;

	return text_read_done(f, nd_json_stream_read(text_read, f, &sink, &counts, &e), &e, &counts, err);
}

/* Zone offsets an NPS text log may have, in quarter-hours either side of
 * UTC; how far from a whole quarter-hour a paired decision may be; how many
 * of its decisions are looked at to infer the offset. */
#define TZ_QUARTERS 56
#define TZ_QUARTER (900 * ND_TICKS_PER_SECOND)
#define TZ_SLACK (2 * ND_TICKS_PER_SECOND)
#define TZ_SAMPLE 256

/* The votes of a text log's decisions for its zone offset. */
typedef struct tz_votes {
	file_ctx *f;
	unsigned votes[2 * TZ_QUARTERS + 1]; /* by quarter-hours from -14:00 */
	unsigned decisions;                  /* looked at */
	int store_failed;
} tz_votes;

/* nd_decision_offsets: a Security-log decision delta (ticks) from a
 * text-log one votes for its whole quarter-hour, if it is one. */
static void tz_vote(void *ctx, int64_t delta)
{
	tz_votes *v = ctx;
	int64_t k = (delta >= 0 ? delta + TZ_QUARTER / 2 : delta - TZ_QUARTER / 2) / TZ_QUARTER;
	int64_t off = delta - k * TZ_QUARTER;

	if (k >= -TZ_QUARTERS && k <= TZ_QUARTERS && off >= -TZ_SLACK && off <= TZ_SLACK)
		v->votes[k + TZ_QUARTERS]++;
}

/* text input, first pass: names a kept decision, as it will be stored, and
 * collects the votes of its Security-log twins; stops after TZ_SAMPLE
 * decisions. Returns 0, or -1 to stop (err set). */
static int tz_record(void *ctx, nd_record *ev, nd_error *err)
{
	tz_votes *v = ctx;
	const nd_family *fam = nd_family_match(ev->provider, ev->source_name, ev->event_id);

	if (!fam)
		return 0;
	if (fam->name_fields && fam->name_fields(ev) != 0)
		return nd_error_set(err, "out of memory");
	if (nd_decision_offsets(v->f->store, ev, TZ_QUARTERS * TZ_QUARTER + TZ_SLACK, tz_vote, v, err) != 0) {
		v->store_failed = 1;
		return -1;
	}
	return ++v->decisions < TZ_SAMPLE ? 0 : nd_error_set(err, "enough decisions");
}

/* Infers the zone of an NPS text log in a named file from the decisions
 * stored from the Security log: each of its first TZ_SAMPLE decisions
 * votes with the whole quarter-hours between it (read as UTC) and a twin
 * (same event id, server, user, reason) within 14 hours; an offset that
 * has three quarters of the votes is taken. The file is then read from its
 * start again. Returns 1 with *offset_s and *votes set, 0 when nothing
 * could be inferred, -1 with err set when the store failed or the file
 * cannot be read again. */
static int infer_tz(file_ctx *f, int64_t *offset_s, unsigned *votes, nd_error *err)
{
	tz_votes v = {0};
	nd_xml_stream_sink sink = {&v, NULL, tz_record, NULL};
	nd_xml_stream_counts counts = {0};
	unsigned total = 0, best = 0;
	nd_error e;
	size_t i;

	v.f = f;
	if (nd_nps_text_read(text_read, f, 0, &sink, &counts, &e) != 0 && v.store_failed) {
		*err = e;
		return -1;
	}
	f->head_used = 0;
	f->done = 0;
	if (fseeko(f->in, (off_t)f->head_len, SEEK_SET) != 0)
		return nd_error_set(err, "%s: cannot read the file again: %s", f->path, strerror(errno));
	for (i = 0; i < sizeof(v.votes) / sizeof(v.votes[0]); i++) {
		total += v.votes[i];
		if (v.votes[i] > v.votes[best])
			best = (unsigned)i;
	}
	if (!v.votes[best] || v.votes[best] * 4 < total * 3)
		return 0;
	*offset_s = ((int64_t)best - TZ_QUARTERS) * 900;
	*votes = v.votes[best];
	return 1;
}

/* Reads an NPS text log into the store, its local times in the zone the
 * options give, else in the zone inferred from the Security log's
 * decisions (a named file), else as UTC, with a warning either way.
 * Returns 0 (input problems reported and counted in f->st), or -1 with err
 * set when the store failed. */
static int read_nps_text(file_ctx *f, nd_error *err)
{
	nd_xml_stream_sink sink = {f, NULL, text_record, text_problem};
	nd_xml_stream_counts counts = {0};
	int64_t tz = f->opts && f->opts->tz_given ? f->opts->tz_offset_s : 0;
	unsigned votes = 0;
	nd_error e;
	int inferred = 0;

	if (!f->opts || !f->opts->tz_given) {
		if (f->in && f->in != stdin && !f->src && (inferred = infer_tz(f, &tz, &votes, err)) < 0)
			return -1;
		if (inferred)
			nd_error_set(&e,
				     "%s: an NPS text log in local time without --tz: read in zone %c%02d:%02d, inferred "
				     "from %u of its decisions also in the Security log (a constant offset in whole "
				     "quarter-hours)",
				     f->path, tz < 0 ? '-' : '+', (int)(llabs(tz) / 3600), (int)(llabs(tz) % 3600 / 60),
				     votes);
		else
			nd_error_set(&e, "%s: an NPS text log in local time, read as UTC: give its zone with --tz",
				     f->path);
		report_problem(f->rep, ND_PROBLEM_WARNING, e.message);
		f->st.warnings++;
	}
	return text_read_done(f, nd_nps_text_read(text_read, f, tz, &sink, &counts, &e), &e, &counts, err);
}

/* The chunk offsets under which source_chunks keeps the mark of a whole
 * file and the number of chunks its read looked at (no chunk starts inside
 * the file header). */
#define ND_INGEST_MARK_OFFSET 0
#define ND_INGEST_MARK_CHUNKS_OFFSET 1

/* Computes the mark of an EVTX file: its fingerprint (the header, the
 * newest chunk and the next one) mixed with what stat said of it
 * (identity, size, modification time). Returns 0 with *mark and *newest
 * set, or -1 when the file cannot be fingerprinted (it is then read in
 * full, which reports why). */
static int file_mark(const file_ctx *f, uint32_t *mark, uint64_t *newest)
{
	uint8_t id[40];
	uint32_t fp;
	nd_error e;

	if (nd_evtx_file_fingerprint(f->path, &fp, newest, &e) != 0)
		return -1;
	nd_put_le64(id, f->info.dev);
	nd_put_le64(id + 8, f->info.ino);
	nd_put_le64(id + 16, (uint64_t)f->info.size);
	nd_put_le64(id + 24, (uint64_t)f->info.mtime_s);
	nd_put_le64(id + 32, (uint64_t)f->info.mtime_ns);
	*mark = nd_crc32(fp, id, sizeof(id));
	return 0;
}

/* Looks whether an EVTX file is the one fully read last time (its mark
 * and its chunk count stored: two look-ups, whatever the file's size).
 * Returns 1 when it is, with the chunks skipped counted; 0 when it must be
 * read (also when marked without a count, by an older npsdiag); -1 with
 * err set when the store failed. */
static int unchanged_file(file_ctx *f, uint32_t mark, nd_error *err)
{
	uint32_t old, n = 0;
	int rc = nd_store_chunk_get(f->store, f->source, ND_INGEST_MARK_OFFSET, &old, err);

	if (rc == 1 && old == mark)
		rc = nd_store_chunk_get(f->store, f->source, ND_INGEST_MARK_CHUNKS_OFFSET, &n, err);
	else if (rc == 1)
		rc = 0;
	if (rc < 0) {
		f->store_failed = 1;
		return -1;
	}
	f->st.unchanged = n;
	return rc;
}

/* Marks an EVTX file as fully read: its mark, and the number of chunks
 * this read looked at. Returns 0, or -1 with err set. */
static int mark_file(file_ctx *f, uint32_t mark, const nd_evtx_counts *counts, nd_error *err)
{
	uint64_t n = counts->chunks + counts->unchanged;

	if (nd_store_chunk_put(f->store, f->source, ND_INGEST_MARK_OFFSET, mark, err) != 0 ||
	    nd_store_chunk_put(f->store, f->source, ND_INGEST_MARK_CHUNKS_OFFSET,
			       n > UINT32_MAX ? UINT32_MAX : (uint32_t)n, err) != 0) {
		f->store_failed = 1;
		return -1;
	}
	return 0;
}

/* Reads an EVTX file into the store: not at all when it is the file fully
 * read last time (the whole-file mark; not with a chunk filter, whose
 * caller learns from the walk), else chunk by chunk. Returns 0 (input
 * problems reported and counted in f->st; *failed set when nothing could
 * be read), or -1 with err set when the store failed. */
static int read_evtx(file_ctx *f, int *failed, nd_error *err)
{
	const char *path = f->open_path ? f->open_path : f->path;
	nd_evtx_sink sink = {0};
	nd_evtx_counts counts = {0};
	uint64_t newest = 0;
	uint32_t mark = 0;
	/* Not a spooled stream: its copy is new every time. */
	int marked = !f->filter && !f->open_path && file_mark(f, &mark, &newest) == 0, rc;
	nd_file_info info;
	FILE *fp = NULL;
	nd_error e;

	if (marked && (rc = unchanged_file(f, mark, err)) != 0) {
		f->unchanged = rc == 1;
		if (rc == 1 && f->rep && f->rep->decoded)
			f->rep->decoded(f->rep->ctx, f->path, 0, 0);
		return rc < 0 ? -1 : 0;
	}
	sink.ctx = f;
	if (f->filter)
		sink.chunk_header = sink_chunk_header;
	if (f->filter && f->filter->walked)
		sink.chunk_walked = sink_chunk_walked;
	sink.chunk_stored = sink_chunk_stored;
	sink.chunk_end = sink_chunk_end;
	sink.wants = sink_wants;
	sink.prepare = sink_prepare;
	sink.prepare_free = sink_prepare_free;
	sink.record = sink_record;
	sink.problem = sink_problem;
	sink.progress = sink_progress;
	sink.decoder = f->rep ? f->rep->decoder : ND_EVTX_DECODER_FAST;
	/* Only nd_ingest_paths gives options; the tail (nd_ingest_file) reads
	 * small increments and decodes them itself. */
	if (f->opts) {
		/* by default one processor stores, the others decode, once the
		 * records kept make decoding worth a thread */
		sink.threads = f->opts->threads > 1 ? f->opts->threads : f->opts->threads ? 0 : nd_cpu_count() - 1;
		sink.threads_on_demand = !f->opts->threads;
	}
	/* Through the platform: UTF-8 names and, on Windows, the sharing a live log or a spooled
	 * temporary file needs. */
	if (nd_file_open_read(path, &fp, &info, &e) != 0 ||
	    nd_evtx_read_file(fp, path, info.size, &sink, &counts, &e) != 0) {
		nd_error buf;

		if (fp)
			fclose(fp);
		fp = NULL;
		if (f->store_failed) {
			*err = e;
			return -1;
		}
		report_problem(f->rep, ND_PROBLEM_ERROR, spool_message(f, e.message, &buf));
		counts.errors++;
		*failed = 1;
	}
	if (fp)
		fclose(fp);
	/* Marked only when read without errors and with the header's newest
	 * chunk where the records end: the mark, taken before the read, then
	 * describes records all read. */
	if (marked && counts.errors == 0 && counts.newest_chunk == newest && mark_file(f, mark, &counts, err) != 0)
		return -1;
	f->st.records = counts.records;
	f->st.wanted = counts.wanted;
	f->st.skipped = counts.skipped;
	f->st.errors = counts.errors;
	f->st.warnings = counts.warnings;
	f->st.chunks = counts.chunks;
	f->st.unchanged = counts.unchanged;
	if (f->rep && f->rep->decoded)
		f->rep->decoded(f->rep->ctx, f->path, counts.fast, counts.fallback);
	return 0;
}

/* Opens path ("-": the standard input) and reads its first bytes into
 * head. Returns 0 with *in open (*head_len bytes read, *st filled), or -1
 * with err set. */
static int open_input(const char *path, FILE **in, uint8_t *head, size_t *head_len, nd_file_info *st, nd_error *err)
{
	memset(st, 0, sizeof(*st));
	if (strcmp(path, "-") == 0)
		*in = stdin;
	else if (nd_file_open_read(path, in, st, err) != 0)
		return -1;
	*head_len = fread(head, 1, ND_SNIFF_BYTES, *in);
	if (ferror(*in)) {
		if (*in != stdin)
			fclose(*in);
		return nd_error_set(err, "%s: read error", path);
	}
	return 0;
}

/* Adds the outcome of one input to totals and tells the caller. Returns
 * nothing. */
static void count_input(const nd_ingest_report *rep, const char *path, const nd_source_stats *st, int failed,
			nd_ingest_totals *totals)
{
	totals->files++;
	totals->files_failed += (size_t)failed;
	totals->sum.records += st->records;
	totals->sum.wanted += st->wanted;
	totals->sum.stored += st->stored;
	totals->sum.duplicates += st->duplicates;
	totals->sum.skipped += st->skipped;
	totals->sum.errors += st->errors;
	totals->sum.warnings += st->warnings;
	totals->sum.chunks += st->chunks;
	totals->sum.unchanged += st->unchanged;
	if (rep && rep->file_done)
		rep->file_done(rep->ctx, path, st, failed);
}

/* Reports that input path could not be read at all (msg says why) and
 * counts it as a failed input. Returns nothing. */
static void input_failed(const nd_ingest_report *rep, const char *path, const char *msg, nd_ingest_totals *totals)
{
	nd_source_stats st = {0};

	report_problem(rep, ND_PROBLEM_ERROR, msg);
	st.errors = 1;
	count_input(rep, path, &st, 1, totals);
}

/* Copies the rest of a stream input into the temporary file tmp, at most
 * ND_ARCHIVE_MAX_MEMBER bytes. Returns 0, or -1 with err set (what was
 * copied stays in tmp). */
static int spool(file_ctx *f, FILE *tmp, nd_error *err)
{
	uint8_t buf[65536];
	uint64_t total = 0;
	size_t got;

	do {
		if (text_read(f, buf, sizeof(buf), &got, err) != 0)
			return -1;
		if ((total += got) > (uint64_t)ND_ARCHIVE_MAX_MEMBER)
			return nd_error_set(err,
					    "larger than %lld bytes, the largest EVTX file npsdiag spools; cut there",
					    (long long)ND_ARCHIVE_MAX_MEMBER);
		if (got && fwrite(buf, 1, got, tmp) != got)
			return nd_error_set(err, "cannot write the temporary file: %s", strerror(errno));
	} while (got);
	return fflush(tmp) == 0 ? 0 : nd_error_set(err, "cannot write the temporary file: %s", strerror(errno));
}

/* Reads an EVTX input that came as a stream (the standard input, a member
 * of an archive): the EVTX reader wants a file, so it is spooled to a
 * temporary one first. A stream that breaks off (cut, corrupt, a bomb) is
 * not read at all. Returns 0 (input problems reported and counted; *failed
 * set when nothing could be read), or -1 with err set when the store
 * failed. */
static int read_evtx_stream(file_ctx *f, int *failed, nd_error *err)
{
	char name[ND_FILE_TEMP_NAME];
	FILE *tmp = NULL;
	nd_error e;
	int rc;

	if (nd_file_temp(&tmp, name, sizeof(name), &e) != 0 || spool(f, tmp, &e) != 0) {
		if (tmp)
			fclose(tmp);
		nd_error_prefix(&e, "%s", f->path);
		report_problem(f->rep, ND_PROBLEM_ERROR, e.message);
		f->st.errors++;
		*failed = 1;
		return 0;
	}
	f->open_path = name;
	rc = read_evtx(f, failed, err);
	f->open_path = NULL;
	fclose(tmp);
	return rc;
}

static int ingest_input(file_ctx *f, nd_input_format fmt, int in_dir, int64_t size, int64_t mtime,
			nd_ingest_totals *totals, int *readable, nd_error *err);

/* Archives inside archives: one this many levels down is not opened (the
 * outermost is level 0; a .zip holding a .tar.gz holding an .evtx.gz is
 * read). */
#define ND_INGEST_ARCHIVE_DEPTH 3

/* Reads member m of archive a (inside the input parent) as an input of its
 * own, named name ("ARCHIVE!MEMBER"): sniffed and read as a file found in a
 * directory is. Returns 0 (problems reported and counted; *readable set
 * when its format was recognized), or -1 with err set when the store
 * failed. */
static int ingest_member(const file_ctx *parent, nd_archive *a, const nd_archive_member *m, const char *name,
			 nd_ingest_totals *totals, int *readable, nd_error *err)
{
	uint8_t head[ND_SNIFF_BYTES];
	file_ctx f = {0};
	size_t got = 1;
	nd_error e;

	f.store = parent->store;
	f.rep = parent->rep;
	f.opts = parent->opts;
	f.index = parent->index;
	f.count = parent->count;
	f.depth = parent->depth + 1;
	f.path = name;
	f.src = nd_archive_read;
	f.src_ctx = a;
	f.head = head;
	f.total = m->size > 0 ? (uint64_t)m->size : 0;
	while (got && f.head_len < sizeof(head)) {
		if (nd_archive_read(a, head + f.head_len, sizeof(head) - f.head_len, &got, &e) != 0) {
			nd_error_prefix(&e, "%s", name);
			input_failed(f.rep, name, e.message, totals);
			return 0;
		}
		f.head_len += got;
	}
	return ingest_input(&f, nd_sniff(head, f.head_len), 1, m->size > 0 ? m->size : (int64_t)f.head_len, m->mtime_s,
			    totals, readable, err);
}

/* Reads the members of an archive (f: the archive, its first bytes read)
 * one after another, each an input of its own named "ARCHIVE!MEMBER" (the
 * archive's names are only ever text: never used as paths). An encrypted
 * member is named and counted as failed; an archive that breaks off
 * (truncated, corrupt, a limit of nd_archive passed) is named with the
 * member it broke off after, the members before it kept. Returns 0
 * (problems reported and counted; *readable set when some member was
 * read), or -1 with err set when the store failed. */
static int read_archive(file_ctx *f, nd_ingest_totals *totals, int *readable, nd_error *err)
{
	nd_archive_member m;
	nd_archive *a;
	nd_error e, msg;
	char last[256] = "";
	int rc = 0, more = 0, encrypted = 0;

	if (f->depth >= ND_INGEST_ARCHIVE_DEPTH) {
		nd_error_set(&msg, "%s: an archive nested " ND_STR(ND_INGEST_ARCHIVE_DEPTH) " levels deep, skipped",
			     f->path);
		input_failed(f->rep, f->path, msg.message, totals);
		return 0;
	}
	if ((f->src || f->in == stdin ? nd_archive_open_stream(&a, text_read, f, f->path, &e)
				      : nd_archive_open_file(&a, f->path, &e)) != 0) {
		nd_error_prefix(&e, "%s", f->path);
		input_failed(f->rep, f->path, e.message, totals);
		return 0;
	}
	while (rc == 0 && (more = nd_archive_next(a, &m, &e)) == 1) {
		size_t n = strlen(f->path) + strlen(m.name) + 2;
		char *name = malloc(n);
		int one = 0;

		if (!name) {
			rc = nd_error_set(err, "out of memory");
			break;
		}
		snprintf(name, n, "%s!%s", f->path, m.name);
		snprintf(last, sizeof(last), "%s", m.name);
		if (m.encrypted) {
			nd_error_set(&msg, "%s: encrypted, skipped (decrypt the archive first)", name);
			input_failed(f->rep, name, msg.message, totals);
			encrypted = 1;
		} else if (m.regular) {
			rc = ingest_member(f, a, &m, name, totals, &one, err);
			*readable |= one;
		}
		free(name);
	}
	if (rc == 0 && more < 0) {
		if (last[0])
			nd_error_set(&msg, "%s: %s (after member %s)", f->path, e.message, last);
		else
			nd_error_set(&msg, "%s: %s", f->path, e.message);
		report_problem(f->rep, ND_PROBLEM_ERROR, msg.message);
		totals->files_failed++;
		totals->sum.errors++;
	} else if (rc == 0 && !*readable && !encrypted) {
		nd_error_set(&msg, "%s: no member of this archive is in a format npsdiag reads", f->path);
		report_problem(f->rep, ND_PROBLEM_ERROR, msg.message);
		totals->files_failed++;
		totals->sum.errors++;
	}
	*readable = 1; /* an archive is a format npsdiag reads, whatever it holds */
	nd_archive_free(a);
	return rc;
}

/* Ingests one input f of format fmt (open, its first bytes read), of size
 * bytes modified at mtime. in_dir: it was found in a directory or an
 * archive, where an input of no format npsdiag reads is named and passed
 * over rather than failed. *readable is set to 1 when its format was
 * recognized. Returns 0, or -1 with err set when the store failed. */
static int ingest_input(file_ctx *f, nd_input_format fmt, int in_dir, int64_t size, int64_t mtime,
			nd_ingest_totals *totals, int *readable, nd_error *err)
{
	nd_error e;
	int failed = 0, rc = 0;

	*readable = 0;
	if (fmt == ND_INPUT_UNKNOWN || fmt == ND_INPUT_EMPTY) {
		nd_error_set(&e, "%s: %s%s", f->path,
			     fmt == ND_INPUT_EMPTY ? "empty file" : "not a format npsdiag reads",
			     in_dir ? "; passed over" : "");
		if (in_dir)
			report_problem(f->rep, ND_PROBLEM_WARNING, e.message);
		else
			input_failed(f->rep, f->path, e.message, totals);
		return 0;
	}
	if (fmt == ND_INPUT_ARCHIVE)
		return read_archive(f, totals, readable, err);
	*readable = 1;
	if (nd_store_begin_ingest(f->store, err) != 0 || nd_store_source(f->store, f->path, size, mtime, &f->source, err) != 0)
		goto store_failed;
	if (fmt == ND_INPUT_EVTX && (f->src || f->in == stdin))
		rc = read_evtx_stream(f, &failed, err);
	else if (fmt == ND_INPUT_EVTX)
		rc = read_evtx(f, &failed, err);
	else if (fmt == ND_INPUT_NPS_TEXT)
		rc = read_nps_text(f, err);
	else if (fmt == ND_INPUT_JSON)
		rc = read_json(f, err);
	else
		rc = read_xml(f, err);
	nd_ingest_event_done(&f->once);
	if (rc != 0)
		goto store_failed;
	if (f->filter && f->filter->last_read)
		f->st.last_read = f->filter->last_read(f->filter->ctx, f->path);
	/* An unchanged file leaves its row as the last run that read it left
	 * it: the transaction writes nothing, and its commit syncs nothing. */
	if (nd_store_flush(f->store, &f->st.stored, &f->st.duplicates, err) != 0 ||
	    (!f->unchanged && nd_store_source_done(f->store, f->source, &f->st, err) != 0) ||
	    nd_store_commit(f->store, err) != 0)
		goto store_failed;
	count_input(f->rep, f->path, &f->st, failed, totals);
	return 0;
store_failed:
	nd_store_rollback(f->store);
	nd_error_prefix(err, "%s", f->path);
	return -1;
}

/* Ingests one named input (a file, or "-"). in_dir: it was found in a
 * directory (see ingest_input). later, when not NULL, takes an NPS text log
 * whose zone is not given instead of reading it now: read after the other
 * inputs, its zone can be inferred from their decisions. *readable is set
 * to 1 when its format was recognized. Returns 0, or -1 with err set when
 * the store failed. */
static int ingest_one(nd_store *s, const char *path, int in_dir, size_t index, size_t count,
		      const nd_ingest_options *opts, const nd_ingest_report *rep, const nd_chunk_filter *filter,
		      nd_path_list *later, nd_ingest_totals *totals, int *readable, nd_error *err)
{
	nd_input_format fmt;
	uint8_t head[ND_SNIFF_BYTES];
	file_ctx f = {0};
	nd_file_info st;
	nd_error e;
	int rc;

	f.store = s;
	f.rep = rep;
	f.path = path;
	f.index = index;
	f.count = count;
	f.filter = filter;
	f.head = head;
	f.opts = opts;
	*readable = 0;
	/* Opened first, so that a FIFO or a device named by mistake is refused
	 * rather than waited on. */
	if (open_input(path, &f.in, head, &f.head_len, &st, &e) != 0) {
		input_failed(rep, path, e.message, totals);
		return 0;
	}
	f.total = (uint64_t)st.size;
	f.info = st;
	fmt = nd_sniff(head, f.head_len);
	if (later && fmt == ND_INPUT_NPS_TEXT && (!opts || !opts->tz_given) && f.in != stdin) {
		*readable = 1;
		rc = list_add(later, path) == 0 ? 0 : nd_error_set(err, "out of memory");
	} else {
		rc = ingest_input(&f, fmt, in_dir, st.size, st.mtime_s, totals, readable, err);
	}
	if (f.in != stdin)
		fclose(f.in);
	return rc;
}

int nd_ingest_file(nd_store *s, const char *path, size_t index, size_t count, const nd_ingest_report *rep,
		   const nd_chunk_filter *filter, nd_ingest_totals *totals, nd_error *err)
{
	int readable;

	return ingest_one(s, path, 0, index, count, NULL, rep, filter, NULL, totals, &readable, err);
}

/* Expands paths as nd_ingest_collect does, a directory giving every
 * regular file when all is 1, its *.evtx files when 0. Returns 0, or -1
 * when out of memory. */
static int collect(char *const *paths, size_t npaths, int all, const nd_ingest_report *rep, nd_path_list *out,
		   size_t *failed)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	*failed = 0;
	for (i = 0; i < npaths; i++) {
		int rc;

		if (nd_file_is_dir(paths[i]))
			rc = collect_dir(paths[i], all, out, rep, failed, 0);
		else
			rc = list_add(out, paths[i]); /* a named file is read whatever its name */
		if (rc != 0) {
			nd_path_list_free(out);
			return -1;
		}
	}
	return 0;
}

int nd_ingest_collect(char *const *paths, size_t npaths, const nd_ingest_report *rep, nd_path_list *out,
		      size_t *failed)
{
	return collect(paths, npaths, 0, rep, out, failed);
}

int nd_ingest_parse_tz(const char *s, int64_t *offset_s, nd_error *err)
{
	size_t n = strlen(s), i;
	char d[4] = {0};
	int sign, h, m = 0;

	if (strcmp(s, "UTC") == 0 || strcmp(s, "Z") == 0) {
		*offset_s = 0;
		return 0;
	}
	if (n < 3 || (s[0] != '+' && s[0] != '-'))
		goto bad;
	sign = s[0] == '-' ? -1 : 1;
	for (i = 1; i < n; i++)
		if ((s[i] < '0' || s[i] > '9') && !(i == 3 && s[i] == ':'))
			goto bad;
	memcpy(d, s + 1, 2);
	h = atoi(d);
	if (n == 6 && s[3] == ':')
		m = atoi(s + 4);
	else if (n == 5 && s[3] != ':')
		m = atoi(s + 3);
	else if (n != 3)
		goto bad;
	if (h > 14 || m > 59)
		goto bad;
	*offset_s = sign * (int64_t)(h * 3600 + m * 60);
	return 0;
bad:
	return nd_error_set(err, "bad time zone \"%s\": give UTC or an offset such as +01:00 or -05:00", s);
}

int nd_ingest_paths(nd_store *s, char *const *paths, size_t npaths, const nd_ingest_options *opts,
		    const nd_ingest_report *rep, nd_ingest_totals *totals, nd_error *err)
{
	nd_path_list *lists = calloc(npaths ? npaths : 1, sizeof(*lists));
	nd_path_list later = {0}; /* NPS text logs without a zone: read last */
	size_t i, j, index = 0, count = 0, dir_failures = 0;
	int rc = 0;

	memset(totals, 0, sizeof(*totals));
	if (!lists)
		return nd_error_set(err, "out of memory");
	/* Each path on its own: a directory in which nothing is readable is a
	 * failure of its own. */
	for (i = 0; i < npaths && rc == 0; i++) {
		size_t failed;

		rc = collect(paths + i, 1, 1, rep, &lists[i], &failed);
		dir_failures += failed;
		count += lists[i].count;
	}
	if (rc != 0) {
		nd_error_set(err, "out of memory");
		goto done;
	}
	for (i = 0; i < npaths && rc == 0; i++) {
		int is_dir = nd_file_is_dir(paths[i]), any = 0;

		for (j = 0; j < lists[i].count && rc == 0; j++) {
			size_t deferred = later.count;
			int readable;

			rc = ingest_one(s, lists[i].items[j], is_dir, index, count, opts, rep, NULL, &later, totals,
					&readable, err);
			index += later.count == deferred;
			any |= readable;
		}
		if (rc == 0 && is_dir && !any) {
			nd_error msg;

			nd_error_set(&msg, "%s: no file in this directory is in a format npsdiag reads", paths[i]);
			report_problem(rep, ND_PROBLEM_ERROR, msg.message);
			dir_failures++;
		}
	}
	for (j = 0; j < later.count && rc == 0; j++) {
		int readable;

		rc = ingest_one(s, later.items[j], 0, index++, count, opts, rep, NULL, NULL, totals, &readable, err);
	}
	totals->files_failed += dir_failures;
	totals->sum.errors += dir_failures;
done:
	for (i = 0; i < npaths; i++)
		nd_path_list_free(&lists[i]);
	nd_path_list_free(&later);
	free(lists);
	return rc;
}
