/* Unit tests of parsers/evtx/evtx_fieldplan: the field plan compiled from a
 * template definition's steps (which value goes to which System value or
 * field, what is only checked), and the definitions it leaves to the tree. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "evtx_fieldplan.h"

/* Steps of a definition being written, and their fixed text. */
typedef struct steps {
	bx_op op[64];
	uint32_t n;
	char fixed[256];
	uint32_t nfixed;
} steps;

/* Appends a step of kind for a name of role, substitution sub (opt: an
 * optional one) or fixed text (NULL: none). Returns nothing. */
static void step(steps *s, uint8_t kind, uint8_t role, int sub, int opt, const char *text)
{
	bx_op *op = &s->op[s->n++];

	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->name.role = role;
	op->subst = (uint16_t)(sub < 0 ? 0 : sub);
	op->opt = (uint8_t)opt;
	if (text) {
		op->text.off = s->nfixed;
		op->text.len = (uint32_t)strlen(text);
		memcpy(s->fixed + s->nfixed, text, op->text.len);
		s->nfixed += op->text.len;
	}
}

#define OPEN(s, role) step(s, OP_OPEN, role, -1, 0, NULL)
#define CLOSE(s) step(s, OP_CLOSE, NM_OTHER, -1, 0, NULL)
#define ATTR_TEXT(s, role, t) step(s, OP_ATTR_TEXT, role, -1, 0, t)
#define ATTR_SUBST(s, role, i, opt) step(s, OP_ATTR_SUBST, role, i, opt, NULL)
#define TEXT(s, t) step(s, OP_TEXT, NM_OTHER, -1, 0, t)
#define SUBST(s, i, opt) step(s, OP_SUBST, NM_OTHER, i, opt, NULL)

/* Frees out. Returns nothing. */
static void done(bx_fsteps *out)
{
	free(out->fops);
	nd_buf_free(&out->text);
}

/* Compiles s in ctx into out. Returns what the compiler returns. */
static int compile(steps *s, int ctx, bx_fsteps *out, uint32_t *nsubst)
{
	return nd_evtx_fieldplan_compile(s->op, s->n, s->fixed, ctx, out, nsubst);
}

/* Checks field step i of out. Returns nothing. */
static void want(const bx_fsteps *out, size_t i, uint8_t kind, uint8_t target, uint8_t src, int sub)
{
	CHECK(i < out->n);
	if (i >= out->n)
		return;
	CHECK(out->fops[i].kind == kind);
	CHECK(out->fops[i].target == target);
	CHECK(out->fops[i].src == src);
	if (src == FS_SUBST)
		CHECK(out->fops[i].subst == sub);
}

/* The System part of a Security-Auditing event and its EventData as a
 * nested value: every System value to its place, fixed attributes left
 * out, the Correlation attribute only checked. */
static void test_document(void)
{
	steps s = {0};
	bx_fsteps out = {0};
	uint32_t nsubst = 0;

	OPEN(&s, NM_EVENT);
	ATTR_TEXT(&s, NM_OTHER, "http://schemas.microsoft.com/win/2004/08/events/event");
	OPEN(&s, NM_SYSTEM);
	OPEN(&s, NM_PROVIDER);
	ATTR_TEXT(&s, NM_NAME, "Microsoft-Windows-Security-Auditing");
	ATTR_SUBST(&s, NM_GUID, 0, 1);
	CLOSE(&s);
	OPEN(&s, NM_EVENT_ID);
	SUBST(&s, 1, 1);
	CLOSE(&s);
	OPEN(&s, NM_TIME_CREATED);
	ATTR_SUBST(&s, NM_SYSTEM_TIME, 2, 1);
	CLOSE(&s);
	OPEN(&s, NM_OTHER); /* Correlation */
	ATTR_SUBST(&s, NM_OTHER, 3, 1);
	CLOSE(&s);
	OPEN(&s, NM_OTHER); /* Opcode, fixed */
	TEXT(&s, "0");
	CLOSE(&s);
	OPEN(&s, NM_CHANNEL);
	TEXT(&s, "Secu");
	TEXT(&s, "rity");
	CLOSE(&s);
	OPEN(&s, NM_COMPUTER);
	TEXT(&s, "\n");
	CLOSE(&s);
	OPEN(&s, NM_SECURITY);
	ATTR_SUBST(&s, NM_USER_ID, 4, 1);
	CLOSE(&s);
	CLOSE(&s);
	SUBST(&s, 9, 1);
	CLOSE(&s);

	CHECK(compile(&s, FCTX_DOCUMENT, &out, &nsubst) == 0);
	CHECK(nsubst == 10);
	CHECK(out.n == 13);
	want(&out, 0, FK_ELEM, FT_PROVIDER, FS_NONE, 0);
	CHECK(out.fops[0].nattrs == 2);
	want(&out, 1, FK_ATTR, FT_NAME, FS_FIXED, 0);
	want(&out, 2, FK_ATTR, FT_GUID, FS_SUBST, 0);
	want(&out, 3, FK_ELEM, FT_EVENT_ID, FS_SUBST, 1);
	CHECK(out.fops[3].opt == 1 && out.fops[3].nattrs == 0);
	want(&out, 4, FK_ELEM, FT_TIME, FS_NONE, 0);
	want(&out, 5, FK_ATTR, FT_SYSTEM_TIME, FS_SUBST, 2);
	want(&out, 6, FK_ELEM, FT_CHECK, FS_NONE, 0);
	want(&out, 7, FK_ATTR, FT_CHECK, FS_SUBST, 3);
	/* the two pieces of Channel as one text */
	want(&out, 8, FK_ELEM, FT_CHANNEL, FS_FIXED, 0);
	CHECK(out.fops[8].text.len == 8 && memcmp(out.text.data + out.fops[8].text.off, "Security", 9) == 0);
	CHECK(memcmp(out.text.data + out.fops[1].text.off, "Microsoft-Windows-Security-Auditing", 36) == 0);
	/* the two texts taken, and not the Opcode's, which is only checked */
	CHECK(out.text.len == 36 + 9);
	/* a single line feed is empty */
	want(&out, 9, FK_ELEM, FT_COMPUTER, FS_NONE, 0);
	want(&out, 10, FK_ELEM, FT_SECURITY, FS_NONE, 0);
	CHECK(out.fops[10].nattrs == 1);
	want(&out, 11, FK_ATTR, FT_USER_ID, FS_SUBST, 4);
	/* the nested EventData, read through its own field plan */
	want(&out, 12, FK_NESTED, FT_CHECK, FS_SUBST, 9);
	done(&out);
}

