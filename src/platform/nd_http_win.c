/* nd_http on Windows: WinHTTP. TLS is Schannel with the machine's trusted
 * roots; the proxy is WinHTTP's own setting (`netsh winhttp show proxy`),
 * the one services use, not the user's browser setting. WinHTTP follows
 * redirects among http and https URLs only. Its timeouts bound each step;
 * the whole download is bounded here by a deadline that every step's
 * timeout is cut to (none when timeout_ms is 0 or less, as with curl). */
#include "nd_http.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include <winhttp.h>

#include "nd_winpath.h"

/* A WinHTTP download's handles and deadline. */
typedef struct http {
	HINTERNET session;
	HINTERNET connection;
	HINTERNET request;
	ULONGLONG deadline; /* GetTickCount64() value; 0: none */
	long timeout_ms;
} http;

/* Fills err with what WinHTTP (or the system) says of code, after what.
 * Returns -1. */
static int fail(nd_error *err, const char *what, DWORD code)
{
	wchar_t w[256];
	DWORD n;
	char *u = NULL;

	n = FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_IGNORE_INSERTS,
			   GetModuleHandleW(L"winhttp.dll"), code, 0, w, sizeof(w) / sizeof(w[0]), NULL);
	if (n == 0)
		n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code, 0, w,
				   sizeof(w) / sizeof(w[0]), NULL);
	while (n > 0 && (w[n - 1] == L'\r' || w[n - 1] == L'\n' || w[n - 1] == L' ' || w[n - 1] == L'.'))
		n--;
	if (n > 0)
		u = nd_winpath_to_utf8(w, (int)n);
	if (code == ERROR_WINHTTP_TIMEOUT)
		nd_error_set(err, "%s: timed out (%s)", what, u ? u : "WinHTTP error 12002");
	else if (u)
		nd_error_set(err, "%s: %s (WinHTTP error %lu)", what, u, (unsigned long)code);
	else
		nd_error_set(err, "%s: WinHTTP error %lu", what, (unsigned long)code);
	free(u);
	return -1;
}

/* Cuts the request's timeouts to what is left before the deadline.
 * Returns 0, or -1 with err set when the deadline has passed. */
static int cut_timeouts(http *h, nd_error *err)
{
	ULONGLONG now = GetTickCount64();
	int left;

	if (h->deadline == 0)
		return 0;
	if (now >= h->deadline)
		return nd_error_set(err, "timed out after %ld ms", h->timeout_ms);
	left = h->deadline - now > INT_MAX ? INT_MAX : (int)(h->deadline - now);
	/* The wait for the response's headers has a timeout of its own (90 s
	 * by default). */
	if (!WinHttpSetTimeouts(h->request, left, left, left, left) ||
	    !WinHttpSetOption(h->request, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, &left, sizeof(left)))
		return fail(err, "setting the timeouts", GetLastError());
	return 0;
}

/* Opens the session, the connection and the GET request of url. Returns 0,
 * or -1 with err set. */
