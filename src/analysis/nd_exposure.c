#include "nd_exposure.h"

#include <stdlib.h>
#include <string.h>

#include "nd_ascii.h"
#include "nd_buf.h"
#include "nd_sort.h"

/* At most this many distinct workloads are named; the rest are counted. */
#define MAX_NAMED 20

int nd_exposure_auth(const char *auth)
{
	static const char *const exposed[] = {"pap", "chap", "mschap", "mschapv1", "mschapv2"};
	char norm[16];
	size_t n = 0, i;

	if (!auth)
		return 0;
	for (; *auth; auth++) {
		if (*auth == ' ' || *auth == '-')
			continue;
		if (n + 1 >= sizeof(norm))
			return 0;
		norm[n++] = (char)nd_ascii_lower((unsigned char)*auth);
	}
	norm[n] = '\0';
	for (i = 0; i < sizeof(exposed) / sizeof(*exposed); i++)
		if (strcmp(norm, exposed[i]) == 0)
			return 1;
	return 0;
}

/* Returns 1 if decision n is a grant or denial of host, else 0. */
static int decision_of(const nd_decision *n, size_t host)
{
	return n->host == host && (n->event == 6272 || n->event == 6273);
}

int nd_exposure_host(const nd_analysis_data *d, size_t host)
{
	size_t i;

	for (i = 0; i < d->ndecisions; i++)
		if (decision_of(&d->decisions[i], host) &&
		    nd_exposure_auth(nd_analysis_s(d, d->decisions[i].auth_type)))
			return 1;
	return 0;
}

void nd_exposure_hosts(const nd_analysis_data *d, unsigned char *exposed)
{
	size_t i;

	memset(exposed, 0, d->nhosts);
	for (i = 0; i < d->ndecisions; i++) {
		const nd_decision *n = &d->decisions[i];

		if (n->host < d->nhosts && decision_of(n, n->host) && nd_exposure_auth(nd_analysis_s(d, n->auth_type)))
			exposed[n->host] = 1;
	}
}

/* Compares two possibly absent strings, absent first. Returns <0, 0, >0. */
static int str_order(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* The strings of an exposed decision that name its workload. */
typedef struct workload {
	const char *auth_type, *nas_addr, *nas;
} workload;

/* qsort: exposed decisions' workloads by authentication type, NAS
 * address, NAS name. */
static int workload_order(const void *pa, const void *pb)
{
	const workload *a = pa, *b = pb;
	int c = str_order(a->auth_type, b->auth_type);

	if (c || (c = str_order(a->nas_addr, b->nas_addr)))
		return c;
	return str_order(a->nas, b->nas);
}

/* Appends one workload: its authentication type, NAS and count. Returns 0,
 * or -1 when out of memory. */
static int append_workload(nd_buf *b, const workload *n, size_t count)
{
	if (b->len && nd_buf_printf(b, "; ") != 0)
		return -1;
	if (nd_buf_printf(b, "%s from ", n->auth_type) != 0)
		return -1;
	if (n->nas_addr && n->nas && strcmp(n->nas_addr, n->nas) != 0) {
		if (nd_buf_printf(b, "NAS %s (%s)", n->nas_addr, n->nas) != 0)
			return -1;
	} else if (n->nas_addr || n->nas) {
		if (nd_buf_printf(b, "NAS %s", n->nas_addr ? n->nas_addr : n->nas) != 0)
			return -1;
	} else if (nd_buf_printf(b, "an unnamed NAS") != 0) {
		return -1;
	}
	return nd_buf_printf(b, ", %zu %s", count, count == 1 ? "request" : "requests");
}

int nd_exposure_text(const nd_analysis_data *d, size_t host, char **text, nd_error *err)
{
	workload *v = malloc((d->ndecisions + 1) * sizeof(*v));
	nd_buf b = {0};
	size_t n = 0, seen = 0, named = 0, more = 0, i, j;
	int rc = -1;

	*text = NULL;
	if (!v)
		return nd_error_set(err, "out of memory");
	for (i = 0; i < d->ndecisions; i++) {
		if (!decision_of(&d->decisions[i], host))
			continue;
		seen++;
		if (nd_exposure_auth(nd_analysis_s(d, d->decisions[i].auth_type)))
			v[n++] = (workload){nd_analysis_s(d, d->decisions[i].auth_type),
					    nd_analysis_s(d, d->decisions[i].nas_addr),
					    nd_analysis_s(d, d->decisions[i].nas)};
	}
	nd_sort(v, n, sizeof(*v), workload_order);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && workload_order(&v[i], &v[j]) == 0; j++)
			;
		if (named == MAX_NAMED)
			more++;
		else if (append_workload(&b, &v[i], j - i) != 0)
			goto oom;
		else
			named++;
	}
	if (more && nd_buf_printf(&b, "; and %zu more", more) != 0)
		goto oom;
	if (!n && seen &&
	    nd_buf_printf(&b, "none: no PAP, CHAP or MS-CHAP in the %zu NPS decisions of this server", seen) != 0)
		goto oom;
	if (!seen && nd_buf_printf(&b, "none seen: no NPS decision of this server in the logs") != 0)
		goto oom;
	*text = b.data;
	b.data = NULL;
	rc = 0;
	goto done;
oom:
	nd_error_set(err, "out of memory");
done:
	nd_buf_free(&b);
	free(v);
	return rc;
}
