#include "nd_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Fills info from a stat buffer. Returns nothing. */
static void from_stat(const struct stat *st, nd_file_info *info)
{
	info->type = S_ISREG(st->st_mode)   ? ND_FILE_REGULAR
		     : S_ISDIR(st->st_mode) ? ND_FILE_DIRECTORY
		     : S_ISLNK(st->st_mode) ? ND_FILE_LINK
					    : ND_FILE_OTHER;
	info->dev = (uint64_t)st->st_dev;
	info->ino = (uint64_t)st->st_ino;
	info->size = (int64_t)st->st_size;
	info->mtime_s = (int64_t)st->st_mtim.tv_sec;
	info->mtime_ns = st->st_mtim.tv_nsec;
}

int nd_file_stat(const char *path, int follow, nd_file_info *info)
{
	struct stat st;

	if ((follow ? stat(path, &st) : lstat(path, &st)) != 0)
		return -1;
	from_stat(&st, info);
	return 0;
}

int nd_file_is_dir(const char *path)
{
	nd_file_info info;

	return nd_file_stat(path, 1, &info) == 0 && info.type == ND_FILE_DIRECTORY;
}

int nd_file_open_read(const char *path, FILE **out, nd_file_info *info, nd_error *err)
{
	struct stat st;
	int fd, flags;

	*out = NULL;
	/* O_NONBLOCK: opening a FIFO without a writer would wait for one. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return nd_error_set(err, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		nd_error_set(err, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		nd_error_set(err, "%s: not a regular file (%s)", path,
			     S_ISDIR(st.st_mode)    ? "a directory"
			     : S_ISFIFO(st.st_mode) ? "a FIFO"
			     : S_ISSOCK(st.st_mode) ? "a socket"
						    : "a device");
		close(fd);
		return -1;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 || !(*out = fdopen(fd, "rb"))) {
		nd_error_set(err, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (info)
		from_stat(&st, info);
	return 0;
}

int nd_file_temp(FILE **out, char *name, size_t cap, nd_error *err)
{
	const char *dir = getenv("TMPDIR");
	char tmpl[4096];
	int fd, n;

	*out = NULL;
	if (!dir || !*dir)
		dir = "/tmp";
	n = snprintf(tmpl, sizeof(tmpl), "%s/npsdiag-spool.XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof(tmpl))
		return nd_error_set(err, "cannot make a temporary file: TMPDIR is too long");
	fd = mkstemp(tmpl);
	if (fd < 0)
		return nd_error_set(err, "cannot make a temporary file in %s: %s", dir, strerror(errno));
	unlink(tmpl);
	/* Linux: the open file stays reachable through its descriptor. */
	n = snprintf(name, cap, "/proc/self/fd/%d", fd);
	if (n < 0 || (size_t)n >= cap || access(name, R_OK) != 0 || !(*out = fdopen(fd, "w+b"))) {
		nd_error_set(err, "cannot make a temporary file: %s",
			     n > 0 && (size_t)n < cap ? strerror(errno) : "name");
		close(fd);
		return -1;
	}
	return 0;
}
