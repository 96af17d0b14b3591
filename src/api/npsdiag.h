/* npsdiag.h: the npsdiag library, the one header of its public API
 * (docs/api.md). The command line is a thin front end over it; a service or
 * another program uses the same calls.
 *
 * A session holds a database, the root-cause rules and the code tables.
 * Every call returns 0 (or a count) on success and -1 on failure, filling
 * the npsdiag_error the caller passes with a message for a person. Handles
 * are opaque; strings handed to callbacks are valid during the callback
 * only. One session belongs to one thread at a time. The first session
 * opened in a process configures SQLite (docs/api.md, Threading): open it
 * before other threads of the program use SQLite.
 */
#ifndef NPSDIAG_H
#define NPSDIAG_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NPSDIAG_ERROR_MAX 1024

/* What went wrong, for a person. Filled by every call that fails. */
typedef struct npsdiag_error {
	char message[NPSDIAG_ERROR_MAX];
} npsdiag_error;

/* Returns the library's version, e.g. "0.1.0". */
const char *npsdiag_version(void);

/* --- Session --------------------------------------------------------- */

typedef struct npsdiag_session npsdiag_session;

typedef enum npsdiag_mode {
	NPSDIAG_NO_DATABASE, /* rules and code tables only (explain) */
	NPSDIAG_READ,        /* an existing database, never created: results are read and the diagnosis runs
				when asked, stored when the database can be written, else kept in memory for
				the session (evidence on read-only media) */
	NPSDIAG_WRITE        /* ingest, follow, diagnose: the code tables are loaded into the database */
} npsdiag_mode;

typedef struct npsdiag_options {
	npsdiag_mode mode;
	const char *db; /* the database file (NPSDIAG_WRITE creates it when missing); ignored for
			   NPSDIAG_NO_DATABASE */
	/* Rule directories laid over the shipped rules, in order: a rule with
	 * the id of one loaded before replaces it, a new id adds a rule, and a
	 * directory with a codes/ folder replaces the code tables. */
	const char *const *rule_dirs;
	size_t nrule_dirs;
} npsdiag_options;

/* Finds the directory of the shipped rules: $NPSDIAG_RULES, else rules/
 * beside the executable (a flat zip, the build tree), else
 * ../share/npsdiag/rules from it (an installed tree, wherever it was put).
 * Returns 0 with the path in buf (size bytes), or -1 with err set when
 * none is a directory. */
int npsdiag_rules_dir(char *buf, size_t size, npsdiag_error *err);

/* Opens a session. The rules are read when first needed (diagnose,
 * follow, explain). Returns 0 with *out set, or -1 with err set (*out is
 * then NULL). */
int npsdiag_open(npsdiag_session **out, const npsdiag_options *o, npsdiag_error *err);

/* Closes a session (NULL is fine). Returns nothing. */
void npsdiag_close(npsdiag_session *s);

/* What a session's database holds. */
typedef struct npsdiag_store_info {
	int has_events;          /* 1 when any event is stored */
	int readonly;            /* 1 when the database cannot be written: a diagnosis stays in memory */
	int64_t first_ts, last_ts; /* the oldest and newest stored event (100 ns units since 1970) */
} npsdiag_store_info;

/* Describes what the session's database holds. Returns 0 with info
 * filled, or -1 with err set (no database in the session, a read error). */
int npsdiag_store_describe(npsdiag_session *s, npsdiag_store_info *info, npsdiag_error *err);

/* --- Ingest ----------------------------------------------------------- */

typedef enum npsdiag_problem_kind {
	NPSDIAG_PROBLEM_ERROR,  /* something could not be read */
	NPSDIAG_PROBLEM_WARNING /* an oddity that lost nothing */
} npsdiag_problem_kind;

/* What ingesting one file did. */
typedef struct npsdiag_file_stats {
	uint64_t records;    /* records walked */
	uint64_t wanted;     /* records of a kept family */
	uint64_t stored;     /* new events stored */
	uint64_t duplicates; /* wanted events already stored */
	uint64_t skipped;    /* records of no interest, never decoded */
	uint64_t errors;     /* records or chunks that could not be read */
	uint64_t warnings;   /* oddities that lost nothing */
	uint64_t chunks;     /* chunks read */
	uint64_t unchanged;  /* chunks skipped: same as at the last ingest */
} npsdiag_file_stats;

