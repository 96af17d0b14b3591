/* nd_libarchive where libarchive is loaded on use (POSIX builds). */
#include "nd_libarchive.h"

int nd_libarchive_load(nd_libarchive *t, nd_error *err)
{
	static const char *const names[] = {"libarchive.so.13", "libarchive.so", NULL};
	nd_lib *h;
	int rc = -1;

	if (nd_lib_open(&h, names, "Compressed files and archives", err) != 0)
		return -1;
	ND_LIBARCHIVE_FUNCS(ND_LIB_BIND)
	rc = 0;
out:
	nd_lib_close(h);
	return rc;
}
