/* api_demo: a program outside the project built against the installed
 * npsdiag.h and libnpsdiag.a (pkg-config), as a user of the library would.
 * Usage: api_demo DB DIR: ingests DIR (the error853 fixture) into DB,
 * diagnoses it, writes the results as JSON to stdout and checks what the
 * API promises along the way. Exits 0 when every check held. */
#include <stdio.h>
#include <string.h>

#include <npsdiag.h>

static int failures;

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
	char rules[4096];
	size_t shown = 0;

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

	/* A missing rules directory: the session opens, the diagnosis names it. */
	bad.db = argv[1];
	bad.rule_dirs = nowhere;
	check("open with a missing rules directory", npsdiag_open(&s, &bad, &err) == 0);
	check("diagnose names the missing rules directory",
	      s && npsdiag_diagnose(s, NULL, NULL, &err) == -1 && strstr(err.message, "/nonexistent/rules.d"));
	npsdiag_close(s);
	return failures ? 1 : 0;
}
