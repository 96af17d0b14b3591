/* cli_help: the one description of the commands and their options. It
 * prints `npsdiag --help`, `npsdiag COMMAND --help` and, through the
 * hidden `npsdiag --man`, the npsdiag(1) manual page the build installs,
 * so the page cannot drift from the help. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#define DB_OPT {"--db", "FILE", "the database (default: $NPSDIAG_DB, else ./" ND_CLI_DEFAULT_DB ")"}
#define RULES_OPT                                                                                                    \
	{"--rules", "DIR", "lay DIR over the shipped rules (repeatable): a rule with a shipped id replaces it, a new " \
			   "id adds a cause, a codes/ folder replaces the code tables"}
#define PARAM_OPTS                                                                                              \
	{"--window", "S", "seconds a client failure may follow its NPS decision (default 5)"},                  \
		{"--skew", "S", "largest clock offset between a client and an NPS server, seconds (default 2)"}, \
		{"--gap", "S", "attempts further apart start a new incident, seconds (default 3600)"}
#define FILTER_OPTS                                                                                                  \
	{"--user", "NAME", "only incidents of this account, written in any form (LAB\\rdeckard, rdeckard@lab.example, " \
			   "rdeckard, host/CLIENT01.lab.example, CLIENT01$), any case"},                              \
		{"--user-regex", "PATTERN", "only incidents whose user or identity matches the PCRE2 pattern (any case)"}, \
		{"--host", "NAME", "only incidents and findings of this client, VPN or NPS server (name or first DNS " \
				   "label, any case)"},                                                               \
		{"--since", "TIME", "only what ends at or after TIME: YYYY-MM-DD[ HH:MM[:SS]] with an optional Z or " \
				    "+HH:MM (without one: the zone of --tz/--local, else UTC), or a span back from "   \
				    "the newest stored event (30m, 12h, 7d, 2w), since collected logs are old"},        \
		{"--until", "TIME", "only what starts at or before TIME (as --since; a date alone means its end)"},   \
		{"--cause", "ID", "only this cause (npsdiag causes lists the ids)"}
#define ZONE_OPTS                                                                                              \
	{"--tz", "ZONE", "show times, and read --since/--until, in ZONE: an IANA name (Europe/Berlin), UTC or " \
			 "+HH:MM (default UTC)"},                                                               \
		{"--local", NULL, "as --tz with this computer's zone"}

static const cli_option ingest_opts[] = {
	DB_OPT,
	RULES_OPT,
	{"--tz", "ZONE", "the NPS servers' zone for the local times of NPS text logs: UTC or +HH:MM (default: read as "
			 "UTC, with a warning)"},
	{"--decoder", "NAME", "fast (default: npsdiag's own decoder, libevtx for what it refuses) or libevtx"},
	{"--threads", "N", ".evtx chunks decoded on N threads, 1 to 64 (default: the CPUs but one, once worth it)"},
	{"--quiet", NULL, "print only problems"},
	{"--verbose", NULL, "say how each .evtx file was decoded"},
	{NULL, NULL, NULL}};

static const cli_option explain_opts[] = {RULES_OPT, {NULL, NULL, NULL}};

static const cli_option causes_opts[] = {RULES_OPT, {"--format", "FMT", "text (default) or tsv"}, {NULL, NULL, NULL}};

static const cli_option diagnose_opts[] = {
	DB_OPT,
	RULES_OPT,
	PARAM_OPTS,
	FILTER_OPTS,
	ZONE_OPTS,
	{"--format", "FMT",
	 "text (default), json, jsonl or ecs (JSON lines shaped for Elastic; json, jsonl and ecs always in UTC)"},
	{"--brief", NULL, "one line per incident (the line tail prints), then the summary"},
	{"--cert", "FILE", "a user's certificate chain (.cer, PEM, .p7b; repeatable): its findings are attached "
			   "to the incidents they explain"},
	{NULL, NULL, NULL}};

static const cli_option tail_opts[] = {
	DB_OPT,
	RULES_OPT,
	{"--interval", "S", "seconds between polls (default 2)"},
	PARAM_OPTS,
	{"--format", "FMT", "text (default) or jsonl"},
	{"--tz", "ZONE", "show the times of text lines in ZONE: an IANA name (Europe/Berlin), UTC or +HH:MM (default "
			 "UTC; jsonl always in UTC)"},
	{"--local", NULL, "as --tz with this computer's zone"},
	{"--once", NULL, "one round, then exit"},
	{"--verbose", NULL, "print what each round did"},
	{"--channel", "NAME", "follow a Windows event log channel (Security, System, Application, ForwardedEvents; "
			      "repeatable; Windows only) through the Event Log API, its bookmark kept in the database"},
	{"--channel-replay", "DIR", "test aid: read the channels from recorded renderings in DIR/NAME/ instead"},
	{NULL, NULL, NULL}};

static const cli_option report_opts[] = {
	DB_OPT,
	RULES_OPT,
	{"--format", "FMT", "html (default), md, csv or json (csv and json always in UTC)"},
	{"--output", "FILE", "write to FILE (also -o; default: standard output)"},
	{"--no-timestamp", NULL, "leave out the generation time (reproducible output)"},
	{"--bom", NULL, "start a CSV with a UTF-8 byte order mark (for Excel)"},
	{"--cert", "FILE", "add a certificate section from a chain (.cer, PEM, .p7b; repeatable) naming the "
			   "incidents its findings explain (html, md, json)"},
	FILTER_OPTS,
	ZONE_OPTS,
	{NULL, NULL, NULL}};

static const cli_option cert_opts[] = {
	{"--format", "FMT", "text (default) or json"},
	{"--fetch", NULL, "download each HTTP CDP's CRL and check it"},
	{"--timeout", "S", "seconds per download (default 10)"},
	{"--at", "TIME", "judge validity at TIME (ISO, default now)"},
	{NULL, NULL, NULL}};

static const cli_option no_opts[] = {{NULL, NULL, NULL}};

static const cli_command commands[] = {
	{"ingest", cmd_ingest, "PATH...", ingest_opts,
	 "read .evtx, event XML, JSON lines and NPS text logs, directories (searched recursively) or - (stdin) into "
	 "the database",
	 "Exit status: 0 all read, 1 some input could not be read, 2 usage or database error."},
	{"explain", cmd_explain, "CODE | reason CODE | event ID", explain_opts,
	 "look up a RAS/IKE error code, an NPS reason code, an NTSTATUS or SSPI status, or what npsdiag reads from an "
	 "event",
	 "CODE is decimal (853), negative (-2146762487), 0x-hex (0x800B0109) or bare hex (80092013). An HRESULT that "
	 "wraps a Win32 code (0x800704C9) is explained as that code (1225); a code that is an NPS reason and not a RAS "
	 "error is explained as the reason. Exit status: 0 found, 1 unknown, 2 usage error."},
	{"causes", cmd_causes, "", causes_opts,
	 "list the root causes the rules name: id, confidence, kind, title and what each is judged on",
	 "Exit status: 0, or 2 when the rules cannot be read."},
	{"diagnose", cmd_diagnose, "", diagnose_opts,
	 "pair client failures with NPS decisions, name their root causes, store and print them",
	 "A database that does not exist or holds no events is an error (exit 2): ingest logs first. A read-only "
	 "database is diagnosed in memory. Exit status: 0 nothing to report, 1 incidents or findings printed, 2 "
	 "usage, rule or database error."},
	{"tail", cmd_tail, "[PATH...]", tail_opts,
	 "follow growing .evtx logs or Windows event log channels, store new events, print new incidents as they "
	 "appear",
	 "Stops on Ctrl-C or SIGTERM; SIGHUP reloads the rules. Exit status: 0 stopped, 2 usage, rule or database "
	 "error."},
	{"report", cmd_report, "", report_opts,
	 "write the diagnosed incidents as a self-contained HTML page, Markdown, CSV or JSON",
	 "Runs the diagnosis first when the database has none (in memory when it is read-only). A database that does "
	 "not exist or holds no events is an error (exit 2). Exit status: 0 written, 2 usage, rule, database or "
	 "write error."},
	{"cert", cmd_cert, "FILE...", cert_opts,
	 "read a certificate chain (.cer, PEM, .p7b; several files make one chain) and name what makes NPS reject it",
	 "Exit status: 0 no finding is an error, 1 one is, 2 usage or file error."},
	{"version", cmd_version, "", no_opts, "print the version", NULL},
	{NULL, NULL, NULL, NULL, NULL, NULL}};

static const char footer[] =
	"The database defaults to ./" ND_CLI_DEFAULT_DB " (or $NPSDIAG_DB). The shipped rules are $NPSDIAG_RULES,\n"
	"else rules/ beside npsdiag, else ../share/npsdiag/rules from it.\n";

const cli_command *cli_commands(void)
{
	return commands;
}

const cli_command *cli_command_find(const char *name)
{
	const cli_command *c;

	for (c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* Prints text to out wrapped at 100 columns, each line indented by indent
 * spaces (the first by first spaces when the caller already wrote some).
 * Returns nothing. */
