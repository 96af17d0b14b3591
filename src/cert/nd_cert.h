/* nd_cert: certificate evidence (docs/cert.md). Certificates and chains as
 * admins export them (DER .cer, PEM, PKCS#7 .p7b, several files making one
 * chain) are read with OpenSSL's libcrypto, ordered by issuer, described
 * element by element, and judged for what makes NPS reject a client
 * certificate: a CA or leaf without CRL distribution point (258), a
 * missing Client Authentication EKU, an incomplete chain (265), an expired
 * element; with a fetch, each HTTP CDP's CRL is downloaded (nd_http) and
 * checked (259, revoked). Knows no events and no database. libcrypto is
 * loaded by the first read (nd_libcrypto.h, which holds OpenSSL's types:
 * this header does not include OpenSSL's). */
#ifndef ND_CERT_H
#define ND_CERT_H

#include <stddef.h>
#include <stdint.h>

#include "nd_buf.h"
#include "nd_error.h"

/* Largest certificate file read, and most certificates in one run. */
#define ND_CERT_FILE_MAX (16 * 1024 * 1024)
#define ND_CERT_MAX 512
/* Validity up to this many seconds makes a certificate short-lived (the
 * Entra Conditional Access VPN certificates live one hour). */
#define ND_CERT_SHORT_LIVED_S (24 * 3600)
/* A CRL whose nextUpdate is closer than this is about to expire. */
#define ND_CERT_CRL_SOON_S (24 * 3600)
/* Largest CRL downloaded. */
#define ND_CERT_CRL_MAX (32 * 1024 * 1024)

/* A list of owned strings. */
typedef struct nd_strs {
	char **v;
	size_t n, cap;
} nd_strs;

typedef enum nd_cert_role { ND_CERT_LEAF, ND_CERT_ISSUING_CA, ND_CERT_ROOT, ND_CERT_UNRELATED } nd_cert_role;

/* What the CRL at one CDP URL said (a fetch). */
typedef struct nd_cert_crl {
	char *url;
	int fetched;                      /* 1: downloaded and parsed as a CRL */
	int ldap;                         /* 1: an LDAP URL, not fetched */
	char *error;                      /* why it was not fetched or not read, or NULL */
	int signature;                    /* 1 verified with the issuer's key, 0 did not verify, -1 issuer not given */
	int issuer_match;                 /* 1 when the CRL's issuer is the certificate's issuer */
	int64_t this_update, next_update; /* unix seconds; next_update 0 when absent */
	int revoked;                      /* the certificate is listed */
	int64_t revoked_at;
} nd_cert_crl;

struct nd_libcrypto;
struct x509_st;

/* One certificate with what npsdiag says about it. */
typedef struct nd_cert {
	struct x509_st *x509; /* OpenSSL's X509 */
	char *file; /* where it was read */
	nd_cert_role role;
	size_t issuer;   /* index of its issuer in the set, or (size_t)-1 when not given */
	int self_signed; /* issued by itself, signature verified */
	int signature;   /* 1 its signature verifies with its issuer's key, 0 not, -1 issuer not given */
	int is_ca;
	char *subject, *issuer_name, *serial, *sha1, *key;
	int64_t not_before, not_after; /* unix seconds */
	int has_eku, client_auth, any_eku;
	nd_strs ekus, upns, dns, cdp, ocsp, ca_issuers;
	nd_cert_crl *crls;
	size_t ncrls;
} nd_cert;

typedef enum nd_cert_severity { ND_CERT_NOTE, ND_CERT_WARNING, ND_CERT_ERROR } nd_cert_severity;

/* One conclusion about a certificate of the set. */
typedef struct nd_cert_finding {
	const char *id; /* e.g. issuing-ca-no-cdp */
	nd_cert_severity severity;
	size_t cert;           /* the certificate it is about */
	const char *signature; /* the RAS error / NPS reason it explains, e.g. "853/258", or NULL */
	const char *cause;     /* the id of the rule (rules/certificates.rules) naming that cause, or NULL */
	char *message;         /* names the certificate; certificate text only as arguments */
	const char *fix;       /* what to do, or NULL */
} nd_cert_finding;

