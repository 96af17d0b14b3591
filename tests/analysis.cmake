# Analysis tests: C unit tests of the pure parts of the analysis layer
# (pairing, skew, judging, grouping, rules), on data built in memory. They
# link only nd_analysis (and what it pulls in) and open no database.
foreach(t nd_analysis_data nd_correlate nd_group nd_judge nd_rules nd_rules_match)
  add_executable(test_${t} ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_${t}.c)
  target_link_libraries(test_${t} PRIVATE nd_analysis)
  target_compile_definitions(test_${t} PRIVATE ND_TEST_DIR="${CMAKE_CURRENT_SOURCE_DIR}/unit")
  add_test(NAME analysis_${t} COMMAND test_${t})
endforeach()
