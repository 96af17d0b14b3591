/* nd_localtime: a time in the process's local zone, the one the program
 * chose (nd_localtime_set_zone, nd_localtime_set_offset; the library never
 * chooses it). POSIX keeps it in $TZ for the C library's own zone handling;
 * Windows converts with its time zone API, or with a fixed offset kept in
 * the process's environment. */
#ifndef ND_LOCALTIME_H
#define ND_LOCALTIME_H

#include <stddef.h>
#include <stdint.h>

typedef struct nd_local_time {
	int year, month, day, hour, minute, second;
	long offset_s; /* east of UTC, in effect at that time */
} nd_local_time;

/* Makes zone the process's local zone: "local" (the system's), or a zone
 * name the system has (POSIX: an IANA name under $TZDIR or
 * /usr/share/zoneinfo; Windows has none). name (size bytes) receives what
 * to call it for a reader. Returns 0, or -1 when the zone is unknown. */
int nd_localtime_set_zone(const char *zone, char *name, size_t size);

/* Says which zone names nd_localtime_set_zone takes on this system, as a
 * phrase for a message ("expected <it>, UTC or +HH:MM"). Returns a
 * constant string. */
const char *nd_localtime_zone_names(void);

/* Makes the process's local zone a fixed offset_s seconds east of UTC (0:
 * UTC itself). Returns 0, or -1 when the system refuses. */
int nd_localtime_set_offset(long offset_s);

/* Converts unix_s (seconds since 1970, UTC) to the local zone. Returns 0
 * with out filled, or -1 when the system cannot. */
int nd_localtime(int64_t unix_s, nd_local_time *out);

/* Converts the local wall-clock time in lt (its year to second; offset_s
 * is not read; a day past the month's end runs into the next month) to
 * seconds since 1970, UTC, with the zone's daylight saving at that time.
 * Returns 0 with *unix_s set, or -1 when the system cannot. */
int nd_localtime_to_unix(const nd_local_time *lt, int64_t *unix_s);

#endif
