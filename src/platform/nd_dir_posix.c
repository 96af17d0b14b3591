#include "nd_dir.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nd_vec.h"

/* Appends a copy of name. Returns 0, or -1 when out of memory. */
static int add_name(nd_dir_names *l, size_t *cap, const char *name)
{
	if (nd_vec_reserve(&l->v, cap, l->n + 1, sizeof(*l->v)) != 0)
		return -1;
	if (!(l->v[l->n] = strdup(name)))
		return -1;
	l->n++;
	return 0;
}

int nd_dir_list(const char *dir, nd_dir_names *out, nd_error *err)
{
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	memset(out, 0, sizeof(*out));
	if (!(d = opendir(dir)))
		return nd_error_set(err, "%s: cannot read directory: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (add_name(out, &cap, de->d_name) != 0) {
			closedir(d);
			nd_dir_names_free(out);
			return nd_error_set(err, "out of memory");
		}
	}
	closedir(d);
	return 0;
}
