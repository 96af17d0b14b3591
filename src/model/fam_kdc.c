/* fam_kdc: Kerberos KDC events 39-41 in a domain controller's System log
 * (source Kdcsvc): a certificate without a strong mapping to its account
 * (KB5014754). With NPS reason 16 and client error 853 they identify the
 * strong-certificate-mapping cause. Their layout is not confirmed, so the
 * fields are kept as they come (event_fields) and there is no typed
 * table. */
#include "nd_family.h"

static const char *const providers[] = {"kdcsvc", "microsoft-windows-kerberos-key-distribution-center", NULL};

/* Returns 1 for 39-41. */
static int wants(uint32_t id)
{
	return id >= 39 && id <= 41;
}

const nd_family nd_family_kdc = {
	"kdc", NULL, providers, wants, NULL, NULL, 0,
	"Kdcsvc 39-41 (domain controller System log): certificate not strongly mapped (KB5014754)",
	NULL,
};
