/* fam_nps_service: the NPS service's own events in the NPS server's System
 * log (provider NPS, IAS on old servers): directory reachability
 * 4400-4402, the Blast-RADIUS hardening family 4418-4422 (4421: the
 * RequireMsgAuth / limitProxyState settings are not in Enable mode), and
 * the RADIUS client problems 13 (unknown client), 14, 17, 18 (bad
 * authenticator, usually a shared-secret mismatch). Classic events. */
#include "nd_family.h"

static const char *const providers[] = {"nps", "ias", NULL};

/* Returns 1 for 4400-4422, 13, 14, 17 and 18. */
static int wants(uint32_t id)
{
	return (id >= 4400 && id <= 4422) || id == 13 || id == 14 || id == 17 || id == 18;
}

/* Names the fields of an NPS service event. Returns 0, or -1 when out of
 * memory. */
static int name_fields(nd_record *ev)
{
	static const char *const dc[] = {"DomainController", "Domain"};
	static const char *const domain[] = {"Domain"};
	static const char *const client[] = {"ClientAddress"};
	static const char *const server[] = {"ServerAddress"};
	static const char *const mode[] = {"Mode"};

	switch (ev->event_id) {
	case 4400:
	case 4401:
		return nd_record_name_fields(ev, dc, 2);
	case 4402:
		return nd_record_name_fields(ev, domain, 1);
	case 4418:
	case 13:
	case 14:
	case 17:
	case 18:
		return nd_record_name_fields(ev, client, 1);
	case 4420:
		return nd_record_name_fields(ev, server, 1);
	case 4421:
		return nd_record_name_fields(ev, mode, 1);
	default:
		return 0;
	}
}

static const nd_column columns[] = {
	{"domain", "Domain", ND_COL_TEXT, "4400-4402: domain NPS queries"},
	{"domain_controller", "DomainController", ND_COL_TEXT, "4400/4401: domain controller"},
	{"client_address", "ClientAddress", ND_COL_TEXT, "13/14/17/18/4418: RADIUS client address"},
	{"server_address", "ServerAddress", ND_COL_TEXT, "4420: remote RADIUS server"},
	{"mode", "Mode", ND_COL_TEXT, "4421: Disable or Audit (RequireMsgAuth / limitProxyState)"},
};

const nd_family nd_family_nps_service = {
	"nps_service", "nps_service_events", providers, wants, name_fields, columns,
	sizeof(columns) / sizeof(columns[0]),
	"NPS / IAS 4400-4422, 13, 14, 17, 18 (NPS server System log): domain controllers, Blast-RADIUS, RADIUS clients",
	NULL,
};
