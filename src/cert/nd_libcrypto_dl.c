/* nd_libcrypto where libcrypto is loaded on use (POSIX builds). */
#include "nd_libcrypto.h"

int nd_libcrypto_load(nd_libcrypto *t, nd_error *err)
{
	static const char *const names[] = {"libcrypto.so.3", "libcrypto.so", NULL};
	nd_lib *h;
	int rc = -1;

	if (nd_lib_open(&h, names, "Certificates", err) != 0)
		return -1;
	ND_LIBCRYPTO_FUNCS(ND_LIB_BIND)
	rc = 0;
out:
	nd_lib_close(h);
	return rc;
}
