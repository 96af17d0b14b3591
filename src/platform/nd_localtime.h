/* nd_localtime: a time in the process's local zone, as the C library
 * knows it ($TZ, set by the program; the library never sets it). */
#ifndef ND_LOCALTIME_H
#define ND_LOCALTIME_H

#include <stdint.h>

typedef struct nd_local_time {
	int year, month, day, hour, minute, second;
	long offset_s; /* east of UTC, in effect at that time */
} nd_local_time;

/* Converts unix_s (seconds since 1970, UTC) to the local zone. Returns 0
 * with out filled, or -1 when the C library cannot. */
int nd_localtime(int64_t unix_s, nd_local_time *out);

#endif
