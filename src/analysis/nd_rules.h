/* nd_rules: root-cause rules, read from *.rules files (format in
 * docs/rules.md).
 *
 * A rule names a cause (a stable id), says what it matches (client error
 * codes, the NPS decision and reason code, whether either is there at all,
 * other events near the attempt, fields by PCRE2 pattern) and what it
 * concludes (title, explanation, confidence, facts to show, remediation
 * steps with their commands, sources). Incident rules judge one connection
 * attempt; finding rules judge one server event. Patterns are compiled once
 * when the rules are loaded.
 */
#ifndef ND_RULES_H
#define ND_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "nd_error.h"

typedef enum nd_rule_kind { ND_RULE_INCIDENT, ND_RULE_FINDING } nd_rule_kind;

typedef enum nd_presence { ND_ANY, ND_PRESENT, ND_ABSENT } nd_presence;

/* Which event a field reference reads. */
typedef enum nd_rule_side { ND_SIDE_CLIENT, ND_SIDE_NPS, ND_SIDE_EVENT } nd_rule_side;

typedef struct nd_rule_field {
	nd_rule_side side;
	char *name; /* event_fields name, or "computer" / "provider" */
} nd_rule_field;

typedef struct nd_rule_pattern {
	nd_rule_field field;
	int negate; /* "!~": the field must be present and not match */
	char *pattern;
	void *code; /* pcre2_code */
} nd_rule_pattern;

typedef struct nd_rule_event {
	char *family; /* NULL: any family */
	uint32_t id;
} nd_rule_event;

typedef struct nd_codes_list {
	uint32_t *v;
	size_t n;
} nd_codes_list;

typedef struct nd_rule_step {
	char *text;
	char **commands;
	size_t ncommands;
} nd_rule_step;

typedef struct nd_rule {
	char *id;
	char *file;
	unsigned long line;
	unsigned layer; /* which load it came from */
	nd_rule_kind kind;
	int disabled;
	char *title;
	char *confidence; /* confirmed, likely, possible */
	char *explanation;
	nd_presence client, nps;
	nd_presence exposure; /* finding: PRESENT "exposed", ABSENT "none" (nd_exposure), ANY when not given */
	nd_codes_list client_errors, nps_events, nps_reasons;
	nd_rule_event *events; /* finding: the event judged; incident: "near" */
	size_t nevents;
	double near_s;
	nd_rule_pattern *patterns;
	size_t npatterns;
	nd_rule_field *facts;
	size_t nfacts;
	nd_rule_step *steps;
	size_t nsteps;
	char **sources;
	size_t nsources;
	int priority;
} nd_rule;

typedef struct nd_rules {
	nd_rule **v;
	size_t n;
	nd_rule **ranked; /* the enabled rules of v, the best first (nd_rules_rank): judging takes the first that matches */
	size_t nranked;
	char **files; /* every file read, in order */
	size_t nfiles;
	unsigned layers; /* directories loaded */
} nd_rules;

/* The bounds of one pattern match (docs/rules.md "Limits"): a pattern that
 * backtracks catastrophically stops after ND_RULES_MATCH_LIMIT steps of the
 * matcher, ND_RULES_DEPTH_LIMIT nested backtracking points or
 * ND_RULES_HEAP_LIMIT_KIB of backtracking memory, within milliseconds; the
 * JIT stack grows to ND_RULES_JIT_STACK_MAX bytes, enough for a correct
 * pattern over a field of tens of kilobytes. */
#define ND_RULES_MATCH_LIMIT 200000
#define ND_RULES_DEPTH_LIMIT 100000
#define ND_RULES_HEAP_LIMIT_KIB 65536
#define ND_RULES_JIT_STACK_MAX (8 * 1024 * 1024)

/* What a rule is judged against. The callbacks read the store. */
typedef struct nd_rule_subject {
	int has_client;
	int has_client_error; /* the 20227 carried a readable code */
	uint32_t client_error;
	int has_nps;
	uint32_t nps_event;
	int has_reason;
	uint32_t nps_reason;
	int has_event; /* a finding's event */
	const char *event_family;
	uint32_t event_id;
	void *ctx;
	/* Returns the value of a field, or NULL when the event or field is
	 * absent. The string stays valid until the next call. */
	const char *(*field)(void *ctx, const nd_rule_field *f);
	/* Returns 1 when an event of the list exists within window seconds of
	 * the attempt, 0 when none, -1 with err set. */
	int (*near)(void *ctx, const nd_rule_event *ev, size_t n, double window, nd_error *err);
	/* Returns 1 when the host of a finding's event served a workload that
	 * Blast-RADIUS can reach (nd_exposure), else 0. NULL: none. */
	int (*exposed)(void *ctx);
	/* Called when pattern m of rule could not be matched against its field
	 * (a limit above was reached, or another PCRE2 error): what says which
	 * and the value's length. The rule then does not match this subject and
	 * judging goes on with the other rules. When NULL, such an error fails
	 * the judgement instead: nd_rules_best returns -1 with err naming the
	 * rule, its file:line, the field and what happened. Never silent. */
	void (*match_error)(void *ctx, const nd_rule *rule, const nd_rule_pattern *m, const char *what);
} nd_rule_subject;

/* Initialises an empty rule set. Once loaded, a rule set is read-only:
 * judging keeps its match state per call, so one set may judge from several
 * threads. Returns 0, or -1 with err set. */
int nd_rules_init(nd_rules *r, nd_error *err);

/* Reads every *.rules file of dir in name order. A rule whose id is
 * already loaded from an earlier directory replaces it; the same id twice
 * within dir is an error. Returns 0, or -1 with err set ("file:line:
 * what"). */
int nd_rules_load_dir(nd_rules *r, const char *dir, nd_error *err);

/* Frees the rules. Returns nothing. */
void nd_rules_free(nd_rules *r);

/* Finds the enabled rule of kind that fits the subject best: the one with
 * the most conditions met (plus its priority), then the more confident,
 * then the smaller id: the first of r->ranked that matches. A pattern of a
 * rule ranked before it that cannot be matched is reported (see
 * match_error). Returns 1 with *best set, 0 when no rule matches, -1 with
 * err set. */
int nd_rules_best(const nd_rules *r, nd_rule_kind kind, const nd_rule_subject *s, const nd_rule **best,
		  nd_error *err);

/* Ranks the enabled rules of r into r->ranked in nd_rules_best's order of
 * preference (kind, then most conditions met plus priority, the more
 * confident, the smaller id), so that a judgement stops at the first rule
 * that matches; nd_rules_load_dir calls it. Returns 0, or -1 with err set. */
int nd_rules_rank(nd_rules *r, nd_error *err);

/* Returns 1 if the enabled rule names the code among its client errors
 * (reason = 0) or NPS reason codes (reason = 1), else 0. */
int nd_rule_mentions(const nd_rule *rule, uint32_t code, int reason);

#endif
