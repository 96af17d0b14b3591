/* Fuzz target: the pure analysis on a small fuzzed set of events: client
 * failures, NPS decisions, connects and server events (hosts, tricky
 * account names, times, codes, CoIds, field values taken from the input)
 * through nd_correlate, nd_judge (the shipped rules) and nd_group, as
 * nd_diagnose_run runs them, without a database. Each 8 bytes of the input
 * after the first two (window and skew) make one event. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis_fixture.h"
#include "nd_correlate.h"
#include "nd_group.h"
#include "nd_judge.h"
#include "nd_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const hosts[] = {"CLIENT01.lab.example", "CLIENT02", "NPS01.lab.example", "NPS02", NULL};
static const char *const users[] = {"LAB\\alice",
				    "alice@lab.example",
				    "lab.example\\ALICE",
				    "alice",
				    "LAB\\bob",
				    "host/CLIENT01.lab.example",
				    "\t=1+1",
				    " =1+1",
				    "",
				    "LAB\\",
				    "@",
				    "\\\\",
				    "bob@LAB",
				    "CN=alice,DC=lab",
				    "LAB\\alice\r",
				    "\xc3\x84lice"};
static const char *const domains[] = {"LAB", "lab.example", "-", "", "OTHER", "LAB.EXAMPLE", "x", NULL};
static const char *const values[] = {"Microsoft: Smart Card or other certificate",
				     "-",
				     "AOVPN User Tunnel",
				     "Microsoft: Secured password (EAP-MSCHAP v2)",
				     "",
				     "0",
				     "1",
				     "PEAP"};
static const char *const coids[] = {NULL, "{A}", "{B}", "{A}"};
static const uint32_t codes[] = {853, 812, 691, 13801, 809, 0,   0x800B0109u, 258,
				 16,  48,  65,  66,    23,  262, 1,           4294967295u};
static const uint32_t server_ids[] = {4421, 4402, 13, 18, 39, 40, 41, 20276, 20271, 6274};

/* The shipped rules, loaded once (rules/ of the source tree). Returns them,
 * or NULL when they cannot be read. */
static const nd_rules *shipped_rules(void)
{
	static nd_rules rules;
	static int state; /* 0 not tried, 1 loaded, -1 failed */
	nd_error err;

	if (!state) {
		state = nd_rules_init(&rules, &err) == 0 && nd_rules_load_dir(&rules, ND_FUZZ_RULES_DIR, &err) == 0
			    ? 1
			    : -1;
		if (state < 0)
			fprintf(stderr, "fuzz_analysis: %s\n", err.message);
	}
	return state > 0 ? &rules : NULL;
}

/* Adds the event described by 8 bytes p to d. Returns nothing. */
static void add_event(nd_analysis_data *d, const uint8_t *p)
{
	const char *host = hosts[p[1] % 4], *user = users[p[2] % 16];
	double s = (double)(int16_t)(p[4] | p[5] << 8) / 8.0;
	uint32_t code = codes[p[6] % 16];
	int64_t ref;

	switch (p[0] % 6) {
	case 0:
	case 1:
		ref = fx_client(d, host, user, code, s, coids[p[7] % 4]);
		d->clients[d->nclients - 1].has_code = (unsigned char)!(p[7] & 0x80);
		break;
	case 2:
	case 3:
		ref = fx_nps(d, host, 6272 + p[0] % 3, user, domains[p[3] % 8], p[3] & 8 ? user : "-", s,
			     p[6] & 0x80 ? -1 : (int)code);
		fx_field(d, ref, "EAPType", values[p[7] % 8]);
		fx_field(d, ref, "NetworkPolicyName", values[(p[7] >> 3) % 8]);
		break;
	case 4: fx_connect(d, host, user, s); break;
	default:
		ref = fx_event(d, host, server_ids[p[6] % 10], p[3] & 1 ? "nps_service" : "kdc", s,
			       (p[7] & 1 ? ND_EVENT_FINDING : 0) | (p[7] & 2 ? ND_EVENT_NEAR : 0));
		fx_field(d, ref, "Mode", values[(p[7] >> 2) % 8]);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const nd_rules *rules = shipped_rules();
	nd_correlate_params cp;
	nd_analysis_data d;
	nd_correlation c;
	nd_grouping g;
	const nd_rule **cause = NULL, **rule = NULL;
	nd_error err;
	size_t i;

	if (!rules || size < 2 || size > 2 + 8 * 64)
		return 0;
	memset(&cp, 0, sizeof(cp));
	if (nd_correlate_params_rules(&cp, rules, &err) != 0)
		abort();
	cp.window_s = data[0] % 16;
	cp.skew_s = data[1] % 8;
	fx_init(&d, hosts);
	if (nd_analysis_add_rule_names(&d, rules, &err) != 0)
		abort();
	for (i = 2; i + 8 <= size; i += 8)
		add_event(&d, data + i);
	memset(&c, 0, sizeof(c));
	memset(&g, 0, sizeof(g));
	if (fx_done(&d) == 0 && nd_correlate(&d, &cp, &c, &err) == 0) {
		cause = calloc(c.n + 1, sizeof(*cause));
		rule = calloc(d.nevents + 1, sizeof(*rule));
		if (cause && rule && nd_judge_all(rules, &d, &c, cause, rule, &err) == 0 &&
		    nd_group_all(&d, &c, cause, rule, 60.0 * (data[0] >> 4), &g, &err) == 0) {
			/* Every attempt with a cause is in exactly one incident. */
			size_t members = 0;

			for (i = 0; i < g.nincidents; i++)
				members += g.v[i].n;
			for (i = 0; i < c.n; i++)
				members -= cause[i] != NULL;
			if (members != 0)
				abort();
		}
	}
	free(cause);
	free(rule);
	nd_grouping_free(&g);
	nd_correlation_free(&c);
	nd_analysis_data_free(&d);
	nd_correlate_params_free(&cp);
	return 0;
}
