/* Unit tests of nd_diagnose_again, the diagnosis `tail` runs after every
 * round: random event streams (client failures, NPS denials, grants and
 * locks, connects, events rules look for nearby, several users, clients
 * and NPS servers, times out of order: a new event between old ones of an
 * identity, retries across the gap) are ingested round by round into two databases; one is diagnosed with a
 * memory (rewriting only the incidents that changed), the other in full.
 * After every round both hold the same result rows, keys included, and the
 * incremental runs rewrote fewer incidents than there were and read only
 * the events stored since the last round: everything is read again only
 * after events went away, not for a new client computer nor for a dial
 * stored after the failure it names the server of. A second stream has 40 users of
 * whom a round touches a few: the others' incidents keep their grouping
 * and keys from the last round (nd_group_again, nd_keys_assign_part). A
 * run by another process in
 * between (other parameters: it splits a pair and gives the part new keys)
 * is noticed, and so are events deleted by another process (the kept
 * events are read again) and an incident deleted by another connection
 * (the stamp counts the incidents when data_version moved). Each round,
 * the news read from the lowest id the run rewrote (as tail reads them)
 * are those of the whole table. At the end, each incident's rows built
 * with the printer's plan of facts (nd_row_plan) are those built without
 * it. Usage:
 * test_nd_diagnose TMP_DIR SRC_DIR. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nd_analysis_load.h"
#include "nd_buf.h"
#include "nd_codes.h"
#include "nd_db.h"
#include "nd_diagnose.h"
#include "nd_diagnose_write.h"
#include "nd_ingest.h"
#include "nd_news.h"
#include "nd_rules.h"
#include "nd_store.h"

#define ROUNDS 16
#define EVENTS 7 /* per round */

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

/* Returns a pseudo-random number below n (xorshift64). */
static unsigned rnd(unsigned n)
{
	return (unsigned)(check_xorshift(&rng) % n);
}

/* The second (after 08:00) of the last client failure written. */
static unsigned last_failure;

/* The users of the stream (LAB\\u0 ...), at most MAX_USERS, and the CoId
 * of each one's last client failure. */
#define MAX_USERS 64
static unsigned users = 4;
/* The client computers (CLIENT0 ...) the users' failures come from. */
static unsigned computers = 3;
static unsigned last_coid[MAX_USERS];

/* Writes the time s seconds after 08:00 (and frac ten-millionths) to when.
 * Returns nothing. */
static void time_at(char when[64], unsigned s, unsigned frac)
{
	snprintf(when, 64, "2025-03-14T%02u:%02u:%02u.%07uZ", 8 + s / 3600, s / 60 % 60, s % 60, frac);
}

/* Writes a random time to when. Returns its second after 08:00. */
static unsigned random_time(char when[64])
{
	unsigned s = rnd(180 * 60);

	time_at(when, s, rnd(10000000));
	return s;
}

/* Writes, a few seconds after the last client failure (so that it lands
 * near old attempts: a rule looks for it within 60 s of an 812, another
 * for KDC 39 within 600 s of a 853), a RemoteAccess 20276 (or with kdc a
 * KDC 39) with record id rec to f. Returns nothing. */
static void near_event(FILE *f, unsigned rec, unsigned kdc)
{
	char when[64];

	time_at(when, last_failure + rnd(30), rnd(10000000));
	fprintf(f,
		"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
		"<Provider Name='%s'/><EventID Qualifiers='0'>%u</EventID><Level>2</Level>"
		"<TimeCreated SystemTime='%s'/><EventRecordID>%u</EventRecordID><Channel>System</Channel>"
		"<Computer>%s.lab.example</Computer><Security/></System><EventData>"
		"<Data>LAB\\u%u</Data><Data>x</Data></EventData></Event>\n",
		kdc ? "Microsoft-Windows-Kerberos-Key-Distribution-Center" : "RemoteAccess", kdc ? 39 : 20276, when, rec,
		kdc ? "DC01" : "VPN01", rnd(users));
}

/* Writes, for the round that calls it, part of a case no random stream
 * makes often: LAB\\u9 fails with 812 at 06:00:00, before everything else
 * (its incident stays #1; round 3); RRAS logs 20276 40 s later (round 4):
 * the incident's cause becomes the rule that looks for it, with the event
 * as its context; RRAS logs another 20276 only 10 s after the failure
 * (round 9): the context becomes that one while the incident's attempts,
 * and so its signature, stay as they were. Returns the records written. */
static unsigned near_case(FILE *f, unsigned rec, unsigned round)
{
	static const char rras[] =
		"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
		"<Provider Name='RemoteAccess'/><EventID Qualifiers='0'>20276</EventID><Level>2</Level>"
		"<TimeCreated SystemTime='2025-03-14T06:00:%s'/><EventRecordID>%u</EventRecordID><Channel>System</Channel>"
		"<Computer>VPN01.lab.example</Computer><Security/></System><EventData>"
		"<Data>LAB\\u9</Data><Data>x</Data></EventData></Event>\n";

	if (round == 3)
		fprintf(f,
			"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
			"<Provider Name='RasClient'/><EventID Qualifiers='0'>20227</EventID><Level>2</Level>"
			"<TimeCreated SystemTime='2025-03-14T06:00:00.0000000Z'/><EventRecordID>%u</EventRecordID>"
			"<Channel>Application</Channel><Computer>CLIENT0.lab.example</Computer><Security/></System>"
			"<EventData><Data>{77777777-0000-0000-0000-000000000000}</Data><Data>LAB\\u9</Data>"
			"<Data>Always On VPN</Data><Data>812</Data></EventData></Event>\n",
			rec);
	else
		fprintf(f, rras, round == 4 ? "40.0000000Z" : "10.0000000Z", rec);
	return 1;
}

