/* nd_libpq: the functions of libpq that the PostgreSQL backend calls, in
 * a table filled when a PostgreSQL database is first opened: loaded then
 * on POSIX (nd_libpq_dl.c; a start of npsdiag on SQLite does not map libpq
 * and the Kerberos, LDAP and TLS libraries it pulls in), linked on Windows
 * (nd_libpq_linked.c). */
#ifndef ND_LIBPQ_H
#define ND_LIBPQ_H

#include <libpq-fe.h>

#include "nd_error.h"
#include "nd_lib.h"

#define ND_LIBPQ_FUNCS(X)                                                                                              \
	X(PQclear)                                                                                                     \
	X(PQcmdStatus)                                                                                                 \
	X(PQconnectdb)                                                                                                 \
	X(PQconninfoFree)                                                                                              \
	X(PQconninfoParse)                                                                                             \
	X(PQdb)                                                                                                        \
	X(PQenterPipelineMode)                                                                                         \
	X(PQerrorMessage)                                                                                              \
	X(PQexec)                                                                                                      \
	X(PQexecParams)                                                                                                \
	X(PQexecPrepared)                                                                                              \
	X(PQexitPipelineMode)                                                                                          \
	X(PQfinish)                                                                                                    \
	X(PQfreemem)                                                                                                   \
	X(PQgetResult)                                                                                                 \
	X(PQgetisnull)                                                                                                 \
	X(PQgetvalue)                                                                                                  \
	X(PQhost)                                                                                                      \
	X(PQnfields)                                                                                                   \
	X(PQntuples)                                                                                                   \
	X(PQpipelineSync)                                                                                              \
	X(PQprepare)                                                                                                   \
	X(PQputCopyData)                                                                                               \
	X(PQputCopyEnd)                                                                                                \
	X(PQreset)                                                                                                     \
	X(PQresultErrorField)                                                                                          \
	X(PQresultStatus)                                                                                              \
	X(PQsendQueryParams)                                                                                           \
	X(PQsendQueryPrepared)                                                                                         \
	X(PQsetNoticeProcessor)                                                                                        \
	X(PQstatus)                                                                                                    \
	X(PQtransactionStatus)

typedef struct nd_libpq {
	ND_LIBPQ_FUNCS(ND_LIB_SLOT)
} nd_libpq;

/* Fills t with libpq's functions. Returns 0, or -1 with err set (libpq
 * cannot be loaded, or lacks one of them). */
int nd_libpq_load(nd_libpq *t, nd_error *err);

#endif
