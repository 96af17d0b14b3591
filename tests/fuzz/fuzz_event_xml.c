/* Fuzz target: the event XML parser on arbitrary text (it reads libevtx's
 * renderings today and wevtutil exports tomorrow). */
#include <stdint.h>

#include "event_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nd_record ev;
	nd_error err;
	size_t used = 0, off = 0;

	nd_record_init(&ev);
	while (off < size && nd_xml_parse_event((const char *)data + off, size - off, &ev, &used, &err) == 1 && used)
		off += used;
	nd_record_reset(&ev);
	return 0;
}
