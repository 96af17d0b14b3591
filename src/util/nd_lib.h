/* nd_lib: a shared library loaded when first needed, so that a program
 * that never reads an archive, never speaks to PostgreSQL, never downloads
 * a CRL and never hands a record to libevtx does not pay for mapping those
 * libraries and everything they pull in at every start (docs/internals.md,
 * "Libraries loaded on use"). A loaded library stays loaded until the
 * process ends. In util, the bottom layer, so that any layer (a parser
 * too) can load its own.
 *
 * Each client keeps its library's functions in a table of typed pointers
 * written from one list, e.g. for libfoo:
 *
 *   #define FOO_FUNCS(X) X(foo_open) X(foo_read)
 *   typedef struct { FOO_FUNCS(ND_LIB_SLOT) } foo_lib;
 *
 * and fills it with nd_lib_open() and ND_LIB_BIND() where libraries are
 * loaded on use (POSIX), or with ND_LIB_LINK() where they are linked (the
 * Windows build, whose libraries are static). */
#ifndef ND_LIB_H
#define ND_LIB_H

#include "nd_error.h"

/* One member of a client's table: a pointer to the function f. */
#define ND_LIB_SLOT(f) __typeof__(f) *f;

/* Inside a function with a variable `h` (the nd_lib), `t` (the table),
 * `err` and an `out` label: fills t's pointer to f, or goes to out with
 * err set when the library lacks it. */
#define ND_LIB_BIND(f)                                                                                                 \
	if (!(t->f = (__typeof__(f) *)nd_lib_symbol(h, #f, err)))                                                      \
		goto out;

/* Where the library is linked instead: fills t's pointer to f with f. */
#define ND_LIB_LINK(f) t->f = f;

typedef struct nd_lib nd_lib;

/* A function of any type, as nd_lib_symbol returns it. */
typedef void (*nd_lib_fn)(void);

/* Loads the library called by the first name of names (a NULL-ended list
 * of file names, e.g. "libpq.so.5", tried in turn) that loads. Returns 0
 * with *lib set, or -1 with err naming the library, the loader's reason
 * and what needs it (what: e.g. "PostgreSQL databases"). */
int nd_lib_open(nd_lib **lib, const char *const *names, const char *what, nd_error *err);

/* Returns the function called name in lib, or NULL with err set. */
nd_lib_fn nd_lib_symbol(nd_lib *lib, const char *name, nd_error *err);

/* Forgets lib (the library itself stays loaded). Returns nothing. */
void nd_lib_close(nd_lib *lib);

#endif
