# cert tests: `npsdiag cert` on chains the tests make with the openssl
# command (tests/cert/pki.py): reading and ordering, the findings, CRLs
# served by a server the test starts on 127.0.0.1, hostile input; the CAPI2
# log as evidence in incidents (tests/fixtures/capi2).
find_program(NPSDIAG_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
find_program(NPSDIAG_PYTHON3 NAMES python3)
find_program(NPSDIAG_OPENSSL NAMES openssl)
set(NPSDIAG_CERT_ENV NPSDIAG=$<TARGET_FILE:npsdiag> OPENSSL=${NPSDIAG_OPENSSL} PYTHONDONTWRITEBYTECODE=1
    PYTHONPATH=${CMAKE_CURRENT_SOURCE_DIR}/cert CERT_TMP=${CMAKE_CURRENT_BINARY_DIR}/cert-tmp SRC=${PROJECT_SOURCE_DIR}
    SHARED=${NPSDIAG_SHARED})
foreach(t chain fetch hostile capi2 incident)
  add_test(NAME cert_${t} COMMAND ${NPSDIAG_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/cert/${t}.py)
  set_tests_properties(cert_${t} PROPERTIES ENVIRONMENT "${NPSDIAG_CERT_ENV}" SKIP_RETURN_CODE 77 TIMEOUT 300)
endforeach()