/* Writes a RasClient 20225 (connected) of user u (on CLIENT<u % 3>) at
 * when with record id rec to f. Returns nothing. */
static void connect_event(FILE *f, unsigned rec, const char *when, unsigned u)
{
	fprintf(f,
		"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
		"<Provider Name='RasClient'/><EventID Qualifiers='0'>20225</EventID><Level>4</Level>"
		"<TimeCreated SystemTime='%s'/><EventRecordID>%u</EventRecordID><Channel>Application</Channel>"
		"<Computer>CLIENT%u.lab.example</Computer><Security/></System><EventData>"
		"<Data>{%08u-0000-0000-0000-000000000000}</Data><Data>LAB\\u%u</Data><Data>Always On VPN</Data>"
		"</EventData></Event>\n",
		when, rec, u % 3, rec, u);
}

/* Writes one random event with record id rec to f: a client failure
 * (sometimes of the CoId of the user's last one: a retry; sometimes with
 * a dial naming the server, for a retry at another time), a connect, an
 * NPS decision (one in six not for the VPN: from a NAS the clients dial)
 * or lock, or an event a rule looks for near an attempt.
 * Returns nothing. */
static void event(FILE *f, unsigned rec)
{
	static const unsigned codes[] = {691, 853, 812, 809, 13801};
	static const unsigned reasons[] = {16, 258, 48, 36, 64};
	unsigned user = rnd(users), kind = rnd(12), coid, at;
	char when[64];

	if (kind == 10) {
		near_event(f, rec, rnd(2));
		return;
	}
	at = random_time(when);
	if (kind < 4) {
		last_failure = at;
		int retry = last_coid[user] && rnd(3) == 0;

		coid = retry ? last_coid[user] : rec;
		last_coid[user] = coid;
		/* A new attempt's dial comes with it; a retry's, seldom, at another time. */
		if (retry ? rnd(4) == 0 : rnd(2) == 0) {
			char dial_when[64];

			if (retry)
				random_time(dial_when);
			else
				memcpy(dial_when, when, sizeof(dial_when));
			fprintf(f,
				"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
				"<Provider Name='RasClient'/><EventID Qualifiers='0'>20223</EventID><Level>4</Level>"
				"<TimeCreated SystemTime='%s'/><EventRecordID>%u</EventRecordID><Channel>Application</Channel>"
				"<Computer>CLIENT%u.lab.example</Computer><Security/></System><EventData>"
				"<Data>{%08u-0000-0000-0000-000000000000}</Data><Data>LAB\\u%u</Data>"
				"<Data>vpn%u.lab.example</Data><Data>WAN Miniport (IKEv2)</Data><Data>VPN2-0</Data>"
				"<Data>Vpn</Data></EventData></Event>\n",
				dial_when, 100000 + rec, user % computers, coid, user, rnd(2));
		}
		fprintf(f,
			"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
			"<Provider Name='RasClient'/><EventID Qualifiers='0'>20227</EventID><Level>2</Level>"
			"<TimeCreated SystemTime='%s'/><EventRecordID>%u</EventRecordID><Channel>Application</Channel>"
			"<Computer>CLIENT%u.lab.example</Computer><Security/></System><EventData>"
			"<Data>{%08u-0000-0000-0000-000000000000}</Data><Data>LAB\\u%u</Data><Data>Always On VPN</Data>"
			"<Data>%u</Data></EventData></Event>\n",
			when, rec, user % computers, coid, user, codes[rnd(5)]);
	} else if (kind < 5) {
		connect_event(f, rec, when, user);
	} else {
		/* wired: not a VPN decision, but its NAS is a server the clients dial:
		 * only a failure that dialled it pairs with it (a dial stored late changes that). */
		unsigned grant = kind == 8 || kind == 9, lock = kind == 11, wired = kind == 7;

		fprintf(f,
			"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
			"<Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>%u</EventID><Level>4</Level>"
			"<TimeCreated SystemTime='%s'/><EventRecordID>%u</EventRecordID><Channel>Security</Channel>"
			"<Computer>NPS0%u.lab.example</Computer><Security/></System><EventData>"
			"<Data Name='SubjectUserName'>u%u@lab.example</Data><Data Name='SubjectDomainName'>LAB</Data>"
			"<Data Name='FullyQualifiedSubjectUserName'>LAB\\u%u</Data><Data Name='NASIdentifier'>%s</Data>"
			"<Data Name='NASPortType'>%s</Data><Data Name='ClientName'>VPN01</Data>"
			"<Data Name='NetworkPolicyName'>AOVPN User Tunnel</Data><Data Name='AuthenticationType'>EAP</Data>"
			"<Data Name='ReasonCode'>%u</Data></EventData></Event>\n",
			lock ? 6279 : grant ? 6272 : 6273, when, rec, 1 + rnd(2), user, user, wired ? "vpn0.lab.example" : "VPN01",
			wired ? "Ethernet" : "Virtual", grant ? 0 : reasons[rnd(5)]);
	}
}

/* Writes an NPS denial and, 4.5 s later, the client failure of the same
 * attempt (records rec, rec + 1) to f: paired with the default window,
 * two incidents with a window of 2 s. Returns nothing. */
