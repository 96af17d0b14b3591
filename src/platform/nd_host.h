/* nd_host: the name of the machine npsdiag runs on. A store keys the
 * sources it remembers (files, channels) by this name and their path, so
 * that several machines reading the same path (every NPS server's
 * C:\Windows\System32\winevt\Logs\Security.evtx) into one database keep
 * their own checkpoints (docs/fleet.md). */
#ifndef ND_HOST_H
#define ND_HOST_H

#include <stddef.h>

/* Room for a name, with its NUL. */
#define ND_HOST_MAX 256

/* The environment variable that names this machine instead of its
 * computer name (two machines with the same name, or a test playing
 * several machines). */
#define ND_HOST_ENV "NPSDIAG_HOST"

/* Writes the name of this machine into out (n bytes, NUL-terminated, cut
 * to fit): $NPSDIAG_HOST when it is set and not empty, else the computer
 * name. Returns 0, or -1 when neither is known (out is "" then). */
int nd_host_name(char *out, size_t n);

/* Writes the computer name into out (n bytes, NUL-terminated, cut to fit):
 * POSIX gethostname, Windows the DNS name (NPS01.lab.example, as the
 * events' Computer names it), else the NetBIOS name. Returns 0, or -1 when
 * the system tells none (out is "" then). */
int nd_host_computer_name(char *out, size_t n);

#endif
