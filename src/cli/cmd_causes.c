/* npsdiag causes: the root causes the loaded rules name. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Prints one cause: a block of lines (text) or one tab-separated row
 * (tsv). Returns nothing. */
static void print_cause(void *ctx, const npsdiag_cause *c)
{
	const char *const row[] = {c->id, c->confidence, c->kind, c->title, c->needs};
	size_t i;

	/* cli_print escapes a tab inside a value: only the separators are. */
	for (i = 0; *(const int *)ctx && i < sizeof(row) / sizeof(row[0]); i++) {
		cli_print(stdout, "%s", row[i]);
		putchar(i + 1 < sizeof(row) / sizeof(row[0]) ? '\t' : '\n');
	}
	if (*(const int *)ctx)
		return;
	/* One line each: cli_print writes only a final newline as one. */
	cli_print(stdout, "%s (%s, %s)\n", c->id, c->confidence, c->kind);
	cli_print(stdout, "    %s\n", c->title);
	cli_print(stdout, "    needs: %s\n", c->needs);
}

/* npsdiag causes. Returns 0, or 2 on usage or rule errors. */
int cmd_causes(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"rules", required_argument, NULL, 'r'}, {"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
	char *dirs[ND_CLI_MAX_RULE_DIRS];
	size_t ndirs = 0;
	npsdiag_session *s = NULL;
	npsdiag_error err;
	int opt, tsv = 0;
	long n;

	while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (opt == 'r' && cli_rules_dir("causes", optarg, dirs, &ndirs) != 0)
			return 2;
		if (opt == 'f' && strcmp(optarg, "text") != 0 && strcmp(optarg, "tsv") != 0)
			return cli_bad_value("causes", "--format", optarg, "text or tsv");
		if (opt == 'f')
			tsv = strcmp(optarg, "tsv") == 0;
		if (opt == '?' || opt == ':')
			return cli_bad_option("causes", opt, argv);
	}
	if (optind != argc)
		return cli_bad_args("causes", "takes no arguments, only options");
	if (cli_open(&s, NPSDIAG_NO_DATABASE, NULL, dirs, ndirs) != 0)
		return 2;
	if (tsv)
		fputs("id\tconfidence\tkind\ttitle\tneeds\n", stdout);
	n = npsdiag_causes(s, print_cause, &tsv, &err);
	if (n < 0)
		cli_print(stderr, "npsdiag causes: %s\n", err.message);
	else if (!tsv)
		printf("%ld causes; npsdiag explain CODE names those that a code points to.\n", n);
	npsdiag_close(s);
	return n < 0 ? 2 : 0;
}
