/* fam_remoteaccess: RemoteAccess events 20249-20276 in an RRAS server's
 * System log: failed authentication (20271, with the RAS error code as a
 * little-endian DWORD in <Binary>), accounting at disconnect (20272),
 * address assignment (20274, 20275), method mismatch (20276). Classic
 * events; layouts are known for 20271-20275, the others keep unnamed
 * fields. The first value is the routing domain ("{NA}"). */
#include "nd_family.h"

static const char *const providers[] = {"remoteaccess", NULL};

/* Returns 1 for 20249-20276. */
static int wants(uint32_t id)
{
	return id >= 20249 && id <= 20276;
}

/* Names the fields of a RemoteAccess event. Returns 0, or -1 when out of
 * memory. */
static int name_fields(nd_record *ev)
{
	static const char *const auth_failed[] = {"RoutingDomain", "UserName", "RemoteAddress", "ReasonText",
						  "Flags"};
	static const char *const accounting[] = {
		"RoutingDomain",   "CoId",           "UserName",        "Port",           "ConnectDate",
		"ConnectTime",     "DisconnectDate", "DisconnectTime",  "DurationMinutes", "DurationSeconds",
		"BytesSent",       "BytesReceived",  "DisconnectReason", "TunnelType",    "QuarantineState"};
	static const char *const assigned[] = {"RoutingDomain", "CoId", "UserName", "Port", "AssignedAddress"};
	static const char *const released[] = {"RoutingDomain", "CoId", "AssignedAddress"};

	switch (ev->event_id) {
	case 20271:
		return nd_record_name_fields(ev, auth_failed, 5);
	case 20272:
		return nd_record_name_fields(ev, accounting, 15);
	case 20274:
		return nd_record_name_fields(ev, assigned, 5);
	case 20275:
		return nd_record_name_fields(ev, released, 3);
	default:
		return 0;
	}
}

static const nd_column columns[] = {
	{"routing_domain", "RoutingDomain", ND_COL_TEXT, "routing domain, {NA} when none"},
	{"coid", "CoId", ND_COL_TEXT, "connection GUID where logged"},
	{"user_name", "UserName", ND_COL_TEXT, "user as RRAS saw it"},
	{"remote_address", "RemoteAddress", ND_COL_TEXT, "20271: client's public address"},
	{"assigned_address", "AssignedAddress", ND_COL_TEXT, "20274/20275: inner address"},
	{"port", "Port", ND_COL_TEXT, "RRAS port, e.g. VPN3-12"},
	{"reason_text", "ReasonText|DisconnectReason", ND_COL_TEXT, "20271 failure text, 20272 disconnect reason"},
	{"error_code", "#binary", ND_COL_BINARY_LE32, "20271: RAS error code from <Binary> (join ras_error_codes.code)"},
	{"tunnel_type", "TunnelType", ND_COL_TEXT, "20272: IKEv2, SSTP, ..."},
};

const nd_family nd_family_remoteaccess = {
	"remoteaccess", "remote_access_events", providers, wants, name_fields, columns,
	sizeof(columns) / sizeof(columns[0]),
	"RemoteAccess 20249-20276 (RRAS server System log): authentication failures, accounting, addresses",
	NULL,
};
