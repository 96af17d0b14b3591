/* npsdiag explain: look up a code as people paste it (a RAS error, an
 * HRESULT wrapping a Win32 error, an NTSTATUS or SSPI status, an NPS
 * reason), or describe an event and what npsdiag reads from it. */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define EXPECT_CODE "a code: 853, -2146762487, 0x800B0109 or 80092013"

/* Prints one cause whose rule names the code (npsdiag_explain_causes),
 * aligned under the code table's lines. Returns nothing. */
static void print_cause(void *ctx, const npsdiag_cause *c)
{
	int *n = ctx;

	cli_print(stdout, "%s%s (%s): %s\n", (*n)++ ? "                   " : "causes             ", c->id,
		  c->confidence, c->title);
}

/* Returns 1 when s is 1 to 8 hex digits, else 0. */
static int bare_hex(const char *s)
{
	size_t n = strspn(s, "0123456789abcdefABCDEF");

	return n > 0 && n <= 8 && !s[n];
}

/* Reads a code as pasted: decimal, negative decimal, 0x-hex, or bare hex
 * (80092013, 800B0109: eight digits that are no RAS code as decimal but an
 * HRESULT or NTSTATUS as hex). Returns 0 with *code set (*hex 1 when read
 * as bare hex), or -1. */
static int read_code(const char *s, uint32_t *code, int *hex)
{
	*hex = 0;
	if (npsdiag_parse_code(s, code) == 0 &&
	    !(strlen(s) == 8 && strspn(s, "0123456789") == 8 && *code > 0xFFFF && (s[0] == '8' || s[0] == 'C')))
		return 0;
	if (!bare_hex(s))
		return -1;
	*code = (uint32_t)strtoul(s, NULL, 16);
	*hex = 1;
	return 0;
}

/* Prints the row of code in the table of kind, after the line "TEXT is not
 * a RAS error code; ..." when text is not NULL, then the causes whose
 * rules name it. Returns 1 when found, 0 when not, -1 after printing an
 * error. */
static int lookup(npsdiag_session *s, npsdiag_code_kind kind, uint32_t code, const char *text)
{
	npsdiag_error err;
	int rc = npsdiag_explain_code(s, kind, code, NULL, &err), n = 0;

	if (rc > 0 && text)
		cli_print(stdout, "%s is not a RAS error code; it is an NPS reason code (6273 ReasonCode):\n", text);
	if (rc > 0)
		rc = npsdiag_explain_code(s, kind, code, stdout, &err);
	if (rc > 0 && kind != NPSDIAG_CODE_STATUS && npsdiag_explain_causes(s, kind, code, print_cause, &n, &err) < 0)
		rc = -1;
	if (rc < 0)
		cli_print(stderr, "npsdiag explain: %s\n", err.message);
	return rc;
}

/* Explains a code of unknown kind: a RAS error, an HRESULT wrapping a
 * Win32 error, an NPS reason, else a status. Returns lookup's result. */
static int explain_any(npsdiag_session *s, const char *text, uint32_t code)
{
	int rc;

	if ((rc = lookup(s, NPSDIAG_CODE_RAS, code, NULL)) != 0)
		return rc;
	if ((code & 0xFFFF0000u) == 0x80070000u) {
		printf("0x%08X is HRESULT_FROM_WIN32(%u): Windows error %u\n", (unsigned)code,
		       (unsigned)(code & 0xFFFF), (unsigned)(code & 0xFFFF));
		if ((rc = lookup(s, NPSDIAG_CODE_RAS, code & 0xFFFF, NULL)) != 0 ||
		    (rc = lookup(s, NPSDIAG_CODE_STATUS, code & 0xFFFF, NULL)) != 0)
			return rc;
		printf("(Windows error %u is in no code table)\n", (unsigned)(code & 0xFFFF));
		return 1;
	}
	if (code <= 0xFFFF && (rc = lookup(s, NPSDIAG_CODE_NPS_REASON, code, text)) != 0)
		return rc;
	return lookup(s, NPSDIAG_CODE_STATUS, code, NULL);
}

