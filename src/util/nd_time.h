/* nd_time: event timestamps.
 *
 * npsdiag keeps times as "ticks": 100-nanosecond units since the Unix epoch
 * (1970-01-01T00:00:00Z), a signed 64-bit integer. That is the full
 * precision of a Windows FILETIME and of TimeCreated/@SystemTime, and it
 * subtracts and compares directly in SQL.
 */
#ifndef ND_TIME_H
#define ND_TIME_H

#include <stdint.h>

#define ND_TICKS_PER_SECOND 10000000LL
/* FILETIME (1601 epoch) minus this is ticks since 1970. */
#define ND_FILETIME_UNIX_EPOCH 116444736000000000LL

/* Size of the buffer nd_time_format needs: "YYYY-MM-DDTHH:MM:SS.fffffffZ". */
#define ND_TIME_ISO_SIZE 64

/* Parses an ISO 8601 UTC time such as "2025-03-14T09:12:43.5123456Z" (0-9
 * fraction digits, 'Z' or nothing after it; digits past the 7th are
 * dropped). Returns 0 and sets *ticks, or -1 if s is not such a time. */
int nd_time_parse_iso(const char *s, int64_t *ticks);

/* Writes ticks as "YYYY-MM-DDTHH:MM:SS.fffffffZ" (always 7 fraction digits,
 * so the text sorts as the time does) into out[ND_TIME_ISO_SIZE]. Returns
 * out. */
char *nd_time_format(int64_t ticks, char *out);

/* Returns the days from 1970-01-01 to y-m-d (m 1-12) in the proleptic
 * Gregorian calendar (Howard Hinnant's days_from_civil); a day d past the
 * month's end counts on into the next. */
int64_t nd_time_days_from_civil(int64_t y, unsigned m, unsigned d);

/* Converts a FILETIME to ticks. Returns the ticks. */
int64_t nd_time_from_filetime(uint64_t filetime);

#endif
