/* nd_exe: where the running program is, so that it finds the files
 * installed with it (its rules) wherever the installation was put, and
 * where its database goes by default. */
#ifndef ND_EXE_H
#define ND_EXE_H

#include <stddef.h>

/* Writes the directory of the running executable to buf (size bytes).
 * Returns 0, or -1 when it cannot be known or does not fit. */
int nd_exe_dir(char *buf, size_t size);

/* Writes where the database file called name goes when none is named to
 * buf (size bytes): name itself, in the current directory; on Windows, when
 * the current directory is the system directory (where a service or a
 * scheduled task running as SYSTEM starts), %ProgramData%\npsdiag\name,
 * the folder made if missing. Returns 0, or -1 when it does not fit. */
int nd_exe_default_db(const char *name, char *buf, size_t size);

#endif
