#include "nd_file.h"

int nd_file_is_dir(const char *path)
{
	nd_file_info info;

	return nd_file_stat(path, 1, &info) == 0 && info.type == ND_FILE_DIRECTORY;
}
