#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_print(FILE *out, const char *fmt, ...)
{
	char small[512], *text = small;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		text = malloc((size_t)n + 1);
		if (!text)
			return;
		va_start(ap, fmt);
		vsnprintf(text, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	npsdiag_write_text(text, out);
	if (text != small)
		free(text);
}

const char *cli_db_path(const char *opt)
{
	static char def[4096];
	const char *env = getenv("NPSDIAG_DB");

	if (opt)
		return opt;
	if (env && *env)
		return env;
	return npsdiag_default_db(ND_CLI_DEFAULT_DB, def, sizeof(def)) == 0 ? def : ND_CLI_DEFAULT_DB;
}

int cli_parse_seconds(const char *s, double max, double *out)
{
	char *end;

	*out = strtod(s, &end);
	return end != s && !*end && *out >= 0 && *out <= max ? 0 : -1;
}

int cli_take_param(const char *cmd, int opt, const char *arg, npsdiag_params *p)
{
	const char *option = opt == 'w' ? "--window" : opt == 's' ? "--skew" : "--gap", *range;
	double *out = opt == 'w' ? &p->window_s : opt == 's' ? &p->skew_s : &p->gap_s;
	char *end;
	int ok;

	*out = strtod(arg, &end);
	ok = npsdiag_param_ok(opt, *out, &range); /* sets range */
	if (end != arg && !*end && ok)
		return 0;
	return cli_bad_value(cmd, option, arg, range);
}

int cli_open(npsdiag_session **out, npsdiag_mode mode, const char *db, char **dirs, size_t ndirs)
{
	npsdiag_options o = {mode, cli_db_path(db), (const char *const *)dirs, ndirs};
	npsdiag_error err;

	if (npsdiag_open(out, &o, &err) == 0)
		return 0;
	cli_print(stderr, "npsdiag: %s\n", err.message);
	return -1;
}

int cli_bad_value(const char *cmd, const char *option, const char *value, const char *expected)
{
	cli_print(stderr, "npsdiag %s: %s '%s': expected %s\n", cmd, option, value, expected);
	return 2;
}

int cli_bad_option(const char *cmd, int opt, char **argv)
{
	const char *arg = argv[optind - 1];

	if (opt == ':')
		cli_print(stderr, "npsdiag %s: %s needs a value (npsdiag %s --help)\n", cmd, arg, cmd);
	else if (optopt && strncmp(arg, "--", 2) != 0)
		cli_print(stderr, "npsdiag %s: unknown option -%c (npsdiag %s --help lists the options)\n", cmd, optopt,
			  cmd);
	else
		cli_print(stderr, "npsdiag %s: unknown option %s (npsdiag %s --help lists the options)\n", cmd, arg,
			  cmd);
	return 2;
}

int cli_bad_args(const char *cmd, const char *what)
{
	cli_print(stderr, "npsdiag %s: %s (npsdiag %s --help)\n", cmd, what, cmd);
	return 2;
}

int cli_rules_dir(const char *cmd, char *dir, char **dirs, size_t *ndirs)
{
	if (*ndirs == ND_CLI_MAX_RULE_DIRS) {
		cli_print(stderr, "npsdiag %s: --rules '%s': at most %d rule directories\n", cmd, dir,
			  ND_CLI_MAX_RULE_DIRS);
		return 2;
	}
	dirs[(*ndirs)++] = dir;
	return 0;
}

int cli_select_option(const char *cmd, int opt, const char *arg, cli_select *sel)
{
	npsdiag_filter *f = &sel->filter;
	int64_t ts;

	switch (opt) {
	case 1000: f->user = arg; return 1;
	case 1004: f->user_regex = arg; return 1;
	case 1005: f->host = arg; return 1;
	case 1003: f->cause = arg; return 1;
	case 1001:
	case 1002:
		/* The syntax now; the value once the zone and the newest event are
		 * known (cli_select_ready). */
		if (cli_parse_when(arg, opt == 1002, 0, 0, &ts) != 0)
			return cli_bad_value(cmd, opt == 1001 ? "--since" : "--until", arg, CLI_EXPECT_TIME);
		*(opt == 1001 ? &f->since : &f->until) = arg;
		return 1;
	case 1006:
	case 1007:
		sel->tz = opt == 1007 ? "local" : arg;
		if (cli_zone_apply(sel->tz, sel->tz_name, sizeof(sel->tz_name)) != 0)
			return cli_bad_zone(cmd, arg);
		return 1;
	default: return 0;
	}
}

/* A --cause looked for among the rules' causes. */
typedef struct cause_check {
	const char *id;
	int found;
	FILE *list; /* where to print every id, or NULL */
} cause_check;

/* Notes whether c is the cause looked for in ctx (a cause_check), and
 * lists it when asked. Returns nothing. */
static void find_cause(void *ctx, const npsdiag_cause *c)
{
	cause_check *k = ctx;

	k->found |= strcmp(k->id, c->id) == 0;
	if (k->list)
		cli_print(k->list, "  %s (%s): %s\n", c->id, c->confidence, c->title);
}

/* Checks --cause against the session's rules, listing their ids when it
 * is not one of them. Returns 0, or 2 after printing why not. */
static int check_cause(const char *cmd, npsdiag_session *s, const char *cause)
{
	cause_check k = {cause, 0, NULL};
	npsdiag_error err;

	if (npsdiag_causes(s, find_cause, &k, &err) < 0) {
		cli_print(stderr, "npsdiag %s: %s\n", cmd, err.message);
		return 2;
	}
	if (k.found)
		return 0;
	cli_print(stderr, "npsdiag %s: --cause '%s': no such cause; expected one of:\n", cmd, cause);
	k.list = stderr;
	npsdiag_causes(s, find_cause, &k, &err);
	return 2;
}

int cli_select_ready(const char *cmd, npsdiag_session *s, const char *db, cli_select *sel)
{
	npsdiag_filter *f = &sel->filter;
	npsdiag_store_info info;
	npsdiag_error err;

	if (npsdiag_store_describe(s, &info, &err) != 0) {
		cli_print(stderr, "npsdiag %s: %s\n", cmd, err.message);
		return 2;
	}
	if (!info.has_events) {
		cli_print(stderr,
			  "npsdiag %s: %s holds no events, so there is nothing to diagnose; ingest logs first: "
			  "npsdiag ingest --db %s PATH...\n",
			  cmd, cli_db_path(db), cli_db_path(db));
		return 2;
	}
	if (f->cause && check_cause(cmd, s, f->cause) != 0)
		return 2;
	if ((f->since && cli_parse_when(f->since, 0, sel->tz != NULL, info.last_ts, &f->since_ts) != 0) ||
	    (f->until && cli_parse_when(f->until, 1, sel->tz != NULL, info.last_ts, &f->until_ts) != 0)) {
		cli_print(stderr, "npsdiag %s: --since/--until: a time out of range\n", cmd);
		return 2;
	}
	return 0;
}
