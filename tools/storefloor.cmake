# storefloor: SQLite's own cost of storing an ingest's events (the floor
# under nd_store_event): the rows of a database inserted again into a new
# one with the store's statements and nothing else (docs/schema.md).
add_executable(storefloor ${CMAKE_CURRENT_SOURCE_DIR}/storefloor.c)
target_link_libraries(storefloor PRIVATE npsdiag_core PkgConfig::SQLITE3)
