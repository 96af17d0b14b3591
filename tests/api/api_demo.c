/* api_demo: a program outside the project built against the installed
 * npsdiag.h and libnpsdiag.a (pkg-config), as a user of the library would.
 * Usage: api_demo DB DIR: ingests DIR (the error853 fixture) into DB,
 * diagnoses it, writes the results as JSON to stdout, follows DIR for one
 * round into a second database and checks what the API promises along the
 * way. Exits 0 when every check held. */
#include <stdio.h>
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
	char rules[4096], db2[4096];
	size_t shown = 0;
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
	npsdiag_close(s);

	/* Follow, one round into a new database: everything is news. */
	snprintf(db2, sizeof(db2), "%s-follow", argv[1]);
	o.db = db2;
	cb.ctx = &news;
	cb.news = on_news;
	check("open for follow", npsdiag_open(&s, &o, &err) == 0);
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
