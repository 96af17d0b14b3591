#include "nd_file.h"

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "nd_winpath.h"

/* Seconds between 1601-01-01 (FILETIME's epoch) and 1970-01-01. */
#define EPOCH_DIFF 11644473600LL

/* Opens path with the sharing the EventLog service allows on its live
 * files (it keeps them open for writing and may rename or delete them);
 * follow 0 opens a symbolic link or junction itself. Returns the handle,
 * or INVALID_HANDLE_VALUE with errno set. */
static HANDLE open_shared(const char *path, DWORD access, int follow)
{
	wchar_t *w = nd_winpath_from_utf8(path);
	HANDLE h;

	if (!w)
		return INVALID_HANDLE_VALUE;
	/* FILE_FLAG_BACKUP_SEMANTICS: a directory opens too, so that it can be told apart. */
	h = CreateFileW(w, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
			FILE_FLAG_BACKUP_SEMANTICS | (follow ? 0 : FILE_FLAG_OPEN_REPARSE_POINT), NULL);
	if (h == INVALID_HANDLE_VALUE)
		nd_winpath_set_errno(GetLastError());
	free(w);
	return h;
}

/* Fills info from an open handle. Returns 0, or -1 with errno set. */
static int describe(HANDLE h, nd_file_info *info)
{
	BY_HANDLE_FILE_INFORMATION bi;
	int64_t t;

	if (GetFileType(h) != FILE_TYPE_DISK) {
		memset(info, 0, sizeof(*info));
		info->type = ND_FILE_OTHER;
		return 0;
	}
	if (!GetFileInformationByHandle(h, &bi)) {
		nd_winpath_set_errno(GetLastError());
		return -1;
	}
	info->type = bi.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT ? ND_FILE_LINK
		     : bi.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY   ? ND_FILE_DIRECTORY
									  : ND_FILE_REGULAR;
	info->dev = bi.dwVolumeSerialNumber;
	info->ino = (uint64_t)bi.nFileIndexHigh << 32 | bi.nFileIndexLow;
	info->size = (int64_t)((uint64_t)bi.nFileSizeHigh << 32 | bi.nFileSizeLow);
	/* 100-nanosecond units since 1601. */
	t = (int64_t)((uint64_t)bi.ftLastWriteTime.dwHighDateTime << 32 | bi.ftLastWriteTime.dwLowDateTime);
	info->mtime_s = t / 10000000 - EPOCH_DIFF;
	info->mtime_ns = (long)(t % 10000000) * 100;
	return 0;
}

int nd_file_stat(const char *path, int follow, nd_file_info *info)
{
	HANDLE h = open_shared(path, FILE_READ_ATTRIBUTES, follow);
	int rc;

	if (h == INVALID_HANDLE_VALUE)
		return -1;
	rc = describe(h, info);
	CloseHandle(h);
	return rc;
}

int nd_file_open_read(const char *path, FILE **out, nd_file_info *info, nd_error *err)
{
	nd_file_info fi;
	HANDLE h;
	int fd;

	*out = NULL;
	if ((h = open_shared(path, GENERIC_READ, 1)) == INVALID_HANDLE_VALUE)
		return nd_error_set(err, "%s: cannot open: %s", path, strerror(errno));
	if (describe(h, &fi) != 0) {
		nd_error_set(err, "%s: %s", path, strerror(errno));
		CloseHandle(h);
		return -1;
	}
	if (fi.type != ND_FILE_REGULAR) {
		nd_error_set(err, "%s: not a regular file (%s)", path,
			     fi.type == ND_FILE_DIRECTORY ? "a directory"
			     : GetFileType(h) == FILE_TYPE_PIPE ? "a pipe"
								  : "a device");
		CloseHandle(h);
		return -1;
	}
	/* The C runtime owns the handle from here: fclose closes it. */
	if ((fd = _open_osfhandle((intptr_t)h, _O_RDONLY | _O_BINARY)) < 0) {
		nd_error_set(err, "%s: %s", path, strerror(errno));
		CloseHandle(h);
		return -1;
	}
	if (!(*out = _fdopen(fd, "rb"))) {
		nd_error_set(err, "%s: %s", path, strerror(errno));
		_close(fd);
		return -1;
	}
	if (info)
		*info = fi;
	return 0;
}

int nd_file_temp(FILE **out, char *name, size_t cap, nd_error *err)
{
	wchar_t dir[MAX_PATH + 1], path[MAX_PATH + 1];
	char *utf8 = NULL;
	HANDLE h;
	int fd;

	*out = NULL;
	if (GetTempPathW(sizeof(dir) / sizeof(dir[0]), dir) == 0 || GetTempFileNameW(dir, L"nds", 0, path) == 0) {
		nd_winpath_set_errno(GetLastError());
		return nd_error_set(err, "cannot make a temporary file: %s", strerror(errno));
	}
	/* Deleted when the last handle closes, however the process ends; others may open it meanwhile
	 * (nd_file_open_read shares delete). */
	h = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
			NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		nd_winpath_set_errno(GetLastError());
		DeleteFileW(path);
		return nd_error_set(err, "cannot make a temporary file: %s", strerror(errno));
	}
	if (!(utf8 = nd_winpath_to_utf8(path, -1)) || strlen(utf8) >= cap ||
	    (fd = _open_osfhandle((intptr_t)h, _O_RDWR | _O_BINARY)) < 0) {
		free(utf8);
		CloseHandle(h);
		return nd_error_set(err, "cannot make a temporary file: %s", "name");
	}
	memcpy(name, utf8, strlen(utf8) + 1);
	free(utf8);
	if (!(*out = _fdopen(fd, "w+b"))) {
		_close(fd);
		return nd_error_set(err, "cannot make a temporary file: %s", strerror(errno));
	}
	return 0;
}
