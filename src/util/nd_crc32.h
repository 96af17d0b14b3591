/* nd_crc32: the CRC-32 that EVTX headers carry, also used for chunk
 * fingerprints. */
#ifndef ND_CRC32_H
#define ND_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Returns the CRC32 (IEEE, as zlib) of n bytes continuing from crc (0 to
 * start). */
uint32_t nd_crc32(uint32_t crc, const uint8_t *p, size_t n);

#endif
