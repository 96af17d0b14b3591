#define PCRE2_CODE_UNIT_WIDTH 8
#include "nd_rules.h"

#include <dirent.h>
#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_family.h"
#include "nd_line.h"

/* The state of reading one rule file. */
typedef struct parser {
	nd_rules *rules;
	const char *path;
	unsigned long line;
	unsigned layer;
	nd_rule *cur;  /* the rule being read, or NULL before the first header */
	char **cont;   /* the text value a continuation line extends, or NULL */
	nd_error *err;
} parser;

/* Sets err to "path:line: <message>". Returns -1. */
static int syntax(parser *p, const char *what, const char *detail)
{
	return nd_error_set(p->err, "%s:%lu: %s%s%s", p->path, p->line, what, detail ? ": " : "",
			    detail ? detail : "");
}

/* Returns s with leading and trailing white space cut (in place). */
static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		e--;
	*e = '\0';
	return s;
}

/* Grows the array *v of *n elements of size sz by one zeroed element.
 * Returns the new element, or NULL when out of memory. */
static void *grow(void *v, size_t *n, size_t sz)
{
	char *nv = realloc(*(void **)v, (*n + 1) * sz);

	if (!nv)
		return NULL;
	memset(nv + *n * sz, 0, sz);
	*(void **)v = nv;
	return nv + (*n)++ * sz;
}

/* Frees the contents of a field reference. Returns nothing. */
static void free_field(nd_rule_field *f)
{
	free(f->name);
}

/* Frees a rule. Returns nothing. */
static void free_rule(nd_rule *r)
{
	size_t i, j;

	if (!r)
		return;
	free(r->id);
	free(r->file);
	free(r->title);
	free(r->confidence);
	free(r->explanation);
	free(r->client_errors.v);
	free(r->nps_events.v);
	free(r->nps_reasons.v);
	for (i = 0; i < r->nevents; i++)
		free(r->events[i].family);
	free(r->events);
	for (i = 0; i < r->npatterns; i++) {
		free_field(&r->patterns[i].field);
		free(r->patterns[i].pattern);
		pcre2_code_free(r->patterns[i].code);
	}
	free(r->patterns);
	for (i = 0; i < r->nfacts; i++)
		free_field(&r->facts[i]);
	free(r->facts);
	for (i = 0; i < r->nsteps; i++) {
		free(r->steps[i].text);
		for (j = 0; j < r->steps[i].ncommands; j++)
			free(r->steps[i].commands[j]);
		free(r->steps[i].commands);
	}
	free(r->steps);
	for (i = 0; i < r->nsources; i++)
		free(r->sources[i]);
	free(r->sources);
	free(r);
}

/* Sets *slot to a copy of value, which must not be empty; a second
 * assignment is an error unless append is set (then appends on a new
 * line). Returns 0, or -1 with err set. */
static int set_text(parser *p, char **slot, const char *key, const char *value)
{
	if (!*value)
		return syntax(p, "empty value for", key);
	if (*slot)
		return syntax(p, "repeated key", key);
	if (!(*slot = strdup(value)))
		return nd_error_set(p->err, "out of memory");
	p->cont = slot;
	return 0;
}

/* Appends " value" to the text a continuation line extends. Returns 0, or
 * -1 with err set. */
static int continue_text(parser *p, const char *value)
{
	size_t a = strlen(*p->cont), b = strlen(value);
	char *s = realloc(*p->cont, a + b + 2);

	if (!s)
		return nd_error_set(p->err, "out of memory");
	s[a] = ' ';
	memcpy(s + a + 1, value, b + 1);
	*p->cont = s;
	return 0;
}

/* Parses a list of codes ("853 812", "0x800B0109, 13801") into l.
 * Returns 0, or -1 with err set. */
static int parse_codes(parser *p, nd_codes_list *l, const char *key, char *value)
{
	char *tok, *save = NULL;

	if (l->n)
		return syntax(p, "repeated key", key);
	for (tok = strtok_r(value, " ,\t", &save); tok; tok = strtok_r(NULL, " ,\t", &save)) {
		uint32_t *slot;

		if (!(slot = grow(&l->v, &l->n, sizeof(*slot))))
			return nd_error_set(p->err, "out of memory");
		if (nd_parse_code(tok, slot) != 0)
			return syntax(p, "not a code", tok);
	}
	if (!l->n)
		return syntax(p, "no codes for", key);
	return 0;
}

