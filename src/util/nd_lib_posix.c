/* nd_lib on POSIX: dlopen. RTLD_NODELETE keeps a library mapped after the
 * last dlclose: libraries such as libcurl's TLS stack register exit
 * handlers that must still be there when the process ends. */
#include "nd_lib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct nd_lib {
	void *handle;
	char name[64];
};

int nd_lib_open(nd_lib **lib, const char *const *names, const char *what, nd_error *err)
{
	char why[256] = "no file name";
	const char *const *n;
	void *h = NULL;

	/* The first name's reason: a library that is there but fails (a
	 * library it needs is missing) says so, not "no such file" of the
	 * next name. */
	for (n = names; *n && !h; n++)
		if (!(h = dlopen(*n, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE)) && n == names) {
			const char *e = dlerror();

			snprintf(why, sizeof(why), "%s", e ? e : "?");
		}
	if (!h)
		return nd_error_set(err, "%s need %s, which cannot be loaded: %s", what, names[0], why);
	if (!(*lib = calloc(1, sizeof(**lib)))) {
		dlclose(h);
		return nd_error_set(err, "out of memory");
	}
	(*lib)->handle = h;
	snprintf((*lib)->name, sizeof((*lib)->name), "%s", n[-1]);
	return 0;
}

nd_lib_fn nd_lib_symbol(nd_lib *lib, const char *name, nd_error *err)
{
	void *p = dlsym(lib->handle, name);
	nd_lib_fn f;

	if (!p) {
		nd_error_set(err, "%s has no function %s: is it too old?", lib->name, name);
		return NULL;
	}
	memcpy(&f, &p, sizeof(f)); /* POSIX: a data pointer from dlsym holds a function's address */
	return f;
}

void nd_lib_close(nd_lib *lib)
{
	if (!lib)
		return;
	dlclose(lib->handle);
	free(lib);
}
