/* nd_http on POSIX: libcurl. Proxies are taken from the environment as
 * curl does. */
#include "nd_http.h"

#include <curl/curl.h>

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
	CURL *curl = curl_easy_init();
	CURLcode rc;
	long status = 0;

	if (!curl)
		return nd_error_set(err, "libcurl cannot start");
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(curl, CURLOPT_MAXREDIRS, (long)ND_HTTP_MAX_REDIRECTS);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "npsdiag/" NPSDIAG_VERSION);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, why);
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(curl);
	if (s.too_big)
		return nd_error_set(err, "larger than %zu bytes", max);
	if (rc != CURLE_OK)
		return nd_error_set(err, "%s", why[0] ? why : curl_easy_strerror(rc));
	if (status >= 400)
		return nd_error_set(err, "HTTP status %ld", status);
	return 0;
}
