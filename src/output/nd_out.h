/* nd_out: the one output sink of every format: a buffer over a FILE* with
 * one write-error rule. The first failed write (or flush, or an append
 * that ran out of memory) is remembered, everything after it is dropped,
 * and nd_out_finish reports it as an error naming the output. Writers
 * append without checking each call. */
#ifndef ND_OUT_H
#define ND_OUT_H

#include <stdint.h>
#include <stdio.h>

#include "nd_buf.h"
#include "nd_error.h"

typedef struct nd_out {
	FILE *f;
	const char *name; /* the output, for the error: a path or "standard output" */
	nd_buf b;         /* appended, not yet written */
	int failed;       /* 0, or the errno of the first failure (ENOMEM when an append failed) */
} nd_out;

/* Starts a sink writing to f, named name in errors. Returns nothing. */
void nd_out_init(nd_out *o, FILE *f, const char *name);

/* Appends n bytes. Returns nothing: a failure is remembered. */
void nd_out_mem(nd_out *o, const char *s, size_t n);

/* Appends a literal string (never event data). Returns nothing. */
void nd_out_put(nd_out *o, const char *s);

/* Appends text formatted from a literal format (numbers, literals; at most
 * 511 bytes). Returns nothing. */
void nd_out_printf(nd_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends v in decimal. Returns nothing. */
void nd_out_int(nd_out *o, int64_t v);

/* Appends s through an escaper (nd_escape_*), which decides what NULL
 * becomes. Returns nothing. */
void nd_out_esc(nd_out *o, int (*escaper)(nd_buf *, const char *), const char *s);

/* Remembers that text meant for the output could not be made (out of
 * memory). Returns nothing. */
void nd_out_oom(nd_out *o);

/* Writes what is buffered and flushes the FILE. Returns 0, or -1 once any
 * write has failed. */
int nd_out_flush(nd_out *o);

/* Flushes and frees the buffer (the FILE stays open). Returns 0, or -1
 * with err naming the output and the first failure. */
int nd_out_finish(nd_out *o, nd_error *err);

#endif