/* A nested EventData: named and unnamed <Data>, <Binary>, an element
 * build_record does not read. */
static void test_event_data(void)
{
	steps s = {0};
	bx_fsteps out = {0};
	uint32_t nsubst = 0;

	OPEN(&s, NM_EVENT_DATA);
	OPEN(&s, NM_DATA);
	ATTR_TEXT(&s, NM_NAME, "SubjectUserSid");
	SUBST(&s, 0, 0);
	CLOSE(&s);
	OPEN(&s, NM_DATA);
	SUBST(&s, 1, 1);
	CLOSE(&s);
	OPEN(&s, NM_BINARY);
	SUBST(&s, 2, 1);
	CLOSE(&s);
	OPEN(&s, NM_OTHER);
	OPEN(&s, NM_DATA); /* not a field: not a child of EventData */
	SUBST(&s, 3, 1);
	CLOSE(&s);
	CLOSE(&s);
	CLOSE(&s);

	CHECK(compile(&s, FCTX_EVENT, &out, &nsubst) == 0);
	CHECK(nsubst == 4);
	CHECK(out.n == 5);
	want(&out, 0, FK_ELEM, FT_DATA, FS_SUBST, 0);
	CHECK(out.fops[0].nattrs == 1 && out.fops[0].opt == 0);
	want(&out, 1, FK_ATTR, FT_NAME, FS_FIXED, 0);
	want(&out, 2, FK_ELEM, FT_DATA, FS_SUBST, 1);
	CHECK(out.fops[2].nattrs == 0);
	want(&out, 3, FK_ELEM, FT_BINARY, FS_SUBST, 2);
	want(&out, 4, FK_ELEM, FT_CHECK, FS_SUBST, 3);
	/* the same steps are no document: not an <Event> */
	CHECK(compile(&s, FCTX_DOCUMENT, &out, &nsubst) == -1);
	CHECK(out.n == 5);
	done(&out);
}

/* Compiles the steps built by make in ctx, and requires that no field
 * plan comes out and out is left as it was. Returns nothing. */
static void refused(void (*make)(steps *), int ctx, int line)
{
	steps s = {0};
	bx_fsteps out = {0};
	uint32_t nsubst = 77;
	int rc;

	make(&s);
	rc = compile(&s, ctx, &out, &nsubst);
	if (rc != -1 || out.n != 0 || out.text.len != 0 || nsubst != 77)
		fprintf(stderr, "case at line %d\n", line);
	CHECK(rc == -1);
	CHECK(out.n == 0 && out.text.len == 0);
	CHECK(nsubst == 77);
	done(&out);
}

static void user_data(steps *s)
{
	OPEN(s, NM_USER_DATA);
	OPEN(s, NM_OTHER);
	SUBST(s, 0, 1);
	CLOSE(s);
	CLOSE(s);
}

static void system_child_with_elements(steps *s)
{
	OPEN(s, NM_SYSTEM);
	OPEN(s, NM_OTHER);
	OPEN(s, NM_OTHER);
	CLOSE(s);
	CLOSE(s);
	CLOSE(s);
}

