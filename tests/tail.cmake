# tail tests: live logs grown by evtxwrite while `npsdiag tail` follows
# them: diagnosis latency, exactly-once under appends, kill -9 restarts,
# rotation, clear, replace and wrap, signals.
if(NOT TARGET evtxwrite)
  return()
endif()
foreach(t live grow crash rotate signals next_chunk idle readers wrap_lost wrap_restart disk_full incremental)
  add_test(NAME tail_${t} COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tail/${t}.sh)
  set_tests_properties(tail_${t} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300 ENVIRONMENT
    "NPSDIAG=$<TARGET_FILE:npsdiag>;EVTXWRITE=$<TARGET_FILE:evtxwrite>;SRC=${PROJECT_SOURCE_DIR}")
endforeach()
# tail --channel through the replay feed (tests/tail/channel*.sh): renderings
# made by evtxconvert from the fixtures, and the real ones of fixtures/text.
if(TARGET evtxconvert)
  foreach(t channel channel_kill)
    add_test(NAME tail_${t} COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tail/${t}.sh)
    set_tests_properties(tail_${t} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300 ENVIRONMENT
      "NPSDIAG=$<TARGET_FILE:npsdiag>;EVTXWRITE=$<TARGET_FILE:evtxwrite>;EVTXCONVERT=$<TARGET_FILE:evtxconvert>;SRC=${PROJECT_SOURCE_DIR}")
  endforeach()
endif()
# ... and into PostgreSQL (label pg), on the server of tests/pg.cmake.
if(TARGET evtxconvert)
  add_test(NAME tail_channel_pg COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tail/channel_pg.sh)
  set_tests_properties(tail_channel_pg PROPERTIES FIXTURES_REQUIRED pg_server RESOURCE_LOCK pg_server
    SKIP_RETURN_CODE 77 TIMEOUT 300 LABELS pg ENVIRONMENT
    "NPSDIAG=$<TARGET_FILE:npsdiag>;EVTXCONVERT=$<TARGET_FILE:evtxconvert>;SRC=${PROJECT_SOURCE_DIR};PGDIR=${CMAKE_CURRENT_BINARY_DIR}/pg-server")
endif()
