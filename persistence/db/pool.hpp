#pragma once

#include "persistence/db/protocol.hpp"

#include <caf/actor.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/timespan.hpp>

#include <memory>

#include <pqxx/connection>

#include <chrono>
#include <deque>
#include <vector>

namespace easymo::db {

/// Worker -> pool: (worker_status_atom, index, connected).
using worker_status_atom = caf::atom_constant<caf::atom("wstatus")>;

struct pool_options {
  std::string url;
  size_t size = 4;
  /// Jobs waiting for a free worker before new ones are refused.
  size_t queue_jobs_max = 10000;
  caf::timespan connect_timeout = std::chrono::seconds(2);
  caf::timespan retry_backoff_min = std::chrono::milliseconds(100);
  caf::timespan retry_backoff_max = std::chrono::seconds(5);
  /// PostgreSQL statement_timeout for every session.
  caf::timespan statement_timeout = std::chrono::seconds(10);
};

struct worker_slot {
  caf::actor handle;
  bool connected = false;
  bool busy = false;
};

struct queued_job {
  job work;
  caf::response_promise rp;
};

struct pool_state {
  pool_options opts;
  std::vector<worker_slot> workers;
  std::deque<queued_job> queue;
  uint64_t jobs_done = 0;
  uint64_t jobs_refused = 0;

  size_t connected() const;
  size_t busy() const;

  static inline const char* name = "db.pool";
};

using pool_actor = caf::stateful_actor<pool_state>;

/// The pool: spawns `opts.size` detached workers and hands them jobs.
caf::behavior pool(pool_actor* self, pool_options opts);

struct worker_state {
  std::unique_ptr<pqxx::connection> conn;
  caf::timespan backoff{0};
  bool retry_scheduled = false;

  ~worker_state();

  static inline const char* name = "db.worker";
};

using worker_actor = caf::stateful_actor<worker_state>;

/// One worker: a detached actor that owns one connection.
caf::behavior worker(worker_actor* self, pool_options opts, caf::actor pool,
                     size_t index);

/// Appends connect_timeout (and application_name) to a libpq URL or
/// keyword/value connection string.
std::string with_connect_options(const std::string& url,
                                 caf::timespan connect_timeout);

} // namespace easymo::db
