/* event_xml: parses the XML rendering of one Windows event (<Event> with
 * <System> and <EventData>/<UserData>) into an nd_record.
 *
 * The same rendering comes from libevtx (libevtx_record_get_utf16_xml_string),
 * from `wevtutil qe /f:xml`, from Event Viewer's XML view and from
 * Get-WinEvent's ToXml(), so one tolerant parser serves every input: single
 * or double quotes, any white space, pretty-printed or not, and attribute
 * values that libevtx 20181227 leaves unescaped. Fields are kept by name:
 * <Data Name='X'> gives X, unnamed classic <Data> gives a NULL name (a family
 * layout names it later), python-evtx's <Data><string>..</string></Data>
 * array form gives one unnamed field per <string>.
 *
 * UserData (CAPI2, and other manifest events that define their own
 * payload element) keeps its data in nested elements and attributes. Below
 * the payload element, in document order, each element's attributes give
 * fields "Path/@attr" and each leaf element's text a field "Path", where
 * Path names the elements from the payload element's child down:
 *   <CertGetCertificateChain><Result value="80092013">text</Result>
 *     gives Result/@value = 80092013 and Result = text;
 *   <CertificateChain chainRef="{..}"><ChainElement><Certificate subjectName="x"/>
 *     gives CertificateChain/@chainRef and CertificateChain/ChainElement/Certificate/@subjectName
 *     (and an empty CertificateChain/ChainElement/Certificate, the leaf's text).
 * A payload element that is itself a leaf gives one field named after it.
 * The payload element's own attributes and namespace declarations (xmlns,
 * xmlns:p) are left out. Bounds against hostile nesting, the same in our
 * Binary XML decoder: elements more than ND_XML_USERDATA_DEPTH levels below
 * the payload element are skipped, at most ND_XML_USERDATA_FIELDS fields are
 * taken from one UserData, and every field name is cut at
 * ND_XML_FIELD_NAME_MAX bytes.
 */
#ifndef ND_EVENT_XML_H
#define ND_EVENT_XML_H

#include <stddef.h>

#include "nd_error.h"
#include "nd_record.h"

#define ND_XML_USERDATA_DEPTH 8     /* element levels below the UserData payload element */
#define ND_XML_USERDATA_FIELDS 512  /* fields taken from one event's UserData */
#define ND_XML_FIELD_NAME_MAX 255   /* bytes of a field name kept */

/* Returns 1 if the attribute name (n bytes at s, with its prefix) declares
 * a namespace ("xmlns" or "xmlns:p"), else 0. */
int nd_xml_is_xmlns(const char *s, size_t n);

/* Parses the first <Event> element in xml[0..len) into ev (which must be
 * initialized; it is reset first). *consumed, if not NULL, receives the
 * offset just past </Event>, so that a document with many events can be
 * parsed in a loop. Returns 1 when an event was parsed, 0 when there is no
 * further <Event>, or -1 with err set when the XML is malformed or lacks
 * an EventID. */
int nd_xml_parse_event(const char *xml, size_t len, nd_record *ev, size_t *consumed, nd_error *err);

#endif
