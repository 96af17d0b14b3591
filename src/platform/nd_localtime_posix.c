#include "nd_localtime.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nd_time.h"

/* Returns 1 when name can be an IANA zone name that the C library has
 * (a relative path without "..", found under $TZDIR or
 * /usr/share/zoneinfo), else 0. */
static int known_zone(const char *name)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	const char *p;

	if (!*name || *name == '/' || strstr(name, ".."))
		return 0;
	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
			return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name) >=
	    sizeof(path))
		return 0;
	return access(path, R_OK) == 0;
}

int nd_localtime_set_zone(const char *zone, char *name, size_t size)
{
	if (strcmp(zone, "local") == 0) {
		tzset();
		snprintf(name, size, "local time (%s)", tzname[0]);
		return 0;
	}
	if (!known_zone(zone) || setenv("TZ", zone, 1) != 0)
		return -1;
	tzset();
	snprintf(name, size, "%s", zone);
	return 0;
}

const char *nd_localtime_zone_names(void)
{
	return "an IANA zone name (Europe/Berlin)";
}

int nd_localtime_set_offset(long offset_s)
{
	long a = labs(offset_s);
	int h = (int)(a / 3600 % 100), m = (int)(a % 3600 / 60);
	char posix[32];

	/* POSIX counts the other way: UTC+01:00 is "<+0100>-01:00". */
	snprintf(posix, sizeof(posix), "<%c%02d%02d>%c%02d:%02d", offset_s < 0 ? '-' : '+', h, m, offset_s < 0 ? '+' : '-',
		 h, m);
	if (setenv("TZ", offset_s == 0 ? "UTC0" : posix, 1) != 0)
		return -1;
	tzset();
	return 0;
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
	out->offset_s = (long)(nd_time_days_from_civil(out->year, (unsigned)out->month, (unsigned)out->day) * 86400 +
			       out->hour * 3600 + out->minute * 60 + out->second - unix_s);
	return 0;
}

int nd_localtime_to_unix(const nd_local_time *lt, int64_t *unix_s)
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = lt->year - 1900;
	tm.tm_mon = lt->month - 1;
	tm.tm_mday = lt->day;
	tm.tm_hour = lt->hour;
	tm.tm_min = lt->minute;
	tm.tm_sec = lt->second;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1 && tm.tm_year != 69)
		return -1;
	*unix_s = (int64_t)t;
	return 0;
}
