/* nd_http: one HTTP(S) GET, bounded in size and time, for the CRLs behind
 * a certificate's CDP URLs. POSIX builds speak it through libcurl,
 * Windows builds through WinHTTP (the machine's own TLS stack, trusted
 * roots and WinHTTP proxy setting; docs/windows.md). URLs come from
 * certificates: only http and https are spoken, redirects too, so a CDP
 * cannot make npsdiag read a file:// or a gopher:// URL. */
#ifndef ND_HTTP_H
#define ND_HTTP_H

#include <stddef.h>

#include "nd_buf.h"
#include "nd_error.h"

/* At most this many redirects are followed. */
#define ND_HTTP_MAX_REDIRECTS 5

/* Downloads url (http or https only, redirects among those) into b, at
 * most max bytes, all of it within timeout_ms. Returns 0, or -1 with err
 * saying why (the transport's own words, "HTTP status 404", "larger than
 * N bytes"). */
int nd_http_get(const char *url, long timeout_ms, size_t max, nd_buf *b, nd_error *err);

#endif
