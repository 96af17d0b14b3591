/* npsdiag ingest: read log files (any format npsdiag recognizes), directories
 * and the standard input into the database. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* State of the terminal output of an ingest run. */
typedef struct ingest_ui {
	int progress; /* draw a progress line on stderr */
	int quiet;
	int verbose; /* say how each file's records were decoded */
	int line_drawn;
	uint64_t last_ms;
} ingest_ui;

/* Erases the progress line if one is drawn. Returns nothing. */
static void clear_progress(ingest_ui *c)
{
	if (c->line_drawn) {
		fputs("\r\033[K", stderr);
		c->line_drawn = 0;
	}
}

/* report: prints an input problem. */
static void on_problem(void *ctx, npsdiag_problem_kind kind, const char *msg)
{
	ingest_ui *c = ctx;

	clear_progress(c);
	cli_print(stderr, "npsdiag: %s: %s\n", kind == NPSDIAG_PROBLEM_ERROR ? "error" : "warning", msg);
}

/* report: redraws the progress line at most ten times a second. */
static void on_progress(void *ctx, const char *path, size_t index, size_t count, uint64_t done, uint64_t total)
{
	ingest_ui *c = ctx;
	uint64_t now;
	const char *base = strrchr(path, '/');

	if (!c->progress)
		return;
	now = npsdiag_clock_ms();
	if (now - c->last_ms < 100)
		return;
	c->last_ms = now;
	fputs("\r\033[K", stderr);
	cli_print(stderr, "[%zu/%zu] %.60s %3u%%", index + 1, count, base ? base + 1 : path,
		  total ? (unsigned)(done * 100 / total) : 100u);
	c->line_drawn = 1;
}

/* report: prints the summary line of a file. */
static void on_file_done(void *ctx, const char *path, const npsdiag_file_stats *st, int failed)
{
	ingest_ui *c = ctx;

	clear_progress(c);
	if (c->quiet)
		return;
	if (failed) {
		cli_print(stdout, "%s: not ingested\n", path);
		return;
	}
	cli_print(stdout, "%s: %llu records, %llu kept (%llu new, %llu already stored), %llu skipped, %llu errors",
		  path, (unsigned long long)st->records, (unsigned long long)st->wanted, (unsigned long long)st->stored,
		  (unsigned long long)st->duplicates, (unsigned long long)st->skipped, (unsigned long long)st->errors);
	if (st->unchanged)
		printf(", %llu chunks unchanged", (unsigned long long)st->unchanged);
	if (st->warnings)
		printf(", %llu warnings", (unsigned long long)st->warnings);
	putchar('\n');
}

/* report: with --verbose, prints how a file's records were decoded. */
static void on_decoded(void *ctx, const char *path, uint64_t fast, uint64_t fallback)
{
	ingest_ui *c = ctx;

	if (!c->verbose)
		return;
	clear_progress(c);
	cli_print(stdout, "%s: decoder: %llu records decoded fast, %llu by libevtx\n", path, (unsigned long long)fast,
		  (unsigned long long)fallback);
}

/* Parses --threads: a number from 1 to 64. Returns 0 with *n set, or -1. */
static int parse_threads(const char *s, unsigned *n)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s < '0' || *s > '9' || *end || v < 1 || v > 64)
		return -1;
	*n = (unsigned)v;
	return 0;
}

/* npsdiag ingest. Returns the exit status: 0 all read, 1 some input could
 * not be read, 2 usage or database failure. */
int cmd_ingest(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"rules", required_argument, NULL, 'r'},
					     {"quiet", no_argument, NULL, 'q'},
					     {"decoder", required_argument, NULL, 'D'},
					     {"verbose", no_argument, NULL, 'v'},
					     {"tz", required_argument, NULL, 'z'},
					     {"threads", required_argument, NULL, 't'},
					     {NULL, 0, NULL, 0}};
	const char *db = NULL, *decoder = NULL;
	char *dirs[ND_CLI_MAX_RULE_DIRS];
	size_t ndirs = 0;
	npsdiag_ingest_callbacks cb = {0};
	npsdiag_ingest_options io = {0};
	npsdiag_ingest_totals tot;
	npsdiag_session *s = NULL;
	npsdiag_error err;
	ingest_ui c = {0};
	long offset;
	int opt;

	while ((opt = getopt_long(argc, argv, ":qv", opts, NULL)) != -1) {
		if (opt == 'd')
			db = optarg;
		else if (opt == 'D')
			decoder = optarg;
		else if (opt == 'v')
			c.verbose = 1;
		else if (opt == 'r' && cli_rules_dir("ingest", optarg, dirs, &ndirs) != 0)
			return 2;
		else if (opt == 'q')
			c.quiet = 1;
		else if (opt == 'z') {
			/* Checked before the database is opened (and perhaps created); the core checks it again. */
			if (strcmp(optarg, "UTC") != 0 && cli_parse_offset(optarg, &offset) != 0)
				return cli_bad_value("ingest", "--tz", optarg, CLI_EXPECT_OFFSET);
			io.tz = optarg;
		} else if (opt == 't') {
			if (parse_threads(optarg, &io.threads) != 0)
				return cli_bad_value("ingest", "--threads", optarg, "a number from 1 to 64");
		} else if (opt != 'r')
			return cli_bad_option("ingest", opt, argv);
	}
	if (optind >= argc)
		return cli_bad_args("ingest", "expected one or more logs or directories to read (or - for stdin)");
	c.progress = !c.quiet && npsdiag_console_is_terminal(stderr);
	if (cli_open(&s, NPSDIAG_WRITE, db, dirs, ndirs) != 0)
		return 2;
	if (decoder && npsdiag_set_decoder(s, decoder, &err) != 0) {
		cli_bad_value("ingest", "--decoder", decoder, "fast or libevtx");
		npsdiag_close(s);
		return 2;
	}
	cb.ctx = &c;
	cb.problem = on_problem;
	cb.progress = on_progress;
	cb.file_done = on_file_done;
	cb.decoded = on_decoded;
	if (npsdiag_ingest_with(s, argv + optind, (size_t)(argc - optind), &io, &cb, &tot, &err) != 0) {
		clear_progress(&c);
		cli_print(stderr, "npsdiag: %s\n", err.message);
		npsdiag_close(s);
		return 2;
	}
	npsdiag_close(s);
	if (!c.quiet && io.tz)
		cli_print(stdout, "NPS text log times read in zone %s\n", io.tz);
	if (!c.quiet)
		printf("total: %zu files (%zu failed), %llu records, %llu kept (%llu new), %llu skipped, %llu errors\n",
		       tot.files, tot.files_failed, (unsigned long long)tot.sum.records,
		       (unsigned long long)tot.sum.wanted, (unsigned long long)tot.sum.stored,
		       (unsigned long long)tot.sum.skipped, (unsigned long long)tot.sum.errors);
	return tot.sum.errors || tot.files_failed ? 1 : 0;
}

