# The layers hold: a source of a lower layer cannot include a header of a
# higher one (the include path of each layer library holds only itself and
# the layers below), while including a lower layer's header works. Each
# probe is an object library outside `all`, built by the test. The
# command line links nd_api only, so the nd_api probes show what it sees:
# npsdiag.h, and no header of the layers below (linked PRIVATE).
set(NPSDIAG_LAYER_PROBES
  "nd_util:nd_record.h:expect-fail"
  "nd_util:nd_file.h:expect-fail"
  "nd_parsers_evtx:nd_clock.h:expect-fail"
  "nd_parsers_record:event_xml.h:expect-fail"
  "nd_parsers_evtx:nd_family.h:expect-fail"
  "nd_model:nd_store.h:expect-fail"
  "nd_store:nd_ingest.h:expect-fail"
  "nd_store:nd_diagnose.h:expect-fail"
  "nd_analysis:nd_report.h:expect-fail"
  "nd_output:nd_tail.h:expect-fail"
  "nd_follow:cli.h:expect-fail"
  "nd_follow:npsdiag.h:expect-fail"
  "nd_api:nd_store.h:expect-fail"
  "nd_api:nd_diagnose_print.h:expect-fail"
  "nd_api:nd_error.h:expect-fail"
  "nd_cert:nd_store.h:expect-fail"
  "nd_parsers_xmlstream:nd_family.h:expect-fail"
  "nd_parsers_nps_text:nd_family.h:expect-fail"
  "nd_parsers_nps_text:nd_store.h:expect-fail"
  "nd_parsers_json:nd_family.h:expect-fail"
  "nd_parsers_json:nd_store.h:expect-fail"
  "nd_parsers_archive:nd_family.h:expect-fail"
  "nd_parsers_archive:nd_record.h:expect-fail"
  "nd_store:nd_cert.h:expect-fail"
  "nd_output:nd_store.h:expect-ok"
  "nd_ingest:evtx_reader.h:expect-ok"
  "nd_platform:nd_error.h:expect-ok"
  "nd_ingest:nd_dir.h:expect-ok"
  "nd_cert:nd_file.h:expect-ok"
  "nd_api:npsdiag.h:expect-ok")
foreach(probe ${NPSDIAG_LAYER_PROBES})
  string(REPLACE ":" ";" parts ${probe})
  list(GET parts 0 layer)
  list(GET parts 1 header)
  list(GET parts 2 expect)
  string(MAKE_C_IDENTIFIER "layer_probe_${layer}_${header}" target)
  add_library(${target} OBJECT EXCLUDE_FROM_ALL ${CMAKE_CURRENT_SOURCE_DIR}/layers/probe.c)
  target_compile_definitions(${target} PRIVATE PROBE_HEADER="${header}")
  target_link_libraries(${target} PRIVATE ${layer})
  add_test(NAME layers_${target}
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/layers/build_probe.sh ${CMAKE_BINARY_DIR} ${target} ${header} ${expect})
  set_tests_properties(layers_${target} PROPERTIES LABELS layers RESOURCE_LOCK cmake_build)
endforeach()

# SQLite stays behind nd_db: only src/store/nd_db_sqlite.c (and tests/,
# tools/) include <sqlite3.h> or call sqlite3_*.
add_test(NAME layers_sqlite_confined COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/layers/sqlite_confined.sh ${PROJECT_SOURCE_DIR})
set_tests_properties(layers_sqlite_confined PROPERTIES LABELS layers)
