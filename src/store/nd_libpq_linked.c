/* nd_libpq where libpq is linked (the Windows build's static libpq). */
#include "nd_libpq.h"

int nd_libpq_load(nd_libpq *t, nd_error *err)
{
	(void)err;
	ND_LIBPQ_FUNCS(ND_LIB_LINK)
	return 0;
}
