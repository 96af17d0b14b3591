/* nd_file: files as the operating system sees them: what a path is (its
 * type, identity, size and modification time) and opening one for reading
 * without ever blocking on a FIFO or a device named by mistake. */
#ifndef ND_FILE_H
#define ND_FILE_H

#include <stdint.h>
#include <stdio.h>

#include "nd_error.h"

/* ND_FILE_LINK only from nd_file_stat with follow 0: a symbolic link. */
typedef enum nd_file_type { ND_FILE_REGULAR, ND_FILE_DIRECTORY, ND_FILE_LINK, ND_FILE_OTHER } nd_file_type;

/* What a path is. dev and ino together identify a file across renames. */
typedef struct nd_file_info {
	nd_file_type type;
	uint64_t dev, ino;
	int64_t size;
	int64_t mtime_s; /* modification time: seconds since 1970 */
	long mtime_ns;   /* and nanoseconds */
} nd_file_info;

/* Describes path (follow 1: the file a symbolic link points to; 0: the
 * link itself). Returns 0 with info filled, or -1 with errno set. */
int nd_file_stat(const char *path, int follow, nd_file_info *info);

/* Returns 1 when path is a directory, else 0. */
int nd_file_is_dir(const char *path);

/* Opens a regular file for reading in binary mode, refusing FIFOs, devices
 * and directories without blocking on them. Returns 0 with *out open (and
 * info filled when not NULL), or -1 with err naming path and the reason. */
int nd_file_open_read(const char *path, FILE **out, nd_file_info *info, nd_error *err);

/* Creates a temporary file for an input that must be read by path but came
 * as a stream (a member of an archive, the standard input): in $TMPDIR
 * (else /tmp) and removed from its directory at once, so that nothing is
 * left behind however the process ends. name (cap bytes) receives a path
 * that opens the same file while *out is open. Returns 0 with *out open for
 * reading and writing, or -1 with err set. */
int nd_file_temp(FILE **out, char *name, size_t cap, nd_error *err);

/* The bytes a name from nd_file_temp may need (Windows: a path in %TEMP%). */
#define ND_FILE_TEMP_NAME 1024

#endif