static void text_and_value(steps *s)
{
	OPEN(s, NM_EVENT_DATA);
	OPEN(s, NM_DATA);
	TEXT(s, "x");
	SUBST(s, 0, 1);
	CLOSE(s);
	CLOSE(s);
}

static void two_values(steps *s)
{
	OPEN(s, NM_EVENT_DATA);
	OPEN(s, NM_DATA);
	SUBST(s, 0, 1);
	SUBST(s, 1, 1);
	CLOSE(s);
	CLOSE(s);
}

static void data_with_elements(steps *s)
{
	OPEN(s, NM_EVENT_DATA);
	OPEN(s, NM_DATA);
	OPEN(s, NM_OTHER);
	CLOSE(s);
	CLOSE(s);
	CLOSE(s);
}

static void text_and_elements(steps *s)
{
	OPEN(s, NM_EVENT_DATA);
	TEXT(s, "x");
	OPEN(s, NM_DATA);
	CLOSE(s);
	CLOSE(s);
}

static void text_in_event(steps *s)
{
	OPEN(s, NM_EVENT);
	TEXT(s, "x");
	CLOSE(s);
}

static void value_in_system(steps *s)
{
	OPEN(s, NM_EVENT);
	OPEN(s, NM_SYSTEM);
	OPEN(s, NM_EVENT_ID);
	CLOSE(s);
	SUBST(s, 0, 0);
	CLOSE(s);
	CLOSE(s);
}

static void two_names(steps *s)
{
	OPEN(s, NM_SYSTEM);
	OPEN(s, NM_PROVIDER);
	ATTR_TEXT(s, NM_NAME, "a");
	ATTR_SUBST(s, NM_NAME, 0, 1);
	CLOSE(s);
	CLOSE(s);
}

static void pieces_apart(steps *s)
{
	OPEN(s, NM_SYSTEM);
	OPEN(s, NM_CHANNEL);
	TEXT(s, "a");
	TEXT(s, "b");
	CLOSE(s);
	CLOSE(s);
	/* the second piece of text is not right after the first */
	s->op[3].text.off = 5;
}

static void too_deep(steps *s)
{
	int i;

	OPEN(s, NM_EVENT_DATA);
	for (i = 0; i < 20; i++)
		OPEN(s, NM_OTHER);
	for (i = 0; i < 20; i++)
		CLOSE(s);
	CLOSE(s);
}

static void not_closed(steps *s)
{
	OPEN(s, NM_EVENT_DATA);
	OPEN(s, NM_DATA);
	SUBST(s, 0, 1);
}

static void after_the_element(steps *s)
{
	OPEN(s, NM_EVENT_DATA);
	CLOSE(s);
	OPEN(s, NM_EVENT_DATA);
	CLOSE(s);
}

/* What a field plan cannot express; the tree decodes these. */
static void test_refused(void)
{
	refused(user_data, FCTX_EVENT, __LINE__);
	refused(system_child_with_elements, FCTX_EVENT, __LINE__);
	refused(text_and_value, FCTX_EVENT, __LINE__);
	refused(two_values, FCTX_EVENT, __LINE__);
	refused(data_with_elements, FCTX_EVENT, __LINE__);
	refused(text_and_elements, FCTX_EVENT, __LINE__);
	refused(text_in_event, FCTX_DOCUMENT, __LINE__);
	refused(value_in_system, FCTX_DOCUMENT, __LINE__);
	refused(two_names, FCTX_EVENT, __LINE__);
	refused(pieces_apart, FCTX_EVENT, __LINE__);
	refused(too_deep, FCTX_EVENT, __LINE__);
	refused(not_closed, FCTX_EVENT, __LINE__);
	refused(after_the_element, FCTX_EVENT, __LINE__);
}

/* A failed compilation leaves the steps of the ones before it. */
static void test_appends(void)
{
	steps a = {0}, b = {0};
	bx_fsteps out = {0};
	uint32_t nsubst = 0;

	OPEN(&a, NM_EVENT_DATA);
	OPEN(&a, NM_DATA);
	SUBST(&a, 0, 1);
	CLOSE(&a);
	CLOSE(&a);
	CHECK(compile(&a, FCTX_EVENT, &out, &nsubst) == 0 && out.n == 1);
	two_values(&b);
	CHECK(compile(&b, FCTX_EVENT, &out, &nsubst) == -1);
	CHECK(out.n == 1 && nsubst == 1 && out.text.len == 0);
	CHECK(compile(&a, FCTX_EVENT, &out, &nsubst) == 0 && out.n == 2);
	want(&out, 1, FK_ELEM, FT_DATA, FS_SUBST, 0);
	done(&out);
}

int main(void)
{
	test_document();
	test_event_data();
	test_refused();
	test_appends();
	return check_report();
}
