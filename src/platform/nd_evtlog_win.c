#include "nd_evtlog.h"

#include <stdlib.h>
#include <windows.h>
#include <winevt.h>

#include "nd_winpath.h"

/* Events taken from the subscription at once. */
#define BATCH 64

struct nd_evtlog {
	char *channel;               /* for messages */
	EVT_HANDLE sub;              /* the pull subscription */
	HANDLE signal;               /* set by the service when events arrive (a pull subscription needs one) */
	EVT_HANDLE bookmark;         /* just after the last event given */
	EVT_HANDLE batch[BATCH];     /* taken by EvtNext, not given yet */
	DWORD nbatch, pos;
	wchar_t *wbuf;               /* EvtRender's output */
	DWORD wcap;                  /* its size in bytes */
	char *xml;                   /* the last event given, as UTF-8 */
	char *bm;                    /* the last bookmark rendered, as UTF-8 */
};

/* Converts UTF-8 to a malloc'd NUL-terminated UTF-16 string. Returns it,
 * or NULL when out of memory or s is not UTF-8. */
static wchar_t *widen(const char *s)
{
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
	wchar_t *w;

	if (n <= 0 || !(w = malloc((size_t)n * sizeof(*w))))
		return NULL;
	MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n);
	return w;
}

/* Sets err for a failed call what on channel, naming the Windows error
 * code and, for the common ones, what to do. Returns -1. */
static int fail(nd_error *err, const char *channel, const char *what, DWORD code)
{
	switch (code) {
	case ERROR_ACCESS_DENIED:
		return nd_error_set(err,
				    "channel %s: %s: access denied (the Security log needs an administrator or an "
				    "account given read access to the Security channel or the \"Manage auditing and "
				    "security log\" right; other channels the Event Log Readers group: docs/windows.md)",
				    channel, what);
	case ERROR_EVT_CHANNEL_NOT_FOUND:
		return nd_error_set(err, "channel %s: %s: no such channel on this computer (wevtutil el lists them)",
				    channel, what);
	case ERROR_EVT_INVALID_QUERY:
		return nd_error_set(err, "channel %s: %s: the event log service refused the query", channel, what);
	default: return nd_error_set(err, "channel %s: %s: Windows error %lu", channel, what, (unsigned long)code);
	}
}

/* Renders h as flag (EvtRenderEventXml, EvtRenderBookmark) into *out as
 * UTF-8, replacing what was there. Returns 0, or -1 with err set. */
static int render(nd_evtlog *l, EVT_HANDLE h, DWORD flag, char **out, nd_error *err)
{
	DWORD used = 0, props = 0;

	while (!EvtRender(NULL, h, flag, l->wcap, l->wbuf, &used, &props)) {
		wchar_t *grown;

		if (GetLastError() != ERROR_INSUFFICIENT_BUFFER)
			return fail(err, l->channel, "EvtRender", GetLastError());
		if (!(grown = realloc(l->wbuf, used)))
			return nd_error_set(err, "out of memory");
		l->wbuf = grown;
		l->wcap = used;
	}
	free(*out);
	if (!(*out = nd_winpath_to_utf8(l->wbuf, -1)))
		return nd_error_set(err, "channel %s: an event or bookmark that UTF-8 cannot hold", l->channel);
	return 0;
}

/* Enables the "Manage auditing and security log" right (SeSecurityPrivilege)
 * in the process token when the account holds it: an account given that
 * right, rather than read access to the Security channel, reads the
 * Security log only with it enabled. Without it nothing changes (the
 * channel's own access list decides). Returns nothing. */
static void enable_security_privilege(void)
{
	TOKEN_PRIVILEGES tp;
	HANDLE token;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &token))
		return;
	tp.PrivilegeCount = 1;
	tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
	if (LookupPrivilegeValueW(NULL, L"SeSecurityPrivilege", &tp.Privileges[0].Luid))
		AdjustTokenPrivileges(token, FALSE, &tp, 0, NULL, NULL);
	CloseHandle(token);
}

int nd_evtlog_open(nd_evtlog **out, const char *channel, const char *query, const char *bookmark, nd_error *err)
{
	nd_evtlog *l = calloc(1, sizeof(*l));
	wchar_t *wquery = NULL, *wbm = NULL;
	DWORD flags = bookmark ? EvtSubscribeStartAfterBookmark : EvtSubscribeStartAtOldestRecord;
	int rc = -1;

	*out = NULL;
	if (!l || !(l->channel = strdup(channel)) || !(wquery = widen(query)) || (bookmark && !(wbm = widen(bookmark)))) {
		nd_error_set(err, "out of memory");
		goto done;
	}
	enable_security_privilege();
	if (!(l->bookmark = EvtCreateBookmark(wbm))) {
		fail(err, channel, "the stored bookmark", GetLastError());
		goto done;
	}
	if (!(l->signal = CreateEventW(NULL, TRUE, TRUE, NULL))) {
		fail(err, channel, "CreateEvent", GetLastError());
		goto done;
	}
	/* The query is a structured XML query: it names the channel itself. */
	if (!(l->sub = EvtSubscribe(NULL, l->signal, NULL, wquery, bookmark ? l->bookmark : NULL, NULL, NULL, flags))) {
		fail(err, channel, "EvtSubscribe", GetLastError());
		goto done;
	}
	*out = l;
	l = NULL;
	rc = 0;
done:
	free(wquery);
	free(wbm);
	nd_evtlog_close(l);
	return rc;
}

int nd_evtlog_next(nd_evtlog *l, const char **xml, size_t *len, nd_error *err)
{
	EVT_HANDLE ev;

	if (l->pos == l->nbatch) {
		l->pos = l->nbatch = 0;
		ResetEvent(l->signal);
		if (!EvtNext(l->sub, BATCH, l->batch, 0, 0, &l->nbatch)) {
			l->nbatch = 0;
			if (GetLastError() == ERROR_NO_MORE_ITEMS || GetLastError() == ERROR_TIMEOUT)
				return 0; /* nothing yet */
			return fail(err, l->channel, "EvtNext", GetLastError());
		}
	}
	ev = l->batch[l->pos];
	if (render(l, ev, EvtRenderEventXml, &l->xml, err) != 0)
		return -1;
	if (!EvtUpdateBookmark(l->bookmark, ev))
		return fail(err, l->channel, "EvtUpdateBookmark", GetLastError());
	EvtClose(ev);
	l->batch[l->pos++] = NULL;
	*xml = l->xml;
	*len = strlen(l->xml);
	return 1;
}

const char *nd_evtlog_bookmark(nd_evtlog *l, nd_error *err)
{
	return render(l, l->bookmark, EvtRenderBookmark, &l->bm, err) == 0 ? l->bm : NULL;
}

void nd_evtlog_close(nd_evtlog *l)
{
	DWORD i;

	if (!l)
		return;
	for (i = l->pos; i < l->nbatch; i++)
		EvtClose(l->batch[i]);
	if (l->sub)
		EvtClose(l->sub);
	if (l->bookmark)
		EvtClose(l->bookmark);
	if (l->signal)
		CloseHandle(l->signal);
	free(l->wbuf);
	free(l->xml);
	free(l->bm);
	free(l->channel);
	free(l);
}
