/* nd_hugemem: zeroed arrays for the tables a load looks up at random (the
 * slots of the interned strings and of the hosts, a load's hints and field
 * lists), in the system's huge pages where it has them (Linux: 2 MB,
 * transparent huge pages asked for with madvise, for arrays of 2 MB and
 * more; nd_hugemem_posix.c or nd_hugemem_win.c is built). At 1M x 1M a
 * look-up in 4 KB pages missed the TLB as well as the cache (on a virtual
 * machine a walk of two page tables), and a prefetch waited for that walk:
 * in 2 MB pages the tables of a load take a few TLB entries. */
#ifndef ND_HUGEMEM_H
#define ND_HUGEMEM_H

#include <stddef.h>

/* Returns n zeroed elements of size bytes (free them with free()), or
 * NULL when out of memory. */
void *nd_hugemem_calloc(size_t n, size_t size);

#endif
