/* nd_archive: compressed and archived inputs, read with libarchive without
 * unpacking anything to disk: a compressed file (gzip, bzip2, xz, zstd) and
 * the members of a tar (plain or compressed), zip or 7z archive, one after
 * another, as byte streams. Like every parser it knows no event families
 * nor formats of its own members: the caller sniffs each member and reads
 * it as it would read a file.
 *
 * Member names are the archive's, attacker-controlled: they are handed on
 * as text (never used as paths). Hostile archives are bounded: a member
 * that expands past ND_ARCHIVE_MAX_MEMBER, an archive whose members
 * together expand past ND_ARCHIVE_MAX_TOTAL, or one whose output exceeds
 * ND_ARCHIVE_MAX_RATIO times the compressed bytes read once past
 * ND_ARCHIVE_RATIO_FLOOR (a zip bomb) stops with an error. Encrypted members
 * are described as such and not read.
 */
#ifndef ND_ARCHIVE_H
#define ND_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "nd_error.h"

#define ND_ARCHIVE_MAX_MEMBER ((int64_t)4 << 30)   /* 4 GiB: the largest EVTX log Windows keeps */
#define ND_ARCHIVE_MAX_TOTAL ((int64_t)16 << 30)   /* 16 GiB out of one archive */
#define ND_ARCHIVE_MAX_RATIO 500                   /* output bytes per compressed byte... */
#define ND_ARCHIVE_RATIO_FLOOR ((int64_t)64 << 20) /* ...checked once past 64 MiB of output */

typedef struct nd_archive nd_archive;

/* Where the bytes of an archive come from when it is not a named file:
 * reads up to n bytes into buf. Returns 0 with *got set (0 at the end), or
 * -1 with err set. */
typedef int (*nd_archive_read_fn)(void *ctx, void *buf, size_t n, size_t *got, nd_error *err);

typedef struct nd_archive_member {
	const char *name; /* its path in the archive (valid until the next member) */
	int64_t size;     /* -1 when the archive does not say */
	int64_t mtime_s;  /* seconds since 1970, 0 when not given */
	int regular;      /* 1 for a file; 0 for a directory, link or device entry */
	int encrypted;    /* 1 when its data (or metadata) is encrypted */
} nd_archive_member;

/* Returns 1 if the n first bytes at p are a compressed file or an archive
 * nd_archive reads (by their signature), else 0. */
int nd_archive_is_archive(const uint8_t *p, size_t n);

/* Opens the archive in the file at path (random access, as 7z needs). The
 * data of a file that is only compressed (no archive inside) is one member
 * named after path's last component without its compression suffix
 * ("IN2503.log.gz": "IN2503.log"; "data" when it has none). Returns 0 with
 * *out set, or -1 with err set. */
int nd_archive_open_file(nd_archive **out, const char *path, nd_error *err);

/* Opens an archive read from read (ctx: its context): the standard input,
 * or a member of another archive; name is what it is called (for the name
 * of a compressed file's data, as for nd_archive_open_file). A 7z archive
 * cannot be read this way (it needs random access). Returns 0 with *out
 * set, or -1 with err set. */
int nd_archive_open_stream(nd_archive **out, nd_archive_read_fn read, void *ctx, const char *name, nd_error *err);

/* Moves to the next member. Returns 1 with m filled, 0 at the end of the
 * archive, or -1 with err set when the archive cannot be read further
 * (truncated, corrupt, not an archive after all): the members before it
 * were read. */
int nd_archive_next(nd_archive *a, nd_archive_member *m, nd_error *err);

/* Reads up to n bytes of the current member into buf (an nd_archive_read_fn
 * over the member; ctx is the nd_archive). Returns 0 with *got set (0 at
 * its end), or -1 with err set (corrupt or cut data, a limit passed). */
int nd_archive_read(void *ctx, void *buf, size_t n, size_t *got, nd_error *err);

/* Closes the archive. Returns nothing. */
void nd_archive_free(nd_archive *a);

#endif
