/* fam_nps_text: NPS decisions from the NPS text accounting logs (IN*.log,
 * parsers/nps_text, provider "NPS-TextLog"). An Access-Accept (packet type
 * 2) becomes a 6272 and an Access-Reject (3) a 6273, stored in the typed
 * table of the Security-log decisions (nps_audit_events) so that the
 * correlator pairs them exactly like 6272/6273; events.family says where
 * they came from. Requests and accounting packets are skipped.
 *
 * The three formats name the attributes differently: DTS by element name,
 * ODBC by column (named here from its documented 66-column layout), IAS by
 * attribute number (named here from sdoias.h's ATTRIBUTEID and RFC 2865).
 * They are brought to one set of names, which the columns take. */
#include "nd_family.h"

#include <stdlib.h>
#include <string.h>

static const char *const providers[] = {"nps-textlog", NULL};

/* Returns 1 for Access-Accept and Access-Reject. */
static int wants(uint32_t id)
{
	return id == 2 || id == 3;
}

/* The ODBC ("database-compatible") columns, in order. */
static const char *const odbc[] = {
    "Computer-Name",
    "Service-Name",
    "Record-Date",
    "Record-Time",
    "Packet-Type",
    "User-Name",
    "Fully-Qualified-User-Name",
    "Called-Station-Id",
    "Calling-Station-Id",
    "Callback-Number",
    "Framed-IP-Address",
    "NAS-Identifier",
    "NAS-IP-Address",
    "NAS-Port",
    "Client-Vendor",
    "Client-IP-Address",
    "Client-Friendly-Name",
    "Event-Timestamp",
    "Port-Limit",
    "NAS-Port-Type",
    "Connect-Info",
    "Framed-Protocol",
    "Service-Type",
    "Authentication-Type",
    "NP-Policy-Name",
    "Reason-Code",
    "Class",
    "Session-Timeout",
    "Idle-Timeout",
    "Termination-Action",
    "EAP-Friendly-Name",
    "Acct-Status-Type",
    "Acct-Delay-Time",
    "Acct-Input-Octets",
    "Acct-Output-Octets",
    "Acct-Session-Id",
    "Acct-Authentic",
    "Acct-Session-Time",
    "Acct-Input-Packets",
    "Acct-Output-Packets",
    "Acct-Terminate-Cause",
    "Acct-Multi-Ssn-ID",
    "Acct-Link-Count",
    "Acct-Interim-Interval",
    "Tunnel-Type",
    "Tunnel-Medium-Type",
    "Tunnel-Client-Endpt",
    "Tunnel-Server-Endpt",
    "Acct-Tunnel-Conn",
    "Tunnel-Pvt-Group-ID",
    "Tunnel-Assignment-ID",
    "Tunnel-Preference",
    "MS-Acct-Auth-Type",
    "MS-Acct-EAP-Type",
    "MS-RAS-Version",
    "MS-RAS-Vendor",
    "MS-CHAP-Error",
    "MS-CHAP-Domain",
    "MS-MPPE-Encryption-Types",
    "MS-MPPE-Encryption-Policy",
    "Proxy-Policy-Name",
    "Provider-Type",
    "Provider-Name",
    "Remote-Server-Address",
    "MS-RAS-Client-Name",
    "MS-RAS-Client-Version",
};

/* The IAS format's attribute numbers that matter. */
static const struct {
	const char *id, *name;
} ias[] = {
    {"1", "User-Name"},
    {"4", "NAS-IP-Address"},
    {"5", "NAS-Port"},
    {"25", "Class"},
    {"30", "Called-Station-Id"},
    {"31", "Calling-Station-Id"},
    {"32", "NAS-Identifier"},
    {"44", "Acct-Session-Id"},
    {"61", "NAS-Port-Type"},
    {"4108", "Client-IP-Address"},
    {"4127", "Authentication-Type"},
    {"4128", "Client-Friendly-Name"},
    {"4129", "SAM-Account-Name"},
    {"4130", "Fully-Qualified-User-Name"},
    {"4132", "EAP-Friendly-Name"},
    {"4136", "Packet-Type"},
    {"4142", "Reason-Code"},
    {"4149", "NP-Policy-Name"},
    {"4154", "Proxy-Policy-Name"},
};

/* NPS's Authentication-Type numbers (sdoias.h AUTHENTICATION_TYPE) as the
 * Security log writes them. */
static const char *const auth_types[] = {NULL,        "PAP",           "MD5-CHAP",      "MS-CHAPv1",
					 "MS-CHAPv2", "EAP",           "ARAP",          "Unauthenticated",
					 "Extension", "MS-CHAPv1 CPW", "MS-CHAPv2 CPW", "PEAP"};

