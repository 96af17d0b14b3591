/* npsdiag cert: certificates and chains as NPS sees them (docs/cert.md). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* npsdiag cert. Returns 0 when no finding is an error, 1 when one is, 2
 * on usage or file errors. */
int cmd_cert(int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
					     {"fetch", no_argument, NULL, 'F'},
					     {"timeout", required_argument, NULL, 't'},
					     {"at", required_argument, NULL, 'a'},
					     {NULL, 0, NULL, 0}};
	npsdiag_cert_options o = {"text", 0, 0, 0};
	npsdiag_cert_stats st;
	npsdiag_error err;
	int64_t at;
	int opt;

	while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (opt == 'f' && (strcmp(optarg, "text") == 0 || strcmp(optarg, "json") == 0))
			o.format = optarg;
		else if (opt == 'f')
			return cli_bad_value("cert", "--format", optarg, "text or json");
		else if (opt == 'F')
			o.fetch = 1;
		else if (opt == 't' && cli_parse_seconds(optarg, 300, &o.timeout_s) == 0 && o.timeout_s > 0)
			continue;
		else if (opt == 't')
			return cli_bad_value("cert", "--timeout", optarg, "seconds above 0, up to 300");
		else if (opt == 'a' && npsdiag_parse_time(optarg, 0, &at) == 0)
			o.now = at / 10000000; /* npsdiag_parse_time gives 100 ns units since 1970 */
		else if (opt == 'a')
			return cli_bad_value("cert", "--at", optarg, "an ISO time (2025-03-14T09:00:00Z) or a date");
		else
			return cli_bad_option("cert", opt, argv);
	}
	if (optind >= argc)
		return cli_bad_args("cert", "expected one or more certificate files");
	if (npsdiag_cert_check(argv + optind, (size_t)(argc - optind), &o, stdout, &st, &err) != 0) {
		cli_print(stderr, "npsdiag: %s\n", err.message);
		return 2;
	}
	return st.errors ? 1 : 0;
}

/* npsdiag version. Returns 0, or 2 when given arguments. */
int cmd_version(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cli_bad_args("version", "takes no arguments");
	printf("npsdiag %s\n", npsdiag_version());
	return 0;
}
