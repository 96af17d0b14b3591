# diagnose tests: unit tests of identity and escaping, then the command on
# seeded databases (pairing regressions, rules, output) and on the EVTX
# fixtures (tests/fixtures/error853, tests/fixtures/diagnose).
add_executable(test_identity ${CMAKE_CURRENT_SOURCE_DIR}/diagnose/test_identity.c)
target_link_libraries(test_identity PRIVATE npsdiag_core)
add_test(NAME diagnose_unit_identity COMMAND test_identity)

find_program(NPSDIAG_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
find_program(NPSDIAG_PYTHON3 NAMES python3)
set(NPSDIAG_DIAGNOSE_ENV NPSDIAG=$<TARGET_FILE:npsdiag> SRC=${PROJECT_SOURCE_DIR}
    PYTHONPATH=${CMAKE_CURRENT_SOURCE_DIR}/diagnose NPSDIAG_RULES=${PROJECT_SOURCE_DIR}/rules)
if(TARGET evtxwrite)
  list(APPEND NPSDIAG_DIAGNOSE_ENV EVTXWRITE=$<TARGET_FILE:evtxwrite>)
endif()
foreach(t pairing rules output causes error853 fixtures empty hostile_rules enterprise blastradius keys facts memory parts)
  add_test(NAME diagnose_${t} COMMAND ${NPSDIAG_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/diagnose/${t}.py)
  set_tests_properties(diagnose_${t} PROPERTIES ENVIRONMENT "${NPSDIAG_DIAGNOSE_ENV}" SKIP_RETURN_CODE 77)
endforeach()
