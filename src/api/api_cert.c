/* api_cert: `npsdiag cert`, certificates and chains judged as NPS would
 * see them (src/cert, docs/cert.md), which needs no session; and a chain's
 * findings attached to the diagnosed incidents they explain
 * (nd_cert_evidence, `diagnose --cert`). */
#include <string.h>
#include <time.h>

#include "api_session.h"
#include "nd_cert.h"
#include "nd_cert_evidence.h"

int api_cert_load(nd_cert_set *set, char *const *paths, size_t npaths, const npsdiag_cert_options *o, nd_error *e)
{
	double timeout = o->timeout_s > 0 ? o->timeout_s : NPSDIAG_CERT_TIMEOUT_DEFAULT;
	size_t i;

	if (npaths == 0)
		return nd_error_set(e, "no certificate file given");
	for (i = 0; i < npaths; i++)
		if (nd_cert_read_file(set, paths[i], e) < 0)
			return -1;
	if (set->n == 0)
		return nd_error_set(e, "no certificate in the files given (an empty PKCS#7?)");
	nd_cert_set_order(set);
	if (o->fetch && nd_cert_fetch_crls(set, (long)(timeout * 1000.0), e) != 0)
		return -1;
	return nd_cert_judge(set, e);
}

int npsdiag_cert_check(char *const *paths, size_t npaths, const npsdiag_cert_options *o, FILE *out,
		       npsdiag_cert_stats *st, npsdiag_error *err)
{
	const char *format = o->format ? o->format : "text";
	nd_cert_set set;
	nd_buf b = {0};
	nd_error e;
	int json = strcmp(format, "json") == 0, rc;

	if (!json && strcmp(format, "text") != 0) {
		nd_error_set(&e, "unknown certificate format \"%s\" (text or json)", format);
		return api_fail(err, &e);
	}
	nd_cert_set_init(&set, o->now ? o->now : (int64_t)time(NULL));
	rc = api_cert_load(&set, paths, npaths, o, &e);
	if (rc == 0 && (json ? nd_cert_write_json(&set, &b) : nd_cert_write_text(&set, &b)) != 0)
		rc = nd_error_set(&e, "out of memory");
	if (rc == 0 && (fwrite(b.data, 1, b.len, out) != b.len || fflush(out) != 0))
		rc = nd_error_set(&e, "cannot write the certificate report");
	if (rc == 0 && st) {
		st->certificates = set.n;
		st->errors = nd_cert_count(&set, ND_CERT_ERROR);
		st->warnings = nd_cert_count(&set, ND_CERT_WARNING);
		st->notes = nd_cert_count(&set, ND_CERT_NOTE);
	}
	nd_buf_free(&b);
	nd_cert_set_free(&set);
	return rc == 0 ? 0 : api_fail(err, &e);
}

int npsdiag_cert_attach(npsdiag_session *s, char *const *paths, size_t npaths, const npsdiag_cert_options *o,
			size_t *attached, npsdiag_error *err)
{
	static const npsdiag_cert_options none = {NULL, 0, 0.0, 0};
	nd_cert_set set;
	nd_error e;
	long n = -1;

	if (!o)
		o = &none;
	if (!s->store) {
		nd_error_set(&e, "no database in this session");
		return api_fail(err, &e);
	}
	nd_cert_set_init(&set, o->now ? o->now : (int64_t)time(NULL));
	if (api_cert_load(&set, paths, npaths, o, &e) == 0)
		n = nd_cert_evidence_attach(s->store, &set, &e);
	nd_cert_set_free(&set);
	if (n < 0)
		return api_fail(err, &e);
	if (attached)
		*attached = (size_t)n;
	return 0;
}
