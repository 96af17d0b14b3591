/* npsdiag explain: look up a RAS error code or an NPS reason code. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "nd_family.h"
#include "nd_codes.h"
#include "nd_rules.h"
#include "nd_rules_path.h"

/* Prints the enabled rules that name code among their client errors or
 * (reason) NPS reason codes. Returns 0, or -1 with err set when the rules
 * cannot be read. */
static int print_causes(const char *dir, uint32_t code, int reason, nd_error *err)
{
	nd_rules r;
	size_t i;
	int n = 0;

	if (nd_rules_init(&r, err) != 0 || nd_rules_load_dir(&r, dir, err) != 0) {
		nd_rules_free(&r);
		return -1;
	}
	for (i = 0; i < r.n; i++) {
		if (!nd_rule_mentions(r.v[i], code, reason))
			continue;
		printf("%s%s (%s): %s\n", n++ ? "                   " : "causes             ", r.v[i]->id,
		       r.v[i]->confidence, r.v[i]->title);
	}
	nd_rules_free(&r);
	return 0;
}

/* npsdiag explain. Returns 0 when found, 1 when unknown, 2 on usage or
 * file errors. */
int cmd_explain(int argc, char **argv)
{
	static const struct option opts[] = {{"rules", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
	const char *rules = NULL, *file = ND_CODES_RAS_FILE, *what = "RAS error code";
	char dir[4096];
	uint32_t code;
	nd_error err;
	int opt, rc, reason = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'r')
			rules = optarg;
		else
			return cli_usage();
	}
	if (optind < argc && strcmp(argv[optind], "reason") == 0) {
		file = ND_CODES_NPS_FILE;
		what = "NPS reason code";
		reason = 1;
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
	if (print_causes(nd_rules_dir(rules), code, reason, &err) != 0) {
		fprintf(stderr, "npsdiag: %s\n", err.message);
		return 2;
	}
	return 0;
}

