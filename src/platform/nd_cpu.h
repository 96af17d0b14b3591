/* nd_cpu: how many processors this process can use. */
#ifndef ND_CPU_H
#define ND_CPU_H

/* Returns the number of processors online, at least 1. */
unsigned nd_cpu_count(void);

#endif