typedef struct npsdiag_ingest_totals {
	size_t files;
	size_t files_failed;
	npsdiag_file_stats sum;
} npsdiag_ingest_totals;

/* How ingest (and follow) report to the caller. Any member may be NULL. */
typedef struct npsdiag_ingest_callbacks {
	void *ctx;
	/* A problem with an input; msg names the file and where. */
	void (*problem)(void *ctx, npsdiag_problem_kind kind, const char *msg);
	/* Progress within file number index (0-based) of count. */
	void (*progress)(void *ctx, const char *path, size_t index, size_t count, uint64_t done, uint64_t total);
	/* A file is done; failed is 1 when it could not be read at all. */
	void (*file_done)(void *ctx, const char *path, const npsdiag_file_stats *st, int failed);
	/* How a .evtx file's kept records were decoded: fast ones by npsdiag's
	 * own decoder, fallback ones by libevtx (the records it refused, or
	 * all with the "libevtx" decoder). */
	void (*decoded)(void *ctx, const char *path, uint64_t fast, uint64_t fallback);
} npsdiag_ingest_callbacks;

/* Chooses how the session's ingest and follow decode .evtx records:
 * "fast" (the default: npsdiag's own decoder, libevtx for the records it
 * refuses) or "libevtx" (libevtx for every record, for comparison; see
 * docs/decoder.md). Returns 0, or -1 with err set (an unknown name). */
int npsdiag_set_decoder(npsdiag_session *s, const char *name, npsdiag_error *err);

/* Ingests files, directories (searched recursively; each file's format is
 * recognized from its content) and "-" (the standard input) into a session
 * opened NPSDIAG_WRITE. Problems with inputs are reported and
 * counted and the run goes on. Returns 0 with totals filled (check them
 * for input problems), or -1 with err set when the database failed. */
int npsdiag_ingest(npsdiag_session *s, char *const *paths, size_t npaths, const npsdiag_ingest_callbacks *cb,
		   npsdiag_ingest_totals *totals, npsdiag_error *err);

/* How ingest reads its inputs (npsdiag_ingest_with). */
typedef struct npsdiag_ingest_options {
	/* The NPS servers' zone for the local times of NPS text logs: "UTC" or
	 * an offset ("+01:00", "-05:00"). NULL: read as UTC, with a warning. */
	const char *tz;
	/* Threads that decode .evtx chunks while one reads and stores: 0 one
	 * per processor but one, started when a chunk keeps many records (the
	 * default), 1 none. The database is the same whatever the number. */
	unsigned threads;
} npsdiag_ingest_options;

/* npsdiag_ingest with options (o may be NULL). Returns as npsdiag_ingest;
 * a bad option is an error (-1, err set) before anything is read. */
int npsdiag_ingest_with(npsdiag_session *s, char *const *paths, size_t npaths, const npsdiag_ingest_options *o,
			const npsdiag_ingest_callbacks *cb, npsdiag_ingest_totals *totals, npsdiag_error *err);

/* --- Diagnose --------------------------------------------------------- */

typedef struct npsdiag_params {
	double window_s; /* seconds a client failure may follow its NPS decision */
	double skew_s;   /* largest clock offset between a client and an NPS server */
	double gap_s;    /* attempts further apart start a new incident */
} npsdiag_params;

#define NPSDIAG_PARAMS_DEFAULT {5.0, 2.0, 3600.0}

/* The range of each, in seconds: a window above 0 and up to
 * NPSDIAG_WINDOW_MAX_S, a skew and a gap from 0 up to theirs. A call given
 * a value out of its range (a NaN or an infinity too) fails (-1, err
 * naming it) before it reads or writes anything. */
#define NPSDIAG_WINDOW_MAX_S 3600
#define NPSDIAG_SKEW_MAX_S 86400
#define NPSDIAG_GAP_MAX_S 2592000

/* Says whether v is in the range of the parameter which ('w' window_s,
 * 's' skew_s, 'g' gap_s), and sets *range (range may be NULL) to that
 * range in words ("seconds from above 0 to 3600"; NULL for another
 * which). Returns 1 when it is, else 0 (a NaN, or another which, too). */
int npsdiag_param_ok(int which, double v, const char **range);

