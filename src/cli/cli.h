/* cli: what the command implementations (cmd_*.c) share. The CLI is a
 * thin layer: each command parses its options, calls the core and prints. */
#ifndef ND_CLI_H
#define ND_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "npsdiag.h"

#define ND_CLI_DEFAULT_DB "npsdiag.db"
#define ND_CLI_MAX_RULE_DIRS 16
#define ND_CLI_MAX_CERTS 64 /* report --cert FILE, repeatable */
/* A macro's value as a string literal. */
#define ND_CLI_STR_(x) #x
#define ND_CLI_STR(x) ND_CLI_STR_(x)

/* One option of a command, as its help and the manual page show it. */
typedef struct cli_option {
	const char *name; /* "--db" */
	const char *arg;  /* "FILE", or NULL for a flag */
	const char *help; /* what it does and its default */
} cli_option;

/* One command: the help texts (cli_help.c) and the function that runs it
 * with its own argv (argv[0] is the command name), returning the exit
 * status. */
typedef struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *args;       /* the arguments after the options, "" for none */
	const cli_option *opts; /* ends with a NULL name */
	const char *summary;    /* one sentence */
	const char *more;       /* exit status and notes, or NULL */
} cli_command;

/* Returns the commands, ending with a NULL name. */
const cli_command *cli_commands(void);

/* Returns the command called name, or NULL. */
const cli_command *cli_command_find(const char *name);

/* Prints the usage text (the commands) to stderr. Returns 2, the exit
 * status for usage errors. */
int cli_usage(void);

/* Prints the usage text to stdout. Returns 0. */
int cli_help(void);

/* Prints the help of command c (usage, options with defaults, notes) to
 * stdout. Returns 0. */
int cli_command_help(const cli_command *c);

/* Prints the manual page npsdiag(1) in roff to stdout, from the same
 * texts as the help. Returns 0. */
int cli_man(void);

/* Prints the formatted text to out escaped for a terminal
 * (npsdiag_write_text): paths, argv and library messages hold whatever a
 * file name or an event held, so the CLI prints everything but its own
 * literals through here. Returns nothing. */
void cli_print(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "npsdiag CMD: OPTION 'VALUE': expected EXPECTED" to stderr.
 * Returns 2. */
int cli_bad_value(const char *cmd, const char *option, const char *value, const char *expected);

/* Prints why getopt_long stopped on argv[optind - 1] (an unknown option,
 * a missing value: opt is '?' or ':') and where the options are listed.
 * Returns 2. */
int cli_bad_option(const char *cmd, int opt, char **argv);

/* Prints "npsdiag CMD: WHAT (npsdiag CMD --help)" for a wrong argument
 * count. Returns 2. */
int cli_bad_args(const char *cmd, const char *what);

/* Returns the database path: opt if given, else $NPSDIAG_DB, else
 * ND_CLI_DEFAULT_DB where npsdiag_default_db puts it. */
const char *cli_db_path(const char *opt);

/* Parses a number of seconds in [0, max]. Returns 0, or -1 when s is not
 * one. */
int cli_parse_seconds(const char *s, double max, double *out);

/* Takes the value arg of --window, --skew or --gap (opt 'w', 's' or 'g')
 * of command cmd into p, in its range (npsdiag_param_ok). Returns 0, or 2
 * after saying what is wrong. */
int cli_take_param(const char *cmd, int opt, const char *arg, npsdiag_params *p);

/* Takes a --rules directory into dirs (ND_CLI_MAX_RULE_DIRS of them).
 * Returns 0, or 2 after saying there are too many. */
int cli_rules_dir(const char *cmd, char *dir, char **dirs, size_t *ndirs);

/* Opens a session on the database db (cli_db_path) with the --rules
 * directories, printing why when it cannot. Returns 0 with *out set, or
 * -1. */
int cli_open(npsdiag_session **out, npsdiag_mode mode, const char *db, char **dirs, size_t ndirs);

/* What diagnose and report are asked to select and how to show times:
 * the filter options and --tz / --local. */
typedef struct cli_select {
	npsdiag_filter filter;
	const char *tz;    /* --tz ZONE, or "local" for --local; NULL: UTC */
	char tz_name[128]; /* the zone's name for the reader, once set */
} cli_select;

/* The getopt_long entries of the options of cli_select (long options
 * only, values 1000 and up). */
#define CLI_SELECT_OPTIONS                                                                                   \
	{"user", required_argument, NULL, 1000}, {"since", required_argument, NULL, 1001},                   \
		{"until", required_argument, NULL, 1002}, {"cause", required_argument, NULL, 1003},          \
		{"user-regex", required_argument, NULL, 1004}, {"host", required_argument, NULL, 1005},      \
		{"tz", required_argument, NULL, 1006}, {"local", no_argument, NULL, 1007}

/* Takes an option of CLI_SELECT_OPTIONS into sel, checking its value.
 * Returns 1 when taken, 0 when opt is not one of them, 2 after printing
 * what is wrong with the value. */
int cli_select_option(const char *cmd, int opt, const char *arg, cli_select *sel);

/* Makes the session's database ready to report on: says so and returns 2
 * when it holds no events; otherwise applies --tz/--local to the process
 * (its $TZ) and resolves --since/--until, relative ones from the newest
 * stored event. Returns 0, or 2 after printing why not. */
int cli_select_ready(const char *cmd, npsdiag_session *s, const char *db, cli_select *sel);

/* Parses a time as --since/--until take it (end: a date alone means its
 * end) into ticks (100 ns since 1970), relative spans counted back from
 * newest. Local times are read in the process's zone when local, else in
 * UTC. Returns 0, or -1 when s is not such a time. */
int cli_parse_when(const char *s, int end, int local, int64_t newest, int64_t *ts);

/* Reads a zone offset at p ("Z", "+HH:MM", "+HHMM", "+HH") into *off
 * (seconds east of UTC). Returns 0, 1 when p holds no zone (empty), or -1
 * when it holds something else. */
int cli_parse_offset(const char *p, long *off);

/* Applies zone (an IANA name, UTC, +HH:MM, or "local") to the process's
 * $TZ, so that the C library's local time is that zone, and writes its
 * name for the reader into name (size bytes). Returns 0, or -1 when zone
 * is not one (an unknown IANA name). */
int cli_zone_apply(const char *zone, char *name, size_t size);

/* Prints that cmd's --tz value is no zone, and what this system takes
 * (Windows knows no IANA names). Returns 2, the exit status of a usage
 * error. */
int cli_bad_zone(const char *cmd, const char *value);

/* What ingest --tz (the NPS servers' zone) expects. */
#define CLI_EXPECT_OFFSET "UTC or an offset such as +01:00 or -05:00 (the NPS servers' zone)"
#define CLI_EXPECT_TIME                                                                                                \
	"YYYY-MM-DD[ HH:MM[:SS]] with an optional Z or +HH:MM, or a span back from the newest stored event (30m, "     \
	"12h, 7d, 2w)"

/* The commands: each takes its own argv (argv[0] is the command name) and
 * returns the process exit status. */
int cmd_ingest(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_causes(int argc, char **argv);
int cmd_diagnose(int argc, char **argv);
int cmd_tail(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_cert(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif
