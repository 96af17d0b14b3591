#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_rules_path.h"
#include "nd_time.h"

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
	"  report [--db FILE] [--format html|md|csv|json] [-o FILE] [--no-timestamp] [--bom] [--user PATTERN]\n"
	"         [--since T] [--until T] [--cause ID]\n"
	"        write the diagnosed incidents as a self-contained HTML page, Markdown, CSV or JSON\n"
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

/* Parses an ISO time or a date (YYYY-MM-DD: its start, or its end when
 * end_of_day). Returns 0, or -1 when s is neither. */
static int parse_when(const char *s, int end_of_day, int64_t *ts)
{
	char buf[64];

	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
		snprintf(buf, sizeof(buf), "%sT%s", s, end_of_day ? "23:59:59.9999999Z" : "00:00:00Z");
		s = buf;
	}
	return nd_time_parse_iso(s, ts);
}

int cli_filter_option(int opt, const char *arg, nd_print_filter *f)
{
	switch (opt) {
	case 'u':
		f->user = arg;
		return 1;
	case 'S':
		f->since = arg;
		return parse_when(arg, 0, &f->since_ts) == 0 ? 1 : -1;
	case 'U':
		f->until = arg;
		return parse_when(arg, 1, &f->until_ts) == 0 ? 1 : -1;
	case 'c':
		f->cause = arg;
		return 1;
	default:
		return 0;
	}
}
