/* Unit tests of nd_intern: distinct strings to ids, and ids renumbered
 * in byte order of the strings. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "nd_intern.h"

int main(void)
{
	static const char *const words[] = {"lab.example\\carol", "lab.example\\alice", "",
					    "lab.example\\bob",   "lab.example\\alice", "LAB.example\\alice"};
	nd_strpool pool = {0};
	nd_intern t = {.pool = &pool};
	uint32_t id[6], map[5], many[3000];
	char buf[32];
	size_t i;

	for (i = 0; i < 6; i++)
		id[i] = nd_intern_add(&t, words[i]);
	CHECK(t.n == 5);
	CHECK(id[0] == 0 && id[1] == 1 && id[2] == 2 && id[3] == 3 && id[5] == 4);
	CHECK(id[4] == id[1]);         /* the same string, the same id */
	CHECK(t.v[id[1]] != words[1]); /* a copy in the pool */
	CHECK(nd_intern_rank(&t, map) == 0);
	CHECK_STR(t.v[0], "");
	CHECK_STR(t.v[1], "LAB.example\\alice"); /* byte order: upper case first */
	CHECK_STR(t.v[2], "lab.example\\alice");
	CHECK_STR(t.v[4], "lab.example\\carol");
	CHECK(map[id[0]] == 4 && map[id[1]] == 2 && map[id[2]] == 0 && map[id[3]] == 3 && map[id[5]] == 1);
	/* After ranking, a string finds its new id. */
	CHECK(nd_intern_add(&t, "lab.example\\bob") == 3);
	CHECK(t.n == 5);

	/* Growing keeps every id. */
	for (i = 0; i < 3000; i++) {
		snprintf(buf, sizeof(buf), "k%zu", i);
		many[i] = nd_intern_add(&t, buf);
	}
	CHECK(t.n == 3005);
	for (i = 0; i < 3000; i += 7) {
		snprintf(buf, sizeof(buf), "k%zu", i);
		CHECK(nd_intern_add(&t, buf) == many[i]);
	}
	/* With its index dropped, the next add builds one with room for all
	 * 3005 ids (it once made 1024 slots and looked for a free one for
	 * ever), and every string keeps its id. */
	nd_intern_drop_index(&t);
	CHECK(nd_intern_add(&t, "k2999") == many[2999]);
	CHECK(t.slots.n >= 2 * t.n);
	CHECK(nd_intern_add(&t, "new after the drop") == 3005);
	for (i = 0; i < 3000; i += 11) {
		snprintf(buf, sizeof(buf), "k%zu", i);
		CHECK(nd_intern_add(&t, buf) == many[i]);
	}
	nd_intern_free(&t);
	nd_strpool_free(&pool);
	return check_report();
}