typedef struct npsdiag_diagnose_stats {
	size_t attempts;  /* connection attempts judged */
	size_t paired;    /* of which with a client failure and an NPS decision */
	size_t unmatched; /* attempts no rule matched (not reported) */
	size_t incidents;
	size_t findings;
} npsdiag_diagnose_stats;

/* Diagnoses everything stored (params NULL: the defaults) and stores the
 * results, replacing the previous ones (in memory for this session when the
 * database cannot be written). Returns 0 with st filled (st may
 * be NULL), or -1 with err set (a rule or database error). */
int npsdiag_diagnose(npsdiag_session *s, const npsdiag_params *params, npsdiag_diagnose_stats *st,
		     npsdiag_error *err);

/* Returns 1 when the database holds the results of a diagnosis, else 0. */
int npsdiag_diagnosed(npsdiag_session *s);

/* --- Results ---------------------------------------------------------- */

/* Which incidents and findings to write; every member is optional. */
typedef struct npsdiag_filter {
	/* A user as written anywhere (LAB\rdeckard, rdeckard@lab.example,
	 * rdeckard, host/CLIENT01.lab.example, CLIENT01$), matched
	 * case-insensitively against every form of an incident's identity;
	 * leaves out findings. */
	const char *user;
	const char *since; /* as given, with since_ts parsed from it (e.g. by npsdiag_parse_time) */
	const char *until;
	int64_t since_ts, until_ts; /* 100 ns units since 1970-01-01T00:00:00Z */
	const char *cause;      /* a cause id; one the results do not know is an error listing them */
	const char *user_regex; /* PCRE2 pattern on user and identity (case-insensitive); leaves out findings */
	/* A client, VPN or NPS server: its name or first DNS label, any case. */
	const char *host;
} npsdiag_filter;

/* Parses an ISO time, or a date YYYY-MM-DD (its start, or its end when
 * end_of_day). Returns 0 with *ts set (FILETIME units), or -1. */
int npsdiag_parse_time(const char *s, int end_of_day, int64_t *ts);

/* The process's local zone, which human output shows times in when asked
 * (npsdiag_write_options.tz) and npsdiag_local_to_unix reads them in.
 * Process-wide, like the C library's $TZ on POSIX. npsdiag_zone_named
 * takes "local" (the system's zone) or a zone name the system has (POSIX:
 * an IANA name; Windows: none) and fills name (size bytes) with what to
 * call it; npsdiag_zone_offset takes a fixed offset in seconds east of UTC
 * (0: UTC). Both return 0, or -1 when the zone is unknown. */
int npsdiag_zone_named(const char *zone, char *name, size_t size);
int npsdiag_zone_offset(long offset_s);

/* Says which names npsdiag_zone_named takes on this system, as a phrase
 * for a message: "an IANA zone name (Europe/Berlin)" on POSIX, "local
 * (...)" on Windows. Returns a constant string. */
const char *npsdiag_zone_names(void);

/* Converts a wall-clock time in the local zone (a day past the month's end
 * runs on) to seconds since 1970, UTC. Returns 0 with *unix_s set, or -1. */
int npsdiag_local_to_unix(int year, int month, int day, int hour, int minute, int second, int64_t *unix_s);

#define NPSDIAG_TIME_SIZE 64

/* Writes unix_s (seconds since 1970) as ISO 8601 UTC in whole seconds,
 * "YYYY-MM-DDTHH:MM:SSZ", into buf (NPSDIAG_TIME_SIZE bytes). Returns buf. */
char *npsdiag_format_time(int64_t unix_s, char *buf);

typedef struct npsdiag_write_options {
	int color;             /* text: colour for a terminal (npsdiag_console_color) */
	const char *generated; /* reports: the generation time to show, or NULL for none */
	const char *output;    /* the name of out in write errors (a path); NULL: "standard output" */
	/* Human output (text, html, md): NULL shows times in UTC; else they are
	 * shown in the process's local zone (the C library's, set by the
	 * program through $TZ) and tz names it for the reader ("Europe/Berlin").
	 * Data formats (json, jsonl, csv) stay UTC. */
	const char *tz;
	char *const *certs;    /* html, md, json: certificate files (npsdiag_cert_check reads them the same way)
				* for a certificate section naming the incidents their findings explain */
	size_t ncerts;
} npsdiag_write_options;

