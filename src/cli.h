/* cli: what the command implementations (cmd_*.c) share. The CLI is a
 * thin layer: each command parses its options, calls the core and prints. */
#ifndef ND_CLI_H
#define ND_CLI_H

#include <stddef.h>

#include "nd_error.h"
#include "nd_rules.h"

#define ND_CLI_DEFAULT_DB "npsdiag.db"
#define ND_CLI_MAX_RULE_DIRS 16

/* Prints the usage text to stderr. Returns 2, the exit status for usage
 * errors. */
int cli_usage(void);

/* Prints the usage text to stdout. Returns 0. */
int cli_help(void);

/* Returns the database path: opt if given, else $NPSDIAG_DB, else
 * ND_CLI_DEFAULT_DB. */
const char *cli_db_path(const char *opt);

/* Parses a number of seconds in [0, max]. Returns 0, or -1 when s is not
 * one. */
int cli_parse_seconds(const char *s, double max, double *out);

/* Loads the shipped rules and the --rules directories over them (r is
 * initialized here; free it with nd_rules_free either way). Returns 0, or
 * -1 with err set. */
int cli_load_rules(nd_rules *r, char **dirs, size_t ndirs, nd_error *err);

/* The commands: each takes its own argv (argv[0] is the command name) and
 * returns the process exit status. */
int cmd_ingest(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_diagnose(int argc, char **argv);
int cmd_tail(int argc, char **argv);

#endif
