/* Unit tests of nd_keys: stable incident keys across re-diagnoses (new,
 * kept through a change of cause or first attempt, split, merge, a key
 * already taken), and nd_keys_assign_part, which gives keys to some
 * incidents only against a ring of every key of the last run, as
 * nd_keys_assign gives them, and nd_keys_pass, which takes the old
 * incidents one at a time as the store reads them. No database. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nd_keys.h"

/* Makes an incident about who from its events (ascending; the first is
 * its first attempt's) with key (NULL: none yet). */
static nd_key_incident inc(const char *who, const int64_t *refs, size_t n, const char *key)
{
	nd_key_incident x;

	memset(&x, 0, sizeof(x));
	x.who = who;
	x.refs = refs;
	x.nrefs = n;
	x.first_ref = refs[0];
	x.first_ts = refs[0] * 1000;
	if (key)
		strcpy(x.key, key);
	return x;
}

int main(void)
{
	static const int64_t a1[] = {10, 11}, a2[] = {10, 11, 20, 21}, a3[] = {5, 10, 11}, b1[] = {30},
			     s1[] = {10, 11, 20, 21, 40, 41}, s2[] = {10, 11}, s3[] = {20, 21, 40, 41}, m1[] = {50},
			     m2[] = {60}, m3[] = {50, 60};
	char k[ND_KEY_MAX], k2[ND_KEY_MAX], k3[ND_KEY_MAX];
	nd_key_incident old[3], fresh[3];
	nd_keyring ring;
	nd_error err;

	/* Made from who and the first event: the same each time, 12 hex digits. */
	nd_keys_make("lab.example\\alice", 10, 0, k);
	CHECK(strlen(k) == 12 && strspn(k, "0123456789abcdef") == 12);
	/* FNV-1a of who, "\x1f", the ref in decimal, "\x1f", the try: the keys stored so far. */
	CHECK_STR(k, "5f50faef4ea9");
	CHECK_STR(nd_keys_make("lab.example\\alice", -5, 3, k2), "1e39057d9ad0");
	CHECK_STR(nd_keys_make("", 0, 0, k2), "152ffad1fe81");
	CHECK_STR(nd_keys_make("lab.example\\alice", 10, 0, k2), k);
	CHECK(strcmp(nd_keys_make("lab.example\\alice", 11, 0, k2), k) != 0);
	CHECK(strcmp(nd_keys_make("lab.example\\bob", 10, 0, k2), k) != 0);
	CHECK(strcmp(nd_keys_make("lab.example\\alice", 10, 1, k2), k) != 0);

	/* A first run: every incident is new. */
	fresh[0] = inc("lab.example\\alice", a1, 2, NULL);
	fresh[1] = inc("lab.example\\bob", b1, 1, NULL);
	CHECK(nd_keys_assign(NULL, 0, fresh, 2, &err) == 0);
	CHECK_STR(fresh[0].key, k);
	CHECK_STR(fresh[1].key, nd_keys_make("lab.example\\bob", 30, 0, k2));

	/* More attempts join (the cause may change too): the key stays; an
	 * earlier attempt joins, so the first attempt changes: it stays. */
	old[0] = inc("lab.example\\alice", a1, 2, k);
	fresh[0] = inc("lab.example\\alice", a2, 4, NULL);
	CHECK(nd_keys_assign(old, 1, fresh, 1, &err) == 0);
	CHECK_STR(fresh[0].key, k);
	fresh[0] = inc("lab.example\\alice", a3, 3, NULL);
	CHECK(nd_keys_assign(old, 1, fresh, 1, &err) == 0);
	CHECK_STR(fresh[0].key, k);

	/* A split: the part with the old first event keeps the key, though the
	 * other part is listed first; the other gets its own. */
	old[0] = inc("lab.example\\alice", s1, 6, "aaaaaaaaaaaa");
	fresh[0] = inc("lab.example\\alice", s3, 4, NULL);
	fresh[1] = inc("lab.example\\alice", s2, 2, NULL);
	CHECK(nd_keys_assign(old, 1, fresh, 2, &err) == 0);
	CHECK_STR(fresh[1].key, "aaaaaaaaaaaa");
	CHECK_STR(fresh[0].key, nd_keys_make("lab.example\\alice", 20, 0, k2));

	/* A merge keeps the key of the incident that began first. */
	old[0] = inc("lab.example\\alice", m2, 1, "bbbbbbbbbbbb");
	old[1] = inc("lab.example\\alice", m1, 1, "cccccccccccc");
	fresh[0] = inc("lab.example\\alice", m3, 2, NULL);
	CHECK(nd_keys_assign(old, 2, fresh, 1, &err) == 0);
	CHECK_STR(fresh[0].key, "cccccccccccc");

	/* A made key that an old incident holds is not given twice: after a
	 * merge, the part split off again under the old first event of the
	 * merged-away incident. */
	nd_keys_make("lab.example\\alice", 60, 0, k);
	old[0] = inc("lab.example\\alice", m1, 1, k);
	fresh[0] = inc("lab.example\\alice", m1, 1, NULL);
	fresh[1] = inc("lab.example\\alice", m2, 1, NULL);
	CHECK(nd_keys_assign(old, 1, fresh, 2, &err) == 0);
	CHECK_STR(fresh[0].key, k);
	CHECK_STR(fresh[1].key, nd_keys_make("lab.example\\alice", 60, 1, k2));

	/* An old key of another text (a store written by hand) passes on as a
	 * made one does; a new key is made as always. */
	old[0] = inc("lab.example\\alice", a1, 2, "ticket-17");
	fresh[0] = inc("lab.example\\alice", a2, 4, NULL);
	fresh[1] = inc("lab.example\\bob", b1, 1, NULL);
	CHECK(nd_keys_assign(old, 1, fresh, 2, &err) == 0);
	CHECK_STR(fresh[0].key, "ticket-17");
	CHECK_STR(fresh[1].key, nd_keys_make("lab.example\\bob", 30, 0, k2));

	/* Part by part, as in full: bob's incident is kept (not passed); alice's
	 * two merge (the ring drops the key of the one merged away), then split
	 * again, and the part split off gets that key back (a full run no
	 * longer knows it), not a second try. */
	memset(&ring, 0, sizeof(ring));
	nd_keys_make("lab.example\\alice", 60, 0, k);
	old[0] = inc("lab.example\\alice", m1, 1, "cccccccccccc");
	old[1] = inc("lab.example\\alice", m2, 1, k);
	old[2] = inc("lab.example\\bob", b1, 1, nd_keys_make("lab.example\\bob", 30, 0, k3));
	CHECK(nd_keyring_fill(&ring, old, 3, &err) == 0);
	fresh[0] = inc("lab.example\\alice", m3, 2, NULL);
	CHECK(nd_keys_assign_part(&ring, old, 2, fresh, 1, &err) == 0);
	CHECK_STR(fresh[0].key, "cccccccccccc");
	old[0] = fresh[0];
	old[1] = old[2];
	fresh[0] = inc("lab.example\\alice", m1, 1, NULL);
	fresh[1] = inc("lab.example\\alice", m2, 1, NULL);
	CHECK(nd_keys_assign_part(&ring, old, 1, fresh, 2, &err) == 0);
	CHECK_STR(fresh[0].key, "cccccccccccc");
	CHECK_STR(fresh[1].key, k);
	fresh[2] = fresh[1];
	CHECK(nd_keys_assign(old, 2, fresh, 2, &err) == 0);
	CHECK_STR(fresh[1].key, fresh[2].key);
	/* The ring holds the keys now held: a new incident whose made key bob's
	 * kept one holds gets the next try. */
	fresh[0] = inc("lab.example\\bob", b1, 1, NULL);
	CHECK(nd_keys_assign_part(&ring, NULL, 0, fresh, 1, &err) == 0);
	CHECK_STR(fresh[0].key, nd_keys_make("lab.example\\bob", 30, 1, k2));
	nd_keyring_free(&ring);

	/* One old incident at a time, in a buffer used again: a merge keeps
	 * the key of the one that began first though it is given last; of two
	 * parts of a split that begin together (neither holds the old first
	 * event), the first listed keeps the key. */
	{
		static const int64_t t1[] = {70, 71}, t2[] = {72, 73}, t3[] = {70, 71, 72, 73, 74};
		nd_keys_pass p;
		nd_keys_held h;
		nd_keys_fresh f;
		nd_key_incident buf;

		memset(&ring, 0, sizeof(ring));
		fresh[0] = inc("lab.example\\alice", m3, 2, NULL);
		fresh[1] = inc("lab.example\\carol", t1, 2, NULL);
		fresh[2] = inc("lab.example\\carol", t2, 2, NULL);
		fresh[2].first_ts = fresh[1].first_ts;
		CHECK(nd_keys_held_make(&h, &f, fresh, 3, &err) == 0);
		CHECK(nd_keys_pass_begin(&p, &ring, &f, &err) == 0);
		buf = inc("lab.example\\alice", m2, 1, "bbbbbbbbbbbb");
		CHECK(nd_keys_pass_old(&p, &buf, &err) == 0);
		buf = inc("lab.example\\carol", t3, 5, "dddddddddddd");
		buf.first_ref = 74;
		CHECK(nd_keys_pass_old(&p, &buf, &err) == 0);
		buf = inc("lab.example\\alice", m1, 1, "cccccccccccc");
		CHECK(nd_keys_pass_old(&p, &buf, &err) == 0);
		CHECK(nd_keys_pass_end(&p, &err) == 0);
		CHECK(p.nold == 3 && p.got[0] == 2 && p.got[1] == 1 && p.got[2] == (size_t)-1);
		CHECK_STR(fresh[0].key, "cccccccccccc");
		CHECK_STR(fresh[1].key, "dddddddddddd");
		CHECK_STR(fresh[2].key, nd_keys_make("lab.example\\carol", 72, 0, k2));
		nd_keys_pass_free(&p);
		nd_keys_held_free(&h);
		nd_keyring_free(&ring);
	}

	/* A key's value and text (what a first run takes into its ring), and
	 * the ring's taking: a held key is not taken again, nd_keys_new goes
	 * on to the next try; a reserved ring grows no more as it fills, and
	 * a key with other letters is never a made key. */
	{
		size_t slots, i;

		CHECK_STR(nd_keys_text(nd_keys_value("lab.example\\alice", 10, 0), k2), "5f50faef4ea9");
		CHECK_STR(nd_keys_text(nd_keys_value("lab.example\\alice", -5, 3), k2), "1e39057d9ad0");
		CHECK_STR(nd_keys_text(0xabcdef, k2), "000000abcdef");
		memset(&ring, 0, sizeof(ring));
		CHECK(nd_keyring_reserve(&ring, 5000, &err) == 0);
		slots = ring.nslots;
		CHECK(slots >= 10000);
		nd_keyring_prefetch(&ring, nd_keys_value("lab.example\\alice", 10, 0));
		CHECK(nd_keyring_take(&ring, nd_keys_value("lab.example\\alice", 10, 0), &err) == 1);
		CHECK(nd_keyring_take(&ring, nd_keys_value("lab.example\\alice", 10, 0), &err) == 0);
		CHECK(nd_keys_new(&ring, "lab.example\\alice", 10, k2, &err) == 0);
		CHECK_STR(k2, nd_keys_make("lab.example\\alice", 10, 1, k3));
		for (i = 0; i < 4990; i++)
			CHECK(nd_keyring_take(&ring, (uint64_t)i * 7919, &err) == 1);
		CHECK(ring.nslots == slots && ring.n == 4992);
		old[0] = inc("lab.example\\alice", a1, 2, "5F50FAEF4EA9"); /* upper case: not made */
		old[1] = inc("lab.example\\bob", b1, 1, "5f50faef4ea");  /* short */
		old[2] = inc("lab.example\\carol", m1, 1, "5f50faef4eaz");
		CHECK(nd_keyring_fill(&ring, old, 3, &err) == 0 && ring.n == 0);
		nd_keyring_free(&ring);
	}
	return check_report();
}
