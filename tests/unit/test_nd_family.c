/* Unit tests of src/model/nd_family: the family list, matching by
 * provider, event source and id, code parsing, CoId naming. */
#include <string.h>

#include "check.h"
#include "nd_family.h"

/* Every family is complete; tables and column names are there. */
static void test_families(void)
{
	const nd_family *const *f;
	size_t n = 0, i;

	for (f = nd_families(); *f; f++, n++) {
		CHECK((*f)->name && (*f)->providers && (*f)->providers[0] && (*f)->wants);
		for (i = 0; i < (*f)->ncolumns; i++)
			CHECK((*f)->columns[i].name && (*f)->columns[i].doc);
	}
	CHECK(n == 7);
}

/* The text-log family shares nps_audit's table: its columns are a subset;
 * an IAS record (fields named by attribute number) becomes a 6273 with the
 * Security log's spellings. */
static void test_nps_text(void)
{
	const nd_family *audit = nd_family_match("Microsoft-Windows-Security-Auditing", NULL, 6273);
	const nd_family *text = nd_family_match("NPS-TextLog", NULL, 3);
	nd_record ev;
	size_t i, j;

	CHECK(audit && text && text != audit && strcmp(text->table, audit->table) == 0);
	CHECK(nd_family_match("NPS-TextLog", NULL, 1) == NULL && nd_family_match("NPS-TextLog", NULL, 4) == NULL);
	for (i = 0; text && audit && i < text->ncolumns; i++) {
		for (j = 0; j < audit->ncolumns && strcmp(text->columns[i].name, audit->columns[j].name) != 0; j++)
			;
		CHECK(j < audit->ncolumns);
	}
	nd_record_init(&ev);
	ev.event_id = 3;
	CHECK(nd_record_add_field(&ev, "4130", "LAB\\alice", 9) == 0);
	CHECK(nd_record_add_field(&ev, "61", "5", 1) == 0);
	CHECK(nd_record_add_field(&ev, "4127", "11", 2) == 0);
	CHECK(nd_record_add_field(&ev, "4142", "258", 3) == 0);
	CHECK(text && text->name_fields(&ev) == 0);
	CHECK(ev.event_id == 6273);
	CHECK_STR(nd_record_field(&ev, "Fully-Qualified-User-Name"), "LAB\\alice");
	CHECK_STR(nd_record_field(&ev, "Reason-Code"), "258");
	CHECK_STR(nd_record_field(&ev, "NASPortType"), "Virtual");
	CHECK_STR(nd_record_field(&ev, "AuthenticationType"), "PEAP");
	nd_record_reset(&ev);
	/* ODBC: positional fields named by column. */
	ev.event_id = 2;
	for (i = 0; i < 26; i++)
		CHECK(nd_record_add_field(&ev, NULL, i == 25 ? "0" : "x", 1) == 0);
	CHECK(text && text->name_fields(&ev) == 0);
	CHECK(ev.event_id == 6272);
	CHECK_STR(nd_record_field(&ev, "Reason-Code"), "0");
	CHECK_STR(nd_record_field(&ev, "NP-Policy-Name"), "x");
	nd_record_reset(&ev);
}

/* Matching: provider, case, event source name, unknown provider, wrong id. */
static void test_family_match(void)
{
	const nd_family *ras = nd_family_match("RasClient", NULL, 20227);
	nd_record ev;

	CHECK(ras && strcmp(ras->name, "rasclient") == 0);
	CHECK(nd_family_match("RASCLIENT", "", 20227) == ras);
	CHECK(nd_family_match("RasClient", NULL, 4624) == NULL);
	CHECK(nd_family_match("Other", NULL, 20227) == NULL);
	CHECK(nd_family_match("", NULL, 20227) == ras);
	CHECK(nd_family_match(NULL, NULL, 20227) == ras);
	CHECK(nd_family_match("Microsoft-Windows-Security-Auditing", NULL, 6273) != NULL);
	CHECK(nd_family_match("Other", "Security", 6273) == nd_family_match("Security", NULL, 6273));
	nd_record_init(&ev);
	ev.event_id = 20227;
	CHECK(nd_family_for_event(&ev) == NULL);
	CHECK(nd_record_set_string(&ev.provider, "RasClient", 9) == 0);
	CHECK(nd_family_for_event(&ev) == ras);
	nd_record_reset(&ev);
}

/* Codes as events write them; bad ones refused. */
static void test_parse_code(void)
{
	uint32_t code = 7;

	CHECK(nd_parse_code("853", &code) == 0 && code == 853);
	CHECK(nd_parse_code("0x800B0109", &code) == 0 && code == 0x800B0109u);
	CHECK(nd_parse_code("0X10", &code) == 0 && code == 16);
	CHECK(nd_parse_code("-2146762487", &code) == 0 && code == 0x800B0109u);
	CHECK(nd_parse_code(" 13801 ", &code) == 0 && code == 13801);
	CHECK(nd_parse_code("4294967295", &code) == 0 && code == 4294967295u);
	code = 7;
	CHECK(nd_parse_code("", &code) == -1 && code == 7);
	CHECK(nd_parse_code("85x", &code) == -1);
	CHECK(nd_parse_code("4294967296", &code) == -1);
	CHECK(nd_parse_code("-2147483649", &code) == -1);
	CHECK(nd_parse_code("-", &code) == -1);
	CHECK(nd_parse_code("0x", &code) == -1);
}

/* A leading CoId is named so and the layout goes on after it; without
 * one the layout starts at the first field. */
