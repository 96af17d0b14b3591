/* nd_cert_write: the certificates and findings of `npsdiag cert` as text
 * for a terminal or as one JSON document (docs/cert.md). Everything taken
 * from a certificate, a file name or a download is escaped. */
#include "nd_cert.h"

#include <stdio.h>

#include "nd_escape.h"

/* Returns the validity of c at now, in words. */
static const char *validity(const nd_cert_set *set, const nd_cert *c)
{
	if (set->now > c->not_after)
		return "expired";
	if (set->now < c->not_before)
		return "not yet valid";
	return c->not_after - c->not_before <= ND_CERT_SHORT_LIVED_S ? "valid, short-lived" : "valid";
}

/* Returns what the CRL at one URL said, in words. */
static const char *crl_state(const nd_cert_set *set, const nd_cert_crl *r)
{
	if (r->ldap)
		return "not fetched (LDAP)";
	if (!r->fetched)
		return "not fetched";
	if (r->signature == 0 || !r->issuer_match)
		return "not signed by the issuer";
	if (r->next_update && r->next_update < set->now)
		return "expired";
	if (r->revoked)
		return "lists the certificate";
	return "current, does not list the certificate";
}

/* Appends one "  label  value" line per string of l (one "-" line when
 * empty). Returns 0, or -1. */
static int text_list(nd_buf *b, const char *label, const nd_strs *l)
{
	size_t i;
	int rc = 0;

	if (l->n == 0)
		return nd_buf_printf(b, "  %-11s -\n", label);
	for (i = 0; i < l->n && rc == 0; i++)
		rc = nd_buf_printf(b, "  %-11s ", i ? "" : label) | nd_escape_text(b, l->v[i]) |
		     nd_buf_append(b, "\n", 1);
	return rc;
}

/* Appends "  label  value\n" with value escaped. Returns 0, or -1. */
static int text_field(nd_buf *b, const char *label, const char *value)
{
	return nd_buf_printf(b, "  %-11s ", label) | nd_escape_text(b, value) | nd_buf_append(b, "\n", 1);
}

/* Appends one certificate as text. Returns 0, or -1. */
static int text_cert(const nd_cert_set *set, size_t i, nd_buf *b)
{
	const nd_cert *c = &set->v[i];
	char t1[ND_CERT_TIME_SIZE], t2[ND_CERT_TIME_SIZE];
	size_t j;
	int rc;

	rc = nd_buf_printf(b, "certificate %zu: %s (", i, nd_cert_role_name(c->role)) | nd_escape_text(b, c->file) |
	     nd_buf_append(b, ")\n", 2);
	rc |= text_field(b, "subject", c->subject) | text_field(b, "issuer", c->issuer_name) |
	      text_field(b, "serial", c->serial) | text_field(b, "sha1", c->sha1);
	rc |= nd_buf_printf(b, "  %-11s %s .. %s (%s)\n", "valid", nd_cert_time_text(c->not_before, t1),
			    nd_cert_time_text(c->not_after, t2), validity(set, c));
	rc |= text_field(b, "key", c->key);
	if (c->has_eku)
		rc |= text_list(b, "eku", &c->ekus);
	else
		rc |= nd_buf_printf(b, "  %-11s (none: every purpose)\n", "eku");
	rc |= text_list(b, "upn", &c->upns) | text_list(b, "dns", &c->dns) | text_list(b, "cdp", &c->cdp) |
	      text_list(b, "ocsp", &c->ocsp) | text_list(b, "ca issuers", &c->ca_issuers);
	for (j = 0; j < c->ncrls && rc == 0; j++) {
		const nd_cert_crl *r = &c->crls[j];

		rc |= nd_buf_printf(b, "  %-11s ", j ? "" : "crl") | nd_escape_text(b, r->url) |
		      nd_buf_printf(b, ": %s", crl_state(set, r));
		if (r->fetched && r->next_update)
			rc |= nd_buf_printf(b, ", next update %s", nd_cert_time_text(r->next_update, t1));
		if (r->error)
			rc |= nd_buf_printf(b, ": ") | nd_escape_text(b, r->error);
		rc |= nd_buf_append(b, "\n", 1);
	}
	return rc | nd_buf_append(b, "\n", 1);
}

int nd_cert_write_text(const nd_cert_set *set, nd_buf *b)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < set->n && rc == 0; i++)
		rc = text_cert(set, i, b);
	rc |= nd_buf_printf(b, "findings:%s\n", set->nfindings ? "" : " none");
	for (i = 0; i < set->nfindings && rc == 0; i++) {
		const nd_cert_finding *f = &set->findings[i];

		rc |=
		    nd_buf_printf(b, "  %-7s %s (certificate %zu", nd_cert_severity_name(f->severity), f->id, f->cert);
		if (f->signature)
			rc |= nd_buf_printf(b, ", %s", f->signature);
		if (f->cause)
			rc |= nd_buf_printf(b, ", cause %s", f->cause);
		rc |= nd_buf_printf(b, ")\n          ") | nd_escape_text(b, f->message) | nd_buf_append(b, "\n", 1);
		if (f->fix)
			rc |= nd_buf_printf(b, "          fix: %s\n", f->fix);
	}
	return rc | nd_buf_printf(b, "summary: %zu certificates, %zu errors, %zu warnings, %zu notes\n", set->n,
				  nd_cert_count(set, ND_CERT_ERROR), nd_cert_count(set, ND_CERT_WARNING),
				  nd_cert_count(set, ND_CERT_NOTE));
}

