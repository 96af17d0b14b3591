/* nd_libevtx where libevtx is linked (the Windows build's static libevtx,
 * which carries libbfio's code). */
#include "nd_libevtx.h"

int nd_libevtx_load(nd_libevtx *t, nd_error *err)
{
	(void)err;
	ND_LIBEVTX_FUNCS(ND_LIB_LINK)
	ND_LIBBFIO_FUNCS(ND_LIB_LINK)
	return 0;
}