static void late_pair(FILE *f, unsigned rec)
{
	fprintf(f,
		"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
		"<Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>6273</EventID><Level>4</Level>"
		"<TimeCreated SystemTime='2025-03-14T07:00:00.0000000Z'/><EventRecordID>%u</EventRecordID>"
		"<Channel>Security</Channel><Computer>NPS01.lab.example</Computer><Security/></System><EventData>"
		"<Data Name='SubjectUserName'>u0@lab.example</Data><Data Name='SubjectDomainName'>LAB</Data>"
		"<Data Name='FullyQualifiedSubjectUserName'>LAB\\u0</Data><Data Name='NASIdentifier'>VPN01</Data>"
		"<Data Name='NASPortType'>Virtual</Data><Data Name='ClientName'>VPN01</Data>"
		"<Data Name='NetworkPolicyName'>AOVPN User Tunnel</Data><Data Name='AuthenticationType'>EAP</Data>"
		"<Data Name='ReasonCode'>16</Data></EventData></Event>\n"
		"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
		"<Provider Name='RasClient'/><EventID Qualifiers='0'>20227</EventID><Level>2</Level>"
		"<TimeCreated SystemTime='2025-03-14T07:00:04.5000000Z'/><EventRecordID>%u</EventRecordID>"
		"<Channel>Application</Channel><Computer>CLIENT0.lab.example</Computer><Security/></System><EventData>"
		"<Data>{99999999-0000-0000-0000-000000000000}</Data><Data>LAB\\u0</Data><Data>Always On VPN</Data>"
		"<Data>691</Data></EventData></Event>\n",
		rec, rec + 1);
}

/* Writes to f (record rec) step of a failure whose dial is stored late:
 * 0, a client failure of CoId 88888888 without a dial and, 1 s before, a
 * denial from NAS vpn0 that is not for the VPN (they do not pair); 1, the
 * dial naming vpn0 (now they pair); 2, an earlier dial of the CoId naming
 * vpn1 (the first dial names the server: they part again). Returns
 * nothing. */
static void late_dial(FILE *f, unsigned rec, unsigned step)
{
	if (step == 0)
		fprintf(f,
			"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
			"<Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>6273</EventID><Level>4</Level>"
			"<TimeCreated SystemTime='2025-03-14T07:40:00.0000000Z'/><EventRecordID>%u</EventRecordID>"
			"<Channel>Security</Channel><Computer>NPS01.lab.example</Computer><Security/></System><EventData>"
			"<Data Name='SubjectUserName'>u0@lab.example</Data><Data Name='SubjectDomainName'>LAB</Data>"
			"<Data Name='FullyQualifiedSubjectUserName'>LAB\\u0</Data>"
			"<Data Name='NASIdentifier'>vpn0.lab.example</Data><Data Name='NASPortType'>Ethernet</Data>"
			"<Data Name='NetworkPolicyName'>AOVPN User Tunnel</Data><Data Name='AuthenticationType'>EAP</Data>"
			"<Data Name='ReasonCode'>16</Data></EventData></Event>\n"
			"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
			"<Provider Name='RasClient'/><EventID Qualifiers='0'>20227</EventID><Level>2</Level>"
			"<TimeCreated SystemTime='2025-03-14T07:40:01.0000000Z'/><EventRecordID>%u</EventRecordID>"
			"<Channel>Application</Channel><Computer>CLIENT0.lab.example</Computer><Security/></System>"
			"<EventData><Data>{88888888-0000-0000-0000-000000000000}</Data><Data>LAB\\u0</Data>"
			"<Data>Always On VPN</Data><Data>691</Data></EventData></Event>\n",
			rec, rec + 1);
	else
		fprintf(f,
			"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
			"<Provider Name='RasClient'/><EventID Qualifiers='0'>20223</EventID><Level>4</Level>"
			"<TimeCreated SystemTime='2025-03-14T07:39:5%u.0000000Z'/><EventRecordID>%u</EventRecordID>"
			"<Channel>Application</Channel><Computer>CLIENT0.lab.example</Computer><Security/></System>"
			"<EventData><Data>{88888888-0000-0000-0000-000000000000}</Data><Data>LAB\\u0</Data>"
			"<Data>vpn%u.lab.example</Data><Data>WAN Miniport (IKEv2)</Data><Data>VPN2-0</Data>"
			"<Data>Vpn</Data></EventData></Event>\n",
			step == 1 ? 8 : 0, rec, step - 1);
}

/* Appends the rows of the result tables of s to out. Returns nothing. */
static void dump(nd_store *s, nd_buf *out)
{
	static const char *const q[] = {
		"SELECT * FROM incidents ORDER BY id",
		"SELECT * FROM incident_events ORDER BY incident_id, event_ref, role",
		"SELECT * FROM incident_facts ORDER BY incident_id, pos",
		"SELECT * FROM incident_keys ORDER BY incident_id",
		"SELECT * FROM diagnose_meta ORDER BY key",
		"SELECT cause_id FROM causes ORDER BY cause_id",
		/* the tables of a renewal (nd_incidents_renew) left, the result tables' indexes */
		"SELECT type, name FROM sqlite_schema WHERE name LIKE 'incident%' ORDER BY name",
	};
	nd_error err;
	size_t i;

	nd_buf_reset(out);
	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		nd_stmt *st = NULL;
		int c;

		CHECK(nd_db_prepare(nd_store_db(s), q[i], 0, &st, "dump", &err) == 0);
		while (st && nd_db_step(st, "dump", &err) == 1) {
			for (c = 0; c < nd_db_column_count(st); c++) {
				const char *v = nd_db_column_text(st, c);

				nd_buf_printf(out, "%s|", v ? v : "NULL");
			}
			nd_buf_printf(out, "\n");
		}
		nd_db_finalize(st);
		nd_buf_printf(out, "--\n");
	}
}

