#include "nd_ingest.h"

#include "nd_ascii.h"
#include "nd_dir.h"
#include "nd_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The longest path the walk builds, with its NUL. */
#define ND_PATH_MAX 4096
#define ND_STR_(x) #x
#define ND_STR(x) ND_STR_(x)

static int collect_dir(const char *dir, nd_path_list *out, const nd_ingest_report *rep, size_t *failed, int depth);

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
} file_ctx;

/* Appends a copy of path. Returns 0, or -1 when out of memory. */
static int list_add(nd_path_list *l, const char *path)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **p = realloc(l->items, cap * sizeof(*p));

		if (!p)
			return -1;
		l->items = p;
		l->cap = cap;
	}
	l->items[l->count] = strdup(path);
	if (!l->items[l->count])
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

/* Collects the entry path (named name) of a walked directory: a *.evtx
 * file, or one a symbolic link points to, is listed; a directory is
 * searched; what is skipped and could matter is named. Returns 0, or -1
 * when out of memory. */
static int collect_entry(const char *path, const char *name, nd_path_list *out, const nd_ingest_report *rep,
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
			return collect_dir(path, out, rep, failed, depth + 1);
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
	if (!evtx)
		return 0;
	if (st.type != ND_FILE_REGULAR) {
		skipped(rep, failed, 0, path, "not a regular file", NULL); /* a FIFO or device holds no log */
		return 0;
	}
	return list_add(out, path);
}

/* Collects *.evtx below dir, recursively, in name order, depth levels below
 * a named directory. Unreadable directories and skipped entries are
 * reported, those that may have held a log counted in *failed. Returns 0,
 * or -1 when out of memory. */
static int collect_dir(const char *dir, nd_path_list *out, const nd_ingest_report *rep, size_t *failed, int depth)
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
			rc = collect_entry(path, names.v[i], out, rep, failed, depth);
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
	rc = nd_store_event(f->store, f->source, fam, ev, err);

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

int nd_ingest_file(nd_store *s, const char *path, size_t index, size_t count, const nd_ingest_report *rep,
		   const nd_chunk_filter *filter, nd_ingest_totals *totals, nd_error *err)
{
	nd_evtx_sink sink = {0};
	nd_evtx_counts counts = {0};
	file_ctx f = {0};
	nd_file_info st;
	FILE *fp;
	nd_error e;
	int failed = 0;

	f.store = s;
	f.rep = rep;
	f.path = path;
	f.index = index;
	f.count = count;
	f.filter = filter;
	sink.ctx = &f;
	if (filter)
		sink.chunk_header = sink_chunk_header;
	sink.chunk_begin = sink_chunk_begin;
	sink.chunk_end = sink_chunk_end;
	sink.wants = sink_wants;
	sink.record = sink_record;
	sink.problem = sink_problem;
	sink.progress = sink_progress;
	sink.decoder = rep ? rep->decoder : ND_EVTX_DECODER_FAST;

	/* Opened first, so that a FIFO or a device named by mistake is refused
	 * rather than waited on. */
	if (nd_file_open_read(path, &fp, &st, &e) != 0) {
		report_problem(rep, ND_PROBLEM_ERROR, e.message);
		f.st.errors = 1;
		failed = 1;
	} else {
		fclose(fp);
		if (nd_store_begin(s, err) != 0 || nd_store_source(s, path, st.size, st.mtime_s, &f.source, err) != 0)
			goto store_failed;
		if (nd_evtx_read(path, &sink, &counts, &e) != 0) {
			if (f.store_failed) {
				*err = e;
				goto store_failed;
			}
			report_problem(rep, ND_PROBLEM_ERROR, e.message);
			counts.errors++;
			failed = 1;
		}
		f.st.records = counts.records;
		f.st.wanted = counts.wanted;
		f.st.skipped = counts.skipped;
		f.st.errors = counts.errors;
		f.st.warnings = counts.warnings;
		f.st.chunks = counts.chunks;
		f.st.unchanged = counts.unchanged;
		if (rep && rep->decoded)
			rep->decoded(rep->ctx, path, counts.fast, counts.fallback);
		if (nd_store_source_done(s, f.source, &f.st, err) != 0 || nd_store_commit(s, err) != 0)
			goto store_failed;
	}
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
	nd_store_rollback(s);
	nd_error_prefix(err, "%s", path);
	return -1;
}

int nd_ingest_collect(char *const *paths, size_t npaths, const nd_ingest_report *rep, nd_path_list *out,
		      size_t *failed)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	*failed = 0;
	for (i = 0; i < npaths; i++) {
		int rc;

		if (nd_file_is_dir(paths[i]))
			rc = collect_dir(paths[i], out, rep, failed, 0);
		else
			rc = list_add(out, paths[i]); /* a named file is read whatever its name */
		if (rc != 0) {
			nd_path_list_free(out);
			return -1;
		}
	}
	return 0;
}

int nd_ingest_paths(nd_store *s, char *const *paths, size_t npaths, const nd_ingest_report *rep,
		    nd_ingest_totals *totals, nd_error *err)
{
	nd_path_list files;
	size_t i, dir_failures = 0;
	int rc = 0;

	memset(totals, 0, sizeof(*totals));
	if (nd_ingest_collect(paths, npaths, rep, &files, &dir_failures) != 0)
		return nd_error_set(err, "out of memory");
	for (i = 0; i < files.count && rc == 0; i++)
		rc = nd_ingest_file(s, files.items[i], i, files.count, rep, NULL, totals, err);
	totals->files_failed += dir_failures;
	totals->sum.errors += dir_failures;
	nd_path_list_free(&files);
	return rc;
}
