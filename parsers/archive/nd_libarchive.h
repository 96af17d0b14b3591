/* nd_libarchive: the functions of libarchive that nd_archive calls, in a
 * table filled when an archive is first opened: loaded then on POSIX
 * (nd_libarchive_dl.c; a start of npsdiag that reads no archive does not
 * map libarchive and its compressors), linked on Windows
 * (nd_libarchive_linked.c). */
#ifndef ND_LIBARCHIVE_H
#define ND_LIBARCHIVE_H

#include <archive.h>
#include <archive_entry.h>

#include "nd_error.h"
#include "nd_lib.h"

#define ND_LIBARCHIVE_FUNCS(X)                                                                                         \
	X(archive_read_new)                                                                                            \
	X(archive_read_support_filter_gzip)                                                                            \
	X(archive_read_support_filter_bzip2)                                                                           \
	X(archive_read_support_filter_xz)                                                                              \
	X(archive_read_support_filter_lzma)                                                                            \
	X(archive_read_support_filter_zstd)                                                                            \
	X(archive_read_support_format_tar)                                                                             \
	X(archive_read_support_format_zip)                                                                             \
	X(archive_read_support_format_7zip)                                                                            \
	X(archive_read_support_format_raw)                                                                             \
	X(archive_read_open_filename)                                                                                  \
	X(archive_read_open)                                                                                           \
	X(archive_read_next_header)                                                                                    \
	X(archive_read_data)                                                                                           \
	X(archive_read_data_skip)                                                                                      \
	X(archive_read_free)                                                                                           \
	X(archive_error_string)                                                                                        \
	X(archive_set_error)                                                                                           \
	X(archive_filter_bytes)                                                                                        \
	X(archive_filter_code)                                                                                         \
	X(archive_format)                                                                                              \
	X(archive_entry_pathname_utf8)                                                                                 \
	X(archive_entry_pathname)                                                                                      \
	X(archive_entry_size_is_set)                                                                                   \
	X(archive_entry_size)                                                                                          \
	X(archive_entry_mtime_is_set)                                                                                  \
	X(archive_entry_mtime)                                                                                         \
	X(archive_entry_filetype)                                                                                      \
	X(archive_entry_is_encrypted)

typedef struct nd_libarchive {
	ND_LIBARCHIVE_FUNCS(ND_LIB_SLOT)
} nd_libarchive;

/* Fills t with libarchive's functions. Returns 0, or -1 with err set
 * (libarchive cannot be loaded, or lacks one of them). */
int nd_libarchive_load(nd_libarchive *t, nd_error *err);

#endif