/* Deletes, as another process does (on its own connection), the events
 * of one client computer from the store at path (from event_rows, the
 * table under the view events: changes() does not count what a view's
 * trigger deletes). Returns the number of events deleted. */
static long long delete_client(const char *path)
{
	nd_store *s = NULL;
	nd_db *db;
	nd_stmt *st = NULL;
	nd_error err;
	long long n = -1;

	if (nd_store_open(&s, path, &err) != 0) {
		CHECK(0);
		return -1;
	}
	db = nd_store_db(s);

	CHECK(nd_db_exec(db,
			 "BEGIN; DELETE FROM ras_client_events WHERE event_ref IN"
			 " (SELECT id FROM events WHERE computer = 'CLIENT1.lab.example');"
			 " DELETE FROM event_rows WHERE computer = 'CLIENT1.lab.example'; COMMIT;",
			 "delete", &err) == 0);
	CHECK(nd_db_prepare(db, "SELECT changes()", 0, &st, "delete", &err) == 0);
	if (st && nd_db_step(st, "delete", &err) == 1)
		n = nd_db_column_int64(st, 0);
	nd_db_finalize(st);
	nd_store_close(s);
	return n;
}

/* Deletes, as another process does (on its own connection, so that the
 * store's data_version moves), incident 2 and its rows from the store at
 * path: the number of incidents changes, their last id and the
 * parameters do not. Returns nothing. */
static void delete_incident(const char *path)
{
	nd_store *s = NULL;
	nd_error err;

	if (nd_store_open(&s, path, &err) != 0) {
		CHECK(0);
		return;
	}
	CHECK(nd_db_exec(nd_store_db(s),
			 "BEGIN; DELETE FROM incident_events WHERE incident_id = 2;"
			 " DELETE FROM incidents WHERE id = 2; COMMIT;",
			 "delete", &err) == 0);
	nd_store_close(s);
}

/* nd_news_fn: appends the incident's id, key and the count announced
 * before to the buffer ctx. Returns 0. */
static int on_news(void *ctx, const nd_res_incident *inc, int64_t previous, nd_error *err)
{
	(void)err;
	nd_buf_printf(ctx, "%lld %s %lld\n", (long long)inc->id, inc->key ? inc->key : "-", (long long)previous);
	return 0;
}

/* Opens a fresh store at path with the code tables. Returns it, or NULL. */
static nd_store *open_store(const char *path, const char *codes)
{
	nd_store *s = NULL;
	nd_error err;

	remove(path);
	if (nd_store_open(&s, path, &err) != 0 || nd_store_begin(s, &err) != 0 || nd_codes_load(s, codes, &err) != 0 ||
	    nd_store_commit(s, &err) != 0) {
		fprintf(stderr, "%s: %s\n", path, err.message);
		nd_store_close(s);
		return NULL;
	}
	return s;
}

/* Checks that a full load of s keeps as domain hints each distinct name
 * triple of the NPS audit events once (the decisions' read with them,
 * the others by a query of their own). Returns nothing. */
static void check_hints(nd_store *s, const nd_rules *rules)
{
	nd_analysis_data d;
	nd_stmt *st = NULL;
	nd_error err;
	size_t rows, n = 0, i;

	CHECK(nd_analysis_load(s, rules, &d, NULL, ND_LOAD_BESIDE, NULL, NULL, &rows, &err) == 0);
	CHECK(nd_db_prepare(nd_store_db(s),
			    "SELECT DISTINCT coalesce(subject_user_name, ''), coalesce(subject_domain_name, ''),"
			    " coalesce(fq_subject_user_name, '') FROM nps_audit_events",
			    0, &st, "hints", &err) == 0);
	while (st && nd_db_step(st, "hints", &err) == 1) {
		size_t found = 0;

		for (i = 0; i < d.nhints; i++)
			found += strcmp(d.hints[i].user, nd_db_column_text(st, 0)) == 0 &&
				 strcmp(d.hints[i].domain, nd_db_column_text(st, 1)) == 0 &&
				 strcmp(d.hints[i].fq, nd_db_column_text(st, 2)) == 0;
		CHECK(found == 1);
		n++;
	}
	CHECK(n > 0 && n == d.nhints);
	nd_db_finalize(st);
	nd_analysis_data_free(&d);
}

/* Returns 1 if events a and b of d have values, the same ones, but each
 * its own list of them, else 0. */
static int unshared(const nd_analysis_data *d, const nd_event *a, const nd_event *b)
{
	return a->nfields && a->nfields == b->nfields && a->field != b->field &&
	       memcmp(&d->fields[a->field], &d->fields[b->field], a->nfields * sizeof(*d->fields)) == 0;
}

/* Checks that every event a full load of s keeps has, for each name the
 * rules read, the first value the event_fields view gives it (read with
 * the events: the client failures on the first connection, the decisions
 * on a second one or, !beside, on the first too), and that on one
 * connection events with the same values share one list of them (the
 * last event of each query too: shared once the query ends). Returns
 * nothing. */