/* Parses a list of events "[family:]id ..." into the rule's events.
 * Returns 0, or -1 with err set. */
static int parse_events(parser *p, const char *key, char *value)
{
	nd_rule *r = p->cur;
	char *tok, *save = NULL;

	if (r->nevents)
		return syntax(p, "repeated key", key);
	for (tok = strtok_r(value, " ,\t", &save); tok; tok = strtok_r(NULL, " ,\t", &save)) {
		char *colon = strchr(tok, ':');
		nd_rule_event *ev = grow(&r->events, &r->nevents, sizeof(*ev));

		if (!ev)
			return nd_error_set(p->err, "out of memory");
		if (colon) {
			*colon = '\0';
			if (!(ev->family = strdup(tok)))
				return nd_error_set(p->err, "out of memory");
			tok = colon + 1;
		}
		if (nd_parse_code(tok, &ev->id) != 0 || ev->id > 65535)
			return syntax(p, "not an event id", tok);
	}
	if (!r->nevents)
		return syntax(p, "no events for", key);
	return 0;
}

/* Parses "client.Name", "nps.Name" or "event.Name" into f. Returns 0, or
 * -1 with err set. */
static int parse_field(parser *p, nd_rule_field *f, const char *s)
{
	static const struct {
		const char *prefix;
		nd_rule_side side;
	} sides[] = {{"client.", ND_SIDE_CLIENT}, {"nps.", ND_SIDE_NPS}, {"event.", ND_SIDE_EVENT}};
	size_t i, n;

	for (i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
		n = strlen(sides[i].prefix);
		if (strncmp(s, sides[i].prefix, n) == 0 && s[n]) {
			f->side = sides[i].side;
			if (strcspn(s + n, " \t~!") != strlen(s + n))
				break;
			if (!(f->name = strdup(s + n)))
				return nd_error_set(p->err, "out of memory");
			return 0;
		}
	}
	return syntax(p, "a field is client.NAME, nps.NAME or event.NAME, not", s);
}

/* Parses "FIELD ~ PATTERN" or "FIELD !~ PATTERN" and compiles the
 * pattern. Returns 0, or -1 with err set. */
static int parse_match(parser *p, char *value)
{
	nd_rule_pattern *m;
	char *op = strchr(value, '~'), *pat;
	PCRE2_SIZE offset;
	int code, negate = 0;

	if (!op)
		return syntax(p, "match needs FIELD ~ PATTERN or FIELD !~ PATTERN, got", value);
	if (op > value && op[-1] == '!') {
		negate = 1;
		op[-1] = '\0';
	}
	*op = '\0';
	pat = trim(op + 1);
	if (!*pat)
		return syntax(p, "empty pattern", NULL);
	if (!(m = grow(&p->cur->patterns, &p->cur->npatterns, sizeof(*m))))
		return nd_error_set(p->err, "out of memory");
	m->negate = negate;
	if (parse_field(p, &m->field, trim(value)) != 0)
		return -1;
	if (!(m->pattern = strdup(pat)))
		return nd_error_set(p->err, "out of memory");
	m->code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
				PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &code, &offset, NULL);
	if (!m->code) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(code, msg, sizeof(msg));
		return nd_error_set(p->err, "%s:%lu: bad pattern \"%s\" at offset %zu: %s", p->path, p->line, pat,
				    (size_t)offset, (const char *)msg);
	}
	pcre2_jit_compile(m->code, PCRE2_JIT_COMPLETE); /* the interpreter runs when JIT is unavailable */
	return 0;
}

/* Parses present / absent / any. Returns 0, or -1 with err set. */
static int parse_presence(parser *p, nd_presence *out, const char *value)
{
	if (strcmp(value, "present") == 0)
		*out = ND_PRESENT;
	else if (strcmp(value, "absent") == 0)
		*out = ND_ABSENT;
	else if (strcmp(value, "any") == 0)
		*out = ND_ANY;
	else
		return syntax(p, "expected present, absent or any, got", value);
	return 0;
}

