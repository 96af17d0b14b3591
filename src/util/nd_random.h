/* nd_random: bytes from the operating system's random source (getentropy
 * on POSIX, BCryptGenRandom on Windows), for keys no input can predict
 * (nd_hash). In util, beside nd_lib, so that util's own tables can key
 * their hashes: nd_random_posix.c or nd_random_win.c is built. */
#ifndef ND_RANDOM_H
#define ND_RANDOM_H

#include <stddef.h>

/* Fills the n bytes at p (n at most 256) with random bytes. Returns 0, or
 * -1 when the system has none to give (p is then unchanged or partly
 * filled). */
int nd_random(void *p, size_t n);

#endif
