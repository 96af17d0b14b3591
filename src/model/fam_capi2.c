/* fam_capi2: Microsoft-Windows-CAPI2/Operational, the certificate chain
 * engine's own log (off by default; docs/cert.md says how to enable it):
 * 11 chain built (CertGetCertificateChain), 30 chain policy verified
 * (CertVerifyCertificateChainPolicy), 41 revocation checked
 * (CertVerifyRevocation), 53 object fetched over the wire
 * (CryptRetrieveObjectByUrlWire: the CRL URL tried), 90 the certificates
 * seen (X509Objects). Manifest events with a UserData payload: their
 * fields are the nested paths event_xml names ("Certificate/@subjectName",
 * "CertificateChain/ChainElement/RevocationInfo/RevocationResult/@value",
 * "URL", "Result/@value"); this family derives from them the fields of its
 * typed columns (Subject, FailingSubject, Url, Error, ErrorName, Process,
 * TaskId, ChainRef). Layouts: docs/cert.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_family.h"

static const char *const providers[] = {"microsoft-windows-capi2", NULL};

/* Returns 1 for 11, 30, 41, 53 and 90. */
static int wants(uint32_t id)
{
	return id == 11 || id == 30 || id == 41 || id == 53 || id == 90;
}

#define ELEMENT "CertificateChain/ChainElement/"

/* The error names of winerror.h and wininet.h that CAPI2 reports on the
 * certificate paths NPS checks. */
static const struct {
	uint32_t code;
	const char *name;
} error_names[] = {
	{0x00000002u, "ERROR_FILE_NOT_FOUND"},
	{0x00002EE2u, "ERROR_INTERNET_TIMEOUT"},
	{0x00002EE7u, "ERROR_INTERNET_NAME_NOT_RESOLVED"},
	{0x00002EFDu, "ERROR_INTERNET_CANNOT_CONNECT"},
	{0x80092004u, "CRYPT_E_NOT_FOUND"},
	{0x80092010u, "CRYPT_E_REVOKED"},
	{0x80092012u, "CRYPT_E_NO_REVOCATION_CHECK"},
	{0x80092013u, "CRYPT_E_REVOCATION_OFFLINE"},
	{0x80096004u, "TRUST_E_CERT_SIGNATURE"},
	{0x800B0101u, "CERT_E_EXPIRED"},
	{0x800B0109u, "CERT_E_UNTRUSTEDROOT"},
	{0x800B010Au, "CERT_E_CHAINING"},
	{0x800B010Cu, "CERT_E_REVOKED"},
	{0x800B010Eu, "CERT_E_REVOCATION_FAILURE"},
	{0x800B010Fu, "CERT_E_CN_NO_MATCH"},
	{0x800B0110u, "CERT_E_WRONG_USAGE"},
	{0x800B0111u, "TRUST_E_EXPLICIT_DISTRUST"},
	{0x800B0112u, "CERT_E_UNTRUSTEDCA"},
	{0x80190194u, "HTTP_E_STATUS_NOT_FOUND"},
};

/* Returns the name of a CAPI2 error code, or NULL. */
static const char *error_name(uint32_t code)
{
	size_t i;

	for (i = 0; i < sizeof(error_names) / sizeof(error_names[0]); i++)
		if (error_names[i].code == code)
			return error_names[i].name;
	return NULL;
}

/* Reads a CAPI2 status value: hexadecimal digits without "0x" ("80092013",
 * "40", "0"). Returns 0 and sets *code, or -1 when s is not one. */
static int hex_code(const char *s, uint32_t *code)
{
	unsigned long long v;
	char *stop;

	if (!s || !*s || *s == '-' || *s == ' ')
		return -1;
	v = strtoull(s, &stop, 16);
	if (*stop || v > UINT32_MAX)
		return -1;
	*code = (uint32_t)v;
	return 0;
}

/* Returns 1 if s is a non-zero CAPI2 status, else 0. */
static int nonzero_text(const char *s)
{
	uint32_t code;

	return hex_code(s, &code) == 0 && code != 0;
}

/* Returns 1 if field f holds a non-zero CAPI2 status, else 0. */
static int nonzero(const nd_field *f)
{
	return nonzero_text(f->value);
}

/* Adds field name = value when value is not NULL. Returns 0, or -1 when out
 * of memory. */
static int derive(nd_record *ev, const char *name, const char *value)
{
	return value ? nd_record_add_field(ev, name, value, strlen(value)) : 0;
}

/* Adds Error ("0x80092013") and ErrorName from a CAPI2 status value, when
 * it is one and not 0. Returns 0, or -1 when out of memory. */
static int derive_error(nd_record *ev, const char *value)
{
	char text[16];
	uint32_t code;

	if (hex_code(value, &code) != 0 || code == 0)
		return 0;
	snprintf(text, sizeof(text), "0x%08X", (unsigned)code);
	return derive(ev, "Error", text) || derive(ev, "ErrorName", error_name(code));
}

