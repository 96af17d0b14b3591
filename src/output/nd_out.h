/* nd_out: the one output sink of every format: a buffer over a FILE* with
 * one write-error rule. The first failed write (or flush, or an append
 * that ran out of memory) is remembered, everything after it is dropped,
 * and nd_out_finish reports it as an error naming the output. Writers
 * append without checking each call.
 *
 * The buffer has a fixed size (ND_OUT_SIZE): an append that fits is a
 * copy, one that does not writes the buffer out first, one larger than
 * the buffer is written straight through. A line of diagnose's JSON is
 * about a hundred appends, so an append costs a comparison and a copy. */
#ifndef ND_OUT_H
#define ND_OUT_H

#include <stdint.h>
#include <stdio.h>

#include "nd_buf.h"
#include "nd_error.h"

#define ND_OUT_SIZE 65536

typedef struct nd_out {
	FILE *f;
	const char *name; /* the output, for the error: a path or "standard output" */
	char *buf;        /* appended, not yet written: len bytes; cap is ND_OUT_SIZE once allocated */
	size_t len, cap;
	nd_buf esc;       /* what an escaper made, before it is appended */
	int failed;       /* 0, or the errno of the first failure (ENOMEM when an append failed) */
} nd_out;

/* Starts a sink writing to f, named name in errors. Returns nothing. */
void nd_out_init(nd_out *o, FILE *f, const char *name);

/* Appends n bytes. Returns nothing: a failure is remembered. */
void nd_out_mem(nd_out *o, const char *s, size_t n);

/* Appends a literal string (never event data). Returns nothing. */
void nd_out_put(nd_out *o, const char *s);

/* nd_out_put of a string literal, its length known when compiled. */
#define nd_out_lit(o, s) nd_out_mem((o), "" s "", sizeof(s) - 1)

/* Appends the plen bytes of prefix (a literal), then the n bytes of s
 * between double quotes, as they are: the caller made sure s needs no
 * escaping. Returns nothing. */
void nd_out_quoted(nd_out *o, const char *prefix, size_t plen, const char *s, size_t n);

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
