/* nd_winpath: Windows only (its .c is built for Windows): npsdiag's UTF-8
 * strings as the UTF-16 the wide Windows API takes, and back. */
#ifndef ND_WINPATH_H
#define ND_WINPATH_H

#include <wchar.h>

/* Converts a UTF-8 path to the UTF-16 path to hand CreateFileW and its
 * kin: made absolute, with / as \, and prefixed \\?\ (\\?\UNC\ for
 * \\server\share) so that paths longer than MAX_PATH work. Returns a
 * malloc'd string, or NULL with errno set (EINVAL for text that is not
 * UTF-8, ENOMEM). */
wchar_t *nd_winpath_from_utf8(const char *path);

/* Converts UTF-16 (n units, or -1 when NUL-terminated) to UTF-8. Returns
 * a malloc'd string, or NULL when out of memory or not convertible. */
char *nd_winpath_to_utf8(const wchar_t *w, int n);

/* Sets errno from a Windows error code (ENOENT, EACCES, ... ; EIO for the
 * rest). Returns nothing. */
void nd_winpath_set_errno(unsigned long code);

#endif
