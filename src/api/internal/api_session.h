/* api_session: what a session holds, shared by the src/api files (not
 * installed, not on the include path of the API's users). */
#ifndef ND_API_SESSION_H
#define ND_API_SESSION_H

#include <signal.h>

#include "nd_cert.h"
#include "nd_diagnose.h"
#include "nd_error.h"
#include "nd_ingest.h"
#include "nd_rules.h"
#include "nd_store.h"
#include "npsdiag.h"

#define API_PATH_MAX 4096

struct npsdiag_session {
	npsdiag_mode mode;
	nd_store *store; /* NULL for NPSDIAG_NO_DATABASE */
	char **dirs;     /* the rule directories over the shipped ones */
	size_t ndirs;
	char shipped[API_PATH_MAX]; /* the shipped rules */
	char codes[API_PATH_MAX];   /* the code tables */
	nd_rules rules;
	int rules_loaded, codes_loaded;
	nd_diagnose_params params; /* of the last diagnosis, echoed in JSON */
	nd_evtx_decoder_kind decoder; /* how ingest and follow decode .evtx records */
};

/* Copies an internal error into the caller's. Always returns -1. */
int api_fail(npsdiag_error *out, const nd_error *e);

/* Loads the shipped rules and the session's directories over them into r
 * (initialized here; free it with nd_rules_free either way). Returns 0, or
 * -1 with err set. */
int api_load_rules(const npsdiag_session *s, nd_rules *r, nd_error *err);

/* Loads the session's rules once. Returns 0, or -1 with err set. */
int api_need_rules(npsdiag_session *s, nd_error *err);

/* Loads the code tables into the database once. Returns 0, or -1 with
 * err set. */
int api_need_codes(npsdiag_session *s, nd_error *err);

/* Diagnoses with the session's rules and params p; with m (not NULL),
 * rewrites only what changed since the run m remembers (nd_diagnose_again).
 * Returns 0, or -1 with err set. */
int api_diagnose(npsdiag_session *s, const nd_diagnose_params *p, nd_diagnose_memory *m, nd_diagnose_stats *st,
		 nd_error *err);

/* Fills p from the API's params (NULL: the defaults), each checked
 * against its range (npsdiag.h). Returns 0, or -1 with err naming the
 * first out of range. */
int api_diagnose_params(const npsdiag_params *params, nd_diagnose_params *p, nd_error *err);

/* Copies a run's statistics into st (NULL: none). Returns nothing. */
void api_diagnose_stats(const nd_diagnose_stats *ds, npsdiag_diagnose_stats *st);

/* As api_diagnose without m, keeping the diagnosis in x (nd_diagnose_keep,
 * storing it unless store is 0; free it with nd_diagnosis_free either
 * way). Returns 0, or -1 with err set. */
int api_diagnose_keep(npsdiag_session *s, const nd_diagnose_params *p, nd_diagnosis *x, int store,
		      nd_diagnose_stats *st, nd_error *err);

/* Reads the certificate files into set (initialized by the caller), orders
 * the chain, fetches the CRLs when o->fetch, and judges it. Returns 0, or
 * -1 with e set. */
int api_cert_load(nd_cert_set *set, char *const *paths, size_t npaths, const npsdiag_cert_options *o, nd_error *e);

/* After a failure: when the database server rolled the transaction back
 * for a serialization failure, a deadlock or a lost connection
 * (ND_DB_AGAIN) and fewer than 5 attempts followed the first (*tries
 * counts them), waits a little (less when stop is set) and returns 1 to
 * run it again; else returns 0. */
int api_retry(npsdiag_session *s, unsigned *tries, const volatile sig_atomic_t *stop);

/* Returns 1 when the session has a database that may be written, else 0
 * with err set naming what. */
int api_writable(const npsdiag_session *s, const char *what, nd_error *err);

/* Sets rep up to decode as the session says and to tell cb (copied into
 * *copy, which must live as long as rep; cb may be NULL) what ingestion
 * reports. Returns nothing. */
void api_ingest_report(const npsdiag_session *s, const npsdiag_ingest_callbacks *cb, npsdiag_ingest_callbacks *copy,
		       nd_ingest_report *rep);

#endif
