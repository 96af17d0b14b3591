/* fam_nps_audit: NPS decisions in the NPS server's Security log,
 * Microsoft-Windows-Security-Auditing 6272-6280 (granted, denied,
 * discarded, quarantined, locked, unlocked). Manifest events: every field
 * is named in EVTX and XML, and the set differs between versions and
 * builds (v1 with MachineInventory, v2 without; some builds without the
 * NAS addresses). Only `Get-WinEvent | ConvertTo-Json` drops the names:
 * its Properties are named here by the manifest order of the one known
 * layout with that event id, version and number of values (events.md 1.1,
 * 1.2 and the real samples in ../shared/corpus/text); any other count
 * stays unnamed rather than guessed. */
#include "nd_family.h"

static const char *const providers[] = {"microsoft-windows-security-auditing", NULL};

/* Returns 1 for 6272-6280. */
static int wants(uint32_t id)
{
	return id >= 6272 && id <= 6280;
}

/* The fields 6272 and 6273 share, in manifest order, as version 1 with the
 * NAS addresses has them. */
#define COMMON_HEAD                                                                                                    \
	"SubjectUserSid", "SubjectUserName", "SubjectDomainName", "FullyQualifiedSubjectUserName",                     \
	    "SubjectMachineSID", "SubjectMachineName", "FullyQualifiedSubjectMachineName"
#define COMMON_NAS "CalledStationID", "CallingStationID"
#define COMMON_TAIL                                                                                                    \
	"NASIdentifier", "NASPortType", "NASPort", "ClientName", "ClientIPAddress", "ProxyPolicyName",                 \
	    "NetworkPolicyName", "AuthenticationProvider", "AuthenticationServer", "AuthenticationType", "EAPType",    \
	    "AccountSessionIdentifier"

/* One field order: event id, version, number of values, names. */
typedef struct layout {
	uint32_t id;
	int version;
	size_t n;
	const char *const *names;
} layout;

static const char *const granted_v1[] = {
    COMMON_HEAD,      "MachineInventory", COMMON_NAS,        "NASIPv4Address",
    "NASIPv6Address", COMMON_TAIL,        "QuarantineState", "QuarantineSessionIdentifier",
    "LoggingResult"};
static const char *const granted_v2[] = {COMMON_HEAD, COMMON_NAS, COMMON_TAIL, "LoggingResult"};
static const char *const denied_v1[] = {COMMON_HEAD, "MachineInventory", COMMON_NAS, "NASIPv4Address", "NASIPv6Address",
					COMMON_TAIL, "ReasonCode",       "Reason",   "LoggingResult"};
static const char *const denied_v1_no_nas_ip[] = {COMMON_HEAD,  "MachineInventory", COMMON_NAS,     COMMON_TAIL,
						  "ReasonCode", "Reason",           "LoggingResult"};
static const char *const denied_v2[] = {COMMON_HEAD, COMMON_NAS, COMMON_TAIL, "ReasonCode", "Reason", "LoggingResult"};

/* A layout entry of the names array names. */
#define LAYOUT(id, version, names) {id, version, sizeof(names) / sizeof(names[0]), names}
static const layout layouts[] = {
    LAYOUT(6272, 1, granted_v1),          LAYOUT(6272, 2, granted_v2), LAYOUT(6273, 1, denied_v1),
    LAYOUT(6273, 1, denied_v1_no_nas_ip), LAYOUT(6273, 2, denied_v2),
};

/* Names the values of a decision whose fields all came without names (a
 * ConvertTo-Json export) by the layout of its id, version and number of
 * values. Returns 0 (named, or left as it was), or -1 when out of memory. */
static int name_fields(nd_record *ev)
{
	size_t i;

	for (i = 0; i < ev->nfields; i++)
		if (ev->fields[i].name)
			return 0;
	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (layouts[i].id == ev->event_id && layouts[i].version == ev->version && layouts[i].n == ev->nfields)
			return nd_record_name_fields(ev, layouts[i].names, layouts[i].n);
	return 0;
}

static const nd_column columns[] = {
	{"subject_user_sid", "SubjectUserSid", ND_COL_TEXT, "account SID (S-1-0-0 when NPS could not resolve it)"},
	{"subject_user_name", "SubjectUserName", ND_COL_TEXT, "RADIUS User-Name as presented: user@upn, DOMAIN\\user, host/NAME.fqdn"},
	{"subject_domain_name", "SubjectDomainName", ND_COL_TEXT, "account domain"},
	{"fq_subject_user_name", "FullyQualifiedSubjectUserName", ND_COL_TEXT, "DOMAIN\\user or canonical name"},
	{"subject_machine_sid", "SubjectMachineSID", ND_COL_TEXT, "client machine SID (NAP only)"},
	{"subject_machine_name", "SubjectMachineName", ND_COL_TEXT, "client machine name (NAP only)"},
	{"fq_subject_machine_name", "FullyQualifiedSubjectMachineName", ND_COL_TEXT, "client machine FQ name (NAP only)"},
	{"machine_inventory", "MachineInventory", ND_COL_TEXT, "OS-Version (version 1 only)"},
	{"called_station_id", "CalledStationID", ND_COL_TEXT, "VPN server's (public) address"},
	{"calling_station_id", "CallingStationID", ND_COL_TEXT, "client's public address as RRAS saw it"},
	{"nas_ipv4_address", "NASIPv4Address", ND_COL_TEXT, "RRAS address towards NPS"},
	{"nas_ipv6_address", "NASIPv6Address", ND_COL_TEXT, "RRAS IPv6 address"},
	{"nas_identifier", "NASIdentifier", ND_COL_TEXT, "RRAS host name"},
	{"nas_port_type", "NASPortType", ND_COL_TEXT, "Virtual for VPN"},
	{"nas_port", "NASPort", ND_COL_TEXT, "NAS port"},
	{"client_name", "ClientName", ND_COL_TEXT, "RADIUS client friendly name"},
	{"client_ip_address", "ClientIPAddress", ND_COL_TEXT, "RADIUS client address"},
	{"proxy_policy_name", "ProxyPolicyName", ND_COL_TEXT, "connection request policy"},
	{"network_policy_name", "NetworkPolicyName", ND_COL_TEXT, "network policy ('-' when none matched)"},
	{"authentication_provider", "AuthenticationProvider", ND_COL_TEXT, "Windows, or RADIUS when proxied"},
	{"authentication_server", "AuthenticationServer", ND_COL_TEXT, "NPS server name"},
	{"authentication_type", "AuthenticationType", ND_COL_TEXT, "EAP, PEAP, MS-CHAPv2, PAP, ..."},
	{"eap_type", "EAPType", ND_COL_TEXT, "EAP method"},
	{"account_session_identifier", "AccountSessionIdentifier", ND_COL_TEXT, "Acct-Session-Id"},
	{"reason_code", "ReasonCode", ND_COL_CODE, "NPS reason code (join nps_reason_codes.code); NULL for grants"},
	{"reason", "Reason", ND_COL_TEXT, "localized reason text"},
	{"quarantine_state", "QuarantineState", ND_COL_TEXT, "NAP result (6272, 6276-6278)"},
	{"logging_result", "LoggingResult", ND_COL_TEXT, "whether accounting was written"},
};

const nd_family nd_family_nps_audit = {
	"nps_audit", "nps_audit_events", providers, wants, name_fields, columns, sizeof(columns) / sizeof(columns[0]),
	"Security-Auditing 6272-6280 (NPS server Security log): NPS granted, denied, discarded, locked out",
	"nps_text",
};
