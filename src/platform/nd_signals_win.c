#include "nd_signals.h"

#include <windows.h>

/* The flag the console control handler sets; as on POSIX, the one
 * process-wide state of the library. Windows has no reload request
 * (SIGHUP): the rules are reloaded by restarting. */
static volatile sig_atomic_t *stop_flag;

/* Ctrl-C, Ctrl-Break, closing the console window, logoff and shutdown
 * all ask to stop. Returns TRUE: handled. */
static BOOL WINAPI on_control(DWORD type)
{
	if (stop_flag)
		*stop_flag = 1;
	/* After a close, logoff or shutdown handler returns, Windows ends the process at once: give the
	 * main thread the time to finish its transaction and print its summary (it exits the process,
	 * which ends this wait; Windows allows about 5 seconds). */
	if (type == CTRL_CLOSE_EVENT || type == CTRL_LOGOFF_EVENT || type == CTRL_SHUTDOWN_EVENT)
		Sleep(10000);
	return TRUE;
}

int nd_signals_catch(volatile sig_atomic_t *stop, volatile sig_atomic_t *reload)
{
	(void)reload;
	stop_flag = stop;
	if (stop && !SetConsoleCtrlHandler(on_control, TRUE))
		return -1;
	return 0;
}
