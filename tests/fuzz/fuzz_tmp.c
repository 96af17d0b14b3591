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

uint8_t *fuzz_slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *p = NULL;
	long len;

	if (fp && fseek(fp, 0, SEEK_END) == 0 && (len = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
	    (p = malloc((size_t)len + 1)) && fread(p, 1, (size_t)len, fp) == (size_t)len)
		*n = (size_t)len;
	else {
		free(p);
		p = NULL;
	}
	if (fp)
		fclose(fp);
	return p;
}
