# Our Binary XML decoder against libevtx: every record of every fixture,
# and of the real corpus when ../shared is there, decoded both ways and
# compared field by field (tests/decoder/diff_decoder.c, docs/decoder.md).
add_executable(diff_decoder ${CMAKE_CURRENT_SOURCE_DIR}/decoder/diff_decoder.c ${CMAKE_CURRENT_SOURCE_DIR}/decoder/record_diff.c)
target_link_libraries(diff_decoder PRIVATE npsdiag_core)
file(GLOB NPSDIAG_DECODER_FIXTURES ${PROJECT_SOURCE_DIR}/tests/fixtures/*/*.evtx)
add_test(NAME decoder_diff_fixtures COMMAND diff_decoder -max-refused 0 ${NPSDIAG_DECODER_FIXTURES})
file(GLOB NPSDIAG_DECODER_CORPUS ${NPSDIAG_SHARED}/corpus/real/*/*.evtx)
if(NPSDIAG_DECODER_CORPUS)
  add_test(NAME decoder_diff_corpus COMMAND diff_decoder ${NPSDIAG_DECODER_CORPUS})
endif()
if(TARGET npsdiag)
  add_test(NAME decoder_cli COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/decoder/cli.sh)
  set_tests_properties(decoder_cli PROPERTIES ENVIRONMENT "NPSDIAG=$<TARGET_FILE:npsdiag>;SRC=${PROJECT_SOURCE_DIR}")
endif()
# Unusual values (tests/decoder/unusual.desc), written by our EVTX writer.
if(TARGET evtxwrite)
  add_test(NAME decoder_diff_unusual COMMAND sh -c
    "'$<TARGET_FILE:evtxwrite>' -o '${CMAKE_CURRENT_BINARY_DIR}/decoder-unusual.evtx' '${CMAKE_CURRENT_SOURCE_DIR}/decoder/unusual.desc' && '$<TARGET_FILE:diff_decoder>' -max-refused 0 '${CMAKE_CURRENT_BINARY_DIR}/decoder-unusual.evtx'")
endif()
