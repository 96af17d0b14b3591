/* nd_exe: where the running program is, so that it finds the files
 * installed with it (its rules) wherever the installation was put. */
#ifndef ND_EXE_H
#define ND_EXE_H

#include <stddef.h>

/* Writes the directory of the running executable to buf (size bytes).
 * Returns 0, or -1 when it cannot be known or does not fit. */
int nd_exe_dir(char *buf, size_t size);

#endif
