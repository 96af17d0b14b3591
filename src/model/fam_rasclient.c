/* fam_rasclient: RasClient events 20220-20227 in a client's Application
 * log: the dial attempt from start (20221) to connected (20225), the
 * disconnect (20226) and the failure (20227) with its error code. Classic
 * events: unnamed Data, named here from their layouts; Windows 10 and later
 * put the connection attempt's CoId first. */
#include "nd_family.h"

static const char *const providers[] = {"rasclient", NULL};

/* Returns 1 for 20220-20227. */
static int wants(uint32_t id)
{
	return id >= 20220 && id <= 20227;
}

/* Names the fields of a RasClient event. Returns 0, or -1 when out of
 * memory. */
static int name_fields(nd_record *ev)
{
	static const char *const failed[] = {"UserName", "ConnectionName", "ErrorCode"};
	static const char *const disconnected[] = {"UserName", "ConnectionName", "ReasonCode"};
	static const char *const established[] = {"UserName", "ConnectionName"};
	static const char *const link[] = {"UserName"};
	static const char *const device[] = {"UserName", "ServerAddress", "DeviceName", "PortName", "MediaType"};
	static const char *const preconnect[] = {"UserName", "ConnectionName", "Settings"};
	static const char *const device_error[] = {"ConnectionName", "DeviceName", "ErrorCode"};

	switch (ev->event_id) {
	case 20227:
		return nd_name_fields_after_coid(ev, failed, 3);
	case 20226:
		return nd_name_fields_after_coid(ev, disconnected, 3);
	case 20225:
		return nd_name_fields_after_coid(ev, established, 2);
	case 20224:
		return nd_name_fields_after_coid(ev, link, 1);
	case 20222:
	case 20223:
		return nd_name_fields_after_coid(ev, device, 5);
	case 20221:
		return nd_name_fields_after_coid(ev, preconnect, 3);
	default:
		return nd_name_fields_after_coid(ev, device_error, 3);
	}
}

static const nd_column columns[] = {
	{"coid", "CoId", ND_COL_TEXT, "connection attempt GUID (Windows 10+), links the events of one dial"},
	{"user_name", "UserName", ND_COL_TEXT, "user as the client logs it: DOMAIN\\user, user@upn, or SYSTEM for a device tunnel"},
	{"connection_name", "ConnectionName", ND_COL_TEXT, "VPN profile name"},
	{"code", "ErrorCode|ReasonCode", ND_COL_CODE, "20227/20220: RAS error code; 20226: disconnect reason (join ras_error_codes.code)"},
	{"code_text", "ErrorCode|ReasonCode", ND_COL_TEXT, "the code as written in the event"},
	{"server_address", "ServerAddress", ND_COL_TEXT, "20222/20223: VPN server dialled"},
	{"device_name", "DeviceName", ND_COL_TEXT, "20222/20223: device, e.g. WAN Miniport (IKEv2)"},
	{"settings", "Settings", ND_COL_TEXT, "20221: the connection settings string"},
};

const nd_family nd_family_rasclient = {
	"rasclient", "ras_client_events", providers, wants, name_fields, columns,
	sizeof(columns) / sizeof(columns[0]),
	"RasClient 20220-20227 (client Application log): dial start, device, connected, disconnected, failed",
	NULL,
};