static void check_fields(nd_store *s, const nd_rules *rules)
{
	int beside;

	for (beside = 0; beside < 2; beside++) {
		nd_analysis_data d;
		nd_stmt *st = NULL;
		nd_error err;
		size_t rows, i, k, found = 0;

		CHECK(nd_analysis_load(s, rules, &d, NULL, beside, NULL, NULL, &rows, &err) == 0);
		CHECK(nd_db_prepare(nd_store_db(s),
				    "SELECT value FROM event_fields WHERE event_ref = ?1 AND lower(name) = lower(?2)"
				    " AND value IS NOT NULL ORDER BY pos LIMIT 1",
				    0, &st, "fields", &err) == 0);
		for (i = 0; st && i < d.nevents; i++)
			for (k = 0; k < d.nnames; k++) {
				const char *v = nd_analysis_field_of(&d, &d.events[i], k), *want;
				int rc;

				nd_db_reset(st);
				CHECK(nd_db_bind_int64(st, 1, d.events[i].ref, "fields", &err) == 0 &&
				      nd_db_bind_text(st, 2, d.names[k], "fields", &err) == 0);
				rc = nd_db_step(st, "fields", &err);
				want = rc == 1 ? nd_db_column_text(st, 0) : NULL;
				CHECK(rc >= 0 && !v == !want && (!v || strcmp(v, want) == 0));
				found += v != NULL;
			}
		CHECK(found > d.nevents);
		for (i = 0; !beside && i < d.nevents; i++)
			for (k = i + 1; k < d.nevents; k++)
				CHECK(!unshared(&d, &d.events[i], &d.events[k]));
		CHECK(beside || d.nfields < found);
		nd_db_finalize(st);
		nd_analysis_data_free(&d);
	}
}

/* Returns 1 if strings a and b (either NULL) are equal, else 0. */
static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Returns 1 if hint h of a is among the hints of b, else 0. */
static int has_hint(const nd_analysis_data *b, const nd_domain_hint *h)
{
	size_t i;

	for (i = 0; i < b->nhints; i++)
		if (same_str(b->hints[i].user, h->user) && same_str(b->hints[i].domain, h->domain) &&
		    same_str(b->hints[i].fq, h->fq))
			return 1;
	return 0;
}

/* Checks that full loads of s on two connections (the decisions split
 * between the second connection's thread and the first's) give what a
 * load on one connection gives: the same decisions in the same order with
 * the same strings, the same events with the same field values, hints (in
 * another order: one connection reads the other NPS names first) and
 * logged times. The split as a test sets it (the first connection's 0, 1
 * and 8 parts, the second connection failing: the first reads them all),
 * then where the threads happen to meet; and a load whose first
 * connection fails ends with that error, the second one stopped. Returns
 * nothing. */
static void check_split(nd_store *s, const nd_rules *rules)
{
	static const int beside[] = {
	    ND_LOAD_BESIDE | ND_LOAD_PARTS(0),
	    ND_LOAD_BESIDE | ND_LOAD_PARTS(1),
	    ND_LOAD_BESIDE | ND_LOAD_PARTS(8),
	    ND_LOAD_BESIDE | ND_LOAD_PARTS(2) | ND_LOAD_SIDE_FAILS,
	    ND_LOAD_BESIDE | ND_LOAD_SIDE_FAILS,
	    ND_LOAD_BESIDE,
	    ND_LOAD_BESIDE,
	    ND_LOAD_BESIDE,
	};
	nd_analysis_data one, two;
	nd_error err;
	size_t rows_one, rows_two, i, k, round;

	for (round = 0; round < 2; round++) {
		memset(&err, 0, sizeof(err));
		CHECK(nd_analysis_load(s, rules, &two, NULL, ND_LOAD_BESIDE | ND_LOAD_FAILS | ND_LOAD_PARTS(round ? 8 : 0),
				       NULL, NULL, &rows_two, &err) == -1);
		CHECK(strcmp(err.message, "injected failure") == 0 && two.nevents == 0 && two.ndecisions == 0);
	}
	CHECK(nd_analysis_load(s, rules, &one, NULL, 0, NULL, NULL, &rows_one, &err) == 0);
	for (round = 0; round < sizeof(beside) / sizeof(beside[0]); round++) {
		CHECK(nd_analysis_load(s, rules, &two, NULL, beside[round], NULL, NULL, &rows_two, &err) == 0);
		CHECK(rows_one == rows_two && one.ndecisions == two.ndecisions && one.nevents == two.nevents &&
		      one.nhints == two.nhints && one.ntimes == two.ntimes && one.strings.n == two.strings.n &&
		      one.ndecisions > 0);
		for (i = 0; i < one.ndecisions && i < two.ndecisions; i++) {
			const nd_decision *a = &one.decisions[i], *b = &two.decisions[i];

			CHECK(a->ref == b->ref && a->ts == b->ts && a->host == b->host && a->event == b->event &&
			      a->has_reason == b->has_reason && a->reason == b->reason);
			CHECK(same_str(nd_analysis_s(&one, a->user), nd_analysis_s(&two, b->user)) &&
			      same_str(nd_analysis_s(&one, a->domain), nd_analysis_s(&two, b->domain)) &&
			      same_str(nd_analysis_s(&one, a->fq), nd_analysis_s(&two, b->fq)) &&
			      same_str(nd_analysis_s(&one, a->nas), nd_analysis_s(&two, b->nas)) &&
			      same_str(nd_analysis_s(&one, a->port_type), nd_analysis_s(&two, b->port_type)) &&
			      same_str(nd_analysis_s(&one, a->auth_type), nd_analysis_s(&two, b->auth_type)) &&
			      same_str(nd_analysis_s(&one, a->nas_addr), nd_analysis_s(&two, b->nas_addr)));
		}
		for (i = 0; i < one.nevents && i < two.nevents; i++) {
			const nd_event *a = &one.events[i], *b = &two.events[i];

			CHECK(a->ref == b->ref && a->ts == b->ts && a->id == b->id && a->host == b->host &&
			      a->flags == b->flags && a->nfields == b->nfields &&
			      same_str(nd_analysis_s(&one, a->family), nd_analysis_s(&two, b->family)) &&
			      same_str(nd_analysis_s(&one, a->provider), nd_analysis_s(&two, b->provider)));
			for (k = 0; k < one.nnames; k++)
				CHECK(same_str(nd_analysis_field_of(&one, a, k), nd_analysis_field_of(&two, b, k)));
		}
		for (i = 0; i < one.nhints; i++)
			CHECK(has_hint(&two, &one.hints[i]));
		for (i = 0; i < one.ntimes && i < two.ntimes; i++)
			CHECK(one.times[i].ref == two.times[i].ref && one.times[i].last == two.times[i].last &&
			      same_str(one.times[i].text, two.times[i].text));
		nd_analysis_data_free(&two);
	}
	nd_analysis_data_free(&one);
}

