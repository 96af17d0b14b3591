#include "nd_evtlog.h"

#include <string.h>

#include "nd_escape.h"

/* Appends an XPath string literal of s, XML-escaped: in single quotes,
 * double quotes when s holds a single one. Returns 0, or -1 when out of
 * memory or s holds both. */
static int literal(nd_buf *out, const char *s)
{
	const char *q = strchr(s, '\'') ? "&quot;" : "'";

	if (*q == '&' && strchr(s, '"'))
		return -1;
	return nd_buf_printf(out, "%s", q) || nd_escape_html(out, s) || nd_buf_printf(out, "%s", q) ? -1 : 0;
}

/* Returns the XPath expressions range r takes: 1 for one id, else 2. */
static size_t expressions(const nd_evtlog_range *r)
{
	return r->first == r->last ? 1 : 2;
}

/* Appends the <Select> of channel for provider's ranges r[0..n). Returns
 * 0, or -1 when out of memory or the provider cannot be a literal. */
static int select_one(nd_buf *out, const char *channel, const char *provider, const nd_evtlog_range *r, size_t n)
{
	size_t i;

	if (nd_buf_printf(out, "<Select Path=\"") || nd_escape_html(out, channel) ||
	    nd_buf_printf(out, "\">*[System[Provider[@Name=") || literal(out, provider) || nd_buf_printf(out, "] and ("))
		return -1;
	for (i = 0; i < n; i++) {
		if (i && nd_buf_printf(out, " or "))
			return -1;
		if (r[i].first == r[i].last ? nd_buf_printf(out, "EventID=%lu", (unsigned long)r[i].first)
					   : nd_buf_printf(out, "(EventID&gt;=%lu and EventID&lt;=%lu)",
							   (unsigned long)r[i].first, (unsigned long)r[i].last))
			return -1;
	}
	return nd_buf_printf(out, ")]]</Select>");
}

int nd_evtlog_query(nd_buf *out, const char *channel, const nd_evtlog_select *sel, size_t nsel)
{
	size_t i, from, to, used;

	if (nd_buf_printf(out, "<QueryList><Query Id=\"0\" Path=\"") || nd_escape_html(out, channel) ||
	    nd_buf_printf(out, "\">"))
		return -1;
	for (i = 0; i < nsel; i++)
		for (from = 0; from < sel[i].nranges; from = to) {
			/* The provider's test, then as many ranges as fit. */
			for (to = from, used = 1; to < sel[i].nranges &&
						  used + expressions(&sel[i].ranges[to]) <= ND_EVTLOG_SELECT_EXPRESSIONS;
			     to++)
				used += expressions(&sel[i].ranges[to]);
			if (select_one(out, channel, sel[i].provider, sel[i].ranges + from, to - from) != 0)
				return -1;
		}
	return nd_buf_printf(out, "</Query></QueryList>");
}
