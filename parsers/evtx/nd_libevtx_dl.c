/* nd_libevtx where libevtx and libbfio are loaded on use (POSIX builds). */
#include "nd_libevtx.h"

int nd_libevtx_load(nd_libevtx *t, nd_error *err)
{
	static const char *const evtx[] = {"libevtx.so.1", "libevtx.so", NULL};
	static const char *const bfio[] = {"libbfio.so.1", "libbfio.so", NULL};
	static const char *const what = "Records decoded by libevtx (--decoder libevtx, or refused by our decoder)";
	nd_lib *h;
	int rc = -1;

	if (nd_lib_open(&h, evtx, what, err) != 0)
		return -1;
	ND_LIBEVTX_FUNCS(ND_LIB_BIND)
	nd_lib_close(h);
	if (nd_lib_open(&h, bfio, what, err) != 0)
		return -1;
	ND_LIBBFIO_FUNCS(ND_LIB_BIND)
	rc = 0;
out:
	nd_lib_close(h);
	return rc;
}
