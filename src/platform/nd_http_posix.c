/* nd_http on POSIX: libcurl, loaded on the first download (nd_lib.h).
 * Proxies are taken from the environment as curl does. */
#include "nd_http.h"

#include <curl/curl.h>

#include "nd_lib.h"

/* The functions of libcurl that npsdiag calls. */
#define CURL_FUNCS(X)                                                                                                  \
	X(curl_easy_init)                                                                                              \
	X(curl_easy_setopt)                                                                                            \
	X(curl_easy_perform)                                                                                           \
	X(curl_easy_getinfo)                                                                                           \
	X(curl_easy_cleanup)                                                                                           \
	X(curl_easy_strerror)

typedef struct curl_lib {
	CURL_FUNCS(ND_LIB_SLOT)
} curl_lib;

/* Loads libcurl into t. Returns 0, or -1 with err set. */
static int load(curl_lib *t, nd_error *err)
{
	static const char *const names[] = {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so", NULL};
	nd_lib *h;
	int rc = -1;

	if (nd_lib_open(&h, names, "CRL downloads", err) != 0)
		return -1;
	CURL_FUNCS(ND_LIB_BIND)
	rc = 0;
out:
	nd_lib_close(h);
	return rc;
}

typedef struct sink {
	nd_buf *b;
	size_t max;
	int too_big;
} sink;

/* Appends a received piece to the sink. Returns the bytes taken (fewer
 * stops the transfer). */
static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	sink *s = ctx;
	size_t len = size * n;

	if (s->b->len + len > s->max) {
		s->too_big = 1;
		return 0;
	}
	return nd_buf_append(s->b, p, len) == 0 ? len : 0;
}

int nd_http_get(const char *url, long timeout_ms, size_t max, nd_buf *b, nd_error *err)
{
	char why[CURL_ERROR_SIZE] = "";
	sink s = {b, max, 0};
	curl_lib c;
	CURL *curl;
	CURLcode rc;
	long status = 0;

	if (load(&c, err) != 0)
		return -1;
	if (!(curl = c.curl_easy_init()))
		return nd_error_set(err, "libcurl cannot start");
	(c.curl_easy_setopt)(curl, CURLOPT_URL, url);
	(c.curl_easy_setopt)(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	(c.curl_easy_setopt)(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	(c.curl_easy_setopt)(curl, CURLOPT_FOLLOWLOCATION, 1L);
	(c.curl_easy_setopt)(curl, CURLOPT_MAXREDIRS, (long)ND_HTTP_MAX_REDIRECTS);
	(c.curl_easy_setopt)(curl, CURLOPT_NOSIGNAL, 1L);
	(c.curl_easy_setopt)(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
	(c.curl_easy_setopt)(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	(c.curl_easy_setopt)(curl, CURLOPT_USERAGENT, "npsdiag/" NPSDIAG_VERSION);
	(c.curl_easy_setopt)(curl, CURLOPT_WRITEFUNCTION, on_data);
	(c.curl_easy_setopt)(curl, CURLOPT_WRITEDATA, &s);
	(c.curl_easy_setopt)(curl, CURLOPT_ERRORBUFFER, why);
	rc = c.curl_easy_perform(curl);
	(c.curl_easy_getinfo)(curl, CURLINFO_RESPONSE_CODE, &status);
	c.curl_easy_cleanup(curl);
	if (s.too_big)
		return nd_error_set(err, "larger than %zu bytes", max);
	if (rc != CURLE_OK)
		return nd_error_set(err, "%s", why[0] ? why : c.curl_easy_strerror(rc));
	if (status >= 400)
		return nd_error_set(err, "HTTP status %ld", status);
	return 0;
}
