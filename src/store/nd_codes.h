/* nd_codes: the code tables in rules/codes/ — NPS reason codes
 * (nps-reason-codes.tsv) and RAS / IKE / HRESULT error codes
 * (ras-error-codes.tsv) — loaded into the store so that SQL joins give
 * names and meanings, and looked up directly by `npsdiag explain`. */
#ifndef ND_CODES_H
#define ND_CODES_H

#include <stdint.h>
#include <stdio.h>

#include "nd_error.h"
#include "nd_store.h"

#define ND_CODES_NPS_FILE "nps-reason-codes.tsv"
#define ND_CODES_RAS_FILE "ras-error-codes.tsv"
#define ND_CODES_STATUS_FILE "status-codes.tsv" /* Win32, NTSTATUS and SSPI codes: explain only, not loaded */

/* Makes the store's nps_reason_codes and ras_error_codes tables those of
 * the files in dir. Writes nothing when the files are those loaded last
 * (their names, sizes and CRCs are kept in meta as codes_fingerprint);
 * otherwise replaces the tables, in the caller's transaction or in its own.
 * A read-only store keeps the tables it has. Returns 0, or -1 with err set
 * naming file and line (or saying a read-only store has no tables). */
int nd_codes_load(nd_store *s, const char *dir, nd_error *err);

/* Looks up code in the table file `file` of dir and prints every column of
 * its row as "name: value" lines to out (NULL: only looks). Returns 1 when found, 0 when the
 * code is not in the table, -1 with err set. */
int nd_codes_explain(const char *dir, const char *file, uint32_t code, FILE *out, nd_error *err);

#endif
