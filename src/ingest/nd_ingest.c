#include "nd_ingest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_ascii.h"
#include "nd_decision_once.h"
#include "nd_dir.h"
#include "nd_file.h"
#include "json_stream.h"
#include "nd_sniff.h"
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
	nd_error failure; /* a store error met where the reader takes none (chunk_begin) */
	/* A text input: its first bytes (already read to know its format),
	 * then the rest of the stream. */
	FILE *in;
	const uint8_t *head;
	size_t head_len, head_used;
	uint64_t done, total;
	const nd_ingest_options *opts;
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

/* sink: decides whether a chunk's wanted records must be decoded. */
static int sink_chunk_begin(void *ctx, uint64_t offset, uint32_t fp)
{
	file_ctx *f = ctx;
	uint32_t old;
	int rc;

	if (f->filter && f->filter->walked)
		f->filter->walked(f->filter->ctx, f->path, offset, fp);
	rc = nd_store_chunk_get(f->store, f->source, offset, &old, &f->failure);
	if (rc < 0) {
		/* This callback cannot stop the read: read the chunk, and the
		 * first callback that can (record, chunk_end) stops it. */
		f->store_failed = 1;
		return 1;
	}
	return rc == 0 || old != fp;
}

/* Stops the read when the store failed in chunk_begin. Returns -1 with err
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
		if (nd_store_commit(f->store, err) != 0 || nd_store_begin(f->store, err) != 0)
			goto failed;
		f->batch = 0;
	}
	return 0;
failed:
	f->store_failed = 1;
	return -1;
}

/* sink: wants the records of a kept family; the family is the tag. */
static const void *sink_wants(void *ctx, const char *provider, const char *source, uint32_t event_id)
{
	(void)ctx;
	return nd_family_match(provider, source, event_id);
}

/* sink: names the fields of a record of family tag and stores it. */
static int sink_record(void *ctx, const void *tag, nd_record *ev, nd_error *err)
{
	file_ctx *f = ctx;
	const nd_family *fam = tag;
	int rc;

	if (stop_failed(f, err) != 0)
		return -1;
	if (fam->name_fields && fam->name_fields(ev) != 0)
		return nd_error_set(err, "out of memory");
	rc = nd_decision_once(f->store, fam, ev, err);
	if (rc == 0)
		rc = nd_store_event(f->store, f->source, fam, ev, err);
	else if (rc == 1)
		rc = 0; /* the same decision from the Security log is there */

	if (rc < 0) {
		f->store_failed = 1;
		return -1;
	}
	if (rc == 1)
		f->st.stored++;
	else
		f->st.duplicates++;
	return 0;
}

/* sink: passes input problems on. */
static void sink_problem(void *ctx, nd_problem_kind kind, const char *msg)
{
	file_ctx *f = ctx;

	report_problem(f->rep, kind, msg);
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
		if (nd_store_commit(f->store, err) != 0 || nd_store_begin(f->store, err) != 0) {
			f->store_failed = 1;
			return -1;
		}
		f->batch = 0;
	}
	return 0;
}

/* xml input: wants an event whose id some family keeps. */
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
	nd_xml_stream_sink sink = {f, NULL, text_record, text_problem};
	nd_xml_stream_counts counts = {0};
	nd_error e;

	return text_read_done(f, nd_json_stream_read(text_read, f, &sink, &counts, &e), &e, &counts, err);
}

/* Reads an NPS text log into the store, its local times in the zone the
 * options give (else as UTC, with a warning). Returns 0 (input problems
 * reported and counted in f->st), or -1 with err set when the store
 * failed. */
static int read_nps_text(file_ctx *f, nd_error *err)
{
	nd_xml_stream_sink sink = {f, NULL, text_record, text_problem};
	nd_xml_stream_counts counts = {0};
	int64_t tz = f->opts && f->opts->tz_given ? f->opts->tz_offset_s : 0;
	nd_error e;

	if (!f->opts || !f->opts->tz_given) {
		nd_error_set(&e, "%s: an NPS text log in local time, read as UTC: give its zone with --tz", f->path);
		report_problem(f->rep, ND_PROBLEM_WARNING, e.message);
		f->st.warnings++;
	}
	return text_read_done(f, nd_nps_text_read(text_read, f, tz, &sink, &counts, &e), &e, &counts, err);
}

/* Reads an EVTX file into the store. Returns 0 (input problems reported
 * and counted in f->st; *failed set when nothing could be read), or -1
 * with err set when the store failed. */
