/* npsdiag report: the diagnosed incidents as a document (nd_report), or
 * as diagnose's JSON. Runs the diagnosis first when the database has no
 * results yet. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "nd_codes.h"
#include "nd_diagnose.h"
#include "nd_diagnose_print.h"
#include "nd_report.h"
#include "nd_rules_path.h"
#include "nd_store.h"
#include "nd_time.h"

/* Returns 1 when the database holds diagnose results, else 0. */
static int diagnosed(nd_store *s)
{
	sqlite3_stmt *st = NULL;
	int yes = sqlite3_prepare_v2(nd_store_db(s), "SELECT 1 FROM diagnose_meta LIMIT 1", -1, &st, NULL) ==
		  SQLITE_OK && sqlite3_step(st) == SQLITE_ROW;

	sqlite3_finalize(st);
	return yes;
}

/* Runs the diagnosis with the default parameters and the shipped rules
 * (plus --rules). Returns 0, or -1 with err set. */
static int diagnose_now(nd_store *s, char **dirs, size_t ndirs, nd_error *err)
{
	nd_diagnose_params params = ND_DIAGNOSE_DEFAULTS;
	nd_diagnose_stats st;
	nd_rules rules;
	char codes[4096];
	int rc;

	snprintf(codes, sizeof(codes), "%s/codes", nd_rules_dir(NULL));
	rc = cli_load_rules(&rules, dirs, ndirs, err) != 0 || nd_store_begin(s, err) != 0 ||
			     nd_codes_load(s, codes, err) != 0 || nd_store_commit(s, err) != 0 ||
			     nd_diagnose_run(s, &rules, &params, &st, err) != 0
		     ? -1
		     : 0;
	nd_rules_free(&rules);
	return rc;
}

/* The generation time to print: $SOURCE_DATE_EPOCH if set (reproducible
 * builds' convention), else now; NULL with --no-timestamp. Returns buf or
 * NULL. */
static const char *generated(int none, char *buf)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	long long secs = sde && *sde ? atoll(sde) : (long long)time(NULL);

	if (none)
		return NULL;
	nd_time_format((int64_t)secs * 10000000, buf);
	strcpy(buf + 19, "Z"); /* whole seconds */
	return buf;
}

/* npsdiag report. Returns 0, or 2 on usage, rule, database or write
 * errors. */
int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},     {"rules", required_argument, NULL, 'r'},
		{"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
		{"no-timestamp", no_argument, NULL, 'n'}, {"bom", no_argument, NULL, 'b'}, CLI_FILTER_OPTIONS,
		{NULL, 0, NULL, 0}};
	nd_report_options ro = {ND_REPORT_HTML, NULL, NULL};
	nd_print_filter filter = {0};
	const char *db = NULL, *out_path = NULL;
	char *dirs[ND_CLI_MAX_RULE_DIRS], when[ND_TIME_ISO_SIZE];
	size_t ndirs = 0, shown;
	int opt, json = 0, no_ts = 0, bom = 0, rc = 2;
	nd_store *s = NULL;
	FILE *out = stdout;
	struct stat st;
	nd_error err;

	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': db = optarg; break;
		case 'r':
			if (ndirs == ND_CLI_MAX_RULE_DIRS)
				return cli_usage();
			dirs[ndirs++] = optarg;
			break;
		case 'f':
			json = strcmp(optarg, "json") == 0;
			if (strcmp(optarg, "html") == 0)
				ro.format = ND_REPORT_HTML;
			else if (strcmp(optarg, "md") == 0 || strcmp(optarg, "markdown") == 0)
				ro.format = ND_REPORT_MD;
			else if (strcmp(optarg, "csv") == 0)
				ro.format = ND_REPORT_CSV;
			else if (!json)
				return cli_usage();
			break;
		case 'o': out_path = optarg; break;
		case 'n': no_ts = 1; break;
		case 'b': bom = 1; break;
		default:
			if (cli_filter_option(opt, optarg, &filter) != 1)
				return cli_usage();
		}
	}
	if (optind != argc)
		return cli_usage();
	ro.generated = generated(no_ts, when);
	ro.output = out_path;
	if (nd_store_open(&s, cli_db_path(db), &err) != 0 ||
	    (!diagnosed(s) && diagnose_now(s, dirs, ndirs, &err) != 0)) {
		fprintf(stderr, "npsdiag: %s\n", err.message);
		nd_store_close(s);
		return 2;
	}
	if (out_path && !(out = fopen(out_path, "wb"))) {
		fprintf(stderr, "npsdiag: %s: cannot create the report\n", out_path);
		nd_store_close(s);
		return 2;
	}
	/* Excel takes a CSV for UTF-8 only when it starts with a BOM. */
	if (bom && ro.format == ND_REPORT_CSV && !json)
		fputs("\xEF\xBB\xBF", out);
	if (json) {
		nd_diagnose_params params = ND_DIAGNOSE_DEFAULTS;
		nd_print_options po = {ND_PRINT_JSON, 0, &params, out_path};

		rc = nd_diagnose_print(nd_store_db(s), &filter, &po, out, &shown, &err) == 0 ? 0 : 2;
	} else {
		rc = nd_report_write(nd_store_db(s), &filter, &ro, out, &err) == 0 ? 0 : 2;
	}
	if (rc != 0)
		fprintf(stderr, "npsdiag: %s\n", err.message);
	if (out != stdout && fclose(out) != 0 && rc == 0) {
		fprintf(stderr, "npsdiag: %s: cannot write the report\n", out_path);
		rc = 2;
	}
	/* Only a regular file is ours to remove: -o /dev/null must survive. */
	if (rc != 0 && out_path && stat(out_path, &st) == 0 && S_ISREG(st.st_mode))
		remove(out_path);
	nd_store_close(s);
	return rc;
}