static void wrap(FILE *out, const char *text, int indent, int first)
{
	int col = first;
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, " ");

		if (col > indent && col + 1 + (int)n > 100) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", (int)n, p);
		col += (int)n;
		p += n;
		while (*p == ' ')
			p++;
	}
	fputc('\n', out);
}

/* Prints one command's usage line ("npsdiag NAME [OPTIONS] ARGS"). Returns
 * nothing. */
static void usage_line(FILE *out, const cli_command *c)
{
	fprintf(out, "npsdiag %s%s%s%s\n", c->name, c->opts[0].name ? " [OPTIONS]" : "", *c->args ? " " : "",
		c->args);
}

static void print_usage(FILE *out)
{
	const cli_command *c;

	fputs("usage: npsdiag COMMAND [OPTIONS] [ARGS]\n       npsdiag COMMAND --help\n\ncommands:\n", out);
	for (c = commands; c->name; c++) {
		fprintf(out, "  %-10s", c->name);
		wrap(out, c->summary, 12, 12);
	}
	fputc('\n', out);
	fputs(footer, out);
}

int cli_usage(void)
{
	print_usage(stderr);
	return 2;
}

int cli_help(void)
{
	print_usage(stdout);
	return 0;
}

int cli_command_help(const cli_command *c)
{
	const cli_option *o;

	fputs("usage: ", stdout);
	usage_line(stdout, c);
	fputc('\n', stdout);
	wrap(stdout, c->summary, 0, 0);
	if (c->opts[0].name)
		fputs("\noptions:\n", stdout);
	for (o = c->opts; o->name; o++) {
		int n = printf("  %s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");

		if (n > 22) {
			printf("\n%24s", "");
			n = 24;
		}
		printf("%*s", 24 - n, "");
		wrap(stdout, o->help, 24, 24);
	}
	if (c->more) {
		fputc('\n', stdout);
		wrap(stdout, c->more, 0, 0);
	}
	return 0;
}

