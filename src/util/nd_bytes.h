/* nd_bytes: little-endian loads and stores, for the binary formats. */
#ifndef ND_BYTES_H
#define ND_BYTES_H

#include <stdint.h>

/* Little-endian reads. Each returns the value at p. */
static inline uint16_t nd_le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t nd_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t nd_le64(const uint8_t *p) { return nd_le32(p) | ((uint64_t)nd_le32(p + 4) << 32); }

/* Little-endian writes of v at p. Return nothing. */
static inline void nd_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}
static inline void nd_put_le64(uint8_t *p, uint64_t v)
{
	nd_put_le32(p, (uint32_t)v);
	nd_put_le32(p + 4, (uint32_t)(v >> 32));
}

#endif
