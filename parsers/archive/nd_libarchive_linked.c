/* nd_libarchive where libarchive is linked (the Windows build's static
 * libarchive). */
#include "nd_libarchive.h"

int nd_libarchive_load(nd_libarchive *t, nd_error *err)
{
	(void)err;
	ND_LIBARCHIVE_FUNCS(ND_LIB_LINK)
	return 0;
}
