/* Fuzz target: the rules file parser, one rules file per input, then the
 * rules it accepted judging a few subjects whose field values are the input
 * itself (patterns against hostile text, within the match limits). The
 * file is written to the target's scratch directory (fuzz_tmp.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_tmp.h"
#include "nd_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The subject's state: the input as a field value. */
typedef struct subject_ctx {
	char *value;
	int near;
} subject_ctx;

/* nd_rule_subject field callback: every field has the input's value.
 * Returns it. */
static const char *any_field(void *ctx, const nd_rule_field *f)
{
	const subject_ctx *s = ctx;

	(void)f;
	return s->value;
}

/* nd_rule_subject near callback: the subject's answer. Returns 1 or 0. */
static int any_near(void *ctx, const nd_rule_event *ev, size_t n, double window, nd_error *err)
{
	const subject_ctx *s = ctx;

	(void)ev;
	(void)n;
	(void)window;
	(void)err;
	return s->near;
}

/* nd_rule_subject match_error callback: a match error is fine here.
 * Returns nothing. */
static void match_error(void *ctx, const nd_rule *rule, const nd_rule_pattern *m, const char *what)
{
	(void)ctx;
	(void)rule;
	(void)m;
	(void)what;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t codes[] = {853, 258, 13801, 6273, 4421};
	const char *dir = fuzz_tmp_dir("fuzz_rules");
	char path[4200];
	subject_ctx sc;
	nd_rule_subject s;
	nd_rules rules;
	const nd_rule *best;
	nd_error err;
	FILE *fp;
	size_t i;

	if (!dir)
		abort();
	snprintf(path, sizeof(path), "%s/input.rules", dir);
	if (!(fp = fopen(path, "wb")) || fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
		abort();
	nd_rules_init(&rules, &err);
	if (nd_rules_load_dir(&rules, dir, &err) == 0) {
		if (!(sc.value = malloc(size + 1)))
			abort();
		memcpy(sc.value, data, size);
		sc.value[size] = '\0';
		for (i = 0; i < 2 * sizeof(codes) / sizeof(codes[0]); i++) {
			memset(&s, 0, sizeof(s));
			s.has_client = s.has_client_error = s.has_nps = s.has_reason = s.has_event = 1;
			s.client_error = s.nps_reason = s.event_id = codes[i % 5];
			s.nps_event = 6273;
			s.event_family = i & 1 ? "nps_service" : "kdc";
			sc.near = (int)(i & 1);
			s.ctx = &sc;
			s.field = any_field;
			s.near = any_near;
			s.match_error = match_error;
			nd_rules_best(&rules, i < 5 ? ND_RULE_INCIDENT : ND_RULE_FINDING, &s, &best, &err);
			if (best)
				nd_rule_mentions(best, codes[i % 5], (int)(i & 1));
		}
		free(sc.value);
	}
	nd_rules_free(&rules);
	return 0;
}
