#include "nd_winpath.h"

#include <errno.h>
#include <stdlib.h>
#include <windows.h>

/* Converts NUL-terminated UTF-8 to UTF-16. Returns a malloc'd string, or
 * NULL with errno set. */
static wchar_t *widen(const char *s)
{
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
	wchar_t *w;

	if (n <= 0) {
		errno = EINVAL;
		return NULL;
	}
	if (!(w = malloc((size_t)n * sizeof(*w)))) {
		errno = ENOMEM;
		return NULL;
	}
	MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n);
	return w;
}

wchar_t *nd_winpath_from_utf8(const char *path)
{
	static const wchar_t verbatim[] = L"\\\\?\\", unc[] = L"\\\\?\\UNC\\";
	wchar_t *w, *full, *out;
	DWORD n;
	size_t skip, len;
	const wchar_t *prefix;

	if (!(w = widen(path)))
		return NULL;
	/* Already a verbatim or device path (\\?\, \\.\): the caller meant it as it is. */
	if (w[0] == L'\\' && w[1] == L'\\' && (w[2] == L'?' || w[2] == L'.') && w[3] == L'\\')
		return w;
	/* GetFullPathNameW makes it absolute and normal (/ as \, . and ..), which \\?\ paths never are. */
	n = GetFullPathNameW(w, 0, NULL, NULL);
	if (n == 0 || !(full = malloc(((size_t)n + 8) * sizeof(*full)))) {
		free(w);
		errno = n == 0 ? ENOENT : ENOMEM;
		return NULL;
	}
	n = GetFullPathNameW(w, n, full, NULL);
	free(w);
	if (full[0] == L'\\' && full[1] == L'\\') {
		prefix = unc;
		skip = 2;
	} else if (full[0] && full[1] == L':') {
		prefix = verbatim;
		skip = 0;
	} else {
		return full;
	}
	len = wcslen(prefix);
	if (!(out = malloc((len + n - skip + 1) * sizeof(*out)))) {
		free(full);
		errno = ENOMEM;
		return NULL;
	}
	wmemcpy(out, prefix, len);
	wmemcpy(out + len, full + skip, n - skip + 1);
	free(full);
	return out;
}

char *nd_winpath_to_utf8(const wchar_t *w, int n)
{
	int size = WideCharToMultiByte(CP_UTF8, 0, w, n, NULL, 0, NULL, NULL);
	char *s;

	if (size <= 0 || !(s = malloc((size_t)size + 1)))
		return NULL;
	WideCharToMultiByte(CP_UTF8, 0, w, n, s, size, NULL, NULL);
	s[size] = '\0';
	return s;
}

void nd_winpath_set_errno(unsigned long code)
{
	switch (code) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_INVALID_NAME:
	case ERROR_BAD_NETPATH:
	case ERROR_BAD_NET_NAME:
	case ERROR_INVALID_DRIVE: errno = ENOENT; break;
	case ERROR_ACCESS_DENIED:
	case ERROR_SHARING_VIOLATION:
	case ERROR_LOCK_VIOLATION: errno = EACCES; break;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY: errno = ENOMEM; break;
	case ERROR_DIRECTORY: errno = ENOTDIR; break;
	case ERROR_FILENAME_EXCED_RANGE: errno = ENAMETOOLONG; break;
	default: errno = EIO; break;
	}
}
