/* npsdiag report: the diagnosed incidents as a document (html, md, csv),
 * or diagnose's JSON; with --cert, a certificate section naming the
 * incidents the chain's findings explain. Runs the diagnosis first when the
 * database has no results yet (in memory when it cannot be written). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

/* The generation time to print: $SOURCE_DATE_EPOCH if set (reproducible
 * builds' convention), else now; NULL with --no-timestamp. Returns buf or
 * NULL. */
static const char *generated(int none, char *buf)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	long long secs = sde && *sde ? atoll(sde) : (long long)time(NULL);

	return none ? NULL : npsdiag_format_time((int64_t)secs, buf);
}

/* npsdiag report. Returns 0, or 2 on usage, rule, database or write
 * errors, or a database that does not exist or holds no events. */
int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},     {"rules", required_argument, NULL, 'r'},
		{"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
		{"no-timestamp", no_argument, NULL, 'n'}, {"bom", no_argument, NULL, 'b'},
		{"cert", required_argument, NULL, 'C'},   CLI_SELECT_OPTIONS,
		{NULL, 0, NULL, 0}};
	npsdiag_write_options wo;
	cli_select sel;
	const char *db = NULL, *out_path = NULL, *format = "html";
	char *dirs[ND_CLI_MAX_RULE_DIRS], *certs[ND_CLI_MAX_CERTS], when[NPSDIAG_TIME_SIZE];
	size_t ndirs = 0, ncerts = 0;
	int opt, no_ts = 0, bom = 0, rc = 0;
	npsdiag_session *s = NULL;
	FILE *out = stdout;
	struct stat st;
	npsdiag_error err;

	memset(&sel, 0, sizeof(sel));
	memset(&wo, 0, sizeof(wo));
	while (rc == 0 && (opt = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': db = optarg; break;
		case 'r': rc = cli_rules_dir("report", optarg, dirs, &ndirs); break;
		case 'f':
			if (strcmp(optarg, "html") != 0 && strcmp(optarg, "md") != 0 && strcmp(optarg, "markdown") != 0 &&
			    strcmp(optarg, "csv") != 0 && strcmp(optarg, "json") != 0)
				return cli_bad_value("report", "--format", optarg, "html, md, csv or json");
			format = optarg;
			break;
		case 'o': out_path = optarg; break;
		case 'C':
			if (ncerts == ND_CLI_MAX_CERTS)
				return cli_bad_value("report", "--cert", optarg, "at most " ND_CLI_STR(ND_CLI_MAX_CERTS) " certificate files");
			certs[ncerts++] = optarg;
			break;
		case 'n': no_ts = 1; break;
		case 'b': bom = 1; break;
		case '?':
		case ':': return cli_bad_option("report", opt, argv);
		default: rc = cli_select_option("report", opt, optarg, &sel) == 1 ? 0 : 2;
		}
	}
	if (rc != 0)
		return rc;
	if (optind != argc)
		return cli_bad_args("report", "takes no arguments, only options (-o FILE names the output)");
	wo.generated = generated(no_ts, when);
	wo.output = out_path;
	wo.tz = sel.tz ? sel.tz_name : NULL;
	wo.certs = certs;
	wo.ncerts = ncerts;
	if (cli_open(&s, NPSDIAG_READ, db, dirs, ndirs) != 0)
		return 2;
	if ((rc = cli_select_ready("report", s, db, &sel)) != 0) {
		npsdiag_close(s);
		return rc;
	}
	if (!npsdiag_diagnosed(s) && npsdiag_diagnose(s, NULL, NULL, &err) != 0) {
		cli_print(stderr, "npsdiag report: %s\n", err.message);
		npsdiag_close(s);
		return 2;
	}
	if (out_path && !(out = fopen(out_path, "wb"))) {
		cli_print(stderr, "npsdiag report: %s: cannot create the report: %s\n", out_path, strerror(errno));
		npsdiag_close(s);
		return 2;
	}
	/* Excel takes a CSV for UTF-8 only when it starts with a BOM. */
	if (bom && strcmp(format, "csv") == 0)
		fputs("\xEF\xBB\xBF", out);
	rc = npsdiag_write_results(s, format, &sel.filter, &wo, out, NULL, &err) == 0 ? 0 : 2;
	if (rc != 0)
		cli_print(stderr, "npsdiag report: %s\n", err.message);
	if (out != stdout && fclose(out) != 0 && rc == 0) {
		cli_print(stderr, "npsdiag report: %s: cannot write the report\n", out_path);
		rc = 2;
	}
	/* Only a regular file is ours to remove: -o /dev/null must survive. */
	if (rc != 0 && out_path && stat(out_path, &st) == 0 && S_ISREG(st.st_mode))
		remove(out_path);
	npsdiag_close(s);
	return rc;
}
