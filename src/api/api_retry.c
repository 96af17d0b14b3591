/* api_retry: running again what a database server rolled back. */
#include "api_session.h"

#include "nd_clock.h"
#include "nd_db.h"

/* Attempts after the first, and the pause before the first of them
 * (doubled for each next one: 0.1 + 0.2 + ... + 1.6 s, each attempt's
 * reconnection waiting up to 30 s more for a server that restarts). */
#define API_RETRIES 5
#define API_RETRY_MS 100u

int api_retry(npsdiag_session *s, unsigned *tries, const volatile sig_atomic_t *stop)
{
	if (!s->store || *tries >= API_RETRIES || (stop && *stop) ||
	    nd_db_error_kind(nd_store_db(s->store)) != ND_DB_AGAIN)
		return 0;
	nd_clock_sleep_ms(API_RETRY_MS << *tries, stop);
	(*tries)++;
	return 1;
}
