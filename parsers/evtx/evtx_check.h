/* evtx_check: decides whether a record's Binary XML is safe to give to
 * libevtx.
 *
 * libevtx 20181227 trusts the counts and sizes inside a record: a value
 * count of 0x40000012 in a nested Binary XML value makes libfwevt allocate
 * a billion template values and the process runs out of memory (found by
 * tests/fuzz). Before a record is decoded, this check walks its template
 * instance and every nested Binary XML value (type 0x21), and requires
 * that each value array and its values fit inside what contains them and
 * that template definitions lie inside the chunk. Fragments made of plain
 * elements (no template instance) have no counts to check and pass. A record that fails is
 * reported as damaged instead of being decoded.
 */
#ifndef ND_EVTX_CHECK_H
#define ND_EVTX_CHECK_H

#include <stddef.h>
#include <stdint.h>

/* Checks the record at rec_off (size rec_size) of a chunk. Returns 0 when
 * it is safe to decode, or -1 with a short reason in why[n]. */
int nd_evtx_record_check(const uint8_t *chunk, uint32_t rec_off, uint32_t rec_size, char *why, size_t n);

#endif
