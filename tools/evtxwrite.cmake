# evtxwrite: the EVTX fixture writer (plain C, no libevtx: it is checked
# against libevtx and python-evtx, not built on them).
add_executable(evtxwrite ${CMAKE_CURRENT_SOURCE_DIR}/evtxwrite.c ${CMAKE_CURRENT_SOURCE_DIR}/ew_desc.c
               ${CMAKE_CURRENT_SOURCE_DIR}/ew_chunk.c)