/* Returns the root page of the table incidents of s, -1 when not found. */
static int64_t incidents_root(nd_store *s)
{
	nd_stmt *st = NULL;
	nd_error err;
	int64_t root = -1;

	CHECK(nd_db_prepare(nd_store_db(s), "SELECT rootpage FROM sqlite_schema WHERE name = 'incidents'", 0, &st,
			    "root", &err) == 0);
	if (st && nd_db_step(st, "root", &err) == 1)
		root = nd_db_column_int64(st, 0);
	nd_db_finalize(st);
	return root;
}

/* Checks that a run of s that fails as a test makes it (its load on the
 * first connection once its part of the decisions is read, the second
 * stopped; or once grouped, the previous run's keys being read, that read
 * stopped; or once its rows are written, parts of them committed) ends
 * with that error and leaves the stored results as the last run stored
 * them, no new tables of its renewal left, and that runs whose load is
 * split as a test sets it (8 parts, the second connection failing) or
 * whose renewal commits a part per incident store the same. Returns
 * nothing. */
static void check_fail(nd_store *s, const nd_rules *rules)
{
	static const int test[] = {
	    ND_DIAGNOSE_FAILS,       ND_LOAD_FAILS,     ND_LOAD_FAILS | ND_LOAD_PARTS(8), ND_DIAGNOSE_FAILS | ND_LOAD_PARTS(8),
	    ND_LOAD_PARTS(8),        ND_LOAD_SIDE_FAILS, 0, ND_DIAGNOSE_PARTS, ND_DIAGNOSE_PARTS | ND_DIAGNOSE_WRITE_FAILS,
	    ND_DIAGNOSE_WRITE_FAILS,
	};
	nd_diagnose_params p = ND_DIAGNOSE_DEFAULTS;
	nd_diagnose_stats st;
	nd_buf before = {0}, after = {0};
	nd_error err;
	size_t i;
	int64_t root;

	CHECK(nd_diagnose_run(s, rules, &p, &st, &err) == 0);
	root = incidents_root(s);
	dump(s, &before);
	CHECK(st.incidents > 0 && before.len > 0);
	for (i = 0; i < sizeof(test) / sizeof(test[0]); i++) {
		int fails = test[i] & (ND_DIAGNOSE_FAILS | ND_LOAD_FAILS | ND_DIAGNOSE_WRITE_FAILS);

		p.test = test[i];
		memset(&err, 0, sizeof(err));
		CHECK(nd_diagnose_run(s, rules, &p, &st, &err) == (fails ? -1 : 0));
		CHECK(!fails || strstr(err.message, "injected failure") != NULL);
		/* a renewal put new tables in place (store in WAL mode, nd_incidents_renew) */
		if (!fails && (test[i] & ND_DIAGNOSE_PARTS))
			CHECK(incidents_root(s) != root);
		root = incidents_root(s);
		dump(s, &after);
		CHECK(after.len == before.len && memcmp(after.data, before.data, before.len) == 0);
	}
	nd_buf_free(&before);
	nd_buf_free(&after);
}

/* A stream: users users, first random events in its first round, then
 * more (EVENTS and one more each round) or, quiet, per_round each round. */
typedef struct stream {
	unsigned users, first, per_round;
} stream;

/* Returns 1 when batches in memory a and b hold the same rows, else 0. */
static int same_rows(const nd_batch *a, const nd_batch *b)
{
	size_t r, c;

	if (nd_batch_rows(a) != nd_batch_rows(b) || a->ncols != b->ncols)
		return 0;
	for (r = 0; r < nd_batch_rows(a); r++) {
		for (c = 0; c < a->ncols; c++) {
			int64_t ia = 0, ib = 0;
			const char *sa = NULL, *sb = NULL;
			int ka = nd_batch_get(a, r, c, &ia, &sa), kb = nd_batch_get(b, r, c, &ib, &sb);

			if (ka != kb || ia != ib || (ka == 2 && strcmp(sa, sb) != 0))
				return 0;
		}
	}
	return 1;
}

