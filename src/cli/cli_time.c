/* cli_time: the times people paste into --since/--until, and the zone of
 * --tz/--local. The zone is the process's: the CLI chooses it
 * (npsdiag_zone_named, npsdiag_zone_offset), the library only ever reads
 * it. */
#include "cli.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TICKS 10000000LL

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

/* Reads exactly n digits at *p into *v, moving *p past them. Returns 0, or
 * -1 when there are not n digits. */
static int digits(const char **p, int n, int *v)
{
	int i;

	for (*v = 0, i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		*v = *v * 10 + (**p - '0');
	}
	return 0;
}

int cli_parse_offset(const char *p, long *off)
{
	int sign, h, m = 0;

	if (!*p)
		return 1;
	if ((*p == 'Z' || *p == 'z') && !p[1]) {
		*off = 0;
		return 0;
	}
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (digits(&p, 2, &h) != 0 || h > 14)
		return -1;
	if (*p == ':')
		p++;
	if (*p && (digits(&p, 2, &m) != 0 || m > 59))
		return -1;
	if (*p)
		return -1;
	*off = sign * (h * 3600L + m * 60L);
	return 0;
}

/* Reads a span back from newest ("30m", "12h", "7d", "2w", "90s"). Returns
 * 0 with *ts set, 1 when s is not a span, -1 when it is too long. */
static int parse_span(const char *s, int64_t newest, int64_t *ts)
{
	static const struct {
		char unit;
		int64_t seconds;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 7 * 86400}};
	int64_t n = 0;
	const char *p = s;
	size_t i;

	for (; isdigit((unsigned char)*p) && n < 100000000; p++)
		n = n * 10 + (*p - '0');
	if (p == s || !p[0] || p[1])
		return 1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (*p == units[i].unit) {
			if (n * units[i].seconds > 100LL * 366 * 86400)
				return -1;
			*ts = newest - n * units[i].seconds * TICKS;
			return 0;
		}
	return 1;
}

int cli_parse_when(const char *s, int end, int local, int64_t newest, int64_t *ts)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, has_time = 0, rc;
	int64_t frac = 0, scale = TICKS / 10, unix_s;
	const char *p = s;
	long off = 0;

	if ((rc = parse_span(s, newest, ts)) != 1)
		return rc;
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' || digits(&p, 2, &d))
		return -1;
	if ((*p == 'T' || *p == 't' || *p == ' ') && isdigit((unsigned char)p[1])) {
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			return -1;
		if (*p == ':' && (p++, digits(&p, 2, &sec)))
			return -1;
		if (*p == '.' || *p == ',')
			for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
				frac += (*p - '0') * scale;
		has_time = 1;
	}
	if (*p == ' ')
		p++;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 ||
	    (rc = cli_parse_offset(p, &off)) < 0)
		return -1;
	unix_s = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	/* 2026-02-31 is no date: its day would wrap into March. */
	if (days_from_civil(y, mo, 1) + d - 1 >= days_from_civil(y + (mo == 12), mo % 12 + 1, 1))
		return -1;
	if (!has_time && end)
		unix_s += 86400; /* the start of the next day, less one tick below */
	if (rc == 0 || !local)
		unix_s -= off;
	else if (npsdiag_local_to_unix(y, mo, d + (!has_time && end), h, mi, sec, &unix_s) != 0)
		return -1;
	*ts = unix_s * TICKS + frac - (!has_time && end);
	return 0;
}

int cli_zone_apply(const char *zone, char *name, size_t size)
{
	long off;

	if (strcmp(zone, "UTC") == 0 || strcmp(zone, "utc") == 0 || strcmp(zone, "Z") == 0) {
		snprintf(name, size, "UTC");
		return npsdiag_zone_offset(0);
	}
	if (cli_parse_offset(zone, &off) == 0) {
		snprintf(name, size, "UTC%c%02d:%02d", off < 0 ? '-' : '+', (int)(labs(off) / 3600 % 100),
			 (int)(labs(off) % 3600 / 60));
		return npsdiag_zone_offset(off);
	}
	return npsdiag_zone_named(zone, name, size);
}

int cli_bad_zone(const char *cmd, const char *value)
{
	char expected[160];

	snprintf(expected, sizeof(expected), "%s, UTC or +HH:MM", npsdiag_zone_names());
	return cli_bad_value(cmd, "--tz", value, expected);
}