/* Prints text escaped for roff: backslashes doubled, a leading dot or
 * quote protected. Returns nothing. */
static void roff(FILE *out, const char *text)
{
	if (*text == '.' || *text == '\'')
		fputs("\\&", out);
	for (; *text; text++) {
		if (*text == '\\')
			fputs("\\e", out);
		else if (*text == '-')
			fputs("\\-", out);
		else
			fputc(*text, out);
	}
}

int cli_man(void)
{
	const cli_command *c;
	const cli_option *o;

	printf(".\\\" Generated by `npsdiag --man` from the help texts (src/cli/cli_help.c); do not edit.\n");
	printf(".TH NPSDIAG 1 \"\" \"npsdiag %s\" \"User Commands\"\n", npsdiag_version());
	printf(".SH NAME\nnpsdiag \\- why an Always On VPN / RADIUS connection failed\n");
	printf(".SH SYNOPSIS\n");
	for (c = commands; c->name; c++) {
		printf(".B npsdiag %s\n", c->name);
		if (c->opts[0].name || *c->args) {
			fputs(c->opts[0].name ? "[\\fIOPTIONS\\fR] " : "", stdout);
			roff(stdout, c->args);
			fputc('\n', stdout);
		}
		printf(".br\n");
	}
	printf(".SH DESCRIPTION\nnpsdiag reads Windows event logs (.evtx, event XML, JSON lines) and NPS text logs,\n"
	       "keeps the NPS, RasClient and RemoteAccess events in an SQLite database, pairs client failures\n"
	       "(RasClient 20227) with NPS decisions (Security 6272/6273) and names the root cause of each\n"
	       "failure with rules kept as data.\n");
	printf(".SH COMMANDS\n");
	for (c = commands; c->name; c++) {
		printf(".SS %s\n", c->name);
		roff(stdout, c->summary);
		fputc('\n', stdout);
		for (o = c->opts; o->name; o++) {
			printf(".TP\n.B ");
			roff(stdout, o->name);
			if (o->arg) {
				fputs(" \\fI", stdout);
				roff(stdout, o->arg);
				fputs("\\fR", stdout);
			}
			fputc('\n', stdout);
			roff(stdout, o->help);
			fputc('\n', stdout);
		}
		if (c->more) {
			printf(".PP\n");
			roff(stdout, c->more);
			fputc('\n', stdout);
		}
	}
	printf(".SH ENVIRONMENT\n.TP\n.B NPSDIAG_DB\nthe default database\n.TP\n.B NPSDIAG_RULES\n"
	       "the shipped rules directory\n.TP\n.B NPSDIAG_HOST\nthe name this machine's sources are kept under in the"
	       " database (default: the computer name; docs/fleet.md)\n.TP\n.B NO_COLOR\nno colour on a terminal\n");
	printf(".SH FILES\n.TP\n.I ../share/npsdiag/rules\nthe shipped rules and code tables, found from the "
	       "executable\n");
	return 0;
}
