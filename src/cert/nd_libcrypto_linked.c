/* nd_libcrypto where libcrypto is linked (the Windows build's static libcrypto). */
#include "nd_libcrypto.h"

int nd_libcrypto_load(nd_libcrypto *t, nd_error *err)
{
	(void)err;
	ND_LIBCRYPTO_FUNCS(ND_LIB_LINK)
	return 0;
}
