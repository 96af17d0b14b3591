/* nd_libcrypto: the functions of OpenSSL's libcrypto that src/cert calls,
 * in a table filled when a certificate set first reads a file: loaded
 * then on POSIX (nd_libcrypto_dl.c; ingest, diagnose without certificates
 * and tail never map libcrypto), linked on Windows (nd_libcrypto_linked.c).
 * OpenSSL's types stay inside src/cert: its files include this header, its
 * callers only nd_cert.h. OpenSSL's function-like macros are written out
 * in the callers: OPENSSL_free is CRYPTO_free, sk_*_num and sk_*_value are
 * OPENSSL_sk_num and OPENSSL_sk_value, BIO_get_mem_data is BIO_ctrl,
 * PKCS7_type_is_* is OBJ_obj2nid. */
#ifndef ND_LIBCRYPTO_H
#define ND_LIBCRYPTO_H

#include <stdint.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "nd_error.h"
#include "nd_lib.h"

#define ND_LIBCRYPTO_FUNCS(X)                                                                                          \
	X(ASN1_INTEGER_to_BN)                                                                                          \
	X(ASN1_STRING_get0_data)                                                                                       \
	X(ASN1_STRING_length)                                                                                          \
	X(ASN1_TIME_diff)                                                                                              \
	X(ASN1_TIME_free)                                                                                              \
	X(ASN1_TIME_set)                                                                                               \
	X(AUTHORITY_INFO_ACCESS_free)                                                                                  \
	X(BIO_ctrl)                                                                                                    \
	X(BIO_free)                                                                                                    \
	X(BIO_new)                                                                                                     \
	X(BIO_new_mem_buf)                                                                                             \
	X(BIO_s_mem)                                                                                                   \
	X(BN_bn2hex)                                                                                                   \
	X(BN_free)                                                                                                     \
	X(CRL_DIST_POINTS_free)                                                                                        \
	X(CRYPTO_free)                                                                                                 \
	X(ERR_clear_error)                                                                                             \
	X(EVP_PKEY_get_base_id)                                                                                        \
	X(EVP_PKEY_get_bits)                                                                                           \
	X(EVP_PKEY_get_group_name)                                                                                     \
	X(EVP_sha1)                                                                                                    \
	X(EXTENDED_KEY_USAGE_free)                                                                                     \
	X(GENERAL_NAMES_free)                                                                                          \
	X(OBJ_nid2sn)                                                                                                  \
	X(OBJ_obj2nid)                                                                                                 \
	X(OBJ_obj2txt)                                                                                                 \
	X(OPENSSL_sk_num)                                                                                              \
	X(OPENSSL_sk_value)                                                                                            \
	X(PEM_read_bio)                                                                                                \
	X(PEM_read_bio_X509_CRL)                                                                                       \
	X(PKCS7_free)                                                                                                  \
	X(X509_CRL_free)                                                                                               \
	X(X509_CRL_get0_by_serial)                                                                                     \
	X(X509_CRL_get0_lastUpdate)                                                                                    \
	X(X509_CRL_get0_nextUpdate)                                                                                    \
	X(X509_CRL_get_issuer)                                                                                         \
	X(X509_CRL_verify)                                                                                             \
	X(X509_NAME_cmp)                                                                                               \
	X(X509_NAME_print_ex)                                                                                          \
	X(X509_REVOKED_get0_revocationDate)                                                                            \
	X(X509_check_ca)                                                                                               \
	X(X509_check_issued)                                                                                           \
	X(X509_cmp)                                                                                                    \
	X(X509_digest)                                                                                                 \
	X(X509_free)                                                                                                   \
	X(X509_get0_notAfter)                                                                                          \
	X(X509_get0_notBefore)                                                                                         \
	X(X509_get0_pubkey)                                                                                            \
	X(X509_get0_serialNumber)                                                                                      \
	X(X509_get_ext_d2i)                                                                                            \
	X(X509_get_issuer_name)                                                                                        \
	X(X509_get_subject_name)                                                                                       \
	X(X509_up_ref)                                                                                                 \
	X(X509_verify)                                                                                                 \
	X(d2i_PKCS7)                                                                                                   \
	X(d2i_X509)                                                                                                    \
	X(d2i_X509_AUX)                                                                                                \
	X(d2i_X509_CRL)

typedef struct nd_libcrypto {
	ND_LIBCRYPTO_FUNCS(ND_LIB_SLOT)
} nd_libcrypto;

/* Fills t with libcrypto's functions. Returns 0, or -1 with err set
 * (libcrypto cannot be loaded, or lacks one of them). */
int nd_libcrypto_load(nd_libcrypto *t, nd_error *err);

/* Returns an ASN.1 time as seconds since 1970, or 0 for NULL or an
 * unreadable time (nd_cert_time.c). */
int64_t nd_cert_time(const nd_libcrypto *k, const ASN1_TIME *t);

#endif
