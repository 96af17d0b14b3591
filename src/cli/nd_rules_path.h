/* nd_rules_path: where the rules/ directory (root-cause rules and code
 * tables) is found: an explicit --rules directory, else $NPSDIAG_RULES,
 * else the installed share/npsdiag/rules, else the source tree's rules/. */
#ifndef ND_RULES_PATH_H
#define ND_RULES_PATH_H

/* Returns the rules directory to use; explicit may be NULL. The string is
 * static or explicit itself. */
const char *nd_rules_dir(const char *explicit_dir);

#endif
