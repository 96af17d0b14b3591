/* nd_signals: the requests a running tail takes from outside: stop
 * (SIGINT, SIGTERM) and reload the rules (SIGHUP). Handlers only set the
 * caller's flags. */
#ifndef ND_SIGNALS_H
#define ND_SIGNALS_H

#include <signal.h>

/* Installs the handlers: a stop request sets *stop, a reload request sets
 * *reload (either may be NULL: that request is then left to the system).
 * Process-wide, like signals themselves: the last call wins. Returns 0, or
 * -1 when a handler cannot be installed. */
int nd_signals_catch(volatile sig_atomic_t *stop, volatile sig_atomic_t *reload);

#endif