/* Returns 1 when arg is a negative number (a code, not an option). */
static int negative(const char *arg)
{
	return arg[0] == '-' && isdigit((unsigned char)arg[1]);
}

/* Copies argv (argc entries) into args (argc + 1 entries) with its
 * negative numbers moved behind a "--" (the user's own "--", if any, is
 * that one), so that getopt takes them as arguments. Returns the new
 * count. */
static int codes_last(int argc, char **argv, char **args)
{
	static char dashes[] = "--";
	int i, end, n = 0;

	for (end = 0; end < argc && strcmp(argv[end], "--") != 0; end++)
		;
	for (i = 0; i < end; i++)
		if (!negative(argv[i]))
			args[n++] = argv[i];
	args[n++] = dashes;
	for (i = 0; i < end; i++)
		if (negative(argv[i]))
			args[n++] = argv[i];
	for (i = end + 1; i < argc; i++)
		args[n++] = argv[i];
	return n;
}

/* npsdiag explain. Returns 0 when found, 1 when unknown, 2 on usage or
 * file errors. */
int cmd_explain(int argc, char **argv)
{
	static const struct option opts[] = {{"rules", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
	char *dirs[ND_CLI_MAX_RULE_DIRS], **args;
	const char *what = "code";
	size_t ndirs = 0;
	npsdiag_session *s = NULL;
	uint32_t code;
	int opt, rc, hex = 0, nargs;
	enum { ANY, REASON, EVENT } mode = ANY;

	if (!(args = calloc((size_t)argc + 2, sizeof(*args))))
		return 2;
	nargs = codes_last(argc, argv, args);
	rc = 0;
	while (rc == 0 && (opt = getopt_long(nargs, args, ":", opts, NULL)) != -1) {
		if (opt == 'r')
			rc = cli_rules_dir("explain", optarg, dirs, &ndirs);
		else
			rc = cli_bad_option("explain", opt, args);
	}
	if (rc == 0 && optind < nargs && strcmp(args[optind], "reason") == 0) {
		mode = REASON;
		what = "NPS reason code";
		optind++;
	} else if (rc == 0 && optind < nargs && strcmp(args[optind], "event") == 0) {
		mode = EVENT;
		optind++;
	}
	if (rc == 0 && optind + 1 != nargs)
		rc = cli_bad_args("explain", mode == EVENT ? "expected one event id: explain event 6273"
							   : "expected one code: explain 853, explain reason 16");
	else if (rc == 0 && mode == EVENT && (npsdiag_parse_code(args[optind], &code) != 0 || code > 0xFFFF))
		rc = cli_bad_value("explain", "event", args[optind], "an event id from 0 to 65535, e.g. 6273");
	else if (rc == 0 && mode != EVENT && read_code(args[optind], &code, &hex) != 0)
		rc = cli_bad_value("explain", what, args[optind], EXPECT_CODE);
	if (rc != 0) {
		free(args);
		return rc;
	}
	if (mode == EVENT) {
		rc = npsdiag_explain_event(NULL, code, stdout);
		if (!rc)
			cli_print(stdout, "npsdiag keeps no event with id %s (npsdiag ingest skips it)\n",
				  args[optind]);
		free(args);
		return rc ? 0 : 1;
	}
	if (cli_open(&s, NPSDIAG_NO_DATABASE, NULL, dirs, ndirs) != 0) {
		free(args);
		return 2;
	}
	if (hex)
		cli_print(stdout, "%s read as hex: 0x%08X\n", args[optind], (unsigned)code);
	else if (args[optind][0] == '-')
		cli_print(stdout, "%s is 0x%08X (a 32-bit code written as a signed number)\n", args[optind],
			  (unsigned)code);
	rc = mode == REASON ? lookup(s, NPSDIAG_CODE_NPS_REASON, code, NULL) : explain_any(s, args[optind], code);
	if (rc == 0)
		cli_print(stdout, "unknown %s %s\n", what, args[optind]);
	npsdiag_close(s);
	free(args);
	return rc < 0 ? 2 : rc == 0 ? 1 : 0;
}
