#include "nd_evidence.h"

#include <string.h>

#include "nd_ascii.h"
#include "nd_time.h"

int nd_evidence_reason(uint32_t reason)
{
	return reason >= 256 && reason <= 299;
}

/* Returns the user part of an account or certificate name: before the '@'
 * of a UPN, after the '\' of DOMAIN\user, else all of it, as *n bytes. */
static const char *user_part(const char *v, size_t *n)
{
	const char *at = strchr(v, '@'), *bs = strrchr(v, '\\');

	if (at) {
		*n = (size_t)(at - v);
		return v;
	}
	if (bs)
		v = bs + 1;
	*n = strlen(v);
	return v;
}

int nd_evidence_same_user(const char *s, const char *v)
{
	size_t ns, nv, i;
	const char *a, *b;

	if (!s || !v || !*s || !*v)
		return 0;
	a = user_part(s, &ns);
	b = user_part(v, &nv);
	if (ns != nv || ns == 0)
		return 0;
	for (i = 0; i < ns; i++)
		if (nd_ascii_lower(a[i]) != nd_ascii_lower(b[i]))
			return 0;
	return 1;
}

/* Returns 1 if CAPI2 event c names a chain's leaf that is not decision n's
 * user (d's), else 0. */
static int other_leaf(const nd_analysis_data *d, const nd_capi2_event *c, const nd_decision *n)
{
	return (c->id == 11 || c->id == 30) && c->subject &&
	       !nd_evidence_same_user(c->subject, nd_analysis_s(d, n->user)) &&
	       !nd_evidence_same_user(c->subject, nd_analysis_s(d, n->fq));
}

/* Returns 1 if CAPI2 event c belongs to a chain build (TaskId) of another
 * leaf among the events [from, to) of d, else 0. */
static int other_task(const nd_analysis_data *d, size_t from, size_t to, const nd_capi2_event *c, const nd_decision *n)
{
	size_t i;

	if (!c->task)
		return 0;
	for (i = from; i < to; i++)
		if (d->capi2[i].task && strcmp(d->capi2[i].task, c->task) == 0 && other_leaf(d, &d->capi2[i], n))
			return 1;
	return 0;
}

/* Returns the rank of CAPI2 event c as the one naming the failing
 * certificate (lower is better), or 9 when it names none. */
static int chain_rank(const nd_capi2_event *c)
{
	if (!c->failing)
		return 9;
	return c->id == 11 ? 0 : c->id == 41 ? 1 : 2;
}

/* Returns the rank of CAPI2 event c as the one naming the URL that failed
 * (lower is better), or 9 when it names none. */
static int fetch_rank(const nd_capi2_event *c)
{
	if (!c->url)
		return 9;
	return c->id == 53 && c->error ? 0 : c->error ? 1 : 9;
}

size_t nd_evidence_capi2(const nd_analysis_data *d, const nd_decision *n, nd_capi2_evidence *out)
{
	int64_t lo = n->ts - (int64_t)ND_EVIDENCE_WINDOW_S * ND_TICKS_PER_SECOND, hi = n->ts + ND_TICKS_PER_SECOND;
	size_t a = 0, b = d->ncapi2, from, to, i;

	memset(out, 0, sizeof(*out));
	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (d->capi2[mid].ts < lo)
			a = mid + 1;
		else
			b = mid;
	}
	from = a;
	for (to = from; to < d->ncapi2 && d->capi2[to].ts <= hi; to++)
		;
	for (i = from; i < to && out->n < ND_EVIDENCE_MAX; i++) {
		const nd_capi2_event *c = &d->capi2[i];

		if (c->host != n->host || other_leaf(d, c, n) || other_task(d, from, to, c, n))
			continue;
		out->idx[out->n++] = i;
		if (chain_rank(c) < 9 && (!out->chain || chain_rank(c) < chain_rank(out->chain)))
			out->chain = c;
		if (fetch_rank(c) < 9 && (!out->fetch || fetch_rank(c) < fetch_rank(out->fetch)))
			out->fetch = c;
	}
	if (!out->fetch && out->chain && out->chain->url)
		out->fetch = out->chain;
	return out->n;
}

/* Appends " NAME (0xCODE)" for error code, or nothing when it is 0.
 * Returns 0, or -1 when out of memory. */
static int put_error(nd_buf *b, const char *name, uint32_t code)
{
	if (!code)
		return 0;
	return nd_buf_printf(b, ": %s (0x%08X)", name ? name : "error", (unsigned)code);
}

int nd_evidence_capi2_text(const nd_analysis_data *d, const nd_decision *n, const nd_capi2_evidence *e, nd_buf *b)
{
	const nd_capi2_event *first = e->n ? &d->capi2[e->idx[0]] : NULL;
	const char *process = NULL;
	double before;
	size_t i;

	if (!first)
		return 0;
	for (i = 0; i < e->n && !process; i++)
		process = d->capi2[e->idx[i]].process;
	if (e->chain && (nd_buf_printf(b, "\"%s\"", e->chain->failing) != 0 ||
			 put_error(b, e->chain->error_name, e->chain->error) != 0))
		return -1;
	if (e->fetch && (nd_buf_printf(b, "%sURL %s", e->chain ? "; " : "", e->fetch->url) != 0 ||
			 put_error(b, e->fetch->error_name, e->fetch->error) != 0))
		return -1;
	if (!e->chain && !e->fetch &&
	    (nd_buf_printf(b, "CAPI2 event %u", (unsigned)first->id) != 0 ||
	     put_error(b, first->error_name, first->error) != 0))
		return -1;
	before = (double)(n->ts - first->ts) / ND_TICKS_PER_SECOND;
	return nd_buf_printf(b, " (CAPI2 log of %s%s%s, %.1f s %s the decision)",
			     first->host < d->nhosts ? d->hosts[first->host] : "?", process ? ", " : "",
			     process ? process : "", before < 0 ? -before : before, before < 0 ? "after" : "before");
}
