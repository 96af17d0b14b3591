/* nd_identity: who an event is about, in a form that compares across hosts.
 *
 * The same account appears as LAB\rdeckard (client, RRAS, NPS
 * FullyQualifiedSubjectUserName), rdeckard@lab.example (NPS
 * SubjectUserName for a UPN) and, for a device, host/CLIENT01.lab.example
 * (NPS), LAB\CLIENT01$ or SYSTEM on CLIENT01.lab.example (client). An
 * identity is (domain, user) folded to lower-case ASCII; a device is
 * "name$". A domain table learns which NetBIOS names and DNS domains (or
 * UPN suffixes) are the same domain from the events themselves, and maps
 * each domain to one canonical name, so that equal keys mean the same
 * account.
 */
#ifndef ND_IDENTITY_H
#define ND_IDENTITY_H

#include <stddef.h>

#include "nd_error.h"

#define ND_IDENTITY_PART_MAX 256

typedef struct nd_identity {
	char domain[ND_IDENTITY_PART_MAX]; /* "" when the name has none */
	char user[ND_IDENTITY_PART_MAX];
} nd_identity;

/* Parses a user name as logged: "DOMAIN\user", "user@realm",
 * "host/NAME.dns.domain" (a device: user "name$", domain "dns.domain"),
 * or a bare "user" (domain ""); both parts are folded to lower-case ASCII
 * and otherwise kept as logged (no trimming). default_domain, if not NULL,
 * is used for a bare name
 * (e.g. 6273 SubjectDomainName). Returns 0, or -1 when s holds no user. */
int nd_identity_parse(const char *s, const char *default_domain, nd_identity *out);

/* Returns 1 if s is a local system account name (SYSTEM, NT
 * AUTHORITY\SYSTEM), which the client logs for a device tunnel, else 0. */
int nd_identity_is_system(const char *s);

/* Makes the device identity of a computer name "NAME.dns.domain" (user
 * "name$"). Returns 0, or -1 when computer is empty. */
int nd_identity_of_computer(const char *computer, nd_identity *out);

typedef struct nd_domains nd_domains;

/* Creates an empty domain table. Returns it, or NULL when out of memory. */
nd_domains *nd_domains_new(void);

/* Frees a domain table. Returns nothing. */
void nd_domains_free(nd_domains *d);

/* Records that a and b (any case) name the same domain. Returns 0, or -1
 * with err set when out of memory. */
int nd_domains_same(nd_domains *d, const char *a, const char *b, nd_error *err);

/* Records that a DNS domain exists (the suffix of a computer name), so that
 * a NetBIOS name with no learned pair may be matched to it by its first
 * label. Returns 0, or -1 with err set when out of memory. */
int nd_domains_known(nd_domains *d, const char *dns, nd_error *err);

/* Writes the canonical key of id, "domain\user", into out (size n): the
 * domain is the lexically smallest DNS name (a name with a dot) of its
 * learned group, or of the groups whose DNS name starts with the NetBIOS
 * name as first label when exactly one such group exists, else the name
 * itself. Returns out. */
char *nd_domains_key(const nd_domains *d, const nd_identity *id, char *out, size_t n);

#endif