/* Appends a copy of value to the string array *v. Returns 0, or -1 with
 * err set. */
static int add_string(parser *p, char ***v, size_t *n, const char *value, const char *key)
{
	char **slot;

	if (!*value)
		return syntax(p, "empty value for", key);
	if (!(slot = grow(v, n, sizeof(*slot))) || !(*slot = strdup(value)))
		return nd_error_set(p->err, "out of memory");
	p->cont = slot;
	return 0;
}

/* Applies "key = value" to the current rule. Returns 0, or -1 with err
 * set. */
static int set_key(parser *p, const char *key, char *value)
{
	nd_rule *r = p->cur;

	p->cont = NULL;
	if (strcmp(key, "title") == 0)
		return set_text(p, &r->title, key, value);
	if (strcmp(key, "explanation") == 0)
		return set_text(p, &r->explanation, key, value);
	if (strcmp(key, "confidence") == 0) {
		if (strcmp(value, "confirmed") && strcmp(value, "likely") && strcmp(value, "possible"))
			return syntax(p, "confidence is confirmed, likely or possible, not", value);
		return set_text(p, &r->confidence, key, value);
	}
	if (strcmp(key, "kind") == 0) {
		if (strcmp(value, "incident") == 0)
			r->kind = ND_RULE_INCIDENT;
		else if (strcmp(value, "finding") == 0)
			r->kind = ND_RULE_FINDING;
		else
			return syntax(p, "kind is incident or finding, not", value);
		return 0;
	}
	if (strcmp(key, "disabled") == 0) {
		if (strcmp(value, "yes") && strcmp(value, "no"))
			return syntax(p, "disabled is yes or no, not", value);
		r->disabled = strcmp(value, "yes") == 0;
		return 0;
	}
	if (strcmp(key, "client") == 0)
		return parse_presence(p, &r->client, value);
	if (strcmp(key, "nps") == 0)
		return parse_presence(p, &r->nps, value);
	if (strcmp(key, "exposure") == 0) {
		if (strcmp(value, "exposed") && strcmp(value, "none") && strcmp(value, "any"))
			return syntax(p, "exposure is exposed, none or any, not", value);
		r->exposure = strcmp(value, "exposed") == 0 ? ND_PRESENT
			      : strcmp(value, "none") == 0  ? ND_ABSENT
							    : ND_ANY;
		return 0;
	}
	if (strcmp(key, "client.error") == 0)
		return parse_codes(p, &r->client_errors, key, value);
	if (strcmp(key, "nps.event") == 0)
		return parse_codes(p, &r->nps_events, key, value);
	if (strcmp(key, "nps.reason") == 0)
		return parse_codes(p, &r->nps_reasons, key, value);
	if (strcmp(key, "event") == 0 || strcmp(key, "near") == 0)
		return parse_events(p, key, value);
	if (strcmp(key, "near.window") == 0) {
		char *end;

		r->near_s = strtod(value, &end);
		if (end == value || *end || r->near_s <= 0 || r->near_s > 86400)
			return syntax(p, "near.window is seconds (0-86400), not", value);
		return 0;
	}
	if (strcmp(key, "priority") == 0) {
		char *end;
		long v = strtol(value, &end, 10);

		if (end == value || *end || v < -100 || v > 100)
			return syntax(p, "priority is an integer from -100 to 100, not", value);
		r->priority = (int)v;
		return 0;
	}
	if (strcmp(key, "match") == 0)
		return parse_match(p, value);
	if (strcmp(key, "fact") == 0) {
		nd_rule_field *f = grow(&r->facts, &r->nfacts, sizeof(*f));

		return f ? parse_field(p, f, value) : nd_error_set(p->err, "out of memory");
	}
	if (strcmp(key, "step") == 0) {
		nd_rule_step *st = grow(&r->steps, &r->nsteps, sizeof(*st));

		if (!st)
			return nd_error_set(p->err, "out of memory");
		return set_text(p, &st->text, key, value);
	}
	if (strcmp(key, "command") == 0) {
		nd_rule_step *st;

		if (!r->nsteps)
			return syntax(p, "a command belongs to a step; put a step line before it", NULL);
		st = &r->steps[r->nsteps - 1];
		return add_string(p, &st->commands, &st->ncommands, value, key);
	}
	if (strcmp(key, "source") == 0)
		return add_string(p, &r->sources, &r->nsources, value, key);
	return syntax(p, "unknown key", key);
}

