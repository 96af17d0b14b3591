#include "nd_cert_match.h"

#include <string.h>

int nd_cert_explains_incident(const nd_cert_user *u, const nd_cert_finding *f, const nd_res_incident *i)
{
	nd_cert_target t;

	if (i->finding)
		return 0;
	t.cause = i->cause->cause_id;
	t.user = i->user;
	t.identity = i->identity;
	t.has_client_error = i->client_error.has;
	t.client_error = i->client_error.code;
	t.has_nps_reason = i->nps_reason.has;
	t.nps_reason = i->nps_reason.code;
	return nd_cert_explains(u, f, &t);
}

int nd_cert_match(nd_results *res, const nd_cert_user *u, const nd_cert_finding *f, nd_cert_matches *m,
		  nd_error *err)
{
	const nd_res_incident *i;
	int rc;

	memset(m, 0, sizeof(*m));
	nd_results_rewind(res, ND_RES_INCIDENTS);
	while ((rc = nd_results_next(res, &i, err)) == 1) {
		if (!nd_cert_explains_incident(u, f, i))
			continue;
		if (m->nids < ND_CERT_MATCH_IDS)
			m->ids[m->nids++] = i->id;
		m->total++;
	}
	return rc < 0 ? -1 : 0;
}
