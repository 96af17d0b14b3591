#include "nd_exe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "nd_winpath.h"

int nd_exe_dir(char *buf, size_t size)
{
	wchar_t w[32768];
	DWORD n = GetModuleFileNameW(NULL, w, sizeof(w) / sizeof(w[0]));
	char *utf8, *sep;
	size_t len;

	if (n == 0 || n >= sizeof(w) / sizeof(w[0]) || !(utf8 = nd_winpath_to_utf8(w, (int)n)))
		return -1;
	sep = strrchr(utf8, '\\');
	if (!sep || (len = (size_t)(sep - utf8)) + 1 > size) {
		free(utf8);
		return -1;
	}
	memcpy(buf, utf8, len);
	buf[len] = '\0';
	free(utf8);
	return 0;
}

int nd_exe_default_db(const char *name, char *buf, size_t size)
{
	wchar_t cwd[32768], sys[MAX_PATH + 1], data[32768];
	DWORD ncwd = GetCurrentDirectoryW(sizeof(cwd) / sizeof(cwd[0]), cwd);
	UINT nsys = GetSystemDirectoryW(sys, sizeof(sys) / sizeof(sys[0]));
	DWORD ndata;
	char *dir;
	int n;

	/* Not started in the system directory: the current directory, as elsewhere. */
	if (ncwd == 0 || nsys == 0 || ncwd >= sizeof(cwd) / sizeof(cwd[0]) || _wcsicmp(cwd, sys) != 0 ||
	    (ndata = GetEnvironmentVariableW(L"ProgramData", data, sizeof(data) / sizeof(data[0]) - 9)) == 0 ||
	    ndata >= sizeof(data) / sizeof(data[0]) - 9) {
		n = snprintf(buf, size, "%s", name);
		return n >= 0 && (size_t)n < size ? 0 : -1;
	}
	wmemcpy(data + ndata, L"\\npsdiag", 9);
	CreateDirectoryW(data, NULL);
	if (!(dir = nd_winpath_to_utf8(data, -1)))
		return -1;
	n = snprintf(buf, size, "%s\\%s", dir, name);
	free(dir);
	return n >= 0 && (size_t)n < size ? 0 : -1;
}
