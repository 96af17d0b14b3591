/* nd_digits: decimal digits two at a time, for the writers of numbers and
 * times that run millions of times in a diagnosis (one division by 100
 * gives two digits). */
#ifndef ND_DIGITS_H
#define ND_DIGITS_H

/* "00", "01", ... "99": the two digits of n (0-99) are at
 * nd_digit_pairs + 2 * n. */
extern const char nd_digit_pairs[201];

#endif
