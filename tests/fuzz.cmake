# Fuzz targets. In ctest they run through driver.c over seeds (fixtures and
# the real corpus when present) and deterministic mutations of them, under
# whatever sanitizers the build has. With -DNPSDIAG_FUZZ=ON and clang they
# are also built as libFuzzer binaries (fuzz_chunk_libfuzzer, ...):
#   ./fuzz_chunk_libfuzzer -max_len=65536 corpus_dir/
# The code under test is instrumented too (every layer library gets
# -fsanitize=fuzzer-no-link): configure with clang and
#   -DNPSDIAG_FUZZ=ON -DNPSDIAG_SANITIZE=ON
# or, for volume runs with UBSan alone, -DNPSDIAG_FUZZ=ON
# -DNPSDIAG_FUZZ_SANITIZERS=undefined (the sanitizer runtime holds the
# coverage callbacks the other programs of the build then need).
# docs/fuzzing.md says how campaigns are run.
option(NPSDIAG_FUZZ "Build libFuzzer targets (clang)" OFF)
# The sanitizers of a fuzz build: ASan+UBSan (the default, with
# -DNPSDIAG_SANITIZE=ON), or UBSan alone for volume runs of the fast
# targets, several times faster; the corpus such a run finds is then
# replayed under ASan+UBSan (docs/fuzzing.md).
set(NPSDIAG_FUZZ_SANITIZERS "address,undefined" CACHE STRING
  "Sanitizers of the libFuzzer build: address,undefined or undefined")
if(NPSDIAG_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "NPSDIAG_FUZZ needs clang")
  endif()
  if(NPSDIAG_FUZZ_SANITIZERS STREQUAL "undefined")
    if(NPSDIAG_SANITIZE)
      message(FATAL_ERROR "NPSDIAG_FUZZ_SANITIZERS=undefined is a build without ASan: drop -DNPSDIAG_SANITIZE=ON")
    endif()
  elseif(NOT NPSDIAG_FUZZ_SANITIZERS STREQUAL "address,undefined" OR NOT NPSDIAG_SANITIZE)
    message(FATAL_ERROR "NPSDIAG_FUZZ needs -DNPSDIAG_SANITIZE=ON (or NPSDIAG_FUZZ_SANITIZERS=undefined)")
  endif()
  # nd_crc32 and the like stay uninstrumented: fuzz/coverage-ignore.txt.
  foreach(layer ${NPSDIAG_LAYERS})
    target_compile_options(${layer} PRIVATE -fsanitize=fuzzer-no-link
      -fsanitize-coverage-ignorelist=${CMAKE_CURRENT_SOURCE_DIR}/fuzz/coverage-ignore.txt)
    if(NPSDIAG_FUZZ_SANITIZERS STREQUAL "undefined")
      # The UBSan runtime also holds the coverage callbacks every program
      # linking an instrumented layer needs.
      target_compile_options(${layer} PRIVATE -fsanitize=undefined -fno-sanitize-recover=undefined)
      target_link_options(${layer} INTERFACE -fsanitize=undefined)
    endif()
  endforeach()
endif()
if(NPSDIAG_FUZZ)
  add_test(NAME fuzz_instrumented COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/instrumented.sh
    $<TARGET_FILE:fuzz_walk_libfuzzer> 300)
endif()
# Each target's own sources besides fuzz_<t>.c: a scratch directory
# (fuzz_tmp.c) and inputs turned into .evtx files (fuzz_evtx_image.c).
set(NPSDIAG_FUZZ_TARGETS chunk walk event_xml decoder rules analysis escape store pipeline tail)
set(fuzz_extra_rules fuzz_tmp.c)
set(fuzz_extra_store fuzz_tmp.c)
set(fuzz_extra_pipeline fuzz_tmp.c fuzz_evtx_image.c)
set(fuzz_extra_tail fuzz_tmp.c fuzz_evtx_image.c)
pkg_check_modules(FUZZ_JSONC REQUIRED IMPORTED_TARGET json-c)
foreach(t ${NPSDIAG_FUZZ_TARGETS})
  set(srcs ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_${t}.c)
  foreach(x ${fuzz_extra_${t}})
    list(APPEND srcs ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/${x})
  endforeach()
  set(variants fuzz_${t})
  add_executable(fuzz_${t} ${srcs} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/driver.c)
  if(NPSDIAG_FUZZ)
    add_executable(fuzz_${t}_libfuzzer ${srcs})
    target_compile_options(fuzz_${t}_libfuzzer PRIVATE -fsanitize=fuzzer,${NPSDIAG_FUZZ_SANITIZERS})
    target_link_options(fuzz_${t}_libfuzzer PRIVATE -fsanitize=fuzzer,${NPSDIAG_FUZZ_SANITIZERS})
    list(APPEND variants fuzz_${t}_libfuzzer)
  endif()
  foreach(v ${variants})
    target_link_libraries(${v} PRIVATE npsdiag_core)
    if(t STREQUAL "escape")
      target_link_libraries(${v} PRIVATE PkgConfig::FUZZ_JSONC)
    elseif(t STREQUAL "tail")
      target_link_libraries(${v} PRIVATE PkgConfig::SQLITE3)
    elseif(t STREQUAL "pipeline")
      target_link_libraries(${v} PRIVATE nd_api)
      target_compile_definitions(${v} PRIVATE ND_FUZZ_RULES_DIR="${PROJECT_SOURCE_DIR}/rules")
    endif()
  endforeach()