/* Writes the stored results the filter selects (f may be NULL) to out in
 * format: "text", "brief" (an incident a line), "json", "jsonl" (json,
 * text and brief end with a summary by cause), "ecs" (jsonl shaped for
 * Elastic) or "html", "md", "csv" (documents). Returns 0 with *shown set to
 * the number of incidents and findings written (NULL is fine; documents
 * leave it 0), or -1 with err set (an unknown format, a bad filter, no
 * results, a database or write error). */
int npsdiag_write_results(npsdiag_session *s, const char *format, const npsdiag_filter *f,
			  const npsdiag_write_options *o, FILE *out, size_t *shown, npsdiag_error *err);

/* npsdiag_diagnose, then npsdiag_write_results: the same results stored
 * and the same bytes written, but the formats of diagnose (text, brief,
 * json, jsonl, ecs) are written from the diagnosis in memory instead of
 * being read back from the database. Returns 0 with st (may be NULL) and
 * *shown (may be NULL) set, or -1 with err set. */
int npsdiag_diagnose_write(npsdiag_session *s, const npsdiag_params *params, npsdiag_diagnose_stats *st,
			   const char *format, const npsdiag_filter *f, const npsdiag_write_options *o, FILE *out,
			   size_t *shown, npsdiag_error *err);

/* --- Follow ----------------------------------------------------------- */

/* One incident or finding that is new, or has grown, since it was last
 * handed over. Strings may be NULL. */
typedef struct npsdiag_news {
	const char *kind; /* incident or finding */
	const char *cause_id;
	const char *title;
	const char *confidence;
	const char *match;
	const char *user_name;
	const char *client;
	const char *vpn_server;
	const char *nps_server;
	const char *first_time;
	const char *last_time;
	const char *status;
	int64_t client_error; /* when has_client_error */
	int64_t nps_reason;   /* when has_nps_reason */
	int64_t event_id;     /* the evidence event of a finding, else the NPS event */
	int has_client_error, has_nps_reason, has_event_id;
	int64_t count, paired;
	int64_t previous_count; /* 0 for a new incident, else the count handed over before */
	const void *incident;   /* the whole incident as loaded, for npsdiag_write_news: opaque */
} npsdiag_news;

typedef struct npsdiag_follow_callbacks {
	void *ctx;
	/* A piece of news. Returns 0, or -1 with err set to stop following. */
	int (*news)(void *ctx, const npsdiag_news *item, npsdiag_error *err);
	/* A change in a followed log (a new file, a replaced, cleared,
	 * truncated or wrapped log, a file gone, a log archived or renamed:
	 * then other is its new path, else NULL). Paths come from the file
	 * system: escape them before printing. May be NULL. */
	void (*notice)(void *ctx, const char *path, const char *what, const char *other);
	/* The rules were reloaded on request (error NULL), or could not be and
	 * the old ones stay (error says why). May be NULL. */
	void (*reloaded)(void *ctx, const char *error);
	/* Problems with the inputs, as for ingest (progress and file_done are
	 * not called). */
	npsdiag_ingest_callbacks ingest;
} npsdiag_follow_callbacks;

typedef struct npsdiag_follow_options {
	npsdiag_params params;
	unsigned interval_ms; /* between rounds */
	int once;             /* one round, then return */
	/* Set (by a signal handler, another thread, a service control
	 * handler) to stop after the current round, and to reload the rules
	 * before the next diagnosis. Either may be NULL. */
	volatile sig_atomic_t *stop;
	volatile sig_atomic_t *reload;
	/* Windows event log channels followed beside the paths ("Security",
	 * "System", "ForwardedEvents"): through the Windows Event Log API (on
	 * Windows only), or, when channel_replay names a directory, from the
	 * recorded renderings in channel_replay/CHANNEL/ (a test aid,
	 * docs/windows.md). The bookmark of each is stored with its events. */
	char *const *channels;
	size_t nchannels;
	const char *channel_replay;
} npsdiag_follow_options;

typedef struct npsdiag_follow_stats {
	int started; /* the rules were read and what was stored diagnosed: following began */
	uint64_t rounds;
	uint64_t events; /* stored */
	long news;       /* pieces of news handed over */
} npsdiag_follow_stats;

