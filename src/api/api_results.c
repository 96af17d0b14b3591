/* api_results: writing the stored results in a format named by a string,
 * with the certificates of report --cert read and judged for them. The one
 * place the API calls into src/output. */
#include "api_session.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "nd_cpu.h"
#include "nd_diagnose_print.h"
#include "nd_report.h"
#include "nd_result_feed.h"

/* The results writer of npsdiag_diagnose_write on a thread of its own,
 * while the lines are printed from memory on the caller's. */
typedef struct store_job {
	npsdiag_session *s;
	const nd_diagnosis *x;
	const nd_diagnose_params *p;
	pthread_t thread;
	int started; /* storing has begun */
	int running; /* on its thread, not joined yet */
	int rc;      /* nd_diagnose_store's */
	int undone;  /* rolled back after it failed */
	nd_result_feed *feed; /* the rows, built by the printer; NULL: built here */
	nd_error err;
} store_job;

/* The thread: stores the diagnosis and commits. Returns NULL. */
static void *store_work(void *arg)
{
	store_job *j = arg;

	j->rc = j->feed ? nd_diagnose_store_fed(j->s->store, j->x, j->p, j->feed, &j->err)
			: nd_diagnose_store(j->s->store, j->x, j->p, &j->err);
	return NULL;
}

/* Starts j's thread, or, when no thread can be made, stores at once
 * (building the rows itself). Returns nothing (the outcome is j->rc). */
static void store_start(store_job *j)
{
	nd_error ignored;

	j->started = 1;
	if (nd_result_feed_open(&j->feed, &ignored) != 0)
		j->feed = NULL; /* the writer builds the rows again */
	j->running = pthread_create(&j->thread, NULL, store_work, j) == 0;
	if (!j->running) {
		nd_result_feed_close(j->feed);
		j->feed = NULL;
		store_work(j);
	}
}

/* Waits until j has stored (rolled back when it failed): the database is
 * then free (an nd_results gate). Returns 0, or -1 with err set to the
 * writer's error. */
static int store_wait(void *ctx, nd_error *err)
{
	store_job *j = ctx;

	if (j->running) {
		pthread_join(j->thread, NULL);
		j->running = 0;
	}
	if (j->rc != 0 && !j->undone) {
		nd_store_rollback(j->s->store);
		j->undone = 1;
	}
	if (j->rc != 0)
		*err = j->err;
	return j->rc != 0 ? -1 : 0;
}

/* Returns 1 when f selects every incident and finding, else 0. */
static int selects_all(const npsdiag_filter *f)
{
	return !f || (!f->user && !f->since && !f->until && !f->cause && !f->user_regex && !f->host);
}

/* npsdiag_write_results, with kept (not NULL) the diagnosis that stored
 * the results, read from memory by the formats of diagnose; with job the
 * diagnosis is not stored yet: job stores it on its thread once the
 * reader is open (every incident, the formats without a summary). Returns
 * 0, or -1 with err set. */
