/* nd_ascii: locale-independent ASCII case folding, for names that Windows
 * compares case-insensitively (providers, file extensions), hex digits, and
 * decimal numbers written without printf. */
#ifndef ND_ASCII_H
#define ND_ASCII_H

#include <stdint.h>
#include <string.h>

/* Returns c folded to lower case when it is an ASCII capital, else c. */
static inline int nd_ascii_lower(int c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

/* Returns the value (0-15) of the ASCII hex digit c, or 16 when c is not
 * one. */
static inline unsigned nd_ascii_hex(int c)
{
	return c >= '0' && c <= '9'   ? (unsigned)(c - '0')
	       : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
	       : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
				      : 16u;
}

/* Compares a and b with ASCII letters folded. Returns <0, 0 or >0, like
 * strcmp. */
static inline int nd_ascii_casecmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

	while (*p && nd_ascii_lower(*p) == nd_ascii_lower(*q)) {
		p++;
		q++;
	}
	return nd_ascii_lower(*p) - nd_ascii_lower(*q);
}

/* Writes v in decimal at o (at most 20 bytes, no NUL), as "%llu" would at a
 * fraction of snprintf's cost. Returns the end. */
static inline char *nd_ascii_decimal(char *o, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[sizeof(tmp) - ++n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	memcpy(o, tmp + sizeof(tmp) - n, n);
	return o + n;
}

#endif
