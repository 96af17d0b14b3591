/* npsdiag diagnose: correlate, judge against the rules, store and print. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* npsdiag diagnose. Returns 0 when nothing is reported, 1 when incidents or
 * findings are printed, 2 on usage, rule or database errors, or a database
 * that does not exist or holds no events. */
int cmd_diagnose(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},     {"rules", required_argument, NULL, 'r'},
		{"window", required_argument, NULL, 'w'}, {"skew", required_argument, NULL, 's'},
		{"gap", required_argument, NULL, 'g'},    {"format", required_argument, NULL, 'f'},
		{"brief", no_argument, NULL, 'B'},        {"cert", required_argument, NULL, 'C'},
		CLI_SELECT_OPTIONS,
		{NULL, 0, NULL, 0}};
	npsdiag_params params = NPSDIAG_PARAMS_DEFAULT;
	npsdiag_write_options wo;
	npsdiag_diagnose_stats stats;
	cli_select sel;
	const char *db = NULL, *format = "text";
	char *dirs[ND_CLI_MAX_RULE_DIRS], *certs[ND_CLI_MAX_CERTS];
	size_t ndirs = 0, ncerts = 0, shown = 0;
	npsdiag_session *s = NULL;
	npsdiag_error err;
	int opt, rc = 0;

	memset(&sel, 0, sizeof(sel));
	memset(&wo, 0, sizeof(wo));
	while (rc == 0 && (opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': db = optarg; break;
		case 'r': rc = cli_rules_dir("diagnose", optarg, dirs, &ndirs); break;
		case 'w':
		case 's':
		case 'g': rc = cli_take_param("diagnose", opt, optarg, &params); break;
		case 'C':
			if (ncerts == ND_CLI_MAX_CERTS)
				return cli_bad_value("diagnose", "--cert", optarg,
						     "at most " ND_CLI_STR(ND_CLI_MAX_CERTS) " certificate files");
			certs[ncerts++] = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0 && strcmp(optarg, "jsonl") != 0 &&
			    strcmp(optarg, "ecs") != 0)
				return cli_bad_value("diagnose", "--format", optarg, "text, json, jsonl or ecs");
			format = optarg;
			break;
		case 'B': format = "brief"; break;
		case '?':
		case ':': return cli_bad_option("diagnose", opt, argv);
		default: rc = cli_select_option("diagnose", opt, optarg, &sel) == 1 ? 0 : 2;
		}
	}
	if (rc != 0)
		return rc;
	if (optind != argc)
		return cli_bad_args("diagnose", "takes no arguments, only options");
	wo.color = strcmp(format, "text") == 0 && npsdiag_console_color(stdout);
	wo.tz = sel.tz ? sel.tz_name : NULL;
	if (cli_open(&s, NPSDIAG_READ, db, dirs, ndirs) != 0)
		return 2;
	rc = cli_select_ready("diagnose", s, db, &sel);
	/* --cert adds to the stored results before they are written: read back */
	if (rc == 0 && (ncerts ? npsdiag_diagnose(s, &params, &stats, &err) != 0 ||
					 npsdiag_cert_attach(s, certs, ncerts, NULL, NULL, &err) != 0 ||
					 npsdiag_write_results(s, format, &sel.filter, &wo, stdout, &shown, &err) != 0
			       : npsdiag_diagnose_write(s, &params, &stats, format, &sel.filter, &wo, stdout, &shown,
							&err) != 0)) {
		cli_print(stderr, "npsdiag diagnose: %s\n", err.message);
		rc = 2;
	} else if (rc == 0) {
		if (stats.unmatched)
			cli_print(stderr, "npsdiag: warning: %zu attempt(s) matched no rule and are not reported\n",
				  stats.unmatched);
		rc = shown ? 1 : 0;
	}
	npsdiag_close(s);
	return rc;
}
