#include "nd_clock.h"

#include <windows.h>

#include "nd_time.h"

uint64_t nd_clock_ms(void)
{
	return (uint64_t)GetTickCount64();
}

int64_t nd_clock_now_ticks(void)
{
	FILETIME ft;

	GetSystemTimePreciseAsFileTime(&ft);
	return (int64_t)(((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime) - ND_FILETIME_UNIX_EPOCH;
}

void nd_clock_sleep_ms(unsigned ms, const volatile sig_atomic_t *stop)
{
	/* A console control handler runs on its own thread and cannot cut a Sleep short: sleep in slices. */
	while (ms > 0 && !(stop && *stop)) {
		unsigned slice = ms < 50 ? ms : 50;

		Sleep(slice);
		ms -= slice;
	}
}
