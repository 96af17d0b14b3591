#include "nd_console.h"

#include <fcntl.h>
#include <io.h>
#include <stdlib.h>
#include <windows.h>

#include "nd_winpath.h"

/* Returns the console handle behind f and its mode in *mode, or NULL when
 * f is not a console (a file, a pipe). */
static HANDLE console_of(FILE *f, DWORD *mode)
{
	int fd = _fileno(f);
	HANDLE h = fd >= 0 ? (HANDLE)_get_osfhandle(fd) : INVALID_HANDLE_VALUE;

	return h != INVALID_HANDLE_VALUE && GetConsoleMode(h, mode) ? h : NULL;
}

int nd_console_is_terminal(FILE *f)
{
	DWORD mode;

	return console_of(f, &mode) != NULL;
}

int nd_console_color(FILE *f)
{
	const char *no_color = getenv("NO_COLOR");
	DWORD mode;
	HANDLE h;

	if ((no_color && *no_color) || !(h = console_of(f, &mode)))
		return 0;
	/* Colours are VT escape sequences: the console interprets them once asked to (Windows 10 and later). */
	return (mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING) ||
	       SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING);
}

int nd_console_init(int *argc, char ***argv)
{
	wchar_t **wargv;
	char **v;
	int n, i;

	/* Bytes out as written: no \n to \r\n (JSON, HTML and CSV on standard output match other systems'),
	 * and the console shows them as UTF-8. */
	_setmode(_fileno(stdout), _O_BINARY);
	_setmode(_fileno(stderr), _O_BINARY);
	_setmode(_fileno(stdin), _O_BINARY);
	SetConsoleOutputCP(CP_UTF8);
	/* The arguments as UTF-8, whatever the code page: from the UTF-16 command line. They live as long
	 * as the process. */
	if (!(wargv = CommandLineToArgvW(GetCommandLineW(), &n)))
		return -1;
	if (!(v = calloc((size_t)n + 1, sizeof(*v)))) {
		LocalFree(wargv);
		return -1;
	}
	for (i = 0; i < n && (v[i] = nd_winpath_to_utf8(wargv[i], -1)) != NULL; i++)
		;
	LocalFree(wargv);
	if (i < n) {
		while (i > 0)
			free(v[--i]);
		free(v);
		return -1;
	}
	*argc = n;
	*argv = v;
	return 0;
}