static int open_request(http *h, const char *url, nd_error *err)
{
	URL_COMPONENTS uc;
	wchar_t *w, *object, *hash, host[256];
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, url, -1, NULL, 0);
	DWORD redirects = ND_HTTP_MAX_REDIRECTS, policy = WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS, code;
	int rc = -1;

	if (n <= 0)
		return nd_error_set(err, "the URL is not UTF-8");
	if (!(w = malloc((size_t)n * sizeof(*w))))
		return nd_error_set(err, "out of memory");
	MultiByteToWideChar(CP_UTF8, 0, url, -1, w, n);
	memset(&uc, 0, sizeof(uc));
	uc.dwStructSize = sizeof(uc);
	uc.dwSchemeLength = uc.dwHostNameLength = uc.dwUrlPathLength = uc.dwExtraInfoLength = (DWORD)-1;
	if (!WinHttpCrackUrl(w, 0, 0, &uc)) {
		fail(err, "not an HTTP URL", GetLastError());
		goto out;
	}
	if ((uc.nScheme != INTERNET_SCHEME_HTTP && uc.nScheme != INTERNET_SCHEME_HTTPS) || uc.dwHostNameLength == 0) {
		nd_error_set(err, "not an http or https URL");
		goto out;
	}
	if (uc.dwHostNameLength >= sizeof(host) / sizeof(host[0])) {
		nd_error_set(err, "host name longer than 255 characters");
		goto out;
	}
	wmemcpy(host, uc.lpszHostName, uc.dwHostNameLength);
	host[uc.dwHostNameLength] = L'\0';
	/* The path and query, up to the end of the URL but for a fragment. */
	object = uc.dwUrlPathLength ? uc.lpszUrlPath : uc.dwExtraInfoLength ? uc.lpszExtraInfo : L"/";
	if ((hash = wcschr(object, L'#')))
		*hash = L'\0';
	if (!(h->session = WinHttpOpen(L"npsdiag/" NPSDIAG_VERSION, WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,
				       WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0))) {
		fail(err, "WinHttpOpen", GetLastError());
		goto out;
	}
	if (!(h->connection = WinHttpConnect(h->session, host, uc.nPort, 0))) {
		fail(err, "WinHttpConnect", GetLastError());
		goto out;
	}
	h->request = WinHttpOpenRequest(h->connection, L"GET", object[0] ? object : L"/", NULL, WINHTTP_NO_REFERER,
					WINHTTP_DEFAULT_ACCEPT_TYPES,
					uc.nScheme == INTERNET_SCHEME_HTTPS ? WINHTTP_FLAG_SECURE : 0);
	if (!h->request) {
		fail(err, "WinHttpOpenRequest", GetLastError());
		goto out;
	}
	/* curl's choices in the POSIX build: 5 redirects, https to http too
	 * (a CRL is signed; its transport proves nothing). */
	if (!WinHttpSetOption(h->request, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, &redirects, sizeof(redirects)) ||
	    !WinHttpSetOption(h->request, WINHTTP_OPTION_REDIRECT_POLICY, &policy, sizeof(policy))) {
		code = GetLastError();
		fail(err, "WinHttpSetOption", code);
		goto out;
	}
	rc = 0;
out:
	free(w);
	return rc;
}

/* Sends the request and reads the response into b (at most max bytes).
 * Returns 0, or -1 with err set. */
static int transfer(http *h, size_t max, nd_buf *b, nd_error *err)
{
	DWORD status = 0, size = sizeof(status), avail, got;
	char chunk[65536];

	if (cut_timeouts(h, err) != 0)
		return -1;
	if (!WinHttpSendRequest(h->request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, 0, 0))
		return fail(err, "sending the request", GetLastError());
	if (cut_timeouts(h, err) != 0)
		return -1;
	if (!WinHttpReceiveResponse(h->request, NULL))
		return fail(err, "receiving the response", GetLastError());
	if (!WinHttpQueryHeaders(h->request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
				 WINHTTP_HEADER_NAME_BY_INDEX, &status, &size, WINHTTP_NO_HEADER_INDEX))
		return fail(err, "reading the status", GetLastError());
	if (status >= 400)
		return nd_error_set(err, "HTTP status %lu", (unsigned long)status);
	for (;;) {
		if (cut_timeouts(h, err) != 0)
			return -1;
		avail = 0;
		if (!WinHttpQueryDataAvailable(h->request, &avail))
			return fail(err, "receiving the body", GetLastError());
		if (avail == 0)
			return 0;
		if (avail > sizeof(chunk))
			avail = sizeof(chunk);
		if (b->len + avail > max)
			return nd_error_set(err, "larger than %zu bytes", max);
		if (!WinHttpReadData(h->request, chunk, avail, &got))
			return fail(err, "receiving the body", GetLastError());
		if (got == 0)
			return 0;
		if (nd_buf_append(b, chunk, got) != 0)
			return nd_error_set(err, "out of memory");
	}
}

int nd_http_get(const char *url, long timeout_ms, size_t max, nd_buf *b, nd_error *err)
{
	http h = {NULL, NULL, NULL, timeout_ms > 0 ? GetTickCount64() + (ULONGLONG)timeout_ms : 0, timeout_ms};
	int rc = open_request(&h, url, err);

	if (rc == 0)
		rc = transfer(&h, max, b, err);
	if (h.request)
		WinHttpCloseHandle(h.request);
	if (h.connection)
		WinHttpCloseHandle(h.connection);
	if (h.session)
		WinHttpCloseHandle(h.session);
	return rc;
}
