/* nd_hash: the hash of the tables over event-derived data (interned
 * strings, host names, CoIds). Event strings are attacker-controlled: an
 * unkeyed hash such as FNV-1a can be inverted, so that thousands of
 * chosen user names fall into one probe run and a table's look-ups
 * become quadratic. SipHash-1-3 (as Python's and Rust's tables) under a
 * random 128-bit key drawn once per process (nd_random) cannot be aimed
 * at: nothing that is printed or stored may depend on these hashes, only
 * the layout of a table in memory. */
#ifndef ND_HASH_H
#define ND_HASH_H

#include <stddef.h>
#include <stdint.h>

typedef struct nd_hash_key {
	uint64_t k0, k1;
} nd_hash_key;

/* Returns SipHash-1-3 of the n bytes at p under key k. */
uint64_t nd_hash_keyed(const nd_hash_key *k, const void *p, size_t n);

/* Returns the process's key: random, drawn on the first call (from any
 * thread). */
const nd_hash_key *nd_hash_key_of_process(void);

/* Returns the hash of the n bytes at p going on from h (0 to start):
 * SipHash-1-3 under the process's key with h XORed into its first half, so that a list
 * of strings hashes part by part, each with its own length. */
uint64_t nd_hash_more(uint64_t h, const void *p, size_t n);

/* Returns the hash of the NUL-terminated string s (nd_hash_more from 0). */
uint64_t nd_hash_str(const char *s);

/* A keyed hash over a sequence of byte strings (nd_hash_begin, then
 * nd_hash_add per string, nd_hash_end): SipHash-1-3's compression under
 * the process's key over an encoding of the sequence that only it gives
 * (each string's bytes, the last word padded with zeros, then a word of
 * its length). For fingerprints compared within the process (tail's rows
 * of an incident against the last round's), where the strings are
 * attacker-controlled and a forged collision would hide a change. */
typedef struct nd_hash_state {
	uint64_t v0, v1, v2, v3;
} nd_hash_state;

/* Starts s under the process's key. Returns nothing. */
void nd_hash_begin(nd_hash_state *s);

/* Adds the n bytes at p to s as one string. Returns nothing. */
void nd_hash_add(nd_hash_state *s, const void *p, size_t n);

/* Returns the hash of what was added to s (s is left as it was). */
uint64_t nd_hash_end(const nd_hash_state *s);

/* Returns the word v mixed under the process's key: for tables keyed by
 * ids or pointers, which an attacker influences but does not choose
 * (cheaper than SipHash). Returns the mix. */
uint64_t nd_hash_word(uint64_t v);

#endif