static int read_evtx(file_ctx *f, int *failed, nd_error *err)
{
	nd_evtx_sink sink = {0};
	nd_evtx_counts counts = {0};
	nd_file_info info;
	nd_error e;

	sink.ctx = f;
	if (f->filter)
		sink.chunk_header = sink_chunk_header;
	sink.chunk_begin = sink_chunk_begin;
	sink.chunk_end = sink_chunk_end;
	sink.wants = sink_wants;
	sink.record = sink_record;
	sink.problem = sink_problem;
	sink.progress = sink_progress;
	sink.decoder = f->rep ? f->rep->decoder : ND_EVTX_DECODER_FAST;
	if (nd_file_open_read(f->path, &f->in, &info, &e) != 0 ||
	    nd_evtx_read_file(f->in, f->path, info.size, &sink, &counts, &e) != 0) {
		if (f->store_failed) {
			*err = e;
			return -1;
		}
		report_problem(f->rep, ND_PROBLEM_ERROR, e.message);
		counts.errors++;
		*failed = 1;
	}
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

/* Ingests one input. in_dir: it was found in a directory, where a file of
 * no format npsdiag reads is named and passed over rather than failed.
 * *readable is set to 1 when its format was recognized. Returns 0, or -1
 * with err set when the store failed. */
static int ingest_one(nd_store *s, const char *path, int in_dir, size_t index, size_t count,
		      const nd_ingest_options *opts, const nd_ingest_report *rep, const nd_chunk_filter *filter,
		      nd_ingest_totals *totals, int *readable, nd_error *err)
{
	uint8_t head[ND_SNIFF_BYTES];
	file_ctx f = {0};
	nd_file_info st;
	nd_input_format fmt = ND_INPUT_UNKNOWN;
	nd_error e;
	int failed = 0, rc = 0;

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
		report_problem(rep, ND_PROBLEM_ERROR, e.message);
		f.st.errors = 1;
		failed = 1;
		goto counted;
	}
	f.total = (uint64_t)st.size;
	fmt = nd_sniff(head, f.head_len);
	if (fmt == ND_INPUT_UNKNOWN || fmt == ND_INPUT_EMPTY || (fmt == ND_INPUT_EVTX && f.in == stdin)) {
		const char *why = fmt == ND_INPUT_EVTX ? "an EVTX file must be named, not given on the standard input"
				  : fmt == ND_INPUT_EMPTY ? "empty file"
							  : "not a format npsdiag reads";

		nd_error_set(&e, "%s: %s%s", path, why, in_dir ? "; passed over" : "");
		if (f.in != stdin)
			fclose(f.in);
		report_problem(rep, in_dir ? ND_PROBLEM_WARNING : ND_PROBLEM_ERROR, e.message);
		if (in_dir)
			return 0;
		f.st.errors = 1;
		failed = 1;
		goto counted;
	}
	*readable = 1;
	if (nd_store_begin(s, err) != 0 || nd_store_source(s, path, st.size, st.mtime_s, &f.source, err) != 0)
		goto store_failed;
	if (fmt == ND_INPUT_EVTX) {
		/* Opened again by read_evtx: the reader reads from the start, unbuffered. */
		fclose(f.in);
		f.in = NULL;
		rc = read_evtx(&f, &failed, err);
	} else if (fmt == ND_INPUT_NPS_TEXT) {
		rc = read_nps_text(&f, err);
	} else if (fmt == ND_INPUT_JSON) {
		rc = read_json(&f, err);
	} else {
		rc = read_xml(&f, err);
	}
	if (f.in && f.in != stdin)
		fclose(f.in);
	f.in = NULL;
	if (rc != 0)
		goto store_failed;
	if (nd_store_source_done(s, f.source, &f.st, err) != 0 || nd_store_commit(s, err) != 0)
		goto store_failed;
counted:
	totals->files++;
	totals->files_failed += (size_t)failed;
	totals->sum.records += f.st.records;
	totals->sum.wanted += f.st.wanted;
	totals->sum.stored += f.st.stored;
	totals->sum.duplicates += f.st.duplicates;
	totals->sum.skipped += f.st.skipped;
	totals->sum.errors += f.st.errors;
	totals->sum.warnings += f.st.warnings;
	totals->sum.chunks += f.st.chunks;
	totals->sum.unchanged += f.st.unchanged;
	if (rep && rep->file_done)
		rep->file_done(rep->ctx, path, &f.st, failed);
	return 0;
store_failed:
	if (f.in && f.in != stdin)
		fclose(f.in);
	nd_store_rollback(s);
	nd_error_prefix(err, "%s", path);
	return -1;
}

int nd_ingest_file(nd_store *s, const char *path, size_t index, size_t count, const nd_ingest_report *rep,
		   const nd_chunk_filter *filter, nd_ingest_totals *totals, nd_error *err)
{
	int readable;

	return ingest_one(s, path, 0, index, count, NULL, rep, filter, totals, &readable, err);
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
			int readable;

			rc = ingest_one(s, lists[i].items[j], is_dir, index++, count, opts, rep, NULL, totals,
					&readable, err);
			any |= readable;
		}
		if (rc == 0 && is_dir && !any) {
			nd_error msg;

			nd_error_set(&msg, "%s: no file in this directory is in a format npsdiag reads", paths[i]);
			report_problem(rep, ND_PROBLEM_ERROR, msg.message);
			dir_failures++;
		}
	}
	totals->files_failed += dir_failures;
	totals->sum.errors += dir_failures;
done:
	for (i = 0; i < npaths; i++)
		nd_path_list_free(&lists[i]);
	free(lists);
	return rc;
}
