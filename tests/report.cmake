# report tests: the formats on the fixtures (content, escaping, filters,
# determinism), the HTML rendered by Debian's chromium (headless), and the
# JSON of diagnose and tail against docs/results-json.md, the one-line
# views (--brief, ECS lines), the certificate section of report --cert, the
# summary table the HTML and Markdown reports start with.
set(NPSDIAG_REPORT_ENV NPSDIAG=$<TARGET_FILE:npsdiag> SRC=${PROJECT_SOURCE_DIR}
    PYTHONPATH=${CMAKE_CURRENT_SOURCE_DIR}/diagnose PYTHONDONTWRITEBYTECODE=1)
add_test(NAME report_formats COMMAND ${NPSDIAG_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/report/formats.py)
add_test(NAME report_browser COMMAND ${NPSDIAG_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/report/browser.py)
add_test(NAME report_schema COMMAND ${NPSDIAG_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/report/schema.py)
add_test(NAME report_siem COMMAND ${NPSDIAG_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/report/siem.py)
add_test(NAME report_certs COMMAND ${NPSDIAG_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/report/certs.py)
add_test(NAME report_summary COMMAND ${NPSDIAG_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/report/summary.py)
set_tests_properties(report_formats report_browser report_schema report_siem report_certs report_summary PROPERTIES ENVIRONMENT "${NPSDIAG_REPORT_ENV}" SKIP_RETURN_CODE 77)
set_tests_properties(report_browser PROPERTIES TIMEOUT 600)
