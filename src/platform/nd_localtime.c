#include "nd_localtime.h"

#include <time.h>

/* Returns the days from 1970-01-01 to the proleptic Gregorian date y-m-d
 * (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int nd_localtime(int64_t unix_s, nd_local_time *out)
{
	time_t t = (time_t)unix_s;
	struct tm tm;

	if ((int64_t)t != unix_s || !localtime_r(&t, &tm))
		return -1;
	out->year = tm.tm_year + 1900;
	out->month = tm.tm_mon + 1;
	out->day = tm.tm_mday;
	out->hour = tm.tm_hour;
	out->minute = tm.tm_min;
	out->second = tm.tm_sec;
	/* POSIX has no tm_gmtoff: the offset is the local fields read as UTC
	 * less the time itself. */
	out->offset_s = (long)(days_from_civil(out->year, out->month, out->day) * 86400 + out->hour * 3600 +
			       out->minute * 60 + out->second - unix_s);
	return 0;
}
