/* nd_report: incident reports for people (a self-contained HTML page,
 * Markdown for a ticket or wiki) and for spreadsheets (CSV, one row per
 * incident), from the results `diagnose` stored (docs/report.md). Every
 * event-derived string is escaped for its format; the same database gives
 * the same bytes. */
#ifndef ND_REPORT_H
#define ND_REPORT_H

#include "nd_db.h"
#include <stdio.h>

#include "nd_cert.h"
#include "nd_cert_evidence.h"
#include "nd_error.h"
#include "nd_select.h"

typedef enum nd_report_format { ND_REPORT_HTML, ND_REPORT_MD, ND_REPORT_CSV } nd_report_format;

typedef struct nd_report_options {
	nd_report_format format;
	const char *generated; /* the generation time to show, or NULL for none */
	const char *output;    /* the name of out in errors; NULL: "standard output" */
	const char *tz;        /* npsdiag_write_options.tz: NULL for UTC, else the local zone's name */
	const nd_cert_set *certs; /* judged certificates for a certificate section (html, md), or NULL */
	const nd_cert_user *certs_user; /* the user of their leaf (nd_cert_user_init), with certs */
} nd_report_options;

/* Writes the report of the incidents and findings f selects to out.
 * Returns 0, or -1 with err set (no diagnose results, a bad filter, a
 * database error, a write error naming the output). */
int nd_report_write(nd_db *db, const nd_print_filter *f, const nd_report_options *o, FILE *out, nd_error *err);

#endif