static void test_name_fields_after_coid(void)
{
	static const char *const names[] = {"UserName", "ErrorCode"};
	nd_record ev;

	nd_record_init(&ev);
	CHECK(nd_record_add_field(&ev, NULL, "{7A1C2E44-93B1-4D2F-8F0B-2C6E51D0A9B3}", 38) == 0);
	CHECK(nd_record_add_field(&ev, NULL, "LAB\\u", 5) == 0);
	CHECK(nd_record_add_field(&ev, NULL, "853", 3) == 0);
	CHECK(nd_name_fields_after_coid(&ev, names, 2) == 0);
	CHECK_STR(ev.fields[0].name, "CoId");
	CHECK_STR(nd_record_field(&ev, "ErrorCode"), "853");
	nd_record_reset(&ev);
	CHECK(nd_record_add_field(&ev, NULL, "{not-a-guid}", 12) == 0);
	CHECK(nd_record_add_field(&ev, NULL, "853", 3) == 0);
	CHECK(nd_name_fields_after_coid(&ev, names, 2) == 0);
	CHECK_STR(nd_record_field(&ev, "UserName"), "{not-a-guid}");
	CHECK(nd_record_field(&ev, "CoId") == NULL);
	nd_record_reset(&ev);
	CHECK(nd_name_fields_after_coid(&ev, names, 2) == 0);
}

/* Adds name = value to ev. Returns nothing. */
static void add(nd_record *ev, const char *name, const char *value)
{
	CHECK(nd_record_add_field(ev, name, value, strlen(value)) == 0);
}

/* CAPI2: the typed fields derived from the UserData paths; 41 is CAPI2's
 * and not the KDC's when the provider says so. */
static void test_capi2(void)
{
	const nd_family *capi2 = nd_family_match("Microsoft-Windows-CAPI2", NULL, 11);
	nd_record ev;

	CHECK(capi2 && strcmp(capi2->name, "capi2") == 0);
	CHECK(nd_family_match("Microsoft-Windows-CAPI2", NULL, 41) == capi2);
	CHECK(nd_family_match("Kdcsvc", NULL, 41) != capi2);
	CHECK(nd_family_match("Microsoft-Windows-CAPI2", NULL, 10) == NULL);
	nd_record_init(&ev);
	ev.event_id = 11;
	add(&ev, "Certificate/@subjectName", "alice@lab.example");
	add(&ev, "CertificateChain/@chainRef", "{C}");
	add(&ev, "CertificateChain/ChainElement/Certificate/@subjectName", "alice@lab.example");
	add(&ev, "CertificateChain/ChainElement/TrustStatus/ErrorStatus/@value", "0");
	add(&ev, "CertificateChain/ChainElement/RevocationInfo/RevocationResult/@value", "0");
	add(&ev, "CertificateChain/ChainElement/RevocationInfo/CertificateRevocationList/@url", "http://a/leaf.crl");
	add(&ev, "CertificateChain/ChainElement/Certificate/@subjectName", "Lab Issuing CA");
	add(&ev, "CertificateChain/ChainElement/TrustStatus/ErrorStatus/@value", "1000040");
	add(&ev, "CertificateChain/ChainElement/RevocationInfo/RevocationResult/@value", "80092013");
	add(&ev, "CertificateChain/ChainElement/RevocationInfo/CertificateRevocationList/@url", "http://a/root.crl");
	add(&ev, "CertificateChain/ChainElement/Certificate/@subjectName", "Lab Root CA");
	add(&ev, "CertificateChain/ChainElement/RevocationInfo/RevocationResult/@value", "80092012");
	add(&ev, "EventAuxInfo/@ProcessName", "lsass.exe");
	add(&ev, "Result/@value", "80092013");
	CHECK(capi2 && capi2->name_fields(&ev) == 0);
	CHECK_STR(nd_record_field(&ev, "Subject"), "alice@lab.example");
	CHECK_STR(nd_record_field(&ev, "FailingSubject"), "Lab Issuing CA");
	CHECK_STR(nd_record_field(&ev, "Url"), "http://a/root.crl");
	CHECK_STR(nd_record_field(&ev, "Error"), "0x80092013");
	CHECK_STR(nd_record_field(&ev, "ErrorName"), "CRYPT_E_REVOCATION_OFFLINE");
	CHECK_STR(nd_record_field(&ev, "Process"), "lsass.exe");
	CHECK_STR(nd_record_field(&ev, "ChainRef"), "{C}");
	nd_record_reset(&ev);
	/* 53: the URL and the fetch's result; a success has no Error. */
	ev.event_id = 53;
	add(&ev, "URL", "http://pki.lab.example/root.crl");
	add(&ev, "Result/@value", "2EE2");
	CHECK(capi2 && capi2->name_fields(&ev) == 0);
	CHECK_STR(nd_record_field(&ev, "Url"), "http://pki.lab.example/root.crl");
	CHECK_STR(nd_record_field(&ev, "ErrorName"), "ERROR_INTERNET_TIMEOUT");
	CHECK(nd_record_field(&ev, "Subject") == NULL);
	nd_record_reset(&ev);
	ev.event_id = 41;
	add(&ev, "Certificate/@subjectName", "Lab Issuing CA");
	add(&ev, "RevocationStatus/@error", "0");
	add(&ev, "Result/@value", "0");
	CHECK(capi2 && capi2->name_fields(&ev) == 0);
	CHECK(nd_record_field(&ev, "FailingSubject") == NULL && nd_record_field(&ev, "Error") == NULL);
	nd_record_reset(&ev);
}

int main(void)
{
	test_capi2();
	test_families();
	test_nps_text();
	test_family_match();
	test_parse_code();
	test_name_fields_after_coid();
	return check_report();
}
