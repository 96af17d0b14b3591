#include "nd_archive.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nd_libarchive.h"

/* Bytes asked of a stream source at a time. */
#define BLOCK (64 * 1024)

struct nd_archive {
	nd_libarchive lib;
	struct archive *la;
	/* A stream source: the caller's reader, its block and its last error. */
	nd_archive_read_fn read;
	void *ctx;
	uint8_t *block;
	nd_error source_err;
	int source_failed;
	char *bare;         /* the name of a compressed file's data */
	int64_t member_out; /* bytes of the current member read so far */
	int64_t total_out;  /* bytes of all members read or passed over */
	int in_member;      /* the current member has data not read yet */
	int stopped;        /* a limit was passed: nothing more is read */
	nd_error stop;
};

int nd_archive_is_archive(const uint8_t *p, size_t n)
{
	static const struct {
		const char *sig;
		size_t len;
	} sigs[] = {
	    {"\x1f\x8b", 2},           /* gzip */
	    {"\3757zXZ\0", 6},         /* xz */
	    {"\x28\xb5\x2f\xfd", 4},   /* zstd */
	    {"PK\x03\x04", 4},         /* zip */
	    {"PK\x05\x06", 4},         /* zip without members */
	    {"PK\x07\x08", 4},         /* zip split or spanned */
	    {"7z\xbc\xaf\x27\x1c", 6}, /* 7z */
	};
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (n >= sigs[i].len && memcmp(p, sigs[i].sig, sigs[i].len) == 0)
			return 1;
	if (n >= 4 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' && p[3] <= '9') /* bzip2 */
		return 1;
	return n >= 262 && memcmp(p + 257, "ustar", 5) == 0; /* tar (POSIX and GNU) */
}

/* Returns libarchive's last message on a, or a generic one when it has
 * none. */
static const char *message(nd_archive *a)
{
	const char *msg = a->lib.archive_error_string(a->la);

	return msg ? msg : "cannot be read";
}

/* Returns a copy of name's last component ('/' or '!' ends the ones
 * before) without a compression suffix, "data" when it had none (or NULL
 * when out of memory). */
static char *bare_name(const char *name)
{
	static const char *const suffixes[] = {".gz", ".bz2", ".xz", ".zst", ".zstd", ".z"};
	const char *base = name, *s;
	char *stem;
	size_t n, i;

	for (s = name; *s; s++)
		if (*s == '/' || *s == '!')
			base = s + 1;
	n = strlen(base);
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t k = strlen(suffixes[i]);
		size_t j;

		if (n <= k)
			continue;
		for (j = 0; j < k && (base[n - k + j] | 0x20) == suffixes[i][j]; j++)
			;
		if (j == k && (stem = malloc(n - k + 1))) {
			memcpy(stem, base, n - k);
			stem[n - k] = '\0';
			return stem;
		}
		if (j == k)
			return NULL;
	}
	return strdup("data");
}

/* Makes a libarchive reader of the formats and compressions npsdiag reads:
 * tar, zip, 7z and bare compressed data ("raw"), each plain or compressed
 * with gzip, bzip2, xz/lzma or zstd (none of them through an external
 * program). Returns 0 with *out set, or -1 with err set. */
static int make(nd_archive **out, const char *name, nd_error *err)
{
	nd_archive *a = calloc(1, sizeof(*a));

	if (!a)
		return nd_error_set(err, "out of memory");
	if (nd_libarchive_load(&a->lib, err) != 0) {
		free(a);
		return -1;
	}
	if (!(a->la = a->lib.archive_read_new()) || !(a->bare = bare_name(name))) {
		nd_archive_free(a);
		return nd_error_set(err, "out of memory");
	}
	if (a->lib.archive_read_support_filter_gzip(a->la) != ARCHIVE_OK ||
	    a->lib.archive_read_support_filter_bzip2(a->la) != ARCHIVE_OK ||
	    a->lib.archive_read_support_filter_xz(a->la) != ARCHIVE_OK ||
	    a->lib.archive_read_support_filter_lzma(a->la) != ARCHIVE_OK ||
	    a->lib.archive_read_support_filter_zstd(a->la) != ARCHIVE_OK ||
	    a->lib.archive_read_support_format_tar(a->la) != ARCHIVE_OK ||
	    a->lib.archive_read_support_format_zip(a->la) != ARCHIVE_OK ||
	    a->lib.archive_read_support_format_7zip(a->la) != ARCHIVE_OK ||
	    a->lib.archive_read_support_format_raw(a->la) != ARCHIVE_OK) {
		/* ARCHIVE_WARN: libarchive was built without the library and
		 * would run an external program instead. */
		nd_error_set(err, "libarchive cannot read every compression: %s", message(a));
		nd_archive_free(a);
		return -1;
	}
	*out = a;
	return 0;
}

