# Ingestion tests: the CLI on fixtures, bad inputs and (when ../shared is
# there) the real-world corpus. The unit tests are in unit.cmake.
if(NOT TARGET evtxwrite)
  return()
endif()
set(NPSDIAG_INGEST_ENV
  NPSDIAG=$<TARGET_FILE:npsdiag> EVTXWRITE=$<TARGET_FILE:evtxwrite>
  STOREFLOOR=$<TARGET_FILE:storefloor> SRC=${PROJECT_SOURCE_DIR} SHARED=${NPSDIAG_SHARED})
foreach(t bad_input corpus idempotent error853 grown layouts nasty schema_documented readonly crash_reproducer unwritten_header migrate_v2
  migrate_v6 migrate_v7 migrate_v8 walk hostile_name reingest threads lazy_libs storefloor high_ids)
  add_test(NAME ingest_${t} COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/ingest/${t}.sh)
  set_tests_properties(ingest_${t} PROPERTIES ENVIRONMENT "${NPSDIAG_INGEST_ENV}" SKIP_RETURN_CODE 77)
endforeach()
