/* nd_error: the error context every core function fills on failure.
 *
 * Functions in the core return 0 on success and -1 on error; on error they
 * describe what went wrong in an nd_error supplied by the caller. Messages
 * are built from literal format strings only: event-derived text is always
 * passed as an argument, never as a format.
 */
#ifndef ND_ERROR_H
#define ND_ERROR_H

#include <stddef.h>

#define ND_ERROR_MAX 1024

typedef struct nd_error {
	char message[ND_ERROR_MAX];
} nd_error;

/* Clears err. Returns nothing. */
void nd_error_clear(nd_error *err);

/* Sets err's message from a printf-style literal format. Always returns -1,
 * so that `return nd_error_set(err, ...);` reads naturally. */
int nd_error_set(nd_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Puts "prefix: " in front of err's current message (context added by a
 * caller, e.g. the file name). Always returns -1. */
int nd_error_prefix(nd_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
