# wine tests (label wine): the Windows build (tools/win-build.sh) run under Debian's wine against this
# build's npsdiag on the same inputs. Only when -DNPSDIAG_WIN_EXE=.../npsdiag.exe is given (tools/setup.sh
# test does it after the Linux tests); docs/windows.md.
set(NPSDIAG_WIN_EXE "" CACHE FILEPATH "npsdiag.exe to test under wine (empty: no wine tests)")
if(NOT NPSDIAG_WIN_EXE OR NOT TARGET evtxwrite)
  return()
endif()
set(NPSDIAG_WINE "/usr/lib/wine/wine64" CACHE FILEPATH "the wine loader the wine tests run npsdiag.exe with")
set(NPSDIAG_WIN_ENV "NPSDIAG=$<TARGET_FILE:npsdiag>;EVTXWRITE=$<TARGET_FILE:evtxwrite>;SRC=${PROJECT_SOURCE_DIR}"
    "NPSDIAG_WIN_EXE=${NPSDIAG_WIN_EXE};WINE=${NPSDIAG_WINE};WINEPREFIX=${CMAKE_CURRENT_BINARY_DIR}/wineprefix")
if(TARGET archwrite)
  list(APPEND NPSDIAG_WIN_ENV "ARCHWRITE=$<TARGET_FILE:archwrite>")
endif()
# One wine prefix for all of them, made first (wine sets it up in ~20 s).
add_test(NAME wine_prefix COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/win/prefix.sh)
set_tests_properties(wine_prefix PROPERTIES FIXTURES_SETUP wine_prefix)
foreach(t fixtures explain names resume pg zone archive ctrlc fetch)
  add_test(NAME wine_${t} COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/win/${t}.sh)
  set_tests_properties(wine_${t} PROPERTIES FIXTURES_REQUIRED wine_prefix)
endforeach()
get_property(wine_tests DIRECTORY PROPERTY TESTS)
list(FILTER wine_tests INCLUDE REGEX "^wine_")
set_tests_properties(${wine_tests} PROPERTIES LABELS wine SKIP_RETURN_CODE 77 TIMEOUT 600 ENVIRONMENT "${NPSDIAG_WIN_ENV}")
