#include "cli.h"

#include <stdio.h>
#include <stdlib.h>

#include "nd_rules_path.h"

static const char usage_text[] =
	"usage: npsdiag COMMAND [OPTIONS] [ARGS]\n"
	"\n"
	"commands:\n"
	"  ingest [--db FILE] [--rules DIR] [--quiet] PATH...\n"
	"        read .evtx files and directories (searched recursively for *.evtx) into the database\n"
	"  explain [--rules DIR] CODE | explain reason CODE\n"
	"        look up a RAS/IKE error code (853, 13801, 0x800B0109) or an NPS reason code\n"
	"  diagnose [--db FILE] [--rules DIR] [--window S] [--skew S] [--gap S] [--user PATTERN]\n"
	"           [--since T] [--until T] [--cause ID] [--format text|json|jsonl]\n"
	"        pair client failures with NPS decisions and name their root causes\n"
	"  tail [--db FILE] [--rules DIR] [--interval S] [--window S] [--skew S] [--gap S]\n"
	"       [--format text|jsonl] [--once] PATH...\n"
	"        follow growing .evtx logs, store new events, print new incidents as they appear\n"
	"  version\n"
	"\n"
	"The database defaults to ./" ND_CLI_DEFAULT_DB " (or $NPSDIAG_DB).\n";

int cli_usage(void)
{
	fputs(usage_text, stderr);
	return 2;
}

int cli_help(void)
{
	fputs(usage_text, stdout);
	return 0;
}

const char *cli_db_path(const char *opt)
{
	const char *env = getenv("NPSDIAG_DB");

	return opt ? opt : (env && *env) ? env : ND_CLI_DEFAULT_DB;
}

int cli_parse_seconds(const char *s, double max, double *out)
{
	char *end;

	*out = strtod(s, &end);
	return end != s && !*end && *out >= 0 && *out <= max ? 0 : -1;
}

int cli_load_rules(nd_rules *r, char **dirs, size_t ndirs, nd_error *err)
{
	size_t i;

	if (nd_rules_init(r, err) != 0 || nd_rules_load_dir(r, nd_rules_dir(NULL), err) != 0)
		return -1;
	for (i = 0; i < ndirs; i++)
		if (nd_rules_load_dir(r, dirs[i], err) != 0)
			return -1;
	return 0;
}
