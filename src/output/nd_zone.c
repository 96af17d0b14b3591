#include "nd_zone.h"

#include <stdint.h>
#include <stdio.h>

#include "nd_localtime.h"
#include "nd_time.h"

const char *nd_zone_time(const char *iso, const char *tz, char *buf)
{
	nd_local_time lt;
	int64_t ticks;
	long off;

	if (!tz || !iso || nd_time_parse_iso(iso, &ticks) != 0 ||
	    nd_localtime(ticks / ND_TICKS_PER_SECOND - (ticks % ND_TICKS_PER_SECOND < 0), &lt) != 0)
		return iso;
	off = lt.offset_s < 0 ? -lt.offset_s : lt.offset_s;
	snprintf(buf, ND_ZONE_TIME_SIZE, "%04d-%02d-%02d %02d:%02d:%02d%c%02ld:%02ld", lt.year, lt.month, lt.day,
		 lt.hour, lt.minute, lt.second, lt.offset_s < 0 ? '-' : '+', off / 3600, off % 3600 / 60);
	return buf;
}
