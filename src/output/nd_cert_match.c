#include "nd_cert_match.h"

#include <stdlib.h>
#include <string.h>

int nd_cert_explains(const nd_cert_finding *f, const nd_res_incident *i)
{
	long long error = 0, reason = 0;
	char *end;

	if (i->finding)
		return 0;
	if (f->cause && strcmp(f->cause, i->cause->cause_id) == 0)
		return 1;
	if (!f->signature)
		return 0;
	error = strtoll(f->signature, &end, 10);
	if (*end != '/')
		return 0;
	reason = strtoll(end + 1, &end, 10);
	if (*end != '\0')
		return 0;
	return i->nps_reason.has && i->nps_reason.code == reason &&
	       (!i->client_error.has || i->client_error.code == error);
}

int nd_cert_match(nd_results *res, const nd_cert_finding *f, nd_cert_matches *m, nd_error *err)
{
	const nd_res_incident *i;
	int rc;

	memset(m, 0, sizeof(*m));
	nd_results_rewind(res, ND_RES_INCIDENTS);
	while ((rc = nd_results_next(res, &i, err)) == 1) {
		if (!nd_cert_explains(f, i))
			continue;
		if (m->nids < ND_CERT_MATCH_IDS)
			m->ids[m->nids++] = i->id;
		m->total++;
	}
	return rc < 0 ? -1 : 0;
}