/* Diagnoses s again, keeping the diagnosis, and checks that the rows of
 * each incident built with a plan (nd_row_plan, as the printer builds
 * them) are those built without (as the writer of a full or incremental
 * run builds them), facts among them. Returns nothing. */
static void check_plan_rows(nd_store *s, const nd_rules *rules, const nd_diagnose_params *p)
{
	nd_diagnosis x;
	nd_diagnose_stats st;
	nd_row_plan *plan = NULL;
	nd_result_rows a, b;
	nd_error err;
	size_t i;

	memset(&x, 0, sizeof(x));
	CHECK(nd_diagnose_keep(s, rules, p, &x, 1, &st, &err) == 0);
	CHECK(nd_row_plan_make(&x, &plan, &err) == 0);
	CHECK(nd_result_rows_open(&a, &err) == 0 && nd_result_rows_open(&b, &err) == 0);
	for (i = 0; plan && i < x.g.n; i++) {
		CHECK(nd_diagnosis_rows(&x, NULL, i, &a, &err) == 0);
		CHECK(nd_diagnosis_rows(&x, plan, i, &b, &err) == 0);
	}
	CHECK(x.g.n > 0 && nd_batch_rows(&b.facts) > 0);
	CHECK(same_rows(&a.incidents, &b.incidents) && same_rows(&a.events, &b.events) &&
	      same_rows(&a.facts, &b.facts));
	nd_result_rows_close(&a);
	nd_result_rows_close(&b);
	nd_row_plan_free(plan);
	nd_diagnosis_free(&x);
}

/* Replays stream sm into the stores at path_a (diagnosed with a memory)
 * and path_b (in full) through the file xml, comparing them after every
 * round. Returns the rounds in which incidents kept their grouping and
 * keys from the last round. */
static size_t replay(const stream *sm, const nd_rules *rules, const nd_rules *client_facts, const char *codes,
		     const char *path_a, const char *path_b, char *xml)
{
	char *paths[1] = {xml};
	nd_diagnose_params p = ND_DIAGNOSE_DEFAULTS, other = ND_DIAGNOSE_DEFAULTS;
	nd_diagnose_memory *m = nd_diagnose_memory_new();
	nd_store *a, *b;
	nd_error err;
	nd_buf da = {0}, db = {0}, na = {0}, nb = {0};
	nd_news *news_a = nd_news_new(), *news_b = nd_news_new();
	unsigned round, k, rec = 1;
	size_t partial = 0, fewer = 0, kept = 0, reloads = 0, news_rounds = 0;

	users = sm->users;
	computers = 3;
	memset(last_coid, 0, sizeof(last_coid));
	a = open_store(path_a, codes);
	b = open_store(path_b, codes);
	CHECK(a != NULL && b != NULL && m != NULL && news_a != NULL && news_b != NULL);
	for (round = 0; a && b && m && round < ROUNDS; round++) {
		nd_ingest_report rep = {0};
		nd_ingest_totals ta, tb;
		nd_diagnose_stats sa, sb;
		FILE *f = fopen(xml, "w");

		if (!f)
			break;
		if (round == 0) {
			/* Split by the other process's run below: its keys then differ from the kept ones. */
			late_pair(f, rec);
			rec += 2;
			/* Their hosts from the start (new hosts come later: a client computer, and the one deleted below). */
			near_event(f, rec++, 0);
			near_event(f, rec++, 1);
			for (k = 0; k < 3; k++)
				connect_event(f, rec++, "2025-03-14T07:30:00.0000000Z", k);
		}
		if (round == 3 || round == 4 || round == 9)
			rec += near_case(f, rec, round);
		if (round == ROUNDS / 2 + 2)
			computers = 4; /* CLIENT3: a new host between the others (the NPS servers move up) */
		if (round >= 10 && round <= 12) {
			late_dial(f, rec, round - 10);
			rec += 2;
		}
		for (k = 0; k < (round == 0 ? sm->first : sm->per_round ? sm->per_round : EVENTS + round); k++)
			event(f, rec++);
		fclose(f);
		memset(&ta, 0, sizeof(ta));
		memset(&tb, 0, sizeof(tb));
		CHECK(nd_ingest_paths(a, paths, 1, NULL, &rep, &ta, &err) == 0);
		CHECK(nd_ingest_paths(b, paths, 1, NULL, &rep, &tb, &err) == 0);
		if (round == ROUNDS / 3) {
			/* Another process deletes events: the kept ones are stale. */
			CHECK(delete_client(path_a) > 0);
			CHECK(delete_client(path_b) > 0);
		}
		if (round == ROUNDS / 2 + 1) {
			/* Another process deletes an incident: the stamp must count them
			 * (data_version moved), not take the last id for their number. */
			delete_incident(path_a);
			delete_incident(path_b);
		}
		if (round == ROUNDS / 2) {
			/* Another process diagnoses both with other parameters meanwhile
			 * (keys carry over from it in both). */
			other.window_s = 2;
			CHECK(nd_diagnose_run(a, rules, &other, &sa, &err) == 0);
			CHECK(nd_diagnose_run(b, rules, &other, &sb, &err) == 0);
		}
		if (round == ROUNDS * 3 / 4)
			p.gap_s = 60; /* incidents kept from the last round were grouped with the old gap */
		CHECK(nd_diagnose_again(a, rules, &p, m, &sa, &err) == 0);
		CHECK(nd_diagnose_run(b, rules, &p, &sb, &err) == 0);
		CHECK(sa.incidents == sb.incidents && sa.findings == sb.findings && sa.attempts == sb.attempts);
		CHECK(sb.rewritten == sb.incidents + sb.findings);
		CHECK(sa.rewritten <= sa.incidents + sa.findings);
		if (round == ROUNDS / 2 || round == ROUNDS / 2 + 1)
			CHECK(sa.rewritten == sa.incidents + sa.findings);
		partial += sa.rewritten < sa.incidents + sa.findings;
		CHECK(sb.kept == 0 && sb.keyed == sb.incidents + sb.findings && sa.kept <= sa.incidents);
		kept += sa.kept > 0 && sa.keyed < sa.incidents + sa.findings;
		fewer += sa.loaded < sb.loaded;
		/* Only events gone away load everything again: not a new host, nor a dial
		 * that names the server of a failure loaded before, nor an earlier dial. */
		reloads += round > 0 && sa.loaded == sb.loaded;
		CHECK(sa.loaded <= sb.loaded && sb.loaded > 0);
		if (round == ROUNDS / 3)
			CHECK(sa.loaded == sb.loaded);
		/* The news read from the lowest id rewritten on (as tail reads it) are
		 * the news of the whole table. */
		nd_buf_reset(&na);
		nd_buf_reset(&nb);
		CHECK(nd_news_scan(news_a, nd_store_db(a), sa.since, sa.first, on_news, &na, &err) >= 0);
		CHECK(nd_news_scan(news_b, nd_store_db(b), INT64_MIN, 0, on_news, &nb, &err) >= 0);
		CHECK(na.len == nb.len && (!na.len || memcmp(na.data, nb.data, na.len) == 0));
		if (na.len != nb.len || (na.len && memcmp(na.data, nb.data, na.len) != 0))
			fprintf(stderr, "%u users, round %u: news from id %lld:\n%s\nof the whole table:\n%s\n", sm->users,
				round, (long long)sa.first, na.len ? na.data : "", nb.len ? nb.data : "");
		news_rounds += round > 0 && na.len > 0;
		dump(a, &da);
		dump(b, &db);
		CHECK(da.len == db.len && da.len > 0 && memcmp(da.data, db.data, da.len) == 0);
		if (da.len != db.len || memcmp(da.data, db.data, da.len) != 0)
			fprintf(stderr, "%u users, round %u differs:\nincremental:\n%s\nfull:\n%s\n", sm->users, round,
				da.data, db.data);
	}
	CHECK(partial > 0 && fewer > ROUNDS / 2);
	CHECK(reloads == 1 && news_rounds > ROUNDS / 2);
	nd_buf_free(&da);
	nd_buf_free(&db);
	nd_buf_free(&na);
	nd_buf_free(&nb);
	nd_news_free(news_a);
	nd_news_free(news_b);
	nd_diagnose_memory_free(m);
	check_hints(b, rules);
	check_fields(b, rules);
	check_fields(b, client_facts);
	check_split(b, rules);
	check_fail(b, rules);
	check_plan_rows(b, rules, &p);
	nd_store_close(a);
	nd_store_close(b);
	remove(path_a);
	remove(path_b);
	remove(xml);
	return kept;
}

