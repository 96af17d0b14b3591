#include "nd_console.h"

#include <stdlib.h>
#include <unistd.h>

int nd_console_is_terminal(FILE *f)
{
	int fd = fileno(f);

	return fd >= 0 && isatty(fd);
}

int nd_console_color(FILE *f)
{
	const char *no_color = getenv("NO_COLOR");

	return nd_console_is_terminal(f) && !(no_color && *no_color);
}

int nd_console_init(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}
