#include "cli.h"

#include <stdio.h>
#include <stdlib.h>

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
