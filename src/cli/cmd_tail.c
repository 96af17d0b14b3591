/* npsdiag tail: follow growing .evtx logs (nd_tail), re-diagnose after
 * each round that stored events (nd_diagnose) and print what is news
 * (nd_news): one line per new or grown incident, text or JSON lines. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nd_buf.h"
#include "nd_codes.h"
#include "nd_diagnose.h"
#include "nd_escape.h"
#include "nd_news.h"
#include "nd_print_news.h"
#include "nd_rules_path.h"
#include "nd_store.h"
#include "nd_tail.h"

static volatile sig_atomic_t stop_requested, reload_requested;

/* Signal handlers only set flags. Return nothing. */
static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}
static void on_reload(int sig)
{
	(void)sig;
	reload_requested = 1;
}

typedef struct tail_run {
	nd_store *s;
	nd_rules rules;
	char **dirs;
	size_t ndirs;
	nd_diagnose_params params;
	nd_news *news;
	int jsonl, verbose;
	nd_buf line;
	nd_out out;
	uint64_t rounds, events;
	long announced;
} tail_run;

/* Prints one piece of news (nd_news_fn) and flushes it. Returns 0, or -1
 * with err set (a write error). */
static int print_news(void *ctx, const nd_res_incident *inc, int64_t previous_count, nd_error *err)
{
	tail_run *r = ctx;

	nd_print_news(&r->out, r->jsonl, inc, previous_count);
	if (nd_out_flush(&r->out) != 0)
		return nd_out_finish(&r->out, err);
	r->announced++;
	return 0;
}

/* Prints a change in a followed log on stderr (nd_tail hook), paths
 * escaped. Returns nothing. */
static void on_notice(void *ctx, const char *path, const char *what, const char *other)
{
	tail_run *r = ctx;
	size_t n;

	nd_buf_reset(&r->line);
	if (nd_escape_text(&r->line, path) != 0 || nd_buf_printf(&r->line, ": %s", what) != 0)
		return;
	n = r->line.len;
	if (other && (nd_buf_printf(&r->line, " ") != 0 || nd_escape_text(&r->line, other) != 0))
		r->line.len = n;
	fprintf(stderr, "npsdiag: %.*s\n", (int)r->line.len, r->line.data);
}

/* Prints an input problem (nd_ingest hook): errors always, warnings (such
 * as a record still being written) with --verbose. Returns nothing. */
static void on_problem(void *ctx, nd_problem_kind kind, const char *msg)
{
	tail_run *r = ctx;

	if (kind == ND_PROBLEM_ERROR || r->verbose)
		fprintf(stderr, "npsdiag: %s: %s\n", kind == ND_PROBLEM_ERROR ? "error" : "warning", msg);
}

/* Reloads the rules after SIGHUP; on an error the old rules stay. Returns
 * 1 when they were reloaded, else 0. */
static int reload_rules(tail_run *r)
{
	nd_rules fresh;
	nd_error err;

	reload_requested = 0;
	if (cli_load_rules(&fresh, r->dirs, r->ndirs, &err) != 0) {
		fprintf(stderr, "npsdiag: rules not reloaded, the old ones stay: %s\n", err.message);
		nd_rules_free(&fresh);
		return 0;
	}
	nd_rules_free(&r->rules);
	r->rules = fresh;
	fprintf(stderr, "npsdiag: rules reloaded\n");
	return 1;
}

/* After each round (nd_tail hook): re-diagnose when events arrived or the
 * rules changed, and print the news. Returns 0, or -1 with err set. */
static int on_round(void *ctx, uint64_t new_events, nd_error *err)
{
	tail_run *r = ctx;
	nd_diagnose_stats st;
	int reloaded = reload_requested ? reload_rules(r) : 0;

	r->rounds++;
	r->events += new_events;
	if (!new_events && !reloaded)
		return 0;
	if (nd_diagnose_run(r->s, &r->rules, &r->params, &st, err) != 0)
		return -1;
	return nd_news_scan(r->news, nd_store_db(r->s), print_news, r, err) < 0 ? -1 : 0;
}

/* Installs the signal handlers. Returns nothing. */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_reload;
	sigaction(SIGHUP, &sa, NULL);
}

/* Opens the database, loads the code tables, diagnoses what is stored and
 * remembers it as already known. Returns 0, or -1 with err set. */