static int write_results(npsdiag_session *s, const char *format, const npsdiag_filter *f,
			 const npsdiag_write_options *o, const nd_diagnosis *kept, store_job *job, FILE *out,
			 size_t *shown, npsdiag_error *err)
{
	static const struct {
		const char *name;
		int report; /* a document of nd_report, else nd_diagnose_print */
		int fmt;
		int certs; /* has a certificate section */
	} formats[] = {
		{"text", 0, ND_PRINT_TEXT, 0},	 {"brief", 0, ND_PRINT_BRIEF, 0}, {"json", 0, ND_PRINT_JSON, 1},
		{"jsonl", 0, ND_PRINT_JSONL, 0}, {"ecs", 0, ND_PRINT_ECS, 0},	  {"html", 1, ND_REPORT_HTML, 1},
		{"md", 1, ND_REPORT_MD, 1},	 {"markdown", 1, ND_REPORT_MD, 1}, {"csv", 1, ND_REPORT_CSV, 0},
	};
	nd_print_filter filter = {0};
	nd_cert_set certs;
	nd_cert_user user;
	size_t i, n = 0;
	nd_error e;
	int rc;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]) && strcmp(formats[i].name, format) != 0; i++)
		;
	if (i == sizeof(formats) / sizeof(formats[0])) {
		nd_error_set(&e, "unknown results format \"%s\"", format);
		return api_fail(err, &e);
	}
	if (!s->store) {
		nd_error_set(&e, "no database in this session");
		return api_fail(err, &e);
	}
	if (f) {
		filter.user = f->user;
		filter.since = f->since;
		filter.until = f->until;
		filter.since_ts = f->since_ts;
		filter.until_ts = f->until_ts;
		filter.cause = f->cause;
		filter.user_regex = f->user_regex;
		filter.host = f->host;
	}
	nd_cert_set_init(&certs, (int64_t)time(NULL));
	memset(&user, 0, sizeof(user));
	if (o && o->ncerts) {
		npsdiag_cert_options co = {0};

		if (!formats[i].certs) {
			nd_cert_set_free(&certs);
			nd_error_set(&e, "certificates (--cert) go into html, md and json reports, not into %s", format);
			return api_fail(err, &e);
		}
		if (api_cert_load(&certs, o->certs, o->ncerts, &co, &e) != 0 ||
		    (nd_cert_user_init(&user, &certs) != 0 && nd_error_set(&e, "out of memory"))) {
			nd_cert_user_free(&user);
			nd_cert_set_free(&certs);
			return api_fail(err, &e);
		}
	}
	if (formats[i].report) {
		nd_report_options ro = {(nd_report_format)formats[i].fmt, o ? o->generated : NULL, o ? o->output : NULL,
					o && formats[i].fmt != ND_REPORT_CSV ? o->tz : NULL, certs.n ? &certs : NULL,
					&user};

		rc = nd_report_write(nd_store_db(s->store), &filter, &ro, out, &e);
	} else {
		nd_print_options po = {(nd_print_format)formats[i].fmt, o ? o->color : 0, &s->params,
				       o ? o->output : NULL,
				       o && (formats[i].fmt == ND_PRINT_TEXT || formats[i].fmt == ND_PRINT_BRIEF) ? o->tz : NULL,
				       certs.n ? &certs : NULL, &user};
		nd_results *res = NULL;

		/* A selection is made in SQL, over what is stored when it runs: after the commit another
		 * process (tail) may have stored other results, so a filtered run reads them back. */
		if (!kept || !selects_all(f)) {
			rc = nd_diagnose_print(nd_store_db(s->store), &filter, &po, out, &n, &e);
		} else if ((rc = nd_results_open_kept(&res, nd_store_db(s->store), job ? NULL : &filter, kept,
						       &e)) == 0) {
			nd_error stored;

			if (job) {
				store_start(job);
				nd_results_gate(res, store_wait, job);
				rc = nd_results_feed(res, job->feed, &e);
			}
			if (rc == 0)
				rc = nd_diagnose_print_results(res, &filter, &po, out, &n, &e);
			if (job) {
				nd_error waited;
				int fed = nd_results_release(res, &stored);

				if ((store_wait(job, fed ? &waited : &stored) != 0 || fed) && rc == 0) {
					e = stored;
					rc = -1;
				}
			}
		}
		nd_results_close(res); /* the database is free again */
		if (job) {
			nd_result_feed_close(job->feed);
			job->feed = NULL;
		}
	}
	nd_cert_user_free(&user);
	nd_cert_set_free(&certs);
	if (shown)
		*shown = n;
	return rc == 0 ? 0 : api_fail(err, &e);
}

int npsdiag_write_results(npsdiag_session *s, const char *format, const npsdiag_filter *f,
			  const npsdiag_write_options *o, FILE *out, size_t *shown, npsdiag_error *err)
{
	return write_results(s, format, f, o, NULL, NULL, out, shown, err);
}

int npsdiag_diagnose_write(npsdiag_session *s, const npsdiag_params *params, npsdiag_diagnose_stats *st,
			   const char *format, const npsdiag_filter *f, const npsdiag_write_options *o, FILE *out,
			   size_t *shown, npsdiag_error *err)
{
	nd_diagnose_params p, before = s->params;
	nd_diagnose_stats ds;
	nd_diagnosis x;
	nd_error e;
	int rc;

	store_job job;
	int beside;

	if (api_diagnose_params(params, &p, &e) != 0)
		return api_fail(err, &e);
	memset(&x, 0, sizeof(x));
	memset(&job, 0, sizeof(job));
	job.s = s;
	job.x = &x;
	job.p = &p;
	/* Lines of every incident (no summary to read back), on SQLite (a
	 * database server may ask for the whole transaction again), with a
	 * second core: the results are stored on a thread of their own. */
	beside = (strcmp(format, "jsonl") == 0 || strcmp(format, "ecs") == 0) && selects_all(f) &&
		 !(o && o->ncerts) && s->store && nd_db_dialect_of(nd_store_db(s->store)) == ND_DB_SQLITE &&
		 nd_cpu_count() > 1;
	if (api_diagnose_keep(s, &p, &x, !beside, &ds, &e) != 0) {
		nd_diagnosis_free(&x);
		return api_fail(err, &e);
	}
	api_diagnose_stats(&ds, st);
	rc = write_results(s, format, f, o, &x, beside ? &job : NULL, out, shown, err);
	if (beside && !job.started) /* the reader could not be opened: the previous results stay */
		nd_store_rollback(s->store);
	if (beside && (!job.started || job.rc != 0)) /* and so do the parameters they were made with */
		s->params = before;
	nd_diagnosis_free(&x);
	return rc;
}
