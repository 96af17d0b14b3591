#include "nd_localtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "nd_time.h"
#include "nd_winpath.h"

/* The fixed offset nd_localtime_set_offset chose, in seconds, kept in the
 * process's environment (the process-wide state $TZ is on POSIX); without
 * it the zone is the system's. */
#define OFFSET_VAR L"NPSDIAG_UTC_OFFSET"

/* Seconds between 1601-01-01 (FILETIME's epoch) and 1970-01-01. */
#define EPOCH_DIFF 11644473600LL

/* Reads the fixed offset into *offset_s. Returns 1 when there is one, else
 * 0 (the system's zone). */
static int fixed_offset(long *offset_s)
{
	wchar_t w[16];
	DWORD n = GetEnvironmentVariableW(OFFSET_VAR, w, sizeof(w) / sizeof(w[0]));
	wchar_t *end;

	if (n == 0 || n >= sizeof(w) / sizeof(w[0]))
		return 0;
	*offset_s = wcstol(w, &end, 10);
	return *end == L'\0' && *offset_s > -86400 && *offset_s < 86400;
}

int nd_localtime_set_zone(const char *zone, char *name, size_t size)
{
	DYNAMIC_TIME_ZONE_INFORMATION tz;
	char *standard;

	/* Windows names its zones its own way ("W. Europe Standard Time") and
	 * has no IANA database: only the system's zone is known by name. */
	if (strcmp(zone, "local") != 0 || GetDynamicTimeZoneInformation(&tz) == TIME_ZONE_ID_INVALID)
		return -1;
	SetEnvironmentVariableW(OFFSET_VAR, NULL);
	standard = nd_winpath_to_utf8(tz.StandardName, -1);
	snprintf(name, size, "local time (%s)", standard ? standard : "Windows");
	free(standard);
	return 0;
}

const char *nd_localtime_zone_names(void)
{
	return "local (Windows' own zone; Windows has no IANA zone names)";
}

int nd_localtime_set_offset(long offset_s)
{
	wchar_t w[16];

	swprintf(w, sizeof(w) / sizeof(w[0]), L"%ld", offset_s);
	return SetEnvironmentVariableW(OFFSET_VAR, w) ? 0 : -1;
}

/* Fills the date and time fields of out from seconds since 1970 read as a
 * wall clock. Returns nothing. */
static void civil(int64_t s, nd_local_time *out)
{
	int64_t z = (s >= 0 ? s : s - 86399) / 86400, era, doe, yoe, doy, mp;
	int64_t sod = s - z * 86400;

	/* H. Hinnant's civil_from_days. */
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	out->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	out->year = (int)(yoe + era * 400 + (out->month <= 2));
	out->hour = (int)(sod / 3600);
	out->minute = (int)(sod % 3600 / 60);
	out->second = (int)(sod % 60);
}

/* Fills tz with the system zone's rules for year (they change over the
 * years; the Ex conversions that take the dynamic zone are not in wine).
 * Returns 0, or -1. */
static int zone_for_year(WORD year, TIME_ZONE_INFORMATION *tz)
{
	return GetTimeZoneInformationForYear(year, NULL, tz) ? 0 : -1;
}

/* Converts seconds since 1970 to a SYSTEMTIME. Returns 0, or -1 before
 * 1601 or past 30827. */
static int to_systemtime(int64_t unix_s, SYSTEMTIME *st)
{
	ULARGE_INTEGER u;
	FILETIME ft;

	if (unix_s < -EPOCH_DIFF || unix_s > 910692730085LL)
		return -1;
	u.QuadPart = (ULONGLONG)(unix_s + EPOCH_DIFF) * 10000000ULL;
	ft.dwLowDateTime = u.LowPart;
	ft.dwHighDateTime = u.HighPart;
	return FileTimeToSystemTime(&ft, st) ? 0 : -1;
}

/* Converts a SYSTEMTIME to seconds since 1970. Returns them. */
static int64_t from_systemtime(const SYSTEMTIME *st)
{
	return nd_time_days_from_civil(st->wYear, st->wMonth, st->wDay) * 86400 + st->wHour * 3600 + st->wMinute * 60 +
	       st->wSecond;
}

int nd_localtime(int64_t unix_s, nd_local_time *out)
{
	TIME_ZONE_INFORMATION tz;
	SYSTEMTIME utc, local;
	long off;

	if (fixed_offset(&off)) {
		civil(unix_s + off, out);
		out->offset_s = off;
		return 0;
	}
	if (to_systemtime(unix_s, &utc) != 0 || zone_for_year(utc.wYear, &tz) != 0 ||
	    !SystemTimeToTzSpecificLocalTime(&tz, &utc, &local))
		return -1;
	civil(from_systemtime(&local), out);
	out->offset_s = (long)(from_systemtime(&local) - unix_s);
	return 0;
}

int nd_localtime_to_unix(const nd_local_time *lt, int64_t *unix_s)
{
	TIME_ZONE_INFORMATION tz;
	SYSTEMTIME local, utc;
	int64_t wall = nd_time_days_from_civil(lt->year, (unsigned)lt->month, (unsigned)lt->day) * 86400 +
		       lt->hour * 3600 + lt->minute * 60 + lt->second;
	long off;

	if (fixed_offset(&off)) {
		*unix_s = wall - off;
		return 0;
	}
	if (to_systemtime(wall, &local) != 0 || zone_for_year(local.wYear, &tz) != 0 ||
	    !TzSpecificLocalTimeToSystemTime(&tz, &local, &utc))
		return -1;
	*unix_s = from_systemtime(&utc);
	return 0;
}
