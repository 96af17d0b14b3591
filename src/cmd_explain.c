/* npsdiag explain: look up a RAS error code or an NPS reason code. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "family.h"
#include "nd_codes.h"
#include "nd_rules_path.h"

/* npsdiag explain. Returns 0 when found, 1 when unknown, 2 on usage or
 * file errors. */
int cmd_explain(int argc, char **argv)
{
	static const struct option opts[] = {{"rules", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
	const char *rules = NULL, *file = ND_CODES_RAS_FILE, *what = "RAS error code";
	char dir[4096];
	uint32_t code;
	nd_error err;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'r')
			rules = optarg;
		else
			return cli_usage();
	}
	if (optind < argc && strcmp(argv[optind], "reason") == 0) {
		file = ND_CODES_NPS_FILE;
		what = "NPS reason code";
		optind++;
	}
	if (optind + 1 != argc || nd_parse_code(argv[optind], &code) != 0)
		return cli_usage();
	snprintf(dir, sizeof(dir), "%s/codes", nd_rules_dir(rules));
	rc = nd_codes_explain(dir, file, code, stdout, &err);
	if (rc < 0) {
		fprintf(stderr, "npsdiag: %s\n", err.message);
		return 2;
	}
	if (rc == 0) {
		printf("unknown %s %s\n", what, argv[optind]);
		return 1;
	}
	return 0;
}

