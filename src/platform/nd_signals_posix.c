#include "nd_signals.h"

#include <stddef.h>
#include <string.h>

/* The flags the handlers set. A signal handler takes no context, so these
 * are the one process-wide state of the library; nd_signals_catch sets
 * them before it installs the handlers. */
static volatile sig_atomic_t *stop_flag, *reload_flag;

/* Signal handlers only set flags. Return nothing. */
static void on_stop(int sig)
{
	(void)sig;
	if (stop_flag)
		*stop_flag = 1;
}
static void on_reload(int sig)
{
	(void)sig;
	if (reload_flag)
		*reload_flag = 1;
}

int nd_signals_catch(volatile sig_atomic_t *stop, volatile sig_atomic_t *reload)
{
	struct sigaction sa;

	stop_flag = stop;
	reload_flag = reload;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	if (stop && (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0))
		return -1;
	sa.sa_handler = on_reload;
	if (reload && sigaction(SIGHUP, &sa, NULL) != 0)
		return -1;
	return 0;
}
