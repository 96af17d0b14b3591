/* npsdiag diagnose: correlate, judge against the rules, store and print. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "nd_codes.h"
#include "nd_diagnose.h"
#include "nd_diagnose_print.h"
#include "nd_rules_path.h"
#include "nd_store.h"

/* npsdiag diagnose. Returns 0 when nothing is reported, 1 when incidents or
 * findings are printed, 2 on usage, rule or database errors. */
int cmd_diagnose(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},     {"rules", required_argument, NULL, 'r'},
		{"window", required_argument, NULL, 'w'}, {"skew", required_argument, NULL, 's'},
		{"gap", required_argument, NULL, 'g'},    {"format", required_argument, NULL, 'f'},
		CLI_FILTER_OPTIONS,                       {NULL, 0, NULL, 0}};
	nd_diagnose_params params = ND_DIAGNOSE_DEFAULTS;
	nd_print_filter filter = {0};
	nd_print_options po = {ND_PRINT_TEXT, 0, &params, NULL};
	nd_diagnose_stats stats;
	const char *db = NULL, *no_color = getenv("NO_COLOR");
	char *dirs[ND_CLI_MAX_RULE_DIRS], codes[4096];
	size_t ndirs = 0, shown = 0;
	nd_store *s = NULL;
	nd_rules rules;
	nd_error err;
	int opt, rc = 2;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			db = optarg;
			break;
		case 'r':
			if (ndirs == ND_CLI_MAX_RULE_DIRS)
				return cli_usage();
			dirs[ndirs++] = optarg;
			break;
		case 'w':
			if (cli_parse_seconds(optarg, 3600, &params.window_s) != 0 || params.window_s == 0)
				return cli_usage();
			break;
		case 's':
			if (cli_parse_seconds(optarg, 86400, &params.skew_s) != 0)
				return cli_usage();
			break;
		case 'g':
			if (cli_parse_seconds(optarg, 30 * 86400, &params.gap_s) != 0)
				return cli_usage();
			break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				po.format = ND_PRINT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				po.format = ND_PRINT_JSON;
			else if (strcmp(optarg, "jsonl") == 0)
				po.format = ND_PRINT_JSONL;
			else
				return cli_usage();
			break;
		default:
			if (cli_filter_option(opt, optarg, &filter) != 1)
				return cli_usage();
		}
	}
	if (optind != argc)
		return cli_usage();
	po.color = po.format == ND_PRINT_TEXT && isatty(STDOUT_FILENO) && !(no_color && *no_color);
	if (cli_load_rules(&rules, dirs, ndirs, &err) != 0) {
		fprintf(stderr, "npsdiag: %s\n", err.message);
		nd_rules_free(&rules);
		return 2;
	}
	snprintf(codes, sizeof(codes), "%s/codes", nd_rules_dir(NULL));
	if (nd_store_open(&s, cli_db_path(db), &err) != 0 || nd_store_begin(s, &err) != 0 ||
	    nd_codes_load(s, codes, &err) != 0 || nd_store_commit(s, &err) != 0 || nd_diagnose_run(s, &rules, &params, &stats, &err) != 0 ||
	    nd_diagnose_print(nd_store_db(s), &filter, &po, stdout, &shown, &err) != 0) {
		fprintf(stderr, "npsdiag: %s\n", err.message);
	} else {
		if (stats.unmatched)
			fprintf(stderr, "npsdiag: warning: %zu attempt(s) matched no rule and are not reported\n",
				stats.unmatched);
		rc = shown ? 1 : 0;
	}
	nd_store_close(s);
	nd_rules_free(&rules);
	return rc;
}
