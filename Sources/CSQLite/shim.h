#ifndef MEDCLAIMS_CSQLITE_SHIM_H
#define MEDCLAIMS_CSQLITE_SHIM_H

#include <sqlite3.h>

/// SQLite counts the memory it allocates under one process-wide mutex, taken on every malloc
/// and free; the run's reading and committing threads then wait on each other for it. Nothing
/// here reads those counts. `sqlite3_config` is variadic, which Swift cannot call; it works
/// only before SQLite is initialised (it returns SQLITE_MISUSE after, and changes nothing).
static inline int medclaims_sqlite3_stop_counting_memory(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

#endif