int main(int argc, char **argv)
{
	/* 4 users, all touched most rounds; 40 users, a few touched a round (most
	 * incidents keep their grouping and keys: new attempts between old
	 * ones of an identity split and merge its incidents). */
	static const stream streams[] = {{4, EVENTS, 0}, {40, 160, 4}};
	/* a rule that reads fields of the client failures too */
	static const char client_rule[] = "[cause test-client-facts]\ntitle = Test\nconfidence = possible\n"
					  "client.error = 4242\nexplanation = Test.\nstep = None.\n"
					  "fact = client.UserName\nfact = client.CoId\n";
	char rules_dir[4096], codes[4096], path_a[4096], path_b[4096], xml[4096], client_rules[4096];
	nd_rules rules, client_facts;
	nd_error err;
	FILE *f;

	if (argc < 3)
		return 2;
	snprintf(rules_dir, sizeof(rules_dir), "%s/rules", argv[2]);
	snprintf(codes, sizeof(codes), "%s/rules/codes", argv[2]);
	snprintf(path_a, sizeof(path_a), "%s/diagnose_again_a.db", argv[1]);
	snprintf(path_b, sizeof(path_b), "%s/diagnose_again_b.db", argv[1]);
	snprintf(xml, sizeof(xml), "%s/diagnose_again.xml", argv[1]);
	snprintf(client_rules, sizeof(client_rules), "%s/diagnose_client_facts.rules", argv[1]);
	if (!(f = fopen(client_rules, "w")) || fputs(client_rule, f) < 0 || fclose(f) != 0)
		return 1;
	if (nd_rules_init(&rules, &err) != 0 || nd_rules_load_dir(&rules, rules_dir, &err) != 0 ||
	    nd_rules_init(&client_facts, &err) != 0 || nd_rules_load_dir(&client_facts, rules_dir, &err) != 0 ||
	    nd_rules_load_dir(&client_facts, argv[1], &err) != 0) {
		fprintf(stderr, "rules: %s\n", err.message);
		return 1;
	}
	remove(client_rules);
	replay(&streams[0], &rules, &client_facts, codes, path_a, path_b, xml);
	CHECK(replay(&streams[1], &rules, &client_facts, codes, path_a, path_b, xml) > ROUNDS / 2);
	nd_rules_free(&rules);
	nd_rules_free(&client_facts);
	return check_report();
}
