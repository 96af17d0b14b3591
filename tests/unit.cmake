# C unit tests, one program per module (tests/unit/test_<module>.c, in the
# style of libevtx's tests): each public function with good and bad input.
# A test gets a temporary directory under the build tree and the source
# tree as its arguments (and ND_TEST_DIR, tests/unit/, for its data files).
# The analysis tests (pairing, skew, judging, grouping, rules) link only
# nd_analysis and build their data in memory: they open no database.
set(NPSDIAG_PURE_ANALYSIS_UNITS nd_analysis_data nd_correlate nd_correlate_retries nd_exposure nd_group nd_judge nd_rules nd_rules_match)
file(GLOB NPSDIAG_UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_*.c)
set(NPSDIAG_UNIT_TMP ${CMAKE_CURRENT_BINARY_DIR}/unit-tmp)
file(MAKE_DIRECTORY ${NPSDIAG_UNIT_TMP})
foreach(src ${NPSDIAG_UNIT_TESTS})
  get_filename_component(t ${src} NAME_WE)
  string(REGEX REPLACE "^test_" "" t ${t})
  add_executable(test_${t} ${src})
  if(t IN_LIST NPSDIAG_PURE_ANALYSIS_UNITS)
    target_link_libraries(test_${t} PRIVATE nd_analysis)
  else()
    target_link_libraries(test_${t} PRIVATE npsdiag_core)
  endif()
  if(t STREQUAL nd_cert)
    # it makes its certificates with libcrypto, which src/cert loads on use
    target_link_libraries(test_${t} PRIVATE PkgConfig::LIBCRYPTO)
  endif()
  target_compile_definitions(test_${t} PRIVATE ND_TEST_DIR="${CMAKE_CURRENT_SOURCE_DIR}/unit")
  add_test(NAME unit_${t} COMMAND test_${t} ${NPSDIAG_UNIT_TMP} ${PROJECT_SOURCE_DIR})
endforeach()