/* Certificates read, in chain order once nd_cert_set_order has run: the
 * leaf first, then its issuer, up to the root; unrelated ones last. */
typedef struct nd_cert_set {
	nd_cert *v;
	size_t n, cap;
	nd_cert_finding *findings;
	size_t nfindings, fcap;
	int64_t now; /* unix seconds the validity is judged at */
	int fetched; /* the CRLs were fetched */
	struct nd_libcrypto *crypto; /* libcrypto's functions: loaded by the first read, owned */
} nd_cert_set;

/* Appends a copy of s to l. Returns 0, or -1 when out of memory. */
int nd_strs_add(nd_strs *l, const char *s);

/* Frees l's strings. Returns nothing. */
void nd_strs_free(nd_strs *l);

/* Initializes set for judging at now (unix seconds). Returns nothing. */
void nd_cert_set_init(nd_cert_set *set, int64_t now);

/* Frees everything set holds. Returns nothing. */
void nd_cert_set_free(nd_cert_set *set);

/* Reads the certificates of one file (DER or PEM certificates, DER or PEM
 * PKCS#7) into set, each described (nd_cert_describe); duplicates of ones
 * already read are dropped. Returns the number read, or -1 with err set
 * (the file cannot be read, is too large, holds no certificate or too
 * many, libcrypto cannot be loaded, or out of memory). */
long nd_cert_read_file(nd_cert_set *set, const char *path, nd_error *err);

/* Reads the certificates of the n bytes at p (as nd_cert_read_file), file
 * naming where they came from. Returns the number read, or -1 with err. */
long nd_cert_read_mem(nd_cert_set *set, const char *file, const unsigned char *p, size_t n, nd_error *err);

/* Fills c's text fields (subject, issuer, serial, thumbprint, validity,
 * key, EKUs, SAN, CDP, AIA) from c->x509, with set's libcrypto. Returns
 * 0, or -1 when out of memory. */
int nd_cert_describe(const nd_cert_set *set, nd_cert *c);

/* Links each certificate to its issuer (name and key), orders the set
 * from the leaf up to the root and gives each its role. Returns nothing. */
void nd_cert_set_order(nd_cert_set *set);

/* Downloads the CRL of each HTTP(S) CDP URL (LDAP ones are marked not
 * fetched), at most timeout_ms each, and checks it against the issuer.
 * Returns 0, or -1 with err set (out of memory). */
int nd_cert_fetch_crls(nd_cert_set *set, long timeout_ms, nd_error *err);

/* Judges the ordered set: appends its findings. Returns 0, or -1 when out
 * of memory. */
int nd_cert_judge(nd_cert_set *set, nd_error *err);

/* Counts the findings of severity sev. Returns the count. */
size_t nd_cert_count(const nd_cert_set *set, nd_cert_severity sev);

#define ND_CERT_TIME_SIZE 32

/* Writes unix seconds t as "YYYY-MM-DDTHH:MM:SSZ" into buf
 * (ND_CERT_TIME_SIZE bytes). Returns buf. */
const char *nd_cert_time_text(int64_t t, char *buf);

/* Returns the name of a role ("leaf", "issuing CA", ...). */
const char *nd_cert_role_name(nd_cert_role role);

/* Returns the name of a severity ("error", "warning", "note"). */
const char *nd_cert_severity_name(nd_cert_severity sev);

/* Writes the set and its findings to b as text for a terminal, all
 * certificate text escaped. Returns 0, or -1 when out of memory. */
int nd_cert_write_text(const nd_cert_set *set, nd_buf *b);

/* Writes the set and its findings to b as one JSON document. Returns 0,
 * or -1 when out of memory. */
int nd_cert_write_json(const nd_cert_set *set, nd_buf *b);

#endif
