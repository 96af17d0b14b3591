/* nd_dir: the names in a directory. */
#ifndef ND_DIR_H
#define ND_DIR_H

#include <stddef.h>

#include "nd_error.h"

/* The names of a directory's entries, "." and ".." left out. */
typedef struct nd_dir_names {
	char **v;
	size_t n;
} nd_dir_names;

/* Lists the entries of dir in the order the system gives them. Returns 0
 * with out filled (free it with nd_dir_names_free), or -1 with err naming
 * dir and the reason (out is then empty). */
int nd_dir_list(const char *dir, nd_dir_names *out, nd_error *err);

/* Frees a listing. Returns nothing. */
void nd_dir_names_free(nd_dir_names *names);

#endif
