#include "nd_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

#include "nd_winpath.h"

/* Writes the computer name of the given format into out as UTF-8. Returns
 * 0, or -1 (out is "" then). */
static int computer_name(COMPUTER_NAME_FORMAT format, char *out, size_t n)
{
	wchar_t w[ND_HOST_MAX];
	DWORD len = ND_HOST_MAX;
	char *u;

	out[0] = '\0';
	if (!GetComputerNameExW(format, w, &len) || len == 0 || !(u = nd_winpath_to_utf8(w, (int)len)))
		return -1;
	snprintf(out, n, "%s", u);
	free(u);
	return 0;
}

int nd_host_computer_name(char *out, size_t n)
{
	if (n == 0)
		return -1;
	return computer_name(ComputerNameDnsFullyQualified, out, n) == 0 ||
		       computer_name(ComputerNameNetBIOS, out, n) == 0
		   ? 0
		   : -1;
}