/* Appends "key": list as a JSON array. Returns 0, or -1. */
static int json_list(nd_buf *b, const char *key, const nd_strs *l)
{
	size_t i;
	int rc = nd_buf_printf(b, ",\"%s\":[", key);

	for (i = 0; i < l->n; i++)
		rc |= nd_buf_printf(b, "%s", i ? "," : "") | nd_escape_json(b, l->v[i]);
	return rc | nd_buf_append(b, "]", 1);
}

/* Appends "key":value with value a JSON string (null for NULL). Returns 0,
 * or -1. */
static int json_str(nd_buf *b, const char *key, const char *value)
{
	return nd_buf_printf(b, ",\"%s\":", key) | nd_escape_json(b, value);
}

/* Appends the CRLs of c as a JSON array. Returns 0, or -1. */
static int json_crls(const nd_cert_set *set, const nd_cert *c, nd_buf *b)
{
	char t[ND_CERT_TIME_SIZE];
	size_t j;
	int rc = nd_buf_printf(b, ",\"crl\":[");

	for (j = 0; j < c->ncrls; j++) {
		const nd_cert_crl *r = &c->crls[j];

		rc |= nd_buf_printf(b, "%s{\"url\":", j ? "," : "") | nd_escape_json(b, r->url);
		rc |= json_str(b, "state", crl_state(set, r)) | json_str(b, "error", r->error);
		rc |= nd_buf_printf(b, ",\"fetched\":%s", r->fetched ? "true" : "false");
		if (r->fetched) {
			rc |= nd_buf_printf(b, ",\"signature\":%s,\"issuer_match\":%s,\"this_update\":\"%s\"",
					    r->signature == 1   ? "true"
					    : r->signature == 0 ? "false"
								: "null",
					    r->issuer_match ? "true" : "false", nd_cert_time_text(r->this_update, t));
			rc |= r->next_update
				  ? nd_buf_printf(b, ",\"next_update\":\"%s\"", nd_cert_time_text(r->next_update, t))
				  : nd_buf_printf(b, ",\"next_update\":null");
			rc |= nd_buf_printf(b, ",\"revoked\":%s", r->revoked ? "true" : "false");
		}
		rc |= nd_buf_append(b, "}", 1);
	}
	return rc | nd_buf_append(b, "]", 1);
}

/* Appends one certificate as a JSON object. Returns 0, or -1. */
static int json_cert(const nd_cert_set *set, size_t i, nd_buf *b)
{
	const nd_cert *c = &set->v[i];
	char t[ND_CERT_TIME_SIZE];
	int rc;

	rc = nd_buf_printf(b, "%s{\"index\":%zu,\"role\":\"%s\"", i ? "," : "", i, nd_cert_role_name(c->role));
	rc |= json_str(b, "file", c->file) | json_str(b, "subject", c->subject) |
	      json_str(b, "issuer", c->issuer_name) | json_str(b, "serial", c->serial) | json_str(b, "sha1", c->sha1);
	rc |= c->issuer < set->n ? nd_buf_printf(b, ",\"issuer_index\":%zu", c->issuer)
				 : nd_buf_printf(b, ",\"issuer_index\":null");
	rc |= nd_buf_printf(b, ",\"not_before\":\"%s\"", nd_cert_time_text(c->not_before, t));
	rc |= nd_buf_printf(b, ",\"not_after\":\"%s\"", nd_cert_time_text(c->not_after, t));
	rc |= json_str(b, "validity", validity(set, c));
	rc |= nd_buf_printf(b, ",\"short_lived\":%s,\"ca\":%s,\"self_signed\":%s",
			    c->not_after - c->not_before <= ND_CERT_SHORT_LIVED_S ? "true" : "false",
			    c->is_ca ? "true" : "false", c->self_signed ? "true" : "false");
	rc |= json_str(b, "key", c->key);
	rc |= c->has_eku ? json_list(b, "eku", &c->ekus) : nd_buf_printf(b, ",\"eku\":null");
	rc |= nd_buf_printf(b, ",\"client_auth\":%s", c->client_auth ? "true" : "false");
	rc |= json_list(b, "upn", &c->upns) | json_list(b, "dns", &c->dns) | json_list(b, "cdp", &c->cdp) |
	      json_list(b, "ocsp", &c->ocsp) | json_list(b, "ca_issuers", &c->ca_issuers);
	if (set->fetched)
		rc |= json_crls(set, c, b);
	return rc | nd_buf_append(b, "}", 1);
}

int nd_cert_write_json(const nd_cert_set *set, nd_buf *b)
{
	size_t i;
	int rc = nd_buf_printf(b, "{\"certificates\":[");

	for (i = 0; i < set->n && rc == 0; i++)
		rc = json_cert(set, i, b);
	rc |= nd_buf_printf(b, "],\"findings\":[");
	for (i = 0; i < set->nfindings && rc == 0; i++) {
		const nd_cert_finding *f = &set->findings[i];

		rc |= nd_buf_printf(b, "%s{\"id\":\"%s\",\"severity\":\"%s\",\"certificate\":%zu", i ? "," : "", f->id,
				    nd_cert_severity_name(f->severity), f->cert);
		rc |= json_str(b, "subject", set->v[f->cert].subject) | json_str(b, "signature", f->signature) |
		      json_str(b, "cause", f->cause) | json_str(b, "message", f->message) | json_str(b, "fix", f->fix) |
		      nd_buf_append(b, "}", 1);
	}
	return rc |
	       nd_buf_printf(b, "],\"summary\":{\"certificates\":%zu,\"errors\":%zu,\"warnings\":%zu,\"notes\":%zu}}\n",
			     set->n, nd_cert_count(set, ND_CERT_ERROR), nd_cert_count(set, ND_CERT_WARNING),
			     nd_cert_count(set, ND_CERT_NOTE));
}