int nd_archive_open_file(nd_archive **out, const char *path, nd_error *err)
{
	if (make(out, path, err) != 0)
		return -1;
	if ((*out)->lib.archive_read_open_filename((*out)->la, path, BLOCK) != ARCHIVE_OK) {
		nd_error_set(err, "%s", message(*out));
		nd_archive_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* libarchive's read callback over the caller's reader. Returns the number
 * of bytes at *buf, 0 at the end, -1 on error. */
static la_ssize_t stream_read(struct archive *la, void *ctx, const void **buf)
{
	nd_archive *a = ctx;
	size_t got;

	if (a->read(a->ctx, a->block, BLOCK, &got, &a->source_err) != 0) {
		a->source_failed = 1;
		a->lib.archive_set_error(la, EIO, "%s", a->source_err.message);
		return -1;
	}
	*buf = a->block;
	return (la_ssize_t)got;
}

int nd_archive_open_stream(nd_archive **out, nd_archive_read_fn read, void *ctx, const char *name, nd_error *err)
{
	nd_archive *a;

	if (make(out, name, err) != 0)
		return -1;
	a = *out;
	a->read = read;
	a->ctx = ctx;
	if (!(a->block = malloc(BLOCK))) {
		nd_archive_free(a);
		*out = NULL;
		return nd_error_set(err, "out of memory");
	}
	if (a->lib.archive_read_open(a->la, a, NULL, stream_read, NULL) != ARCHIVE_OK) {
		nd_error_set(err, "%s", message(a));
		nd_archive_free(a);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* Sets err from libarchive's last error (the source's own when it
 * failed). Returns -1. */
static int la_error(nd_archive *a, nd_error *err)
{
	if (a->source_failed)
		*err = a->source_err;
	else
		nd_error_set(err, "%s", message(a));
	return -1;
}

/* Checks the limits after more output. Returns 0, or -1 with err (and the
 * archive's stop reason) set. */
static int check_limits(nd_archive *a, nd_error *err)
{
	int64_t in = a->lib.archive_filter_bytes(a->la, -1);

	if (a->member_out > ND_ARCHIVE_MAX_MEMBER)
		nd_error_set(&a->stop,
			     "the member expands past %lld bytes (a zip bomb?); the archive is not read further",
			     (long long)ND_ARCHIVE_MAX_MEMBER);
	else if (a->total_out > ND_ARCHIVE_MAX_TOTAL)
		nd_error_set(&a->stop, "the archive expands past %lld bytes (a zip bomb?); it is not read further",
			     (long long)ND_ARCHIVE_MAX_TOTAL);
	else if (a->total_out > ND_ARCHIVE_RATIO_FLOOR && a->total_out / (in > 0 ? in : 1) > ND_ARCHIVE_MAX_RATIO)
		nd_error_set(&a->stop,
			     "the archive expands more than %d times its compressed size (a zip bomb?); it is not read "
			     "further",
			     ND_ARCHIVE_MAX_RATIO);
	else
		return 0;
	a->stopped = 1;
	*err = a->stop;
	return -1;
}

int nd_archive_read(void *ctx, void *buf, size_t n, size_t *got, nd_error *err)
{
	nd_archive *a = ctx;
	la_ssize_t r;

	*got = 0;
	if (a->stopped) {
		*err = a->stop;
		return -1;
	}
	if (!a->in_member)
		return 0;
	r = a->lib.archive_read_data(a->la, buf, n);
	if (r < 0) {
		a->in_member = 0;
		return la_error(a, err);
	}
	if (r == 0)
		a->in_member = 0;
	*got = (size_t)r;
	a->member_out += r;
	a->total_out += r;
	return check_limits(a, err);
}

/* Passes over the rest of the current member. Where the archive is
 * compressed as a whole that means decompressing it: its bytes are counted
 * against the limits, so that a bomb cannot hide in a member nobody reads.
 * Returns 0, or -1 with err set. */
static int pass_over(nd_archive *a, nd_error *err)
{
	size_t got;

	if (!a->in_member)
		return 0;
	if (a->lib.archive_filter_code(a->la, 0) == ARCHIVE_FILTER_NONE) {
		a->in_member = 0;
		return a->lib.archive_read_data_skip(a->la) == ARCHIVE_OK ? 0 : la_error(a, err);
	}
	while (a->in_member) {
		char scrap[16384];

		if (nd_archive_read(a, scrap, sizeof(scrap), &got, err) != 0)
			return -1;
	}
	return 0;
}

int nd_archive_next(nd_archive *a, nd_archive_member *m, nd_error *err)
{
	struct archive_entry *e;
	const char *name;
	int r;

	if (a->stopped) {
		*err = a->stop;
		return -1;
	}
	if (pass_over(a, err) != 0)
		return -1;
	r = a->lib.archive_read_next_header(a->la, &e);
	if (r == ARCHIVE_EOF)
		return 0;
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN) /* WARN: a name not in the locale's character set */
		return la_error(a, err);
	memset(m, 0, sizeof(*m));
	if (a->lib.archive_format(a->la) == ARCHIVE_FORMAT_RAW) {
		/* Raw data that no filter decoded is not an archive after all. */
		if (a->lib.archive_filter_code(a->la, 0) == ARCHIVE_FILTER_NONE)
			return nd_error_set(err, "not a compressed file or archive npsdiag reads");
		m->name = a->bare;
		m->size = -1;
		m->regular = 1;
	} else {
		name = a->lib.archive_entry_pathname_utf8(e);
		m->name = name ? name : a->lib.archive_entry_pathname(e);
		if (!m->name)
			m->name = "(unnamed)";
		m->size = a->lib.archive_entry_size_is_set(e) ? a->lib.archive_entry_size(e) : -1;
		m->mtime_s = a->lib.archive_entry_mtime_is_set(e) ? (int64_t)a->lib.archive_entry_mtime(e) : 0;
		m->regular = a->lib.archive_entry_filetype(e) == AE_IFREG;
		m->encrypted = a->lib.archive_entry_is_encrypted(e) != 0;
	}
	a->member_out = 0;
	a->in_member = m->regular && !m->encrypted;
	return 1;
}

void nd_archive_free(nd_archive *a)
{
	if (!a)
		return;
	if (a->la)
		a->lib.archive_read_free(a->la);
	free(a->block);
	free(a->bare);
	free(a);
}
