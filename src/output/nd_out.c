#include "nd_out.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "nd_digits.h"

void nd_out_init(nd_out *o, FILE *f, const char *name)
{
	memset(o, 0, sizeof(*o));
	o->f = f;
	o->name = name;
}

/* Remembers the first failure. Returns nothing. */
static void fail(nd_out *o, int e)
{
	if (!o->failed)
		o->failed = e ? e : EIO;
	o->len = 0;
}

/* Writes the buffer. Returns nothing. */
static void drain(nd_out *o)
{
	if (!o->failed && o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
		fail(o, errno);
	o->len = 0;
}

void nd_out_mem_slow(nd_out *o, const char *s, size_t n)
{
	if (o->failed || !n)
		return;
	if (!o->buf) {
		if (!(o->buf = malloc(ND_OUT_SIZE))) {
			fail(o, ENOMEM);
			return;
		}
		o->cap = ND_OUT_SIZE;
	}
	drain(o);
	if (o->failed)
		return;
	if (n > o->cap) {
		if (fwrite(s, 1, n, o->f) != n)
			fail(o, errno);
		return;
	}
	memcpy(o->buf, s, n);
	o->len = n;
}

void nd_out_put(nd_out *o, const char *s)
{
	nd_out_mem(o, s, strlen(s));
}

void nd_out_printf(nd_out *o, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		fail(o, EOVERFLOW); /* formats here are short: numbers and literals */
	else
		nd_out_mem(o, tmp, (size_t)n);
}

void nd_out_int(nd_out *o, int64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	for (; u >= 100; u /= 100) { /* two digits a division: an event ref has six */
		p -= 2;
		memcpy(p, nd_digit_pairs + 2 * (u % 100), 2);
	}
	if (u >= 10) {
		p -= 2;
		memcpy(p, nd_digit_pairs + 2 * u, 2);
	} else {
		*--p = (char)('0' + u);
	}
	if (v < 0)
		*--p = '-';
	nd_out_mem(o, p, (size_t)(tmp + sizeof(tmp) - p));
}

void nd_out_esc(nd_out *o, int (*escaper)(nd_buf *, const char *), const char *s)
{
	if (o->failed)
		return;
	nd_buf_reset(&o->esc);
	if (escaper(&o->esc, s) != 0)
		fail(o, ENOMEM);
	else
		nd_out_mem(o, o->esc.data, o->esc.len);
}

void nd_out_oom(nd_out *o)
{
	fail(o, ENOMEM);
}

int nd_out_flush(nd_out *o)
{
	drain(o);
	if (!o->failed && fflush(o->f) != 0)
		fail(o, errno);
	return o->failed ? -1 : 0;
}

int nd_out_finish(nd_out *o, nd_error *err)
{
	int rc = nd_out_flush(o);

	free(o->buf);
	o->buf = NULL;
	o->len = o->cap = 0;
	nd_buf_free(&o->esc);
	if (rc != 0)
		return nd_error_set(err, "%s: cannot write: %s", o->name, strerror(o->failed));
	return 0;
}
