/* api_console: what a console front end asks of the platform. */
#include "npsdiag.h"

#include "nd_clock.h"
#include "nd_console.h"
#include "nd_exe.h"

int npsdiag_console_init(int *argc, char ***argv)
{
	return nd_console_init(argc, argv);
}

int npsdiag_default_db(const char *name, char *buf, size_t size)
{
	return nd_exe_default_db(name, buf, size);
}

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
