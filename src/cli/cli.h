/* cli: what the command implementations (cmd_*.c) share. The CLI is a
 * thin layer: each command parses its options, calls the core and prints. */
#ifndef ND_CLI_H
#define ND_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "npsdiag.h"

#define ND_CLI_DEFAULT_DB "npsdiag.db"
#define ND_CLI_MAX_RULE_DIRS 16

/* Prints the usage text to stderr. Returns 2, the exit status for usage
 * errors. */
int cli_usage(void);

/* Prints the usage text to stdout. Returns 0. */
int cli_help(void);

/* Prints the formatted text to out escaped for a terminal
 * (npsdiag_write_text): paths, argv and library messages hold whatever a
 * file name or an event held, so the CLI prints everything but its own
 * literals through here. Returns nothing. */
void cli_print(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Returns the database path: opt if given, else $NPSDIAG_DB, else
 * ND_CLI_DEFAULT_DB where npsdiag_default_db puts it. */
const char *cli_db_path(const char *opt);

/* Parses a number of seconds in [0, max]. Returns 0, or -1 when s is not
 * one. */
int cli_parse_seconds(const char *s, double max, double *out);

/* Opens a session on the database db (cli_db_path) with the --rules
 * directories, printing why when it cannot. Returns 0 with *out set, or
 * -1. */
int cli_open(npsdiag_session **out, npsdiag_mode mode, const char *db, char **dirs, size_t ndirs);

/* The getopt_long entries of the filter options --user, --since, --until
 * and --cause, shared by diagnose and report. */
#define CLI_FILTER_OPTIONS                                                                                    \
	{"user", required_argument, NULL, 'u'}, {"since", required_argument, NULL, 'S'},                      \
		{"until", required_argument, NULL, 'U'}, {"cause", required_argument, NULL, 'c'}

/* Takes a filter option (CLI_FILTER_OPTIONS) into f; times are ISO or a
 * date (YYYY-MM-DD: its start for --since, its end for --until). Returns 1
 * when taken, 0 when opt is not a filter option, -1 on a bad value. */
int cli_filter_option(int opt, const char *arg, npsdiag_filter *f);

/* The commands: each takes its own argv (argv[0] is the command name) and
 * returns the process exit status. */
int cmd_ingest(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_diagnose(int argc, char **argv);
int cmd_tail(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_cert(int argc, char **argv);

#endif
