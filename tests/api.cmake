# The core API and what it is built into: the installed tree (moved, then
# used from elsewhere, and a program built against it with pkg-config) and
# inputs that must not hang (a FIFO).
set(NPSDIAG_API_CFLAGS "")
if(NPSDIAG_SANITIZE)
  set(NPSDIAG_API_CFLAGS "-fsanitize=address,undefined")
endif()
add_test(NAME api_install COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/api/install.sh)
add_test(NAME api_fifo COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/api/fifo.sh)
set_tests_properties(api_install api_fifo PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300 ENVIRONMENT
  "NPSDIAG=$<TARGET_FILE:npsdiag>;SRC=${PROJECT_SOURCE_DIR};BUILD=${PROJECT_BINARY_DIR};CC=${CMAKE_C_COMPILER};CFLAGS=${NPSDIAG_API_CFLAGS};SHARED=${NPSDIAG_SHARED}")

add_executable(test_platform ${CMAKE_CURRENT_SOURCE_DIR}/api/test_platform.c)
target_link_libraries(test_platform PRIVATE npsdiag_core)
add_test(NAME api_unit_platform COMMAND test_platform)
