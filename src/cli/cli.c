#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const char usage_text[] =
	"usage: npsdiag COMMAND [OPTIONS] [ARGS]\n"
	"\n"
	"commands:\n"
	"  ingest [--db FILE] [--rules DIR] [--quiet] [--tz UTC|+HH:MM] [--decoder fast|libevtx] [--verbose]\n"
	"         PATH...\n"
	"        read .evtx, event XML and NPS text logs (local times in zone --tz), directories (searched\n"
	"        recursively) or - (stdin) into the database\n"
	"  explain [--rules DIR] CODE | explain reason CODE\n"
	"        look up a RAS/IKE error code (853, 13801, 0x800B0109) or an NPS reason code\n"
	"  diagnose [--db FILE] [--rules DIR] [--window S] [--skew S] [--gap S] [--user PATTERN]\n"
	"           [--since T] [--until T] [--cause ID] [--format text|json|jsonl]\n"
	"        pair client failures with NPS decisions and name their root causes\n"
	"  tail [--db FILE] [--rules DIR] [--interval S] [--window S] [--skew S] [--gap S]\n"
	"       [--format text|jsonl] [--once] PATH...\n"
	"        follow growing .evtx logs, store new events, print new incidents as they appear\n"
	"  report [--db FILE] [--rules DIR] [--format html|md|csv|json] [-o FILE] [--no-timestamp] [--bom]\n"
	"         [--user PATTERN] [--since T] [--until T] [--cause ID]\n"
	"        write the diagnosed incidents as a self-contained HTML page, Markdown, CSV or JSON\n"
	"  cert [--format text|json] [--fetch] [--timeout S] [--at T] FILE...\n"
	"        read a certificate chain (.cer, PEM, .p7b; several files make one chain), name what makes\n"
	"        NPS reject it (no CDP, no Client Authentication, incomplete, expired); --fetch checks the CRLs\n"
	"  version\n"
	"\n"
	"The database defaults to ./" ND_CLI_DEFAULT_DB " (or $NPSDIAG_DB; on Windows, run from the system\n"
	"directory as a service or task is, %ProgramData%\\npsdiag\\" ND_CLI_DEFAULT_DB ").\n"
	"--rules DIR (repeatable) lays DIR over the shipped rules: a rule with the id of a shipped one\n"
	"replaces it, a new id adds a cause, and a DIR with a codes/ folder replaces the code tables.\n"
	"The shipped rules are $NPSDIAG_RULES, else rules/ beside npsdiag, else ../share/npsdiag/rules.\n";

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

void cli_print(FILE *out, const char *fmt, ...)
{
	char small[512], *text = small;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		text = malloc((size_t)n + 1);
		if (!text)
			return;
		va_start(ap, fmt);
		vsnprintf(text, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	npsdiag_write_text(text, out);
	if (text != small)
		free(text);
}

const char *cli_db_path(const char *opt)
{
	static char def[4096];
	const char *env = getenv("NPSDIAG_DB");

	if (opt)
		return opt;
	if (env && *env)
		return env;
	return npsdiag_default_db(ND_CLI_DEFAULT_DB, def, sizeof(def)) == 0 ? def : ND_CLI_DEFAULT_DB;
}

int cli_parse_seconds(const char *s, double max, double *out)
{
	char *end;

	*out = strtod(s, &end);
	return end != s && !*end && *out >= 0 && *out <= max ? 0 : -1;
}

int cli_open(npsdiag_session **out, npsdiag_mode mode, const char *db, char **dirs, size_t ndirs)
{
	npsdiag_options o = {mode, cli_db_path(db), (const char *const *)dirs, ndirs};
	npsdiag_error err;

	if (npsdiag_open(out, &o, &err) == 0)
		return 0;
	cli_print(stderr, "npsdiag: %s\n", err.message);
	return -1;
}

int cli_filter_option(int opt, const char *arg, npsdiag_filter *f)
{
	switch (opt) {
	case 'u':
		f->user = arg;
		return 1;
	case 'S':
		f->since = arg;
		return npsdiag_parse_time(arg, 0, &f->since_ts) == 0 ? 1 : -1;
	case 'U':
		f->until = arg;
		return npsdiag_parse_time(arg, 1, &f->until_ts) == 0 ? 1 : -1;
	case 'c':
		f->cause = arg;
		return 1;
	default:
		return 0;
	}
}
