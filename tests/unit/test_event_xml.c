/* Unit tests of parsers/event_xml: the XML renderings npsdiag meets. */
#include <stdlib.h>

#include "check.h"
#include "event_xml.h"
#include "nd_buf.h"
#include "nd_time.h"

/* libevtx-style: double quotes, classic unnamed Data, Qualifiers. */
static const char classic[] =
	"<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">\n"
	"  <System>\n"
	"    <Provider Name=\"RasClient\"/>\n"
	"    <EventID Qualifiers=\"0\">20227</EventID>\n"
	"    <Level>2</Level>\n"
	"    <Task>0</Task>\n"
	"    <Keywords>0x0080000000000000</Keywords>\n"
	"    <TimeCreated SystemTime=\"2025-03-14T09:12:44.031234500Z\"/>\n"
	"    <EventRecordID>88213</EventRecordID>\n"
	"    <Channel>Application</Channel>\n"
	"    <Computer>CLIENT01.lab.example</Computer>\n"
	"    <Security UserID=\"S-1-5-21-1-2-3-1105\"/>\n"
	"  </System>\n"
	"  <EventData>\n"
	"    <Data>{7A1C2E44-93B1-4D2F-8F0B-2C6E51D0A9B3}</Data>\n"
	"    <Data>LAB\\rdeckard &lt;&amp;&gt; &#x1F600; &#65;</Data>\n"
	"    <Data/>\n"
	"    <Data>853</Data>\n"
	"    <Binary>B3020000</Binary>\n"
	"  </EventData>\n"
	"</Event>\n";

/* wevtutil-style: single quotes, named Data, one line, EventSourceName. */
static const char manifest[] =
	"<?xml version='1.0'?><Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
	"<Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'"
	" EventSourceName='Security'/><EventID>6273</EventID><Version>2</Version><Level>0</Level>"
	"<Task>12552</Task><Keywords>0x8010000000000000</Keywords>"
	"<TimeCreated SystemTime='2025-03-14T09:12:43.5Z'/><EventRecordID>5512871</EventRecordID>"
	"<Channel>Security</Channel><Computer>NPS01.lab.example</Computer><Security/></System>"
	"<EventData><Data Name='SubjectUserName'>rdeckard@lab.example</Data>"
	"<Data Name='ReasonCode'>258</Data><Data Name=\"Reason\">it's \"quoted\"</Data>"
	"<Data Name='Empty'></Data></EventData>"
	"<RenderingInfo Culture='en-US'><Message>ignored &lt;text&gt;</Message></RenderingInfo></Event>";

/* libevtx leaves attribute values unescaped; python-evtx renders string
 * arrays as <string> items; UserData payloads have their own elements. */
static const char odd[] =
	"<Event><System><Provider Name=\"A&B<C>\"/><EventID>13</EventID>"
	"<TimeCreated SystemTime=\"2025-03-14 09:30:00\"/></System>"
	"<EventData><Data><string>one</string><string>two &amp; three</string></Data></EventData></Event>"
	"<Event><System><Provider Name='X'/><EventID>1</EventID></System>"
	"<UserData><Payload xmlns='urn:x'><User>bob</User><Empty/><Nested><Inner>v</Inner></Nested></Payload>"
	"</UserData></Event>";

/* CAPI2 event 11 as wevtutil shows it, cut down, with a namespace prefix
 * declaration and nesting deeper than event_xml keeps. */
static const char capi2[] =
	"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
	"<Provider Name='Microsoft-Windows-CAPI2'/><EventID>11</EventID></System>"
	"<UserData><CertGetCertificateChain xmlns='urn:capi2' a='root attributes are left out'>"
	"<Certificate fileRef='9617.cer' subjectName='user@lab.example'/>"
	"<Flags value='48000001' CERT_X='true' xmlns:p='urn:p'/>"
	"<CertificateChain chainRef='{1710B763}'><TrustStatus><ErrorStatus value='1000040'/></TrustStatus>"
	"<ChainElement><Certificate fileRef='9617.cer' subjectName='user@lab.example'/>"
	"<RevocationInfo><RevocationResult value='80092013'>offline</RevocationResult></RevocationInfo>"
	"</ChainElement></CertificateChain>"
	"<A><B><C><D><E><F><G><H h='8'><I x='1'>nine</I></H></G></F></E></D></C></B></A>"
	"<Result value='80092013'>offline &amp; gone</Result><Last/>"
	"</CertGetCertificateChain></UserData></Event>";

