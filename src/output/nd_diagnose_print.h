/* nd_diagnose_print: prints the stored results of `diagnose` (read by
 * nd_results) for a person (text) or a program (json, jsonl; schema in
 * docs/results-json.md). Reads them from the database, so it shows
 * whatever the last run stored, or from a reader of the diagnosis that
 * stored them (nd_results_open_kept). */
#ifndef ND_DIAGNOSE_PRINT_H
#define ND_DIAGNOSE_PRINT_H

#include "nd_db.h"
#include <stdint.h>
#include <stdio.h>

#include "nd_cert.h"
#include "nd_cert_evidence.h"
#include "nd_diagnose.h"
#include "nd_error.h"
#include "nd_results.h"
#include "nd_select.h"

/* text: an incident a paragraph; brief: an incident a line (the line tail
 * prints); json: one document; jsonl: an incident a line; ecs: an incident
 * a line shaped for Elastic (nd_ecs). */
typedef enum nd_print_format {
	ND_PRINT_TEXT,
	ND_PRINT_BRIEF,
	ND_PRINT_JSON,
	ND_PRINT_JSONL,
	ND_PRINT_ECS
} nd_print_format;

typedef struct nd_print_options {
	nd_print_format format;
	int color;
	const nd_diagnose_params *params; /* echoed in json */
	const char *output;               /* the name of out in errors; NULL: "standard output" */
	const char *tz; /* text, brief: NULL shows times in UTC, else in the process's local zone, named tz */
	const nd_cert_set *certs;         /* json: judged certificates for "certificates", or NULL */
	const nd_cert_user *certs_user;   /* the user of their leaf (nd_cert_user_init), with certs */
} nd_print_options;

/* Prints the incidents and findings the filter selects (open incidents
 * first), then (text, brief and json; not the lines of jsonl and ecs) a
 * summary by cause. Returns 0 with *shown set to the number
 * printed, or -1 with err set (a bad --user-regex pattern, an unknown --cause, a database error, a
 * write error naming the output). */
int nd_diagnose_print(nd_db *db, const nd_print_filter *f, const nd_print_options *o, FILE *out, size_t *shown,
		      nd_error *err);

/* As nd_diagnose_print, from the reader res (opened on f): with a reader
 * of a kept diagnosis opened without a filter (nd_results_open_kept),
 * jsonl and ecs only, which print no summary. Returns as
 * nd_diagnose_print. */
int nd_diagnose_print_results(nd_results *res, const nd_print_filter *f, const nd_print_options *o, FILE *out,
			      size_t *shown, nd_error *err);

#endif
