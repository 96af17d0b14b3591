/* nd_libpq where libpq is loaded on use (POSIX builds). */
#include "nd_libpq.h"

int nd_libpq_load(nd_libpq *t, nd_error *err)
{
	static const char *const names[] = {"libpq.so.5", "libpq.so", NULL};
	nd_lib *h;
	int rc = -1;

	if (nd_lib_open(&h, names, "PostgreSQL databases", err) != 0)
		return -1;
	ND_LIBPQ_FUNCS(ND_LIB_BIND)
	rc = 0;
out:
	nd_lib_close(h);
	return rc;
}