/* Follows growing .evtx logs (files, or directories searched for *.evtx)
 * and the channels of o (npaths may be 0 when there are channels) in a
 * session opened NPSDIAG_WRITE: diagnoses what is stored (that is not
 * news), then polls every interval: stores new events, re-diagnoses after
 * a round that stored some (or after a reload of the rules) and hands over
 * what is news. A full disk (SQLITE_FULL) is told through notice (the
 * database's path), waited out and resumed from, losing nothing. Returns 0
 * when stopped (or after one round with once), or -1 with err set (a rule
 * or database error, or a callback's). st (may be NULL) is filled either
 * way. */
int npsdiag_follow(npsdiag_session *s, char *const *paths, size_t npaths, const npsdiag_follow_options *o,
		   const npsdiag_follow_callbacks *cb, npsdiag_follow_stats *st, npsdiag_error *err);

/* Writes one piece of news handed over by npsdiag_follow (during the
 * callback) as one line in format "text" or "jsonl" (the lines of
 * `npsdiag tail`: the JSON line is the incident object of
 * docs/results-json.md plus "news"), escaped for it, and flushes out.
 * Returns 0, or -1 with err set (an unknown format, an item that did not
 * come from npsdiag_follow, a write error). */
int npsdiag_write_news(const npsdiag_news *item, const char *format, FILE *out, npsdiag_error *err);

/* npsdiag_write_news with options (o may be NULL): of npsdiag_write_options
 * only tz counts, for the time of a "text" line (the JSON line stays UTC).
 * Returns as npsdiag_write_news. */
int npsdiag_write_news_with(const npsdiag_news *item, const char *format, const npsdiag_write_options *o, FILE *out,
			    npsdiag_error *err);

/* Writes a change in a followed log (the notice callback's arguments) as
 * the line "npsdiag: PATH: WHAT [OTHER]", paths escaped for a terminal.
 * Returns 0, or -1 when out of memory (nothing written). */
int npsdiag_write_notice(const char *path, const char *what, const char *other, FILE *out);

/* Writes text to out escaped for a terminal: control characters, invisible
 * and bidirectional characters and invalid bytes as \xNN or \u{NNNN}, so
 * that a path or an event string in a message can neither move the cursor
 * nor start a line; only a final newline of text is written as one.
 * Returns 0, or -1 when out of memory (nothing written). */
int npsdiag_write_text(const char *text, FILE *out);

/* Makes SIGINT and SIGTERM set *stop and SIGHUP set *reload (either may
 * be NULL), for npsdiag_follow in a console program. Process-wide.
 * Returns 0, or -1 with err set. */
int npsdiag_catch_signals(volatile sig_atomic_t *stop, volatile sig_atomic_t *reload, npsdiag_error *err);

/* --- Explain ---------------------------------------------------------- */

typedef enum npsdiag_code_kind {
	NPSDIAG_CODE_RAS,       /* a RAS / IKE / HRESULT error code (RasClient 20227) */
	NPSDIAG_CODE_NPS_REASON, /* an NPS reason code (6273) */
	NPSDIAG_CODE_STATUS      /* a Win32, NTSTATUS or SSPI (SEC_E_*) status code seen in their text */
} npsdiag_code_kind;

/* Parses a code as written in events and by people: "853",
 * "-2146762487", "0x800B0109". Returns 0 with *code set, or -1. */
int npsdiag_parse_code(const char *s, uint32_t *code);

/* Writes the code table row of code as "name: value" lines to out (NULL:
 * writes nothing, only says whether it is there). Returns 1 when found, 0 when the code is not in the table, -1 with err
 * set. */
int npsdiag_explain_code(npsdiag_session *s, npsdiag_code_kind kind, uint32_t code, FILE *out, npsdiag_error *err);

/* A root cause as a rule names it. */
typedef struct npsdiag_cause {
	const char *id;
	const char *confidence; /* confirmed, likely, possible */
	const char *title;
	const char *kind;  /* incident (one connection attempt) or finding (one server event) */
	const char *needs; /* the events and codes it is judged on, e.g. "client error 853; NPS 6273 reason 258" */
} npsdiag_cause;

/* Calls fn for each enabled rule of the session, in rule order. Returns
 * the number of causes, or -1 with err set (rules that cannot be read). */
long npsdiag_causes(npsdiag_session *s, void (*fn)(void *ctx, const npsdiag_cause *c), void *ctx,
		    npsdiag_error *err);

/* Calls fn for each enabled rule that names code (kind says which list),
 * in rule order. Returns the number of causes, or -1 with err set (rules
 * that cannot be read). */
