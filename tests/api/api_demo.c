/* api_demo: a program outside the project built against the installed
 * npsdiag.h and libnpsdiag.a (pkg-config), as a user of the library would.
 * Usage: api_demo DB DIR: ingests DIR (the error853 fixture) into DB,
 * diagnoses it, writes the results as JSON to stdout, follows DIR for one
 * round into a second database and checks what the API promises along the
 * way. Exits 0 when every check held. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <npsdiag.h>

static int failures;

/* Counts the news of npsdiag_follow and checks each has a cause. Returns
 * 0. */
static int on_news(void *ctx, const npsdiag_news *it, npsdiag_error *err)
{
	long *n = ctx;

	(void)err;
	if (it->cause_id && it->previous_count == 0)
		(*n)++;
	return 0;
}

/* Records a check. Returns nothing. */
static void check(const char *what, int ok)
{
	fprintf(stderr, "%s: %s\n", ok ? "ok" : "FAIL", what);
	failures += !ok;
}

int main(int argc, char **argv)
{
	npsdiag_options o = {NPSDIAG_WRITE, NULL, NULL, 0};
	npsdiag_options bad = {NPSDIAG_WRITE, NULL, NULL, 1};
	const char *nowhere[] = {"/nonexistent/rules.d"};
	npsdiag_params p = NPSDIAG_PARAMS_DEFAULT;
	npsdiag_ingest_totals tot;
	npsdiag_diagnose_stats st;
	npsdiag_session *s = NULL;
	npsdiag_error err;
	npsdiag_follow_options fo = {NPSDIAG_PARAMS_DEFAULT, 100, 1, NULL, NULL, NULL, 0, NULL};
	npsdiag_follow_callbacks cb = {0};
	npsdiag_follow_stats fs;
	npsdiag_params nan_window = NPSDIAG_PARAMS_DEFAULT, neg_skew = NPSDIAG_PARAMS_DEFAULT,
		       huge_gap = NPSDIAG_PARAMS_DEFAULT, inf_window = NPSDIAG_PARAMS_DEFAULT,
		       widest = {NPSDIAG_WINDOW_MAX_S, NPSDIAG_SKEW_MAX_S, NPSDIAG_GAP_MAX_S};
	npsdiag_follow_options bad_fo = fo;
	char rules[4096], db2[4096];
	size_t shown = 0, again = 0;
	const char *range = "";
	long news = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: api_demo DB DIR\n");
		return 2;
	}
	check("version", strcmp(npsdiag_version(), "") != 0);
	check("the shipped rules are found beside the program",
	      npsdiag_rules_dir(rules, sizeof(rules), &err) == 0 && strstr(rules, "share/npsdiag/rules") != NULL);
	o.db = argv[1];
	if (npsdiag_open(&s, &o, &err) != 0) {
		fprintf(stderr, "FAIL: open: %s\n", err.message);
		return 1;
	}
	check("ingest", npsdiag_ingest(s, argv + 2, 1, NULL, &tot, &err) == 0 && tot.files == 3 && tot.sum.stored > 0);
	check("diagnose", npsdiag_diagnose(s, &p, &st, &err) == 0 && st.incidents >= 1 && st.paired >= 1);
	check("diagnosed", npsdiag_diagnosed(s) == 1);
	check("write json", npsdiag_write_results(s, "json", NULL, NULL, stdout, &shown, &err) == 0 && shown >= 1);
	check("an unknown format is an error with a message",
	      npsdiag_write_results(s, "yaml", NULL, NULL, stdout, NULL, &err) == -1 && strstr(err.message, "yaml"));
	check("explain 853", npsdiag_explain_code(s, NPSDIAG_CODE_RAS, 853, stderr, &err) == 1);
	check("causes of reason 258",
	      npsdiag_explain_causes(s, NPSDIAG_CODE_NPS_REASON, 258, NULL, NULL, &err) >= 1);
	check("the family of 6273",
	      npsdiag_explain_event("Microsoft-Windows-Security-Auditing", 6273, stderr) == 1);

	/* Parameters out of range fail before anything is read or written: a
	 * NaN, a negative, one past its largest (a gap of 1e300 s would not
	 * even fit the 64-bit ticks), an infinity. */
	nan_window.window_s = strtod("nan", NULL);
	neg_skew.skew_s = -1;
	huge_gap.gap_s = 1e300;
	inf_window.window_s = strtod("inf", NULL);
	check("a NaN window is an error naming it",
	      npsdiag_diagnose(s, &nan_window, NULL, &err) == -1 && strstr(err.message, "window_s") != NULL);
	check("a negative skew is an error naming it",
	      npsdiag_diagnose(s, &neg_skew, NULL, &err) == -1 && strstr(err.message, "skew_s") != NULL);
	check("a gap of 1e300 s is an error naming it",
	      npsdiag_diagnose(s, &huge_gap, NULL, &err) == -1 && strstr(err.message, "gap_s") != NULL);
	check("an infinite window is an error for diagnose_write too",
	      npsdiag_diagnose_write(s, &inf_window, NULL, "jsonl", NULL, NULL, stdout, NULL, &err) == -1 &&
		      strstr(err.message, "window_s") != NULL);
	check("the results stay as they were",
	      npsdiag_diagnosed(s) == 1 && npsdiag_write_results(s, "json", NULL, NULL, stdout, &again, &err) == 0 &&
		      again == shown);
	check("each parameter at its largest is taken", npsdiag_diagnose(s, &widest, NULL, &err) == 0);
	check("the ranges in words, and an unknown parameter",
	      npsdiag_param_ok('w', 0, &range) == 0 && strcmp(range, "seconds from above 0 to 3600") == 0 &&
		      npsdiag_param_ok('g', 2592000, &range) == 1 && strcmp(range, "seconds from 0 to 2592000") == 0 &&
		      npsdiag_param_ok('s', 0, NULL) == 1 && npsdiag_param_ok('x', 1, &range) == 0 && !range);
	npsdiag_close(s);

	/* Follow, one round into a new database: everything is news. */
	snprintf(db2, sizeof(db2), "%s-follow", argv[1]);
	o.db = db2;
	cb.ctx = &news;
	cb.news = on_news;
	check("open for follow", npsdiag_open(&s, &o, &err) == 0);
	bad_fo.params.gap_s = -5;
	check("follow with a negative gap is an error and stores nothing",
	      s && npsdiag_follow(s, argv + 2, 1, &bad_fo, &cb, &fs, &err) == -1 && strstr(err.message, "gap_s") &&
		      fs.rounds == 0 && fs.events == 0 && news == 0);
	check("follow --once", s && npsdiag_follow(s, argv + 2, 1, &fo, &cb, &fs, &err) == 0);
	check("follow stored events and handed over news",
	      fs.started && fs.rounds == 1 && fs.events > 0 && news >= 1 && fs.news >= news);
	npsdiag_close(s);
	s = NULL;

	/* A missing rules directory: the session opens, the diagnosis names it. */
	bad.db = argv[1];
	bad.rule_dirs = nowhere;
	check("open with a missing rules directory", npsdiag_open(&s, &bad, &err) == 0);
	check("diagnose names the missing rules directory",
	      s && npsdiag_diagnose(s, NULL, NULL, &err) == -1 && strstr(err.message, "/nonexistent/rules.d"));
	npsdiag_close(s);
	return failures ? 1 : 0;
}
