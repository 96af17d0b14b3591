/* npsdiag: the command line. main() only dispatches; each command lives
 * in its own cmd_*.c and calls the core through npsdiag.h. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct command {
	const char *name;
	int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
	{"ingest", cmd_ingest},
	{"explain", cmd_explain},
	{"diagnose", cmd_diagnose},
	{"tail", cmd_tail},
	{"report", cmd_report},
	{"cert", cmd_cert},
};

int main(int argc, char **argv)
{
	size_t i;

	if (npsdiag_console_init(&argc, &argv) != 0) {
		fputs("npsdiag: out of memory\n", stderr);
		return 2;
	}
	if (argc < 2)
		return cli_usage();
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0))
			return cli_help();
		return commands[i].run(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("npsdiag %s\n", npsdiag_version());
		return 0;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cli_help();
	cli_print(stderr, "npsdiag: unknown command \"%s\"\n", argv[1]);
	return cli_usage();
}