/* Parses a NUL-terminated document. Returns what nd_xml_parse_event
 * returns. */
static int parse(const char *xml, nd_record *ev, nd_error *err)
{
	return nd_xml_parse_event(xml, strlen(xml), ev, NULL, err);
}

int main(void)
{
	nd_record ev;
	nd_error err;
	char iso[ND_TIME_ISO_SIZE];
	size_t used = 0;

	nd_record_init(&ev);
	CHECK(nd_xml_parse_event(classic, sizeof(classic) - 1, &ev, NULL, &err) == 1);
	CHECK_STR(ev.provider, "RasClient");
	CHECK(ev.event_id == 20227 && ev.has_qualifiers && ev.qualifiers == 0);
	CHECK(ev.level == 2 && ev.version == -1 && ev.record_id == 88213);
	CHECK(ev.keywords == 0x0080000000000000ULL);
	CHECK_STR(nd_time_format(ev.time, iso), "2025-03-14T09:12:44.0312345Z");
	CHECK_STR(ev.channel, "Application");
	CHECK_STR(ev.computer, "CLIENT01.lab.example");
	CHECK_STR(ev.user_sid, "S-1-5-21-1-2-3-1105");
	CHECK(ev.nfields == 4);
	CHECK(ev.nfields == 4 && ev.fields[0].name == NULL);
	CHECK_STR(ev.fields[1].value, "LAB\\rdeckard <&> \xF0\x9F\x98\x80 A");
	CHECK_STR(ev.fields[2].value, "");
	CHECK_STR(ev.fields[3].value, "853");
	CHECK_STR(ev.binary, "B3020000");

	CHECK(nd_xml_parse_event(manifest, sizeof(manifest) - 1, &ev, NULL, &err) == 1);
	CHECK_STR(ev.source_name, "Security");
	CHECK(ev.event_id == 6273 && !ev.has_qualifiers && ev.version == 2 && ev.task == 12552);
	CHECK_STR(nd_record_field(&ev, "SubjectUserName"), "rdeckard@lab.example");
	CHECK_STR(nd_record_field(&ev, "ReasonCode"), "258");
	CHECK_STR(nd_record_field(&ev, "Reason"), "it's \"quoted\"");
	CHECK_STR(nd_record_field(&ev, "Empty"), "");
	CHECK(nd_record_field(&ev, "Message") == NULL);
	CHECK_STR(nd_time_format(ev.time, iso), "2025-03-14T09:12:43.5000000Z");
	CHECK(nd_record_provider_is(&ev, "microsoft-windows-security-auditing"));
	CHECK(nd_record_provider_is(&ev, "SECURITY"));

	CHECK(nd_xml_parse_event(odd, sizeof(odd) - 1, &ev, &used, &err) == 1);
	CHECK_STR(ev.provider, "A&B<C>");
	CHECK(ev.has_time);
	CHECK(ev.nfields == 2);
	CHECK_STR(ev.fields[1].value, "two & three");
	CHECK(nd_xml_parse_event(odd + used, sizeof(odd) - 1 - used, &ev, NULL, &err) == 1);
	CHECK_STR(nd_record_field(&ev, "User"), "bob");
	CHECK_STR(nd_record_field(&ev, "Empty"), "");
	CHECK_STR(nd_record_field(&ev, "Nested/Inner"), "v");
	CHECK(nd_record_field(&ev, "Inner") == NULL);
	CHECK(nd_record_field(&ev, "@xmlns") == NULL);

	/* UserData attributes and paths (CAPI2), bounded depth and count. */
	CHECK(parse(capi2, &ev, &err) == 1);
	CHECK_STR(nd_record_field(&ev, "Certificate/@subjectName"), "user@lab.example");
	CHECK_STR(nd_record_field(&ev, "CertificateChain/@chainRef"), "{1710B763}");
	CHECK_STR(nd_record_field(&ev, "CertificateChain/ChainElement/Certificate/@subjectName"), "user@lab.example");
	CHECK_STR(nd_record_field(&ev, "CertificateChain/ChainElement/RevocationInfo/RevocationResult/@value"),
		  "80092013");
	CHECK_STR(nd_record_field(&ev, "Result/@value"), "80092013");
	CHECK_STR(nd_record_field(&ev, "Result"), "offline & gone");
	CHECK_STR(nd_record_field(&ev, "Flags/@CERT_X"), "true");
	CHECK(nd_record_field(&ev, "Flags/@xmlns:p") == NULL && nd_record_field(&ev, "Flags/@p") == NULL);
	CHECK_STR(nd_record_field(&ev, "A/B/C/D/E/F/G/H/@h"), "8");
	CHECK(nd_record_field(&ev, "A/B/C/D/E/F/G/H/I") == NULL);
	CHECK(nd_record_field(&ev, "A/B/C/D/E/F/G/H/I/@x") == NULL);
	CHECK_STR(ev.fields[ev.nfields - 1].name, "Last");
	{
		nd_buf big = {0};
		int i;

		CHECK(nd_buf_printf(&big, "<Event><System><EventID>1</EventID></System><UserData><P>") == 0);
		for (i = 0; i < 600; i++)
			CHECK(nd_buf_printf(&big, "<X a='%d'/>", i) == 0);
		CHECK(nd_buf_printf(&big, "</P></UserData></Event>") == 0);
		CHECK(nd_xml_parse_event(big.data, big.len, &ev, NULL, &err) == 1);
		CHECK(ev.nfields == ND_XML_USERDATA_FIELDS);
		CHECK_STR(ev.fields[0].name, "X/@a");
		nd_buf_free(&big);
	}

	/* Errors: no EventID, unclosed, bad time, nothing at all. */
	CHECK(parse("<Event><System></System></Event>", &ev, &err) == -1);
	CHECK(strstr(err.message, "EventID") != NULL);
	CHECK(parse("<Event><System><EventID>1</EventID>", &ev, &err) == -1);
	CHECK(parse("<Event><System><EventID>1</EventID><TimeCreated SystemTime='yesterday'/></System></Event>",
		    &ev, &err) == -1);
	CHECK(strstr(err.message, "yesterday") != NULL);
	CHECK(parse("no xml here", &ev, &err) == 0);
	CHECK(parse("<Event attr='unterminated></Event>", &ev, &err) == -1);
	CHECK(parse("<Event><System><EventID>99999999999</EventID></System></Event>", &ev, &err) == -1);

	/* Empty elements and attributes once reached the number and time
	 * parsers as NULL (tests/fuzz/regress/xml-*): now an empty EventID or
	 * SystemTime is an error, an empty Level, Task, Version, Keywords or
	 * Qualifiers is absent. */
	CHECK(parse("<Event><System><EventID/></System></Event>", &ev, &err) == -1);
	CHECK_STR(err.message, "event XML: bad EventID \"\"");
	CHECK(parse("<Event><System><EventID></EventID></System></Event>", &ev, &err) == -1);
	CHECK(parse("<Event><System><EventID Qualifiers=\"\">1</EventID></System></Event>", &ev, &err) == 1);
	CHECK(ev.event_id == 1 && !ev.has_qualifiers);
	CHECK(parse("<Event><System><TimeCreated SystemTime=\"\"/><EventID>1</EventID></System></Event>", &ev, &err) ==
	      -1);
	CHECK_STR(err.message, "event XML: bad TimeCreated SystemTime \"\"");
	CHECK(parse("<Event><System><EventID>7</EventID><Level/><Task></Task><Version/><Keywords/><EventRecordID/>"
		    "<Channel/><Computer/></System><EventData><Data Name=''/><Data/></EventData></Event>",
		    &ev, &err) == 1);
	CHECK(ev.event_id == 7 && ev.level == -1 && ev.task == -1 && ev.version == -1 && ev.keywords == 0);
	CHECK_STR(ev.channel, "");
	CHECK_STR(ev.computer, "");
	CHECK(ev.nfields == 2);

	/* A NUL inside a value (raw or as &#0;) keeps the record and shows as
	 * U+2400. */
	{
		static const char nul[] = "<Event><System><EventID>5</EventID><Computer>A\0B</Computer></System>"
					  "<EventData><Data Name='X'>a&#0;b</Data><Data>c\0d</Data>"
					  "</EventData></Event>";

		CHECK(nd_xml_parse_event(nul, sizeof(nul) - 1, &ev, NULL, &err) == 1);
		CHECK_STR(ev.computer, "A" ND_RECORD_NUL_SYMBOL "B");
		CHECK_STR(nd_record_field(&ev, "X"), "a" ND_RECORD_NUL_SYMBOL "b");
		CHECK(ev.nfields == 2);
		CHECK(ev.nfields == 2 && strcmp(ev.fields[1].value, "c" ND_RECORD_NUL_SYMBOL "d") == 0);
	}
	nd_record_reset(&ev);
	return check_report();
}