endforeach()
# fuzz_analysis builds its data with the unit tests' fixture and judges it
# with the shipped rules.
foreach(t fuzz_analysis fuzz_analysis_libfuzzer)
  if(TARGET ${t})
    target_include_directories(${t} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
    target_compile_definitions(${t} PRIVATE ND_FUZZ_RULES_DIR="${PROJECT_SOURCE_DIR}/rules")
  endif()
endforeach()

file(GLOB NPSDIAG_FUZZ_SEEDS ${PROJECT_SOURCE_DIR}/tests/fixtures/*/*.evtx)
file(GLOB NPSDIAG_FUZZ_CORPUS ${NPSDIAG_SHARED}/corpus/real/*/*.evtx)
# Every chunk of our fixtures; a sample of the corpus's chunks (a full
# replay of the 15 MB corpus takes minutes under ASan).
if(NPSDIAG_FUZZ_SEEDS)
  add_test(NAME fuzz_chunk_replay COMMAND fuzz_chunk -rounds 3 ${NPSDIAG_FUZZ_SEEDS})
endif()
if(NPSDIAG_FUZZ_CORPUS)
  add_test(NAME fuzz_chunk_replay_corpus COMMAND fuzz_chunk -rounds 3 -max-chunks 5 ${NPSDIAG_FUZZ_CORPUS})
endif()
# The decoder against libevtx, the record compared being the last one of
# each (mutated, often truncated) chunk of our fixtures.
target_sources(fuzz_decoder PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/decoder/record_diff.c)
target_include_directories(fuzz_decoder PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/decoder)
if(NPSDIAG_FUZZ)
  target_sources(fuzz_decoder_libfuzzer PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/decoder/record_diff.c)
  target_include_directories(fuzz_decoder_libfuzzer PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/decoder)
endif()
# seeds/decoder: inputs the libFuzzer target once aborted on.
file(GLOB NPSDIAG_FUZZ_DECODER_SEEDS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/seeds/decoder/*)
add_test(NAME fuzz_decoder_replay COMMAND fuzz_decoder -rounds 60 ${NPSDIAG_FUZZ_SEEDS} ${NPSDIAG_FUZZ_DECODER_SEEDS})
add_test(NAME fuzz_event_xml_replay COMMAND fuzz_event_xml -rounds 3000 ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/seeds/event.xml)
# The rules file parser over the shipped rules, the unit tests' rule files
# (good and broken) and tests/fuzz/seeds/rules/; the analysis over
# tests/fuzz/seeds/analysis/. Each well under 20 s under ASan.
file(GLOB NPSDIAG_FUZZ_RULES_SEEDS ${PROJECT_SOURCE_DIR}/rules/*.rules ${CMAKE_CURRENT_SOURCE_DIR}/unit/rules/*/*.rules
     ${CMAKE_CURRENT_SOURCE_DIR}/unit/rules/bad/*/*.rules
     ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/seeds/rules/*)
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/fuzz-rules-tmp)
add_test(NAME fuzz_rules_replay COMMAND fuzz_rules -rounds 40 ${NPSDIAG_FUZZ_RULES_SEEDS})
set_tests_properties(fuzz_rules_replay PROPERTIES TIMEOUT 20
  ENVIRONMENT FUZZ_TMP=${CMAKE_CURRENT_BINARY_DIR}/fuzz-rules-tmp)
file(GLOB NPSDIAG_FUZZ_ANALYSIS_SEEDS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/seeds/analysis/*)
add_test(NAME fuzz_analysis_replay COMMAND fuzz_analysis -rounds 300 ${NPSDIAG_FUZZ_ANALYSIS_SEEDS})
set_tests_properties(fuzz_analysis_replay PROPERTIES TIMEOUT 20)
# What libFuzzer found (tests/fuzz/corpus/TARGET/: -set_cover_merge=1 of a
# local run's corpus, docs/fuzzing.md), each input and two mutations of it
# (pipeline and tail: the input alone, they cost 5-200 ms an exec).
foreach(t rules analysis walk event_xml decoder pipeline tail)
  file(GLOB NPSDIAG_FUZZ_FOUND ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${t}/*)
  if(NOT NPSDIAG_FUZZ_FOUND)
    continue()
  endif()
  set(rounds 2)
  set(timeout 60)
  if(t STREQUAL "pipeline" OR t STREQUAL "tail")
    set(rounds 0)
    set(timeout 300)
  endif()
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/fuzz-${t}-corpus-tmp)
  add_test(NAME fuzz_${t}_corpus COMMAND fuzz_${t} -rounds ${rounds} ${NPSDIAG_FUZZ_FOUND})
  set_tests_properties(fuzz_${t}_corpus PROPERTIES TIMEOUT ${timeout} ENVIRONMENT
    "FUZZ_TMP=${CMAKE_CURRENT_BINARY_DIR}/fuzz-${t}-corpus-tmp;NPSDIAG_RULES=${PROJECT_SOURCE_DIR}/rules")
endforeach()

# Reproducers of past crashes (tests/fuzz/regress/, from the shared fuzz
# corpus; MANIFEST there says what each did): each XML input replays alone
# through fuzz_event_xml; each chunk through fuzz_chunk, the slow one within
# a time bound. The .evtx one runs through `npsdiag ingest`
# (tests/ingest/crash_reproducer.sh).
file(GLOB NPSDIAG_FUZZ_REGRESS_XML ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regress/*.xml)
foreach(f ${NPSDIAG_FUZZ_REGRESS_XML})
  get_filename_component(n ${f} NAME_WE)
  add_test(NAME fuzz_regress_${n} COMMAND fuzz_event_xml -rounds 0 ${f})
  set_tests_properties(fuzz_regress_${n} PROPERTIES PASS_REGULAR_EXPRESSION "(^|\n)1 passed, 0 failed")
endforeach()
add_test(NAME fuzz_regress_chunk-libevtx-leak
  COMMAND fuzz_chunk -rounds 0 ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regress/chunk-libevtx-leak.bin)
add_test(NAME fuzz_regress_chunk-slow-unit
  COMMAND fuzz_chunk -rounds 0 ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regress/chunk-slow-unit.bin)
# 0.5 s without sanitizers today; the bound leaves room for ASan and a busy
# machine, and fails a return to the multi-second units the fuzzer saw.
set_tests_properties(fuzz_regress_chunk-libevtx-leak fuzz_regress_chunk-slow-unit PROPERTIES
  PASS_REGULAR_EXPRESSION "(^|\n)1 passed, 0 failed" TIMEOUT 20)
# Found by this session's campaigns (docs/fuzzing.md): an empty input to the
# whole pipeline (clang UBSan: pointer arithmetic on NULL in nd_correlate
# with no candidates), and a chunk whose ANSI string value is all NULs
# (libevtx writes them raw, the fast path drops trailing NULs: a documented
# libevtx difference, tests/decoder/record_diff.c), and one whose UTF-16
# value starts with U+FFFE (libevtx drops it as a byte-order mark; we keep it),
# and one with '"' in an attribute value (libevtx writes it raw: event_xml
# misreads the rest of the record, fields and their number).
# Then a first write of field names (clang UBSan: NULL + 0 in nd_fields'
# name cache, reading an empty slot; any pipeline input reached it).
# Then an event XML whose time is some 5,300 years out: the report's
# timeline axis multiplied a gap by 10 and overflowed (nd_axis).
# Then an ECS JSON line whose winlog.event_data is a number: json-c's object
# loop dereferenced the missing table (SIGSEGV; parsers/json/json_event.c).
foreach(n pipeline-empty-input pipeline-fields-empty-slot pipeline-axis-gap-overflow pipeline-json-event-data-not-object)
  add_test(NAME fuzz_regress_${n} COMMAND fuzz_pipeline -rounds 0 ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regress/${n}.bin)
  set_tests_properties(fuzz_regress_${n} PROPERTIES
    ENVIRONMENT "FUZZ_TMP=${CMAKE_CURRENT_BINARY_DIR}/fuzz-pipeline-tmp;NPSDIAG_RULES=${PROJECT_SOURCE_DIR}/rules")
endforeach()
add_test(NAME fuzz_regress_decoder-ansi-trailing-nuls
  COMMAND fuzz_decoder -rounds 0 ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regress/decoder-ansi-trailing-nuls.bin)
add_test(NAME fuzz_regress_decoder-leading-bom
  COMMAND fuzz_decoder -rounds 0 ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regress/decoder-leading-bom.bin)
add_test(NAME fuzz_regress_decoder-quote-in-attribute
  COMMAND fuzz_decoder -rounds 0 ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regress/decoder-quote-in-attribute.bin)
# The same libevtx bug in an attribute npsdiag does not store
# (Correlation/@RelatedActivityID): event_xml lost the rest of System
# (Execution, Channel, Computer, Security) and the fields; the XML is not
# well-formed there, so there is nothing to compare (rd_system_attribute_broken).
add_test(NAME fuzz_regress_decoder-quote-in-correlation
  COMMAND fuzz_decoder -rounds 0 ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regress/decoder-quote-in-correlation.bin)
# A template definition that holds an instance of itself: our decoder
# recursed until the stack overflowed (this session's decoder campaign).
add_test(NAME fuzz_regress_decoder-template-cycle
  COMMAND fuzz_decoder -rounds 0 ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regress/decoder-template-cycle.bin)
# An ANSI string value holding "<System ...><Channel>" (libevtx writes ANSI
# values raw, RD_UNESCAPED): event_xml read a second System from
# libevtx's XML, and the channel compared as "" (this session's campaign).
add_test(NAME fuzz_regress_decoder-markup-in-ansi-value
  COMMAND fuzz_decoder -rounds 0 ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regress/decoder-markup-in-ansi-value.bin)
# The first definition of a run compared with an empty known slot: NULL + 0
# (clang UBSan only; gcc's does not check it) before the size said "empty".
add_test(NAME fuzz_regress_decoder-known-empty-slot
  COMMAND fuzz_decoder -rounds 0 ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regress/decoder-known-empty-slot.bin)
set_tests_properties(fuzz_regress_pipeline-empty-input fuzz_regress_pipeline-fields-empty-slot
  fuzz_regress_decoder-ansi-trailing-nuls
  fuzz_regress_decoder-leading-bom fuzz_regress_decoder-quote-in-attribute fuzz_regress_decoder-quote-in-correlation
  fuzz_regress_decoder-template-cycle fuzz_regress_decoder-known-empty-slot
  fuzz_regress_decoder-markup-in-ansi-value PROPERTIES
  PASS_REGULAR_EXPRESSION "(^|\n)1 passed, 0 failed" TIMEOUT 60)

# The targets added for the reliability issue's item 3 (what no target
# reached): escaping (its promises checked), the walker and filter alone,
# family naming and the store, the whole pipeline through the public API,
# and the tail's state across rounds. Each replays its seeds and
# deterministic mutations; docs/fuzzing.md has the local libFuzzer
# runs and their figures.
file(GLOB NPSDIAG_FUZZ_ESCAPE_SEEDS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/seeds/escape/*)
add_test(NAME fuzz_escape_replay COMMAND fuzz_escape -rounds 3000 ${NPSDIAG_FUZZ_ESCAPE_SEEDS})
if(NPSDIAG_FUZZ_SEEDS)
  add_test(NAME fuzz_walk_replay COMMAND fuzz_walk -rounds 40 ${NPSDIAG_FUZZ_SEEDS})
endif()
if(NPSDIAG_FUZZ_CORPUS)
  add_test(NAME fuzz_walk_replay_corpus COMMAND fuzz_walk -rounds 10 ${NPSDIAG_FUZZ_CORPUS})
endif()
file(GLOB NPSDIAG_FUZZ_STORE_SEEDS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/seeds/store/*)
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/fuzz-store-tmp ${CMAKE_CURRENT_BINARY_DIR}/fuzz-pipeline-tmp
     ${CMAKE_CURRENT_BINARY_DIR}/fuzz-tail-tmp)
add_test(NAME fuzz_store_replay COMMAND fuzz_store -rounds 400 ${NPSDIAG_FUZZ_STORE_SEEDS})
set_tests_properties(fuzz_store_replay PROPERTIES TIMEOUT 60
  ENVIRONMENT FUZZ_TMP=${CMAKE_CURRENT_BINARY_DIR}/fuzz-store-tmp)
# Whole files of each input format: one chunk-sized .evtx, event XML,
# JSON lines and an NPS text log of the Error-853 scenario.
file(GLOB NPSDIAG_FUZZ_PIPELINE_SEEDS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/seeds/pipeline/*)
add_test(NAME fuzz_pipeline_replay COMMAND fuzz_pipeline -rounds 12 ${NPSDIAG_FUZZ_PIPELINE_SEEDS})
add_test(NAME fuzz_tail_replay COMMAND fuzz_tail -rounds 12
  ${PROJECT_SOURCE_DIR}/tests/fixtures/error853/NPS01-System.evtx ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/seeds/pipeline/error853-nps.evtx)
set_tests_properties(fuzz_pipeline_replay fuzz_tail_replay PROPERTIES TIMEOUT 120)
set_tests_properties(fuzz_pipeline_replay PROPERTIES
  ENVIRONMENT "FUZZ_TMP=${CMAKE_CURRENT_BINARY_DIR}/fuzz-pipeline-tmp;NPSDIAG_RULES=${PROJECT_SOURCE_DIR}/rules")
set_tests_properties(fuzz_tail_replay PROPERTIES ENVIRONMENT FUZZ_TMP=${CMAKE_CURRENT_BINARY_DIR}/fuzz-tail-tmp)
