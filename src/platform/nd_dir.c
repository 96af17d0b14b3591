#include "nd_dir.h"

#include <stdlib.h>
#include <string.h>

void nd_dir_names_free(nd_dir_names *names)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		free(names->v[i]);
	free(names->v);
	memset(names, 0, sizeof(*names));
}
