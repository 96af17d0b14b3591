# evtxconvert: writes the records of .evtx files in the other input formats
# (event XML streams and documents, UTF-16, JSON), for the input tests.
add_executable(evtxconvert ${CMAKE_CURRENT_SOURCE_DIR}/evtxconvert.c ${CMAKE_CURRENT_SOURCE_DIR}/evtxconvert_json.c)
target_link_libraries(evtxconvert PRIVATE npsdiag_core)
