#include "nd_clock.h"

#include <errno.h>
#include <time.h>

#include "nd_time.h"

uint64_t nd_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int64_t nd_clock_now_ticks(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * ND_TICKS_PER_SECOND + ts.tv_nsec / 100;
}

void nd_clock_sleep_ms(unsigned ms, const volatile sig_atomic_t *stop)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	/* A signal interrupts the sleep: go on sleeping unless it asked to stop. */
	while (!(stop && *stop) && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}
