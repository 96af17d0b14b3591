/* cli: what the command implementations (cmd_*.c) share. The CLI is a
 * thin layer: each command parses its options, calls the core and prints. */
#ifndef ND_CLI_H
#define ND_CLI_H

#define ND_CLI_DEFAULT_DB "npsdiag.db"

/* Prints the usage text to stderr. Returns 2, the exit status for usage
 * errors. */
int cli_usage(void);

/* Prints the usage text to stdout. Returns 0. */
int cli_help(void);

/* Returns the database path: opt if given, else $NPSDIAG_DB, else
 * ND_CLI_DEFAULT_DB. */
const char *cli_db_path(const char *opt);

/* The commands: each takes its own argv (argv[0] is the command name) and
 * returns the process exit status. */
int cmd_ingest(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_diagnose(int argc, char **argv);

#endif
