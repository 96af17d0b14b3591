# Input formats (issue 12, docs/inputs.md): content recognition, event XML
# in every shape, the same diagnosis as from .evtx, hostile inputs.
if(NOT TARGET evtxwrite OR NOT TARGET evtxconvert)
  return()
endif()
# archwrite writes the 7z and zstd test archives Python cannot (libarchive,
# linked: npsdiag itself loads it on use).
add_executable(archwrite ${CMAKE_CURRENT_SOURCE_DIR}/inputs/archwrite.c)
target_link_libraries(archwrite PRIVATE PkgConfig::LIBARCHIVE)
foreach(t recognise xml xml_hostile nps_text json json_hostile archive archive_hostile)
  add_test(NAME inputs_${t} COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/inputs/${t}.sh)
  set_tests_properties(inputs_${t} PROPERTIES SKIP_RETURN_CODE 77 ENVIRONMENT
    "NPSDIAG=$<TARGET_FILE:npsdiag>;EVTXWRITE=$<TARGET_FILE:evtxwrite>;EVTXCONVERT=$<TARGET_FILE:evtxconvert>;ARCHWRITE=$<TARGET_FILE:archwrite>;SRC=${PROJECT_SOURCE_DIR};SHARED=${NPSDIAG_SHARED}")
endforeach()
