/* nd_cert_time: certificate and CRL times as unix seconds and as text. */
#include "nd_cert.h"

#include <stdio.h>

#include "nd_libcrypto.h"
#include "nd_time.h"

int64_t nd_cert_time(const nd_libcrypto *k, const ASN1_TIME *t)
{
	ASN1_TIME *epoch;
	int days = 0, secs = 0;

	if (!t || !(epoch = k->ASN1_TIME_set(NULL, 0)))
		return 0;
	if (!k->ASN1_TIME_diff(&days, &secs, epoch, t))
		days = secs = 0;
	k->ASN1_TIME_free(epoch);
	return (int64_t)days * 86400 + secs;
}

const char *nd_cert_time_text(int64_t t, char *buf)
{
	char full[ND_TIME_ISO_SIZE];

	nd_time_format(t * ND_TICKS_PER_SECOND, full);
	snprintf(buf, ND_CERT_TIME_SIZE, "%.19sZ", full);
	return buf;
}
