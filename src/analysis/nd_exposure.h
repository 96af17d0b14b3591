/* nd_exposure: which workloads of an NPS server Blast-RADIUS (CVE-2024-3596)
 * can reach, from the NPS decisions (6272 / 6273) logged on it. EAP-TLS
 * and PEAP carry Message-Authenticator and are not exploitable; PAP,
 * CHAP, MS-CHAP and MS-CHAPv2 are. Works on loaded data; no database, no
 * I/O. */
#ifndef ND_EXPOSURE_H
#define ND_EXPOSURE_H

#include <stddef.h>

#include "nd_analysis_data.h"
#include "nd_error.h"

/* Returns 1 if the NPS AuthenticationType names PAP, CHAP, MS-CHAP or
 * MS-CHAPv2 (without case, spaces or hyphens), else 0 (EAP, PEAP, absent,
 * other). */
int nd_exposure_auth(const char *auth);

/* Returns 1 if a grant or denial logged on host used an exposed
 * authentication type, else 0. */
int nd_exposure_host(const nd_analysis_data *d, size_t host);

/* Sets exposed[h] to 1 for each host h (of d->nhosts) that nd_exposure_host
 * finds exposed, else 0, in one pass over the decisions. Returns nothing. */
void nd_exposure_hosts(const nd_analysis_data *d, unsigned char *exposed);

/* Describes the exposure of host in *text (malloc'd): each distinct
 * exposed authentication type and NAS with its count of decisions ("MS-CHAPv2
 * from NAS 10.0.0.5 (VPN01), 3 requests; ..."), or why none ("none: no
 * PAP, CHAP or MS-CHAP in the 12 NPS decisions ..."). Returns 0, or -1 with
 * err set. */
int nd_exposure_text(const nd_analysis_data *d, size_t host, char **text, nd_error *err);

#endif
