#include "fuzz_tmp.h"

#include <stdio.h>
#include <stdlib.h>

const char *fuzz_tmp_dir(const char *target)
{
	static char dir[4096];
	const char *env = getenv("FUZZ_TMP"), *tmp = getenv("TMPDIR");

	if (!dir[0]) {
		if (env && *env)
			snprintf(dir, sizeof(dir), "%s", env);
		else if (snprintf(dir, sizeof(dir), "%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", target) >=
			     (int)sizeof(dir) ||
			 !mkdtemp(dir))
			dir[0] = '\0';
	}
	return dir[0] ? dir : NULL;
}
