# cli tests: the command line's messages and exit statuses (issue 13), on
# the EVTX fixtures, with the diagnose tests' harness; the log collection
# commands of the docs and the report against what npsdiag reads.
set(NPSDIAG_CLI_ENV NPSDIAG=$<TARGET_FILE:npsdiag> SRC=${PROJECT_SOURCE_DIR}
    PYTHONPATH=${CMAKE_CURRENT_SOURCE_DIR}/diagnose PYTHONDONTWRITEBYTECODE=1 NPSDIAG_RULES=${PROJECT_SOURCE_DIR}/rules)
add_test(NAME cli_commands COMMAND ${NPSDIAG_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/cli/cli.py)
add_test(NAME cli_collect COMMAND ${NPSDIAG_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/cli/collect.py)
set_tests_properties(cli_commands cli_collect PROPERTIES ENVIRONMENT "${NPSDIAG_CLI_ENV}" SKIP_RETURN_CODE 77)
find_program(NPSDIAG_BASH bash)
if(NPSDIAG_BASH)
  add_test(NAME cli_completion COMMAND ${NPSDIAG_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/cli/completion.sh)
  set_tests_properties(cli_completion PROPERTIES ENVIRONMENT "${NPSDIAG_CLI_ENV}")
endif()
