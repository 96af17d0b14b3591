/* nd_report_csv: one row per incident or finding, for a spreadsheet:
 * RFC 4180, UTF-8, a fixed header (docs/report.md), every text field
 * quoted and guarded against formula injection (nd_escape_csv), numbers
 * bare. */
#include "nd_escape.h"
#include "nd_report_int.h"

static const char header[] =
	"id,kind,cause,title,confidence,match,user,identity,client,vpn_server,nps_server,client_error,"
	"client_error_name,nps_event_id,nps_reason,nps_reason_name,count,paired,first,last,status,resolved\r\n";

/* Appends a text field and its separator. */
static void text(nd_rep *r, const char *s, int last)
{
	nd_out_esc(&r->out, nd_escape_csv, s ? s : "");
	nd_out_put(&r->out, last ? "\r\n" : ",");
}

/* Appends a number field (empty when absent) and a comma. */
static void number(nd_rep *r, int has, int64_t v)
{
	if (has)
		nd_out_printf(&r->out, "%lld,", (long long)v);
	else
		nd_out_put(&r->out, ",");
}

/* One row (nd_rep_incidents callback). Returns 0. */
static int incident_row(nd_rep *r, const nd_res_incident *i)
{
	nd_out_printf(&r->out, "%lld,", (long long)i->id);
	text(r, i->kind, 0);
	text(r, i->cause->cause_id, 0);
	text(r, i->cause->title, 0);
	text(r, i->confidence, 0);
	text(r, i->match, 0);
	text(r, i->user, 0);
	text(r, i->identity, 0);
	text(r, i->client, 0);
	text(r, i->vpn, 0);
	text(r, i->nps, 0);
	number(r, i->client_error.has, i->client_error.code);
	text(r, i->client_error.symbol, 0);
	number(r, i->has_nps_event_id, i->nps_event_id);
	number(r, i->nps_reason.has, i->nps_reason.code);
	text(r, i->nps_reason.symbol ? i->nps_reason.symbol : i->nps_reason.meaning, 0);
	number(r, 1, i->count);
	number(r, 1, i->paired);
	text(r, i->first, 0);
	text(r, i->last, 0);
	text(r, i->status, 0);
	text(r, i->resolved, 1);
	return 0;
}

int nd_report_csv(nd_rep *r)
{
	nd_out_put(&r->out, header);
	return nd_rep_incidents(r, ND_RES_ALL, 0, incident_row);
}
