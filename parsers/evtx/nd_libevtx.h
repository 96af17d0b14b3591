/* nd_libevtx: the functions of libevtx and libbfio that evtx_decode calls,
 * in a table filled when a decoder first hands a chunk to libevtx: loaded
 * then on POSIX (nd_libevtx_dl.c; a start of npsdiag, and an ingest whose
 * records our own decoder reads, map neither), linked on Windows
 * (nd_libevtx_linked.c: its static libevtx carries libbfio's code). */
#ifndef ND_LIBEVTX_H
#define ND_LIBEVTX_H

#include <libevtx.h>

#include "nd_error.h"
#include "nd_lib.h"

#define ND_LIBEVTX_FUNCS(X)                                                                                            \
	X(libevtx_get_version)                                                                                         \
	X(libevtx_error_free)                                                                                          \
	X(libevtx_error_sprint)                                                                                        \
	X(libevtx_file_initialize)                                                                                     \
	X(libevtx_file_open_file_io_handle)                                                                            \
	X(libevtx_file_close)                                                                                          \
	X(libevtx_file_free)                                                                                           \
	X(libevtx_file_get_number_of_records)                                                                          \
	X(libevtx_file_get_number_of_recovered_records)                                                                \
	X(libevtx_file_get_record_by_index)                                                                            \
	X(libevtx_file_get_recovered_record_by_index)                                                                  \
	X(libevtx_record_get_identifier)                                                                               \
	X(libevtx_record_get_utf16_xml_string_size)                                                                    \
	X(libevtx_record_get_utf16_xml_string)                                                                         \
	X(libevtx_record_free)

#define ND_LIBBFIO_FUNCS(X)                                                                                            \
	X(libbfio_memory_range_initialize)                                                                             \
	X(libbfio_memory_range_set)                                                                                    \
	X(libbfio_handle_free)

typedef struct nd_libevtx {
	ND_LIBEVTX_FUNCS(ND_LIB_SLOT)
	ND_LIBBFIO_FUNCS(ND_LIB_SLOT)
} nd_libevtx;

/* Fills t with libevtx's and libbfio's functions. Returns 0, or -1 with
 * err set (a library cannot be loaded, or lacks one of them). */
int nd_libevtx_load(nd_libevtx *t, nd_error *err);

#endif
