/* npsdiag explain: look up a RAS error code or an NPS reason code. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Prints one cause whose rule names the code (npsdiag_explain_causes),
 * aligned under the code table's lines. Returns nothing. */
static void print_cause(void *ctx, const npsdiag_cause *c)
{
	int *n = ctx;

	cli_print(stdout, "%s%s (%s): %s\n", (*n)++ ? "                   " : "causes             ", c->id,
		  c->confidence, c->title);
}

/* npsdiag explain. Returns 0 when found, 1 when unknown, 2 on usage or
 * file errors. */
int cmd_explain(int argc, char **argv)
{
	static const struct option opts[] = {{"rules", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
	npsdiag_code_kind kind = NPSDIAG_CODE_RAS;
	const char *what = "RAS error code";
	char *dirs[ND_CLI_MAX_RULE_DIRS];
	size_t ndirs = 0;
	npsdiag_session *s = NULL;
	npsdiag_error err;
	uint32_t code;
	int opt, rc, n = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'r' && ndirs < ND_CLI_MAX_RULE_DIRS)
			dirs[ndirs++] = optarg;
		else
			return cli_usage();
	}
	if (optind < argc && strcmp(argv[optind], "reason") == 0) {
		kind = NPSDIAG_CODE_NPS_REASON;
		what = "NPS reason code";
		optind++;
	}
	if (optind + 1 != argc || npsdiag_parse_code(argv[optind], &code) != 0)
		return cli_usage();
	if (cli_open(&s, NPSDIAG_NO_DATABASE, NULL, dirs, ndirs) != 0)
		return 2;
	rc = npsdiag_explain_code(s, kind, code, stdout, &err);
	if (rc == 0)
		cli_print(stdout, "unknown %s %s\n", what, argv[optind]);
	else if (rc > 0 && npsdiag_explain_causes(s, kind, code, print_cause, &n, &err) < 0)
		rc = -1;
	if (rc < 0)
		cli_print(stderr, "npsdiag: %s\n", err.message);
	npsdiag_close(s);
	return rc < 0 ? 2 : rc == 0 ? 1 : 0;
}
