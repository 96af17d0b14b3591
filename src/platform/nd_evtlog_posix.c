#include "nd_evtlog.h"

int nd_evtlog_open(nd_evtlog **out, const char *channel, const char *query, const char *bookmark, nd_error *err)
{
	(void)query;
	(void)bookmark;
	*out = NULL;
	return nd_error_set(err,
			    "channel %s: reading a Windows event log channel works only on Windows (npsdiag.exe); "
			    "here, follow its .evtx file with tail FILE",
			    channel);
}

int nd_evtlog_next(nd_evtlog *l, const char **xml, size_t *len, nd_error *err)
{
	(void)l;
	(void)xml;
	(void)len;
	return nd_error_set(err, "Windows event log channels are read only on Windows");
}

const char *nd_evtlog_bookmark(nd_evtlog *l, nd_error *err)
{
	(void)l;
	nd_error_set(err, "Windows event log channels are read only on Windows");
	return NULL;
}

void nd_evtlog_close(nd_evtlog *l)
{
	(void)l;
}