/* Checks that the rule read so far is complete and consistent. Returns 0,
 * or -1 with err set (at the rule's header line; p->line is moved there). */
static int check_rule(parser *p)
{
	nd_rule *r = p->cur;
	const char *missing = !r->title ? "title" : !r->confidence ? "confidence" : !r->explanation ? "explanation"
			      : !r->nsteps ? "step" : NULL;
	size_t i;

	p->line = r->line;
	if (missing)
		return nd_error_set(p->err, "%s:%lu: cause %s has no %s", p->path, p->line, r->id, missing);
	if (r->kind == ND_RULE_FINDING) {
		if (!r->nevents)
			return syntax(p, "a finding needs an event line", r->id);
		if (r->client != ND_ANY || r->nps != ND_ANY || r->client_errors.n || r->nps_events.n ||
		    r->nps_reasons.n || r->near_s > 0)
			return syntax(p, "a finding judges one event: client, nps and near keys do not apply", r->id);
	} else {
		if (r->exposure != ND_ANY)
			return syntax(p, "exposure judges a finding's server, not an attempt", r->id);
		if (!r->client_errors.n && !r->nps_events.n && !r->nps_reasons.n && r->client == ND_ANY &&
		    r->nps == ND_ANY)
			return syntax(p, "an incident rule needs a client or nps condition", r->id);
		if ((r->client_errors.n && r->client == ND_ABSENT) ||
		    ((r->nps_events.n || r->nps_reasons.n) && r->nps == ND_ABSENT))
			return syntax(p, "codes are required of an event declared absent", r->id);
	}
	for (i = 0; i < r->npatterns + r->nfacts; i++) {
		nd_rule_side side = i < r->npatterns ? r->patterns[i].field.side : r->facts[i - r->npatterns].side;

		if ((side == ND_SIDE_EVENT) != (r->kind == ND_RULE_FINDING))
			return syntax(p, r->kind == ND_RULE_FINDING ? "a finding's fields are event.NAME"
								     : "an incident's fields are client.NAME or nps.NAME",
				      r->id);
	}
	if (r->near_s <= 0)
		r->near_s = 300;
	return 0;
}

/* Files the finished current rule: replaces a rule of the same id from an
 * earlier layer, rejects one from the same layer. Returns 0, or -1 with err
 * set. */
static int commit_rule(parser *p)
{
	nd_rules *rs = p->rules;
	nd_rule **slot;
	size_t i;

	unsigned long line = p->line;

	if (!p->cur)
		return 0;
	if (check_rule(p) != 0)
		return -1;
	p->line = line;
	for (i = 0; i < rs->n; i++) {
		if (strcmp(rs->v[i]->id, p->cur->id) != 0)
			continue;
		if (rs->v[i]->layer == p->layer)
			return nd_error_set(p->err, "%s:%lu: cause %s is already defined at %s:%lu", p->path,
					    p->cur->line, p->cur->id, rs->v[i]->file, rs->v[i]->line);
		free_rule(rs->v[i]);
		rs->v[i] = p->cur;
		p->cur = NULL;
		return 0;
	}
	if (!(slot = grow(&rs->v, &rs->n, sizeof(*slot))))
		return nd_error_set(p->err, "out of memory");
	*slot = p->cur;
	p->cur = NULL;
	return 0;
}

