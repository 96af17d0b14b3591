/* nd_clock: a monotonic clock, the time of day, and sleeping that a stop
 * request cuts short. */
#ifndef ND_CLOCK_H
#define ND_CLOCK_H

#include <signal.h>
#include <stdint.h>

/* Returns milliseconds of a monotonic clock (for intervals only). */
uint64_t nd_clock_ms(void);

/* Returns the time of day, UTC, in 100-nanosecond units since the Unix
 * epoch (npsdiag's "ticks", nd_time.h). */
int64_t nd_clock_now_ticks(void);

/* Sleeps ms milliseconds, or less when *stop is set meanwhile (by a signal
 * handler; stop may be NULL). Returns nothing. */
void nd_clock_sleep_ms(unsigned ms, const volatile sig_atomic_t *stop);

#endif
