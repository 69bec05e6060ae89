#include "runtime/boot.hpp"

#include "persistence/db/pool.hpp"
#include "persistence/migrations.hpp"
#include "runtime/log.hpp"

#include <pqxx/pqxx>

#include <thread>
#include <unistd.h>

namespace easymo::boot {

namespace {

std::unique_ptr<pqxx::connection> connect_with_retry(const settings& s,
                                                     std::string& last_error) {
  auto url = db::with_connect_options(s.database_url, s.db_connect_timeout);
  auto deadline = std::chrono::steady_clock::now() + s.db_startup_timeout;
  auto backoff = std::chrono::milliseconds(100);
  for (;;) {
    try {
      return std::make_unique<pqxx::connection>(url);
    } catch (const std::exception& e) {
      last_error = e.what();
    }
    if (std::chrono::steady_clock::now() + backoff > deadline)
      return nullptr;
    log::warn("boot", "database not reachable yet, retrying",
              {{"retry_ms", backoff.count()}});
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
  }
}

long record_start(pqxx::connection& conn, const settings& s) {
  pqxx::work tx{conn};
  auto row = tx.exec_params1(
    "INSERT INTO node_starts (node, version, pid, mode) VALUES ($1, $2, $3, $4) "
    "RETURNING id",
    s.node_name, std::string{EASYMO_VERSION}, static_cast<int>(::getpid()),
    s.mode);
  tx.commit();
  return row[0].as<long>();
}

} // namespace

std::optional<std::string> prepare_database(const settings& s,
                                            database_ready& out) {
  std::vector<migrations::migration> all;
  if (auto err = migrations::load(s.migrations_dir, all))
    return err;
  std::string last_error;
  auto conn = connect_with_retry(s, last_error);
  if (!conn)
    return "database unreachable after "
           + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                              s.db_startup_timeout)
                              .count())
           + " s: " + log::scrub(last_error);
  migrations::outcome result;
  if (auto err = migrations::apply(*conn, all, result))
    return err;
  out.schema_version = result.latest;
  try {
    out.node_start_id = record_start(*conn, s);
  } catch (const std::exception& e) {
    return std::string{"recording the start failed: "} + e.what();
  }
  log::info("boot", "database ready",
            {{"schema_version", result.latest},
             {"applied", result.applied.size()}});
  return std::nullopt;
}

void record_stop(const settings& s, long node_start_id, int exit_code) {
  if (node_start_id == 0)
    return;
  try {
    pqxx::connection conn{
      db::with_connect_options(s.database_url, s.db_connect_timeout)};
    pqxx::work tx{conn};
    tx.exec_params("UPDATE node_starts SET stopped_at = now(), exit_code = $2 "
                   "WHERE id = $1",
                   node_start_id, exit_code);
    tx.commit();
  } catch (const std::exception& e) {
    log::warn("boot", "could not record the stop", {{"error", e.what()}});
  }
}

} // namespace easymo::boot