/* Starts a rule at a "[cause ID]" header. Returns 0, or -1 with err set. */
static int start_rule(parser *p, char *line)
{
	char *end = strchr(line, ']'), *id;
	size_t i;

	if (!end || *trim(end + 1) || strncmp(line, "[cause", 6) != 0 || (line[6] != ' ' && line[6] != '\t'))
		return syntax(p, "a header is [cause ID]", NULL);
	*end = '\0';
	id = trim(line + 6);
	if (!*id)
		return syntax(p, "a header is [cause ID]", NULL);
	for (i = 0; id[i]; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '-' ||
		      id[i] == '.' || id[i] == '_'))
			return syntax(p, "a cause id is lower-case letters, digits, '-', '_' and '.', not", id);
	if (commit_rule(p) != 0)
		return -1;
	if (!(p->cur = calloc(1, sizeof(*p->cur))) || !(p->cur->id = strdup(id)) ||
	    !(p->cur->file = strdup(p->path)))
		return nd_error_set(p->err, "out of memory");
	p->cur->line = p->line;
	p->cur->layer = p->layer;
	return 0;
}

/* Reads one line of a rule file. Returns 0, or -1 with err set. */
static int parse_line(parser *p, char *raw)
{
	int indented = raw[0] == ' ' || raw[0] == '\t';
	char *line = trim(raw), *eq;

	if (!*line) {
		p->cont = NULL;
		return 0;
	}
	if (*line == '#')
		return 0;
	if (indented) {
		if (!p->cont)
			return syntax(p, "an indented line continues a title, explanation, step, command or source",
				      NULL);
		return continue_text(p, line);
	}
	if (*line == '[')
		return start_rule(p, line);
	if (!p->cur)
		return syntax(p, "expected a [cause ID] header", NULL);
	if (!(eq = strchr(line, '=')))
		return syntax(p, "expected key = value", NULL);
	*eq = '\0';
	return set_key(p, trim(line), trim(eq + 1));
}

int nd_rules_init(nd_rules *r, nd_error *err)
{
	(void)err;
	memset(r, 0, sizeof(*r));
	return 0;
}

/* Reads one rule file; layer tells which directory it belongs to (ids
 * repeated within one layer are errors). Returns 0, or -1 with err set. */
static int load_file(nd_rules *r, const char *path, unsigned layer, nd_error *err)
{
	parser p = {r, path, 0, layer, NULL, NULL, err};
	char *buf = NULL, **slot;
	size_t cap = 0;
	FILE *fp = fopen(path, "r");
	long len;
	int rc = 0;

	if (!fp)
		return nd_error_set(err, "%s: %s", path, strerror(errno));
	while (rc == 0 && (len = nd_line_read(&buf, &cap, fp)) != -1) {
		p.line++;
		if ((size_t)len != strlen(buf))
			rc = syntax(&p, "NUL byte in line", NULL);
		else
			rc = parse_line(&p, buf);
	}
	if (rc == 0 && ferror(fp))
		rc = nd_error_set(err, "%s: read error", path);
	if (rc == 0)
		rc = commit_rule(&p);
	free_rule(p.cur);
	free(buf);
	fclose(fp);
	if (rc == 0 && (!(slot = grow(&r->files, &r->nfiles, sizeof(*slot))) || !(*slot = strdup(path))))
		rc = nd_error_set(err, "out of memory");
	return rc;
}

/* qsort comparison of two file names. Returns <0, 0, >0. */
static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int nd_rules_load_dir(nd_rules *r, const char *dir, nd_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, path[4096];
	size_t n = 0, i;
	int rc = 0;

	if (!d)
		return nd_error_set(err, "%s: %s", dir, strerror(errno));
	while (rc == 0 && (de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char **slot;

		if (de->d_name[0] == '.' || len < 7 || strcmp(de->d_name + len - 6, ".rules") != 0)
			continue;
		if (!(slot = grow(&names, &n, sizeof(*slot))) || !(*slot = strdup(de->d_name)))
			rc = nd_error_set(err, "out of memory");
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	r->layers++;
	for (i = 0; i < n; i++) {
		if (rc == 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			rc = load_file(r, path, r->layers, err);
		}
		free(names[i]);
	}
	free(names);
	if (nd_rules_rank(r, rc == 0 ? err : NULL) != 0) /* a failed load's error stays */
		rc = -1;
	return rc;
}

void nd_rules_free(nd_rules *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free_rule(r->v[i]);
	free(r->v);
	free(r->ranked);
	for (i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	free(r->files);
	memset(r, 0, sizeof(*r));
}
