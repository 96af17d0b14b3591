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
