#include "nd_time.h"

#include <stdio.h>
#include <string.h>

#include "nd_digits.h"

int64_t nd_time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* Reads exactly n decimal digits at *s, advancing it. Returns 0 and sets
 * *v, or -1. */
static int digits(const char **s, int n, int *v)
{
	int x = 0;

	while (n-- > 0) {
		if (**s < '0' || **s > '9')
			return -1;
		x = x * 10 + (**s - '0');
		(*s)++;
	}
	*v = x;
	return 0;
}

int nd_time_parse_iso(const char *s, int64_t *ticks)
{
	static const unsigned char mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, d, h, mi, se, n = 0;
	int64_t frac = 0;

	if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) || *s++ != '-' ||
	    digits(&s, 2, &d) || (*s != 'T' && *s != ' ') || !*s++ || digits(&s, 2, &h) ||
	    *s++ != ':' || digits(&s, 2, &mi) || *s++ != ':' || digits(&s, 2, &se))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || se > 60)
		return -1;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9') {
			if (n < 7) {
				frac = frac * 10 + (*s - '0');
				n++;
			}
			s++;
		}
		if (n == 0)
			return -1;
		while (n++ < 7)
			frac *= 10;
	}
	if (*s == 'Z')
		s++;
	if (*s != '\0')
		return -1;
	*ticks = ((nd_time_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se) *
		  ND_TICKS_PER_SECOND) + frac;
	return 0;
}

/* Writes v as n decimal digits, zero-padded (v < 10^n), at out. Returns
 * nothing. */
static void put_digits(char *out, uint64_t v, int n)
{

	for (; n >= 2; n -= 2, v /= 100) /* two digits a division */
		memcpy(out + n - 2, nd_digit_pairs + 2 * (v % 100), 2);
	if (n)
		out[0] = (char)('0' + v % 10);
}

char *nd_time_format(int64_t ticks, char *out)
{
	int64_t secs = ticks / ND_TICKS_PER_SECOND, frac = ticks % ND_TICKS_PER_SECOND;
	int64_t days, z, era, y;
	unsigned doe, yoe, doy, mp, d, m, sod;

	if (frac < 0) {
		frac += ND_TICKS_PER_SECOND;
		secs--;
	}
	days = secs / 86400;
	if (secs % 86400 < 0)
		days--;
	sod = (unsigned)(secs - days * 86400);
	/* civil_from_days */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (y < 0 || y > 9999) {
		snprintf(out, ND_TIME_ISO_SIZE, "%04lld-%02u-%02uT%02u:%02u:%02u.%07lldZ", (long long)y, m, d,
			 sod / 3600, sod / 60 % 60, sod % 60, (long long)frac);
		return out;
	}
	/* The same text without snprintf, which was most of the cost of
	 * storing and re-hashing an incident's rows. */
	put_digits(out, (uint64_t)y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, d, 2);
	out[10] = 'T';
	put_digits(out + 11, sod / 3600, 2);
	out[13] = ':';
	put_digits(out + 14, sod / 60 % 60, 2);
	out[16] = ':';
	put_digits(out + 17, sod % 60, 2);
	out[19] = '.';
	put_digits(out + 20, (uint64_t)frac, 7);
	out[27] = 'Z';
	out[28] = '\0';
	return out;
}

int64_t nd_time_from_filetime(uint64_t filetime)
{
	return (int64_t)filetime - ND_FILETIME_UNIX_EPOCH;
}
