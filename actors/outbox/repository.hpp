// The outbox's SQL, as pool jobs. Internal to actors/outbox.
//
// Every job works on batches: one sweep per tick, one transaction per flush of results and status reports,
// so the hot path costs a few round trips per hundreds of messages.
#pragma once

#include "actors/outbox/protocol.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pqxx {
class connection_base;
} // namespace pqxx

namespace easymo::outbox::repo {

/// A row this dispatcher claimed (status now 'sending').
struct claimed_row {
  outbox_row row;
  /// The attempt this claim starts (attempts after the increment).
  int32_t attempt = 1;
  /// Found in 'sending' by the sweep: a dispatcher died holding it, and
  /// Meta may have accepted it already.
  bool resent = false;
};

/// What one attempt did to a row, waiting to be written.
struct row_result {
  enum class kind : uint8_t { sent, retry, dead };
  int64_t id = 0;
  kind what = kind::retry;
  std::string wamid;
  int32_t attempts = 0;
  int64_t delay_ms = 0;
  /// JSON object text, or empty.
  std::string error_json;
  std::string reason;
};

struct sweep_params {
  size_t rows_max = 256;
  /// Rows in 'sending' for longer than this belong to a dead dispatcher.
  std::chrono::milliseconds stale_after{120'000};
  /// Rows this dispatcher holds in memory: never claimed again.
  std::vector<int64_t> exclude;
};

struct sweep_result {
  std::vector<claimed_row> rows;
  int64_t pending = 0;
  int64_t dlq_open = 0;
};

struct flush_summary {
  size_t sent = 0;
  size_t retried = 0;
  size_t dead = 0;
  /// Status reports that moved a row forward.
  size_t statuses_applied = 0;
};

using connection = pqxx::connection_base;

/// Claims due pending rows and stale sending rows; counts the depths.
std::function<sweep_result(connection&)> sweep_job(sweep_params params);

/// Writes results and status reports in one transaction.
std::function<flush_summary(connection&)>
flush_job(const std::vector<row_result>& results,
          const std::vector<status_report>& reports);

/// {"counts":{status:n,...},"dlq":n}
std::function<std::string(connection&)> counts_job();

/// {"dead":[...]} entries with id > after, oldest first, at most `limit`.
std::function<std::string(connection&)> dlq_job(int64_t after, int64_t limit);

/// Puts dead rows back to pending: dlq entry `dlq_id`, or every open entry
/// when it is 0. Returns how many rows were replayed.
std::function<int64_t(connection&)> replay_job(int64_t dlq_id);

} // namespace easymo::outbox::repo
