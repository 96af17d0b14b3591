/* fuzz_tmp: the scratch directory of a fuzz target that needs files. */
#ifndef FUZZ_TMP_H
#define FUZZ_TMP_H

/* Returns the directory a target writes its files to, made once per
 * process: $FUZZ_TMP when set (ctest gives one in the build tree), else a
 * new one named after the target under $TMPDIR or /tmp; NULL when none
 * could be made. */
const char *fuzz_tmp_dir(const char *target);

#endif
