/* fuzz_tmp: the scratch directory of a fuzz target that needs files. */
#ifndef FUZZ_TMP_H
#define FUZZ_TMP_H

#include <stddef.h>
#include <stdint.h>

/* Returns the directory a target writes its files to, made once per
 * process: $FUZZ_TMP when set (ctest gives one in the build tree), else a
 * new one named after the target under $TMPDIR or /tmp; NULL when none
 * could be made. */
const char *fuzz_tmp_dir(const char *target);

/* Reads the file at path into a new buffer (free() it). Returns the
 * buffer with *n set, or NULL. */
uint8_t *fuzz_slurp(const char *path, size_t *n);

#endif
