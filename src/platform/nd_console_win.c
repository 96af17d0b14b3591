#include "nd_console.h"

#include <fcntl.h>
#include <io.h>
#include <stdint.h>
#include <stdio.h>
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

/* Writes v as `digits` lower-case hex digits at p. Returns p after them. */
static char *put_hex(char *p, unsigned long long v, int digits)
{
	int i;

	for (i = digits - 1; i >= 0; i--)
		*p++ = "0123456789abcdef"[(v >> (4 * i)) & 0xf];
	return p;
}

/* The end of a process that met an exception nothing handles (an access
 * violation, a call of a function the system lacks): says which and where
 * on the standard error and ends with exit status 3, as abort() does. The
 * message is built by hand in static memory: no stdio (whose lock the
 * failing code may hold) and next to no stack (the exception may be a
 * stack overflow). Left to Windows the status would be the exception's
 * code, which wine cuts to its low byte: 0x80000100 (a function wine
 * lacks) gave 0, and after a winpthreads thread had ended any exception
 * did (tests/win/lib.sh). Never returns. */
static LONG WINAPI fatal(EXCEPTION_POINTERS *x)
{
	static char msg[] = "npsdiag: fatal exception 0x00000000 at 0000000000000000\n";
	static const char head[] = "npsdiag: fatal exception 0x";
	char *p = msg + sizeof(head) - 1;
	DWORD n;

	p = put_hex(p, (unsigned long)x->ExceptionRecord->ExceptionCode, 8);
	put_hex(p + 4, (unsigned long long)(uintptr_t)x->ExceptionRecord->ExceptionAddress, 16);
	WriteFile(GetStdHandle(STD_ERROR_HANDLE), msg, (DWORD)(sizeof(msg) - 1), &n, NULL);
	TerminateProcess(GetCurrentProcess(), 3);
	return EXCEPTION_EXECUTE_HANDLER;
}

int nd_console_init(int *argc, char ***argv)
{
	wchar_t **wargv;
	char **v;
	int n, i;

	SetUnhandledExceptionFilter(fatal);
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
