/* npsdiag ingest: read .evtx files and directories into the database. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "nd_codes.h"
#include "nd_ingest.h"
#include "nd_rules_path.h"
#include "nd_store.h"

/* State of the terminal output of an ingest run. */
typedef struct ingest_ui {
	int progress; /* draw a progress line on stderr */
	int quiet;
	int verbose;
	int line_drawn;
	struct timespec last;
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
static void on_problem(void *ctx, nd_problem_kind kind, const char *msg)
{
	ingest_ui *c = ctx;

	clear_progress(c);
	fprintf(stderr, "npsdiag: %s: %s\n", kind == ND_PROBLEM_ERROR ? "error" : "warning", msg);
}

/* report: redraws the progress line at most ten times a second. */
static void on_progress(void *ctx, const char *path, size_t index, size_t count, uint64_t done, uint64_t total)
{
	ingest_ui *c = ctx;
	struct timespec now;
	const char *base = strrchr(path, '/');

	if (!c->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((now.tv_sec - c->last.tv_sec) * 1000000000L + (now.tv_nsec - c->last.tv_nsec) < 100000000L)
		return;
	c->last = now;
	fprintf(stderr, "\r\033[K[%zu/%zu] %.60s %3u%%", index + 1, count, base ? base + 1 : path,
		total ? (unsigned)(done * 100 / total) : 100u);
	c->line_drawn = 1;
}

/* report: prints the summary line of a file. */
static void on_file_done(void *ctx, const char *path, const nd_source_stats *st, int failed)
{
	ingest_ui *c = ctx;

	clear_progress(c);
	if (c->quiet)
		return;
	if (failed) {
		printf("%s: not ingested\n", path);
		return;
	}
	printf("%s: %llu records, %llu kept (%llu new, %llu already stored), %llu skipped, %llu errors", path,
	       (unsigned long long)st->records, (unsigned long long)st->wanted, (unsigned long long)st->stored,
	       (unsigned long long)st->duplicates, (unsigned long long)st->skipped,
	       (unsigned long long)st->errors);
	if (st->unchanged)
		printf(", %llu chunks unchanged", (unsigned long long)st->unchanged);
	if (st->warnings)
		printf(", %llu warnings", (unsigned long long)st->warnings);
	putchar('\n');
}

/* report: with --verbose, says how the file's records were decoded. */
static void on_decoded(void *ctx, const char *path, uint64_t fast, uint64_t fallback)
{
	ingest_ui *c = ctx;

	if (!c->verbose)
		return;
	clear_progress(c);
	printf("%s: decoder: %llu records decoded fast, %llu by libevtx\n", path,
	       (unsigned long long)fast, (unsigned long long)fallback);
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
					     {NULL, 0, NULL, 0}};
	const char *db = NULL, *rules = NULL;
	char codes[4096];
	nd_ingest_report rep = {0};
	nd_ingest_totals tot;
	nd_store *s = NULL;
	nd_error err;
	ingest_ui c = {0};
	int opt;

	while ((opt = getopt_long(argc, argv, "qv", opts, NULL)) != -1) {
		if (opt == 'D' && strcmp(optarg, "fast") == 0)
			rep.decoder = ND_EVTX_DECODER_FAST;
		else if (opt == 'D' && strcmp(optarg, "libevtx") == 0)
			rep.decoder = ND_EVTX_DECODER_LIBEVTX;
		else if (opt == 'v')
			c.verbose = 1;
		else if (opt == 'd')
			db = optarg;
		else if (opt == 'r')
			rules = optarg;
		else if (opt == 'q')
			c.quiet = 1;
		else
			return cli_usage();
	}
	if (optind >= argc)
		return cli_usage();
	c.progress = !c.quiet && isatty(STDERR_FILENO);
	if (nd_store_open(&s, cli_db_path(db), &err) != 0) {
		fprintf(stderr, "npsdiag: %s\n", err.message);
		return 2;
	}
	snprintf(codes, sizeof(codes), "%s/codes", nd_rules_dir(rules));
	if (nd_store_begin(s, &err) != 0 || nd_codes_load(s, codes, &err) != 0 || nd_store_commit(s, &err) != 0) {
		fprintf(stderr, "npsdiag: %s\n", err.message);
		nd_store_close(s);
		return 2;
	}
	rep.ctx = &c;
	rep.problem = on_problem;
	rep.progress = on_progress;
	rep.file_done = on_file_done;
	rep.decoded = on_decoded;
	if (nd_ingest_paths(s, argv + optind, (size_t)(argc - optind), &rep, &tot, &err) != 0) {
		clear_progress(&c);
		fprintf(stderr, "npsdiag: %s\n", err.message);
		nd_store_close(s);
		return 2;
	}
	nd_store_close(s);
	if (!c.quiet)
		printf("total: %zu files (%zu failed), %llu records, %llu kept (%llu new), %llu skipped, %llu errors\n",
		       tot.files, tot.files_failed, (unsigned long long)tot.sum.records,
		       (unsigned long long)tot.sum.wanted, (unsigned long long)tot.sum.stored,
		       (unsigned long long)tot.sum.skipped, (unsigned long long)tot.sum.errors);
	return tot.sum.errors || tot.files_failed ? 1 : 0;
}

