#include "nd_clock.h"

#include <windows.h>

uint64_t nd_clock_ms(void)
{
	return (uint64_t)GetTickCount64();
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
