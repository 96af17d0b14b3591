#include "nd_rules_path.h"

#include <stdlib.h>
#include <sys/stat.h>

/* Returns 1 if path is a directory, else 0. */
static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *nd_rules_dir(const char *explicit_dir)
{
	const char *env = getenv("NPSDIAG_RULES");

	if (explicit_dir)
		return explicit_dir;
	if (env && *env)
		return env;
	if (is_dir(NPSDIAG_RULES_DIR))
		return NPSDIAG_RULES_DIR;
	return NPSDIAG_SOURCE_RULES_DIR;
}
