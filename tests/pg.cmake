# PostgreSQL store tests (label pg): a throw-away server from Debian's
# postgresql package, started in the build tree on a Unix socket only
# (fixture pg_server), stopped afterwards. Each test makes its own
# database; they run one at a time (pg_restart restarts the server).
# Skipped (77) when the server binaries are absent.
if(NOT TARGET evtxwrite OR NOT TARGET evtxconvert)
  return()
endif()
set(ND_PG_DIR ${CMAKE_CURRENT_BINARY_DIR}/pg-server)
add_test(NAME pg_server_start COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/pg/server.sh start ${ND_PG_DIR})
add_test(NAME pg_server_stop COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/pg/server.sh stop ${ND_PG_DIR})
set_tests_properties(pg_server_start PROPERTIES FIXTURES_SETUP pg_server SKIP_RETURN_CODE 77 TIMEOUT 120 LABELS pg)
set_tests_properties(pg_server_stop PROPERTIES FIXTURES_CLEANUP pg_server SKIP_RETURN_CODE 77 TIMEOUT 120 LABELS pg)
foreach(t same_json bulk roles retry security writers crash restart migrate hosts once collate)
  add_test(NAME pg_${t} COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/pg/${t}.sh)
  set_tests_properties(pg_${t} PROPERTIES FIXTURES_REQUIRED pg_server RESOURCE_LOCK pg_server SKIP_RETURN_CODE 77
    TIMEOUT 300 LABELS pg
    ENVIRONMENT "NPSDIAG=$<TARGET_FILE:npsdiag>;EVTXWRITE=$<TARGET_FILE:evtxwrite>;EVTXCONVERT=$<TARGET_FILE:evtxconvert>;SRC=${PROJECT_SOURCE_DIR};PGDIR=${ND_PG_DIR}")
endforeach()
