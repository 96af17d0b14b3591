/* api_console: what a console front end asks of the platform. */
#include "npsdiag.h"

#include "nd_clock.h"
#include "nd_console.h"
#include "nd_exe.h"
#include "nd_localtime.h"

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

int npsdiag_zone_named(const char *zone, char *name, size_t size)
{
	return nd_localtime_set_zone(zone, name, size);
}

const char *npsdiag_zone_names(void)
{
	return nd_localtime_zone_names();
}

int npsdiag_zone_offset(long offset_s)
{
	return nd_localtime_set_offset(offset_s);
}

int npsdiag_local_to_unix(int year, int month, int day, int hour, int minute, int second, int64_t *unix_s)
{
	nd_local_time lt = {year, month, day, hour, minute, second, 0};

	return nd_localtime_to_unix(&lt, unix_s);
}
