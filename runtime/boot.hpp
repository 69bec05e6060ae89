// Start-up work that happens before the actor system serves anything: wait for
// PostgreSQL, apply migrations, and record this run in `node_starts`. It runs
// on the main thread with a connection of its own, so blocking is fine here.
#pragma once

#include "runtime/config.hpp"

#include <optional>
#include <string>

namespace easymo::boot {

struct database_ready {
  int schema_version = 0;
  long node_start_id = 0;
};

/// Retries the connection until `s.db_startup_timeout`, then migrates.
/// Returns a one-line error on failure.
std::optional<std::string> prepare_database(const settings& s,
                                            database_ready& out);

/// Marks the run as stopped with `exit_code`; failures are only logged.
void record_stop(const settings& s, long node_start_id, int exit_code);

} // namespace easymo::boot