static int start(tail_run *r, const char *db, nd_error *err)
{
	char codes[4096];
	nd_diagnose_stats st;

	snprintf(codes, sizeof(codes), "%s/codes", nd_rules_dir(NULL));
	if (nd_store_open(&r->s, db, err) != 0 || nd_store_begin(r->s, err) != 0 ||
	    nd_codes_load(r->s, codes, err) != 0 || nd_store_commit(r->s, err) != 0 ||
	    nd_diagnose_run(r->s, &r->rules, &r->params, &st, err) != 0)
		return -1;
	return nd_news_scan(r->news, nd_store_db(r->s), NULL, NULL, err) < 0 ? -1 : 0;
}

/* npsdiag tail. Returns 0 when stopped by a signal (or after --once), 2 on
 * usage, rule or database errors. */
int cmd_tail(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},     {"rules", required_argument, NULL, 'r'},
		{"interval", required_argument, NULL, 'i'}, {"window", required_argument, NULL, 'w'},
		{"skew", required_argument, NULL, 's'},   {"gap", required_argument, NULL, 'g'},
		{"format", required_argument, NULL, 'f'}, {"once", no_argument, NULL, 'o'},
		{"verbose", no_argument, NULL, 'v'},      {NULL, 0, NULL, 0}};
	tail_run r;
	char *dirs[ND_CLI_MAX_RULE_DIRS];
	const char *db = NULL;
	double interval = 2.0;
	int opt, once = 0, rc = 2;
	nd_ingest_report rep = {0};
	nd_tail_hooks hooks = {0};
	nd_tail *t = NULL;
	nd_error err;

	memset(&r, 0, sizeof(r));
	r.params = (nd_diagnose_params)ND_DIAGNOSE_DEFAULTS;
	r.dirs = dirs;
	nd_out_init(&r.out, stdout, "standard output");
	while ((opt = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': db = optarg; break;
		case 'r':
			if (r.ndirs == ND_CLI_MAX_RULE_DIRS)
				return cli_usage();
			dirs[r.ndirs++] = optarg;
			break;
		case 'i':
			if (cli_parse_seconds(optarg, 86400, &interval) != 0 || interval < 0.01)
				return cli_usage();
			break;
		case 'w':
			if (cli_parse_seconds(optarg, 3600, &r.params.window_s) != 0 || r.params.window_s == 0)
				return cli_usage();
			break;
		case 's':
			if (cli_parse_seconds(optarg, 86400, &r.params.skew_s) != 0)
				return cli_usage();
			break;
		case 'g':
			if (cli_parse_seconds(optarg, 30 * 86400, &r.params.gap_s) != 0)
				return cli_usage();
			break;
		case 'f':
			if (strcmp(optarg, "jsonl") == 0)
				r.jsonl = 1;
			else if (strcmp(optarg, "text") != 0)
				return cli_usage();
			break;
		case 'o': once = 1; break;
		case 'v': r.verbose = 1; break;
		default: return cli_usage();
		}
	}
	if (optind >= argc)
		return cli_usage();
	if (cli_load_rules(&r.rules, dirs, r.ndirs, &err) != 0) {
		fprintf(stderr, "npsdiag: %s\n", err.message);
		nd_rules_free(&r.rules);
		return 2;
	}
	rep.ctx = &r;
	rep.problem = on_problem;
	hooks.ctx = &r;
	hooks.notice = on_notice;
	hooks.round_done = on_round;
	catch_signals();
	if (!(r.news = nd_news_new()) || !(t = nd_tail_new(argv + optind, (size_t)(argc - optind), &rep, &hooks))) {
		fprintf(stderr, "npsdiag: out of memory\n");
	} else if (start(&r, cli_db_path(db), &err) != 0) {
		fprintf(stderr, "npsdiag: %s\n", err.message);
	} else {
		uint64_t n;

		if (once ? nd_tail_round(t, r.s, &n, &err) != 0 || on_round(&r, n, &err) != 0
			 : nd_tail_run(t, r.s, (unsigned)(interval * 1000 + 0.5), &stop_requested, &err) != 0)
			fprintf(stderr, "npsdiag: %s\n", err.message);
		else
			rc = 0;
		fprintf(stderr, "npsdiag: tail %s: %llu round(s), %llu event(s) stored, %ld incident line(s)\n",
			once ? "done" : "stopped", (unsigned long long)r.rounds, (unsigned long long)r.events,
			r.announced);
	}
	nd_tail_free(t);
	nd_news_free(r.news);
	nd_store_close(r.s);
	nd_rules_free(&r.rules);
	nd_buf_free(&r.line);
	nd_out_finish(&r.out, &err);
	return rc;
}
