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
#include <string.h>

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

/* nd_out_mem of bytes that may not fit in the buffer: the buffer
 * (allocated first) written out, then s copied, or written too when
 * larger than the buffer. Returns nothing. */
void nd_out_mem_slow(nd_out *o, const char *s, size_t n);

/* Appends n bytes. Returns nothing: a failure is remembered. Inline: a
 * line of JSON is about a hundred appends, most of them literals whose
 * copy the compiler then makes in a few moves. */
static inline void nd_out_mem(nd_out *o, const char *s, size_t n)
{
	if (!o->failed && n - 1 < o->cap - o->len) { /* n > 0 and it fits */
		memcpy(o->buf + o->len, s, n);
		o->len += n;
		return;
	}
	nd_out_mem_slow(o, s, n);
}

/* Appends a literal string (never event data). Returns nothing. */
void nd_out_put(nd_out *o, const char *s);

/* nd_out_put of a string literal, its length known when compiled. */
#define nd_out_lit(o, s) nd_out_mem((o), "" s "", sizeof(s) - 1)

/* Appends the plen bytes of prefix (a literal), then the n bytes of s
 * between double quotes, as they are: the caller made sure s needs no
 * escaping. Returns nothing. Always inline, so that the prefix's copy is
 * a few moves (left to itself the compiler made it a function called by
 * every member, copying the prefix with memcpy). */
static inline __attribute__((always_inline)) void nd_out_quoted(nd_out *o, const char *prefix, size_t plen, const char *s, size_t n)
{
	char *p;

	if (o->failed)
		return;
	if (plen + n + 2 > o->cap - o->len || plen + n + 2 < n) {
		nd_out_mem(o, prefix, plen);
		nd_out_mem(o, "\"", 1);
		nd_out_mem(o, s, n);
		nd_out_mem(o, "\"", 1);
		return;
	}
	p = o->buf + o->len;
	memcpy(p, prefix, plen);
	p[plen] = '"';
	memcpy(p + plen + 1, s, n);
	p[plen + 1 + n] = '"';
	o->len += plen + n + 2;
}

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
