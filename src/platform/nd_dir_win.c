#include "nd_dir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "nd_vec.h"
#include "nd_winpath.h"

int nd_dir_list(const char *dir, nd_dir_names *out, nd_error *err)
{
	WIN32_FIND_DATAW fd;
	wchar_t *w, *pattern;
	size_t cap = 0, len;
	HANDLE h;
	DWORD code;

	memset(out, 0, sizeof(*out));
	if (!(w = nd_winpath_from_utf8(dir)))
		return nd_error_set(err, "%s: cannot read directory: %s", dir, strerror(errno));
	len = wcslen(w);
	if (!(pattern = malloc((len + 3) * sizeof(*pattern)))) {
		free(w);
		return nd_error_set(err, "out of memory");
	}
	wmemcpy(pattern, w, len);
	wmemcpy(pattern + len, len && w[len - 1] == L'\\' ? L"*" : L"\\*", len && w[len - 1] == L'\\' ? 2 : 3);
	free(w);
	h = FindFirstFileExW(pattern, FindExInfoBasic, &fd, FindExSearchNameMatch, NULL, 0);
	free(pattern);
	if (h == INVALID_HANDLE_VALUE) {
		nd_winpath_set_errno(GetLastError());
		return nd_error_set(err, "%s: cannot read directory: %s", dir, strerror(errno));
	}
	do {
		char *name;

		if (wcscmp(fd.cFileName, L".") == 0 || wcscmp(fd.cFileName, L"..") == 0)
			continue;
		if (nd_vec_reserve(&out->v, &cap, out->n + 1, sizeof(*out->v)) != 0 ||
		    !(name = nd_winpath_to_utf8(fd.cFileName, -1))) {
			FindClose(h);
			nd_dir_names_free(out);
			return nd_error_set(err, "out of memory");
		}
		out->v[out->n++] = name;
	} while (FindNextFileW(h, &fd));
	code = GetLastError();
	FindClose(h);
	if (code != ERROR_NO_MORE_FILES) {
		nd_dir_names_free(out);
		nd_winpath_set_errno(code);
		return nd_error_set(err, "%s: cannot read directory: %s", dir, strerror(errno));
	}
	return 0;
}
