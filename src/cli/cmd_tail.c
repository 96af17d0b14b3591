/* npsdiag tail: follow growing .evtx logs and Windows event log channels
 * (npsdiag_follow) and print what is news: one line per new or grown incident, text or JSON lines. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* --channel NAME, repeatable. */
#define MAX_CHANNELS 32

/* Set by the signal handlers (npsdiag_catch_signals). */
static volatile sig_atomic_t stop_requested, reload_requested;

/* What the callbacks need. */
typedef struct tail_ui {
	const char *format;
	int verbose;
	npsdiag_write_options wo; /* tz: the zone of text lines (--tz, --local), or NULL for UTC */
} tail_ui;

/* Prints one piece of news. Returns 0, or -1 with err set. */
static int print_news(void *ctx, const npsdiag_news *it, npsdiag_error *err)
{
	tail_ui *u = ctx;

	return npsdiag_write_news_with(it, u->format, &u->wo, stdout, err);
}

/* Prints a change in a followed log on stderr. Returns nothing. */
static void on_notice(void *ctx, const char *path, const char *what, const char *other)
{
	(void)ctx;
	npsdiag_write_notice(path, what, other, stderr);
}

/* Prints an input problem: errors always, warnings (such as a record
 * still being written) with --verbose. Returns nothing. */
static void on_problem(void *ctx, npsdiag_problem_kind kind, const char *msg)
{
	tail_ui *u = ctx;

	if (kind == NPSDIAG_PROBLEM_ERROR || u->verbose)
		cli_print(stderr, "npsdiag: %s: %s\n", kind == NPSDIAG_PROBLEM_ERROR ? "error" : "warning", msg);
}

/* Says whether the rules were reloaded after SIGHUP. Returns nothing. */
static void on_reloaded(void *ctx, const char *error)
{
	(void)ctx;
	if (error)
		cli_print(stderr, "npsdiag: rules not reloaded, the old ones stay: %s\n", error);
	else
		cli_print(stderr, "npsdiag: rules reloaded\n");
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
		{"verbose", no_argument, NULL, 'v'},      {"tz", required_argument, NULL, 't'},
		{"local", no_argument, NULL, 'l'},        {"channel", required_argument, NULL, 'c'},
		{"channel-replay", required_argument, NULL, 'R'}, {NULL, 0, NULL, 0}};
	npsdiag_follow_options fo = {NPSDIAG_PARAMS_DEFAULT, 0, 0, &stop_requested, &reload_requested, NULL, 0, NULL};
	npsdiag_follow_callbacks cb = {0};
	npsdiag_follow_stats st;
	tail_ui u = {"text", 0, {0}};
	char *dirs[ND_CLI_MAX_RULE_DIRS], *channels[MAX_CHANNELS];
	char zone[128];
	const char *db = NULL, *tz = NULL;
	double interval = 2.0;
	size_t ndirs = 0;
	int opt, rc = 2;
	npsdiag_session *s = NULL;
	npsdiag_error err;

	while ((opt = getopt_long(argc, argv, ":v", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': db = optarg; break;
		case 'r':
			if (cli_rules_dir("tail", optarg, dirs, &ndirs) != 0)
				return 2;
			break;
		case 'i':
			if (cli_parse_seconds(optarg, 86400, &interval) != 0 || interval < 0.01)
				return cli_bad_value("tail", "--interval", optarg, "seconds from 0.01 to 86400");
			break;
		case 'w':
		case 's':
		case 'g':
			if (cli_take_param("tail", opt, optarg, &fo.params) != 0)
				return 2;
			break;
		case 'f':
			if (strcmp(optarg, "jsonl") != 0 && strcmp(optarg, "text") != 0)
				return cli_bad_value("tail", "--format", optarg, "text or jsonl");
			u.format = optarg;
			break;
		case 't': tz = optarg; break;
		case 'l': tz = "local"; break;
		case 'o': fo.once = 1; break;
		case 'v': u.verbose = 1; break;
		case 'c':
			if (fo.nchannels == MAX_CHANNELS)
				return cli_bad_value("tail", "--channel", optarg, "at most 32 channels");
			channels[fo.nchannels++] = optarg;
			break;
		case 'R': fo.channel_replay = optarg; break;
		default: return cli_bad_option("tail", opt, argv);
		}
	}
	if (optind >= argc && !fo.nchannels)
		return cli_bad_args("tail", "expected one or more .evtx logs or directories, or --channel NAME, to follow");
	if (fo.channel_replay && !fo.nchannels)
		return cli_bad_args("tail", "--channel-replay replays the channels named with --channel");
	fo.channels = channels;
	if (tz) {
		if (cli_zone_apply(tz, zone, sizeof(zone)) != 0)
			return cli_bad_zone("tail", tz);
		u.wo.tz = zone;
		if (strcmp(u.format, "text") == 0)
			cli_print(stderr, "npsdiag: tail: times in %s\n", zone);
	}
	fo.interval_ms = (unsigned)(interval * 1000 + 0.5);
	cb.ctx = &u;
	cb.news = print_news;
	cb.notice = on_notice;
	cb.reloaded = on_reloaded;
	cb.ingest.ctx = &u;
	cb.ingest.problem = on_problem;
	if (npsdiag_catch_signals(&stop_requested, &reload_requested, &err) != 0) {
		cli_print(stderr, "npsdiag: %s\n", err.message);
		return 2;
	}
	if (cli_open(&s, NPSDIAG_WRITE, db, dirs, ndirs) != 0)
		return 2;
	if (npsdiag_follow(s, argv + optind, (size_t)(argc - optind), &fo, &cb, &st, &err) != 0)
		cli_print(stderr, "npsdiag: %s\n", err.message);
	else
		rc = 0;
	if (st.started)
		cli_print(stderr, "npsdiag: tail %s: %llu round(s), %llu event(s) stored, %ld incident line(s)\n",
			  fo.once ? "done" : "stopped", (unsigned long long)st.rounds, (unsigned long long)st.events,
			  st.news);
	npsdiag_close(s);
	return rc;
}
