# Unit tests of the lower layers, one program per module
# (tests/unit/test_<module>.c, in the style of libevtx's tests): each public
# function with good and bad input. A test that needs files gets a
# temporary directory under the build tree and the source tree as its
# arguments.
file(GLOB NPSDIAG_UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_*.c)
set(NPSDIAG_UNIT_TMP ${CMAKE_CURRENT_BINARY_DIR}/unit-tmp)
file(MAKE_DIRECTORY ${NPSDIAG_UNIT_TMP})
foreach(src ${NPSDIAG_UNIT_TESTS})
  get_filename_component(t ${src} NAME_WE)
  string(REGEX REPLACE "^test_" "" t ${t})
  add_executable(test_${t} ${src})
  target_link_libraries(test_${t} PRIVATE npsdiag_core)
  add_test(NAME unit_${t} COMMAND test_${t} ${NPSDIAG_UNIT_TMP} ${PROJECT_SOURCE_DIR})
endforeach()