/* Event 11: the chain's leaf is its first element; the failing certificate
 * is the first element with a trust error or a revocation result, and its
 * CRL URL when the event names one. Returns 0, or -1 when out of memory. */
static int derive_chain(nd_record *ev)
{
	const char *leaf = NULL, *subject = NULL, *url = NULL, *revocation = NULL;
	size_t i, n = ev->nfields;
	int element = -1, failing = -1;

	for (i = 0; i < n; i++) {
		const nd_field *f = &ev->fields[i];

		if (!f->name || strncmp(f->name, ELEMENT, strlen(ELEMENT)) != 0)
			continue;
		if (strcmp(f->name, ELEMENT "Certificate/@subjectName") == 0) {
			if (failing >= 0)
				break;
			element++;
			subject = f->value;
			url = revocation = NULL;
			if (!leaf)
				leaf = f->value;
		} else if (strcmp(f->name, ELEMENT "RevocationInfo/CertificateRevocationList/@url") == 0) {
			url = f->value;
		} else if (strcmp(f->name, ELEMENT "RevocationInfo/RevocationResult/@value") == 0 && nonzero(f)) {
			revocation = f->value;
			failing = element;
		} else if (strcmp(f->name, ELEMENT "TrustStatus/ErrorStatus/@value") == 0 && nonzero(f)) {
			failing = element;
		}
	}
	if (derive(ev, "Subject", leaf ? leaf : nd_record_field(ev, "Certificate/@subjectName")) != 0)
		return -1;
	if (failing >= 0 && (derive(ev, "FailingSubject", subject) != 0 || derive(ev, "Url", url) != 0))
		return -1;
	return derive_error(ev, revocation ? revocation : nd_record_field(ev, "Result/@value"));
}

/* Derives the typed fields of a CAPI2 event from its UserData paths.
 * Returns 0, or -1 when out of memory. */
static int name_fields(nd_record *ev)
{
	const char *subject = nd_record_field(ev, "Certificate/@subjectName");
	const char *status = nd_record_field(ev, "RevocationStatus/@error");
	const char *result = nd_record_field(ev, "Result/@value");
	int rc = 0;

	switch (ev->event_id) {
	case 11:
		rc = derive_chain(ev);
		break;
	case 41:
		if (!(status && nonzero_text(status)))
			status = result;
		rc = derive(ev, "Subject", subject) ||
		     (status && nonzero_text(status) && derive(ev, "FailingSubject", subject)) ||
		     derive(ev, "Url", nd_record_field(ev, "CertificateRevocationList/@url")) ||
		     derive_error(ev, status);
		break;
	case 53:
		rc = derive(ev, "Url", nd_record_field(ev, "URL")) || derive_error(ev, result);
		break;
	default: /* 30, 90 */
		rc = derive(ev, "Subject", subject) || derive_error(ev, result);
		break;
	}
	return rc || derive(ev, "Process", nd_record_field(ev, "EventAuxInfo/@ProcessName")) ||
			       derive(ev, "TaskId", nd_record_field(ev, "CorrelationAuxInfo/@TaskId")) ||
			       derive(ev, "ChainRef", nd_record_field(ev, "CertificateChain/@chainRef"))
		       ? -1
		       : 0;
}

static const nd_column columns[] = {
	{"subject", "Subject", ND_COL_TEXT, "11: the chain's leaf; 30/41/90: the certificate checked (subjectName)"},
	{"failing_subject", "FailingSubject", ND_COL_TEXT,
	 "11: first chain element with a trust error or revocation result; 41: the certificate when the check failed"},
	{"url", "Url", ND_COL_TEXT, "53: URL fetched; 41: the CRL's URL; 11: the failing element's CRL URL"},
	{"error", "Error", ND_COL_CODE, "the failing element's revocation result, else the event's Result (HRESULT)"},
	{"error_name", "ErrorName", ND_COL_TEXT, "CRYPT_E_REVOCATION_OFFLINE, CRYPT_E_NO_REVOCATION_CHECK, ..."},
	{"process", "Process", ND_COL_TEXT, "process that asked (lsass.exe for NPS), EventAuxInfo/@ProcessName"},
	{"task_id", "TaskId", ND_COL_TEXT, "CorrelationAuxInfo/@TaskId: the events of one chain build share it"},
	{"chain_ref", "ChainRef", ND_COL_TEXT, "11/30: CertificateChain/@chainRef, links a policy check to its chain"},
};

const nd_family nd_family_capi2 = {
	"capi2", "capi2_events", providers, wants, name_fields, columns, sizeof(columns) / sizeof(columns[0]),
	"Microsoft-Windows-CAPI2/Operational 11, 30, 41, 53, 90: chain built, policy, revocation, URL fetched,"
	" certificates",
	NULL,
};