/* Renames field i to name. Returns 0, or -1 when out of memory. */
static int rename_field(nd_record *ev, size_t i, const char *name)
{
	return nd_record_set_field_name(ev, i, name);
}

/* Adds name = value when value is not NULL and name is absent. Returns 0,
 * or -1 when out of memory. */
static int add(nd_record *ev, const char *name, const char *value)
{
	if (!value || nd_record_field(ev, name))
		return 0;
	return nd_record_add_field(ev, name, value, strlen(value));
}

/* Names the fields of a text-log record, adds the Security-log spellings
 * of NAS-Port-Type and Authentication-Type, and makes its event id the
 * decision's (2 -> 6272, 3 -> 6273). Returns 0, or -1 when out of memory. */
static int name_fields(nd_record *ev)
{
	const char *v;
	size_t i, j;

	if (nd_record_name_fields(ev, odbc, sizeof(odbc) / sizeof(odbc[0])) != 0)
		return -1;
	for (i = 0; i < ev->nfields; i++)
		for (j = 0; ev->fields[i].name && j < sizeof(ias) / sizeof(ias[0]); j++)
			if (strcmp(ev->fields[i].name, ias[j].id) == 0) {
				if (rename_field(ev, i, ias[j].name) != 0)
					return -1;
				break;
			}
	v = nd_record_field(ev, "NAS-Port-Type");
	if (add(ev, "NASPortType", v && strcmp(v, "5") == 0 ? "Virtual" : v) != 0)
		return -1;
	v = nd_record_field(ev, "Authentication-Type");
	if (v && *v) {
		unsigned long t = strtoul(v, NULL, 10);

		if (add(ev, "AuthenticationType",
			t < sizeof(auth_types) / sizeof(auth_types[0]) && auth_types[t] ? auth_types[t] : v) != 0)
			return -1;
	}
	ev->event_id = ev->event_id == 2 ? ND_EVENT_GRANTED : ev->event_id == 3 ? ND_EVENT_DENIED : ev->event_id;
	return 0;
}

/* A subset of nps_audit_events' columns (the table is made by fam_nps_audit). */
static const nd_column columns[] = {
    {"subject_user_name", "User-Name", ND_COL_TEXT, "User-Name (request lines; usually empty on decisions)"},
    {"fq_subject_user_name", "Fully-Qualifed-User-Name|Fully-Qualified-User-Name|SAM-Account-Name", ND_COL_TEXT,
     "DOMAIN\\user"},
    {"called_station_id", "Called-Station-Id", ND_COL_TEXT, "VPN server's address"},
    {"calling_station_id", "Calling-Station-Id", ND_COL_TEXT, "client's public address"},
    {"nas_ipv4_address", "NAS-IP-Address", ND_COL_TEXT, "RRAS address"},
    {"nas_identifier", "NAS-Identifier", ND_COL_TEXT, "RRAS host name"},
    {"nas_port_type", "NASPortType", ND_COL_TEXT, "Virtual for 5"},
    {"nas_port", "NAS-Port", ND_COL_TEXT, "NAS port"},
    {"client_name", "Client-Friendly-Name", ND_COL_TEXT, "RADIUS client friendly name"},
    {"client_ip_address", "Client-IP-Address", ND_COL_TEXT, "RADIUS client address"},
    {"proxy_policy_name", "Proxy-Policy-Name", ND_COL_TEXT, "connection request policy"},
    {"network_policy_name", "NP-Policy-Name", ND_COL_TEXT, "network policy"},
    {"authentication_server", "Computer-Name", ND_COL_TEXT, "NPS server name"},
    {"authentication_type", "AuthenticationType", ND_COL_TEXT, "PAP, EAP, PEAP, ..."},
    {"eap_type", "EAP-Friendly-Name", ND_COL_TEXT, "EAP method"},
    {"account_session_identifier", "Acct-Session-Id", ND_COL_TEXT, "Acct-Session-Id"},
    {"reason_code", "Reason-Code", ND_COL_CODE, "NPS reason code"},
};

const nd_family nd_family_nps_text = {
    "nps_text",
    "nps_audit_events",
    providers,
    wants,
    name_fields,
    columns,
    sizeof(columns) / sizeof(columns[0]),
    "NPS text accounting logs (IN*.log: DTS, IAS, ODBC): Access-Accept and Access-Reject as 6272 and 6273",
    "nps_audit",
};
