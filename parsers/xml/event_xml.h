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
 * array form gives one unnamed field per <string>, and UserData leaf
 * elements are named after their element.
 */
#ifndef ND_EVENT_XML_H
#define ND_EVENT_XML_H

#include <stddef.h>

#include "nd_error.h"
#include "nd_record.h"

/* Parses the first <Event> element in xml[0..len) into ev (which must be
 * initialized; it is reset first). *consumed, if not NULL, receives the
 * offset just past </Event>, so that a document with many events can be
 * parsed in a loop. Returns 1 when an event was parsed, 0 when there is no
 * further <Event>, or -1 with err set when the XML is malformed or lacks
 * an EventID. */
int nd_xml_parse_event(const char *xml, size_t len, nd_record *ev, size_t *consumed, nd_error *err);

#endif