long npsdiag_explain_causes(npsdiag_session *s, npsdiag_code_kind kind, uint32_t code,
			    void (*fn)(void *ctx, const npsdiag_cause *c), void *ctx, npsdiag_error *err);

/* Describes the event families that keep events of provider and id (the
 * provider as in the event's System element, case-insensitive; NULL or "":
 * any provider): name, providers, what it is and what npsdiag reads from
 * it (the typed columns and the fields they come from), one "name: value"
 * line each, to out. Returns the number of families described, 0 when
 * none keeps such events. */
int npsdiag_explain_event(const char *provider, uint32_t event_id, FILE *out);

/* --- Certificates ----------------------------------------------------- */

typedef struct npsdiag_cert_options {
	const char *format; /* "text" or "json" */
	int fetch;          /* download each HTTP CDP's CRL and check it (LDAP URLs are not fetched) */
	double timeout_s;   /* per download; 0: NPSDIAG_CERT_TIMEOUT_DEFAULT */
	int64_t now;        /* unix seconds to judge validity at; 0: the current time */
} npsdiag_cert_options;

#define NPSDIAG_CERT_TIMEOUT_DEFAULT 10.0

typedef struct npsdiag_cert_stats {
	size_t certificates;
	size_t errors;   /* findings that make NPS reject the certificate */
	size_t warnings; /* findings that may */
	size_t notes;    /* findings that explain (by design, what NPS must trust) */
} npsdiag_cert_stats;

/* Reads certificates (DER .cer, PEM with one or more certificates, PKCS#7
 * .p7b) from files as one chain, orders it by issuer, describes each
 * element (subject, issuer, validity, key, EKUs, SAN, CDP, AIA) and names
 * the findings that explain NPS reasons and RAS errors (docs/cert.md);
 * with fetch, checks the CRL of each HTTP CDP. Writes it all to out in
 * format. Returns 0 with st filled (st may be NULL), or -1 with err set
 * (an unknown format, a file that holds no certificate, a write error). */
int npsdiag_cert_check(char *const *paths, size_t npaths, const npsdiag_cert_options *o, FILE *out,
		       npsdiag_cert_stats *st, npsdiag_error *err);

/* Reads a user's certificate chain as npsdiag_cert_check does and attaches
 * its findings to the incidents of the last diagnosis that they explain:
 * a finding (warning or error) whose cause is the incident's cause, of a
 * chain whose leaf names the incident's user (a UPN of its SAN, else its
 * CN; by user part, without case; every incident of the cause when the
 * leaf names no user), becomes the incident fact "cert.<finding id>" with
 * the finding's message (e.g. "cert.issuing-ca-no-cdp": the issuing CA
 * certificate "CN=..." has no CRL distribution point ...). The session
 * must be open NPSDIAG_WRITE; the facts last until the next diagnosis.
 * Returns 0 with *attached (may be NULL) the number of facts stored, or -1
 * with err set (a file that holds no certificate, a database error). */
int npsdiag_cert_attach(npsdiag_session *s, char *const *paths, size_t npaths, const npsdiag_cert_options *o,
			size_t *attached, npsdiag_error *err);

/* --- Console ---------------------------------------------------------- */

/* Prepares a console program; call it first in main with main's own
 * argc and argv. On Windows the arguments become UTF-8 (whatever the code
 * page), the standard streams binary (no \r added) and the console's
 * output UTF-8; elsewhere nothing changes. Returns 0, or -1 when out of
 * memory. */
int npsdiag_console_init(int *argc, char ***argv);

/* Writes where the database file called name goes when none is named to
 * buf (size bytes): name in the current directory; on Windows, when run
 * from the system directory (a service, a scheduled task as SYSTEM),
 * %ProgramData%\npsdiag\name. Returns 0, or -1 when it does not fit. */
int npsdiag_default_db(const char *name, char *buf, size_t size);

/* Returns 1 when f is a terminal, else 0. */
int npsdiag_console_is_terminal(FILE *f);

/* Returns 1 when text for f may be coloured (a terminal, $NO_COLOR unset
 * or empty), else 0. */
int npsdiag_console_color(FILE *f);

/* Returns milliseconds of a monotonic clock (for intervals only). */
uint64_t npsdiag_clock_ms(void);

#ifdef __cplusplus
}
#endif

#endif
