/* api_console: what a console front end asks of the platform. */
#include "npsdiag.h"

#include "nd_clock.h"
#include "nd_console.h"

int npsdiag_console_is_terminal(FILE *f)
{
	return nd_console_is_terminal(f);
}

int npsdiag_console_color(FILE *f)
{
	return nd_console_color(f);
}

uint64_t npsdiag_clock_ms(void)
{
	return nd_clock_ms();
}
