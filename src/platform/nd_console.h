/* nd_console: what a program writing for a person needs to know of its
 * output: whether it is a terminal, and whether colour is wanted there. */
#ifndef ND_CONSOLE_H
#define ND_CONSOLE_H

#include <stdio.h>

/* Returns 1 when f is a terminal, else 0. */
int nd_console_is_terminal(FILE *f);

/* Returns 1 when text written to f may be coloured: f is a terminal and
 * $NO_COLOR (no-color.org) is unset or empty; else 0. */
int nd_console_color(FILE *f);

/* Prepares a console program, first thing in main: on Windows the
 * arguments become UTF-8 (from the UTF-16 command line, whatever the code
 * page), the standard streams binary and the console's output UTF-8, and
 * an exception nothing handles ends the process with exit status 3 and
 * its code and address on the standard error; elsewhere nothing changes.
 * Returns 0, or -1 when out of memory. */
int nd_console_init(int *argc, char ***argv);

#endif
