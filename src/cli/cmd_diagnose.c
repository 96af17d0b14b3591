/* npsdiag diagnose: correlate, judge against the rules, store and print. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define MAX_CERT_FILES 64 /* --cert FILE, the files of one user's chain */

/* npsdiag diagnose. Returns 0 when nothing is reported, 1 when incidents or
 * findings are printed, 2 on usage, rule or database errors. */
int cmd_diagnose(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},     {"rules", required_argument, NULL, 'r'},
		{"window", required_argument, NULL, 'w'}, {"skew", required_argument, NULL, 's'},
		{"gap", required_argument, NULL, 'g'},    {"format", required_argument, NULL, 'f'},
		{"cert", required_argument, NULL, 'C'},   CLI_FILTER_OPTIONS,
		{NULL, 0, NULL, 0}};
	npsdiag_params params = NPSDIAG_PARAMS_DEFAULT;
	npsdiag_filter filter = {0};
	npsdiag_write_options wo = {0, NULL, NULL};
	npsdiag_diagnose_stats stats;
	const char *db = NULL, *format = "text";
	char *dirs[ND_CLI_MAX_RULE_DIRS], *certs[MAX_CERT_FILES];
	size_t ndirs = 0, ncerts = 0, shown = 0;
	npsdiag_session *s = NULL;
	npsdiag_error err;
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
		case 'C':
			if (ncerts == MAX_CERT_FILES)
				return cli_usage();
			certs[ncerts++] = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0 && strcmp(optarg, "jsonl") != 0)
				return cli_usage();
			format = optarg;
			break;
		default:
			if (cli_filter_option(opt, optarg, &filter) != 1)
				return cli_usage();
		}
	}
	if (optind != argc)
		return cli_usage();
	wo.color = strcmp(format, "text") == 0 && npsdiag_console_color(stdout);
	if (cli_open(&s, NPSDIAG_WRITE, db, dirs, ndirs) != 0)
		return 2;
	if (npsdiag_diagnose(s, &params, &stats, &err) != 0 ||
	    (ncerts && npsdiag_cert_attach(s, certs, ncerts, NULL, NULL, &err) != 0) ||
	    npsdiag_write_results(s, format, &filter, &wo, stdout, &shown, &err) != 0) {
		cli_print(stderr, "npsdiag: %s\n", err.message);
	} else {
		if (stats.unmatched)
			cli_print(stderr, "npsdiag: warning: %zu attempt(s) matched no rule and are not reported\n",
				  stats.unmatched);
		rc = shown ? 1 : 0;
	}
	npsdiag_close(s);
	return rc;
}
