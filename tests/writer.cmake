# evtxwrite tests: two independent readers read back every field written;
# regenerating tests/fixtures gives the same bytes; live-log options; bad
# descriptions are reported with file:line.
if(NOT TARGET evtxwrite)
  return()
endif()
find_program(NPSDIAG_PYTHON3_SYSTEM NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
file(GLOB NPSDIAG_FIXTURE_DESCS ${PROJECT_SOURCE_DIR}/tests/fixtures/*/*.desc)
add_test(NAME writer_readback COMMAND ${NPSDIAG_PYTHON3_SYSTEM} ${CMAKE_CURRENT_SOURCE_DIR}/writer/readback.py ${NPSDIAG_FIXTURE_DESCS})
set_tests_properties(writer_readback PROPERTIES SKIP_RETURN_CODE 77 ENVIRONMENT PYTHONDONTWRITEBYTECODE=1)
foreach(t reproducible live bad_desc)
  add_test(NAME writer_${t} COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/writer/${t}.sh)
  set_tests_properties(writer_${t} PROPERTIES SKIP_RETURN_CODE 77 ENVIRONMENT
    "EVTXWRITE=$<TARGET_FILE:evtxwrite>;SRC=${PROJECT_SOURCE_DIR};PYTHON3=${NPSDIAG_PYTHON3_SYSTEM};NPSDIAG=$<TARGET_FILE:npsdiag>;SHARED=${NPSDIAG_SHARED}")
endforeach()
